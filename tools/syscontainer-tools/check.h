/* check: what is saved against what a running container has now. */
#ifndef SCH_CHECK_H
#define SCH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* One saved item and how it is now. */
struct check_item {
	const char *kind;       /* "device", "systemd-unit", "path", "interface", "route",
				 * "qos", "udev-rule", "cdi" */
	char *name;
	char *drift;            /* NULL: as saved; else what differs, "; "-separated */
	bool fixed;             /* --fix re-applied it */
	char *fix_error;        /* --fix failed: why */
};

struct check_report {
	struct check_item *items;
	size_t n, cap;
	bool fix;               /* --fix */
	/* the container's own systemd unit grants every saved device in its
	 * DeviceAllow=: under cgroup v2 the device program is then systemd's,
	 * rebuilt from that list (check_systemd runs first) */
	bool unit_grants;
};

/* Append an item; @name and @drift (may be NULL) are taken over. */
struct check_item *check_add(struct check_report *r, const char *kind, char *name, char *drift);
/* Append "; @what" (or @what) to the drift of @it. */
void check_drift(struct check_item *it, char *what);
/* After a fix of @it: fixed, or the reason it was not. */
void check_fixed(struct check_item *it, int ret, const struct err *e);

/* Each kind, of running container @t. -1 only when the kind cannot be
 * read at all (@e); each item's drift goes into @r. */
int check_devices(struct target *t, struct check_report *r, struct err *e);
/* The DeviceAllow= of the container's own systemd unit, if it is in one. */
int check_systemd(struct cli *cli, struct target *t, struct check_report *r, struct err *e);
int check_paths(struct target *t, struct check_report *r, struct err *e);
int check_qos(struct target *t, struct check_report *r, struct err *e);
int check_udev(struct cli *cli, struct target *t, struct check_report *r, struct err *e);
int check_net(struct target *t, struct check_report *r, struct err *e);
/* CDI devices saved by name, looked up again (check_cdi.c). */
int check_cdi(struct target *t, struct check_report *r, struct err *e);

#endif
