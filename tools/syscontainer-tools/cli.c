#include "cli.h"

#include <cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "container_id.h"
#include "container_name.h"
#include "json.h"
#include "log.h"
#include "net_apply.h"
#include "util.h"

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "syscontainer-tools %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'syscontainer-tools %s --help')\n", cmd->name);
	return EXIT_USAGE;
}

int fail(const struct command *cmd, const struct err *e)
{
	fprintf(stderr, "syscontainer-tools %s: %s\n", cmd->name, e->msg);
	log_error("%s: %s", cmd->name, e->msg);
	return EXIT_FAIL;
}

int cli_resolve_id(const struct cli *cli, const char *arg, char **id, char *note, size_t len,
		   struct err *e)
{
	return container_resolve(cli->rundir, cli->root, arg, cli->engine, id, note, len, e);
}

/* Neither running nor saved: say so, with what the engines answered. */
static int unknown(const struct cli *cli, const char *arg, const char *id, const char *note,
		   struct err *e)
{
	return err_set(e, ENOENT, "container %s%s%s%s is unknown: it does not run and nothing is "
		       "saved for it in %s%s%s", arg, strcmp(arg, id) ? " (" : "",
		       strcmp(arg, id) ? id : "", strcmp(arg, id) ? ")" : "", cli->root,
		       note[0] ? "; " : "", note);
}

/* A target that holds nothing: closing it (again) does nothing. */
static void target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->c.pidfd = t->c.mntns_fd = -1;
	t->store.lock_fd = -1;
}

/* Whether attached t->c is in its root: 1 yes, 0 not yet. When not, the
 * lock is let go and the container waited for: -1 when it did not get
 * there in time, else 0 (to attach again: it may have gone meanwhile). */
static int in_root_or_wait(struct target *t, struct err *e)
{
	_cleanup_close_ int pidfd = -1;
	struct err gone = { 0 };
	int pid = t->c.rec.pid, r;

	if (container_wait_root(t->c.pidfd, pid, 0, &gone) == 1)
		return 1;
	pidfd = dup(t->c.pidfd);
	container_detach(&t->c);
	t->running = false;
	/* without the lock: the runtime may run our prestart hook once more
	 * before it pivots (iSulad merges hook lists), and that needs it */
	store_close(&t->store);
	r = pidfd < 0 ? -1 : container_wait_root(pidfd, pid, CONTAINER_ROOT_WAIT_MS, &gone);
	if (r == 0)
		return err_set(e, ETIMEDOUT, "container %s is not in its root yet: its runtime has "
			       "held it between the prestart hook and pivot_root for %d s; try again "
			       "when it runs", t->id, CONTAINER_ROOT_WAIT_MS / 1000);
	return 0;
}

/* Take the state lock of t->id and attach to the container if it runs
 * (t->running; else why not in @not_running). The prestart hook writes
 * the record that the CLI finds a container by before the runtime
 * pivots into its rootfs; until then "/" of the container's mount
 * namespace is the host's root, where a node made at /dev/x would land in
 * the host's /dev. So a container not yet in its root is waited for. */
static int lock_attach(struct cli *cli, struct target *t, int create, struct err *not_running,
		       struct err *e)
{
	for (int tries = 0;; tries++) {
		int r;

		/* the state directory is made by the first save: a command that
		 * fails leaves nothing that would make its id a known container */
		if (store_open(cli->root, t->id, create ? STORE_LAZY : STORE_READ, &t->store, e) < 0)
			return -1;
		/* attach under the lock: the prestart hook holds it while it runs */
		if (container_attach(cli->rundir, t->id, &t->c, not_running) < 0)
			return 0;
		t->running = true;
		r = in_root_or_wait(t, e);
		if (r != 0)
			return r > 0 ? 0 : -1;
		/* restarted again and again while we waited */
		if (tries == 4)
			return err_set(e, EAGAIN, "container %s keeps restarting before it is in its "
				       "root; try again when it runs", t->id);
	}
}

int target_open(struct cli *cli, const char *arg, int need, int create, struct target *t,
		struct err *e)
{
	struct err not_running = { 0 };

	_cleanup_free_ char *dir = NULL;
	char note[160];
	bool known;

