/* containerEdits: deviceNodes, mounts and netDevices read into C data;
 * env, hooks, additionalGids and intelRdt checked and listed as edits
 * that cannot apply to a running container. */
#include "cdi_spec.h"

#include <stdint.h>
#include <string.h>

#include "cdi_name.h"
#include "util.h"

static const struct cdi_key edit_keys[] = {
	{ "env", 0, 0 },
	{ "deviceNodes", 0, 0 },
	{ "hooks", 0, 0 },
	{ "mounts", 0, 0 },
	{ "intelRdt", CDI_V(0, 7, 0), 0 },
	{ "additionalGids", CDI_V(0, 7, 0), 0 },
	{ "netDevices", CDI_V(1, 1, 0), 0 },
};

static const struct cdi_key node_keys[] = {
	{ "path", 0, 0 }, { "hostPath", CDI_V(0, 5, 0), 0 }, { "type", 0, 0 },
	{ "major", 0, 0 }, { "minor", 0, 0 },
	{ "fileMode", 0, 0 }, { "permissions", 0, 0 }, { "uid", 0, 0 }, { "gid", 0, 0 },
};

static const struct cdi_key mount_keys[] = {
	{ "hostPath", 0, 0 }, { "containerPath", 0, 0 },
	{ "type", CDI_V(0, 4, 0), 0 }, { "options", 0, 0 },
};

static const struct cdi_key netdev_keys[] = {
	{ "hostInterfaceName", 0, 0 }, { "name", 0, 0 },
};

static const struct cdi_key hook_keys[] = {
	{ "hookName", 0, 0 }, { "path", 0, 0 }, { "args", 0, 0 }, { "env", 0, 0 },
	{ "timeout", 0, 0 },
};

static const struct cdi_key rdt_keys[] = {
	{ "closID", 0, 0 },
	{ "l3CacheSchema", 0, 0 },
	{ "memBwSchema", 0, 0 },
	{ "schemata", CDI_V(1, 1, 0), 0 },
	{ "enableMonitoring", CDI_V(1, 1, 0), 0 },
	{ "enableCMT", 0, CDI_V(1, 1, 0) },
	{ "enableMBM", 0, CDI_V(1, 1, 0) },
};

static void node_free(struct cdi_node *n)
{
	free(n->path);
	free(n->host_path);
}

static void mount_free(struct cdi_mount *m)
{
	free(m->host_path);
	free(m->container_path);
	free(m->type);
	cdi_strv_free(m->options);
}

void cdi_edits_free(struct cdi_edits *ed)
{
	for (size_t i = 0; i < ed->n_nodes; i++)
		node_free(&ed->nodes[i]);
	for (size_t i = 0; i < ed->n_mounts; i++)
		mount_free(&ed->mounts[i]);
	for (size_t i = 0; i < ed->n_netdevs; i++) {
		free(ed->netdevs[i].host_interface_name);
		free(ed->netdevs[i].name);
	}
	free(ed->nodes);
	free(ed->mounts);
	free(ed->netdevs);
	str_list_free(ed->unsupported, ed->n_unsupported);
	memset(ed, 0, sizeof(*ed));
}

bool cdi_edits_empty(const struct cdi_edits *ed)
{
	return !ed->n_nodes && !ed->n_mounts && !ed->n_netdevs && !ed->n_unsupported;
}

/* Room for one more element in the array *@arr of *@n elements. */
static void *grow(void *arr, size_t n, size_t size)
{
	void *r = xrealloc(arr, (n + 1) * size);

	memset((char *)r + n * size, 0, size);
	return r;
}

