/* Where a container's root is at prestart: before pivot_root (runc, crun,
 * older lxc) the rootfs path in its mount namespace, after it (openEuler
 * lxc >= 5.0.2-8) the namespace's "/". The processes here are real: a
 * child that pivots into a temp dir, one that only unshares its mount
 * namespace, one that does neither. Needs root. */
#include "unit.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "container.h"
#include "nsexec.h"

/* The child's end of the handshake: report, then wait to be killed. */
static void child_ready(int fd, char status)
{
	if (write(fd, &status, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* A child that makes @dir its root the way a runtime does: its own mount
 * namespace, the directory bound onto itself, pivot_root, the old root
 * detached. @dir NULL: the child keeps our root; @unshare_only: a mount
 * namespace of its own, no pivot (runc's init at prestart). */
static pid_t start_child(const char *dir, bool unshare_only)
{
	int p[2];
	char status = 'x';
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a failed assertion must not leave it behind */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (!dir && !unshare_only)
			child_ready(p[1], 'y');
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			child_ready(p[1], 'n');
		if (unshare_only)
			child_ready(p[1], 'y');
		if (mount(dir, dir, NULL, MS_BIND, NULL) < 0 || chdir(dir) < 0 ||
		    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
		    chdir("/") < 0)
			child_ready(p[1], 'n');
		child_ready(p[1], 'y');
	}
	close(p[1]);
	assert_int_equal(read(p[0], &status, 1), 1);
	close(p[0]);
	if (status != 'y') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the child could not set up its root");
	}
	return pid;
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* container_root_in_ns for @pid, with fds opened as the hook does. */
static int root_of(pid_t pid, const char *rootfs, char **root, struct err *e)
{
	int pidfd, mntns, r;

	assert_int_equal(pid_open_mntns(pid, &pidfd, &mntns, e), 0);
	r = container_root_in_ns(pidfd, pid, rootfs, root, e);
	close(pidfd);
	close(mntns);
	return r;
}

/* After pivot_root, the "root" of lcr's state (rootfs.mount) does not
 * exist in the namespace; the root is "/", and a node made there lands in
 * the container's rootfs. */
static void after_pivot(void **state)
{
	char *dir = unit_tmpdir(), *node = unit_join(dir, "null"), *root = NULL;
	struct ns_op op = { .kind = NS_OP_MKNOD, .path = "/null", .mode = S_IFCHR | 0600,
			    .rdev = makedev(1, 3), .tree_fd = -1 };
	struct err e = { 0 };
	struct stat st;
	int pidfd, mntns;
	pid_t pid = start_child(dir, false);

	assert_int_equal(root_of(pid, "/var/lib/isulad/mnt/rootfs", &root, &e), 0);
	assert_string_equal(root, "/");
	assert_int_equal(pid_open_mntns(pid, &pidfd, &mntns, &e), 0);
	assert_int_equal(ns_run(mntns, root, &op, 1, true, &e), 0);
	assert_false(op.failed);
	assert_int_equal(stat(node, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	close(pidfd);
	close(mntns);
	free(root);
	/* no rootfs known at all: "/" needs none */
	assert_int_equal(root_of(pid, NULL, &root, &e), 0);
	assert_string_equal(root, "/");
	free(root);
	stop_child(pid);
	unit_rm_rf(dir);
	free(node);
	free(dir);
}

/* A hostile rootfs holding a directory at the rootfs.mount path: still
 * "/", not the container's own directory of that name. */
static void after_pivot_path_exists_inside(void **state)
{
	char *dir = unit_tmpdir(), *fake = unit_join(dir, "rootfs"), *root = NULL;
	struct err e = { 0 };
	pid_t pid;

	assert_int_equal(mkdir(fake, 0755), 0);
	pid = start_child(dir, false);
	assert_int_equal(root_of(pid, "/rootfs", &root, &e), 0);
	assert_string_equal(root, "/");
	free(root);
	stop_child(pid);
	unit_rm_rf(dir);
	free(fake);
	free(dir);
}

/* Before pivot_root (a mount namespace of its own or not): the path. */
static void before_pivot(void **state)
{
	for (int unshared = 0; unshared < 2; unshared++) {
		pid_t pid = start_child(NULL, unshared);
		struct err e = { 0 };
		char *root = NULL;

		unit_case("%s", unshared ? "own mount namespace" : "our mount namespace");
		assert_int_equal(root_of(pid, "/run/bundle/rootfs", &root, &e), 0);
		assert_string_equal(root, "/run/bundle/rootfs");
		free(root);
		root = NULL;
		assert_int_equal(root_of(pid, NULL, &root, &e), -1);
		assert_err(e, EINVAL, "rootfs");
		assert_null(root);
		stop_child(pid);
	}
	unit_case_done();
}

static void pick(void **state)
{
	struct err e = { 0 };
	char *root = NULL;

	assert_int_equal(container_root_pick(true, "/not/there", &root, &e), 0);
	assert_string_equal(root, "/");
	free(root);
	assert_int_equal(container_root_pick(false, "/b/rootfs", &root, &e), 0);
	assert_string_equal(root, "/b/rootfs");
	free(root);
	root = NULL;
	assert_int_equal(container_root_pick(false, NULL, &root, &e), -1);
	assert_err_line(e);
	assert_null(root);
}

/* A process that is gone: its /proc entry is, too. */
static void gone(void **state)
{
	pid_t pid = start_child(NULL, false);
	int pidfd, mntns;
	struct err e = { 0 };
	char *root = NULL;

	assert_int_equal(pid_open_mntns(pid, &pidfd, &mntns, &e), 0);
	stop_child(pid);
	assert_int_equal(container_root_in_ns(pidfd, pid, "/r", &root, &e), -1);
	assert_err_line(e);
	assert_null(root);
	close(pidfd);
	close(mntns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(after_pivot),
		UNIT_TEST(after_pivot_path_exists_inside),
		UNIT_TEST(before_pivot),
		UNIT_TEST(pick),
		UNIT_TEST(gone),
	};

	return cmocka_run_group_tests_name("test_container", tests, NULL, NULL);
}
