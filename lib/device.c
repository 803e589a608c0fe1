#include "device.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroup.h"
#include "container.h"

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

int saved_device_host(const struct saved_device *d, struct host_device *h, struct err *e)
{
	if (host_device_stat(d->host, h, e) < 0)
		return -1;
	if (d->node.has_mode)
		h->perm = d->node.mode & 07777;
	if (d->node.has_uid)
		h->uid = d->node.uid;
	if (d->node.has_gid)
		h->gid = d->node.gid;
	return 0;
}

bool device_refresh(struct saved_device *d, const struct host_device *h)
{
	bool changed = d->type != h->type || d->major != h->major || d->minor != h->minor;

	d->type = h->type;
	d->major = h->major;
	d->minor = h->minor;
	return changed;
}

unsigned device_perms_bits(const char *perms)
{
	unsigned bits = 0;

	for (; perms && *perms; perms++)
		bits |= *perms == 'r' ? 1u : *perms == 'w' ? 2u : *perms == 'm' ? 4u : 0u;
	return bits;
}

void device_perms_string(unsigned bits, char out[4])
{
	int i = 0;

	if (bits & 1)
		out[i++] = 'r';
	if (bits & 2)
		out[i++] = 'w';
	if (bits & 4)
		out[i++] = 'm';
	out[i] = '\0';
}

static void map_owner(const struct oci_spec *sp, uid_t uid, gid_t gid, uid_t *ou, gid_t *og)
{
	uint32_t u, g;
	unsigned ru, rg;

	container_root_ids(sp, &ru, &rg);
	*ou = idmap_to_host(sp->uid_maps, sp->n_uid_maps, uid, &u) == 0 ? u : ru;
	*og = idmap_to_host(sp->gid_maps, sp->n_gid_maps, gid, &g) == 0 ? g : rg;
}

void device_mknod_op(struct ns_op *op, const struct saved_device *d,
		     const struct host_device *h, const struct oci_spec *sp, bool force)
{
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_MKNOD;
	op->path = d->ctr;
	op->mode = (h->type == 'b' ? S_IFBLK : S_IFCHR) | (h->perm & 07777);
	op->rdev = makedev((unsigned)h->major, (unsigned)h->minor);
	op->force = force;
	op->tree_fd = -1;
	/* a user namespace: its file systems honour no device node */
	op->bind_node = sp->n_uid_maps > 0 || sp->n_gid_maps > 0;
	map_owner(sp, h->uid, h->gid, &op->uid, &op->gid);
}

void device_rmnode_op(struct ns_op *op, const char *ctr_path)
{
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_RMNODE;
	op->path = ctr_path;
	op->tree_fd = -1;
}

unsigned device_deny_bits(const struct saved_device *d, char *const *baseline, size_t nb,
			  const struct saved_device *others, size_t no, size_t self)
{
	unsigned keep = cgroup_list_access(baseline, nb, d->type, d->major, d->minor);

	for (size_t i = 0; i < no; i++) {
		if (i == self)
			continue;
		if (others[i].type == d->type && others[i].major == d->major &&
		    others[i].minor == d->minor)
			keep |= device_perms_bits(others[i].perms);
	}
	return device_perms_bits(d->perms) & ~keep;
}
