/* Host paths for bind mounts: a detached copy of the host mount tree made
 * with open_tree(OPEN_TREE_CLONE) in the host namespace, read-only when
 * asked, ready to be moved into a container with move_mount. No shared
 * directory in the container and no mount propagation are needed. */
#ifndef SCH_BIND_H
#define SCH_BIND_H

#include <stdbool.h>

#include "error.h"
#include "nsexec.h"
#include "oci_spec.h"
#include "spec_parse.h"

/* Clone the tree at @host (recursively); @is_dir tells what it is. */
int bind_clone_tree(const char *host, bool ro, int *tree_fd, bool *is_dir, struct err *e);

/* A BIND operation for @p: clones the host tree now (op->tree_fd, which
 * ns_ops_close closes), owned by the container's root. */
int bind_op(struct ns_op *op, const struct path_spec *p, const struct oci_spec *sp,
	    struct err *e);
void bind_unbind_op(struct ns_op *op, const char *ctr_path);

#endif
