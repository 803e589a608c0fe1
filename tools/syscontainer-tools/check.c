/* check: compare what is saved for a running container with what it has
 * now, item by item; --fix re-applies what drifted. The report is the
 * command's output whatever it found: exit 0 when everything is as saved
 * (or was mended by --fix), 1 when drift remains or a container could not
 * be read, 2 for usage. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "container_id.h"
#include "log.h"
#include "record.h"
#include "util.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum { F_ALL = 256, F_JSON, F_FIX };

struct check_item *check_add(struct check_report *r, const char *kind, char *name, char *drift)
{
	struct check_item *it;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
	}
	it = &r->items[r->n++];
	*it = (struct check_item){ .kind = kind, .name = name, .drift = drift };
	return it;
}

void check_drift(struct check_item *it, char *what)
{
	char *joined;

	if (!what)
		return;
	if (!it->drift) {
		it->drift = what;
		return;
	}
	joined = xasprintf("%s; %s", it->drift, what);
	free(it->drift);
	free(what);
	it->drift = joined;
}

void check_fixed(struct check_item *it, int ret, const struct err *e)
{
	it->fixed = ret == 0;
	if (ret < 0)
		it->fix_error = xstrdup(e->msg);
}

static void report_free(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].name);
		free(r->items[i].drift);
		free(r->items[i].fix_error);
	}
	free(r->items);
}

/* One container: every kind of item, in the order the hook applies them. */
static int check_one(struct cli *cli, const char *id, struct check_report *r, bool *running,
		     struct err *e)
{
	struct target t;
	int ret = -1;

	if (target_open(cli, id, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	*running = t.running;
	if (t.running && check_systemd(cli, &t, r, e) == 0 && check_devices(&t, r, e) == 0 &&
	    check_paths(&t, r, e) == 0 &&
	    check_qos(&t, r, e) == 0 && check_udev(cli, &t, r, e) == 0 && check_net(&t, r, e) == 0 &&
	    check_cdi(&t, r, e) == 0)
		ret = 0;
	if (!t.running)
		ret = 0;
	target_close(&t);
	return ret;
}

/* Drift left after this run: none, or what --fix could not mend. */
static size_t left(const struct check_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].drift && !r->items[i].fixed;
	return n;
}

static size_t drifted(const struct check_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].drift != NULL;
	return n;
}

static void print_text(const char *id, bool running, const struct check_report *r)
{
	if (!running) {
		cli_printf("%s: not running; nothing to compare\n", id);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];
		_cleanup_free_ char *name = cli_text(it->name);
		_cleanup_free_ char *drift = cli_text(it->drift ? it->drift : "ok");
		_cleanup_free_ char *why = cli_text(it->fix_error ? it->fix_error : "");

		cli_printf("%s %s %s: %s%s%s\n", id, it->kind, name, drift,
			   it->fixed ? "; fixed" : it->fix_error ? "; not fixed: " : "", why);
	}
	cli_printf("%s: %zu item(s), %zu drifted, %zu left\n", id, r->n, drifted(r), left(r));
}

static cJSON *to_json(const char *id, bool running, const struct check_report *r)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddBoolToObject(o, "running", running);
	cJSON_AddBoolToObject(o, "ok", left(r) == 0);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "kind", it->kind);
		cJSON_AddStringToObject(j, "name", it->name);
		cJSON_AddBoolToObject(j, "ok", !it->drift);
		if (it->drift)
			cJSON_AddStringToObject(j, "drift", it->drift);
		if (it->drift && r->fix)
			cJSON_AddBoolToObject(j, "fixed", it->fixed);
		if (it->fix_error)
			cJSON_AddStringToObject(j, "fixError", it->fix_error);
		cJSON_AddItemToArray(items, j);
	}
	cJSON_AddItemToObject(o, "items", items);
	return o;
}

