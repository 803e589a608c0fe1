#include "store_net.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "json.h"
#include "util.h"

#define KEY_NICS "networkInterfaces"
#define KEY_ROUTES "networkRoute"
#define KEY_SHARED "networkSharedNamespace"

static int copy_str(const cJSON *o, const char *key, char *dst, size_t len, struct err *e)
{
	const char *s;

	if (json_opt_string(o, key, &s, e) < 0)
		return -1;
	if (!s)
		s = "";
	if (strlen(s) >= len)
		return err_set(e, EINVAL, "\"%s\" is too long", key);
	strcpy(dst, s);
	return 0;
}

/* A string field of an entry: its key and where it goes. */
struct str_field {
	const char *key;
	size_t off, len;
};
#define STR_FIELD(type, key, member) { key, offsetof(type, member), sizeof(((type *)0)->member) }

static const struct str_field nic_strs[] = {
	STR_FIELD(struct nic_spec, "Type", type),
	STR_FIELD(struct nic_spec, "HostNicName", host),
	STR_FIELD(struct nic_spec, "CtrNicName", ctr),
	STR_FIELD(struct nic_spec, "Ip", ip),
	STR_FIELD(struct nic_spec, "Mac", mac),
	STR_FIELD(struct nic_spec, "Bridge", bridge),
};
static const struct str_field route_strs[] = {
	STR_FIELD(struct route_spec, "dest", dest),
	STR_FIELD(struct route_spec, "src", src),
	STR_FIELD(struct route_spec, "gw", gw),
	STR_FIELD(struct route_spec, "dev", dev),
};

/* Object @o's string fields @f[0..n) into the struct at @base. */
static int copy_strs(const cJSON *o, const struct str_field *f, size_t n, void *base,
		     struct err *e)
{
	if (!cJSON_IsObject(o))
		return err_set(e, EINVAL, "not an object");
	for (size_t i = 0; i < n; i++)
		if (copy_str(o, f[i].key, (char *)base + f[i].off, f[i].len, e) < 0)
			return -1;
	return 0;
}

static int get_int(const cJSON *o, const char *key, int dflt, int *out, struct err *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!it || cJSON_IsNull(it)) {
		*out = dflt;
		return 0;
	}
	/* the range first: casting an out-of-range double is undefined */
	if (!cJSON_IsNumber(it) || it->valuedouble < -2147483648.0 ||
	    it->valuedouble > 2147483647.0 || it->valuedouble != (int)it->valuedouble)
		return err_set(e, EINVAL, "\"%s\" is not an integer", key);
	*out = (int)it->valuedouble;
	return 0;
}

/* How an eth link was on the host before it was lent (absent: unknown). */
static int orig_from_json(const cJSON *o, struct nic_spec *n, struct err *e)
{
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(o, "OrigUp");
	unsigned char mac[6];

	if (copy_str(o, "OrigMac", n->orig_mac, sizeof(n->orig_mac), e) < 0 ||
	    get_int(o, "OrigMtu", 0, &n->orig_mtu, e) < 0)
		return -1;
	if (n->orig_mac[0] && parse_mac(n->orig_mac, mac, e) < 0)
		return err_wrap(e, "OrigMac");
	if (n->orig_mtu && (n->orig_mtu < MTU_MIN || n->orig_mtu > MTU_MAX))
		return err_set(e, EINVAL, "\"OrigMtu\" %d is out of range", n->orig_mtu);
	if (up && !cJSON_IsNull(up) && !cJSON_IsBool(up))
		return err_set(e, EINVAL, "\"OrigUp\" is not true or false");
	n->orig_up = up && cJSON_IsBool(up) ? cJSON_IsTrue(up) : -1;
	return 0;
}

static int nic_from_json(const cJSON *o, void *out, void *arg, struct err *e)
{
	struct nic_spec *n = out;

	(void)arg;
	memset(n, 0, sizeof(*n));
	if (copy_strs(o, nic_strs, ARRAY_SIZE(nic_strs), n, e) < 0 ||
	    get_int(o, "Mtu", 1500, &n->mtu, e) < 0 || get_int(o, "Qlen", 1000, &n->qlen, e) < 0)
		return -1;
	if (!n->host[0])
		return err_set(e, EINVAL, "no HostNicName");
	if (orig_from_json(o, n, e) < 0)
		return -1;
	return nic_validate(n, e);
}

static int route_from_json(const cJSON *o, void *out, void *arg, struct err *e)
{
	struct route_spec *r = out;

	(void)arg;
	memset(r, 0, sizeof(*r));
	if (copy_strs(o, route_strs, ARRAY_SIZE(route_strs), r, e) < 0)
		return -1;
	return route_validate(r, e);
}

