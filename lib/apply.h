/* What the hook and the CLI both do with saved devices and paths: turn
 * them into namespace operations and cgroup rules. */
#ifndef SCH_APPLY_H
#define SCH_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "device.h"
#include "error.h"
#include "nsexec.h"
#include "oci_spec.h"
#include "spec_parse.h"
#include "store.h"

/* A MKNOD operation for device @d, whose host node is @h: same type,
 * numbers and mode; owner mapped through the container's id mappings. */
void device_mknod_op(struct ns_op *op, const struct saved_device *d,
		     const struct host_device *h, const struct oci_spec *sp, bool force);
void device_rmnode_op(struct ns_op *op, const char *ctr_path);

/* A BIND operation for @p: clones the host tree now (op->tree_fd). */
int bind_op(struct ns_op *op, const struct path_spec *p, const struct oci_spec *sp,
	    struct err *e);
void bind_unbind_op(struct ns_op *op, const char *ctr_path);
/* Close the cloned trees of BIND operations. */
void ns_ops_close(struct ns_op *ops, size_t n);

/* Permissions to write to devices.deny when @d is removed: those that
 * neither the runtime's own rules (@baseline, devices.list at prestart)
 * nor another saved device (@others, skipping index @self) still grant. */
unsigned device_deny_bits(const struct saved_device *d, char *const *baseline, size_t nb,
			  const struct saved_device *others, size_t no, size_t self);

/* cgroup v2: make the device programs of @dir allow the devices of @d
 * (those with present[i], or all when @present is NULL) on top of what the
 * runtime allowed. */
int devices_v2_set(const char *dir, const struct saved_device *d, size_t n, const bool *present,
		   struct err *e);

/* Refresh type/major/minor of @d from its host node @h; true if changed. */
bool device_refresh(struct saved_device *d, const struct host_device *h);

#endif
