/* Paths under a container root that the container itself may have laid
 * out: a temp dir stands in for the rootfs, opened O_PATH as the hook
 * opens the real one. */
#include "unit.h"
#include "util.h"

#include "safe_path.h"

/* <top>/root is the fake rootfs; <top> stands for the host around it. */
/* Valgrind up to 3.19 does not know openat2 (syscall 437) and fails it
 * with ENOSYS, as would a kernel older than 5.6: nothing here can run. */
static bool have_openat2(void)
{
	int fd = openat2_beneath(AT_FDCWD, ".", O_PATH, 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno != ENOSYS;
}

/* First thing in every test: skipped, not failed, without openat2. */
static void needs_openat2(void)
{
	if (!have_openat2())
		skip();
}

/* The container root is f->root, open as f->fd. */
static int setup(void **state)
{
	struct unit_fixture *f = unit_fixture_new(state, true, false);

	f->fd = open(f->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->fd >= 0);
	return 0;
}

#define PATH_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, unit_fixture_teardown)

/* @fd refers to the same inode as <root>/@rel. */
static void assert_same_file(int fd, const struct unit_fixture *f, const char *rel)
{
	_cleanup_free_ char *p = unit_at(f, rel);
	struct stat a, b;

	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(lstat(p, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* Only "root" in <top>, and /etc without our probe. */
static void assert_nothing_outside(const struct unit_fixture *f)
{
	assert_int_equal(unit_count_entries(f->top), 1);
	assert_false(unit_exists("/etc/sch-unit-probe"));
}

static void parent_existing(void **state)
{
	static const char path[] = "/a/b/node";
	struct unit_fixture *f = *state;
	struct err e = { 0 };
	const char *last = NULL;
	int dir = -1;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_make_dir(f, "a/b");
	assert_int_equal(safe_open_parent(f->fd, path, false, 0, 0, &dir, &last, &e), 0);
	assert_ptr_equal(last, path + strlen("/a/b/"));
	assert_string_equal(last, "node");
	assert_same_file(dir, f, "a/b");
	close(dir);

	/* a file directly under the root */
	assert_int_equal(safe_open_parent(f->fd, "/node", false, 0, 0, &dir, &last, &e), 0);
	assert_string_equal(last, "node");
	assert_same_file(dir, f, ".");
	close(dir);
}

static void parent_creates(void **state)
{
	static const char path[] = "/dev/disk/by-id/x";
	struct unit_fixture *f = *state;
	struct err e = { 0 };
	const char *last = NULL;
	struct stat st;
	mode_t old;
	int dir = -1;
	char *p;

	needs_openat2();
	unit_make_dir(f, "dev");
	old = umask(022);
	assert_int_equal(safe_open_parent(f->fd, path, true, 1234, 5678, &dir, &last, &e), 0);
	umask(old);
	assert_string_equal(last, "x");
	assert_same_file(dir, f, "dev/disk/by-id");
	close(dir);

	/* the new directories: 0755, owned as asked; the existing one untouched */
	p = unit_at(f, "dev/disk/by-id");
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	free(p);
	p = unit_at(f, "dev/disk");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	free(p);
	p = unit_at(f, "dev");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, getuid());
	free(p);
	/* the last component is not made */
	p = unit_at(f, "dev/disk/by-id/x");
	assert_false(unit_exists(p));
	free(p);

	/* again: everything there now */
	assert_int_equal(safe_open_parent(f->fd, path, true, 0, 0, &dir, &last, &e), 0);
	close(dir);
	assert_nothing_outside(f);
}

static void parent_missing_no_create(void **state)
{
	struct unit_fixture *f = *state;
	struct err e = { 0 };
	const char *last = NULL;
	int dir = -1;

	needs_openat2();
	assert_int_equal(safe_open_parent(f->fd, "/a/b/c", false, 0, 0, &dir, &last, &e), -1);
	assert_err(e, ENOENT, "/a");
	assert_int_equal(dir, -1);
	assert_int_equal(unit_count_entries(f->root), 0);
}

static void symlink_component(void **state)
{
	static const struct {
		const char *what, *path, *component;
	} t[] = {
		{ "a/link -> /etc", "/a/link/x", "/a/link" },
		{ "link -> ..", "/up/x", "/up" },
		{ "link -> .. deeper", "/up/root/x", "/up" },
		{ "relative link inside the root", "/a/rel/x", "/a/rel" },
		{ "dangling link", "/dangle/x", "/dangle" },
	};
	struct unit_fixture *f = *state;

	static const char *const tree[] = {
		"a/", "b/", "a/link -> /etc", "up -> ..", "a/rel -> ../b",
		"dangle -> ../sch-unit-probe", NULL,
	};

	needs_openat2();
	unit_make_tree(f, tree);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (int create = 0; create <= 1; create++) {
			struct err e = { 0 };
			const char *last = NULL;
			int dir = -1;

			unit_case("%s (create %d)", t[i].what, create);
			assert_int_equal(safe_open_parent(f->fd, t[i].path, create, 0, 0, &dir,
							  &last, &e), -1);
			assert_err(e, ELOOP, t[i].component);
			assert_int_equal(dir, -1);
		}
	}
	unit_case_done();
}

/* With create, a symlink anywhere makes nothing anywhere: not where it
 * points, not beside the root, not inside it. */
static void nothing_created_outside(void **state)
{
	static const char *const paths[] = {
		"/a/link/sch-unit-probe/x",
		"/a/link/sch-unit-probe",
		"/up/sch-unit-probe/x",
		"/up/root/new/x",
		"/dangle/x",
		"/dangle/sub/x",
	};
	struct unit_fixture *f = *state;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_make_link(f, "/etc", "a/link");
	unit_make_link(f, "..", "up");
	unit_make_link(f, "../sch-unit-probe", "dangle");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct err e = { 0 };
		const char *last = NULL;
		int dir = -1;
		int rc;

		unit_case("%s", paths[i]);
		rc = safe_open_parent(f->fd, paths[i], true, 0, 0, &dir, &last, &e);
		if (rc == 0) {
			/* only "/a/link/sch-unit-probe": its parent is the link */
			close(dir);
			fail_msg("%s: opened the parent through a symlink", paths[i]);
		}
		assert_nothing_outside(f);
	}
	unit_case_done();
	/* inside the root: only what the test made */
	assert_int_equal(unit_count_entries(f->root), 3);
	assert_int_equal(unit_count_at(f, "a"), 1);
}

static void not_a_directory(void **state)
{
	struct unit_fixture *f = *state;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_make_file(f, "a/file");
	for (int create = 0; create <= 1; create++) {
		struct err e = { 0 };
		const char *last = NULL;
		int dir = -1;

		unit_case("create %d", create);
		assert_int_equal(safe_open_parent(f->fd, "/a/file/x", create, 0, 0, &dir, &last,
						  &e), -1);
		assert_err(e, ENOTDIR, "/a/file");
		assert_int_equal(dir, -1);
	}
	unit_case_done();
}

static void bad_paths(void **state)
{
	static const char *const paths[] = {
		"", "/", "rel/x", "x", "/a/../b", "/./x", "/a/.", "/a/..", "/a/",
	};
	struct unit_fixture *f = *state;

	needs_openat2();
	unit_make_dir(f, "a");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct err e = { 0 };
		const char *last = NULL;
		int dir = -1;

		unit_case("'%s'", paths[i]);
		assert_int_equal(safe_open_parent(f->fd, paths[i], true, 0, 0, &dir, &last, &e),
				 -1);
		assert_err_code(e, EINVAL);
		assert_int_equal(dir, -1);
	}
	unit_case_done();
	assert_int_equal(unit_count_entries(f->root), 1);
	assert_nothing_outside(f);
}

