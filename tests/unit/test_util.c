/* util and container ids. */
#include "unit.h"

#include <pthread.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "container_id.h"
#include "util.h"

/* ---- path_clean ---- */

static void clean(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "/", "/" },
		{ "//", "/" },
		{ "///", "/" },
		{ "//a//b/", "/a/b" },
		{ "/a/./b", "/a/b" },
		{ "/a/b/.", "/a/b" },
		{ "/./", "/" },
		{ "/a/../../b", "/b" },
		{ "/..", "/" },
		{ "/../..", "/" },
		{ "/../a", "/a" },
		{ "/a/..", "/" },
		{ "/a/b/..", "/a" },
		{ "/a/b/../", "/a" },
		{ "/a/b/../..", "/" },
		{ "/a/b/c/../../d", "/a/d" },
		{ "/dev//x/../y", "/dev/y" },
		{ "/a/...", "/a/..." },
		{ "/a/..b/.c", "/a/..b/.c" },
		{ "/a/b", "/a/b" },
		{ "/abc/def/", "/abc/def" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got;

		unit_case("%s", t[i].in);
		got = path_clean(t[i].in);
		assert_string_equal(got, t[i].want);
		free(got);
	}
	unit_case_done();
}

/* ---- container ids ---- */

static const char id128[] = UNIT_ID128;
static const char id129[] = UNIT_ID129;

static void ids(void **state)
{
	static const char *const good[] = {
		"a", "c1", "A_b.c-d", "0", "9abc", "abc.", "a..b", "a-", id128,
	};
	static const char *const bad[] = {
		"", "-a", ".a", "_a", "../x", "..", ".", "a/b", "/a", "a b", "a\n", "a\tb",
		"a:b", "é", "a\xff", id129,
	};

	assert_int_equal(sizeof(id128) - 1, CONTAINER_ID_MAX);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct err e = { 0 };

		unit_case("good #%zu", i);
		assert_true(container_id_valid(good[i]));
		assert_int_equal(container_id_check(good[i], &e), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = { 0 };

		unit_case("bad #%zu", i);
		assert_false(container_id_valid(bad[i]));
		assert_int_equal(container_id_check(bad[i], &e), -1);
		assert_int_equal(e.code, EINVAL);
		assert_true(e.msg[0] != '\0');
	}
	unit_case_done();
	assert_false(container_id_valid(NULL));
}

static void id_messages(void **state)
{
	struct err e = { 0 };

	assert_int_equal(container_id_check("../x", &e), -1);
	assert_err_line(e);
	assert_non_null(strstr(e.msg, "'../x'"));
	assert_int_equal(container_id_check("", &e), -1);
	assert_err_line(e);
	assert_non_null(strstr(e.msg, "empty"));
	assert_int_equal(container_id_check(id129, &e), -1);
	assert_err_line(e);
	assert_non_null(strstr(e.msg, "128"));
	/* a long id is not copied whole into the message */
	assert_true(strlen(e.msg) < 120);
}

/* ---- write_file_atomic ---- */

