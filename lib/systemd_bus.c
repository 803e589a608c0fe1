#include "systemd_bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "device.h"
#include "dynlib.h"
#include "util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* a bounded wait: systemd answers in well under a millisecond when well */
#define SD_TIMEOUT_USEC (2 * 1000 * 1000)

static struct {
	typeof(sd_bus_open_system) *open_system;
	typeof(sd_bus_path_encode) *path_encode;
	typeof(sd_bus_set_method_call_timeout) *set_timeout;
	typeof(sd_bus_flush_close_unref) *close_unref;
	typeof(sd_bus_get_property) *get_property;
	typeof(sd_bus_get_property_string) *get_property_string;
	typeof(sd_bus_message_new_method_call) *new_call;
	typeof(sd_bus_message_append) *append;
	typeof(sd_bus_message_open_container) *open;
	typeof(sd_bus_message_close_container) *close;
	typeof(sd_bus_message_enter_container) *enter;
	typeof(sd_bus_message_exit_container) *exit;
	typeof(sd_bus_message_read) *read;
	typeof(sd_bus_message_unref) *unref;
	typeof(sd_bus_call) *call;
	typeof(sd_bus_error_free) *error_free;
} sd;

struct sdbus {
	sd_bus *bus;
	char unit[UNIT_NAME_MAX];
	char *path;             /* the unit's object path */
	const char *iface;      /* org.freedesktop.systemd1.Scope or .Service */
};

static int load(struct err *e)
{
	static const char *const names[] = {
		"sd_bus_open_system", "sd_bus_path_encode", "sd_bus_set_method_call_timeout",
		"sd_bus_flush_close_unref", "sd_bus_get_property",
		"sd_bus_get_property_string", "sd_bus_message_new_method_call",
		"sd_bus_message_append", "sd_bus_message_open_container",
		"sd_bus_message_close_container", "sd_bus_message_enter_container",
		"sd_bus_message_exit_container", "sd_bus_message_read", "sd_bus_message_unref",
		"sd_bus_call", "sd_bus_error_free",
	};

	if (sd.open_system)
		return 0;
	return dyn_load("libsystemd.so.0", names, (void **)&sd, ARRAY_SIZE(names), e);
}

/* One line from an sd-bus failure: the bus's own message when it has one. */
static int bus_fail(struct err *e, int r, sd_bus_error *be, const char *what, const char *unit)
{
	if (be && be->message)
		err_set(e, -r, "%s %s: %s", what, unit, be->message);
	else
		err_sys(e, -r, "%s %s", what, unit);
	if (be)
		sd.error_free(be);
	return -1;
}

int sdbus_open(const char *unit, struct sdbus **out, struct err *e)
{
	struct sdbus *b;
	int r;

	*out = NULL;
	if (load(e) < 0)
		return -1;
	b = xcalloc(1, sizeof(*b));
	snprintf(b->unit, sizeof(b->unit), "%s", unit);
	b->iface = strstr(unit, ".service") ? "org.freedesktop.systemd1.Service"
					    : "org.freedesktop.systemd1.Scope";
	/* the system bus, not systemd's private socket: what goes to systemd
	 * can be watched there (busctl monitor) */
	r = sd.open_system(&b->bus);
	if (r >= 0)
		r = sd.path_encode("/org/freedesktop/systemd1/unit", unit, &b->path);
	if (r < 0) {
		err_sys(e, -r, "connect to the system bus");
		sdbus_close(b);
		return -1;
	}
	sd.set_timeout(b->bus, SD_TIMEOUT_USEC);
	*out = b;
	return 0;
}

const char *sdbus_unit(const struct sdbus *b)
{
	return b->unit;
}

void sdbus_close(struct sdbus *b)
{
	if (!b)
		return;
	if (b->bus)
		sd.close_unref(b->bus);
	free(b->path);
	free(b);
}

static int read_allow(struct sdbus *b, sd_bus_message *m, struct unit_device **l, size_t *n,
		      struct err *e)
{
	const char *path, *perms;
	size_t cap = 8;
	int r;

	*l = xcalloc(cap, sizeof(**l));
	*n = 0;
	r = sd.enter(m, 'a', "(ss)");
	while (r >= 0 && (r = sd.read(m, "(ss)", &path, &perms)) > 0) {
		if (*n == cap)
			*l = xrealloc(*l, (cap *= 2) * sizeof(**l));
		snprintf((*l)[*n].path, sizeof((*l)[*n].path), "%s", path);
		(*l)[(*n)++].bits = device_perms_bits(perms);
	}
	if (r >= 0)
		r = sd.exit(m);
	return r < 0 ? bus_fail(e, r, NULL, "read DeviceAllow of", b->unit) : 0;
}

int sdbus_devices_get(struct sdbus *b, char policy[16], struct unit_device **l, size_t *n,
		      struct err *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	char *pol = NULL;
	int r;

	*l = NULL;
	*n = 0;
	r = sd.get_property(b->bus, SD_DEST, b->path, b->iface, "DeviceAllow", &be, &reply,
			    "a(ss)");
	if (r < 0)
		return bus_fail(e, r, &be, "read DeviceAllow of", b->unit);
	r = read_allow(b, reply, l, n, e);
	sd.unref(reply);
	/* the policy matters only when the list is empty (systemd_devices.c) */
	snprintf(policy, 16, "%s", "strict");
	if (r < 0 || *n)
		return r;
	r = sd.get_property_string(b->bus, SD_DEST, b->path, b->iface, "DevicePolicy", &be, &pol);
	if (r < 0)
		return bus_fail(e, r, &be, "read DevicePolicy of", b->unit);
	snprintf(policy, 16, "%s", pol);
	free(pol);
	return 0;
}

/* One DeviceAllow property in the a(sv) being built: @l, or empty. */
static int append_allow(sd_bus_message *m, const struct unit_device *l, size_t n)
{
	int r = sd.open(m, 'r', "sv");

	if (r >= 0)
		r = sd.append(m, "s", "DeviceAllow");
	if (r >= 0)
		r = sd.open(m, 'v', "a(ss)");
	if (r >= 0)
		r = sd.open(m, 'a', "(ss)");
	for (size_t i = 0; i < n && r >= 0; i++) {
		char perms[4];

		device_perms_string(l[i].bits, perms);
		r = sd.append(m, "(ss)", l[i].path, perms);
	}
	for (int k = 0; k < 3 && r >= 0; k++)
		r = sd.close(m);
	return r;
}

int sdbus_devices_set(struct sdbus *b, const struct unit_device *l, size_t n, bool reset,
		      struct err *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int r;

	r = sd.new_call(b->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
	if (r >= 0)
		r = sd.append(m, "sb", b->unit, 1);
	if (r >= 0)
		r = sd.open(m, 'a', "(sv)");
	/* an empty list first clears it: the only way to take an entry out */
	if (r >= 0 && reset)
		r = append_allow(m, NULL, 0);
	if (r >= 0)
		r = append_allow(m, l, n);
	if (r >= 0)
		r = sd.close(m);
	if (r < 0) {
		if (m)
			sd.unref(m);
		return bus_fail(e, r, NULL, "build SetUnitProperties for", b->unit);
	}
	r = sd.call(b->bus, m, SD_TIMEOUT_USEC, &be, NULL);
	sd.unref(m);
	return r < 0 ? bus_fail(e, r, &be, "set DeviceAllow of", b->unit) : 0;
}
