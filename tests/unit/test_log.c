/* The logger: syslog lines over a datagram and over a stream socket, file
 * lines with a UTC stamp, and nothing written when syslog is absent. */
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
	struct err e;
	ssize_t n;

	(void)state;
	log_syslog_socket(sock);
	assert_int_equal(log_open("sch-test", NULL, &e), 0);
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
	struct err e;
	ssize_t n;

	(void)state;
	log_syslog_socket(sock);
	assert_int_equal(log_open("sch-test", NULL, &e), 0);
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

static void syslog_absent(void **state)
{
	char *dir = unit_tmpdir(), *sock = unit_join(dir, "none");
	struct err e;

	(void)state;
	log_syslog_socket(sock);
	assert_int_equal(log_open("sch-test", NULL, &e), 0);
	errno = EXDEV;
	log_info("nobody listens");          /* no crash, errno kept */
	assert_int_equal(errno, EXDEV);
	log_close();
	unit_rm_rf(dir);
	free(sock);
	free(dir);
}

static void file_lines(void **state)
{
	char *dir = unit_tmpdir(), *file = unit_join(dir, "hook.log");
	char buf[512] = "";
	regex_t re;
	struct err e;
	FILE *f;

	(void)state;
	assert_int_equal(log_open("sch-test", file, &e), 0);
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

static void file_refused(void **state)
{
	char *dir = unit_tmpdir(), *link = unit_join(dir, "link");
	struct err e;

	(void)state;
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(log_open("sch-test", link, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, link);
	unit_rm_rf(dir);
	free(link);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(syslog_datagram),
		UNIT_TEST(syslog_stream),
		UNIT_TEST(syslog_absent),
		UNIT_TEST(file_lines),
		UNIT_TEST(file_refused),
	};

	return cmocka_run_group_tests_name("test_log", tests, NULL, NULL);
}
