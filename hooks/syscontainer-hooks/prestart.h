/* prestart's parts (prestart.c runs them in order; prestart_devices.c
 * holds the device part). */
#ifndef SCH_HOOK_PRESTART_H
#define SCH_HOOK_PRESTART_H

#include <stdbool.h>
#include <stddef.h>

#include "hook.h"
#include "nsexec.h"
#include "oci_spec.h"
#include "relabel.h"
#include "store.h"

struct prestart {
	const struct oci_state *st;
	struct oci_spec spec;
	char *rootfs;
	int pidfd, mntns_fd;
	struct store store;
	struct saved_device *devs;
	size_t n_devs;
	struct path_spec *binds;
	size_t n_binds;
	struct ns_op *ops;
	size_t n_ops;
	bool *dev_present;      /* devices whose host node exists now */
	bool *dev_hint;         /* saved, but not to be applied (derive_partitions) */
	char *cgroup;           /* v1 devices cgroup */
	char *cgroup_v2;        /* or the cgroup2 directory, device programs */
	char **baseline;
	size_t n_baseline;
	bool dirty;
	bool cdi_changed;       /* a CDI device applies other items than saved */
	const struct hook_opts *o;
	struct relabel_owner owner;
	struct ns_op *relabel;  /* the relabel step among ops, when asked for */
	struct ns_job job;      /* the worker in the mount namespace */
	bool net_up;
	struct instance now;    /* the instance starting (hook_instance_check) */
	size_t n_qos, n_qos_skipped;
};

/* The CDI devices saved by name, looked up again; what they apply now
 * replaces what they applied in the saved lists (prestart_cdi.c). */
int prestart_cdi(struct prestart *p, struct err *e);
/* The devices cgroup and the rules the runtime set, before ours. */
int prestart_read_cgroup(struct prestart *p, struct err *e);
/* Saved partitions of followed disks replaced by what sysfs has now. */
void prestart_derive_partitions(struct prestart *p);
/* A MKNOD operation in p->ops for each saved device whose host node is
 * there now (p->dev_present); the others are skipped with a warning. */
void prestart_device_ops(struct prestart *p);
/* Wait for the pass through the mount namespace, then grant the devices
 * in the cgroup. */
int prestart_grant(struct prestart *p, struct err *e);
/* The udev rule of each followed disk, again. */
void prestart_follow_disks(struct prestart *p);

#endif
