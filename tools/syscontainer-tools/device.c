/* add-device, remove-device and list-device. The live change itself is
 * lib/device_live.h; partition following is device_follow.c. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "device_cmd.h"
#include "device_live.h"
#include "json.h"
#include "log.h"
#include "store_qos.h"
#include "util.h"

static int device_flag(int id, const char *name, const char *arg, void *ctx, struct err *e)
{
	struct device_flags *f = ctx;

	(void)name;
	if (id == F_CDI_DIR || id == F_IGNORE_UNSUPPORTED)
		return cdi_flag(f->cdi, id, arg, e);
	if (id >= CLI_F_QOS && id < CLI_F_QOS + QOS_KINDS)
		return qos_req_add(&f->qos, (enum qos_kind)(id - CLI_F_QOS), arg, e);
	f->force |= id == F_FORCE;
	f->config_only |= id == CLI_F_CONFIG_ONLY;
	f->follow |= id == F_FOLLOW;
	return 0;
}

/* The running container as a live device change needs it. */
static int live_ctr(const struct target *t, struct device_ctr *c, struct err *e)
{
	c->id = t->id;
	c->mntns_fd = t->c.mntns_fd;
	c->root = "/";
	c->spec = &t->c.spec;
	return device_cgroup_find(&t->c.rec, &c->cg, e);
}

static void remove_rules(const struct target *t, const struct udev_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct err undo = { 0 };

		if (udev_rules_remove(rules[i].root, t->id, rules[i].ctr_disk, NULL, &undo) < 0)
			err_warn(&undo, "%s: undo: udev rule of %s", t->id, rules[i].ctr_disk);
	}
}

static int check_conflicts(const struct device_spec *specs, size_t n,
			   const struct saved_device *saved, size_t n_saved, const char *id,
			   struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n_saved; j++)
			if (strcmp(specs[i].ctr, saved[j].ctr) == 0)
				return err_set(e, EEXIST, "container path %s of container %s is already "
					       "used by device %s", specs[i].ctr, id, saved[j].host);
	}
	return 0;
}

/* Read the host nodes of the new devices into saved_device entries. */
static int stat_hosts(const struct device_flags *f, const struct device_spec *specs, size_t n,
		      struct saved_device *add, struct host_device *hosts, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		add[i].host = specs[i].host;
		add[i].node = specs[i].node;
		if (saved_device_host(&add[i], &hosts[i], e) < 0)
			return -1;
		add[i].type = hosts[i].type;
		add[i].major = hosts[i].major;
		add[i].minor = hosts[i].minor;
		add[i].host = specs[i].host;
		add[i].ctr = specs[i].ctr;
		add[i].parent = f->parents && f->parents[i] ? (char *)f->parents[i] : "";
		add[i].follow = f->follow_disk && f->follow_disk[i];
		strcpy(add[i].perms, specs[i].perms);
	}
	return 0;
}

/* The udev rules of the disks, then the saved state; on failure neither
 * is left. */
