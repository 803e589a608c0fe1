/* add-path, remove-path, list-path: bind mounts of host paths. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "bind.h"
#include "cli.h"
#include "json.h"
#include "log.h"
#include "store_cdi.h"
#include "util.h"

/* 0, or -1 after a usage error line. */
static int parse_paths(const struct command *cmd, char **args, size_t n, struct path_spec **out)
{
	struct path_spec *specs = xcalloc(n, sizeof(*specs));
	struct err e = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (parse_path_spec(args[i], &specs[i], &e) < 0)
			goto bad;
		for (size_t j = 0; j < i; j++)
			if (strcmp(specs[i].ctr, specs[j].ctr) == 0) {
				err_set(&e, EINVAL, "container path %s is given twice", specs[i].ctr);
				goto bad;
			}
	}
	*out = specs;
	return 0;
bad:
	path_specs_free(specs, n);
	usage_error(cmd, "%s", e.msg);
	return -1;
}

static void unbind_done(const struct target *t, const struct ns_op *done, size_t n)
{
	struct ns_op *ops = xcalloc(n, sizeof(*ops));
	struct err undo = { 0 };
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (done[i].done && !done[i].failed)
			bind_unbind_op(&ops[k++], done[i].path);
	if (k && ns_run(t->c.mntns_fd, "/", ops, k, false, &undo) < 0)
		err_warn(&undo, "%s: undo: unmount the new paths", t->id);
	free(ops);
}

static int add_live(const struct target *t, const struct path_spec *specs, size_t n,
		    struct ns_op *ops, struct err *e)
{
	int r = -1;

	for (size_t i = 0; i < n; i++)
		if (bind_op(&ops[i], &specs[i], &t->c.spec, e) < 0)
			goto out;
	if (ns_run(t->c.mntns_fd, "/", ops, n, true, e) < 0)
		goto out;
	if (ns_ops_check(ops, n, e) < 0) {
		unbind_done(t, ops, n);
		goto out;
	}
	r = 0;
out:
	ns_ops_close(ops, n);
	return r;
}

int paths_live_add(const struct target *t, const struct path_spec *specs, size_t n,
		   struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n + 1, sizeof(*ops));

	return add_live(t, specs, n, ops, e);
}

/* A container that is not running gets its paths at its next start; a
 * host path that is not there now is most likely a typing error. */
static int check_hosts(const struct path_spec *specs, size_t n, struct err *e)
{
	struct stat st;

	for (size_t i = 0; i < n; i++)
		if (stat(specs[i].host, &st) < 0)
			return err_sys(e, errno, "host path %s", specs[i].host);
	return 0;
}

static int add_paths(struct cli *cli, const char *arg, const struct path_spec *specs, size_t n,
		     struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n, sizeof(*ops));
	struct path_spec *saved = NULL;
	size_t n_saved = 0;
	struct target t;
	int r = -1;

	for (size_t i = 0; i < n; i++)
		ops[i].tree_fd = -1;
	if (target_open(cli, arg, TARGET_MUST_RUN, STORE_CREATE, &t, e) < 0)
		return -1;
	if (store_binds(&t.store, &saved, &n_saved, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n_saved; j++)
			if (strcmp(specs[i].ctr, saved[j].ctr) == 0) {
				err_set(e, EEXIST, "container path %s of container %s is already used by "
					"host path %s", specs[i].ctr, t.id, saved[j].host);
				goto out;
			}
	if (t.running ? add_live(&t, specs, n, ops, e) < 0 : check_hosts(specs, n, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		store_add_bind(&t.store, &specs[i]);
	if (store_save(&t.store, e) < 0) {
		for (size_t i = 0; i < n; i++)
			ops[i].done = true;
		if (t.running)
			unbind_done(&t, ops, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cli_printf("Add path (%s) to container(%s,%s) done.\n", specs[i].host, t.id, specs[i].ctr);
		log_info("%s: added path %s at %s (%s)", t.id, specs[i].host, specs[i].ctr,
			 specs[i].options);
	}
	r = 0;
out:
	path_specs_free(saved, n_saved);
	target_close(&t);
	return r;
}

static int remove_paths(struct cli *cli, const char *arg, const struct path_spec *specs,
			size_t n, struct err *e);

/* add-path and remove-path: CONTAINER SPEC... */
static int run_paths(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = a->cmd;
	struct path_spec *specs = NULL;
	size_t n = a->n_pos - 1;
	struct err e = { 0 };
	int r;

	if (parse_paths(cmd, a->pos + 1, n, &specs) < 0)
		return EXIT_USAGE;
	r = (cmd == &cmd_add_path ? add_paths : remove_paths)(cli, a->pos[0], specs, n, &e);
	r = r < 0 ? fail(cmd, &e) : 0;
	path_specs_free(specs, n);
	return r;
}

const struct command cmd_add_path = {
	.help = "Bind-mount each host file or directory into the running container\n"
		"(recursively, read-only with ro; default rw; nosuid, nodev, noexec may be\n"
		"added, as in ro,nosuid) and save it so the prestart\n"
		"hook mounts it again at every start. A missing mount point is created; a\n"
		"container path may hold one host path; a batch is all or nothing.\n"
		"The options private, rprivate and rslave of the original tool are accepted;\n"
		"the mount is always private to the container. A container that is not\n"
		"running but has saved state gets the paths saved only (each host path must\n"
		"exist) and mounted at its next start.\n",
	.name = "add-path",
	.run = run_paths,
	.args = "CONTAINER HOSTPATH:CTRPATH[:ro|rw[,nosuid][,nodev][,noexec]]...",
	.notes = "Symlinks in the container path are refused, never followed.\n",
	.min_pos = 2,
	.max_pos = CLI_MANY,
	.pos_error = "needs a container and at least one path",
};

static long match_saved(const struct path_spec *s, const struct path_spec *saved, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s->host, saved[i].host) == 0 && strcmp(s->ctr, saved[i].ctr) == 0)
			return (long)i;
	return -1;
}

/* Whether an unmount failed only because nothing is mounted there any
 * more: unmounted by hand, with a path it was nested in, or never mounted
 * because the hook skipped it at start. */
static bool already_absent(int code)
{
	return code == EINVAL || code == ENOENT || code == ENOTDIR;
}

int paths_live_remove(const struct target *t, const struct path_spec *saved, size_t n_saved,
		       const bool *gone, bool *absent, struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n_saved ? n_saved : 1, sizeof(*ops));
	_cleanup_free_ size_t *at = xcalloc(n_saved ? n_saved : 1, sizeof(*at));
	size_t k = 0;

	for (size_t i = 0; i < n_saved; i++)
		if (gone[i]) {
			at[k] = i;
			bind_unbind_op(&ops[k++], saved[i].ctr);
		}
	if (ns_run(t->c.mntns_fd, "/", ops, k, false, e) < 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		if (!ops[i].failed)
			continue;
		if (!already_absent(ops[i].err.code))
			return ns_ops_check(&ops[i], 1, e);
		absent[at[i]] = true;
		log_warn("%s: remove-path: %s", t->id, ops[i].err.msg);
	}
	return 0;
}

