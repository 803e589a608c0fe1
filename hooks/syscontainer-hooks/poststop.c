/* poststop: the container is gone. Clean what it left on the host (veth
 * ends, eth links, the pinned network namespace) and forget its runtime
 * record. The record says what there is to clean, so a hook.json that is
 * unreadable by now costs nothing. Safe to run twice (the second run finds
 * no record and stays quiet), after a crash, and for a container we never
 * saw. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hook.h"
#include "oci_spec.h"
#include "progress.h"
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
	int on = relabel_host_enabled(e);

	if (on <= 0)
		return on;
	if (oci_spec_load(st->bundle, &spec, e) < 0)
		return -1;
	rootfs = oci_rootfs_host_path(st, &spec);
	oci_spec_free(&spec);
	if (!rootfs)
		return err_set(e, EINVAL, "no rootfs in config.json or the OCI state");
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, errno, "open rootfs %s", rootfs);
	err_clear(e);
	if (relabel_cleanup(rootfd, e) < 0)
		return err_wrap(e, "relabel");
	if (e->msg[0])
		log_warn("%s: poststop: relabel: %s", st->id, e->msg);
	else
		log_info("%s: poststop: relabel unit removed", st->id);
	return 0;
}

int hook_cleanup(const struct hook_opts *o, const char *id, const struct record *rec,
		 struct err *e)
{
	struct err why = { 0 };
	int r;

	progress_set(PROGRESS_MAIN, "taking the network down");
	r = hook_network_clean(o, id, rec, e);
	progress_set(PROGRESS_MAIN, "removing the udev rules and the runtime record");
	/* the container's udev rules go even when their disks are gone */
	if (udev_rules_remove(store_root(o->root), id, NULL, NULL, &why) < 0)
		r = err_keep_first(e, r, &why, "%s: poststop", id);
	if (record_remove(record_dir(), id, &why) < 0)
		r = err_keep_first(e, r, &why, "%s: poststop", id);
	return r;
}

/* The runtime record of the instance that stopped, when there is one.
 * Nothing in hook.json is needed: the record lists what was made. */
static int read_record(const char *id, struct record *rec, bool *have)
{
	struct err why = { 0 };

	*have = record_read(record_dir(), id, rec, &why) == 0;
	if (!*have && why.code != ENOENT)
		log_warn("%s: poststop: %s", id, why.msg);
	if (*have && hook_instance_running(rec)) {
		/* a start refused because the id was taken ends with a poststop */
		log_warn("%s: poststop: the runtime record is of pid %d, which still runs; "
			 "left alone", id, rec->pid);
		record_free(rec);
		return 1;
	}
	return 0;
}

int hook_poststop(const struct hook_opts *o, const struct oci_state *st, struct err *e)
{
	struct err why = { 0 };
	struct record rec;
	bool have;
	int r;

	if (hook_id_unstorable(st, "poststop"))
		return 0;
	if (read_record(st->id, &rec, &have) > 0)
		return 0;
	r = hook_cleanup(o, st->id, have ? &rec : NULL, e);
	if (have)
		record_free(&rec);
	progress_set(PROGRESS_MAIN, "removing the relabel unit");
	if (o->with_relabel && remove_relabel_unit(st, &why) < 0)
		r = err_keep_first(e, r, &why, "%s: poststop", st->id);
	if (r == 0)
		log_info("%s: poststop: cleaned up", st->id);
	return r;
}
