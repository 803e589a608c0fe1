/* Which run of a container a stage runs for, against the runtime record
 * an earlier run left (lib/instance.h). A second prestart for the instance
 * that a first one already prepared has nothing to do: everything it would
 * make is made, and making it again would double mounts or fail on links
 * that exist. A record of an instance that is gone was left by a run that
 * ended without its poststop; what that run left on the host is cleaned
 * first, or the new start would trip over it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "container_id.h"
#include "hook.h"
#include "log.h"
#include "record.h"
#include "util.h"

bool hook_id_unstorable(const struct oci_state *st, const char *stage)
{
	if (container_id_valid(st->id))
		return false;
	log_info("%.64s%s: the id cannot name saved state, so nothing is saved for it; "
		 "%s has nothing to do", st->id, strlen(st->id) > 64 ? "..." : "", stage);
	return true;
}

static void instance_of_record(const struct record *r, struct instance *out)
{
	out->pid = r->pid;
	out->start_time = r->start_time;
	out->mntns_dev = r->mntns_dev;
	out->mntns_ino = r->mntns_ino;
}

/* What /proc says of the recorded pid, or NULL when it is gone. */
static const struct instance *recorded_now(const struct record *r, struct instance *buf)
{
	return instance_probe(r->pid, -1, buf, ERR_DISCARD) == 0 ? buf : NULL;
}

bool hook_instance_running(const struct record *r)
{
	struct instance then, now;

	instance_of_record(r, &then);
	return recorded_now(r, &now) && instance_match(&then, &now, NULL) == INSTANCE_SAME;
}

static int decide(const struct hook_opts *o, const struct oci_state *st,
		  const struct instance *now, const struct record *rec, struct err *e)
{
	struct instance then, buf;

	instance_of_record(rec, &then);
	switch (instance_match(&then, now, recorded_now(rec, &buf))) {
	case INSTANCE_SAME:
		log_info("%s: prestart: an earlier run of this hook prepared this instance; "
			 "nothing to do (pid %d)", st->id, st->pid);
		return 1;
	case INSTANCE_OTHER:
		return err_set(e, EBUSY, "container %s already runs as pid %d (runtime record in "
			       "%s/%s); two running containers cannot share an id", st->id, rec->pid,
			       record_dir(), st->id);
	case INSTANCE_STALE:
		break;
	}
	log_warn("%s: prestart: pid %d ended without a poststop; cleaning what it left", st->id,
		 rec->pid);
	return hook_cleanup(o, st->id, rec, e) < 0 ? err_wrap(e, "clean after pid %d", rec->pid) : 0;
}

int hook_instance_check(const struct hook_opts *o, const struct oci_state *st,
			struct instance *now, struct err *e)
{
	_cleanup_close_ int pidfd = -1, mntns = -1;
	struct record rec;
	struct err why = { 0 };
	int r;

	if (st->pid <= 0)
		return err_set(e, EINVAL, "the OCI state has no pid");
	if (pid_open_mntns(st->pid, &pidfd, &mntns, e) < 0 ||
	    instance_probe(st->pid, mntns, now, e) < 0)
		return -1;
	if (record_read(record_dir(), st->id, &rec, &why) < 0) {
		if (why.code == ENOENT)
			return 0;
		log_warn("%s: prestart: %s; replaced", st->id, why.msg);
		return hook_cleanup(o, st->id, NULL, e);
	}
	r = decide(o, st, now, &rec, e);
	record_free(&rec);
	return r;
}