/* Is container path @inner below @outer? */
static bool path_below(const char *inner, const char *outer)
{
	size_t len = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return strcmp(inner, "/") != 0;
	return strncmp(inner, outer, len) == 0 && inner[len] == '/';
}

/* What a live removal did besides its own: saved paths nested in a removed
 * one went with it (the unmount is recursive) and come back at the next
 * start. */
static void report_nested(const struct target *t, const struct path_spec *saved,
			  size_t n_saved, const bool *gone)
{
	for (size_t i = 0; i < n_saved; i++) {
		if (gone[i])
			continue;
		for (size_t j = 0; j < n_saved; j++)
			if (gone[j] && path_below(saved[i].ctr, saved[j].ctr)) {
				cli_printf("Path %s (%s) of container %s was under %s and went with it; "
				           "it stays saved and is mounted again at the next start.\n",
				           saved[i].ctr, saved[i].host, t->id, saved[j].ctr);
				break;
			}
	}
}

static int remove_paths(struct cli *cli, const char *arg, const struct path_spec *specs,
			size_t n, struct err *e)
{
	struct path_spec *saved = NULL;
	size_t n_saved = 0;
	_cleanup_free_ bool *gone = NULL;
	_cleanup_free_ bool *absent = NULL;
	_cleanup_target_ struct target t;
	int r = -1;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	if (store_binds(&t.store, &saved, &n_saved, e) < 0)
		goto out;
	gone = xcalloc(n_saved ? n_saved : 1, sizeof(bool));
	absent = xcalloc(n_saved ? n_saved : 1, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		long at = match_saved(&specs[i], saved, n_saved);

		if (at < 0) {
			err_set(e, ENOENT, "path %s:%s was not added to container %s", specs[i].host,
				specs[i].ctr, t.id);
			goto out;
		}
		if (store_cdi_owner(t.store.doc, CDI_MOUNTS, saved[at].ctr)) {
			err_set(e, EBUSY, "path %s of container %s came with CDI device %s: use "
				"remove-device with that name",
				saved[at].ctr, t.id, store_cdi_owner(t.store.doc, CDI_MOUNTS, saved[at].ctr));
			goto out;
		}
		gone[at] = true;
	}
	if (t.running && paths_live_remove(&t, saved, n_saved, gone, absent, e) < 0)
		goto out;
	for (size_t i = n_saved; i-- > 0;)
		if (gone[i])
			store_remove_bind(&t.store, i);
	if (store_save(&t.store, e) < 0)
		goto out;
	for (size_t i = 0; i < n_saved; i++) {
		if (!gone[i])
			continue;
		if (absent[i])
			cli_printf("Path %s was not mounted in container %s; it is dropped from the "
			           "saved state.\n", saved[i].ctr, t.id);
		cli_printf("Remove path (%s) from container(%s,%s) done.\n", saved[i].host, t.id,
		           saved[i].ctr);
		log_info("%s: removed path %s at %s%s", t.id, saved[i].host, saved[i].ctr,
			 t.running ? "" : ", saved state only");
	}
	if (t.running)
		report_nested(&t, saved, n_saved, gone);
	r = 0;
out:
	path_specs_free(saved, n_saved);
	return r;
}

const struct command cmd_remove_path = {
	.help = "Unmount paths added with add-path from the running container and stop\n"
		"re-adding them at restart. OPTIONS, if given, are ignored. The mount point\n"
		"is left in place; nothing under it is ever deleted. A path no longer mounted\n"
		"(gone with an outer path, or skipped at start because its host path was\n"
		"gone) is dropped from the saved state all the same. Saved paths nested in a\n"
		"removed one go with it and come back at the next start. A stopped container\n"
		"only has its saved state changed.\n",
	.name = "remove-path",
	.run = run_paths,
	.args = "CONTAINER HOSTPATH:CTRPATH[:OPTIONS]...",
	.min_pos = 2,
	.max_pos = CLI_MANY,
	.pos_error = "needs a container and at least one path",
};