int store_nics(const cJSON *doc, struct nic_spec **out, size_t *n, struct err *e)
{
	static const struct json_array_reader r = { .what = KEY_NICS, .size = sizeof(**out),
						    .elem = nic_from_json };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(doc, KEY_NICS), &r, out, n, e);
}

int store_routes(const cJSON *doc, struct route_spec **out, size_t *n, struct err *e)
{
	static const struct json_array_reader r = { .what = KEY_ROUTES, .size = sizeof(**out),
						    .elem = route_from_json };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(doc, KEY_ROUTES), &r, out, n, e);
}

int store_net_validate(const cJSON *doc, struct err *e)
{
	struct nic_spec *nics;
	struct route_spec *routes;
	size_t n;

	if (store_nics(doc, &nics, &n, e) < 0)
		return -1;
	free(nics);
	if (store_routes(doc, &routes, &n, e) < 0)
		return -1;
	free(routes);
	return store_net_consent(doc, &(const char *){ NULL }, e);
}

int store_net_consent(const cJSON *doc, const char **path, struct err *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, KEY_SHARED);

	*path = NULL;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it) || it->valuestring[0] != '/')
		return err_set(e, EINVAL, "\"%s\" is not an absolute path", KEY_SHARED);
	*path = it->valuestring;
	return 0;
}

void store_set_net_consent(cJSON *doc, const char *path)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, KEY_SHARED);
	if (path)
		cJSON_AddStringToObject(doc, KEY_SHARED, path);
}

static cJSON *nic_to_json(const struct nic_spec *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "Ip", n->ip);
	cJSON_AddStringToObject(o, "Mac", n->mac);
	cJSON_AddNumberToObject(o, "Mtu", n->mtu);
	cJSON_AddNumberToObject(o, "Qlen", n->qlen);
	cJSON_AddStringToObject(o, "Type", n->type);
	cJSON_AddStringToObject(o, "Bridge", n->bridge);
	cJSON_AddStringToObject(o, "HostNicName", n->host);
	cJSON_AddStringToObject(o, "CtrNicName", n->ctr);
	if (n->orig_mac[0])
		cJSON_AddStringToObject(o, "OrigMac", n->orig_mac);
	if (n->orig_mtu)
		cJSON_AddNumberToObject(o, "OrigMtu", n->orig_mtu);
	if (n->orig_up >= 0)
		cJSON_AddBoolToObject(o, "OrigUp", n->orig_up);
	return o;
}

static cJSON *route_to_json(const struct route_spec *r)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < ARRAY_SIZE(route_strs); i++)
		cJSON_AddStringToObject(o, route_strs[i].key, (const char *)r + route_strs[i].off);
	return o;
}

void store_add_nic(cJSON *doc, const struct nic_spec *n)
{
	cJSON_AddItemToArray(json_array_member(doc, KEY_NICS), nic_to_json(n));
}

void store_remove_nic(cJSON *doc, size_t index)
{
	cJSON_DeleteItemFromArray(json_array_member(doc, KEY_NICS), (int)index);
}

void store_replace_nic(cJSON *doc, size_t index, const struct nic_spec *n)
{
	cJSON_ReplaceItemInArray(json_array_member(doc, KEY_NICS), (int)index, nic_to_json(n));
}

void store_add_route(cJSON *doc, const struct route_spec *r)
{
	cJSON_AddItemToArray(json_array_member(doc, KEY_ROUTES), route_to_json(r));
}

void store_remove_route(cJSON *doc, size_t index)
{
	cJSON_DeleteItemFromArray(json_array_member(doc, KEY_ROUTES), (int)index);
}

const cJSON *store_nics_json(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, KEY_NICS);
}

const cJSON *store_routes_json(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, KEY_ROUTES);
}

bool store_has_nics(const cJSON *doc)
{
	return cJSON_IsArray(store_nics_json(doc));
}

void store_set_nics(cJSON *doc, const struct nic_spec *nics, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, nic_to_json(&nics[i]));
	cJSON_DeleteItemFromObjectCaseSensitive(doc, KEY_NICS);
	cJSON_AddItemToObject(doc, KEY_NICS, arr);
}

bool store_remove_nic_named(cJSON *doc, const char *ctr)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, KEY_NICS), *it;
	int i = 0;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "CtrNicName");

		if (cJSON_IsString(name) && strcmp(name->valuestring, ctr) == 0) {
			cJSON_DeleteItemFromArray(arr, i);
			return true;
		}
		i++;
	}
	return false;
}
