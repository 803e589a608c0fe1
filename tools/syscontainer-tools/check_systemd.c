/* check: the DeviceAllow= of the container's systemd unit. systemd
 * rebuilds the unit's device rules from that list at every reload, so a
 * saved device missing there is lost at the next `systemctl
 * daemon-reload` even while its access in the cgroup still looks right.
 * Only a container whose cgroup is its own systemd unit has this item;
 * --fix tells the unit as add-device does. */
#include <stdlib.h>

#include "check.h"
#include "device.h"
#include "systemd_devices.h"
#include "util.h"

/* --fix: the unit told of every saved device, over the runtime's entries */
static void fix_unit(struct cli *cli, struct target *t, struct check_report *r,
		     struct check_item *it, const struct saved_device *d, size_t n)
{
	struct err why = { 0 };
	int ret = systemd_devices_sync(cli->rundir, &t->c.rec, d, n, d, n, &why);

	check_fixed(it, ret ? -1 : 0, &why);
	r->unit_grants = ret == 0;
}

int check_systemd(struct cli *cli, struct target *t, struct check_report *r, struct err *e)
{
	struct saved_device *d = NULL;
	_cleanup_free_ bool *present = NULL;
	char unit[UNIT_NAME_MAX], *drift = NULL;
	struct check_item *it;
	struct err why = { 0 };
	size_t n = 0;
	int ret;

	if (store_devices(&t->store, &d, &n, e) < 0)
		return -1;
	present = xcalloc(n + 1, sizeof(*present));
	for (size_t i = 0; i < n; i++) {
		struct host_device h;

		present[i] = host_device_stat(d[i].host, &h, &(struct err){ 0 }) == 0;
	}
	ret = systemd_devices_drift(&t->c.rec, d, n, present, unit, &drift, &why);
	if (unit[0]) {
		it = check_add(r, "systemd-unit", xstrdup(unit),
			       ret < 0 ? xasprintf("cannot read DeviceAllow=: %s", why.msg)
			       : drift ? xasprintf("DeviceAllow= %s", drift) : NULL);
		r->unit_grants = !it->drift;
		if (it->drift && r->fix && ret == 0)
			fix_unit(cli, t, r, it, d, n);
	}
	free(drift);
	saved_devices_free(d, n);
	return 0;
}
