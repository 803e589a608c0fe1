/* Work inside a container's mount namespace. One worker thread per run:
 * it unshares its file system context, joins the namespace with setns,
 * runs every operation of the batch against the container root and leaves
 * each result in its operation. Entering once per run, not once per item,
 * keeps the hook cheap with many devices; a thread, not a forked child,
 * keeps it cheap with few (no address space to copy). */
#ifndef SCH_NSEXEC_H
#define SCH_NSEXEC_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum ns_op_kind {
	NS_OP_MKNOD,    /* create a device node */
	NS_OP_RMNODE,   /* remove a device node (absent is fine) */
	NS_OP_BIND,     /* move a detached mount (open_tree clone) onto a path */
	NS_OP_UNBIND,   /* lazily unmount a path */
	NS_OP_CALL,     /* run op->call(rootfd, op->arg) */
};

struct err;
typedef int (*ns_call_fn)(int rootfd, void *arg, struct err *e);

struct ns_op {
	enum ns_op_kind kind;
	const char *path;       /* container path, absolute and cleaned */
	mode_t mode;            /* MKNOD: S_IFCHR/S_IFBLK | permission bits */
	dev_t rdev;             /* MKNOD */
	uid_t uid;              /* owner of what we create */
	gid_t gid;
	bool force;             /* MKNOD: replace a non-directory already there */
	bool bind_node;         /* MKNOD: a user-namespaced container, whose
				 * own file systems honour no device node: bind
				 * one from a private tmpfs (ns_owner.h) */
	int tree_fd;            /* BIND: detached mount */
	bool is_dir;            /* BIND: the source is a directory */
	ns_call_fn call;        /* CALL; its message (in err) comes back on success too */
	void *arg;
	/* results */
	bool done;              /* the operation ran */
	bool failed;            /* it ran and failed: err says why */
	struct err err;
};

/* Run @ops in the mount namespace @mntns_fd with @root (a path as seen in
 * that namespace) as the container root. With @stop_on_error the batch
 * stops at the first failure. Returns -1 only when the worker could not
 * run at all; per-operation failures are in ops[i].failed and ops[i].err
 * (ns_ops_check reports the first). */
int ns_run(int mntns_fd, const char *root, struct ns_op *ops, size_t n, bool stop_on_error,
	   struct err *e);

/* ns_run in two halves, so the caller can work while the worker does:
 * ns_start starts the worker, ns_wait joins it. The ops belong to the
 * worker until ns_wait returns; every successful ns_start needs its
 * ns_wait. */
struct ns_job {
	pthread_t thread;
	bool running;
	int mntns_fd;
	const char *root;
	struct ns_op *ops;
	size_t n;
	bool stop_on_error;
	bool setup_failed;      /* the worker could not run at all: */
	struct err setup;       /* why */
};
int ns_start(int mntns_fd, const char *root, struct ns_op *ops, size_t n, bool stop_on_error,
	     struct ns_job *job, struct err *e);
int ns_wait(struct ns_job *job, struct err *e);

/* Close the cloned trees of BIND operations. */
void ns_ops_close(struct ns_op *ops, size_t n);

/* The first failed operation of @ops: -1 with its error in @e, else 0. */
int ns_ops_check(const struct ns_op *ops, size_t n, struct err *e);

#endif