static void open_file(void **state)
{
	struct unit_fixture *f = *state;
	struct err e = { 0 };
	char buf[4] = { 0 };
	int fd;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_make_file(f, "a/file");
	fd = safe_open(f->fd, "/a/file", O_RDONLY, &e);
	assert_true(fd >= 0);
	assert_same_file(fd, f, "a/file");
	assert_int_equal(read(fd, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "x");
	close(fd);

	fd = safe_open(f->fd, "/a", O_PATH | O_DIRECTORY, &e);
	assert_true(fd >= 0);
	assert_same_file(fd, f, "a");
	close(fd);

	assert_int_equal(safe_open(f->fd, "/a/missing", O_PATH, &e), -1);
	assert_err(e, ENOENT, "/a/missing");
}

static void open_final_symlink(void **state)
{
	static const struct {
		const char *what;
		int flags;
	} t[] = {
		{ "O_RDONLY", O_RDONLY },
		{ "O_PATH", O_PATH },
		{ "O_PATH | O_DIRECTORY", O_PATH | O_DIRECTORY },
		{ "O_WRONLY", O_WRONLY },
	};
	static const char *const links[] = { "/a/passwd", "/a/up", "/a/inside", "/a/dangle" };
	struct unit_fixture *f = *state;

	static const char *const tree[] = {
		"a/", "a/file", "a/passwd -> /etc/passwd", "a/up -> ..", "a/inside -> file",
		"a/dangle -> /nonexistent-sch-unit", NULL,
	};

	needs_openat2();
	unit_make_tree(f, tree);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (size_t k = 0; k < sizeof(links) / sizeof(links[0]); k++) {
			struct err e = { 0 };
			int fd;

			unit_case("%s %s", links[k], t[i].what);
			fd = safe_open(f->fd, links[k], t[i].flags, &e);
			if (fd >= 0)
				close(fd);
			assert_int_equal(fd, -1);
			assert_err(e, ELOOP, links[k]);
		}
	}
	unit_case_done();
}

