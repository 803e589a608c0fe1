/* poststop: the container is gone; forget its runtime record. Safe to run
 * twice, and for a container we never saw. */
#include "hook.h"
#include "log.h"
#include "record.h"

int hook_poststop(const struct hook_opts *o, const struct oci_state *st, struct err *e)
{
	(void)o;
	if (record_remove(record_dir(), st->id, e) < 0)
		return -1;
	log_info("%s: poststop: runtime record removed", st->id);
	return 0;
}
