/* Host device nodes: what a saved device is on this host right now. */
#ifndef SCH_DEVICE_H
#define SCH_DEVICE_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct host_device {
	char type;              /* 'b' or 'c' */
	int64_t major, minor;
	mode_t perm;            /* permission bits of the host node */
	uid_t uid;
	gid_t gid;
};

/* stat @path (following symlinks, bounded by the kernel) and require a
 * character or block device. */
int host_device_stat(const char *path, struct host_device *d, struct err *e);

#endif