/* The ids of the containers with a runtime record, sorted. */
static char **record_ids(const char *rundir, size_t *n)
{
	DIR *d = opendir(rundir);
	char **ids = NULL;
	struct dirent *de;

	*n = 0;
	while (d && (de = readdir(d)) != NULL) {
		_cleanup_free_ char *rec = xasprintf("%s/%s/%s", rundir, de->d_name, RECORD_FILE);

		if (!container_id_valid(de->d_name) || access(rec, F_OK) < 0)
			continue;
		ids = xrealloc(ids, (*n + 1) * sizeof(*ids));
		ids[(*n)++] = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(ids, *n, sizeof(*ids), str_cmp);
	return ids;
}

struct check_run {
	bool json, pretty, fix;
	cJSON *list;            /* --json: the containers' reports */
	size_t bad;             /* containers with drift left, or unreadable */
};

/* One container into the output; -1 (@e) when it could not be read. */
static int run_one(struct cli *cli, struct check_run *run, const char *id, struct err *e)
{
	struct check_report r = { .fix = run->fix };
	bool running = false;
	int ret = check_one(cli, id, &r, &running, e);

	if (ret == 0 && run->json)
		cJSON_AddItemToArray(run->list, to_json(id, running, &r));
	else if (ret == 0)
		print_text(id, running, &r);
	if (ret == 0 && left(&r))
		log_warn("%s: check: %zu item(s) drifted, %zu left", id, drifted(&r), left(&r));
	run->bad += ret < 0 || left(&r);
	report_free(&r);
	return ret;
}

/* --all: a container that cannot be read is one entry of the report. */
static void run_all(struct cli *cli, struct check_run *run)
{
	size_t n;
	char **ids = record_ids(cli->rundir, &n);

	for (size_t i = 0; i < n; i++) {
		struct err e = { 0 };

		if (run_one(cli, run, ids[i], &e) < 0) {
			if (run->json) {
				cJSON *o = cJSON_CreateObject();

				cJSON_AddStringToObject(o, "id", ids[i]);
				cJSON_AddStringToObject(o, "error", e.msg);
				cJSON_AddItemToArray(run->list, o);
			} else {
				_cleanup_free_ char *why = cli_text(e.msg);

				cli_printf("%s: cannot check: %s\n", ids[i], why);
			}
		}
		free(ids[i]);
	}
	free(ids);
}

static int run_check(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_check;
	struct check_run run = { cli_has(a, F_JSON), cli_has(a, CLI_F_PRETTY), cli_has(a, F_FIX),
				 NULL, 0 };
	struct err e = { 0 };
	cJSON *top;

	if (cli_has(a, F_ALL) == (a->n_pos == 1))
		return usage_error(cmd, "needs exactly one of CONTAINER and --all");
	if (cli_has(a, CLI_F_PRETTY) && !run.json)
		return usage_error(cmd, "--pretty goes with --json");
	top = cJSON_CreateObject();
	run.list = cJSON_AddArrayToObject(top, "containers");
	if (a->n_pos == 1 && run_one(cli, &run, a->pos[0], &e) < 0) {
		cJSON_Delete(top);
		return fail(cmd, &e);
	}
	if (a->n_pos == 0)
		run_all(cli, &run);
	if (run.json) {
		cJSON_AddBoolToObject(top, "ok", run.bad == 0);
		print_json(top, run.pretty);
	}
	cJSON_Delete(top);
	/* drift is a finding, not a failure of the command: the report goes out */
	cli_output_end(true);
	return run.bad ? EXIT_FAIL : 0;
}

const struct command cmd_check = {
	.help = "Compare what is saved for a running container with what it has now, item\n"
		"by item: each device node (present, type, major:minor, mode) and its access\n"
		"in the cgroup, the DeviceAllow= of the container's systemd unit if its cgroup\n"
		"is one, each path (mounted, ro/rw), interface (present, address, MTU,\n"
		"MAC, up), route, QoS line and udev rule. Each is 'ok' or says what differs.\n"
		"Exit status: 0 all as saved (or mended by --fix), 1 drift left or a\n"
		"container that cannot be read, 2 usage. A container that is not running\n"
		"has nothing to compare.\n",
	.name = "check",
	.run = run_check,
	.args = "CONTAINER|--all [--json [--pretty]] [--fix]",
	.flags = CLI_FLAGS(
		{ "all", F_ALL, NULL, "every running container (those with a runtime record)", 'a' },
		{ "json", F_JSON, NULL, "the report as JSON (schema in syscontainer-tools(1))", 0 },
		CLI_FLAG_PRETTY,
		{ "fix", F_FIX, NULL, "re-apply what drifted, as the hook and the add commands do,\n"
		  "and say what was mended", 0 }),
	.min_pos = 0,
	.max_pos = 1,
	.pos_error = "takes one container, or --all",
};
