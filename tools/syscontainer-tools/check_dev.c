/* check: devices (node and access) and bind mounts of a running
 * container. --fix goes through the code that add-device and add-path
 * use live: nodes made again in place (force), access granted on top of
 * the devices that stay, a fresh bind mounted over the place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroup.h"
#include "check.h"
#include "device_cgroup.h"
#include "device_live.h"
#include "drift.h"
#include "ebpf.h"
#include "safe_path.h"
#include "util.h"

/* How the node at d->ctr differs from the host node @h, or NULL. */
static char *node_drift(int rootfd, const struct saved_device *d, const struct host_device *h)
{
	_cleanup_close_ int fd = -1;
	struct err e = { 0 };
	struct stat st;

	fd = safe_open(rootfd, d->ctr, O_PATH | O_NOFOLLOW, &e);
	if (fd < 0)
		return e.code == ENOENT ? xstrdup("node missing") : xasprintf("node: %s", e.msg);
	if (fstat(fd, &st) < 0)
		return xasprintf("node: stat: %s", strerror(errno));
	if ((st.st_mode & S_IFMT) != (d->type == 'b' ? S_IFBLK : S_IFCHR))
		return xasprintf("node is a %s, not a %s device", file_kind(st.st_mode),
				 d->type == 'b' ? "block" : "character");
	if ((int64_t)major(st.st_rdev) != d->major || (int64_t)minor(st.st_rdev) != d->minor)
		return xasprintf("node is %u:%u, not %lld:%lld", major(st.st_rdev),
				 minor(st.st_rdev), (long long)d->major, (long long)d->minor);
	if ((st.st_mode & 07777) != (h->perm & 07777))
		return xasprintf("node mode %04o, not %04o", (unsigned)(st.st_mode & 07777),
				 (unsigned)(h->perm & 07777));
	return NULL;
}

/* cgroup v1: what devices.list grants d, against its permissions. */
static char *v1_access_drift(char *const *list, size_t n, const struct saved_device *d)
{
	unsigned want = device_perms_bits(d->perms);
	unsigned got = cgroup_list_access(list, n, d->type, d->major, d->minor) & want;
	char p[4];

	if (got == want)
		return NULL;
	device_perms_string(got, p);
	return got ? xasprintf("access %s only, not %s", p, d->perms)
		   : xasprintf("access not granted (%s)", d->perms);
}

/* cgroup v2: our program, with every device present, is in place? */
static int v2_granted(const struct device_cgroup *cg, const struct saved_device *d, size_t n,
		      const bool *present, bool *ok, struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = xcalloc(n + 1, sizeof(*rules));
	size_t nr = device_v2_rules(NULL, 0, d, n, present, rules);

	return ebpf_allows(cg->dir, rules, nr, ok, e);
}

struct dev_check {
	struct target *t;
	struct saved_device *d;
	size_t n;
	struct host_device *hosts;
	bool *present;          /* host node there: the device can be checked */
	bool *drifted;
	struct check_report *r;
	size_t base;            /* the first device's item in r */
};

static struct check_item *item(struct dev_check *c, size_t i)
{
	return &c->r->items[c->base + i];
}

static void look_devices(struct dev_check *c, const struct device_cgroup *cg, char *const *list,
			 size_t n_list, bool v2_ok)
{
	_cleanup_close_ int rootfd = -1;
	_cleanup_free_ char *root = xasprintf("/proc/%d/root", c->t->c.rec.pid);

	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < c->n; i++) {
		const struct saved_device *d = &c->d[i];
		struct check_item *it = item(c, i);
		struct err why = { 0 };

		if (saved_device_host(d, &c->hosts[i], &why) < 0) {
			check_drift(it, xasprintf("host node: %s", why.msg));
			continue;
		}
		c->present[i] = true;
		check_drift(it, rootfd < 0 ? xasprintf("open %s: %s", root, strerror(errno))
					   : node_drift(rootfd, d, &c->hosts[i]));
		if (!cg->v2)
			check_drift(it, v1_access_drift(list, n_list, d));
		else if (!v2_ok && !c->r->unit_grants)
			check_drift(it, xstrdup("access not granted (the cgroup's device program "
						"does not allow the saved devices)"));
		c->drifted[i] = it->drift != NULL;
	}
}

