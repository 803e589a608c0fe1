#include "bind.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "util.h"

int bind_clone_tree(const char *host, uint64_t attrs, int *tree_fd, bool *is_dir, struct err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return err_sys(e, errno, "host path %s", host);
	if (fstat(fd, &st) < 0)
		return err_sys(e, errno, "stat host path %s", host);
	if (attrs) {
		struct mount_attr attr = { .attr_set = attrs };

		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return err_sys(e, errno, "set the flags of the mount of %s", host);
	}
	*is_dir = S_ISDIR(st.st_mode);
	*tree_fd = steal_fd(&fd);
	return 0;
}

uint64_t bind_attrs(const struct path_spec *p)
{
	return (p->ro ? MOUNT_ATTR_RDONLY : 0) | (p->nosuid ? MOUNT_ATTR_NOSUID : 0) |
	       (p->nodev ? MOUNT_ATTR_NODEV : 0) | (p->noexec ? MOUNT_ATTR_NOEXEC : 0);
}

int bind_op(struct ns_op *op, const struct path_spec *p, const struct oci_spec *sp,
	    struct err *e)
{
	unsigned ru, rg;

	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_BIND;
	op->path = p->ctr;
	op->tree_fd = -1;
	container_root_ids(sp, &ru, &rg);
	op->uid = ru;
	op->gid = rg;
	return bind_clone_tree(p->host, bind_attrs(p), &op->tree_fd, &op->is_dir, e);
}

void bind_unbind_op(struct ns_op *op, const char *ctr_path)
{
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_UNBIND;
	op->path = ctr_path;
	op->tree_fd = -1;
}