/* One component at a time: openat2_beneath on its own. */
static void beneath(void **state)
{
	struct unit_fixture *f = *state;
	int fd;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_make_link(f, "a", "la");
	fd = openat2_beneath(f->fd, "a", O_PATH | O_DIRECTORY, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(openat2_beneath(f->fd, "la", O_PATH, 0), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(openat2_beneath(f->fd, "..", O_PATH, 0), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(openat2_beneath(f->fd, "/etc", O_PATH, 0), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(openat2_beneath(f->fd, "a/../..", O_PATH, 0), -1);
	assert_int_equal(errno, EXDEV);
}

/* What a hostile container may leave where we read or write a file. The
 * device numbers need not exist: the node must be refused unopened. */
static const struct {
	const char *what;
	mode_t mode;
	dev_t rdev;
	const char *kind;
} not_regular[] = {
	{ "FIFO", S_IFIFO | 0600, 0, "a FIFO" },
	{ "char node 1:3", S_IFCHR | 0600, 0x103, "a character device" },
	{ "block node 7:250", S_IFBLK | 0600, 0x7fa, "a block device" },
	{ "directory", S_IFDIR | 0755, 0, "a directory" },
};

static void plant(const struct unit_fixture *f, const char *rel, size_t i)
{
	_cleanup_free_ char *p = unit_at(f, rel);

	if (S_ISDIR(not_regular[i].mode))
		assert_int_equal(mkdir(p, 0755), 0);
	else if (mknod(p, not_regular[i].mode, not_regular[i].rdev) < 0)
		skip();         /* device nodes need CAP_MKNOD */
}

static void unplant(const struct unit_fixture *f, const char *rel)
{
	_cleanup_free_ char *p = unit_at(f, rel);

	if (unlink(p) < 0)
		assert_int_equal(rmdir(p), 0);
}

/* Every way in refuses it with one line naming the path and its kind; a
 * FIFO without a reader or writer would block an open or a read forever,
 * so passing at all shows that it was not opened for I/O. */
static void refuse_not_regular(void **state)
{
	struct unit_fixture *f = *state;

	needs_openat2();
	unit_make_dir(f, "a");
	for (size_t i = 0; i < sizeof(not_regular) / sizeof(not_regular[0]); i++) {
		struct err e = { 0 };
		char *out = NULL;
		int fd;

		plant(f, "a/node", i);
		unit_case("%s: safe_write_file", not_regular[i].what);
		assert_int_equal(safe_write_file(f->fd, "/a/node", "x", 1, 0644, 0, 0, &e), -1);
		assert_err(e, EINVAL, "/a/node");
		assert_err_mentions(e, not_regular[i].kind);
		unit_case("%s: safe_read_file", not_regular[i].what);
		assert_int_equal(safe_read_file(f->fd, "/a/node", 100, &out, &e), -1);
		assert_null(out);
		assert_int_equal(e.code, EINVAL);
		assert_err_mentions(e, not_regular[i].kind);
		unit_case("%s: safe_open_file O_RDWR", not_regular[i].what);
		fd = safe_open_file(f->fd, "/a/node", O_RDWR, &e);
		assert_int_equal(fd, -1);
		assert_err_mentions(e, not_regular[i].kind);
		unit_case("%s: safe_open O_RDONLY", not_regular[i].what);
		assert_int_equal(safe_open(f->fd, "/a/node", O_RDONLY, &e), -1);
		unplant(f, "a/node");
	}
	unit_case_done();
}

/* An existing file is rewritten in place: truncated to the new content
 * (after the checks), given the mode asked for. */
static void write_replaces_content(void **state)
{
	struct unit_fixture *f = *state;
	struct err e = { 0 };
	char *p = unit_at(f, "a/file"), *got, *out = NULL;
	struct stat st;
	size_t len;

	needs_openat2();
	unit_make_dir(f, "a");
	unit_write(p, "a much longer old content", 25);
	assert_int_equal(safe_write_file(f->fd, "/a/file", "new", 3, 0600, 0, 0, &e), 0);
	got = unit_read(p, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "new", 3);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(safe_write_file(f->fd, "/b/c/fresh", "made", 4, 0640, 0, 0, &e), 0);
	assert_int_equal(safe_read_file(f->fd, "/b/c/fresh", 100, &out, &e), 0);
	assert_string_equal(out, "made");
	assert_int_equal(safe_read_file(f->fd, "/b/c/missing", 100, &out, &e) < 0, 1);
	assert_int_equal(e.code, ENOENT);
	free(out);
	free(got);
	free(p);
	assert_nothing_outside(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PATH_TEST(parent_existing),
		PATH_TEST(parent_creates),
		PATH_TEST(parent_missing_no_create),
		PATH_TEST(symlink_component),
		PATH_TEST(nothing_created_outside),
		PATH_TEST(not_a_directory),
		PATH_TEST(bad_paths),
		PATH_TEST(open_file),
		PATH_TEST(open_final_symlink),
		PATH_TEST(beneath),
		PATH_TEST(refuse_not_regular),
		PATH_TEST(write_replaces_content),
	};

	return cmocka_run_group_tests_name("test_safe_path", tests, NULL, NULL);
}
