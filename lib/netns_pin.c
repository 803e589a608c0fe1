#include "netns_pin.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util.h"

static char *pin_path(const char *rundir, const char *id)
{
	return xasprintf("%s/%s/netns", rundir, id);
}

/* An empty regular file to bind the namespace on. Whatever else sits
 * there is refused, and never waited on: opening a FIFO for writing would
 * block until a reader came, past the hook's deadline. */
static int make_mount_point(const char *path, struct err *e)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);

	if (fd < 0 && errno != ENXIO && errno != ELOOP)
		return err_sys(e, errno, "create %s", path);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return err_set(e, EEXIST, "create %s: it exists and is not a regular file", path);
	}
	close(fd);
	return 0;
}

int netns_pin(const char *rundir, const char *id, int pid, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", rundir, id);
	_cleanup_free_ char *path = pin_path(rundir, id);
	_cleanup_free_ char *src = xasprintf("/proc/%d/ns/net", pid);
	struct stat a, b;

	if (stat(src, &a) < 0)
		return err_sys(e, errno, "stat %s", src);
	if (stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;               /* already pinned */
	/* a pin left by a crashed run: drop it */
	umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
	if (mkdir_p(dir, 0700, e) < 0)
		return -1;
	if (make_mount_point(path, e) < 0)
		return -1;
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		return err_sys(e, errno, "pin network namespace on %s", path);
	return 0;
}

int netns_pin_open(const char *rundir, const char *id, int *fd, struct err *e)
{
	_cleanup_free_ char *path = pin_path(rundir, id);
	struct statfs sfs;

	/* non-blocking: a FIFO in its place is refused below, not waited on */
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (*fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (fstatfs(*fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		close(*fd);
		*fd = -1;
		return err_set(e, ENOENT, "%s is not a pinned namespace", path);
	}
	return 0;
}

int netns_unpin(const char *rundir, const char *id, struct err *e)
{
	_cleanup_free_ char *path = pin_path(rundir, id);

	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return err_sys(e, errno, "unpin %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", path);
	return 0;
}
