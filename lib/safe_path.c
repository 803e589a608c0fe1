#include "safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int openat2_beneath(int dirfd, const char *name, int flags, unsigned mode)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.mode = mode,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

static int component_error(struct err *e, int code, const char *path, size_t prefix_len)
{
	if (code == ELOOP)
		return err_set(e, ELOOP, "%.*s is a symlink; symlinks in container paths are not followed",
			       (int)prefix_len, path);
	if (code == ENOTDIR)
		return err_set(e, ENOTDIR, "%.*s is not a directory", (int)prefix_len, path);
	return err_sys(e, code, "open %.*s in the container", (int)prefix_len, path);
}

/* Open (and with @create, make) one directory component below @cur. */
static int open_dir_component(int cur, const char *name, bool create, uid_t uid, gid_t gid)
{
	int fd = openat2_beneath(cur, name, O_PATH | O_DIRECTORY, 0);

	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST)
		return -1;
	fd = openat2_beneath(cur, name, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0 && fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int safe_open_parent(int rootfd, const char *path, bool create, uid_t uid, gid_t gid,
		     int *dirfd, const char **last, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(path);
	_cleanup_close_ int cur = -1;
	char *p = buf, *slash;

	if (path[0] != '/' || strcmp(path, "/") == 0)
		return err_set(e, EINVAL, "container path '%s' is not an absolute file path", path);
	cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return err_sys(e, errno, "dup");
	while (*p == '/')
		p++;
	while ((slash = strchr(p, '/')) != NULL) {
		int next;

		*slash = '\0';
		if (strcmp(p, "..") == 0 || strcmp(p, ".") == 0)
			return err_set(e, EINVAL, "container path '%s' is not clean", path);
		next = open_dir_component(cur, p, create, uid, gid);
		if (next < 0)
			return component_error(e, errno, path, (size_t)(slash - buf));
		close(cur);
		cur = next;
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	if (!*p || strcmp(p, "..") == 0 || strcmp(p, ".") == 0)
		return err_set(e, EINVAL, "container path '%s' has no file name", path);
	*last = path + (p - buf);
	*dirfd = steal_fd(&cur);
	return 0;
}

static int refuse_kind(struct err *e, const char *path, mode_t mode)
{
	if (S_ISLNK(mode))
		return err_set(e, ELOOP, "%s is a symlink; symlinks in container paths are not followed",
			       path);
	return err_set(e, EINVAL, "%s in the container is %s, not a regular file; refused", path,
		       file_kind(mode));
}

/* Open the regular file @name in @dir for I/O (@flags: the access mode),
 * creating it with @mode when @create and it is absent. What the container
 * left there is looked at through an O_PATH fd first, which opens nothing:
 * a device node is never opened (opening one can already act: a tape
 * rewinds, a watchdog starts) and a FIFO never blocks us. The second open,
 * O_NONBLOCK as well, must find that same inode, or the entry was swapped
 * in between. Never O_TRUNC: the caller truncates once it holds the file. */
static int open_regular_once(int dir, const char *name, int flags, bool create, unsigned mode,
			     const char *path, struct err *e)
{
	_cleanup_close_ int probe = -1;
	struct stat want, got;
	int fd, io = flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

	probe = openat2_beneath(dir, name, O_PATH | O_NOFOLLOW, 0);
	if (probe < 0 && errno == ENOENT && create) {
		/* O_EXCL: a fresh file of ours, or EEXIST if one appeared */
		fd = openat2_beneath(dir, name, io | O_CREAT | O_EXCL, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : component_error(e, errno, path, strlen(path));
		probe = openat2_beneath(dir, name, O_PATH | O_NOFOLLOW, 0);
	}
	if (probe < 0)
		return component_error(e, errno, path, strlen(path));
	if (fstat(probe, &want) < 0)
		return err_sys(e, errno, "stat %s in the container", path);
	if (!S_ISREG(want.st_mode))
		return refuse_kind(e, path, want.st_mode);
	fd = openat2_beneath(dir, name, io, 0);
	if (fd < 0)
		return component_error(e, errno, path, strlen(path));
	if (fstat(fd, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
		close(fd);
		return err_set(e, EAGAIN, "%s in the container changed while it was opened; refused",
			       path);
	}
	return fd;
}

/* A swap between the check and the open is tried again, a few times. */
static int open_regular(int dir, const char *name, int flags, bool create, unsigned mode,
			const char *path, struct err *e)
{
	int fd = -1;

	for (int tries = 0; tries < OPEN_TRIES; tries++) {
		fd = open_regular_once(dir, name, flags, create, mode, path, e);
		if (fd >= 0 || e->code != EAGAIN)
			break;
	}
	return fd;
}

int safe_open(int rootfd, const char *path, int flags, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *last;
	int fd;

	if (!(flags & O_PATH))
		return safe_open_file(rootfd, path, flags, e);
	if (safe_open_parent(rootfd, path, false, 0, 0, &dir, &last, e) < 0)
		return -1;
	fd = openat2_beneath(dir, last, flags, 0);
	if (fd < 0)
		return component_error(e, errno, path, strlen(path));
	return fd;
}

int safe_open_file(int rootfd, const char *path, int flags, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *last;

	if (safe_open_parent(rootfd, path, false, 0, 0, &dir, &last, e) < 0)
		return -1;
	return open_regular(dir, last, flags, false, 0, path, e);
}

int safe_write_file(int rootfd, const char *path, const char *data, size_t len, unsigned mode,
		    uid_t uid, gid_t gid, struct err *e)
{
	_cleanup_close_ int dir = -1;
	_cleanup_close_ int fd = -1;
	const char *name;

	if (safe_open_parent(rootfd, path, true, uid, gid, &dir, &name, e) < 0)
		return -1;
	fd = open_regular(dir, name, O_WRONLY, true, mode, path, e);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, 0) < 0 || fchmod(fd, mode) < 0 || fchown(fd, uid, gid) < 0 ||
	    write_all(fd, data, len) < 0)
		return err_sys(e, errno, "write %s in the container", path);
	return 0;
}

int safe_read_file(int rootfd, const char *path, size_t max, char **out, struct err *e)
{
	_cleanup_close_ int fd = safe_open_file(rootfd, path, O_RDONLY, e);

	if (fd < 0)
		return -1;
	if (read_fd_all(fd, max, out, NULL, e) < 0)
		return err_wrap(e, "%s in the container", path);
	return 0;
}

int safe_unlink(int rootfd, const char *path, struct err *e)
{
	_cleanup_close_ int dir = -1;
	const char *name;
	struct stat st;

	if (safe_open_parent(rootfd, path, false, 0, 0, &dir, &name, e) < 0)
		return e->code == ENOENT ? 0 : -1;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_sys(e, errno, "stat %s in the container", path);
	/* only what we could have written: a node or FIFO there is not ours */
	if (!S_ISREG(st.st_mode))
		return err_set(e, EINVAL, "%s in the container is %s, not a regular file; left alone",
			       path, file_kind(st.st_mode));
	if (unlinkat(dir, name, 0) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s in the container", path);
	return 0;
}

bool safe_exists(int rootfd, const char *path)
{
	_cleanup_close_ int dir = -1;
	struct stat st;
	const char *name;

	if (safe_open_parent(rootfd, path, false, 0, 0, &dir, &name, ERR_DISCARD) < 0)
		return false;
	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}
