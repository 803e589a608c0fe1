/* A running container as the CLI sees it: its runtime record, a pidfd on
 * its init and an fd of its mount namespace, checked to belong together so
 * that a reused pid is never acted on. */
#ifndef SCH_CONTAINER_H
#define SCH_CONTAINER_H

#include <stdbool.h>

#include "error.h"
#include "oci_spec.h"
#include "record.h"

struct container {
	struct record rec;
	int pidfd;
	int mntns_fd;
	struct oci_spec spec;   /* the bundle's config.json */
};

/* Turn a command-line id or unique id prefix into a full id, looking at the
 * runtime records and the state store. */
int container_resolve_id(const char *rundir, const char *store_root, const char *arg,
			 char **id, struct err *e);

/* Attach to running container @id. e->code is ENOENT (and the message says
 * so) when it is not running. */
int container_attach(const char *rundir, const char *id, struct container *c, struct err *e);
void container_detach(struct container *c);

/* Open a pidfd for @pid and the fd of its mount namespace; the pair is
 * checked with the pidfd after the open, so it cannot be a reused pid. */
int pid_open_mntns(int pid, int *pidfd, int *mntns_fd, struct err *e);

/* Open /proc/@pid/ns/@ns and check with @pidfd that it is still that process. */
int pid_open_ns(int pidfd, int pid, const char *ns, int *fd, struct err *e);

/* Host uid/gid that the container's root maps to (identity without userns). */
void container_root_ids(const struct oci_spec *sp, unsigned *uid, unsigned *gid);

#endif
