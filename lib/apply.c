#include "apply.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bind.h"
#include "cgroup.h"
#include "container.h"
#include "ebpf.h"
#include "util.h"

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

int bind_op(struct ns_op *op, const struct path_spec *p, const struct oci_spec *sp,
	    struct err *e)
{
	unsigned ru, rg;

	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_BIND;
	op->path = p->ctr;
	op->tree_fd = -1;
	container_root_ids(sp, &ru, &rg);
	op->uid = ru;
	op->gid = rg;
	return bind_clone_tree(p->host, p->ro, &op->tree_fd, &op->is_dir, e);
}

void bind_unbind_op(struct ns_op *op, const char *ctr_path)
{
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_UNBIND;
	op->path = ctr_path;
	op->tree_fd = -1;
}

void ns_ops_close(struct ns_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ops[i].tree_fd >= 0)
			close(ops[i].tree_fd);
		ops[i].tree_fd = -1;
	}
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

int devices_v2_set(const char *dir, const struct saved_device *d, size_t n, const bool *present,
		   struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = xcalloc(n ? n : 1, sizeof(*rules));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (present && !present[i])
			continue;
		rules[k].type = d[i].type;
		rules[k].major = d[i].major;
		rules[k].minor = d[i].minor;
		strcpy(rules[k].perms, d[i].perms);
		rules[k].allow = true;
		k++;
	}
	return ebpf_set_allowed(dir, rules, k, e);
}

bool device_refresh(struct saved_device *d, const struct host_device *h)
{
	bool changed = d->type != h->type || d->major != h->major || d->minor != h->minor;

	d->type = h->type;
	d->major = h->major;
	d->minor = h->minor;
	return changed;
}
