#include "store_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "record.h"
#include "util.h"

static char *lock_path(const char *id)
{
	return xasprintf("%s/.locks/%s", record_dir(), id);
}

static int open_lock(const char *path, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/.locks", record_dir());
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : err_sys(e, errno, "open lock %s", path);
	if (mkdir_p(dir, 0700, e) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	return fd >= 0 ? fd : err_sys(e, errno, "open lock %s", path);
}

/* The locked file is still the one at @path (not removed by the holder
 * we waited for). */
static bool still_there(int fd, const char *path)
{
	struct stat held, now;

	return fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
	       held.st_ino == now.st_ino;
}

int store_lock_take(const char *id, int *fd, struct err *e)
{
	_cleanup_free_ char *path = lock_path(id);

	progress_path(PROGRESS_MAIN, "waiting for the lock on", path);
	for (;;) {
		int r;

		*fd = open_lock(path, e);
		if (*fd < 0)
			return -1;
		while ((r = flock(*fd, LOCK_EX)) < 0 && errno == EINTR)
			;
		if (r < 0) {
			err_sys(e, errno, "lock %s", path);
			close(*fd);
			*fd = -1;
			return -1;
		}
		if (still_there(*fd, path))
			return 0;
		close(*fd);
	}
}

void store_lock_release(const char *id, int fd)
{
	_cleanup_free_ char *path = lock_path(id);

	/* removed while held: a waiter finds it gone and takes the new one */
	unlink(path);
	close(fd);
}
