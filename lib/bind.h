/* Host paths for bind mounts: a detached copy of the host mount tree made
 * with open_tree(OPEN_TREE_CLONE) in the host namespace, read-only when
 * asked, ready to be moved into a container with move_mount. No shared
 * directory in the container and no mount propagation are needed. */
#ifndef SCH_BIND_H
#define SCH_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "nsexec.h"
#include "oci_spec.h"
#include "spec_parse.h"

/* Clone the tree at @host (recursively) with the MOUNT_ATTR_* flags
 * @attrs on every mount of it; @is_dir tells what it is. */
int bind_clone_tree(const char *host, uint64_t attrs, int *tree_fd, bool *is_dir, struct err *e);
/* The MOUNT_ATTR_* flags of @p's options (ro, nosuid, nodev, noexec). */
uint64_t bind_attrs(const struct path_spec *p);

/* A BIND operation for @p: clones the host tree now (op->tree_fd, which
 * ns_ops_close closes), owned by the container's root. */
int bind_op(struct ns_op *op, const struct path_spec *p, const struct oci_spec *sp,
	    struct err *e);
void bind_unbind_op(struct ns_op *op, const char *ctr_path);

#endif
