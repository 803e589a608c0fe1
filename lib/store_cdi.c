#include "store_cdi.h"

#include <errno.h>
#include <string.h>

#include "cdi.h"
#include "json.h"
#include "util.h"

#define KEY_CDI "cdiDevices"

static const struct json_array_reader strings_reader = {
	.what = "list", .size = sizeof(char *), .elem = json_string_elem,
	.drop = json_strings_drop
};

/* A list of strings member; every string absolute (a path) or, with
 * @names, an interface name. */
static int read_list(const cJSON *o, const char *key, char ***out, size_t *n, struct err *e)
{
	if (json_array_read(cJSON_GetObjectItemCaseSensitive(o, key), &strings_reader, out, n, e) < 0)
		return err_wrap(e, "%s", key);
	for (size_t i = 0; i < *n; i++)
		if (!(*out)[i][0])
			return err_set(e, EINVAL, "%s[%zu] is empty", key, i);
	return 0;
}

static void cdi_elem_free(struct saved_cdi *c)
{
	free(c->name);
	str_list_free(c->dirs, c->n_dirs);
	str_list_free(c->nodes, c->n_nodes);
	str_list_free(c->mounts, c->n_mounts);
	str_list_free(c->netdevs, c->n_netdevs);
	memset(c, 0, sizeof(*c));
}

static int cdi_from_json(const cJSON *it, struct saved_cdi *c, struct err *e)
{
	const char *name;

	memset(c, 0, sizeof(*c));
	if (!cJSON_IsObject(it))
		return err_set(e, EINVAL, "not an object");
	if (json_opt_string(it, "Name", &name, e) < 0)
		return -1;
	if (!name || !cdi_is_qualified_name(name))
		return err_set(e, EINVAL, "Name is not a CDI device name (vendor.com/class=name)");
	c->name = xstrdup(name);
	c->ignore_unsupported = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "IgnoreUnsupported"));
	if (read_list(it, "SpecDirs", &c->dirs, &c->n_dirs, e) < 0 ||
	    read_list(it, "DeviceNodes", &c->nodes, &c->n_nodes, e) < 0 ||
	    read_list(it, "Mounts", &c->mounts, &c->n_mounts, e) < 0 ||
	    read_list(it, "NetDevices", &c->netdevs, &c->n_netdevs, e) < 0) {
		cdi_elem_free(c);
		return -1;
	}
	return 0;
}

static int cdi_elem(const cJSON *it, void *out, void *arg, struct err *e)
{
	(void)arg;
	return cdi_from_json(it, out, e);
}

static void cdi_drop(void *elems, size_t n)
{
	struct saved_cdi *c = elems;

	for (size_t i = 0; i < n; i++)
		cdi_elem_free(&c[i]);
}

static const struct json_array_reader cdi_reader = {
	.what = KEY_CDI, .size = sizeof(struct saved_cdi), .elem = cdi_elem, .drop = cdi_drop
};

int store_cdi(const cJSON *doc, struct saved_cdi **out, size_t *n, struct err *e)
{
	if (json_array_read(cJSON_GetObjectItemCaseSensitive(doc, KEY_CDI), &cdi_reader, out, n, e) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp((*out)[i].name, (*out)[j].name) == 0) {
				err_set(e, EINVAL, KEY_CDI "[%zu]: %s is there twice", i, (*out)[j].name);
				saved_cdi_free(*out, *n);
				*out = NULL;
				*n = 0;
				return -1;
			}
	return 0;
}

int store_cdi_validate(const cJSON *doc, struct err *e)
{
	struct saved_cdi *c = NULL;
	size_t n = 0;

	if (store_cdi(doc, &c, &n, e) < 0)
		return -1;
	saved_cdi_free(c, n);
	return 0;
}

void saved_cdi_free(struct saved_cdi *c, size_t n)
{
	cdi_drop(c, n);
	free(c);
}

long saved_cdi_find(const struct saved_cdi *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return (long)i;
	return -1;
}

bool saved_cdi_has(char *const *list, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], path) == 0)
			return true;
	return false;
}

char *const *saved_cdi_list(const struct saved_cdi *c, enum cdi_place k, size_t *n)
{
	*n = k == CDI_NODES ? c->n_nodes : k == CDI_MOUNTS ? c->n_mounts : c->n_netdevs;
	return k == CDI_NODES ? c->nodes : k == CDI_MOUNTS ? c->mounts : c->netdevs;
}

const struct saved_cdi *saved_cdi_owner(const struct saved_cdi *c, size_t n, enum cdi_place k,
					const char *place)
{
	for (size_t i = 0; i < n; i++) {
		size_t nl;
		char *const *l = saved_cdi_list(&c[i], k, &nl);

		if (saved_cdi_has(l, nl, place))
			return &c[i];
	}
	return NULL;
}

const char *store_cdi_owner(const cJSON *doc, enum cdi_place k, const char *place)
{
	static const char *const keys[] = { "DeviceNodes", "Mounts", "NetDevices" };
	const cJSON *it, *p;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, KEY_CDI)) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "Name");

		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(it, keys[k]))
			if (cJSON_IsString(p) && cJSON_IsString(name) && !strcmp(p->valuestring, place))
				return name->valuestring;
	}
	return NULL;
}

static void add_list(cJSON *o, const char *key, char *const *list, size_t n)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(list[i]));
}

static cJSON *cdi_to_json(const struct saved_cdi *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "Name", c->name);
	if (c->n_dirs)
		add_list(o, "SpecDirs", c->dirs, c->n_dirs);
	if (c->ignore_unsupported)
		cJSON_AddTrueToObject(o, "IgnoreUnsupported");
	add_list(o, "DeviceNodes", c->nodes, c->n_nodes);
	add_list(o, "Mounts", c->mounts, c->n_mounts);
	add_list(o, "NetDevices", c->netdevs, c->n_netdevs);
	return o;
}

void store_set_cdi(cJSON *doc, long index, const struct saved_cdi *c)
{
	cJSON *arr = json_array_member(doc, KEY_CDI);

	if (!c)
		cJSON_DeleteItemFromArray(arr, (int)index);
	else if (index < 0)
		cJSON_AddItemToArray(arr, cdi_to_json(c));
	else
		cJSON_ReplaceItemInArray(arr, (int)index, cdi_to_json(c));
}

const cJSON *store_cdi_json(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, KEY_CDI);
}