static int save_added(struct device_flags *f, struct target *t, const struct saved_device *add,
		      size_t n, struct err *e)
{
	for (size_t i = 0; i < f->n_rules; i++) {
		snprintf(f->rules[i].id, sizeof(f->rules[i].id), "%s", t->id);
		if (udev_rules_add(&f->rules[i], e) < 0) {
			remove_rules(t, f->rules, i);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		store_add_device(&t->store, &add[i]);
	cdi_add_save(f->cdi, t);
	qos_req_save(t->store.doc, &f->qos);
	if (store_save(&t->store, e) < 0) {
		remove_rules(t, f->rules, f->n_rules);
		return -1;
	}
	return 0;
}

static void report_added(const struct device_flags *f, const struct target *t,
			 const struct saved_device *add, size_t n, bool live)
{
	for (size_t i = 0; i < n; i++) {
		cli_printf("Add device (%s) to container(%s,%s) done.\n", add[i].host, t->id,
			   add[i].ctr);
		log_info("%s: added device %s at %s (%c %lld:%lld %s)%s", t->id, add[i].host,
			 add[i].ctr, add[i].type, (long long)add[i].major, (long long)add[i].minor,
			 add[i].perms, live ? "" : ", saved only");
	}
	qos_req_report(t->id, &f->qos, live);
}

/* The batch @specs on open target @t, whose saved devices are @saved. */
static int add_batch(struct device_flags *f, struct cli *cli, struct target *t,
		     const struct saved_device *saved, size_t n_saved,
		     const struct device_spec *specs, size_t n, struct err *e)
{
	_cleanup_free_ struct saved_device *add = xcalloc(n, sizeof(*add));
	_cleanup_free_ struct host_device *hosts = xcalloc(n, sizeof(*hosts));
	struct device_ctr c = { 0 };
	bool live = t->running && !f->config_only;
	int r = -1;

	if (check_conflicts(specs, n, saved, n_saved, t->id, e) < 0 ||
	    stat_hosts(f, specs, n, add, hosts, e) < 0 ||
	    qos_req_resolve(&f->qos, add, n, saved, n_saved, t->id, e) < 0)
		goto out;
	if (live && (live_ctr(t, &c, e) < 0 ||
		     device_live_add(&c, saved, n_saved, add, hosts, n, f->force, e) < 0))
		goto out;
	if (live && cdi_add_live(f->cdi, cli, t, e) < 0) {
		device_live_undo_add(&c, saved, n_saved, add, n);
		goto out;
	}
	if ((live && qos_req_apply(t, &f->qos, e) < 0) || save_added(f, t, add, n, e) < 0) {
		if (live) {
			cdi_undo_live(f->cdi, t);
			device_live_undo_add(&c, saved, n_saved, add, n);
		}
		goto out;
	}
	report_added(f, t, add, n, live);
	cdi_report_added(f->cdi, cli, t, live);
	if (live)
		cli_systemd_devices(cli, "add-device", t, add, n, NULL);
	r = 0;
out:
	device_cgroup_free(&c.cg);
	return r;
}

int add_devices(struct device_flags *f, struct cli *cli, const char *arg,
		const struct device_spec *specs, size_t n, struct err *e)
{
	_cleanup_free_ struct device_spec *batch = NULL;
	struct saved_device *saved = NULL;
	size_t n_saved = 0, nb = 0;
	struct target t;
	int r = -1;

	if (target_open(cli, arg, f->config_only ? TARGET_MAY_BE_STOPPED : TARGET_MUST_RUN,
			STORE_CREATE, &t, e) < 0)
		return -1;
	/* the nodes of CDI devices join the batch */
	if (store_devices(&t.store, &saved, &n_saved, e) == 0 &&
	    cdi_batch(f->cdi, &t, saved, n_saved, specs, n, &batch, &nb, e) == 0)
		r = add_batch(f, cli, &t, saved, n_saved, batch, nb, e);
	saved_devices_free(saved, n_saved);
	target_close(&t);
	return r;
}

/* 0, or -1 after a usage error line. */
static int parse_specs(const struct command *cmd, int mode, char **args, size_t n,
		       struct device_spec **out)
{
	struct device_spec *specs = xcalloc(n, sizeof(*specs));
	struct err e = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (parse_device_spec(args[i], mode, &specs[i], &e) < 0)
			goto bad;
		for (size_t j = 0; j < i && mode == SPEC_DEVICE_ADD; j++)
			if (strcmp(specs[i].ctr, specs[j].ctr) == 0) {
				err_set(&e, EINVAL, "container path %s is given twice", specs[i].ctr);
				goto bad;
			}
	}
	*out = specs;
	return 0;
bad:
	for (size_t i = 0; i < n; i++)
		device_spec_free(&specs[i]);
	free(specs);
	usage_error(cmd, "%s", e.msg);
	return -1;
}

static void free_specs(struct device_spec *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		device_spec_free(&specs[i]);
	free(specs);
}

/* add-device and remove-device: CONTAINER SPEC... */
static int run_device(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = a->cmd;
	int mode = cmd == &cmd_add_device ? SPEC_DEVICE_ADD : SPEC_DEVICE_REMOVE;
	struct device_flags f = { .cdi = cdi_req_new() };
	struct device_spec *specs = NULL;
	char **args = a->pos + 1;
	size_t n = a->n_pos - 1;
	struct err e = { 0 };
	int r = EXIT_USAGE;

	if (cli_flags_apply(cmd, a, device_flag, &f) < 0 || cdi_args(cmd, f.cdi, &f, args, &n) < 0 ||
	    parse_specs(cmd, mode, args, n, &specs) < 0)
		goto out;
	if (mode == SPEC_DEVICE_ADD && (r = cdi_resolve_all(cmd, f.cdi)) != 0)
		;
	else if (f.follow && mode == SPEC_DEVICE_ADD && follow_partitions(&f, cli, &specs, &n, &e) < 0)
		r = fail(cmd, &e);
	else if (mode == SPEC_DEVICE_ADD)
		r = add_devices(&f, cli, a->pos[0], specs, n, &e) < 0 ? fail(cmd, &e) : 0;
	else
		r = remove_devices(cli, a->pos[0], specs, n, f.follow, f.cdi, &e) < 0 ? fail(cmd, &e) : 0;
	free_specs(specs, n);
out:
	cdi_req_free(f.cdi);
	qos_req_free(&f.qos);
	free(f.parents);
	free(f.follow_disk);
	free(f.rules);
	return r;
}

const struct command cmd_add_device = {
	.help = "Create each host device node inside the running container (same type,\n"
		"major:minor and mode; owner mapped through its user namespace), allow it in\n"
		"the container's devices cgroup, and save it so the prestart hook re-creates\n"
		"it at every start. PERMS is a subset of rwm (default rwm); CTRDEV defaults to\n"
		"HOSTDEV. A container path may hold one device; a batch is all or nothing.\n"
		"The QoS flags set limits of a block device of this command or of one\n"
		"already added.\n"
		"A CDI device (vendor.com/class=name) is looked up in the CDI spec files\n"
		"(*.json, *.yaml) of /etc/cdi then /var/run/cdi (the later wins), and its\n"
		"deviceNodes, mounts and netDevices are applied as devices, bind mounts and\n"
		"eth interfaces; saved by name, it is looked up again at every start.\n",
	.name = "add-device",
	.run = run_device,
	.args = "CONTAINER HOSTDEV[:CTRDEV][:PERMS]|VENDOR/CLASS=NAME... [--force] "
		"[--update-config-only] [--follow-partition] [--cdi-spec-dir DIR] "
		"[--ignore-unsupported] [QoS flags]",
	.flags = CLI_FLAGS(
		{ "force", F_FORCE, NULL, "replace a file already at the container path", 0 },
		{ "follow-partition", F_FOLLOW, NULL, "each HOSTDEV is a whole disk: its partitions come\n"
		  "too (sdb1 of a disk at /dev/data at /dev/data1), are\n"
		  "listed again from the disk at every start, and a\n"
		  "udev rule adds or removes those that appear or go", 0 },
		{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only save; do not touch the container (which then\n"
		  "need not be running)", 0 },
		{ "cdi-spec-dir", F_CDI_DIR, "DIR", "look CDI devices up in DIR instead of /etc/cdi and\n"
		  "/var/run/cdi (repeatable, later wins); saved with\n"
		  "the devices and searched again at every start", 0 },
		{ "ignore-unsupported", F_IGNORE_UNSUPPORTED, NULL, "CDI edits that cannot apply to a running container\n"
		  "(env, hooks, additionalGIDs, intelRdt, other\n"
		  "mounts than bind mounts) are warnings, not errors", 0 }),
	.shared_flags = qos_flags,
	.notes = "Symlinks in the container path are refused, never followed.\n",
	.min_pos = 2,
	.max_pos = CLI_MANY,
	.pos_error = "needs a container and at least one device",
};

/* Index of the saved device that @s names, or -1. */
static long match_saved(const struct device_spec *s, const struct saved_device *saved,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool host_ok = !s->host || strcmp(s->host, saved[i].host) == 0;
		bool ctr_ok = !s->ctr || strcmp(s->ctr, saved[i].ctr) == 0;

		if (host_ok && ctr_ok)
			return (long)i;
	}
	return -1;
}

static int remove_live(const struct target *t, const struct saved_device *saved, size_t n,
		       const bool *gone, struct err *e)
{
	struct device_ctr c = { 0 };
	int r = live_ctr(t, &c, e);

	if (r == 0)
		r = device_live_remove(&c, saved, n, gone, e);
	device_cgroup_free(&c.cg);
	return r;
}

/* Another saved device, kept, with the numbers of saved[i]? */
static bool still_used(const struct saved_device *saved, size_t n, const bool *gone, size_t i)
{
	for (size_t j = 0; j < n; j++)
		if (j != i && !gone[j] && saved[j].type == saved[i].type &&
		    saved[j].major == saved[i].major && saved[j].minor == saved[i].minor)
			return true;
	return false;
}

/* gone[i]: saved[i] is named by one of @specs, or, with @follow, is a
 * partition that came with such a disk. */
static int mark_gone(const char *id, const struct device_spec *specs, size_t n, bool follow,
		     const struct saved_device *saved, size_t n_saved, bool *gone, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		long at = match_saved(&specs[i], saved, n_saved);

		if (at < 0)
			return err_set(e, ENOENT, "device %s%s%s was not added to container %s",
				       specs[i].host ? specs[i].host : "", specs[i].ctr ? ":" : "",
				       specs[i].ctr ? specs[i].ctr : "", id);
		gone[at] = true;
	}
	for (size_t i = 0; follow && i < n_saved; i++)
		for (size_t d = 0; d < n_saved && saved[i].parent[0]; d++)
			if (gone[d] && !saved[d].parent[0] && !strcmp(saved[i].parent, saved[d].host))
				gone[i] = true;
	return 0;
}

