/* add-device, remove-device, list-device, and the udev entry point of
 * partition following. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bind.h"
#include "device.h"
#include "device_cgroup.h"
#include "cgroup.h"
#include "cli.h"
#include "container_id.h"
#include "json.h"
#include "log.h"
#include "partition.h"
#include "store_qos.h"
#include "udev_rules.h"
#include "util.h"

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

enum { F_FORCE = 256, F_SUB_PARTITION, F_FOLLOW, F_RUNDIR };

static int device_flag(int id, const char *name, const char *arg, void *ctx, struct err *e)
{
	struct device_flags *f = ctx;

	(void)name;
	if (id >= CLI_F_QOS && id < CLI_F_QOS + QOS_KINDS)
		return qos_req_add(&f->qos, (enum qos_kind)(id - CLI_F_QOS), arg, e);
	f->force |= id == F_FORCE;
	f->config_only |= id == CLI_F_CONFIG_ONLY;
	f->follow |= id == F_FOLLOW;
	return 0;
}

/* The cgroup directory recorded at prestart, or found now. */
static int devices_cgroup(const struct target *t, char **dir, struct err *e)
{
	if (t->c.rec.devices_cgroup) {
		*dir = xstrdup(t->c.rec.devices_cgroup);
		return 0;
	}
	return cgroup_dir(t->c.rec.pid, "devices", dir, e);
}

/* Undo the cgroup rules of devices [0, n) of @add, given what was saved. */
static void undo_allow(const char *cg, const struct target *t, const struct saved_device *add,
		       size_t n, const struct saved_device *saved, size_t n_saved)
{
	for (size_t i = 0; i < n; i++) {
		unsigned bits = device_deny_bits(&add[i], t->c.rec.baseline, t->c.rec.n_baseline,
						 saved, n_saved, SIZE_MAX);
		struct err undo = { 0 };
		char perms[4];

		device_perms_string(bits, perms);
		if (bits && cgroup_device_deny(cg, add[i].type, add[i].major, add[i].minor, perms,
					       &undo) < 0)
			err_warn(&undo, "%s: undo: %s", t->id, add[i].ctr);
	}
}

/* Remove the nodes created by the operations that succeeded. */
static void undo_nodes(const struct target *t, const struct ns_op *done, size_t n)
{
	struct ns_op *ops = xcalloc(n, sizeof(*ops));
	size_t k = 0;
	struct err undo = { 0 };

	for (size_t i = 0; i < n; i++)
		if (done[i].done && !done[i].failed)
			device_rmnode_op(&ops[k++], done[i].path);
	if (k && ns_run(t->c.mntns_fd, "/", ops, k, false, &undo) < 0)
		err_warn(&undo, "%s: undo: remove the new nodes", t->id);
	free(ops);
}

/* cgroup v2: programs that allow @a and @b together, over the runtime's. */
static int v2_allow(const struct target *t, const struct saved_device *a, size_t na,
		    const struct saved_device *b, size_t nb, struct err *e)
{
	_cleanup_free_ struct saved_device *all = xcalloc(na + nb + 1, sizeof(*all));
	_cleanup_free_ char *dir = NULL;

	if (cgroup_v2_dir(t->c.rec.pid, &dir, e) < 0)
		return -1;
	memcpy(all, a, na * sizeof(*a));
	memcpy(all + na, b, nb * sizeof(*b));
	return devices_v2_set(dir, all, na + nb, NULL, e);
}

