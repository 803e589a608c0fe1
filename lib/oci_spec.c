#include "oci_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* One entry of linux.uidMappings/gidMappings: three ids in range, and the
 * range they start must not wrap past the largest id. */
static int map_from_json(const cJSON *it, void *out, void *arg, struct err *e)
{
	static const char *const names[3] = { "containerID", "hostID", "size" };
	struct id_map *m = out;
	double v[3];

	(void)arg;
	for (int k = 0; k < 3; k++) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(it, names[k]);

		if (!cJSON_IsNumber(f) || f->valuedouble < 0 ||
		    f->valuedouble > UINT32_MAX || f->valuedouble != (double)(uint32_t)f->valuedouble)
			return err_set(e, EINVAL, "%s is not a valid id", names[k]);
		v[k] = f->valuedouble;
	}
	if (v[0] + v[2] > (double)UINT32_MAX + 1 || v[1] + v[2] > (double)UINT32_MAX + 1)
		return err_set(e, EINVAL, "goes past the largest id");
	m->ctr = (uint32_t)v[0];
	m->host = (uint32_t)v[1];
	m->size = (uint32_t)v[2];
	return 0;
}

static int parse_maps(const cJSON *linux_obj, const char *key, struct id_map **out,
		      size_t *n, struct err *e)
{
	const struct json_array_reader r = { .what = key, .size = sizeof(**out),
					     .elem = map_from_json };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(linux_obj, key), &r, out, n, e);
}

static int parse_env(const cJSON *process, struct oci_spec *sp, struct err *e)
{
	const struct json_array_reader r = { .what = "env", .size = sizeof(char *),
					     .elem = json_string_elem, .drop = json_strings_drop };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(process, "env"), &r, &sp->env,
			       &sp->n_env, e);
}

static int parse_doc(const cJSON *doc, struct oci_spec *sp, struct err *e)
{
	const cJSON *root, *linux_obj, *process;
	const char *s;

	if (!cJSON_IsObject(doc))
		return err_set(e, EINVAL, "not a JSON object");
	root = cJSON_GetObjectItemCaseSensitive(doc, "root");
	if (!cJSON_IsObject(root))
		return err_set(e, EINVAL, "no \"root\" object");
	if (json_opt_string(root, "path", &s, e) < 0)
		return err_wrap(e, "root");
	if (!s || !*s)
		return err_set(e, EINVAL, "no root.path");
	sp->root_path = xstrdup(s);

	linux_obj = cJSON_GetObjectItemCaseSensitive(doc, "linux");
	if (linux_obj && !cJSON_IsNull(linux_obj)) {
		if (!cJSON_IsObject(linux_obj))
			return err_set(e, EINVAL, "\"linux\" is not an object");
		if (json_opt_string(linux_obj, "cgroupsPath", &s, e) < 0)
			return err_wrap(e, "linux");
		if (s)
			sp->cgroups_path = xstrdup(s);
		if (parse_maps(linux_obj, "uidMappings", &sp->uid_maps, &sp->n_uid_maps, e) < 0 ||
		    parse_maps(linux_obj, "gidMappings", &sp->gid_maps, &sp->n_gid_maps, e) < 0)
			return err_wrap(e, "linux");
	}
	process = cJSON_GetObjectItemCaseSensitive(doc, "process");
	if (process && cJSON_IsObject(process) && parse_env(process, sp, e) < 0)
		return err_wrap(e, "process");
	return 0;
}

int oci_spec_parse(const char *json, size_t len, struct oci_spec *sp, struct err *e)
{
	_cleanup_cjson_ cJSON *doc = NULL;

	memset(sp, 0, sizeof(*sp));
	if (json_parse(json, len, &doc, e) < 0 || parse_doc(doc, sp, e) < 0) {
		oci_spec_free(sp);
		return -1;
	}
	return 0;
}

int oci_spec_load(const char *bundle, struct oci_spec *sp, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_free_ char *buf = NULL;
	size_t len;

	memset(sp, 0, sizeof(*sp));
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &buf, &len, e) < 0)
		return -1;
	if (oci_spec_parse(buf, len, sp, e) < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

void oci_spec_free(struct oci_spec *sp)
{
	free(sp->root_path);
	free(sp->cgroups_path);
	free(sp->uid_maps);
	free(sp->gid_maps);
	str_list_free(sp->env, sp->n_env);
	memset(sp, 0, sizeof(*sp));
}

static char *bundle_path(const char *bundle, const char *root)
{
	_cleanup_free_ char *joined = NULL;

	if (!root)
		return NULL;
	if (root[0] == '/')
		return path_clean(root);
	joined = xasprintf("%s/%s", bundle, root);
	return path_clean(joined);
}

char *oci_rootfs_path(const struct oci_state *st, const struct oci_spec *sp)
{
	return bundle_path(st->bundle, st->root ? st->root : sp->root_path);
}

char *oci_rootfs_host_path(const struct oci_state *st, const struct oci_spec *sp)
{
	return bundle_path(st->bundle, sp->root_path ? sp->root_path : st->root);
}

int idmap_to_host(const struct id_map *maps, size_t n, uint32_t id, uint32_t *out)
{
	if (n == 0) {
		*out = id;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (id >= maps[i].ctr && id - maps[i].ctr < maps[i].size) {
			*out = maps[i].host + (id - maps[i].ctr);
			return 0;
		}
	}
	return -1;
}
