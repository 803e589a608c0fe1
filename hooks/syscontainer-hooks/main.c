/* syscontainer-hooks: an OCI hook that re-applies, at every container
 * start, the devices and paths added to the container while it ran. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hook.h"
#include "log.h"
#include "progress.h"
#include "store.h"
#include "util.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fputs("Usage: syscontainer-hooks --state STATE [--log FILE] [--root DIR] [--with-relabel]\n"
	      "\n"
	      "OCI runtime hook for system containers. Reads the OCI state JSON on stdin.\n"
	      "At prestart (or createRuntime) it re-applies every device and path saved by\n"
	      "syscontainer-tools for the container; at poststop it cleans up after it.\n"
	      "\n"
	      "  --state STATE    prestart, createRuntime, poststart, poststop, or auto\n"
	      "                   (from the state's status: creating/created = prestart,\n"
	      "                   running = poststart, stopped = poststop; iSulad's lcr\n"
	      "                   runtime sends no status: name the stage there)\n"
	      "  --log FILE       append log lines to FILE ('-' or '.' = stderr; default:\n"
	      "                   syslog); a FILE that cannot be used is warned about\n"
	      "                   and never fails the start\n"
	      "  --root DIR       state store (default $SYSCONTAINER_HOOKS_ROOT or\n"
	      "                   " STORE_ROOT_DEFAULT ")\n"
	      "  --with-relabel   when the host has SELinux, prepare the container to\n"
	      "                   relabel its files at its first boot (never changes the\n"
	      "                   host's SELinux mode)\n"
	      "  --version        print the version\n"
	      "  --help           this text\n"
	      "\n"
	      "Exit status: 0 done (or nothing to do), 1 failure, 2 usage error.\n"
	      "The hook gives up after $SYSCONTAINER_HOOKS_DEADLINE seconds (default 30).\n", f);
}

/* The hook must never hang a container start: it gives up at its
 * deadline (config.h). The deadline's line is made of texts prepared
 * beforehand: "prestart c1: " once the state is read, "deadline of 30 s
 * exceeded" when it is armed, and the current steps (progress.h). The
 * handler only copies them. */
static char deadline_where[256];
static volatile sig_atomic_t deadline_where_set;
static char deadline_what[64];

static void on_deadline(int sig)
{
	static const char ident[] = "syscontainer-hooks: ";
	const char *main_step = progress_now(PROGRESS_MAIN);
	const char *worker_step = progress_now(PROGRESS_WORKER);
	char line[1024];
	char *msg = line + sizeof(ident) - 1;
	size_t n, max = sizeof(line) - 1;       /* room for the newline */

	(void)sig;
	n = progress_append(line, max, 0, ident);
	if (deadline_where_set)
		n = progress_append(line, max, n, deadline_where);
	n = progress_append(line, max, n, deadline_what);
	if (main_step[0]) {
		n = progress_append(line, max, n, " while ");
		n = progress_append(line, max, n, main_step);
	}
	if (worker_step[0]) {
		n = progress_append(line, max, n, "; in the container's mount namespace: ");
		n = progress_append(line, max, n, worker_step);
	}
	n = progress_append(line, max, n, "; giving up");
	/* the log says it too, as it says every other failure */
	log_error_async(msg);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		_exit(EXIT_FAIL);
	_exit(EXIT_FAIL);
}

static void deadline_arm(int seconds)
{
	snprintf(deadline_what, sizeof(deadline_what), "deadline of %d s exceeded", seconds);
	signal(SIGALRM, on_deadline);
	alarm((unsigned)seconds);
}

/* Written before it is published: the handler never sees half of it. */
static void deadline_context(const char *state, const char *id)
{
	snprintf(deadline_where, sizeof(deadline_where), "%s %s: ", state, id);
	deadline_where_set = 1;
}

