/* Telling a container's systemd unit of its devices (systemd_unit.h says
 * why). Both calls do nothing, and load nothing, when the container's
 * cgroup is not in a systemd unit. They never fail a start or a command:
 * they return 1 with the reason in @why when systemd could not be told
 * (no bus, a unit that is not the container's, a refusal), for the caller
 * to warn about. */
#ifndef SCH_SYSTEMD_DEVICES_H
#define SCH_SYSTEMD_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "record.h"
#include "store.h"
#include "systemd_unit.h"

/* prestart: allow @devs (those with @present[i]) in the unit of @pid.
 * The runtime's own entries, as found before ours, go into @r (the
 * record being written). */
int systemd_devices_start(const char *id, int pid, const struct saved_device *devs, size_t n,
			  const bool *present, struct record *r, struct err *why);

/* The CLI, after @changed were added, removed or changed: their entries
 * become what @saved (the saved devices now) grants them, plus what the
 * runtime granted. The first time, the runtime's entries are learnt
 * and kept in the record of @r. */
int systemd_devices_sync(const char *rundir, struct record *r, const struct saved_device *saved,
			 size_t n_saved, const struct saved_device *changed, size_t n_changed,
			 struct err *why);

/* check: how the DeviceAllow= of the container's own unit falls short of
 * the saved devices @saved (those with @present[i], or all): *@drift, or
 * NULL when it grants them all. 0 with @unit "" when the container's
 * cgroup is not its own systemd unit, or one that restricts no device
 * (nothing to compare); -1 (@e) when the unit cannot be read. */
int systemd_devices_drift(const struct record *r, const struct saved_device *saved, size_t n,
			  const bool *present, char unit[UNIT_NAME_MAX], char **drift,
			  struct err *e);

#endif