	target_init(t);
	if (cli_resolve_id(cli, arg, &t->id, note, sizeof(note), e) < 0)
		return -1;
	/* a container with saved state is known even while it is stopped */
	dir = xasprintf("%s/%s", cli->root, t->id);
	known = access(dir, F_OK) == 0;
	/* refuse early, before creating anything, an unknown container that
	 * does not run: most likely a mistyped id */
	if (need == TARGET_MUST_RUN) {
		if (container_attach(cli->rundir, t->id, &t->c, e) < 0 && (e->code != ENOENT || !known)) {
			if (e->code == ENOENT)
				unknown(cli, arg, t->id, note, e);
			goto fail;
		}
		container_detach(&t->c);
		err_clear(e);
	}
	if (lock_attach(cli, t, create, &not_running, e) < 0)
		goto fail;
	if (t->running)
		return 0;
	if (not_running.code != ENOENT || (need == TARGET_MUST_RUN && !known)) {
		*e = not_running;
		goto fail;
	} else if (!create && !known) {
		unknown(cli, arg, t->id, note, e);
		goto fail;
	} else {
		/* stopped, or between the stop and the start of a restart */
		t->doc_before = cJSON_PrintUnformatted(t->store.doc);
	}
	return 0;
fail:
	target_close(t);
	return -1;
}

/* Ids of the containers whose change was only saved, in order. */
static char **saved_only;
static size_t n_saved_only;

void target_close(struct target *t)
{
	if (t->doc_before) {
		_cleanup_free_ char *now = cJSON_PrintUnformatted(t->store.doc);

		if (now && strcmp(now, t->doc_before) != 0) {
			saved_only = xrealloc(saved_only, (n_saved_only + 1) * sizeof(*saved_only));
			saved_only[n_saved_only++] = xstrdup(t->id);
		}
		free(t->doc_before);
	}
	if (t->running)
		container_detach(&t->c);
	store_close(&t->store);
	free(t->id);
	target_init(t);
}

void cli_report_saved_only(void)
{
	for (size_t i = 0; i < n_saved_only; i++) {
		cli_printf("Container %s is not running: the change is saved and applied at its "
		           "next start.\n", saved_only[i]);
		free(saved_only[i]);
	}
	free(saved_only);
	saved_only = NULL;
	n_saved_only = 0;
}

/* What a command prints is held here and reaches stdout only when the
 * command succeeded: a failed command says one line on stderr and nothing
 * on stdout, not half a report. */
static FILE *out;
static char *out_buf;
static size_t out_len;

FILE *cli_out(void)
{
	if (!out)
		out = open_memstream(&out_buf, &out_len);
	return out ? out : stdout;      /* without memory: as it comes */
}

int cli_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(cli_out(), fmt, ap);
	va_end(ap);
	return r;
}

char *cli_text(const char *s)
{
	char *out = xcalloc(strlen(s) * 4 + 1, 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			o += sprintf(o, "\\\\");
		else if (*p == '\n')
			o += sprintf(o, "\\n");
		else if (*p == '\t')
			o += sprintf(o, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	return out;
}

void cli_output_end(bool success)
{
	if (!out)
		return;
	fclose(out);
	if (success && out_len)
		fwrite(out_buf, 1, out_len, stdout);
	free(out_buf);
	out = NULL;
	out_buf = NULL;
	out_len = 0;
}

static void print_scalar(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	fputs(s, cli_out());
	free(s);
}

/* Two spaces a level, each member and element on its own line, as jq
 * prints it (cJSON_Print mixes tabs after keys with "[{" runs). */
static void print_pretty(const cJSON *v, int depth)
{
	bool obj = cJSON_IsObject(v);
	const cJSON *it;

	if (!obj && !cJSON_IsArray(v))
		return print_scalar(v);
	if (!v->child) {
		fputs(obj ? "{}" : "[]", cli_out());
		return;
	}
	fputc(obj ? '{' : '[', cli_out());
	cJSON_ArrayForEach(it, v) {
		cli_printf("\n%*s", (depth + 1) * 2, "");
		if (obj) {
			_cleanup_cjson_ cJSON *key = cJSON_CreateString(it->string);

			print_scalar(key);
			fputs(": ", cli_out());
		}
		print_pretty(it, depth + 1);
		if (it->next)
			fputc(',', cli_out());
	}
	cli_printf("\n%*s%c", depth * 2, "", obj ? '}' : ']');
}

void print_json(const void *cjson, bool pretty)
{
	if (pretty)
		print_pretty(cjson, 0);
	else
		print_scalar(cjson);
	fputc('\n', cli_out());
}

int target_net_open(const struct target *t, struct net_ctx *c, int *netns, struct err *e)
{
	*netns = -1;
	if (pid_open_ns(t->c.pidfd, t->c.rec.pid, "net", netns, e) < 0)
		return -1;
	if (net_ctx_open(*netns, c, e) < 0) {
		close(*netns);
		*netns = -1;
		return -1;
	}
	return 0;
}

void target_net_close(struct net_ctx *c, int netns)
{
	net_ctx_close(c);
	if (netns >= 0)
		close(netns);
}
