/* Devices of a running container, changed live: the node inside it and
 * its access in the cgroup together, all or nothing. The CLI's add-device
 * and remove-device (and the udev entry point of partition following) run
 * through here; the hook grants with device_grant inside its own pass. */
#ifndef SCH_DEVICE_LIVE_H
#define SCH_DEVICE_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "device.h"
#include "device_cgroup.h"
#include "error.h"
#include "oci_spec.h"
#include "store.h"

/* A running container, as a live change needs it. */
struct device_ctr {
	const char *id;                 /* for the log */
	int mntns_fd;                   /* its mount namespace */
	const char *root;               /* its root in that namespace ("/" once running) */
	const struct oci_spec *spec;    /* id mappings: who owns the nodes */
	struct device_cgroup cg;
};

/* Make the nodes of @add (host nodes @hosts, same order) in the
 * container, @force replacing what is at their place, then grant them on
 * top of @saved (the devices saved before, which stay). On failure
 * nothing of it is left: the nodes made are removed and the rules taken
 * back. */
int device_live_add(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
		    const struct saved_device *add, const struct host_device *hosts, size_t n,
		    bool force, struct err *e);

/* Take back a batch that device_live_add applied in full, when a later
 * step of the same command failed: its rules, then its nodes. Best
 * effort: what cannot be undone is logged. */
void device_live_undo_add(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
			  const struct saved_device *add, size_t n);

/* Remove the devices of @saved marked @gone: their nodes go from the
 * container, then their rights from the cgroup, except those that the
 * runtime or a device that stays still grants. */
int device_live_remove(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
		       const bool *gone, struct err *e);

#endif