/* "rwm" in that order from any subset of it; "" for "none". */
static int permissions(struct cdi_ctx *c, const char *v, void *arg)
{
	char *out = arg; /* 4 bytes */
	size_t k = 0;

	if (!v || !*v) {
		strcpy(out, "rwm");
		return 0;
	}
	if (!strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	if (v[strspn(v, "rwm")])
		return cdi_fail(c, "must be letters of rwm, or none");
	for (const char *p = "rwm"; *p; p++)
		if (strchr(v, *p))
			out[k++] = *p;
	out[k] = '\0';
	return 0;
}

static int node_type(struct cdi_ctx *c, const char *v, void *arg)
{
	char *out = arg;

	*out = 0;
	if (!v || !*v)
		return 0;
	if (strlen(v) != 1 || !strchr("bcup", v[0]))
		return cdi_fail(c, "must be one of b, c, u, p");
	*out = v[0];
	return 0;
}

/* @it checked against @keys, then a new zeroed entry at the end of the
 * array @arr of @n entries; NULL when @it is refused. */
#define NEW_ENTRY(c, it, keys, arr, n)						\
	(cdi_check_object(c, it, keys, ARRAY_SIZE(keys)) < 0 ? NULL :		\
	 ((arr) = grow((arr), (n), sizeof(*(arr))), &(arr)[(n)++]))

static int node_numbers(struct cdi_ctx *c, const cJSON *it, struct cdi_node *n)
{
	long mode;

	if (cdi_get_uint(c, it, "major", UINT32_MAX, &n->major) < 0 ||
	    cdi_get_uint(c, it, "minor", UINT32_MAX, &n->minor) < 0 ||
	    cdi_get_uint(c, it, "fileMode", UINT32_MAX, &mode) < 0 ||
	    cdi_get_uint(c, it, "uid", UINT32_MAX, &n->uid) < 0 ||
	    cdi_get_uint(c, it, "gid", UINT32_MAX, &n->gid) < 0)
		return -1;
	n->has_file_mode = mode >= 0;
	/* the spec's fileMode is Go's os.FileMode: type bits above the
	 * permission bits mean nothing for a node made by its type */
	n->file_mode = n->has_file_mode ? (mode_t)mode & 07777 : 0;
	return 0;
}

static int read_node(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	struct cdi_edits *ed = arg;
	struct cdi_node *n = NEW_ENTRY(c, it, node_keys, ed->nodes, ed->n_nodes);

	if (!n || cdi_get_abs_path(c, it, "path", true, &n->path) < 0 ||
	    cdi_get_abs_path(c, it, "hostPath", false, &n->host_path) < 0 ||
	    cdi_get_checked(c, it, "type", false, node_type, &n->type, NULL) < 0 ||
	    cdi_get_checked(c, it, "permissions", false, permissions, n->permissions, NULL) < 0 ||
	    node_numbers(c, it, n) < 0)
		return -1;
	if (!n->host_path)
		n->host_path = xstrdup(n->path);
	return 0;
}

static int read_mount(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	struct cdi_edits *ed = arg;
	struct cdi_mount *m = NEW_ENTRY(c, it, mount_keys, ed->mounts, ed->n_mounts);
	const char *type;

	if (!m || cdi_get_abs_path(c, it, "hostPath", true, &m->host_path) < 0 ||
	    cdi_get_abs_path(c, it, "containerPath", true, &m->container_path) < 0 ||
	    cdi_get_string(c, it, "type", false, &type) < 0 ||
	    cdi_get_strings(c, it, "options", NULL, NULL, &m->options) < 0)
		return -1;
	m->type = type && *type ? xstrdup(type) : NULL;
	return 0;
}

static int check_ifname(struct cdi_ctx *c, const char *v, void *arg)
{
	(void)arg;
	if (!cdi_is_ifname(v))
		return cdi_fail(c, "must be an interface name (1 to 15 bytes, no '/', ':' "
				"or white space)");
	return 0;
}

/* Neither name of @d is another net device's of @ed. */
static int check_netdev_unique(struct cdi_ctx *c, const struct cdi_edits *ed,
			       const struct cdi_netdev *d)
{
	for (size_t i = 0; i + 1 < ed->n_netdevs; i++) {
		if (!strcmp(ed->netdevs[i].host_interface_name, d->host_interface_name))
			return cdi_fail(c, "hostInterfaceName %s is also netDevices[%zu]'s",
					d->host_interface_name, i);
		if (!strcmp(ed->netdevs[i].name, d->name))
			return cdi_fail(c, "name %s is also netDevices[%zu]'s", d->name, i);
	}
	return 0;
}

static int read_netdev(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	struct cdi_edits *ed = arg;
	struct cdi_netdev *d = NEW_ENTRY(c, it, netdev_keys, ed->netdevs, ed->n_netdevs);
	const char *host, *name;

	if (!d ||
	    cdi_get_checked(c, it, "hostInterfaceName", true, check_ifname, NULL, &host) < 0 ||
	    cdi_get_checked(c, it, "name", true, check_ifname, NULL, &name) < 0)
		return -1;
	d->host_interface_name = xstrdup(host);
	d->name = xstrdup(name);
	return check_netdev_unique(c, ed, d);
}

static bool is_env(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq > s;
}

static const char *const hook_names[] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop",
};

