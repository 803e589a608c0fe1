#include "device_cdi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "device.h"
#include "util.h"

/* Options that only say "a bind mount" or ask for a propagation we give
 * anyway (a mount we move into a container is private to it). */
static const char *const quiet_opts[] = { "bind", "rbind", "private", "rprivate", "slave",
					  "rslave", "rw" };
/* Options kept, in this order, in the path_spec options. */
static const char *const kept_opts[] = { "ro", "nosuid", "nodev", "noexec" };

static bool in(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

bool cdi_mount_is_bind(const char *type, char *const *options)
{
	(void)options;
	return !type || !type[0] || strcmp(type, "bind") == 0 || strcmp(type, "none") == 0;
}

char *cdi_mount_options(char *const *options, const char **bad)
{
	bool seen[ARRAY_SIZE(kept_opts)] = { false };
	char buf[64] = "";

	*bad = NULL;
	for (char *const *o = options; o && *o; o++) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(kept_opts) && strcmp(*o, kept_opts[i]); i++)
			;
		if (i < ARRAY_SIZE(kept_opts))
			seen[i] = true;
		else if (!in(*o, quiet_opts, ARRAY_SIZE(quiet_opts))) {
			*bad = *o;
			return NULL;
		}
	}
	/* "ro" with "rw": the later one wins in mount(8); refuse the doubt */
	for (char *const *o = options; seen[0] && o && *o; o++)
		if (strcmp(*o, "rw") == 0) {
			*bad = *o;
			return NULL;
		}
	strcpy(buf, seen[0] ? "ro" : "rw");
	for (size_t i = 1; i < ARRAY_SIZE(kept_opts); i++)
		if (seen[i])
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",%s", kept_opts[i]);
	return xstrdup(buf);
}

static void unsupported(struct cdi_items *it, const char *fmt, const char *file, const char *what,
			const char *detail)
{
	it->unsupported = xrealloc(it->unsupported, (it->n_unsupported + 1) * sizeof(char *));
	it->unsupported[it->n_unsupported++] = xasprintf(fmt, file, what, detail);
}

/* The host node of @n is what the spec says it is. */
static int check_node(const char *file, const struct cdi_node *n, struct err *e)
{
	struct host_device h;
	char want = n->type == 'u' ? 'c' : n->type;

	if (host_device_stat(n->host_path, &h, e) < 0)
		return err_wrap(e, "%s: deviceNodes %s", file, n->path);
	if ((want && want != h.type) || (n->major >= 0 && n->major != h.major) ||
	    (n->minor >= 0 && n->minor != h.minor))
		return err_set(e, EINVAL, "%s: deviceNodes %s: the spec says %c %ld:%ld, host node %s "
			       "is %c %lld:%lld", file, n->path, want ? want : h.type,
			       n->major >= 0 ? n->major : (long)h.major,
			       n->minor >= 0 ? n->minor : (long)h.minor, n->host_path, h.type,
			       (long long)h.major, (long long)h.minor);
	return 0;
}

static int add_nodes(const struct cdi_device *d, struct cdi_items *it, struct err *e)
{
	it->nodes = xcalloc(d->n_nodes + 1, sizeof(*it->nodes));
	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct cdi_node *n = &d->nodes[i];
		struct device_spec *s = &it->nodes[it->n_nodes];

		if (n->type == 'p' || !n->permissions[0]) {
			unsupported(it, "%s: deviceNodes %s: %s", d->spec_file, n->path,
				    n->type == 'p' ? "a fifo is not a device this tool adds" :
				    "a node without cgroup access (permissions none)");
			continue;
		}
		if (check_node(d->spec_file, n, e) < 0)
			return -1;
		s->host = xstrdup(n->host_path);
		s->ctr = xstrdup(n->path);
		snprintf(s->perms, sizeof(s->perms), "%s", n->permissions);
		s->node = (struct node_attrs){ .has_mode = n->has_file_mode, .mode = n->file_mode,
					       .has_uid = n->uid >= 0, .uid = (unsigned)n->uid,
					       .has_gid = n->gid >= 0, .gid = (unsigned)n->gid };
		it->n_nodes++;
	}
	return 0;
}

