/* prestart, the device part: the saved devices as they are on this host
 * now (numbers refreshed, partitions of followed disks listed again),
 * their nodes made in the container's pass through its mount namespace,
 * their access granted in its cgroup (device_cgroup.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "device.h"
#include "device_cgroup.h"
#include "log.h"
#include "partition.h"
#include "prestart.h"
#include "record.h"
#include "udev_rules.h"
#include "util.h"

int prestart_read_cgroup(struct prestart *p, struct err *e)
{
	struct err v1 = { 0 }, v2 = { 0 };

	if (cgroup_dir(p->st->pid, "devices", &p->cgroup, &v1) == 0)
		return cgroup_device_list(p->cgroup, &p->baseline, &p->n_baseline, e);
	if (cgroup_v2_dir(p->st->pid, &p->cgroup_v2, &v2) == 0)
		return 0;
	if (p->n_devs) {
		*e = v1;
		return -1;
	}
	return 0;
}

static struct saved_device copy_device(const struct saved_device *d)
{
	struct saved_device c = *d;

	c.host = xstrdup(d->host);
	c.ctr = xstrdup(d->ctr);
	c.parent = xstrdup(d->parent);
	return c;
}

/* A saved disk whose partitions follow it, at host path @host (any). */
static bool followed(const struct saved_device *d, size_t n, const char *host)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].follow && !d[i].parent[0] && (!host || !strcmp(d[i].host, host)))
			return true;
	return false;
}

/* The partitions saved with @disk, in order, are exactly @now? */
static bool same_partitions(const struct saved_device *d, size_t n, const char *disk,
			    const struct saved_device *now, size_t n_now)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(d[i].parent, disk) != 0)
			continue;
		if (k == n_now || strcmp(d[i].host, now[k].host) || strcmp(d[i].ctr, now[k].ctr) ||
		    d[i].major != now[k].major || d[i].minor != now[k].minor ||
		    strcmp(d[i].perms, now[k].perms))
			return false;
		k++;
	}
	return k == n_now;
}

struct dev_list {
	struct saved_device *d;
	bool *hint;
	size_t n, cap;
};

static void dev_list_push(struct dev_list *l, struct saved_device d, bool hint)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->d = xrealloc(l->d, l->cap * sizeof(*l->d));
		l->hint = xrealloc(l->hint, l->cap * sizeof(*l->hint));
	}
	l->d[l->n] = d;
	l->hint[l->n++] = hint;
}

/* Append the partitions of followed disk @disk as sysfs has them now;
 * when the disk is not there, its saved partitions stay, as hints. */
static void disk_now(struct prestart *p, const struct saved_device *disk, struct dev_list *out)
{
	_cleanup_free_ struct partition *parts = NULL;
	_cleanup_free_ struct saved_device *now = NULL;
	struct block_info info;
	struct err why = { 0 };
	size_t np = 0;

	if (disk_partitions(disk->host, &info, &parts, &np, &why) < 0) {
		log_warn("%s: partitions of %s skipped: %s", p->st->id, disk->host, why.msg);
		for (size_t i = 0; i < p->n_devs; i++)
			if (!strcmp(p->devs[i].parent, disk->host))
				dev_list_push(out, copy_device(&p->devs[i]), true);
		return;
	}
	now = partition_devices(disk, info.name, parts, np);
	if (!same_partitions(p->devs, p->n_devs, disk->host, now, np)) {
		log_info("%s: partitions of %s (%s) are now %zu", p->st->id, disk->host, info.name,
			 np);
		p->dirty = true;
	}
	for (size_t i = 0; i < np; i++)
		dev_list_push(out, now[i], false);
}

/* Saved partition names are hints only: the kernel may have given them to
 * another disk's partitions since (a disk detached and another attached
 * under its name). The partitions of each followed disk are listed again
 * from sysfs at every start, those that came while it was stopped
 * included, and replace the saved ones. */
void prestart_derive_partitions(struct prestart *p)
{
	struct dev_list out = { 0 };

	if (!followed(p->devs, p->n_devs, NULL))
		return;
	for (size_t i = 0; i < p->n_devs; i++) {
		const struct saved_device *d = &p->devs[i];

		if (d->parent[0] && followed(p->devs, p->n_devs, d->parent))
			continue;       /* derived again, with its disk */
		dev_list_push(&out, copy_device(d), false);
		if (d->follow && !d->parent[0])
			disk_now(p, d, &out);
	}
	saved_devices_free(p->devs, p->n_devs);
	p->devs = out.d;
	p->n_devs = out.n;
	p->dev_hint = out.hint;
}

/* A partition goes to the container only when its node is, in sysfs, a
 * partition of the disk it was saved with, as that disk is now. */
static bool partition_ok(struct prestart *p, const struct saved_device *d)
{
	struct err why = { 0 };

	if (!d->parent[0] || partition_check(d->host, d->parent, &why) == 0)
		return true;
	log_warn("%s: partition %s skipped: %s", p->st->id, d->host, why.msg);
	return false;
}

/* A saved device whose host node is gone (an unplugged disk) is skipped
 * with a warning so that the container still starts; it stays saved. */
void prestart_device_ops(struct prestart *p)
{
	p->dev_present = xcalloc(p->n_devs, sizeof(bool));
	for (size_t i = 0; i < p->n_devs; i++) {
		struct saved_device *d = &p->devs[i];
		struct host_device h;
		struct err why = { 0 };

		if ((p->dev_hint && p->dev_hint[i]) || !partition_ok(p, d))
			continue;
		if (saved_device_host(d, &h, &why) < 0) {
			log_warn("%s: device %s skipped: %s", p->st->id, d->host, why.msg);
			continue;
		}
		if (device_refresh(d, &h)) {
			log_info("%s: device %s is now %c %lld:%lld", p->st->id, d->host, d->type,
				 (long long)d->major, (long long)d->minor);
			p->dirty = true;
		}
		device_mknod_op(&p->ops[p->n_ops++], d, &h, &p->spec, true);
		p->dev_present[i] = true;
	}
}

/* Wait for the pass, then grant the devices in the cgroup. */
int prestart_grant(struct prestart *p, struct err *e)
{
	struct device_cgroup cg = {
		.v2 = p->cgroup_v2 != NULL,
		.dir = p->cgroup_v2 ? p->cgroup_v2 : p->cgroup,
		.baseline = p->baseline,
		.n_baseline = p->n_baseline,
	};

	if (ns_wait(&p->job, e) < 0 || ns_ops_check(p->ops, p->n_ops, e) < 0)
		return -1;
	if (p->relabel)
		log_info("%s: %s", p->st->id, p->relabel->err.msg);
	/* nothing saved: the runtime's device program is left as it is */
	return device_grant(&cg, NULL, 0, p->devs, p->n_devs, p->dev_present, e);
}

/* Disks whose partitions follow them get their udev rule (again): the
 * disk's kernel name may have changed since the last start. The rule
 * names this hook's store, runtime directory and log. A failure here
 * costs partition following only, so it is logged, not fatal. */
void prestart_follow_disks(struct prestart *p)
{
	for (size_t i = 0; i < p->n_devs; i++) {
		struct err why = { 0 };

		if (!p->devs[i].follow || !p->dev_present[i])
			continue;
		if (partition_follow_rule(p->st->id, &p->devs[i], store_root(p->o->root),
					  record_dir(), p->o->log, &why) < 0)
			log_warn("%s: partitions of %s will not follow: %s", p->st->id,
				 p->devs[i].host, why.msg);
	}
}