static int add_live(const struct target *t, const struct saved_device *add,
		    const struct host_device *hosts, size_t n, bool force,
		    const struct saved_device *saved, size_t n_saved, struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n, sizeof(*ops));
	_cleanup_free_ char *cg = NULL;
	bool v2 = t->c.rec.devices_v2;

	if (!v2 && devices_cgroup(t, &cg, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		device_mknod_op(&ops[i], &add[i], &hosts[i], &t->c.spec, force);
	if (ns_run(t->c.mntns_fd, "/", ops, n, true, e) < 0)
		return -1;
	if (ns_ops_check(ops, n, e) < 0) {
		undo_nodes(t, ops, n);
		return -1;
	}
	if (v2) {
		if (v2_allow(t, saved, n_saved, add, n, e) < 0) {
			undo_nodes(t, ops, n);
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (cgroup_device_allow(cg, add[i].type, add[i].major, add[i].minor, add[i].perms,
					e) < 0) {
			undo_allow(cg, t, add, i, saved, n_saved);
			undo_nodes(t, ops, n);
			return -1;
		}
	}
	return 0;
}

static void remove_rules(const struct target *t, const struct udev_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct err undo = { 0 };

		if (udev_rules_remove(rules[i].root, t->id, rules[i].ctr_disk, NULL, &undo) < 0)
			err_warn(&undo, "%s: undo: udev rule of %s", t->id, rules[i].ctr_disk);
	}
}

/* Take back every node and rule of a batch that was applied in full. */
static void undo_live(const struct target *t, const struct saved_device *add, size_t n,
		      const struct saved_device *saved, size_t n_saved)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n, sizeof(*ops));
	_cleanup_free_ char *cg = NULL;
	struct err undo = { 0 };

	if (t->c.rec.devices_v2)
		v2_allow(t, saved, n_saved, NULL, 0, &undo);
	else if (devices_cgroup(t, &cg, &undo) == 0)
		undo_allow(cg, t, add, n, saved, n_saved);
	err_warn(&undo, "%s: undo: device access", t->id);
	for (size_t i = 0; i < n; i++) {
		device_rmnode_op(&ops[i], add[i].ctr);
		ops[i].done = true;
	}
	undo_nodes(t, ops, n);
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
		if (host_device_stat(specs[i].host, &hosts[i], e) < 0)
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

