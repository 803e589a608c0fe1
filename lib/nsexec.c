#include "nsexec.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns_owner.h"
#include "progress.h"
#include "safe_path.h"
#include "util.h"

/* The parent directory of the last node made or removed. Nodes mostly
 * share one (/dev), and the safe walk to it costs more system calls than
 * the node itself. Only node operations use it: any other operation may
 * change the tree (a mount over the directory), so it is dropped first. */
struct parent_cache {
	char *path;             /* the parent's container path ("" for the root) */
	int fd;
};

static void cache_drop(struct parent_cache *c)
{
	free(c->path);
	c->path = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* The directory to make or remove @op's node in, and the node's name;
 * the directory belongs to the cache. */
static int node_parent(int rootfd, const struct ns_op *op, bool create, struct parent_cache *c,
		       const char **name, struct err *e)
{
	const char *slash = strrchr(op->path, '/');
	size_t len = slash ? (size_t)(slash - op->path) : 0;
	int dir;

	if (c->path && slash && slash[1] && strlen(c->path) == len &&
	    strncmp(op->path, c->path, len) == 0) {
		*name = slash + 1;
		return c->fd;
	}
	if (safe_open_parent(rootfd, op->path, create, op->uid, op->gid, &dir, name, e) < 0)
		return -1;
	cache_drop(c);
	c->path = xasprintf("%.*s", (int)len, op->path);
	c->fd = dir;
	return dir;
}

/* Remove the entry @name of @dir. A node bound from a private tmpfs
 * (bind_node) is a mount point: unmounted first. */
static int remove_entry(int dir, const char *name, const char *path, struct err *e)
{
	for (int tries = 0; unlinkat(dir, name, 0) < 0; tries++) {
		if (errno != EBUSY || tries == 8)
			return err_sys(e, errno, "remove %s in the container", path);
		/* a relative one-component path from a verified directory */
		if (fchdir(dir) < 0 || umount2(name, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			return err_sys(e, errno, "unmount %s in the container", path);
	}
	return 0;
}

/* A node already at the place of @op's: same device, or --force, and it is
 * replaced; 1 when the place is free. */
static int clear_place(int dir, const char *name, const struct ns_op *op, struct err *e)
{
	struct stat st;
	bool same;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return err_sys(e, errno, "stat %s in the container", op->path);
		return 1;
	}
	same = (st.st_mode & S_IFMT) == (op->mode & S_IFMT) && st.st_rdev == op->rdev;
	if (S_ISDIR(st.st_mode))
		return err_set(e, EISDIR, "%s is a directory in the container", op->path);
	if (!same && !op->force)
		return err_set(e, EEXIST, "%s already exists in the container (--force replaces it)",
			       op->path);
	/* replace: the old entry may be a FIFO, a file or a symlink */
	return remove_entry(dir, name, op->path, e) < 0 ? -1 : 1;
}

/* The node on an empty file of ours at its place (ns_owner.h says why). */
static int bind_node(int dir, const char *name, const struct ns_op *op, struct node_fs *nodes,
		     struct err *e)
{
	_cleanup_close_ int tree = -1;
	_cleanup_close_ int target = -1;

	if (node_fs_clone(nodes, op->mode, op->rdev, op->uid, op->gid, &tree, e) < 0)
		return err_wrap(e, "%s", op->path);
	target = openat2_beneath(dir, name, O_WRONLY | O_CREAT | O_EXCL, 0);
	if (target < 0)
		return err_sys(e, errno, "create %s in the container", op->path);
	close(target);
	target = openat2_beneath(dir, name, O_PATH, 0);
	if (target < 0)
		return err_sys(e, errno, "open %s in the container", op->path);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		err_sys(e, errno, "mount the node on %s in the container", op->path);
		unlinkat(dir, name, 0);
		return -1;
	}
	return 0;
}

static int op_mknod(int rootfd, const struct ns_op *op, struct parent_cache *c,
		    struct node_fs *nodes, struct err *e)
{
	const char *name;
	int dir = node_parent(rootfd, op, true, c, &name, e);

	if (dir < 0 || clear_place(dir, name, op, e) < 0)
		return -1;
	if (op->bind_node)
		return bind_node(dir, name, op, nodes, e);
	if (mknodat(dir, name, op->mode, op->rdev) < 0)
		return err_sys(e, errno, "mknod %s in the container", op->path);
	if (fchownat(dir, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, errno, "chown %s in the container", op->path);
	return 0;
}

static int op_rmnode(int rootfd, const struct ns_op *op, struct parent_cache *c, struct err *e)
{
	const char *name;
	struct stat st;
	int dir = node_parent(rootfd, op, false, c, &name, e);

	if (dir < 0)
		return e->code == ENOENT ? 0 : -1;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_sys(e, errno, "stat %s in the container", op->path);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(e, EEXIST, "%s in the container is not a device node; left alone",
			       op->path);
	return remove_entry(dir, name, op->path, e);
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

static int dispatch(int rootfd, const struct ns_op *op, struct parent_cache *c,
		    struct node_fs *nodes, struct err *e)
{
	switch (op->kind) {
	case NS_OP_MKNOD:
		progress_path(PROGRESS_WORKER, "making the node", op->path);
		return op_mknod(rootfd, op, c, nodes, e);
	case NS_OP_RMNODE:
		progress_path(PROGRESS_WORKER, "removing the node", op->path);
		return op_rmnode(rootfd, op, c, e);
	case NS_OP_BIND:
		progress_path(PROGRESS_WORKER, "mounting onto", op->path);
		return op_bind(rootfd, op, e);
	case NS_OP_UNBIND:
		progress_path(PROGRESS_WORKER, "unmounting", op->path);
		return op_unbind(rootfd, op, e);
	case NS_OP_CALL:
		progress_clear(PROGRESS_WORKER);
		return op->call(rootfd, op->arg, e);
	}
	return err_set(e, EINVAL, "unknown operation");
}

/* What an operation creates, it creates as its owner (ns_owner.h). */
static int run_op(int rootfd, const struct ns_op *op, struct parent_cache *c,
		  struct node_fs *nodes, struct err *e)
{
	bool creates = op->kind == NS_OP_MKNOD || op->kind == NS_OP_BIND;
	int r;

	if (op->kind != NS_OP_MKNOD && op->kind != NS_OP_RMNODE)
		cache_drop(c);
	if (creates && owner_enter(op->uid, op->gid, e) < 0)
		return err_wrap(e, "%s", op->path);
	r = dispatch(rootfd, op, c, nodes, e);
	if (creates)
		owner_leave(op->uid, op->gid);
	return r;
}

/* The worker thread. A thread shares its root, working directory and umask
 * with the whole process until it unshares them, and setns() into a mount
 * namespace needs them to be its own; the rest of the process stays in
 * the host's mount namespace. */
static int enter(const struct ns_job *job, int *rootfd, struct err *e)
{
	if (unshare(CLONE_FS) < 0)
		return err_sys(e, errno, "unshare the file system context");
	umask(0);
	progress_path(PROGRESS_WORKER, "opening the container root", job->root);
	if (setns(job->mntns_fd, CLONE_NEWNS) < 0)
		return err_sys(e, errno, "enter the container's mount namespace");
	*rootfd = open(job->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0)
		return err_sys(e, errno, "open container root %s", job->root);
	return 0;
}

static void *worker(void *arg)
{
	struct ns_job *job = arg;
	struct parent_cache cache = { NULL, -1 };
	struct node_fs nodes = { -1, 0 };
	sigset_t all;
	int rootfd = -1;

	/* signals (the hook's deadline) go to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	job->setup_failed = enter(job, &rootfd, &job->setup) < 0;
	for (size_t i = 0; !job->setup_failed && i < job->n; i++) {
		struct ns_op *op = &job->ops[i];

		op->done = true;
		op->failed = run_op(rootfd, op, &cache, &nodes, &op->err) < 0;
		if (op->failed && job->stop_on_error)
			break;
	}
	cache_drop(&cache);
	node_fs_close(&nodes);
	if (rootfd >= 0)
		close(rootfd);
	progress_clear(PROGRESS_WORKER);
	return NULL;
}

int ns_start(int mntns_fd, const char *root, struct ns_op *ops, size_t n, bool stop_on_error,
	     struct ns_job *job, struct err *e)
{
	int r;

	memset(job, 0, sizeof(*job));
	job->mntns_fd = mntns_fd;
	job->root = root;
	job->ops = ops;
	job->n = n;
	job->stop_on_error = stop_on_error;
	for (size_t i = 0; i < n; i++) {
		ops[i].done = false;
		ops[i].failed = false;
		err_clear(&ops[i].err);
	}
	r = pthread_create(&job->thread, NULL, worker, job);
	if (r != 0)
		return err_sys(e, r, "start the namespace worker");
	job->running = true;
	return 0;
}

int ns_wait(struct ns_job *job, struct err *e)
{
	if (!job->running)
		return 0;
	pthread_join(job->thread, NULL);
	job->running = false;
	if (job->setup_failed)
		return err_set(e, job->setup.code, "%s", job->setup.msg);
	return 0;
}

int ns_run(int mntns_fd, const char *root, struct ns_op *ops, size_t n, bool stop_on_error,
	   struct err *e)
{
	struct ns_job job;

	if (ns_start(mntns_fd, root, ops, n, stop_on_error, &job, e) < 0)
		return -1;
	return ns_wait(&job, e);
}

int ns_ops_check(const struct ns_op *ops, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].failed)
			return err_set(e, ops[i].err.code ? ops[i].err.code : EIO, "%s", ops[i].err.msg);
	return 0;
}

void ns_ops_close(struct ns_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ops[i].tree_fd >= 0)
			close(ops[i].tree_fd);
		ops[i].tree_fd = -1;
	}
}
