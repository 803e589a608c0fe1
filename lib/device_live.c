#include "device_live.h"

#include "util.h"

/* Remove the nodes that the MKNOD operations @done made. */
static void undo_nodes(const struct device_ctr *c, const struct ns_op *done, size_t n)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n ? n : 1, sizeof(*ops));
	struct err why = { 0 };
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (done[i].done && !done[i].failed)
			device_rmnode_op(&ops[k++], done[i].path);
	if (k && (ns_run(c->mntns_fd, c->root, ops, k, false, &why) < 0 ||
		  ns_ops_check(ops, k, &why) < 0))
		err_warn(&why, "%s: undo: remove the new nodes", c->id);
}

int device_live_add(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
		    const struct saved_device *add, const struct host_device *hosts, size_t n,
		    bool force, struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n ? n : 1, sizeof(*ops));

	for (size_t i = 0; i < n; i++)
		device_mknod_op(&ops[i], &add[i], &hosts[i], c->spec, force);
	if (ns_run(c->mntns_fd, c->root, ops, n, true, e) < 0)
		return -1;
	if (ns_ops_check(ops, n, e) < 0 ||
	    device_grant(&c->cg, saved, ns, add, n, NULL, e) < 0) {
		undo_nodes(c, ops, n);
		return -1;
	}
	return 0;
}

void device_live_undo_add(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
			  const struct saved_device *add, size_t n)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(n ? n : 1, sizeof(*ops));
	struct err why = { 0 };

	if (device_revoke(&c->cg, saved, ns, add, n, &why) < 0)
		err_warn(&why, "%s: undo: device access", c->id);
	for (size_t i = 0; i < n; i++) {
		device_rmnode_op(&ops[i], add[i].ctr);
		ops[i].done = true;
	}
	undo_nodes(c, ops, n);
}

int device_live_remove(const struct device_ctr *c, const struct saved_device *saved, size_t ns,
		       const bool *gone, struct err *e)
{
	_cleanup_free_ struct ns_op *ops = xcalloc(ns ? ns : 1, sizeof(*ops));
	_cleanup_free_ struct saved_device *keep = xcalloc(ns ? ns : 1, sizeof(*keep));
	_cleanup_free_ struct saved_device *drop = xcalloc(ns ? ns : 1, sizeof(*drop));
	size_t nk = 0, nd = 0;

	for (size_t i = 0; i < ns; i++) {
		if (gone[i]) {
			device_rmnode_op(&ops[nd], saved[i].ctr);
			drop[nd++] = saved[i];
		} else {
			keep[nk++] = saved[i];
		}
	}
	if (ns_run(c->mntns_fd, c->root, ops, nd, true, e) < 0 || ns_ops_check(ops, nd, e) < 0)
		return -1;
	return device_revoke(&c->cg, keep, nk, drop, nd, e);
}
