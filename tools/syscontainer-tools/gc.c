/* gc: the saved state of containers their engine no longer has. Docker and
 * Kubernetes nodes remove containers without telling us; what was saved for
 * them stays until this finds it. The engine is asked about each saved
 * container by its id; only a definite "no such container" counts: an
 * engine that cannot be asked stops gc before it removes anything more. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "util.h"

enum { F_YES = 256 };

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids that have a state directory in @root, sorted. */
static int saved_ids(const char *root, char ***ids, size_t *n, struct err *e)
{
	DIR *d = opendir(root);
	struct dirent *de;

	*ids = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : err_sys(e, errno, "open %s", root);
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || !container_id_valid(de->d_name))
			continue;
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(*ids, *n, sizeof(**ids), by_name);
	return 0;
}

/* 1 when the engine has no container @id and none runs under it here. */
static int gone(const struct cli *cli, const char *id, struct err *e)
{
	_cleanup_free_ char *record = xasprintf("%s/%s", cli->rundir, id);
	struct engine_ctr c;
	int r;

	if (access(record, F_OK) == 0)
		return 0;       /* it ran with the hook and was not stopped since */
	r = engine_lookup(cli->engine, id, &c, e);
	if (r < 0)
		return err_wrap(e, "ask %s about %s (nothing removed from here on)",
				engine_name(cli->engine), id);
	return r == 0;
}

static int gc(struct cli *cli, bool yes, struct err *e)
{
	char **ids;
	size_t n, i;
	int r = 0;

	if (saved_ids(cli->root, &ids, &n, e) < 0)
		return -1;
	for (i = 0; i < n && r == 0; i++) {
		int g = gone(cli, ids[i], e);

		if (g < 0)
			r = -1;
		else if (g && !yes)
			cli_printf("%s\n", ids[i]);
		else if (g && cli_forget(cli, ids[i], e) < 0)
			r = err_wrap(e, "gc");
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return r;
}

static int run_gc(struct cli *cli, const struct cli_args *a)
{
	struct err e = { 0 };

	if (cli->engine == ENGINE_NONE)
		return usage_error(&cmd_gc, "needs the engine to ask: --engine or "
				   "$SYSCONTAINER_ENGINE (isula, docker or podman)");
	return gc(cli, cli_has(a, F_YES), &e) < 0 ? fail(&cmd_gc, &e) : 0;
}

const struct command cmd_gc = {
	.help = "List the containers whose saved state outlived them: those that have saved\n"
		"state, no runtime record (they do not run), and that the engine (global\n"
		"--engine or $SYSCONTAINER_ENGINE; docker and podman over their API socket,\n"
		"$SYSCONTAINER_ENGINE_SOCKET, iSulad with 'isula inspect') says it has no\n"
		"container of. A container the engine still has, in any state, is kept. With\n"
		"--yes, forget them (as 'forget' does). An engine that cannot be asked stops\n"
		"gc with an error, and nothing more is removed. Every container of the store\n"
		"is asked about: use it on a store that only that engine's containers use.\n",
	.name = "gc",
	.run = run_gc,
	.args = "[--yes]",
	.flags = CLI_FLAGS({ "yes", F_YES, NULL, "remove what is listed (default: only list it)",
			     'y' }),
	.min_pos = 0,
	.max_pos = 0,
	.pos_error = "takes no container",
	.no_container = true,
};
