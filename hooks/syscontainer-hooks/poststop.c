/* poststop: the container is gone. Clean what it left on the host (veth
 * ends, eth links, the pinned network namespace) and forget its runtime
 * record. Safe to run twice, after a crash, and for a container we never
 * saw. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hook.h"
#include "oci_spec.h"
#include "relabel.h"
#include "util.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "udev_rules.h"

/* The relabel unit goes at stop; the rootfs is at its host path now. */
static int remove_relabel_unit(const struct oci_state *st, struct err *e)
{
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_close_ int rootfd = -1;
	struct oci_spec spec;

	if (oci_spec_load(st->bundle, &spec, e) < 0)
		return -1;
	rootfs = oci_rootfs_path(st, &spec);
	oci_spec_free(&spec);
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, errno, "open rootfs %s", rootfs);
	if (relabel_cleanup(rootfd, e) < 0)
		return err_wrap(e, "relabel");
	log_info("%s: poststop: relabel unit removed", st->id);
	return 0;
}

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
	if (o->with_relabel && relabel_host_enabled() && remove_relabel_unit(st, &rec) < 0 &&
	    r == 0) {
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
