/* What add-device and remove-device share with partition following
 * (device.c, device_follow.c). */
#ifndef SCH_TOOLS_DEVICE_CMD_H
#define SCH_TOOLS_DEVICE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "spec_parse.h"
#include "udev_rules.h"

struct cdi_req;

/* Flags of add-device and remove-device; the CDI ones go to cdi.c. */
enum { F_FORCE = 256, F_FOLLOW, F_CDI_DIR, F_IGNORE_UNSUPPORTED };

struct device_flags {
	struct cdi_req *cdi;    /* the CDI devices of the command line (cdi.c) */
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
		   size_t n, bool follow, struct cdi_req *cdi, struct err *e);

/* --follow-partition: each spec must be a whole disk; its partitions join
 * @specs, and f->rules get a udev rule per disk. */
int follow_partitions(struct device_flags *f, const struct cli *cli,
		      struct device_spec **specs, size_t *n, struct err *e);

/* CDI devices (vendor.com/class=name) among the devices of add-device and
 * remove-device: cdi.c. @cdi may be NULL (none) in all of these. */
struct cdi_req *cdi_req_new(void);
void cdi_req_free(struct cdi_req *r);
/* --cdi-spec-dir and --ignore-unsupported. */
int cdi_flag(struct cdi_req *r, int id, const char *value, struct err *e);
/* Take the CDI names out of @args (*n shrinks); 0, or -1 after a usage
 * error line. */
int cdi_args(const struct command *cmd, struct cdi_req *r, const struct device_flags *f,
	     char **args, size_t *n);
/* add-device: resolve every name and translate its edits; an edit that
 * cannot apply is one error line each (a warning with
 * --ignore-unsupported). 0, or the exit status after the error lines. */
int cdi_resolve_all(const struct command *cmd, struct cdi_req *r);
/* add-device: the device specs of the batch, @specs then the nodes of the
 * CDI devices (those that another saved CDI device already brought, the
 * same, are shared, not added again); refuses a name already added and
 * a CDI mount or interface whose place is taken. *out is a shallow copy. */
int cdi_batch(struct cdi_req *r, const struct target *t, const struct saved_device *saved,
	      size_t n_saved, const struct device_spec *specs, size_t n,
	      struct device_spec **out, size_t *n_out, struct err *e);
/* add-device on running @t, after the nodes: the mounts and interfaces. */
int cdi_add_live(struct cdi_req *r, struct cli *cli, const struct target *t, struct err *e);
void cdi_undo_live(struct cdi_req *r, const struct target *t);
/* add-device: the entries, mounts and interfaces into @t's document. */
void cdi_add_save(const struct cdi_req *r, struct target *t);
void cdi_report_added(const struct cdi_req *r, const struct cli *cli, const struct target *t,
		      bool live);
/* remove-device: mark the saved devices that the named CDI devices alone
 * brought; a device of a CDI device named by a plain spec is refused. */
int cdi_remove_mark(struct cdi_req *r, const struct target *t, const struct saved_device *saved,
		    size_t n_saved, bool *gone, struct err *e);
/* remove-device, after the nodes: mounts and interfaces off running @t,
 * then out of its document, with the entries. */
int cdi_remove_rest(struct cdi_req *r, struct cli *cli, struct target *t, struct err *e);
void cdi_report_removed(const struct cdi_req *r, const struct target *t);

#endif
