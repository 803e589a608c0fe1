/* The OCI state a runtime writes on a hook's stdin. runc gives no rootfs,
 * crun gives "root" relative to the bundle, iSulad an absolute "root";
 * at poststop there is no pid. iSulad's lcr runtime (openEuler lxc) gives
 * an empty "ociVersion", no "status", "pid": -1 at poststop, and older
 * versions "bundlePath". Nothing optional is assumed present. */
#ifndef SCH_OCI_STATE_H
#define SCH_OCI_STATE_H

#include <stddef.h>

#include "error.h"

/* Largest state accepted on stdin. */
#define OCI_STATE_MAX (1u << 20)

/* Largest pid the kernel hands out (PID_MAX_LIMIT). */
#define PID_MAX 4194304

struct oci_state {
	char *id;
	int pid;        /* 0 when absent (or -1, 0: lcr's "none") */
	char *bundle;   /* absolute */
	char *root;     /* "root" as given, NULL when absent */
	char *status;   /* NULL when absent */
};

int oci_state_parse(const char *json, size_t len, struct oci_state *st, struct err *e);
/* openEuler lxc gives the real pid only in its hooks' environment
 * (LXC_PID), and "pid": -1 in the state at poststop. With no pid in the
 * state, take it from @lxc_pid (getenv("LXC_PID"), may be NULL). At
 * poststop that process is gone and its pid may be reused: it identifies
 * the container instance, nothing is done to it. */
int oci_state_pid_from_env(struct oci_state *st, const char *lxc_pid, struct err *e);
void oci_state_free(struct oci_state *st);

#endif
