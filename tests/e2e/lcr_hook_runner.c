/* lcr-hook-runner: runs an OCI hook the way openEuler's liblxc does for
 * iSulad's lcr runtime, so that the tests can put our hook behind real lxc
 * (lxc.hook.start-host, lxc.hook.post-stop) or behind runc's hooks:
 *
 *   - the state is lcr's: {"ociVersion":"","id":..,"pid":..,"root":..,
 *     "bundle":..}, printed without escaping, no status, pid -1 at
 *     poststop;
 *   - stdin is a non-blocking pipe, written only after the hook has been
 *     started (and after --delay-ms);
 *   - the hook gets only LD_LIBRARY_PATH, PATH and the LXC_* variables
 *     lxc passes, then the hook's own --env;
 *   - stdout and stderr share one pipe of which 4095 bytes are kept; the
 *     hook is killed after 30 s.
 *
 * Usage: lcr-hook-runner --stage prestart|poststop --bundle DIR
 *          [--from-env | --from-stdin --root PATH] [--delay-ms N]
 *          [--env K=V]... -- PATH ARGV0 [ARG...]
 *   --from-env    id, pid and root from LXC_NAME, LXC_PID, LXC_ROOTFS_MOUNT
 *                 (under lxc)
 *   --from-stdin  id and pid from the OCI state on our own stdin (under
 *                 runc); LXC_PID, LXC_NAME and LXC_ROOTFS_MOUNT are made
 *                 from it, as older lxc set them before pivot_root
 * Exit status: the hook's. */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOOK_TIMEOUT_MS 30000
#define OUTPUT_MAX 4095
#define ENV_MAX 32

struct runner {
	const char *stage, *bundle, *root;
	bool from_stdin;
	int delay_ms;
	const char *extra_env[ENV_MAX];
	int n_extra;
	char **hook_argv;
	/* what goes into the state and the environment */
	char id[256], pid_env[32];
	int pid;
};

static void die(const char *msg)
{
	fprintf(stderr, "lcr-hook-runner: %s\n", msg);
	exit(2);
}

static void parse_args(int argc, char **argv, struct runner *r)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--from-env"))
			r->from_stdin = false;
		else if (!strcmp(argv[i], "--from-stdin"))
			r->from_stdin = true;
		else if (!next)
			die("missing value");
		else if (!strcmp(argv[i], "--stage"))
			r->stage = argv[++i];
		else if (!strcmp(argv[i], "--bundle"))
			r->bundle = argv[++i];
		else if (!strcmp(argv[i], "--root"))
			r->root = argv[++i];
		else if (!strcmp(argv[i], "--delay-ms"))
			r->delay_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--env") && r->n_extra < ENV_MAX)
			r->extra_env[r->n_extra++] = argv[++i];
		else
			die("unknown option");
	}
	if (i + 2 >= argc || !r->stage || !r->bundle)
		die("usage: --stage S --bundle DIR [options] -- PATH ARGV0 [ARG...]");
	r->hook_argv = &argv[i + 1];
}

/* Under runc: the id and pid from runc's own state on our stdin. */
static void state_from_stdin(struct runner *r)
{
	char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	cJSON *doc, *id, *pid;
	bool has_id;

	buf[n] = '\0';
	doc = cJSON_Parse(buf);
	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	pid = cJSON_GetObjectItemCaseSensitive(doc, "pid");
	has_id = cJSON_IsString(id);
	if (has_id)
		snprintf(r->id, sizeof(r->id), "%s", id->valuestring);
	r->pid = cJSON_IsNumber(pid) ? pid->valueint : 0;
	/* freed before any exit: no leak report under the sanitizers */
	cJSON_Delete(doc);
	if (!has_id)
		die("no id in the runtime's state");
	if (!r->root)
		die("--from-stdin needs --root");
	snprintf(r->pid_env, sizeof(r->pid_env), "%d", r->pid);
	/* at poststop the pid of a stopped container is unknown under runc */
	if (r->pid > 0) {
		setenv("LXC_PID", r->pid_env, 1);
	} else {
		unsetenv("LXC_PID");
	}
	setenv("LXC_NAME", r->id, 1);
	setenv("LXC_ROOTFS_MOUNT", r->root, 1);
}

