/* hookbench: run a command many times and report its wall time (median,
 * min, p90) in milliseconds. Optionally feeds a file on stdin and runs an
 * untimed cleanup command after each timed run.
 *
 *   hookbench RUNS STDIN_FILE|- CMD... [-- CLEANUP...]
 *
 * With RUNS 1 it prints the one time alone (milliseconds), so a script can
 * interleave several commands and take the medians itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run(char **argv, const char *input)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = input ? open(input, O_RDONLY) : open("/dev/null", O_RDONLY);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(null, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char **cmd, **cleanup = NULL;
	const char *input;
	double *t;
	int runs;

	if (argc < 4) {
		fprintf(stderr, "usage: hookbench RUNS STDIN_FILE|- CMD... [-- CLEANUP...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	if (runs < 1) {
		fprintf(stderr, "hookbench: RUNS must be a positive number\n");
		return 2;
	}
	input = strcmp(argv[2], "-") ? argv[2] : NULL;
	cmd = argv + 3;
	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			cleanup = argv + i + 1;
			break;
		}
	t = calloc((size_t)runs, sizeof(*t));
	for (int i = 0; i < runs; i++) {
		struct timespec a, b;
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &a);
		rc = run(cmd, input);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (rc != 0) {
			fprintf(stderr, "hookbench: run %d: '%s' exited %d\n", i, cmd[0], rc);
			return 1;
		}
		t[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		if (cleanup && run(cleanup, NULL) != 0) {
			fprintf(stderr, "hookbench: cleanup '%s' failed\n", cleanup[0]);
			return 1;
		}
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	if (runs == 1)
		printf("%.3f\n", t[0]);
	else
		printf("median %.3f ms  min %.3f ms  p90 %.3f ms  (%d runs)\n", t[runs / 2], t[0],
	       t[(runs * 9) / 10], runs);
	free(t);
	return 0;
}
