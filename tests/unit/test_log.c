/* The logger: syslog lines over a datagram and over a stream socket, file
 * lines with a UTC stamp; and a log that cannot be written never stops the
 * work nor loses its lines: a bad --log (symlink, FIFO, missing directory)
 * or a missing, dangling or full syslog socket is said on stderr and the
 * lines go to <rundir>.log, or stderr. */
#include "unit.h"

#include <regex.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log.h"

static int listen_at(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void syslog_datagram(void **state)
{
	char *dir = unit_tmpdir(), *sock = unit_join(dir, "log");
	int fd = listen_at(sock, SOCK_DGRAM);
	char buf[256], want[128];
	ssize_t n;

	(void)state;
	log_syslog_socket(sock);
	log_open("sch-test", NULL);
	log_warn("disk %s is %d%% full", "sdb", 90);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	/* LOG_DAEMON (3 << 3) | LOG_WARNING (4) = 28; no time stamp */
	snprintf(want, sizeof(want), "<28>sch-test[%d]: disk sdb is 90%% full", (int)getpid());
	assert_string_equal(buf, want);
	log_error("second");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(strncmp(buf, "<27>sch-test[", 13) == 0);
	log_close();
	close(fd);
	unit_rm_rf(dir);
	free(sock);
	free(dir);
}

static void syslog_stream(void **state)
{
	char *dir = unit_tmpdir(), *sock = unit_join(dir, "log");
	int fd = listen_at(sock, SOCK_STREAM), c;
	char buf[256];
	ssize_t n;

	(void)state;
	log_syslog_socket(sock);
	log_open("sch-test", NULL);
	/* the connection is queued in the backlog; the line waits in it */
	log_info("over a stream");
	c = accept(fd, NULL, NULL);
	assert_true(c >= 0);
	n = recv(c, buf, sizeof(buf), 0);
	assert_true(n > 0);
	/* the line ends with its NUL, the stream's record separator */
	assert_int_equal(buf[n - 1], '\0');
	assert_non_null(strstr(buf, "]: over a stream"));
	assert_true(strncmp(buf, "<30>sch-test[", 13) == 0);
	log_close();
	close(c);
	close(fd);
	unit_rm_rf(dir);
	free(sock);
	free(dir);
}

/* Runs @fn with stderr in a file; returns what it wrote (free it). */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	char tmpl[] = "/tmp/sch-unit-err-XXXXXX", *out = calloc(1, 4096);
	int fd = mkstemp(tmpl), saved = dup(STDERR_FILENO);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0 && out);
	unlink(tmpl);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	fn(arg);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	n = pread(fd, out, 4095, 0);
	assert_true(n >= 0);
	close(fd);
	return out;
}