static int read_hook(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	const char *name, *path;
	long timeout;
	size_t i = 0, mark;

	(void)arg;
	if (cdi_check_object(c, it, hook_keys, ARRAY_SIZE(hook_keys)) < 0 ||
	    cdi_get_string(c, it, "hookName", true, &name) < 0 ||
	    cdi_get_string(c, it, "path", true, &path) < 0 ||
	    cdi_get_uint(c, it, "timeout", INT32_MAX, &timeout) < 0)
		return -1;
	while (i < ARRAY_SIZE(hook_names) && strcmp(hook_names[i], name))
		i++;
	mark = cdi_push(c, "hookName");
	if (i == ARRAY_SIZE(hook_names))
		return cdi_fail(c, "must be one of prestart, createRuntime, createContainer, "
				"startContainer, poststart, poststop");
	cdi_pop(c, mark);
	if (cdi_get_strings(c, it, "args", NULL, NULL, NULL) < 0 ||
	    cdi_get_strings(c, it, "env", is_env, "NAME=VALUE", NULL) < 0)
		return -1;
	return 0;
}

static int read_gid(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	(void)arg;
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > UINT32_MAX ||
	    (double)(long)it->valuedouble != it->valuedouble)
		return cdi_fail(c, "must be an integer from 0 to %u", UINT32_MAX);
	return 0;
}

static int read_rdt(struct cdi_ctx *c, const cJSON *obj)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "intelRdt");
	size_t mark = cdi_push(c, "intelRdt");
	const char *s;
	bool b;

	if (!it || cJSON_IsNull(it)) {
		cdi_pop(c, mark);
		return 0;
	}
	if (cdi_check_object(c, it, rdt_keys, ARRAY_SIZE(rdt_keys)) < 0 ||
	    cdi_get_string(c, it, "closID", false, &s) < 0 ||
	    cdi_get_string(c, it, "l3CacheSchema", false, &s) < 0 ||
	    cdi_get_string(c, it, "memBwSchema", false, &s) < 0 ||
	    cdi_get_bool(c, it, "enableMonitoring", &b) < 0 ||
	    cdi_get_bool(c, it, "enableCMT", &b) < 0 ||
	    cdi_get_bool(c, it, "enableMBM", &b) < 0 ||
	    cdi_get_strings(c, it, "schemata", NULL, NULL, NULL) < 0)
		return -1;
	cdi_pop(c, mark);
	return 0;
}

/* Check the edits that cannot apply to a running container, and list
 * each one given as "FILE: PATH.key". */
static int read_unsupported(struct cdi_ctx *c, const cJSON *obj, struct cdi_edits *ed)
{
	static const char *const keys[] = { "env", "hooks", "additionalGids", "intelRdt" };
	char path[256];
	if (cdi_get_strings(c, obj, "env", is_env, "NAME=VALUE", NULL) < 0 ||
	    cdi_each(c, obj, "hooks", read_hook, NULL) < 0 ||
	    cdi_each(c, obj, "additionalGids", read_gid, NULL) < 0 ||
	    read_rdt(c, obj) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (cdi_is_empty(cJSON_GetObjectItemCaseSensitive(obj, keys[i])))
			continue;
		ed->unsupported = grow(ed->unsupported, ed->n_unsupported, sizeof(char *));
		ed->unsupported[ed->n_unsupported++] =
			c->depth ? xasprintf("%s: %s.%s", c->file, cdi_path(c, path, sizeof(path)),
					     keys[i])
				 : xasprintf("%s: %s", c->file, keys[i]);
	}
	return 0;
}

