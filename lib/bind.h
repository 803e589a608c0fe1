/* Host paths for bind mounts: a detached copy of the host mount tree made
 * with open_tree(OPEN_TREE_CLONE) in the host namespace, read-only when
 * asked, ready to be moved into a container with move_mount. No shared
 * directory in the container and no mount propagation are needed. */
#ifndef SCH_BIND_H
#define SCH_BIND_H

#include <stdbool.h>

#include "error.h"

/* Clone the tree at @host (recursively); @is_dir tells what it is. */
int bind_clone_tree(const char *host, bool ro, int *tree_fd, bool *is_dir, struct err *e);

#endif
