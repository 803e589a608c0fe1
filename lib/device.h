/* Devices: what a saved device is on this host now (its node), the
 * operations that make or remove its node inside a container, and which
 * access rights are still someone else's when one goes away. Granting
 * and revoking access in a running container's cgroup is device_cgroup.h;
 * the whole live add and remove is device_live.h. */
#ifndef SCH_DEVICE_H
#define SCH_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "nsexec.h"
#include "oci_spec.h"
#include "store.h"

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

/* host_device_stat of saved device @d's host node, with the mode and
 * owner @d gives instead of the host node's. */
int saved_device_host(const struct saved_device *d, struct host_device *h, struct err *e);

/* Refresh type/major/minor of @d from its host node @h; true if changed
 * (hosts renumber devices across reboots). */
bool device_refresh(struct saved_device *d, const struct host_device *h);

/* Permission bits for "rwm" strings: r=1, w=2, m=4. */
unsigned device_perms_bits(const char *perms);
void device_perms_string(unsigned bits, char out[4]);

/* A MKNOD operation for device @d, whose host node is @h: same type,
 * numbers and mode; owner mapped through the container's id mappings. */
void device_mknod_op(struct ns_op *op, const struct saved_device *d,
		     const struct host_device *h, const struct oci_spec *sp, bool force);
void device_rmnode_op(struct ns_op *op, const char *ctr_path);

/* Permissions to write to devices.deny when @d is removed: those that
 * neither the runtime's own rules (@baseline, devices.list at prestart)
 * nor another saved device (@others, skipping index @self) still grant. */
unsigned device_deny_bits(const struct saved_device *d, char *const *baseline, size_t nb,
			  const struct saved_device *others, size_t no, size_t self);

#endif
