/* What add-device and remove-device share with partition following
 * (device.c, device_follow.c). */
#ifndef SCH_TOOLS_DEVICE_CMD_H
#define SCH_TOOLS_DEVICE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "spec_parse.h"
#include "udev_rules.h"

struct device_flags {
	bool force;
	bool config_only;
	struct qos_req qos;
	bool follow;            /* --follow-partition */
	/* per spec of the batch, set when following partitions */
	const char **parents;   /* the disk a partition came with, or NULL */
	bool *follow_disk;      /* a disk whose partitions follow it */
	struct udev_rule *rules;
	size_t n_rules;
};

/* Add the devices of @specs to the container that @arg names: live when
 * it runs (and not f->config_only), saved in any case; all or nothing. */
int add_devices(struct device_flags *f, struct cli *cli, const char *arg,
		const struct device_spec *specs, size_t n, struct err *e);
/* Remove the saved devices that @specs name; with @follow, the partitions
 * that came with a removed disk go too. */
int remove_devices(struct cli *cli, const char *arg, const struct device_spec *specs,
		   size_t n, bool follow, struct err *e);

/* --follow-partition: each spec must be a whole disk; its partitions join
 * @specs, and f->rules get a udev rule per disk. */
int follow_partitions(struct device_flags *f, const struct cli *cli,
		      struct device_spec **specs, size_t *n, struct err *e);

#endif
