/* systemd's D-Bus API through sd-bus (libsystemd, loaded only when a
 * container's cgroup is a systemd unit): read and set a unit's
 * DeviceAllow= at runtime. Every call is bounded by a timeout: the hook
 * never hangs a start on a slow or stuck bus. */
#ifndef SCH_SYSTEMD_BUS_H
#define SCH_SYSTEMD_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "systemd_unit.h"

struct sdbus;

/* Connect to the system bus for @unit (its object path from its name). */
int sdbus_open(const char *unit, struct sdbus **b, struct err *e);
void sdbus_close(struct sdbus *b);
const char *sdbus_unit(const struct sdbus *b);

/* The unit's DeviceAllow= and, when that is empty, its DevicePolicy=
 * ("auto", "closed", "strict"). */
int sdbus_devices_get(struct sdbus *b, char policy[16], struct unit_device **l, size_t *n,
		      struct err *e);

/* SetUnitProperties(runtime): the entries @l (added or changed, the
 * others kept) or, with @reset, the whole list. */
int sdbus_devices_set(struct sdbus *b, const struct unit_device *l, size_t n, bool reset,
		      struct err *e);

#endif
