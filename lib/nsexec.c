#include "nsexec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "safe_path.h"
#include "util.h"

struct ns_result {
	int done;
	int code;
	char msg[NS_MSG_MAX];
};

static int fail(struct ns_result *r, struct err *e)
{
	r->code = e->code ? e->code : EIO;
	snprintf(r->msg, sizeof(r->msg), "%s", e->msg);
	return -1;
}

static int op_mknod(int rootfd, const struct ns_op *op, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *name;
	struct stat st;

	if (safe_open_parent(rootfd, op->path, true, op->uid, op->gid, &dir, &name, e) < 0)
		return -1;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		bool same = (st.st_mode & S_IFMT) == (op->mode & S_IFMT) && st.st_rdev == op->rdev;

		if (S_ISDIR(st.st_mode))
			return err_set(e, EISDIR, "%s is a directory in the container", op->path);
		if (!same && !op->force)
			return err_set(e, EEXIST, "%s already exists in the container (--force replaces it)",
				       op->path);
		/* replace: the old entry may be a FIFO, a file or a symlink */
		if (unlinkat(dir, name, 0) < 0)
			return err_sys(e, errno, "remove %s in the container", op->path);
	} else if (errno != ENOENT) {
		return err_sys(e, errno, "stat %s in the container", op->path);
	}
	if (mknodat(dir, name, op->mode, op->rdev) < 0)
		return err_sys(e, errno, "mknod %s in the container", op->path);
	if (fchownat(dir, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, errno, "chown %s in the container", op->path);
	return 0;
}

static int op_rmnode(int rootfd, const struct ns_op *op, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *name;
	struct stat st;

	if (safe_open_parent(rootfd, op->path, false, 0, 0, &dir, &name, e) < 0)
		return e->code == ENOENT ? 0 : -1;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_sys(e, errno, "stat %s in the container", op->path);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(e, EEXIST, "%s in the container is not a device node; left alone",
			       op->path);
	if (unlinkat(dir, name, 0) < 0)
		return err_sys(e, errno, "remove %s in the container", op->path);
	return 0;
}

static int make_mountpoint(int dir, const char *name, const struct ns_op *op, struct err *e)
{
	struct stat st;
	int fd;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return err_set(e, ELOOP, "%s is a symlink; symlinks in container paths are not followed",
				       op->path);
		if (!!S_ISDIR(st.st_mode) != op->is_dir)
			return err_set(e, ENOTDIR, "%s in the container is %s but the host path is %s",
				       op->path, S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
				       op->is_dir ? "a directory" : "a file");
		return 0;
	}
	if (errno != ENOENT)
		return err_sys(e, errno, "stat %s in the container", op->path);
	if (op->is_dir) {
		if (mkdirat(dir, name, 0755) < 0)
			return err_sys(e, errno, "mkdir %s in the container", op->path);
	} else {
		fd = openat2_beneath(dir, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return err_sys(e, errno, "create %s in the container", op->path);
		close(fd);
	}
	if (fchownat(dir, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, errno, "chown %s in the container", op->path);
	return 0;
}

static int op_bind(int rootfd, const struct ns_op *op, struct err *e)
{
	_cleanup_close_ int dir = -1;
	_cleanup_close_ int target = -1;
	const char *name;

	if (safe_open_parent(rootfd, op->path, true, op->uid, op->gid, &dir, &name, e) < 0 ||
	    make_mountpoint(dir, name, op, e) < 0)
		return -1;
	target = openat2_beneath(dir, name, O_PATH, 0);
	if (target < 0)
		return err_sys(e, errno, "open %s in the container", op->path);
	if (move_mount(op->tree_fd, "", target, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_sys(e, errno, "mount on %s in the container", op->path);
	return 0;
}

static int op_unbind(int rootfd, const struct ns_op *op, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *name;

	if (safe_open_parent(rootfd, op->path, false, 0, 0, &dir, &name, e) < 0)
		return -1;
	/* a relative one-component path from a verified directory */
	if (fchdir(dir) < 0)
		return err_sys(e, errno, "chdir to the parent of %s", op->path);
	if (umount2(name, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
		if (errno == EINVAL)
			return err_set(e, EINVAL, "%s is not a mount point in the container", op->path);
		return err_sys(e, errno, "unmount %s in the container", op->path);
	}
	return 0;
}

static int run_op(int rootfd, const struct ns_op *op, struct err *e)
{
	switch (op->kind) {
	case NS_OP_MKNOD:
		return op_mknod(rootfd, op, e);
	case NS_OP_RMNODE:
		return op_rmnode(rootfd, op, e);
	case NS_OP_BIND:
		return op_bind(rootfd, op, e);
	case NS_OP_UNBIND:
		return op_unbind(rootfd, op, e);
	case NS_OP_CALL:
		return op->call(rootfd, op->arg, e);
	}
	return err_set(e, EINVAL, "unknown operation");
}

static void child(int mntns_fd, const char *root, const struct ns_op *ops, size_t n,
		  bool stop_on_error, struct ns_result *res)
{
	struct err e = { 0 };
	int rootfd;

	umask(0);
	if (setns(mntns_fd, CLONE_NEWNS) < 0) {
		err_sys(&e, errno, "enter the container's mount namespace");
		fail(&res[0], &e);
		_exit(3);
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		err_sys(&e, errno, "open container root %s", root);
		fail(&res[0], &e);
		_exit(3);
	}
	for (size_t i = 0; i < n; i++) {
		err_clear(&e);
		res[i].done = 1;
		if (run_op(rootfd, &ops[i], &e) < 0) {
			fail(&res[i], &e);
			if (stop_on_error)
				break;
		} else if (e.msg[0]) {
			snprintf(res[i].msg, sizeof(res[i].msg), "%s", e.msg);
		}
	}
	_exit(0);
}

int ns_run(int mntns_fd, const char *root, struct ns_op *ops, size_t n, bool stop_on_error,
	   struct err *e)
{
	size_t len = (n ? n : 1) * sizeof(struct ns_result);
	struct ns_result *res;
	int status = 0;
	pid_t pid;

	res = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return err_sys(e, errno, "mmap");
	pid = fork();
	if (pid < 0) {
		munmap(res, len);
		return err_sys(e, errno, "fork");
	}
	if (pid == 0)
		child(mntns_fd, root, ops, n, stop_on_error, res);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			munmap(res, len);
			return err_sys(e, errno, "waitpid");
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		err_set(e, res[0].code, "%s", res[0].msg);
		munmap(res, len);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		munmap(res, len);
		return err_set(e, EIO, "namespace helper died (status 0x%x)", status);
	}
	for (size_t i = 0; i < n; i++) {
		ops[i].done = res[i].done;
		ops[i].code = res[i].code;
		memcpy(ops[i].msg, res[i].msg, sizeof(ops[i].msg));
	}
	munmap(res, len);
	return 0;
}

const struct ns_op *ns_first_failure(const struct ns_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].done && ops[i].code)
			return &ops[i];
	return NULL;
}
