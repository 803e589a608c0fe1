/* Device access of a running container in its cgroup: devices.allow and
 * devices.deny under cgroup v1, the device programs under cgroup v2. */
#ifndef SCH_DEVICE_CGROUP_H
#define SCH_DEVICE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "store.h"

/* cgroup v2: make the device programs of @dir allow the devices of @d
 * (those with present[i], or all when @present is NULL) on top of what the
 * runtime allowed. */
int devices_v2_set(const char *dir, const struct saved_device *d, size_t n, const bool *present,
		   struct err *e);

#endif
