#include "partition.h"

#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

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
	d = udev_device_new_from_devnum(udev, 'b', st.st_rdev);
	if (!d)
		err_sys(e, errno ? errno : ENODEV, "no sysfs entry for %s", path);
	return d;
}

int block_info(const char *path, struct block_info *out, struct err *e)
{
	struct udev *udev = udev_new();
	struct udev_device *d;
	const char *t;
	int r = -1;

	if (!udev)
		return err_sys(e, errno ? errno : ENOMEM, "libudev");
	d = open_block(udev, path, e);
	if (d) {
		t = udev_device_get_devtype(d);
		snprintf(out->name, sizeof(out->name), "%s", udev_device_get_sysname(d));
		snprintf(out->devtype, sizeof(out->devtype), "%s", t ? t : "");
		udev_device_unref(d);
		r = 0;
	}
	udev_unref(udev);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int disk_partitions(const char *path, char ***names, size_t *n, struct err *e)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *en = NULL;
	struct udev_list_entry *it;
	struct udev_device *disk;
	size_t cap = 8;
	int r = -1;

	*names = NULL;
	*n = 0;
	if (!udev)
		return err_sys(e, errno ? errno : ENOMEM, "libudev");
	disk = open_block(udev, path, e);
	if (!disk)
		goto out;
	if (strcmp(udev_device_get_devtype(disk) ?: "", "disk") != 0) {
		err_set(e, EINVAL, "%s is not a whole disk", path);
		goto out;
	}
	en = udev_enumerate_new(udev);
	if (!en || udev_enumerate_add_match_parent(en, disk) < 0 ||
	    udev_enumerate_add_match_property(en, "DEVTYPE", "partition") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		err_sys(e, EIO, "list the partitions of %s", path);
		goto out;
	}
	*names = xcalloc(cap, sizeof(char *));
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(en)) {
		const char *syspath = udev_list_entry_get_name(it);
		const char *base = strrchr(syspath, '/');

		if (!base || !strcmp(syspath, udev_device_get_syspath(disk)))
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
		udev_enumerate_unref(en);
	if (disk)
		udev_device_unref(disk);
	udev_unref(udev);
	return r;
}

char *partition_ctr_path(const char *disk, const char *part, const char *ctr_disk)
{
	size_t n = strlen(disk);

	if (strncmp(part, disk, n) != 0 || !part[n])
		return NULL;
	return xasprintf("%s%s", ctr_disk, part + n);
}