static int add_devices(struct device_flags *f, struct cli *cli, const char *arg,
		       const struct device_spec *specs, size_t n, struct err *e)
{
	_cleanup_free_ struct saved_device *add = xcalloc(n, sizeof(*add));
	_cleanup_free_ struct host_device *hosts = xcalloc(n, sizeof(*hosts));
	struct saved_device *saved = NULL;
	size_t n_saved = 0;
	bool live;
	struct target t;
	int r = -1;

	if (target_open(cli, arg, f->config_only ? TARGET_MAY_BE_STOPPED : TARGET_MUST_RUN,
			STORE_CREATE, &t, e) < 0)
		return -1;
	live = t.running && !f->config_only;
	if (store_devices(&t.store, &saved, &n_saved, e) < 0 ||
	    check_conflicts(specs, n, saved, n_saved, t.id, e) < 0 ||
	    stat_hosts(f, specs, n, add, hosts, e) < 0 ||
	    qos_req_resolve(&f->qos, add, n, saved, n_saved, t.id, e) < 0)
		goto out;
	if (live && add_live(&t, add, hosts, n, f->force, saved, n_saved, e) < 0)
		goto out;
	if (live && qos_req_apply(&t, &f->qos, e) < 0) {
		undo_live(&t, add, n, saved, n_saved);
		goto out;
	}
	for (size_t i = 0; i < f->n_rules; i++) {
		snprintf(f->rules[i].id, sizeof(f->rules[i].id), "%s", t.id);
		if (udev_rules_add(&f->rules[i], e) < 0) {
			remove_rules(&t, f->rules, i);
			if (live)
				undo_live(&t, add, n, saved, n_saved);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		store_add_device(&t.store, &add[i]);
	qos_req_save(t.store.doc, &f->qos);
	if (store_save(&t.store, e) < 0) {
		remove_rules(&t, f->rules, f->n_rules);
		if (live)
			undo_live(&t, add, n, saved, n_saved);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cli_printf("Add device (%s) to container(%s,%s) done.\n", add[i].host, t.id, add[i].ctr);
		log_info("%s: added device %s at %s (%c %lld:%lld %s)%s", t.id, add[i].host,
			 add[i].ctr, add[i].type, (long long)add[i].major, (long long)add[i].minor,
			 add[i].perms, live ? "" : ", saved only");
	}
	qos_req_report(t.id, &f->qos, live);
	r = 0;
out:
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

static int remove_devices(struct cli *cli, const char *arg, const struct device_spec *specs,
			  size_t n, bool follow, struct err *e);

/* The partitions of disk @d as they are now, each node checked to be what
 * sysfs says it is, as specs that join the batch. */
static int disk_specs(const struct device_spec *d, struct block_info *info,
		      struct device_spec **out, size_t *n, struct err *e)
{
	struct saved_device disk = { .host = d->host, .ctr = d->ctr };
	_cleanup_free_ struct partition *parts = NULL;
	struct saved_device *devs;

	if (disk_partitions(d->host, info, &parts, n, e) < 0)
		return -1;
	for (size_t k = 0; k < *n; k++) {
		_cleanup_free_ char *node = xasprintf("/dev/%s", parts[k].name);

		if (partition_check(node, d->host, e) < 0)
			return -1;
	}
	strcpy(disk.perms, d->perms);
	devs = partition_devices(&disk, info->name, parts, *n);
	*out = xcalloc(*n ? *n : 1, sizeof(**out));
	for (size_t k = 0; k < *n; k++) {
		(*out)[k].host = devs[k].host;
		(*out)[k].ctr = devs[k].ctr;
		strcpy((*out)[k].perms, d->perms);
		free(devs[k].parent);
	}
	free(devs);
	return 0;
}

/* --follow-partition: each spec must be a whole disk; its partitions join
 * the batch at the disk's container path with the partition suffix, and
 * the disk gets a udev rule for partitions that appear later. The rule
 * carries this command's store, runtime directory and log. */
static int follow_partitions(struct device_flags *f, const struct cli *cli,
			     struct device_spec **specs, size_t *n, struct err *e)
{
	size_t n0 = *n;

	f->rules = xcalloc(n0, sizeof(*f->rules));
	f->follow_disk = xcalloc(n0, sizeof(bool));
	f->parents = xcalloc(n0, sizeof(char *));
	for (size_t i = 0; i < n0; i++) {
		struct udev_rule *rule = &f->rules[f->n_rules];
		_cleanup_free_ struct device_spec *parts = NULL;
		struct block_info info;
		size_t np = 0;

		if (udev_rule_paths(rule, cli->root, cli->rundir, cli->log, e) < 0 ||
		    disk_specs(&(*specs)[i], &info, &parts, &np, e) < 0)
			return err_wrap(e, "--follow-partition");
		f->follow_disk[i] = true;
		snprintf(rule->disk, sizeof(rule->disk), "%s", info.name);
		snprintf(rule->ctr_disk, sizeof(rule->ctr_disk), "%s", (*specs)[i].ctr);
		f->n_rules++;
		*specs = xrealloc(*specs, (*n + np) * sizeof(**specs));
		f->parents = xrealloc(f->parents, (*n + np) * sizeof(char *));
		f->follow_disk = xrealloc(f->follow_disk, (*n + np) * sizeof(bool));
		for (size_t k = 0; k < np; k++) {
			(*specs)[*n] = parts[k];
			f->parents[*n] = (*specs)[i].host;
			f->follow_disk[(*n)++] = false;
		}
	}
	return 0;
}

/* add-device and remove-device: CONTAINER SPEC... */
static int device_command(const struct command *cmd, int mode, struct cli *cli,
			  const struct cli_args *a)
{
	struct device_flags f = { 0 };
	struct device_spec *specs = NULL;
	size_t n = a->n_pos - 1;
	struct err e = { 0 };
	int r = EXIT_USAGE;

	if (cli_flags_apply(cmd, a, device_flag, &f) < 0 ||
	    parse_specs(cmd, mode, a->pos + 1, n, &specs) < 0)
		goto out;
	if (f.follow && mode == SPEC_DEVICE_ADD && follow_partitions(&f, cli, &specs, &n, &e) < 0)
		r = fail(cmd, &e);
	else if (mode == SPEC_DEVICE_ADD)
		r = add_devices(&f, cli, a->pos[0], specs, n, &e) < 0 ? fail(cmd, &e) : 0;
	else
		r = remove_devices(cli, a->pos[0], specs, n, f.follow, &e) < 0 ? fail(cmd, &e) : 0;
	free_specs(specs, n);
out:
	qos_req_free(&f.qos);
	free(f.parents);
	free(f.follow_disk);
	free(f.rules);
	return r;
}

static int run_add_device(struct cli *cli, const struct cli_args *a)
{
	return device_command(&cmd_add_device, SPEC_DEVICE_ADD, cli, a);
}

static const struct cli_flag add_flags[] = {
	{ "force", F_FORCE, NULL, "replace a file already at the container path", 0 },
	{ "follow-partition", F_FOLLOW, NULL, "each HOSTDEV is a whole disk: its partitions come\n"
	  "too (sdb1 of a disk at /dev/data at /dev/data1), are\n"
	  "listed again from the disk at every start, and a\n"
	  "udev rule adds or removes those that appear or go", 0 },
	{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only save; do not touch the container (which then\n"
	  "need not be running)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct command cmd_add_device = {
	.name = "add-device",
	.run = run_add_device,
	.args = "CONTAINER HOSTDEV[:CTRDEV][:PERMS]... [--force] [--update-config-only] "
		"[--follow-partition] [QoS flags]",
	.help = "Create each host device node inside the running container (same type,\n"
		"major:minor and mode; owner mapped through its user namespace), allow it in\n"
		"the container's devices cgroup, and save it so the prestart hook re-creates\n"
		"it at every start. PERMS is a subset of rwm (default rwm); CTRDEV defaults to\n"
		"HOSTDEV. A container path may hold one device; a batch is all or nothing.\n"
		"The QoS flags set limits of a block device of this command or of one\n"
		"already added.\n",
	.flags = add_flags,
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

static int remove_live(const struct target *t, struct saved_device *saved, size_t n_saved,
		       const bool *gone, struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n_saved, sizeof(*ops));
	_cleanup_free_ struct saved_device *keep = xcalloc(n_saved, sizeof(*keep));
	_cleanup_free_ char *cg = NULL;
	size_t k = 0, nk = 0;
	bool v2 = t->c.rec.devices_v2;

	if (!v2 && devices_cgroup(t, &cg, e) < 0)
		return -1;
	for (size_t i = 0; i < n_saved; i++) {
		if (gone[i])
			device_rmnode_op(&ops[k++], saved[i].ctr);
		else
			keep[nk++] = saved[i];
	}
	if (ns_run(t->c.mntns_fd, "/", ops, k, true, e) < 0 || ns_ops_check(ops, k, e) < 0)
		return -1;
	if (v2)
		return v2_allow(t, keep, nk, NULL, 0, e);
	for (size_t i = 0; i < n_saved; i++) {
		unsigned bits;
		char perms[4];

		if (!gone[i])
			continue;
		bits = device_deny_bits(&saved[i], t->c.rec.baseline, t->c.rec.n_baseline, keep, nk,
					SIZE_MAX);
		device_perms_string(bits, perms);
		if (bits && cgroup_device_deny(cg, saved[i].type, saved[i].major, saved[i].minor,
					       perms, e) < 0)
			return -1;
	}
	return 0;
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

static int remove_devices(struct cli *cli, const char *arg, const struct device_spec *specs,
			  size_t n, bool follow, struct err *e)
{
	struct saved_device *saved = NULL;
	size_t n_saved = 0;
	bool *gone = NULL;
	struct target t;
	int r = -1;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	if (store_devices(&t.store, &saved, &n_saved, e) < 0)
		goto out;
	gone = xcalloc(n_saved ? n_saved : 1, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		long at = match_saved(&specs[i], saved, n_saved);

		if (at < 0) {
			err_set(e, ENOENT, "device %s%s%s was not added to container %s",
				specs[i].host ? specs[i].host : "", specs[i].ctr ? ":" : "",
				specs[i].ctr ? specs[i].ctr : "", t.id);
			goto out;
		}
		gone[at] = true;
	}
	/* --follow-partition: the partitions that came with a removed disk go too */
	for (size_t i = 0; follow && i < n_saved; i++)
		for (size_t d = 0; d < n_saved && saved[i].parent[0]; d++)
			if (gone[d] && !saved[d].parent[0] && !strcmp(saved[i].parent, saved[d].host))
				gone[i] = true;
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
	if (store_save(&t.store, e) < 0)
		goto out;
	for (size_t i = 0; i < n_saved; i++) {
		if (!gone[i])
			continue;
		cli_printf("Remove device (%s) from container(%s,%s) done.\n", saved[i].host, t.id,
		           saved[i].ctr);
		log_info("%s: removed device %s at %s%s", t.id, saved[i].host, saved[i].ctr,
			 t.running ? "" : ", saved state only");
	}
	r = 0;
out:
	free(gone);
	saved_devices_free(saved, n_saved);
	target_close(&t);
	return r;
}

static const struct cli_flag remove_flags[] = {
	{ "follow-partition", F_FOLLOW, NULL, "the partitions that came with a removed disk go too\n"
	  "(without it they stay, and list-device shows them)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static int run_remove_device(struct cli *cli, const struct cli_args *a)
{
	return device_command(&cmd_remove_device, SPEC_DEVICE_REMOVE, cli, a);
}

const struct command cmd_remove_device = {
	.name = "remove-device",
	.run = run_remove_device,
	.args = "CONTAINER HOSTDEV[:CTRDEV]... [--follow-partition]",
	.help = "Remove devices added with add-device: the node goes from the running\n"
		"container, its cgroup access is withdrawn (unless the runtime itself or\n"
		"another saved device grants it), and it is no longer re-added at restart.\n"
		"Either path may be left empty (':/dev/x' or '/dev/sdb:'). A stopped container\n"
		"only has its saved state changed.\n",
	.flags = remove_flags,
	.min_pos = 2,
	.max_pos = CLI_MANY,
	.pos_error = "needs a container and at least one device",
};

static const struct cli_flag list_flags[] = {
	CLI_FLAG_PRETTY,
	{ "sub-partition", F_SUB_PARTITION, NULL, "include partitions added by following a disk", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

/* A saved whole device at host path @host: the partitions that came with
 * it are listed under it only with --sub-partition. A partition whose
 * disk is no longer saved is always listed, or it would be invisible. */
static bool disk_listed(const cJSON *arr, const char *host)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "PathOnHost");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "Parent");

		if (cJSON_IsString(h) && !strcmp(h->valuestring, host) &&
		    (!cJSON_IsString(p) || !*p->valuestring))
			return true;
	}
	return false;
}

static int run_list_device(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_list_device;
	bool sub_partition = cli_has(a, F_SUB_PARTITION);
	_cleanup_cjson_ cJSON *out = cJSON_CreateArray();
	const cJSON *arr, *it;
	struct err e = { 0 };
	struct target t;

	if (target_open(cli, a->pos[0], TARGET_MAY_BE_STOPPED, STORE_READ, &t, &e) < 0)
		return fail(cmd, &e);
	arr = cJSON_GetObjectItemCaseSensitive(t.store.doc, "deviceToAdd");
	cJSON_ArrayForEach(it, arr) {
		const cJSON *parent = cJSON_GetObjectItemCaseSensitive(it, "Parent");

		if (sub_partition || !cJSON_IsString(parent) || !*parent->valuestring ||
		    !disk_listed(arr, parent->valuestring))
			cJSON_AddItemToArray(out, cJSON_Duplicate(it, true));
	}
	print_json(out, cli_has(a, CLI_F_PRETTY));
	target_close(&t);
	return 0;
}

const struct command cmd_list_device = {
	.name = "list-device",
	.run = run_list_device,
	.args = "CONTAINER [--pretty] [--sub-partition]",
	.help = "Print the saved devices of the container as a JSON array.\n",
	.flags = list_flags,
	CLI_ONE_CONTAINER,
};

/* Saved disk of container @id at container path @ctr_disk: its host path
 * and permissions. */
static int find_disk(struct cli *cli, const char *id, const char *ctr_disk, char **host,
		     char perms[4], struct err *e)
{
	struct saved_device *saved = NULL;
	size_t n = 0;
	struct store s;
	int r = -1;

	if (store_open(cli->root, id, STORE_READ, &s, e) < 0)
		return -1;
	if (store_devices(&s, &saved, &n, e) == 0) {
		for (size_t i = 0; i < n && r < 0; i++)
			if (saved[i].follow && !strcmp(saved[i].ctr, ctr_disk)) {
				*host = xstrdup(saved[i].host);
				strcpy(perms, saved[i].perms);
				r = 0;
			}
		if (r < 0)
			err_set(e, ENOENT, "container %s follows no disk at %s", id, ctr_disk);
	}
	saved_devices_free(saved, n);
	store_close(&s);
	return r;
}

/* What a udev rule runs when a partition of a followed disk appears or
 * goes: add or remove it in the container (saved only when it is not
 * running). Repeated events are harmless. */
static int udev_partition(struct cli *cli, bool add, const char *id, const char *kernel,
			  const char *disk, const char *ctr_disk, struct err *e)
{
	_cleanup_free_ char *ctr = partition_ctr_path(disk, kernel, ctr_disk);
	_cleanup_free_ char *host = xasprintf("/dev/%s", kernel);
	_cleanup_free_ char *disk_host = NULL;
	struct device_spec spec = { host, ctr, "rwm" };
	struct device_flags f = { .force = true };
	struct container c;
	struct err quiet = { 0 };
	bool running;
	int r;

	if (!ctr)
		return err_set(e, EINVAL, "partition %s is not named after disk %s", kernel, disk);
	if (!add) {
		/* host and container path: a rule left behind by a disk that has
		 * gone never takes away the partition of the one followed now */
		if (remove_devices(cli, id, &spec, 1, false, &quiet) < 0 && quiet.code != ENOENT) {
			*e = quiet;
			return -1;
		}
		return 0;
	}
	if (find_disk(cli, id, ctr_disk, &disk_host, spec.perms, e) < 0 ||
	    partition_check(host, disk_host, e) < 0)
		return -1;
	running = container_attach(cli->rundir, id, &c, &quiet) == 0;
	if (running)
		container_detach(&c);
	f.config_only = !running;
	f.parents = (const char *[]){ disk_host };
	r = add_devices(&f, cli, id, &spec, 1, e);
	qos_req_free(&f.qos);
	if (r < 0)
		return e->code == EEXIST ? 0 : -1;
	return 0;
}

static int run_udev_partition(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_udev_partition;
	const char *rundir = cli_value(a, F_RUNDIR);
	char *const *arg = a->pos;
	struct err e = { 0 };
	bool add = !strcmp(arg[0], "add");

	/* the runtime directory of whoever wrote the rule: udevd runs us
	 * with its own environment */
	if (rundir && !udev_path_ok(rundir))
		return usage_error(cmd, "--rundir needs an absolute path");
	if (rundir)
		cli->rundir = rundir;
	if (!add && strcmp(arg[0], "remove"))
		return usage_error(cmd, "action '%s' is not add or remove", arg[0]);
	if (container_id_check(arg[1], &e) < 0)
		return usage_error(cmd, "%s", e.msg);
	if (!udev_kernel_name_ok(arg[2]) || !udev_kernel_name_ok(arg[3]) || arg[4][0] != '/')
		return usage_error(cmd, "invalid partition, disk or container path");
	if (udev_partition(cli, add, arg[1], arg[2], arg[3], arg[4], &e) < 0)
		return fail(cmd, &e);
	return 0;
}

static const struct cli_flag udev_flags[] = {
	{ "rundir", F_RUNDIR, "DIR", "the runtime record directory of whoever wrote the rule", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct command cmd_udev_partition = {
	.name = "udev-partition",
	.run = run_udev_partition,
	.args = "[--rundir DIR] add|remove CONTAINER PARTITION DISK CTRDISK",
	.help = "Run by the udev rule that add-device --follow-partition writes, when a\n"
		"partition of a followed disk appears or goes: the partition (kernel name\n"
		"PARTITION of disk DISK) is added to or removed from the container at\n"
		"CTRDISK plus the partition's suffix. A partition is added only when sysfs\n"
		"shows it on the disk that the container follows now. Not meant to be typed:\n"
		"the rule gives the global --root and --log and the runtime record\n"
		"directory (--rundir, else $SYSCONTAINER_HOOKS_RUNDIR) of whoever wrote it.\n",
	.flags = udev_flags,
	.min_pos = 5,
	.max_pos = 5,
	.pos_error = "needs ACTION CONTAINER PARTITION DISK CTRDISK",
	.no_container = true,
};