static char *slurp(const char *path)
{
	char *buf = calloc(1, 8192);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_non_null(buf);
	if (fd < 0)
		return buf;
	n = read(fd, buf, 8191);
	assert_true(n >= 0);
	close(fd);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A scratch directory whose rundir (unit_dir/run) has its fallback at
 * unit_dir/run.log, and a syslog socket path with nothing behind it. */
struct scene {
	char *dir, *rundir, *fallback, *sock;
};

static void scene_open(struct scene *sc)
{
	sc->dir = unit_tmpdir();
	sc->rundir = unit_join(sc->dir, "run");
	sc->fallback = unit_join(sc->dir, "run.log");
	sc->sock = unit_join(sc->dir, "log-socket");
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", sc->rundir);
	log_syslog_socket(sc->sock);
}

static void scene_close(struct scene *sc)
{
	log_close();
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	unit_rm_rf(sc->dir);
	free(sc->dir);
	free(sc->rundir);
	free(sc->fallback);
	free(sc->sock);
}

static void open_and_log(void *file)
{
	log_open("sch-test", file);
	log_info("applied %d device(s)", 3);
	log_warn("skipped /dev/gone");
}

/* No syslog socket: the lines go to the fallback, said once on stderr and
 * once in the file; the next run appends without a word. */
static void syslog_absent(void **state)
{
	struct scene sc;
	char *err, *text;

	(void)state;
	scene_open(&sc);
	errno = EXDEV;
	err = capture_stderr(open_and_log, NULL);
	assert_int_equal(count_lines(err), 1);
	assert_non_null(strstr(err, "sch-test: warning: syslog at "));
	assert_non_null(strstr(err, sc.fallback));
	free(err);
	err = capture_stderr(open_and_log, NULL);
	assert_string_equal(err, "");
	free(err);
	log_info("errno is kept");
	assert_int_equal(errno, EXDEV);
	text = slurp(sc.fallback);
	assert_int_equal(count_lines(text), 6);
	assert_non_null(strstr(text, "] warning: syslog at "));
	assert_non_null(strstr(text, "No such file or directory; logging to this file\n"));
	assert_non_null(strstr(text, "] info: applied 3 device(s)\n"));
	assert_non_null(strstr(text, "] warning: skipped /dev/gone\n"));
	free(text);
	scene_close(&sc);
}

/* A socket file nobody listens on (syslogd stopped): refused, not lost. */
static void syslog_dangling(void **state)
{
	struct scene sc;
	char *err, *text;
	int fd;

	(void)state;
	scene_open(&sc);
	fd = listen_at(sc.sock, SOCK_DGRAM);
	close(fd);
	err = capture_stderr(open_and_log, NULL);
	assert_non_null(strstr(err, "Connection refused"));
	free(err);
	text = slurp(sc.fallback);
	assert_non_null(strstr(text, "] info: applied 3 device(s)\n"));
	free(text);
	scene_close(&sc);
}

/* A new socket connected to @path sends 1-byte datagrams until it cannot;
 * returns how many it sent. */
static int fill_from_new_sender(const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int c = socket(AF_UNIX, SOCK_DGRAM, 0), sent = 0;

	assert_true(c >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	while (sent < 100000 && send(c, "x", 1, MSG_DONTWAIT) == 1)
		sent++;
	assert_true(sent < 100000);
	*out = c;
	return sent;
}

/* A syslog whose queue is full: the line is not waited for, it goes to
 * the fallback. */
static void syslog_full(void **state)
{
	struct scene sc;
	char *err, *text;
	int fd, c[64], senders = 0;

	(void)state;
	scene_open(&sc);
	fd = listen_at(sc.sock, SOCK_DGRAM);
	/* a sender's own buffer may fill before the receiver's queue does:
	 * fill from new senders until a fresh one cannot send either */
	while (senders < 64 && fill_from_new_sender(sc.sock, &c[senders]) > 0)
		senders++;
	assert_true(senders < 64);
	alarm(5);       /* a blocked send fails the test, not hangs it */
	err = capture_stderr(open_and_log, NULL);
	alarm(0);
	assert_non_null(strstr(err, sc.fallback));
	free(err);
	text = slurp(sc.fallback);
	assert_non_null(strstr(text, "] warning: skipped /dev/gone\n"));
	free(text);
	for (int i = 0; i <= senders && i < 64; i++)
		close(c[i]);
	close(fd);
	scene_close(&sc);
}

static void file_lines(void **state)
{
	char *dir = unit_tmpdir(), *file = unit_join(dir, "hook.log");
	char buf[512] = "";
	regex_t re;
	FILE *f;

	(void)state;
	log_open("sch-test", file);
	log_info("first %d", 1);
	log_warn("second");
	log_close();
	f = fopen(file, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
				 "[0-6][0-9]\\.[0-9]{3}Z sch-test\\[[0-9]+\\] info: first 1\n$",
				 REG_EXTENDED), 0);
	assert_int_equal(regexec(&re, buf, 0, NULL, 0), 0);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_non_null(strstr(buf, "] warning: second\n"));
	assert_null(fgets(buf, sizeof(buf), f));
	regfree(&re);
	fclose(f);
	unit_rm_rf(dir);
	free(file);
	free(dir);
}

/* --log FILE that cannot be used as a regular file: one warning line on
 * stderr naming it, nothing written through it, the lines in the
 * fallback. A FIFO, with or without a reader, never blocks. */
static void file_refused(void **state)
{
	static const char *const cases[] = { "symlink", "fifo", "fifo-read", "missing", "dir" };
	struct scene sc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *target, *path, *err, *text;
		int reader = -1;

		unit_case("%s", cases[i]);
		scene_open(&sc);
		target = unit_join(sc.dir, "target");
		path = unit_join(sc.dir, "hook.log");
		assert_int_equal(close(open(target, O_CREAT | O_WRONLY, 0600)), 0);
		if (!strcmp(cases[i], "symlink"))
			assert_int_equal(symlink(target, path), 0);
		else if (!strncmp(cases[i], "fifo", 4))
			assert_int_equal(mkfifo(path, 0600), 0);
		else if (!strcmp(cases[i], "dir"))
			assert_int_equal(mkdir(path, 0700), 0);
		else
			path = (free(path), unit_join(sc.dir, "no/such/dir/hook.log"));
		if (!strcmp(cases[i], "fifo-read"))
			reader = open(path, O_RDONLY | O_NONBLOCK);
		alarm(5);       /* a blocked open fails the test, not hangs it */
		err = capture_stderr(open_and_log, path);
		alarm(0);
		assert_int_equal(count_lines(err), 1);
		assert_non_null(strstr(err, "sch-test: warning: --log "));
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, sc.fallback));
		text = slurp(sc.fallback);
		assert_non_null(strstr(text, "] warning: --log "));
		assert_non_null(strstr(text, "] info: applied 3 device(s)\n"));
		free(text);
		text = slurp(target);
		assert_string_equal(text, "");
		if (reader >= 0) {
			char c;

			assert_int_equal(read(reader, &c, 1), 0);  /* no writer, nothing written */
			close(reader);
		}
		free(text);
		free(err);
		free(target);
		free(path);
		scene_close(&sc);
	}
	unit_case_done();
}

