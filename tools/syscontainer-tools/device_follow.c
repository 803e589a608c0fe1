/* Partition following: the partitions of a disk added with
 * --follow-partition join its batch, and the udev entry point adds or
 * removes those that appear or go later. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "container_id.h"
#include "device_cmd.h"
#include "partition.h"
#include "util.h"

enum { F_RUNDIR = 256 };

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
int follow_partitions(struct device_flags *f, const struct cli *cli,
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
	struct device_spec spec = { .host = host, .ctr = ctr, .perms = "rwm" };
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
		if (remove_devices(cli, id, &spec, 1, false, NULL, &quiet) < 0 && quiet.code != ENOENT) {
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

const struct command cmd_udev_partition = {
	.help = "Run by the udev rule that add-device --follow-partition writes, when a\n"
		"partition of a followed disk appears or goes: the partition (kernel name\n"
		"PARTITION of disk DISK) is added to or removed from the container at\n"
		"CTRDISK plus the partition's suffix. A partition is added only when sysfs\n"
		"shows it on the disk that the container follows now. Not meant to be typed:\n"
		"the rule gives the global --root and --log and the runtime record\n"
		"directory (--rundir, else $SYSCONTAINER_HOOKS_RUNDIR) of whoever wrote it.\n",
	.name = "udev-partition",
	.run = run_udev_partition,
	.args = "[--rundir DIR] add|remove CONTAINER PARTITION DISK CTRDISK",
	.flags = CLI_FLAGS(
		{ "rundir", F_RUNDIR, "DIR", "the runtime record directory of whoever wrote the rule", 0 }),
	.min_pos = 5,
	.max_pos = 5,
	.pos_error = "needs ACTION CONTAINER PARTITION DISK CTRDISK",
	.no_container = true,
};
