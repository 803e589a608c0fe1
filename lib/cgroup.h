/* Cgroups: finding a process's cgroup directory for a controller, and
 * reading the cgroup v1 devices.list. The parsers are pure functions.
 * Granting and revoking devices is device_cgroup.h. */
#ifndef SCH_CGROUP_H
#define SCH_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* From the text of /proc/<pid>/cgroup, the path of the v1 hierarchy
 * that has @controller ("0::/path" lines are v2 and never match). */
int cgroup_proc_path(const char *proc_cgroup, const char *controller, char **path,
		     struct err *e);

/* From the text of /proc/self/mountinfo, the mount point and mount root of
 * the cgroup v1 hierarchy carrying @controller. */
int cgroup_mount_of(const char *mountinfo, const char *controller, char **mountpoint,
		    char **mount_root, struct err *e);

/* Host directory of @pid's cgroup for v1 @controller. */
int cgroup_dir(int pid, const char *controller, char **dir, struct err *e);

/* Host directory of @pid's cgroup in the cgroup2 hierarchy ("0::/path"
 * under the cgroup2 mount seen by this process). */
int cgroup_v2_dir(int pid, char **dir, struct err *e);

/* "b 7:0 rwm" */
char *cgroup_device_rule(char type, int64_t major, int64_t minor, const char *perms);

/* Access that the devices.list lines @lines grant to (type, major, minor),
 * counting wildcard entries ("b *:* m", "a *:* rwm"). */
unsigned cgroup_list_access(char *const *lines, size_t n, char type, int64_t major,
			    int64_t minor);

/* Read <dir>/devices.list into lines. */
int cgroup_device_list(const char *dir, char ***lines, size_t *n, struct err *e);

#endif
