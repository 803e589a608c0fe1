/* Files for a user-namespaced container. runc mounts the container's /dev
 * (a tmpfs) from inside the container's user namespace, and two things
 * follow:
 *  - the kernel refuses to create an inode there whose owner is not mapped
 *    in that namespace (EOVERFLOW): host root is not. So the worker makes
 *    files as the owner they will have (its fsuid and fsgid), the root of
 *    the container mapped to the host;
 *  - a file system mounted in a user namespace other than the host's never
 *    honours device nodes (SB_I_NODEV): a node made there cannot be
 *    opened. So a device node is made in a private tmpfs of ours (detached,
 *    reachable by no path), owned by the mapped owner, and bind-mounted
 *    onto an empty file at its place in the container. */
#ifndef SCH_NS_OWNER_H
#define SCH_NS_OWNER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Make files as @uid:@gid in the calling thread (a no-op for 0:0), keeping
 * the capabilities that a change of fsuid drops. */
int owner_enter(uid_t uid, gid_t gid, struct err *e);
/* Back to root. */
void owner_leave(uid_t uid, gid_t gid);

/* The private tmpfs that device nodes for a user-namespaced container are
 * made in; one per worker run. */
struct node_fs {
	int mnt_fd;             /* -1 until the first node */
	unsigned seq;           /* names of the nodes made in it */
};

/* A node @mode/@rdev owned by @uid:@gid in @fs, cloned as a detached mount
 * (@tree) to be moved onto its place in the container. */
int node_fs_clone(struct node_fs *fs, mode_t mode, dev_t rdev, uid_t uid, gid_t gid, int *tree,
		  struct err *e);
void node_fs_close(struct node_fs *fs);

#endif