int cdi_edits_read(struct cdi_ctx *c, const cJSON *obj, struct cdi_edits *out)
{
	memset(out, 0, sizeof(*out));
	if (!obj || cJSON_IsNull(obj))
		return 0;
	if (cdi_check_object(c, obj, edit_keys, ARRAY_SIZE(edit_keys)) < 0 ||
	    cdi_each(c, obj, "deviceNodes", read_node, out) < 0 ||
	    cdi_each(c, obj, "mounts", read_mount, out) < 0 ||
	    cdi_each(c, obj, "netDevices", read_netdev, out) < 0 ||
	    read_unsupported(c, obj, out) < 0) {
		cdi_edits_free(out);
		return -1;
	}
	return 0;
}

/* @src's @n elements of @size bytes appended to *@dst of *@n_dst. */
static void *append(void *dst, size_t *n_dst, void *src, size_t n, size_t size)
{
	if (!n)
		return dst;
	dst = xrealloc(dst, (*n_dst + n) * size);
	memcpy((char *)dst + *n_dst * size, src, n * size);
	*n_dst += n;
	return dst;
}

void cdi_edits_move(struct cdi_edits *dst, struct cdi_edits *src)
{
	dst->nodes = append(dst->nodes, &dst->n_nodes, src->nodes, src->n_nodes,
			    sizeof(*src->nodes));
	dst->mounts = append(dst->mounts, &dst->n_mounts, src->mounts, src->n_mounts,
			     sizeof(*src->mounts));
	dst->netdevs = append(dst->netdevs, &dst->n_netdevs, src->netdevs, src->n_netdevs,
			      sizeof(*src->netdevs));
	dst->unsupported = append(dst->unsupported, &dst->n_unsupported, src->unsupported,
				  src->n_unsupported, sizeof(*src->unsupported));
	free(src->nodes);
	free(src->mounts);
	free(src->netdevs);
	free(src->unsupported);
	memset(src, 0, sizeof(*src));
}

static char **strv_dup(char *const *v)
{
	size_t n = 0;
	char **r;

	while (v && v[n])
		n++;
	r = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void cdi_edits_copy(struct cdi_edits *dst, const struct cdi_edits *src)
{
	struct cdi_edits c = { 0 };

	c.n_nodes = src->n_nodes;
	c.nodes = xcalloc(src->n_nodes + 1, sizeof(*c.nodes));
	for (size_t i = 0; i < src->n_nodes; i++) {
		c.nodes[i] = src->nodes[i];
		c.nodes[i].path = xstrdup(src->nodes[i].path);
		c.nodes[i].host_path = xstrdup(src->nodes[i].host_path);
	}
	c.n_mounts = src->n_mounts;
	c.mounts = xcalloc(src->n_mounts + 1, sizeof(*c.mounts));
	for (size_t i = 0; i < src->n_mounts; i++) {
		const struct cdi_mount *m = &src->mounts[i];

		c.mounts[i].host_path = xstrdup(m->host_path);
		c.mounts[i].container_path = xstrdup(m->container_path);
		c.mounts[i].type = m->type ? xstrdup(m->type) : NULL;
		c.mounts[i].options = strv_dup(m->options);
	}
	c.n_netdevs = src->n_netdevs;
	c.netdevs = xcalloc(src->n_netdevs + 1, sizeof(*c.netdevs));
	for (size_t i = 0; i < src->n_netdevs; i++) {
		c.netdevs[i].host_interface_name = xstrdup(src->netdevs[i].host_interface_name);
		c.netdevs[i].name = xstrdup(src->netdevs[i].name);
	}
	c.n_unsupported = src->n_unsupported;
	c.unsupported = xcalloc(src->n_unsupported + 1, sizeof(char *));
	for (size_t i = 0; i < src->n_unsupported; i++)
		c.unsupported[i] = xstrdup(src->unsupported[i]);
	cdi_edits_move(dst, &c);
}
