#include "device.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int host_device_stat(const char *path, struct host_device *d, struct err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return err_sys(e, errno, "host device %s", path);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(e, ENODEV, "host path %s is not a device node", path);
	d->type = S_ISBLK(st.st_mode) ? 'b' : 'c';
	d->major = major(st.st_rdev);
	d->minor = minor(st.st_rdev);
	d->perm = st.st_mode & 07777;
	d->uid = st.st_uid;
	d->gid = st.st_gid;
	return 0;
}
