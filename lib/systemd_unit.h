/* Devices of a container whose cgroup is a systemd unit (runc's or crun's
 * systemd cgroup driver, podman's default, the Kubernetes default). systemd
 * rebuilds the unit's device rules from its DeviceAllow= list at every
 * `systemctl daemon-reload` and so takes away any device granted from
 * outside it. We put our devices in that list (a runtime property, gone
 * with the unit), so that systemd's own rules include them.
 *
 * Entries are "/dev/block/MAJ:MIN" or "/dev/char/MAJ:MIN", the form runc
 * uses and systemd parses without a device node: one entry per device
 * number, whatever its host or container path. The decisions here are pure
 * functions; the bus calls are in systemd_bus.c. */
#ifndef SCH_SYSTEMD_UNIT_H
#define SCH_SYSTEMD_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

#define UNIT_NAME_MAX 256

struct unit_device {
	char path[48];          /* "/dev/block/7:3" */
	unsigned bits;          /* r=1 w=2 m=4 (device_perms_bits) */
};

enum unit_owner {
	UNIT_NONE,              /* the cgroup is not in a unit (cgroupfs driver) */
	UNIT_OWN,               /* the container's own scope or service */
	UNIT_OTHER,             /* inside a unit that is not the container's */
};

/* Which unit the cgroup @path ("/system.slice/sch-c1.scope") of container
 * @id belongs to: the nearest scope or service on the path, named in
 * @unit. It is the container's own when it is the cgroup itself, or a
 * scope whose name holds the id (a runtime's sub-cgroup under it). */
enum unit_owner systemd_unit_of(const char *path, const char *id, char unit[UNIT_NAME_MAX]);

/* The cgroup path systemd tracks a process under, from the text of its
 * /proc/PID/cgroup: the cgroup2 line when /sys/fs/cgroup is cgroup2
 * (@unified), else the "name=systemd" line (legacy and hybrid hosts, where
 * systemd tracks units in that hierarchy). NULL when there is no such
 * line: no systemd tracks it. */
int systemd_cgroup_path(const char *proc_cgroup, bool unified, char **path, struct err *e);

/* "b", 7, 3 -> "/dev/block/7:3" */
void unit_device_path(char type, int64_t major, int64_t minor, char out[48]);

/* Parse "path perms" (the record's form) into @d; -1 on anything else. */
int unit_device_parse(const char *s, struct unit_device *d);
/* "path perms" */
char *unit_device_format(const struct unit_device *d);

/* The entries our devices need: for each device of @changed, the union of
 * the permissions of every device of @saved with the same number (none:
 * 0, the entry is to go). @n_out entries, one per device number. */
struct unit_device *unit_devices_wanted(const struct saved_device *saved, size_t n_saved,
					const bool *present, const struct saved_device *changed,
					size_t n_changed, size_t *n_out);

/* What to send so that each entry of @want holds its bits plus what the
 * runtime itself allowed (@baseline). Entries that need no change are
 * left out. When one must go (no bits left), systemd can only take the
 * list whole: *@reset is set and the result is the whole new list, from
 * @current. Returns the entries to send, *@n_out of them. */
struct unit_device *unit_devices_plan(const struct unit_device *current, size_t n_cur,
				      const struct unit_device *baseline, size_t n_base,
				      const struct unit_device *want, size_t n_want, bool *reset,
				      size_t *n_out);

/* How @current (a unit's DeviceAllow=) falls short of @want (our
 * entries): "lacks /dev/block/7:3 rw; has /dev/char/1:3 r, not rw", or
 * NULL when it grants each entry whole. */
char *unit_devices_drift(const struct unit_device *current, size_t n_cur,
			 const struct unit_device *want, size_t n_want);

#endif