/* --fix: the drifted devices again, on top of those that stay. */
static void fix_devices(struct dev_check *c, struct device_ctr *ctr)
{
	_cleanup_free_ struct saved_device *keep = xcalloc(c->n + 1, sizeof(*keep));
	_cleanup_free_ struct saved_device *add = xcalloc(c->n + 1, sizeof(*add));
	_cleanup_free_ struct host_device *h = xcalloc(c->n + 1, sizeof(*h));
	size_t nk = 0, na = 0;
	struct err e = { 0 };
	int r;

	for (size_t i = 0; i < c->n; i++) {
		if (!c->present[i])
			continue;
		if (!c->drifted[i]) {
			keep[nk++] = c->d[i];
			continue;
		}
		h[na] = c->hosts[i];
		add[na++] = c->d[i];
	}
	if (!na)
		return;
	r = device_live_add(ctr, keep, nk, add, h, na, true, &e);
	for (size_t i = 0; i < c->n; i++)
		if (c->present[i] && c->drifted[i])
			check_fixed(item(c, i), r, &e);
}

static int read_access(const struct device_cgroup *cg, struct dev_check *c, char ***list,
		       size_t *n, bool *v2_ok, struct err *e)
{
	*v2_ok = true;
	if (!cg->v2)
		return cgroup_device_list(cg->dir, list, n, e);
	for (size_t i = 0; i < c->n; i++)
		c->present[i] = saved_device_host(&c->d[i], &c->hosts[i], &(struct err){ 0 }) == 0;
	return v2_granted(cg, c->d, c->n, c->present, v2_ok, e);
}

int check_devices(struct target *t, struct check_report *r, struct err *e)
{
	struct device_ctr ctr = { t->id, t->c.mntns_fd, "/", &t->c.spec, { 0 } };
	struct dev_check c = { .t = t, .r = r, .base = r->n };
	char **list = NULL;
	size_t n_list = 0;
	bool v2_ok;
	int ret = -1;

	if (store_devices(&t->store, &c.d, &c.n, e) < 0)
		return -1;
	c.hosts = xcalloc(c.n + 1, sizeof(*c.hosts));
	c.present = xcalloc(c.n + 1, sizeof(bool));
	c.drifted = xcalloc(c.n + 1, sizeof(bool));
	for (size_t i = 0; i < c.n; i++)
		check_add(r, "device", xasprintf("%s (%s)", c.d[i].ctr, c.d[i].host), NULL);
	if (c.n && (device_cgroup_find(&t->c.rec, &ctr.cg, e) < 0 ||
		    read_access(&ctr.cg, &c, &list, &n_list, &v2_ok, e) < 0))
		goto out;
	look_devices(&c, &ctr.cg, list, n_list, v2_ok);
	if (r->fix)
		fix_devices(&c, &ctr);
	ret = 0;
out:
	device_cgroup_free(&ctr.cg);
	str_list_free(list, n_list);
	saved_devices_free(c.d, c.n);
	free(c.hosts);
	free(c.present);
	free(c.drifted);
	return ret;
}

int check_paths(struct target *t, struct check_report *r, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/mountinfo", t->c.rec.pid);
	_cleanup_free_ char *text = NULL;
	struct path_spec *b = NULL;
	size_t n = 0;

	if (store_binds(&t->store, &b, &n, e) < 0)
		return -1;
	if (n && read_file_at(AT_FDCWD, path, 16 << 20, &text, NULL, e) < 0) {
		path_specs_free(b, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct check_item *it = check_add(r, "path", xasprintf("%s (%s)", b[i].ctr, b[i].host),
						  NULL);
		bool ro = false;
		struct err why = { 0 };

		if (!drift_mount(text, b[i].ctr, &ro))
			check_drift(it, xstrdup("not mounted"));
		else if (ro != b[i].ro)
			check_drift(it, xasprintf("mounted %s, not %s", ro ? "ro" : "rw",
						  b[i].ro ? "ro" : "rw"));
		if (it->drift && r->fix)
			check_fixed(it, paths_live_add(t, &b[i], 1, &why), &why);
	}
	path_specs_free(b, n);
	return 0;
}
