#include "bind.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int bind_clone_tree(const char *host, bool ro, int *tree_fd, bool *is_dir, struct err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return err_sys(e, errno, "host path %s", host);
	if (fstat(fd, &st) < 0)
		return err_sys(e, errno, "stat host path %s", host);
	if (ro) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return err_sys(e, errno, "make the mount of %s read-only", host);
	}
	*is_dir = S_ISDIR(st.st_mode);
	*tree_fd = steal_fd(&fd);
	return 0;
}
