/* The lock of one container's state, taken by the hook and the CLI across
 * every read-modify-write: <rundir>/.locks/<id>, on the tmpfs of the
 * runtime records. The file is there only while somebody holds it: the
 * holder removes it before letting go, and a taker that got the lock on a
 * file removed meanwhile takes it again on the path's new file. So a node
 * that starts and removes thousands of containers with nothing saved keeps
 * no file for any of them. (".locks" cannot be a record directory: an id
 * never starts with a dot.) */
#ifndef SCH_STORE_LOCK_H
#define SCH_STORE_LOCK_H

#include "error.h"

/* Wait for the lock of @id (an id container_id_valid accepts); the fd
 * holds it. */
int store_lock_take(const char *id, int *fd, struct err *e);
/* Remove the lock file and let go. */
void store_lock_release(const char *id, int fd);

#endif