static void state_from_env(struct runner *r)
{
	const char *name = getenv("LXC_NAME"), *pid = getenv("LXC_PID");

	if (!name || !pid)
		die("LXC_NAME and LXC_PID must be set (run from an lxc hook)");
	snprintf(r->id, sizeof(r->id), "%s", name);
	r->pid = atoi(pid);
	if (!r->root)
		r->root = getenv("LXC_ROOTFS_MOUNT");
	if (!r->root)
		die("LXC_ROOTFS_MOUNT is not set");
}

/* The environment liblxc gives an OCI hook, then the hook's own; each
 * string allocated, NULL-terminated (env_free). */
static char **hook_env(const struct runner *r)
{
	static const char *const keep[] = {
		"LD_LIBRARY_PATH", "PATH", "LXC_PID", "LXC_ROOTFS_MOUNT", "LXC_ROOTFS_PATH",
		"LXC_CONFIG_FILE", "LXC_CGROUP_PATH", "LXC_NAME", "LXC_CGNS_AWARE",
	};
	char **env = calloc(ENV_MAX + 16, sizeof(char *));
	int n = 0;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *v = getenv(keep[i]);

		if (v && asprintf(&env[n], "%s=%s", keep[i], v) >= 0)
			n++;
	}
	for (int i = 0; i < r->n_extra; i++)
		env[n++] = strdup(r->extra_env[i]);
	return env;
}

static void env_free(char **env)
{
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Keep the first OUTPUT_MAX bytes of the hook's output; drop the rest
 * (the hook must not block on a full pipe). 0 at EOF, -1 at timeout. */
static int collect_output(int fd, char *out, size_t *len, long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char chunk[4096];
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			return -1;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return 0;
		for (ssize_t i = 0; i < n && *len < OUTPUT_MAX; i++)
			out[(*len)++] = chunk[i];
	}
}

static int run_hook(const struct runner *r, const char *state, char **env)
{
	int in[2], out[2], status;
	char output[OUTPUT_MAX + 1];
	size_t len = 0;
	pid_t child;
	int timed_out;

	if (pipe2(in, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		/* an OCI hook's path, then its args, argv[0] included */
		execve(r->hook_argv[0], &r->hook_argv[1], env);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	/* liblxc writes the state after the fork: the hook may already be
	 * reading its (non-blocking) stdin */
	if (r->delay_ms > 0)
		usleep((useconds_t)r->delay_ms * 1000);
	if (write(in[1], state, strlen(state)) != (ssize_t)strlen(state))
		fprintf(stderr, "lcr-hook-runner: write state: %s\n", strerror(errno));
	close(in[1]);
	timed_out = collect_output(out[0], output, &len, now_ms() + HOOK_TIMEOUT_MS);
	if (timed_out)
		kill(child, SIGKILL);
	close(out[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	output[len] = '\0';
	if (len)
		fprintf(stderr, "%s", output);
	if (timed_out)
		return 124;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct runner r = { 0 };
	char state[8192];
	char **env;
	int rc;

	/* a hook that exits before reading its state is the hook's failure */
	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv, &r);
	if (r.from_stdin)
		state_from_stdin(&r);
	else
		state_from_env(&r);
	if (!strcmp(r.stage, "poststop"))
		r.pid = -1;
	/* as liblxc's generate_json_str: snprintf, no escaping */
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"\",\"id\":\"%s\",\"pid\":%d,\"root\":\"%s\",\"bundle\":\"%s\"}",
		 r.id, r.pid, r.root, r.bundle);
	env = hook_env(&r);
	rc = run_hook(&r, state, env);
	env_free(env);
	return rc;
}