static void atomic_write(void **state)
{
	char *dir = unit_fixture_top(state);
	char *path = unit_join(dir, "f.json");
	struct err e = { 0 };
	struct stat st;

	/* new file */
	assert_int_equal(write_file_atomic(path, "first\n", 6, 0600, WRITE_DURABLE, &e), 0);
	unit_assert_file(path, "first\n", 6);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* replaced: shorter content, another mode, a new inode */
	{
		ino_t old = st.st_ino;

		assert_int_equal(write_file_atomic(path, "2nd", 3, 0644, WRITE_VOLATILE, &e), 0);
		unit_assert_file(path, "2nd", 3);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0644);
		assert_true(st.st_ino != old);
	}

	/* empty content, bytes with a NUL */
	assert_int_equal(write_file_atomic(path, "", 0, 0600, WRITE_DURABLE, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(write_file_atomic(path, "a\0b", 3, 0600, WRITE_DURABLE, &e), 0);
	unit_assert_file(path, "a\0b", 3);

	/* no temporary file left behind */
	assert_int_equal(unit_count_entries(dir), 1);

	free(path);
}

/* The umask does not narrow or widen the mode asked for. */
static void atomic_write_mode(void **state)
{
	char *dir = unit_fixture_top(state);
	char *path = unit_join(dir, "m");
	struct err e = { 0 };
	struct stat st;
	mode_t old = umask(077);

	assert_int_equal(write_file_atomic(path, "x", 1, 0640, WRITE_DURABLE, &e), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(path);
}

static void atomic_write_fails(void **state)
{
	char *dir = unit_fixture_top(state);
	char *missing = unit_join(dir, "no/such/f");
	char *target = unit_join(dir, "d");
	char *inside = unit_join(target, "keep");
	struct err e = { 0 };

	/* no directory to write in */
	assert_int_equal(write_file_atomic(missing, "x", 1, 0600, WRITE_DURABLE, &e), -1);
	assert_err(e, ENOENT, missing);

	/* a non-empty directory in the way: the rename fails, nothing is left */
	assert_int_equal(mkdir(target, 0755), 0);
	unit_write(inside, "k", 1);
	assert_int_equal(write_file_atomic(target, "x", 1, 0600, WRITE_DURABLE, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, target);
	assert_int_equal(unit_count_entries(dir), 1);
	assert_int_equal(unit_count_entries(target), 1);

	free(inside);
	free(target);
	free(missing);
}

/* ---- small helpers ---- */

static void helpers(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *deep = unit_join(tmp, "a/b/c");
	char *file = unit_join(tmp, "f");
	struct err e = { 0 };
	struct stat st;
	char *s;

	assert_true(str_has_prefix("/sys/fs/cgroup", "/sys"));
	assert_true(str_has_prefix("abc", ""));
	assert_false(str_has_prefix("/sy", "/sys"));

	s = xasprintf("%s-%d", "x", 5);
	assert_string_equal(s, "x-5");
	free(s);

	assert_int_equal(mkdir_p(deep, 0700, &e), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdir_p(deep, 0700, &e), 0);

	unit_write(file, "hello", 5);
	{
		char *buf = NULL;
		size_t len = 0;

		assert_int_equal(read_file_at(AT_FDCWD, file, 100, &buf, &len, &e), 0);
		assert_int_equal(len, 5);
		assert_string_equal(buf, "hello");
		free(buf);
		assert_int_equal(read_file_at(AT_FDCWD, file, 4, &buf, &len, &e), -1);
		assert_int_equal(e.code, EFBIG);
		assert_err_mentions(e, file);
		assert_int_equal(read_file_at(AT_FDCWD, deep, 100, &buf, &len, &e), -1);
		assert_err_line(e);
	}
	free(file);
	free(deep);
}

/* openEuler lxc starts a hook, then writes its state into a non-blocking
 * pipe: the first reads find nothing (EAGAIN), and the state may come in
 * pieces. All of it is read, up to the writer's close. */
static void read_nonblocking_late(void **state)
{
	enum { SIZE = 200 * 1024, PIECE = 50 * 1024 };
	char *want = malloc(SIZE), *got = NULL;
	struct err e = { 0 };
	size_t len = 0;
	int p[2];
	pid_t pid;

	for (size_t i = 0; i < SIZE; i++)
		want[i] = (char)('a' + i % 26);
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		/* only the reader's end stays non-blocking, as under lxc */
		fcntl(p[1], F_SETFL, 0);
		for (size_t off = 0; off < SIZE; off += PIECE) {
			usleep(100 * 1000);
			if (write_all(p[1], want + off, PIECE) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read_fd_all(p[0], SIZE, &got, &len, &e), 0);
	close(p[0]);
	waitpid(pid, NULL, 0);
	assert_int_equal(len, SIZE);
	assert_memory_equal(got, want, SIZE);
	free(got);
	free(want);
}

/* A writer that closes without writing: an empty read, not a wait. */
static void read_nonblocking_empty(void **state)
{
	struct err e = { 0 };
	char *got = NULL;
	size_t len = 1;
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	close(p[1]);
	assert_int_equal(read_fd_all(p[0], 100, &got, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_string_equal(got, "");
	free(got);
	close(p[0]);
}

/* read_file_at on what is not a regular file: refused with one line that
 * names the path and its kind, without opening it (a FIFO with no writer
 * would block the open, so passing shows it was not opened). */
static void read_not_regular(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *fifo = unit_join(tmp, "fifo");
	const struct {
		const char *path, *kind;
	} t[] = {
		{ fifo, "a FIFO" },
		{ "/dev/null", "a character device" },
		{ tmp, "a directory" },
	};
	struct err e = { 0 };

	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *buf = NULL;

		unit_case("%s", t[i].path);
		assert_int_equal(read_file_at(AT_FDCWD, t[i].path, 100, &buf, NULL, &e), -1);
		assert_null(buf);
		assert_err(e, EINVAL, t[i].path);
		assert_err_mentions(e, t[i].kind);
		assert_int_equal(open_regular_at(AT_FDCWD, t[i].path, &e), -1);
	}
	unit_case_done();
	assert_string_equal(file_kind(S_IFBLK), "a block device");
	assert_string_equal(file_kind(S_IFSOCK), "a socket");
	free(fifo);
}

/* A file replaced by rename while it is read (hook.json and the runtime
 * record are written so) is read whole, old or new, never refused as
 * "changed while it was opened". */
struct renamer {
	const char *dir, *path;
	volatile int stop;
};

static void *rename_loop(void *arg)
{
	struct renamer *r = arg;
	char *tmp = unit_join(r->dir, "tmp");

	for (int i = 0; !r->stop; i++) {
		unit_write(tmp, i % 2 ? "odd" : "even", i % 2 ? 3 : 4);
		if (rename(tmp, r->path) < 0)
			break;
		usleep(50);
	}
	free(tmp);
	return NULL;
}

static void read_while_renamed(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *path = unit_join(tmp, "file");
	struct renamer r = { tmp, path, 0 };
	pthread_t t;
	int failed = 0;

	unit_write(path, "even", 4);
	assert_int_equal(pthread_create(&t, NULL, rename_loop, &r), 0);
	for (int i = 0; i < 20000; i++) {
		struct err e = { 0 };
		char *buf = NULL;

		if (read_file_at(AT_FDCWD, path, 100, &buf, NULL, &e) < 0) {
			print_error("read %d: %s\n", i, e.msg);
			failed++;
		} else if (strcmp(buf, "odd") && strcmp(buf, "even")) {
			failed++;
		}
		free(buf);
	}
	r.stop = 1;
	pthread_join(t, NULL);
	assert_int_equal(failed, 0);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(clean),
		UNIT_TEST(ids),
		UNIT_TEST(id_messages),
		UNIT_TEST_DIR(atomic_write),
		UNIT_TEST_DIR(atomic_write_mode),
		UNIT_TEST_DIR(atomic_write_fails),
		UNIT_TEST_DIR(helpers),
		UNIT_TEST(read_nonblocking_late),
		UNIT_TEST(read_nonblocking_empty),
		UNIT_TEST_DIR(read_not_regular),
		UNIT_TEST_DIR(read_while_renamed),
	};

	return cmocka_run_group_tests_name("test_util", tests, NULL, NULL);
}
