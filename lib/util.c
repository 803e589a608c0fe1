#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

static void oom(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void str_list_free(char **lines, size_t n)
{
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *r = strdup(s);

	if (!r)
		oom();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		oom();
	va_end(ap);
	return r;
}

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, -1);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : 0;
}

/* A regular file's size, so that it is read in one call into one buffer
 * (a config.json of 20 KB otherwise takes four reads and three copies);
 * 4096 for anything else. */
static size_t first_cap(int fd, size_t max)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size < max)
		return (size_t)st.st_size + 1;
	return 4096;
}

int read_fd_all(int fd, size_t max, char **out, size_t *len, struct err *e)
{
	size_t cap = first_cap(fd, max), n = 0;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap > max) {
				free(buf);
				return err_set(e, EFBIG, "input larger than %zu bytes", max);
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		/* a non-blocking fd the writer has not filled yet (openEuler
		 * lxc writes a hook's stdin after starting it): wait for it */
		if (r < 0 && errno == EAGAIN && wait_readable(fd) == 0)
			continue;
		if (r < 0) {
			int saved = errno;

			free(buf);
			return err_sys(e, saved, "read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		return err_set(e, EFBIG, "input larger than %zu bytes", max);
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFDIR: return "a directory";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symlink";
	}
	return "of an unknown type";
}

/* Looked at through an O_PATH fd first, which opens nothing: a FIFO would
 * block the open or the read, a device node may act on being opened. The
 * second open must find the same inode (EAGAIN when it does not). */
static int open_regular_once(int dirfd, const char *path, struct err *e)
{
	_cleanup_close_ int probe = openat(dirfd, path, O_PATH | O_CLOEXEC);
	struct stat want, got;
	int fd;

	if (probe < 0)
		return err_sys(e, errno, "open %s", path);
	if (fstat(probe, &want) < 0)
		return err_sys(e, errno, "stat %s", path);
	if (!S_ISREG(want.st_mode))
		return err_set(e, EINVAL, "%s is %s, not a regular file; refused", path,
			       file_kind(want.st_mode));
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (fstat(fd, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
		close(fd);
		return err_set(e, EAGAIN, "%s changed while it was opened; refused", path);
	}
	return fd;
}

/* A file replaced by rename (hook.json, the runtime record, written
 * atomically) may change between the two opens: take the new one. */
int open_regular_at(int dirfd, const char *path, struct err *e)
{
	int fd = -1;

	for (int tries = 0; tries < OPEN_TRIES; tries++) {
		fd = open_regular_once(dirfd, path, e);
		if (fd >= 0 || e->code != EAGAIN)
			break;
	}
	return fd;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out,
		 size_t *len, struct err *e)
{
	_cleanup_close_ int fd = open_regular_at(dirfd, path, e);

	if (fd < 0)
		return -1;
	if (read_fd_all(fd, max, out, len, e) < 0)
		return err_wrap(e, "read %s", path);
	return 0;
}

static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t r = writev(fd, iov, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		for (; n > 0 && (size_t)r >= iov->iov_len; iov++, n--)
			r -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	struct iovec one = { (void *)buf, len };

	return writev_all(fd, &one, 1);
}

int write_file(const char *path, const char *s, struct err *e)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (write_all(fd, s, strlen(s)) < 0)
		return err_sys(e, errno, "write '%s' to %s", s, path);
	return 0;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *path_clean(const char *path)
{
	size_t n = strlen(path);
	char *out = xmalloc(n + 2);
	size_t o = 0;
	const char *p = path;

	out[o++] = '/';
	while (*p) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || (len == 1 && start[0] == '.'))
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.') {
			/* drop the last component, never above "/" */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, start, len);
		o += len;
	}
	out[o] = '\0';
	return out;
}

int mkdir_p(const char *path, unsigned mode, struct err *e)
{
	_cleanup_free_ char *tmp = xstrdup(path);

	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(tmp, mode) < 0 && errno != EEXIST)
				return err_sys(e, errno, "mkdir %s", tmp);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len,
		      unsigned mode, int durable, struct err *e)
{
	struct iovec one = { (void *)data, len };

	return write_file_atomic_v(path, &one, 1, mode, durable, e);
}

int write_file_atomic_v(const char *path, const struct iovec *iov, int n_iov,
			unsigned mode, int durable, struct err *e)
{
	_cleanup_free_ struct iovec *left = xmalloc((size_t)n_iov * sizeof(*left) + 1);
	_cleanup_free_ char *tmp = xasprintf("%s.tmpXXXXXX", path);
	_cleanup_free_ char *dir = xstrdup(path);
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int dfd = -1;
	char *slash = strrchr(dir, '/');

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "create temporary file for %s", path);
	memcpy(left, iov, (size_t)n_iov * sizeof(*left));
	if (fchmod(fd, mode) < 0 || writev_all(fd, left, n_iov) < 0 || (durable && fsync(fd) < 0)) {
		int saved = errno;

		unlink(tmp);
		return err_sys(e, saved, "write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		return err_sys(e, saved, "rename %s to %s", tmp, path);
	}
	if (!durable)
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return err_sys(e, errno, "fsync directory %s", dir);
	return 0;
}
