/* forget: drop everything kept for a container that no longer runs: its
 * saved state, its udev rules, its runtime record and namespace pin, after
 * giving back the interfaces that pin still holds.
 * Saved state outlives `runc delete` on purpose (a restart is a delete and
 * a run under the same id); this is how an operator ends it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "net_apply.h"
#include "netns_pin.h"
#include "record.h"
#include "store_net.h"
#include "udev_rules.h"
#include "util.h"

struct forget {
	const char *rundir;
	const char *root;
	const char *id;
	size_t rules;           /* udev rules removed */
	bool checked;           /* the saved state was there: forget_check ran */
};

/* Whether the container runs, by its record and its process, as the
 * other commands tell it; the bundle is not needed for that. */
static int not_running(void *arg, struct err *e)
{
	const struct forget *f = arg;
	struct record rec;
	struct err why = { 0 };
	struct stat st;
	int pidfd = -1, mntns = -1;
	bool runs;

	if (record_read(f->rundir, f->id, &rec, &why) < 0) {
		if (why.code == ENOENT)
			return 0;
		*e = why;
		return err_wrap(e, "cannot tell whether %s runs", f->id);
	}
	runs = pid_open_mntns(rec.pid, &pidfd, &mntns, &why) == 0 && fstat(mntns, &st) == 0 &&
	       (uint64_t)st.st_dev == rec.mntns_dev && (uint64_t)st.st_ino == rec.mntns_ino;
	if (pidfd >= 0)
		close(pidfd);
	if (mntns >= 0)
		close(mntns);
	record_free(&rec);
	if (runs)
		return err_set(e, EBUSY, "container %s is running: stop it first (the remove-* "
			       "commands change a running container)", f->id);
	return 0;
}

/* The interfaces a container made: its runtime record lists them (an
 * older record does not), else its saved state says. */
static int made_nics(const struct forget *f, const cJSON *doc, struct nic_spec **nics,
		     size_t *nn, struct err *e)
{
	struct record rec;
	struct err why = { 0 };

	*nics = NULL;
	*nn = 0;
	if (record_read(f->rundir, f->id, &rec, &why) == 0 && rec.nics_known) {
		*nics = rec.nics;
		*nn = rec.n_nics;
		rec.nics = NULL;
		rec.n_nics = 0;
		record_free(&rec);
		return 0;
	}
	if (why.code == 0)
		record_free(&rec);
	if (!doc)
		return err_set(e, EINVAL, "the saved state of %s cannot be read, so the interfaces "
			       "in its network namespace cannot be given back; repair its hook.json "
			       "first", f->id);
	return store_nics(doc, nics, nn, e);
}

/* Interfaces in the pinned namespace of a container killed but not yet
 * deleted: its poststop would give them back, but that works from the
 * record and the pin that forget drops, so give them back now as poststop
 * does (a veth pair is deleted, an eth link returns to the host). */
static int give_back_nics(const struct forget *f, const cJSON *doc, struct err *e)
{
	struct net_ctx c = { .host_netns_fd = -1 };
	struct nic_spec *nics = NULL;
	struct err why = { 0 };
	size_t nn = 0;
	int netns = -1, r = -1;

	if (netns_pin_open(f->rundir, f->id, &netns, &why) < 0)
		return why.code == ENOENT ? 0 : (*e = why, -1);
	if (made_nics(f, doc, &nics, &nn, e) < 0 || (nn && net_ctx_open(netns, &c, e) < 0))
		goto out;
	for (size_t i = 0; i < nn; i++) {
		if (net_remove_nic(&c, &nics[i], e) < 0)
			goto out;
		if (!strcmp(nics[i].type, "eth"))
			cli_printf("Gave %s of container %s back to the host as %s\n", nics[i].ctr, f->id,
			           nics[i].host);
		log_info("%s: forget: %s %s released", f->id, nics[i].type, nics[i].ctr);
	}
	r = 0;
out:
	net_ctx_close(&c);
	close(netns);
	free(nics);
	return r;
}

/* What is kept beside the saved state: the udev rules, the namespace pin
 * and the runtime record. Each step finds its work done when run again. */
static int drop_the_rest(struct forget *f, struct err *e)
{
	if (udev_rules_remove(f->root, f->id, NULL, &f->rules, e) < 0 ||
	    netns_unpin(f->rundir, f->id, e) < 0 || record_remove(f->rundir, f->id, e) < 0)
		return err_wrap(e, "forget %s", f->id);
	return 0;
}

/* Under the state lock. The saved state goes last, once everything else
 * is gone: a forget that fails on the way leaves it whole, and can be run
 * again (a step done before finds nothing left to do). */
static int forget_check(void *arg, const cJSON *doc, struct err *e)
{
	struct forget *f = arg;

	f->checked = true;
	if (not_running(f, e) < 0 || give_back_nics(f, doc, e) < 0)
		return -1;
	return drop_the_rest(f, e);
}

int cli_forget(struct cli *cli, const char *arg, struct err *e)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_free_ char *rundir_id = NULL;
	struct forget f = { .rundir = cli->rundir, .root = cli->root };
	bool saved, record;
	char note[160];

	if (cli_resolve_id(cli, arg, &id, note, sizeof(note), e) < 0)
		return -1;
	f.id = id;
	rundir_id = xasprintf("%s/%s", cli->rundir, id);
	record = access(rundir_id, F_OK) == 0;
	if (store_forget(cli->root, id, forget_check, &f, e) == 0) {
		saved = true;
	} else if (e->code == ENOENT && !f.checked) {
		saved = false;
		err_clear(e);
		if (not_running(&f, e) < 0 || drop_the_rest(&f, e) < 0)
			return -1;
	} else {
		return -1;
	}
	if (!saved && !record && f.rules == 0)
		return err_set(e, ENOENT, "nothing is kept for container %s (in %s or %s)", id,
			       cli->root, cli->rundir);
	cli_printf("Forgot container %s: %s, %zu udev rule(s)%s\n", id,
	           saved ? "its saved state" : "no saved state", f.rules,
	           record ? ", its runtime record" : "");
	log_info("%s: forgotten (saved state %s, %zu udev rule(s), runtime record %s)", id,
		 saved ? "removed" : "absent", f.rules, record ? "removed" : "absent");
	return 0;
}

static int run_forget(struct cli *cli, const struct cli_args *a)
{
	struct err e = { 0 };

	return cli_forget(cli, a->pos[0], &e) < 0 ? fail(&cmd_forget, &e) : 0;
}

const struct command cmd_forget = {
	.help = "Drop everything kept for a container that no longer runs: its saved\n"
		"devices, paths, interfaces, routes and QoS, its udev rules and its runtime\n"
		"record. Its next start, if any, is a start with nothing saved. A running,\n"
		"created or paused container is refused. A container killed but not yet\n"
		"deleted gets its interfaces given back first, as its poststop would: an eth\n"
		"link returns to the host. Saved state outlives 'runc delete' on purpose (a\n"
		"restart is a delete and a run under the same id); this ends it. Nothing is\n"
		"removed while the state directory holds a file syscontainer-tools did not\n"
		"write. The saved state goes last: a forget that fails on the way leaves it\n"
		"whole, and can be run again.\n",
	.name = "forget",
	.run = run_forget,
	.args = "CONTAINER",
	CLI_ONE_CONTAINER,
};
