#include "ns_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* A change of fsuid away from 0 drops CAP_CHOWN, CAP_DAC_OVERRIDE,
 * CAP_FOWNER, CAP_MKNOD and others from the effective set of the calling
 * thread; they stay permitted and are raised again here. */
static int raise_effective(struct err *e)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) < 0)
		return err_sys(e, errno, "read capabilities");
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		d[i].effective = d[i].permitted;
	if (syscall(SYS_capset, &h, d) < 0)
		return err_sys(e, errno, "raise capabilities");
	return 0;
}

int owner_enter(uid_t uid, gid_t gid, struct err *e)
{
	if (uid == 0 && gid == 0)
		return 0;
	/* setfsuid cannot fail in a way it reports: check by reading it back */
	setfsgid(gid);
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) {
		owner_leave(uid, gid);
		return err_set(e, EPERM, "cannot make files as %u:%u", (unsigned)uid, (unsigned)gid);
	}
	if (raise_effective(e) < 0) {
		owner_leave(uid, gid);
		return -1;
	}
	return 0;
}

void owner_leave(uid_t uid, gid_t gid)
{
	if (uid == 0 && gid == 0)
		return;
	/* back to 0: the kernel raises the file capabilities again itself */
	setfsuid(0);
	setfsgid(0);
}

static int node_fs_open(struct node_fs *fs, struct err *e)
{
	_cleanup_close_ int ctx = fsopen("tmpfs", FSOPEN_CLOEXEC);

	if (ctx < 0)
		return err_sys(e, errno, "make a tmpfs for device nodes");
	if (fsconfig(ctx, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(ctx, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_sys(e, errno, "make a tmpfs for device nodes");
	/* not MOUNT_ATTR_NODEV: the nodes in it are meant to be opened */
	fs->mnt_fd = fsmount(ctx, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (fs->mnt_fd < 0)
		return err_sys(e, errno, "mount a tmpfs for device nodes");
	return 0;
}

int node_fs_clone(struct node_fs *fs, mode_t mode, dev_t rdev, uid_t uid, gid_t gid, int *tree,
		  struct err *e)
{
	char name[32];

	if (fs->mnt_fd < 0 && node_fs_open(fs, e) < 0)
		return -1;
	snprintf(name, sizeof(name), "n%u", fs->seq++);
	if (mknodat(fs->mnt_fd, name, mode, rdev) < 0)
		return err_sys(e, errno, "mknod in the tmpfs for device nodes");
	if (fchownat(fs->mnt_fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(fs->mnt_fd, name, mode & 07777, 0) < 0)
		return err_sys(e, errno, "set the owner of a device node");
	*tree = open_tree(fs->mnt_fd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (*tree < 0)
		return err_sys(e, errno, "bind a device node from a detached tmpfs%s",
			       errno == EINVAL ? " (this kernel clones no detached mount)" : "");
	/* the name stays: a mount of an unlinked node cannot be moved; the
	 * tmpfs goes with the last mount of one of its nodes */
	return 0;
}

void node_fs_close(struct node_fs *fs)
{
	if (fs->mnt_fd >= 0)
		close(fs->mnt_fd);
	fs->mnt_fd = -1;
}