static int parse_args(int argc, char **argv, struct hook_opts *o)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "root", required_argument, NULL, 'r' },
		{ "with-relabel", optional_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* getopt_long_only: the original hook also took -state, -log; its
	 * errors are one line of ours, as the runtime shows them */
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->state = optarg; break;
		case 'l': o->log = optarg; break;
		case 'r': o->root = optarg; break;
		case 'R': o->with_relabel = !optarg || strcmp(optarg, "false") != 0; break;
		case 'V': printf("syscontainer-hooks %s\n", VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default:
			fprintf(stderr, "syscontainer-hooks: unknown flag or missing value: '%s' "
				"(see 'syscontainer-hooks --help')\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "syscontainer-hooks: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->state) {
		fputs("syscontainer-hooks: --state is required\n", stderr);
		return -1;
	}
	return 0;
}

static int read_state(struct oci_state *st, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (read_fd_all(STDIN_FILENO, OCI_STATE_MAX, &buf, &len, e) < 0)
		return err_wrap(e, "OCI state on stdin");
	if (oci_state_parse(buf, len, st, e) < 0)
		return -1;
	if (oci_state_pid_from_env(st, getenv("LXC_PID"), e) < 0) {
		oci_state_free(st);
		return -1;
	}
	return 0;
}

/* --state auto: the hook point from the state's status, for hook
 * configurations that give one command for several stages (hooks.d). */
static const char *state_from_status(const struct oci_state *st)
{
	if (!st->status)
		return NULL;
	if (!strcmp(st->status, "creating") || !strcmp(st->status, "created"))
		return "prestart";
	if (!strcmp(st->status, "running"))
		return "poststart";
	if (!strcmp(st->status, "stopped"))
		return "poststop";
	return NULL;
}

static int run(struct hook_opts *o, struct err *e)
{
	struct oci_state st;
	int r = 0;

	progress_set(PROGRESS_MAIN, "reading the OCI state on stdin");
	if (read_state(&st, e) < 0)
		return -1;
	if (!strcmp(o->state, "auto")) {
		o->state = state_from_status(&st);
		if (!o->state && !st.status)
			/* lcr (openEuler lxc, iSulad's default runtime) sends none */
			err_set(e, EINVAL, "--state auto needs a \"status\" in the OCI state and "
				"this runtime gives none; register the hook with --state prestart "
				"and --state poststop");
		else if (!o->state)
			err_set(e, EINVAL, "--state auto: unknown status '%s' in the OCI state",
				st.status);
		if (!o->state) {
			oci_state_free(&st);
			return -1;
		}
	}
	deadline_context(o->state, st.id);
	if (!strcmp(o->state, "prestart") || !strcmp(o->state, "createRuntime"))
		r = hook_prestart(o, &st, e);
	else if (!strcmp(o->state, "poststop"))
		r = hook_poststop(o, &st, e);
	else
		log_info("%s: %s: nothing to do", st.id, o->state);
	if (r < 0)
		err_wrap(e, "%s %s", o->state, st.id);
	oci_state_free(&st);
	return r;
}

int main(int argc, char **argv)
{
	struct hook_opts o = { 0 };
	struct err e = { 0 };
	int r;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (!strcmp(o.state, "createContainer") || !strcmp(o.state, "startContainer")) {
		fprintf(stderr, "syscontainer-hooks: --state %s runs inside the container; "
			"register the hook as prestart or createRuntime\n", o.state);
		return EXIT_USAGE;
	}
	if (strcmp(o.state, "prestart") && strcmp(o.state, "createRuntime") &&
	    strcmp(o.state, "poststart") && strcmp(o.state, "poststop") && strcmp(o.state, "auto")) {
		fprintf(stderr, "syscontainer-hooks: unknown --state '%s' "
			"(prestart, createRuntime, poststart, poststop, auto)\n", o.state);
		return EXIT_USAGE;
	}
	if (config_load(&e) < 0) {
		fprintf(stderr, "syscontainer-hooks: %s\n", e.msg);
		return EXIT_USAGE;
	}
	deadline_arm(config_deadline());
	log_open("syscontainer-hooks", o.log);
	r = run(&o, &e);
	if (r < 0) {
		log_error("%s", e.msg);
		fprintf(stderr, "syscontainer-hooks: %s\n", e.msg);
	}
	log_close();
	return r < 0 ? EXIT_FAIL : 0;
}
