/* The mount-namespace worker: a batch of operations run by one thread
 * that joins a mount namespace. The tests run in a private mount namespace
 * of their own and hand the worker that namespace, with a temp dir as the
 * container root. */
#include "unit.h"
#include "util.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include "nsexec.h"

/* <top>/root is the container root; <top> stands for the host; the fd is
 * our mount namespace. */
static int group_setup(void **state)
{
	(void)state;
	/* mounts made here stay here */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		print_message("# no mount namespace of our own (%s): not root?\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	struct unit_fixture *f = unit_fixture_new(state, true, false);

	f->fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(f->fd >= 0);
	return 0;
}

static int teardown(void **state)
{
	struct unit_fixture *f = *state;
	char *dev = unit_join(f->root, "dev");

	/* a mount a failed test left: gone with this namespace, but not
	 * to be emptied through */
	umount2(f->root, MNT_DETACH);
	umount2(dev, MNT_DETACH);
	free(dev);
	return unit_fixture_teardown(state);
}

static void node(struct ns_op *op, const char *path, int minor)
{
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_MKNOD;
	op->path = path;
	op->mode = S_IFCHR | 0640;
	op->rdev = makedev(1, minor);
	op->tree_fd = -1;
}

static void assert_node(const struct unit_fixture *f, const char *rel, int minor)
{
	_cleanup_free_ char *p = unit_join(f->root, rel);
	struct stat st;

	if (lstat(p, &st) < 0)
		fail_msg("%s: %s", rel, strerror(errno));
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(minor(st.st_rdev), minor);
	assert_int_equal(st.st_mode & 07777, 0640);
}

/* Nodes in several directories, in an order that goes back and forth
 * between them, land where they belong; missing directories are made. */
static void nodes_many_dirs(void **state)
{
	struct unit_fixture *f = *state;
	static const char *const paths[] = {
		"/dev/a", "/dev/b", "/dev/sub/c", "/dev/d", "/x", "/dev/sub/e", "/dev/sub/f", "/dev/g",
	};
	struct ns_op ops[8];
	struct err e = { 0 };

	for (int i = 0; i < 8; i++)
		node(&ops[i], paths[i], i + 1);
	assert_int_equal(ns_run(f->fd, f->root, ops, 8, true, &e), 0);
	assert_int_equal(ns_ops_check(ops, 8, &e), 0);
	for (int i = 0; i < 8; i++) {
		unit_case("%s", paths[i]);
		assert_true(ops[i].done);
		assert_node(f, paths[i] + 1, i + 1);
	}
	unit_case_done();
}

/* A mount over a directory between two nodes in it: the second node goes
 * into what is mounted there now, not the directory underneath. */
static void mount_between_nodes(void **state)
{
	struct unit_fixture *f = *state;
	_cleanup_free_ char *other = unit_join(f->top, "other");
	struct ns_op ops[3];
	struct err e = { 0 };
	char *under;
	int tree;

	assert_int_equal(mkdir(other, 0755), 0);
	tree = open_tree(AT_FDCWD, other, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	assert_true(tree >= 0);
	node(&ops[0], "/dev/one", 1);
	memset(&ops[1], 0, sizeof(ops[1]));
	ops[1].kind = NS_OP_BIND;
	ops[1].path = "/dev";
	ops[1].is_dir = true;
	ops[1].tree_fd = tree;
	node(&ops[2], "/dev/two", 2);
	assert_int_equal(ns_run(f->fd, f->root, ops, 3, true, &e), 0);
	assert_int_equal(ns_ops_check(ops, 3, &e), 0);
	/* through the mount: "two" is there, "one" is underneath */
	assert_node(f, "dev/two", 2);
	under = unit_join(other, "two");
	assert_int_equal(access(under, F_OK), 0);
	free(under);
	under = unit_join(f->root, "dev");
	assert_int_equal(umount2(under, MNT_DETACH), 0);
	free(under);
	assert_node(f, "dev/one", 1);
	under = unit_join(f->root, "dev/two");
	assert_int_equal(access(under, F_OK), -1);
	free(under);
	close(tree);
}

static void remove_nodes(void **state)
{
	struct unit_fixture *f = *state;
	struct ns_op ops[5];
	struct err e = { 0 };
	_cleanup_free_ char *file = unit_join(f->root, "dev/file");
	char *gone;

	node(&ops[0], "/dev/a", 1);
	node(&ops[1], "/dev/b", 2);
	assert_int_equal(ns_run(f->fd, f->root, ops, 2, true, &e), 0);
	unit_write(file, "x", 1);
	for (int i = 0; i < 5; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].kind = NS_OP_RMNODE;
		ops[i].tree_fd = -1;
	}
	ops[0].path = "/dev/a";
	ops[1].path = "/dev/b";
	ops[2].path = "/dev/absent";        /* absent: fine */
	ops[3].path = "/nodir/absent";      /* its directory absent: fine */
	ops[4].path = "/dev/file";          /* not a node: left alone */
	assert_int_equal(ns_run(f->fd, f->root, ops, 5, false, &e), 0);
	for (int i = 0; i < 4; i++) {
		unit_case("%s", ops[i].path);
		assert_false(ops[i].failed);
	}
	unit_case_done();
	assert_true(ops[4].failed);
	assert_int_equal(ops[4].err.code, EEXIST);
	assert_null(strchr(ops[4].err.msg, '\n'));
	gone = unit_join(f->root, "dev/a");
	assert_int_equal(access(gone, F_OK), -1);
	free(gone);
	assert_int_equal(access(file, F_OK), 0);
}

/* A symlink on the way fails that node and, with stop_on_error, stops the
 * batch there; nothing is made through the symlink. */
static void stop_at_symlink(void **state)
{
	struct unit_fixture *f = *state;
	_cleanup_free_ char *outside = unit_join(f->top, "outside");
	_cleanup_free_ char *link = unit_join(f->root, "evil");
	_cleanup_free_ char *leak = unit_join(outside, "n");
	struct ns_op ops[3];
	struct err e = { 0 };

	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(symlink(outside, link), 0);
	node(&ops[0], "/dev/ok", 1);
	node(&ops[1], "/evil/n", 2);
	node(&ops[2], "/dev/after", 3);
	assert_int_equal(ns_run(f->fd, f->root, ops, 3, true, &e), 0);
	assert_false(ops[0].failed);
	assert_true(ops[1].failed);
	assert_int_equal(ns_ops_check(ops, 3, &e), -1);
	assert_non_null(strstr(e.msg, "/evil"));
	assert_false(ops[2].done);
	assert_int_equal(access(leak, F_OK), -1);
}

static void root_missing(void **state)
{
	struct unit_fixture *f = *state;
	_cleanup_free_ char *missing = unit_join(f->root, "nope");
	struct ns_op op;
	struct err e = { 0 };

	node(&op, "/dev/a", 1);
	assert_int_equal(ns_run(f->fd, missing, &op, 1, true, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, "nope");
	assert_false(op.done);
}

/* ns_start returns at once; the caller works; ns_wait collects. */
static void start_then_wait(void **state)
{
	struct unit_fixture *f = *state;
	struct ns_op ops[2];
	struct ns_job job;
	struct err e = { 0 };

	node(&ops[0], "/dev/a", 1);
	node(&ops[1], "/dev/b", 2);
	assert_int_equal(ns_start(f->fd, f->root, ops, 2, true, &job, &e), 0);
	assert_int_equal(ns_wait(&job, &e), 0);
	assert_true(ops[0].done && ops[1].done);
	assert_node(f, "dev/b", 2);
	/* a second wait has nothing to wait for */
	assert_int_equal(ns_wait(&job, &e), 0);
}

/* Mount points in this namespace whose path holds @needle. */
static int mounts_under(const char *needle)
{
	char line[4096];
	FILE *mi = fopen("/proc/self/mountinfo", "r");
	int n = 0;

	assert_non_null(mi);
	while (fgets(line, sizeof(line), mi))
		n += strstr(line, needle) != NULL;
	fclose(mi);
	return n;
}

/* For a user-namespaced container: nodes bound from a private tmpfs,
 * owned by the mapped owner, made (with their directories) as that owner;
 * removed again by unmounting them. */
static void bound_nodes(void **state)
{
	struct unit_fixture *f = *state;
	char *path = unit_join(f->root, "dev/sub/a"), *dir = unit_join(f->root, "dev/sub");
	_cleanup_free_ char *b = unit_join(f->root, "dev/sub/b");
	struct ns_op ops[3];
	struct err e = { 0 };
	struct stat st;

	for (int i = 0; i < 2; i++) {
		node(&ops[i], i ? "/dev/sub/b" : "/dev/sub/a", 3 + i);
		ops[i].bind_node = true;
		ops[i].uid = 200000;
		ops[i].gid = 200006;
	}
	assert_int_equal(ns_run(f->fd, f->root, ops, 2, true, &e), 0);
	assert_int_equal(ns_ops_check(ops, 2, &e), 0);
	assert_node(f, "dev/sub/a", 3);
	assert_node(f, "dev/sub/b", 4);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 200000);
	assert_int_equal(st.st_gid, 200006);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_uid, 200000);
	assert_int_equal(mounts_under("/dev/sub/"), 2);

	/* the same node again, and a removal: a mount point is unmounted */
	node(&ops[0], "/dev/sub/a", 3);
	ops[0].bind_node = true;
	ops[0].uid = 200000;
	ops[0].gid = 200006;
	memset(&ops[1], 0, sizeof(ops[1]));
	ops[1].kind = NS_OP_RMNODE;
	ops[1].path = "/dev/sub/b";
	ops[1].tree_fd = -1;
	assert_int_equal(ns_run(f->fd, f->root, ops, 2, true, &e), 0);
	assert_int_equal(ns_ops_check(ops, 2, &e), 0);
	assert_node(f, "dev/sub/a", 3);
	assert_false(unit_exists(b));
	assert_int_equal(mounts_under("/dev/sub/"), 1);
	umount2(path, MNT_DETACH);
	free(path);
	free(dir);
}

#define NS_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		NS_TEST(nodes_many_dirs),
		NS_TEST(mount_between_nodes),
		NS_TEST(remove_nodes),
		NS_TEST(stop_at_symlink),
		NS_TEST(root_missing),
		NS_TEST(start_then_wait),
		NS_TEST(bound_nodes),
	};

	return cmocka_run_group_tests_name("test_nsexec", tests, group_setup, NULL);
}
