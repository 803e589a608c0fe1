/* The runtime record /run/syscontainer-hooks/<id>/record.json: written by
 * the prestart hook, removed at poststop. It is how the CLI finds a running
 * container, and what it checks before acting: the pid must still have the
 * mount namespace recorded at prestart. It also lists the interfaces made
 * in the container's network namespace (at prestart and by the CLI while
 * the container runs), so that poststop cleans up from the record alone,
 * whatever hook.json holds by then. */
#ifndef SCH_RECORD_H
#define SCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "net_spec.h"

#define RECORD_DIR_DEFAULT "/run/syscontainer-hooks"
#define RECORD_FILE "record.json"

struct record {
	char *id;
	int pid;
	char *bundle;
	char *rootfs;           /* the container root in its mount namespace at
				 * prestart: the rootfs path, or "/" when the
				 * runtime had pivoted already (openEuler lxc);
				 * not a host path: the CLI works from "/" of
				 * the namespace, i.e. /proc/PID/root, once the
				 * container is in it (it waits for that) */
	uint64_t mntns_dev, mntns_ino;
	char *devices_cgroup;   /* v1 devices cgroup directory, or NULL */
	bool devices_v2;        /* device access is a cgroup v2 program */
	char **baseline;        /* devices.list as the runtime left it */
	size_t n_baseline;
	uint64_t start_time;    /* of pid (instance.h); 0 in older records */
	uint64_t netns_dev, netns_ino;  /* 0 when not recorded */
	bool nics_known;        /* older records do not list the interfaces */
	struct nic_spec *nics;  /* interfaces made in the container */
	size_t n_nics;
	/* the DeviceAllow= entries ("path perms") the runtime gave the
	 * container's systemd unit, before ours; known once we first told
	 * systemd of a device (systemd_devices.h) */
	bool sd_known;
	char *sd_unit;          /* that unit, when known */
	char **sd_baseline;
	size_t n_sd_baseline;
};

/* $SYSCONTAINER_HOOKS_RUNDIR, else RECORD_DIR_DEFAULT. */
const char *record_dir(void);

int record_write(const char *rundir, const struct record *r, struct err *e);
/* ENOENT in e->code when there is no record (container not running). */
int record_read(const char *rundir, const char *id, struct record *r, struct err *e);
int record_remove(const char *rundir, const char *id, struct err *e);
void record_free(struct record *r);

int record_parse(const char *json, size_t len, struct record *r, struct err *e);
/* The text record_write writes for @r (free() it); record_parse reads it
 * back into an equal record. */
char *record_format(const struct record *r);

/* The CLI's live add-nic and remove-nic: add @n to, or remove the
 * interface named @ctr from, the interfaces the record of @id lists. A
 * record that lists none (an older one) is left as it is. */
int record_nic_add(const char *rundir, const char *id, const struct nic_spec *n, struct err *e);
int record_nic_remove(const char *rundir, const char *id, const char *ctr, struct err *e);

/* Record the runtime's DeviceAllow= entries (@sd_baseline of @r) in the
 * record of @id, as the CLI learns them. */
int record_sd_baseline_set(const char *rundir, const struct record *r, struct err *e);

#endif
