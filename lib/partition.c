#include "partition.h"

#include <errno.h>
#include <libudev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dynlib.h"
#include "udev_rules.h"
#include "util.h"

/* libudev, loaded on first use: only partition following needs it, and
 * every container start would otherwise pay for loading it. */
/* in the order of the names in udev_open */
static struct {
	__typeof__(&udev_new) new_;
	__typeof__(&udev_unref) unref;
	__typeof__(&udev_device_new_from_devnum) dev_from_devnum;
	__typeof__(&udev_device_unref) dev_unref;
	__typeof__(&udev_device_get_devtype) dev_devtype;
	__typeof__(&udev_device_get_sysname) dev_sysname;
	__typeof__(&udev_device_get_syspath) dev_syspath;
	__typeof__(&udev_device_get_devnum) dev_devnum;
	__typeof__(&udev_device_new_from_syspath) dev_from_syspath;
	__typeof__(&udev_device_get_parent_with_subsystem_devtype) dev_parent;
	__typeof__(&udev_enumerate_new) en_new;
	__typeof__(&udev_enumerate_add_match_parent) en_match_parent;
	__typeof__(&udev_enumerate_add_match_property) en_match_property;
	__typeof__(&udev_enumerate_scan_devices) en_scan;
	__typeof__(&udev_enumerate_get_list_entry) en_list;
	__typeof__(&udev_enumerate_unref) en_unref;
	__typeof__(&udev_list_entry_get_name) entry_name;
	__typeof__(&udev_list_entry_get_next) entry_next;
} ud;

static struct udev *udev_open(struct err *e)
{
	static const char *const names[] = {
		"udev_new", "udev_unref", "udev_device_new_from_devnum", "udev_device_unref",
		"udev_device_get_devtype", "udev_device_get_sysname", "udev_device_get_syspath",
		"udev_device_get_devnum", "udev_device_new_from_syspath",
		"udev_device_get_parent_with_subsystem_devtype",
		"udev_enumerate_new", "udev_enumerate_add_match_parent",
		"udev_enumerate_add_match_property", "udev_enumerate_scan_devices",
		"udev_enumerate_get_list_entry", "udev_enumerate_unref", "udev_list_entry_get_name",
		"udev_list_entry_get_next",
	};
	struct udev *udev;

	if (!ud.new_ && dyn_load("libudev.so.1", names, (void **)&ud, ARRAY_SIZE(names), e) < 0)
		return NULL;
	udev = ud.new_();
	if (!udev)
		err_sys(e, errno ? errno : ENOMEM, "libudev");
	return udev;
}

static struct udev_device *open_block(struct udev *udev, const char *path, struct err *e)
{
	struct udev_device *d;
	struct stat st;

	if (stat(path, &st) < 0) {
		err_sys(e, errno, "host device %s", path);
		return NULL;
	}
	if (!S_ISBLK(st.st_mode)) {
		err_set(e, ENOTBLK, "%s is not a block device", path);
		return NULL;
	}
	d = ud.dev_from_devnum(udev, 'b', st.st_rdev);
	if (!d)
		err_sys(e, errno ? errno : ENODEV, "no sysfs entry for %s", path);
	return d;
}

/* The block device at @path, which must be a @devtype ("disk",
 * "partition"); @what names that in the error. */
static struct udev_device *open_typed(struct udev *udev, const char *path, const char *devtype,
				      const char *what, struct err *e)
{
	struct udev_device *d = open_block(udev, path, e);

	if (d && strcmp(ud.dev_devtype(d) ?: "", devtype) != 0) {
		err_set(e, EINVAL, "%s is not %s", path, what);
		ud.dev_unref(d);
		return NULL;
	}
	return d;
}

int block_info(const char *path, struct block_info *out, struct err *e)
{
	struct udev *udev = udev_open(e);
	struct udev_device *d;
	const char *t;
	int r = -1;

	if (!udev)
		return -1;
	d = open_block(udev, path, e);
	if (d) {
		t = ud.dev_devtype(d);
		snprintf(out->name, sizeof(out->name), "%s", ud.dev_sysname(d));
		snprintf(out->devtype, sizeof(out->devtype), "%s", t ? t : "");
		ud.dev_unref(d);
		r = 0;
	}
	ud.unref(udev);
	return r;
}

static int cmp_part(const void *a, const void *b)
{
	return strcmp(((const struct partition *)a)->name, ((const struct partition *)b)->name);
}

