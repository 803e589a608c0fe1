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

/* The container's root as a path in its mount namespace, for ns_run.
 * Runtimes run prestart at two moments: runc, crun and older lxc before
 * the container's pivot_root, with the rootfs mounted at @rootfs (from
 * the OCI state or config.json) in its mount namespace; openEuler lxc
 * >= 5.0.2-8 after it, when the rootfs is that namespace's "/" and
 * @rootfs names nothing there (or, in a hostile rootfs, something of the
 * container's making). The kernel tells which: /proc/PID/root is the
 * container's own root only after pivot_root. @pidfd checks that @pid is
 * still the process. */
int container_root_in_ns(int pidfd, int pid, const char *rootfs, char **root, struct err *e);
/* Wait up to @ms milliseconds for process @pid (@pidfd) to have a root of
 * its own, as container_root_in_ns tells it: 1 once it has, 0 when the
 * time ran out first, -1 when it is gone (or cannot be looked at). */
int container_wait_root(int pidfd, int pid, long ms, struct err *e);
/* How long the CLI waits for a starting container to be in its root. */
#define CONTAINER_ROOT_WAIT_MS 10000
/* The decision alone: "/" once pivoted, else @rootfs (which must be known). */
int container_root_pick(bool pivoted, const char *rootfs, char **root, struct err *e);

/* Host uid/gid that the container's root maps to (identity without userns). */
void container_root_ids(const struct oci_spec *sp, unsigned *uid, unsigned *gid);

#endif
