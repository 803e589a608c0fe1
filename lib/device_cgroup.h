/* Device access of a running container in its cgroup: granting and
 * revoking saved devices, on cgroup v1 (devices.allow / devices.deny) and
 * on cgroup v2 (the device programs, ebpf.h). The hook grants at prestart;
 * the CLI grants and revokes live; anything else that must give a running
 * container a device (a service manager's own device list, say) calls
 * the same two functions, so that every path writes the same rules.
 *
 * The decisions are pure functions (device_*_rules) with unit tests; the
 * writes are thin. */
#ifndef SCH_DEVICE_CGROUP_H
#define SCH_DEVICE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "ebpf.h"
#include "error.h"
#include "record.h"
#include "store.h"

/* Where a running container's device access is decided. */
struct device_cgroup {
	bool v2;                /* a cgroup v2 device program, not devices.* files */
	const char *dir;        /* the v1 devices cgroup, or the cgroup2 directory */
	char *const *baseline;  /* v1: devices.list as the runtime left it, before
				 * any of ours (recorded at prestart) */
	size_t n_baseline;
	char *own;              /* dir, when device_cgroup_find allocated it */
};

/* The device cgroup of the container of runtime record @r: the directory
 * recorded at prestart, or found from its pid now. Free with
 * device_cgroup_free. */
int device_cgroup_find(const struct record *r, struct device_cgroup *cg, struct err *e);
void device_cgroup_free(struct device_cgroup *cg);

/* Grant @add (only those with present[i] when @present is not NULL) to the
 * container. @kept are the devices of ours already granted that stay
 * granted: cgroup v2 needs them, as its program is replaced by one that
 * allows kept + add on top of the runtime's; v1 adds a devices.allow line
 * per device and ignores @kept. All or nothing: on failure, the v1 lines
 * already written are taken back (device_revoke) before it returns -1.
 * Granting nothing changes nothing. */
int device_grant(const struct device_cgroup *cg, const struct saved_device *kept, size_t nk,
		 const struct saved_device *add, size_t na, const bool *present, struct err *e);

/* Revoke @gone, leaving @kept granted: cgroup v1 denies, per device, the
 * rights that neither the runtime's baseline nor a kept device still
 * grant (device_deny_bits); cgroup v2 replaces the program by one that
 * allows exactly @kept on top of the runtime's. Also the rollback of a
 * device_grant whose devices were granted in full. */
int device_revoke(const struct device_cgroup *cg, const struct saved_device *kept, size_t nk,
		  const struct saved_device *gone, size_t ng, struct err *e);

/* The decisions, pure. Each fills @out (room for the number of devices
 * given) and returns how many rules it holds. */
/* v1 grant: one allow rule per device of @add with present[i] (or all). */
size_t device_v1_grant_rules(const struct saved_device *add, size_t na, const bool *present,
			     struct dev_rule *out);
/* v1 revoke: one deny rule per device of @gone with the rights that
 * neither @baseline nor @kept still grant; none for a device that keeps
 * them all. */
size_t device_v1_revoke_rules(const struct saved_device *gone, size_t ng, char *const *baseline,
			      size_t nb, const struct saved_device *kept, size_t nk,
			      struct dev_rule *out);
/* v2: the allow rules of our program: @kept, then @add with present[i]
 * (or all). */
size_t device_v2_rules(const struct saved_device *kept, size_t nk, const struct saved_device *add,
		       size_t na, const bool *present, struct dev_rule *out);

#endif