int remove_devices(struct cli *cli, const char *arg, const struct device_spec *specs,
		   size_t n, bool follow, struct cdi_req *cdi, struct err *e)
{
	struct saved_device *saved = NULL;
	size_t n_saved = 0;
	_cleanup_free_ bool *gone = NULL;
	_cleanup_target_ struct target t;
	int r = -1;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	if (store_devices(&t.store, &saved, &n_saved, e) < 0)
		goto out;
	gone = xcalloc(n_saved ? n_saved : 1, sizeof(bool));
	if (mark_gone(t.id, specs, n, follow, saved, n_saved, gone, e) < 0 ||
	    cdi_remove_mark(cdi, &t, saved, n_saved, gone, e) < 0)
		goto out;
	if (t.running && remove_live(&t, saved, n_saved, gone, e) < 0)
		goto out;
	for (size_t i = n_saved; i-- > 0;) {
		if (!gone[i])
			continue;
		store_remove_device(&t.store, i);
		if (saved[i].follow && udev_rules_remove(cli->root, t.id, saved[i].ctr, NULL, e) < 0)
			goto out;
		if (saved[i].type == 'b' && !still_used(saved, n_saved, gone, i))
			qos_clear_device(&t, t.store.doc, saved[i].major, saved[i].minor, t.running);
	}
	if (cdi_remove_rest(cdi, cli, &t, e) < 0 || store_save(&t.store, e) < 0)
		goto out;
	for (size_t i = 0; i < n_saved; i++) {
		if (!gone[i])
			continue;
		cli_printf("Remove device (%s) from container(%s,%s) done.\n", saved[i].host, t.id,
		           saved[i].ctr);
		log_info("%s: removed device %s at %s%s", t.id, saved[i].host, saved[i].ctr,
			 t.running ? "" : ", saved state only");
	}
	cdi_report_removed(cdi, &t);
	cli_systemd_devices(cli, "remove-device", &t, saved, n_saved, gone);
	r = 0;
out:
	saved_devices_free(saved, n_saved);
	return r;
}

const struct command cmd_remove_device = {
	.help = "Remove devices added with add-device: the node goes from the running\n"
		"container, its cgroup access is withdrawn (unless the runtime itself or\n"
		"another saved device grants it), and it is no longer re-added at restart.\n"
		"Either path may be left empty (':/dev/x' or '/dev/sdb:'). A stopped container\n"
		"only has its saved state changed. A CDI device (vendor.com/class=name) takes\n"
		"away exactly what it applied: its nodes and their access, its mounts and\n"
		"its interfaces (but what another CDI device still uses).\n",
	.name = "remove-device",
	.run = run_device,
	.args = "CONTAINER HOSTDEV[:CTRDEV]|VENDOR/CLASS=NAME... [--follow-partition]",
	.flags = CLI_FLAGS(
		{ "follow-partition", F_FOLLOW, NULL, "the partitions that came with a removed disk go too\n"
		  "(without it they stay, and list-device shows them)", 0 }),
	.min_pos = 2,
	.max_pos = CLI_MANY,
	.pos_error = "needs a container and at least one device",
};


