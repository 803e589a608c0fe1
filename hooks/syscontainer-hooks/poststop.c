/* poststop: the container is gone. Clean what it left on the host (veth
 * ends, eth links, the pinned network namespace) and forget its runtime
 * record. Safe to run twice, after a crash, and for a container we never
 * saw. */
#include "hook.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "udev_rules.h"

int hook_poststop(const struct hook_opts *o, const struct oci_state *st, struct err *e)
{
	struct err rec = { 0 };
	struct store s;
	int r;

	if (store_open(store_root(o->root), st->id, STORE_READ, &s, e) < 0)
		return -1;
	r = hook_network_down(st->id, s.doc, e);
	store_close(&s);
	/* the container's udev rules go even when their disks are gone */
	if (udev_rules_remove(st->id, NULL, NULL, &rec) < 0 && r == 0) {
		*e = rec;
		r = -1;
	}
	if (record_remove(record_dir(), st->id, &rec) < 0 && r == 0) {
		*e = rec;
		r = -1;
	}
	if (r == 0)
		log_info("%s: poststop: cleaned up", st->id);
	return r;
}