/* The partitions that sysfs lists under @disk. */
static int list_children(struct udev *udev, struct udev_device *disk, struct partition **parts,
			 size_t *n, struct err *e)
{
	struct udev_enumerate *en = ud.en_new(udev);
	struct udev_list_entry *it;
	size_t cap = 8;

	if (!en || ud.en_match_parent(en, disk) < 0 ||
	    ud.en_match_property(en, "DEVTYPE", "partition") < 0 || ud.en_scan(en) < 0) {
		if (en)
			ud.en_unref(en);
		return err_sys(e, EIO, "list the partitions of %s", ud.dev_sysname(disk));
	}
	*parts = xcalloc(cap, sizeof(**parts));
	for (it = ud.en_list(en); it; it = ud.entry_next(it)) {
		struct udev_device *d = ud.dev_from_syspath(udev, ud.entry_name(it));

		if (d && strcmp(ud.dev_syspath(d), ud.dev_syspath(disk)) != 0) {
			if (*n == cap) {
				cap *= 2;
				*parts = xrealloc(*parts, cap * sizeof(**parts));
			}
			snprintf((*parts)[*n].name, sizeof((*parts)[*n].name), "%s", ud.dev_sysname(d));
			(*parts)[*n].major = major(ud.dev_devnum(d));
			(*parts)[(*n)++].minor = minor(ud.dev_devnum(d));
		}
		if (d)
			ud.dev_unref(d);
	}
	ud.en_unref(en);
	qsort(*parts, *n, sizeof(**parts), cmp_part);
	return 0;
}

int disk_partitions(const char *path, struct block_info *info, struct partition **parts,
		    size_t *n, struct err *e)
{
	struct udev *udev = udev_open(e);
	struct udev_device *disk;
	int r = -1;

	*parts = NULL;
	*n = 0;
	if (!udev)
		return -1;
	disk = open_typed(udev, path, "disk", "a whole disk", e);
	if (!disk)
		goto out;
	if (info) {
		snprintf(info->name, sizeof(info->name), "%s", ud.dev_sysname(disk));
		snprintf(info->devtype, sizeof(info->devtype), "disk");
	}
	r = list_children(udev, disk, parts, n, e);
out:
	if (disk)
		ud.dev_unref(disk);
	ud.unref(udev);
	return r;
}

/* The partition that @node's numbers name, checked against the name of
 * the node itself (after symlinks): a stale node has other numbers. */
static struct udev_device *node_partition(struct udev *udev, const char *node, struct err *e)
{
	struct udev_device *d = open_typed(udev, node, "partition", "a partition", e);
	char real[PATH_MAX];
	const char *base;

	if (!d)
		return NULL;
	base = realpath(node, real) ? strrchr(real, '/') + 1 : "";
	if (strcmp(ud.dev_sysname(d), base) == 0)
		return d;
	err_set(e, ESTALE, "node %s has the numbers of %s", node, ud.dev_sysname(d));
	ud.dev_unref(d);
	return NULL;
}

int partition_check(const char *node, const char *disk_path, struct err *e)
{
	struct udev *udev = udev_open(e);
	struct udev_device *part = NULL;
	struct udev_device *parent;
	struct stat st;
	int r = -1;

	if (!udev)
		return -1;
	part = node_partition(udev, node, e);
	if (!part)
		goto out;
	if (stat(disk_path, &st) < 0) {
		err_sys(e, errno, "disk %s", disk_path);
		goto out;
	}
	/* owned by @part: not unref'd */
	parent = ud.dev_parent(part, "block", "disk");
	if (!parent || !S_ISBLK(st.st_mode) || ud.dev_devnum(parent) != st.st_rdev)
		err_set(e, EXDEV, "%s is a partition of %s, not of disk %s", node,
			parent ? ud.dev_sysname(parent) : "no disk", disk_path);
	else
		r = 0;
out:
	if (part)
		ud.dev_unref(part);
	ud.unref(udev);
	return r;
}

struct saved_device *partition_devices(const struct saved_device *disk, const char *kname,
				       const struct partition *parts, size_t n)
{
	struct saved_device *out = xcalloc(n ? n : 1, sizeof(*out));

	for (size_t i = 0; i < n; i++) {
		out[i].type = 'b';
		out[i].major = parts[i].major;
		out[i].minor = parts[i].minor;
		out[i].host = xasprintf("/dev/%s", parts[i].name);
		out[i].ctr = partition_ctr_path(kname, parts[i].name, disk->ctr);
		if (!out[i].ctr)
			out[i].ctr = xasprintf("%s-%s", disk->ctr, parts[i].name);
		memcpy(out[i].perms, disk->perms, sizeof(out[i].perms));
		out[i].parent = xstrdup(disk->host);
	}
	return out;
}

char *partition_ctr_path(const char *disk, const char *part, const char *ctr_disk)
{
	size_t n = strlen(disk);

	if (strncmp(part, disk, n) != 0 || !part[n])
		return NULL;
	return xasprintf("%s%s", ctr_disk, part + n);
}

int partition_follow_rule(const char *id, const struct saved_device *disk, const char *root,
			  const char *rundir, const char *log, struct err *e)
{
	struct udev_rule rule = { 0 };
	struct block_info info;

	snprintf(rule.id, sizeof(rule.id), "%s", id);
	snprintf(rule.ctr_disk, sizeof(rule.ctr_disk), "%s", disk->ctr);
	if (udev_rule_paths(&rule, root, rundir, log, e) < 0 || block_info(disk->host, &info, e) < 0)
		return -1;
	snprintf(rule.disk, sizeof(rule.disk), "%s", info.name);
	return udev_rules_add(&rule, e);
}