/* A bad --log while syslog works: the warning and the lines go to syslog. */
static void file_refused_to_syslog(void **state)
{
	struct scene sc;
	char buf[512], *err, *path;
	int fd;
	ssize_t n;

	(void)state;
	scene_open(&sc);
	fd = listen_at(sc.sock, SOCK_DGRAM);
	path = unit_join(sc.dir, "missing/hook.log");
	err = capture_stderr(open_and_log, path);
	assert_non_null(strstr(err, "; logging to syslog"));
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, path));
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "]: applied 3 device(s)"));
	assert_int_equal(access(sc.fallback, F_OK), -1);
	free(err);
	free(path);
	close(fd);
	scene_close(&sc);
}

/* "." means stderr, as "-" does, in the hook as in the CLI. */
static void file_dot_is_stderr(void **state)
{
	char *err;

	(void)state;
	err = capture_stderr(open_and_log, (void *)".");
	log_close();
	assert_int_equal(count_lines(err), 2);
	assert_non_null(strstr(err, "] info: applied 3 device(s)\n"));
	free(err);
}

/* Neither syslog nor the fallback file: stderr, and it says so. */
static void fallback_unusable(void **state)
{
	struct scene sc;
	char *err, *rundir;

	(void)state;
	scene_open(&sc);
	rundir = unit_join(sc.dir, "gone/run");
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", rundir);
	err = capture_stderr(open_and_log, NULL);
	assert_int_equal(count_lines(err), 3);
	assert_non_null(strstr(err, "logging to stderr"));
	assert_non_null(strstr(err, "] warning: skipped /dev/gone\n"));
	free(err);
	free(rundir);
	scene_close(&sc);
}

/* The time stamp made without the C library's time code is the one
 * gmtime_r gives, across leap days, centuries and 2038. */
static void utc_stamp(void **state)
{
	static const time_t at[] = {
		0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800, 4107542400 /* 2100-03-01 */,
		4107456000, 2147483647, 2147483648, 1700000000, 1709164800 /* 2024-02-29 */,
		253402300799 /* 9999-12-31T23:59:59 */,
	};
	char got[64], want[64];
	struct tm tm;

	(void)state;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]) + 2000; i++) {
		/* the table, then a day and some seconds apart for 2000 steps */
		time_t t = i < sizeof(at) / sizeof(at[0]) ? at[i] : (time_t)(i * 86400 * 37 + i * 4001);
		struct timespec ts = { t, 123456789 };

		unit_case("%lld", (long long)t);
		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.123Z", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_int_equal(log_utc_stamp(got, sizeof(got), &ts), strlen(want));
		assert_string_equal(got, want);
	}
	unit_case_done();
}

/* The signal-safe line is the line log_error() writes, in a file and to
 * syslog. */
static void async_line(void **state)
{
	char *dir = unit_tmpdir(), *file = unit_join(dir, "hook.log"), *text;
	char *sock = unit_join(dir, "log");
	char buf[256], want[128];
	regex_t re;
	ssize_t n;
	int fd;

	(void)state;
	log_open("sch-test", file);
	log_error_async("prestart c1: deadline of 2 s exceeded; giving up");
	log_error("prestart c1: deadline of 2 s exceeded; giving up");
	log_close();
	text = unit_read(file, NULL);
	assert_int_equal(regcomp(&re, "^([0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
				 "[0-6][0-9]\\.[0-9]{3}Z sch-test\\[[0-9]+\\] error: prestart c1: "
				 "deadline of 2 s exceeded; giving up\n){2}$", REG_EXTENDED), 0);
	assert_int_equal(regexec(&re, text, 0, NULL, 0), 0);
	regfree(&re);
	free(text);
	fd = listen_at(sock, SOCK_DGRAM);
	log_syslog_socket(sock);
	log_open("sch-test", NULL);
	log_error_async("stuck");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "<27>sch-test[%d]: stuck", (int)getpid());
	assert_string_equal(buf, want);
	log_close();
	close(fd);
	unit_rm_rf(dir);
	free(sock);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(syslog_datagram),
		UNIT_TEST(syslog_stream),
		UNIT_TEST(syslog_absent),
		UNIT_TEST(syslog_dangling),
		UNIT_TEST(syslog_full),
		UNIT_TEST(file_lines),
		UNIT_TEST(file_refused),
		UNIT_TEST(file_refused_to_syslog),
		UNIT_TEST(file_dot_is_stderr),
		UNIT_TEST(fallback_unusable),
		UNIT_TEST(utc_stamp),
		UNIT_TEST(async_line),
	};

	return cmocka_run_group_tests_name("test_log", tests, NULL, NULL);
}