static int add_mounts(const struct cdi_device *d, struct cdi_items *it, struct err *e)
{
	it->mounts = xcalloc(d->n_mounts + 1, sizeof(*it->mounts));
	for (size_t i = 0; i < d->n_mounts; i++) {
		const struct cdi_mount *m = &d->mounts[i];
		struct path_spec *p = &it->mounts[it->n_mounts];
		const char *bad = NULL;
		char *opts = NULL;
		struct stat st;
		int r;

		if (!cdi_mount_is_bind(m->type, m->options)) {
			unsupported(it, "%s: mounts %s: type %s is not a bind mount", d->spec_file,
				    m->container_path, m->type);
			continue;
		}
		opts = cdi_mount_options(m->options, &bad);
		if (!opts) {
			unsupported(it, "%s: mounts %s: option %s cannot apply", d->spec_file,
				    m->container_path, bad);
			continue;
		}
		if (stat(m->host_path, &st) < 0) {
			free(opts);
			return err_sys(e, errno, "%s: mounts %s: hostPath %s", d->spec_file,
				       m->container_path, m->host_path);
		}
		/* the flags come from the one parser of path options */
		r = parse_path_options(m->container_path, opts, p, e);
		free(opts);
		if (r < 0)
			return err_wrap(e, "%s: mounts %s", d->spec_file, m->container_path);
		p->host = xstrdup(m->host_path);
		p->ctr = xstrdup(m->container_path);
		it->n_mounts++;
	}
	return 0;
}

static int add_netdevs(const struct cdi_device *d, struct cdi_items *it, struct err *e)
{
	it->netdevs = xcalloc(d->n_netdevs + 1, sizeof(*it->netdevs));
	for (size_t i = 0; i < d->n_netdevs; i++) {
		const struct cdi_netdev *n = &d->netdevs[i];
		struct nic_spec *s = &it->netdevs[it->n_netdevs++];

		if (!ifname_valid(n->host_interface_name) || !ifname_valid(n->name))
			return err_set(e, EINVAL, "%s: netDevices %s: not an interface name",
				       d->spec_file, ifname_valid(n->name) ? n->host_interface_name : n->name);
		strcpy(s->type, "eth");
		strcpy(s->host, n->host_interface_name);
		strcpy(s->ctr, n->name);
		s->qlen = -1;       /* mtu 0 and qlen -1: the link keeps its own */
		s->orig_up = -1;
	}
	return 0;
}

/* Two edits of one device at the same place: the spec's top-level edits
 * and the device's own may both name it. */
static int check_twice(const struct cdi_device *d, const struct cdi_items *it, struct err *e)
{
	for (size_t i = 0; i < it->n_nodes + it->n_mounts; i++)
		for (size_t j = 0; j < i; j++) {
			const char *a = i < it->n_nodes ? it->nodes[i].ctr : it->mounts[i - it->n_nodes].ctr;
			const char *b = j < it->n_nodes ? it->nodes[j].ctr : it->mounts[j - it->n_nodes].ctr;

			if (strcmp(a, b) == 0)
				return err_set(e, EINVAL, "%s: %s: container path %s is edited twice",
					       d->spec_file, d->name, a);
		}
	for (size_t i = 0; i < it->n_netdevs; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(it->netdevs[i].ctr, it->netdevs[j].ctr) ||
			    !strcmp(it->netdevs[i].host, it->netdevs[j].host))
				return err_set(e, EINVAL, "%s: %s: interface %s is named twice",
					       d->spec_file, d->name, it->netdevs[i].ctr);
	return 0;
}

int cdi_items_from(const struct cdi_device *d, struct cdi_items *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->n_unsupported; i++)
		unsupported(out, "%s%s%s", d->unsupported[i], ": cannot apply to a running container",
			    "");
	if (add_nodes(d, out, e) < 0 || add_mounts(d, out, e) < 0 || add_netdevs(d, out, e) < 0 ||
	    check_twice(d, out, e) < 0) {
		cdi_items_free(out);
		return -1;
	}
	return 0;
}

void cdi_items_free(struct cdi_items *it)
{
	for (size_t i = 0; i < it->n_nodes; i++)
		device_spec_free(&it->nodes[i]);
	for (size_t i = 0; i < it->n_mounts; i++)
		path_spec_free(&it->mounts[i]);
	free(it->nodes);
	free(it->mounts);
	free(it->netdevs);
	str_list_free(it->unsupported, it->n_unsupported);
	memset(it, 0, sizeof(*it));
}

const char *const *cdi_dirs_or_default(char *const *dirs, size_t n, size_t *count)
{
	const char *const *def = cdi_default_dirs();

	if (n) {
		*count = n;
		return (const char *const *)dirs;
	}
	for (*count = 0; def[*count]; (*count)++)
		;
	return def;
}
