/* Small helpers shared by every file: cleanup attributes, bounded file
 * reads and writes, string helpers. */
#ifndef SCH_UTIL_H
#define SCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "error.h"

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_  __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Hand ownership of a pointer out of a scope that frees it on exit. */
static inline void *steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;

	*p = NULL;
	return r;
}

static inline int steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Largest file we read as JSON or text: state, config.json, hook.json. */
#define MAX_FILE_SIZE (16u << 20)

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Free the @n strings of @lines, then @lines. */
void str_list_free(char **lines, size_t n);

/* Read all of @fd, at most @max bytes, NUL-terminated. A non-blocking
 * @fd is waited for (poll) until its writer closes it; the caller bounds
 * the wait (the hook's deadline). */
int read_fd_all(int fd, size_t max, char **out, size_t *len, struct err *e);
/* "a FIFO", "a block device"...: what a file of @mode is, for messages. */
const char *file_kind(mode_t mode);
/* Open the regular file @path relative to @dirfd (AT_FDCWD for plain
 * paths) for reading; anything else (FIFO, device node, socket,
 * directory) is refused without being opened. */
int open_regular_at(int dirfd, const char *path, struct err *e);
/* How often a file that changes between its check and its open is tried. */
#define OPEN_TRIES 8
/* Read the regular file at @path relative to @dirfd, refused as by
 * open_regular_at. */
int read_file_at(int dirfd, const char *path, size_t max, char **out,
		 size_t *len, struct err *e);
int write_all(int fd, const void *buf, size_t len);
/* Write @s to an existing file such as a cgroup control file. */
int write_file(const char *path, const char *s, struct err *e);

bool str_has_prefix(const char *s, const char *prefix);

/* Lexically clean an absolute path: collapse "//", drop ".", resolve ".."
 * without going above "/", drop a trailing "/". Returns a new string. */
char *path_clean(const char *path);

/* Replace @path with @len bytes of @data: write a temporary file in the
 * same directory and rename it over @path, so a reader or a crash sees the
 * old or the new content, never a torn file. With WRITE_DURABLE the file
 * and the directory are fsynced too (state that must survive a reboot);
 * without it they are not (files on tmpfs such as runtime records). */
enum { WRITE_VOLATILE = 0, WRITE_DURABLE = 1 };
int write_file_atomic(const char *path, const char *data, size_t len,
		      unsigned mode, int durable, struct err *e);
/* The same, the data in @n_iov pieces (a file rewritten in part is not
 * copied into one buffer first). */
int write_file_atomic_v(const char *path, const struct iovec *iov, int n_iov,
			unsigned mode, int durable, struct err *e);

/* Make directories along @path (mode @mode), like mkdir -p. Host side only. */
int mkdir_p(const char *path, unsigned mode, struct err *e);

#endif
