/* Paths inside a container root that was written by the container itself.
 * Every component is opened relative to the previous one with openat2
 * (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS): a
 * symlink anywhere in the path is refused, never followed, so nothing we
 * create or mount can land outside the root. */
#ifndef SCH_SAFE_PATH_H
#define SCH_SAFE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Open the directory that holds @path (absolute, cleaned) under @rootfd
 * as an O_PATH fd and point @last at the final component of @path. With
 * @create, missing directories are made (0755, owned by @uid:@gid). */
int safe_open_parent(int rootfd, const char *path, bool create, uid_t uid, gid_t gid,
		     int *dirfd, const char **last, struct err *e);

/* Open @path under @rootfd as an O_PATH fd (@flags: O_PATH, O_DIRECTORY...),
 * refusing symlinks. Without O_PATH in @flags, this is safe_open_file. */
int safe_open(int rootfd, const char *path, int flags, struct err *e);

/* Open the regular file @path under @rootfd for I/O (@flags: O_RDONLY,
 * O_WRONLY or O_RDWR). A symlink anywhere in the path is refused, and so
 * is anything but a regular file at @path (a device node, a FIFO, a
 * socket, a directory), without opening it. */
int safe_open_file(int rootfd, const char *path, int flags, struct err *e);

/* Create or replace the content of the regular file @path with @len bytes
 * of @data, mode @mode, owner @uid:@gid; missing directories are made.
 * Refused as by safe_open_file; nothing is truncated before the checks. */
int safe_write_file(int rootfd, const char *path, const char *data, size_t len, unsigned mode,
		    uid_t uid, gid_t gid, struct err *e);
/* Read the regular file @path (at most @max bytes); ENOENT when absent.
 * Refused as by safe_open_file. */
int safe_read_file(int rootfd, const char *path, size_t max, char **out, struct err *e);
/* Remove the regular file @path; absent is fine. Anything else there (a
 * node, a FIFO, a symlink, a directory) is left alone with an error. */
int safe_unlink(int rootfd, const char *path, struct err *e);
/* Whether @path exists (without following a final symlink). */
bool safe_exists(int rootfd, const char *path);

/* openat2 of one component below @dirfd with the resolve flags above. */
int openat2_beneath(int dirfd, const char *name, int flags, unsigned mode);

#endif
