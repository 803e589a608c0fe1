#include "partition.h"

#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dynlib.h"
#include "util.h"

/* libudev, loaded on first use: only partition following needs it, and
 * every container start would otherwise pay for loading it. */
static struct {
	__typeof__(&udev_new) new_;
	__typeof__(&udev_unref) unref;
	__typeof__(&udev_device_new_from_devnum) dev_from_devnum;
	__typeof__(&udev_device_unref) dev_unref;
	__typeof__(&udev_device_get_devtype) dev_devtype;
	__typeof__(&udev_device_get_sysname) dev_sysname;
	__typeof__(&udev_device_get_syspath) dev_syspath;
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int disk_partitions(const char *path, char ***names, size_t *n, struct err *e)
{
	struct udev *udev = udev_open(e);
	struct udev_enumerate *en = NULL;
	struct udev_list_entry *it;
	struct udev_device *disk;
	size_t cap = 8;
	int r = -1;

	*names = NULL;
	*n = 0;
	if (!udev)
		return -1;
	disk = open_block(udev, path, e);
	if (!disk)
		goto out;
	if (strcmp(ud.dev_devtype(disk) ?: "", "disk") != 0) {
		err_set(e, EINVAL, "%s is not a whole disk", path);
		goto out;
	}
	en = ud.en_new(udev);
	if (!en || ud.en_match_parent(en, disk) < 0 ||
	    ud.en_match_property(en, "DEVTYPE", "partition") < 0 || ud.en_scan(en) < 0) {
		err_sys(e, EIO, "list the partitions of %s", path);
		goto out;
	}
	*names = xcalloc(cap, sizeof(char *));
	for (it = ud.en_list(en); it; it = ud.entry_next(it)) {
		const char *syspath = ud.entry_name(it);
		const char *base = strrchr(syspath, '/');

		if (!base || !strcmp(syspath, ud.dev_syspath(disk)))
			continue;
		if (*n == cap) {
			cap *= 2;
			*names = xrealloc(*names, cap * sizeof(char *));
		}
		(*names)[(*n)++] = xstrdup(base + 1);
	}
	qsort(*names, *n, sizeof(char *), cmp_str);
	r = 0;
out:
	if (en)
		ud.en_unref(en);
	if (disk)
		ud.dev_unref(disk);
	ud.unref(udev);
	return r;
}

char *partition_ctr_path(const char *disk, const char *part, const char *ctr_disk)
{
	size_t n = strlen(disk);

	if (strncmp(part, disk, n) != 0 || !part[n])
		return NULL;
	return xasprintf("%s%s", ctr_disk, part + n);
}
