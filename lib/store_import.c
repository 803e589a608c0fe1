#include "store_import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store.h"
#include "store_net.h"
#include "store_places.h"
#include "util.h"

static const char *const top_keys[] = {
	"deviceToAdd", "bindToAdd", "readIops", "writeIops", "readBps", "writeBps",
	"blkioWeight", "networkInterfaces", "networkRoute", "networkSharedNamespace",
};
static const char *const device_keys[] = {
	"Type", "Major", "Minor", "PathOnHost", "PathInContainer", "CgroupPermissions", "Parent",
	"FollowPartition",
};
static const char *const qos_keys[] = { "major", "minor", "path", "value" };
static const char *const nic_keys[] = {
	"Ip", "Mac", "Mtu", "Qlen", "Type", "Bridge", "HostNicName", "CtrNicName", "OrigMac",
	"OrigMtu", "OrigUp",
};
static const char *const route_keys[] = { "dest", "src", "gw", "dev" };

/* The fields of the entries of each list: one table per list, as two lists
 * spell the same name two ways (a device's "Major", a QoS entry's
 * "major"). */
static const struct {
	const char *list;
	const char *const *keys;
	size_t n;
} entry_keys[] = {
	{ "deviceToAdd", device_keys, ARRAY_SIZE(device_keys) },
	{ "readIops", qos_keys, ARRAY_SIZE(qos_keys) },
	{ "writeIops", qos_keys, ARRAY_SIZE(qos_keys) },
	{ "readBps", qos_keys, ARRAY_SIZE(qos_keys) },
	{ "writeBps", qos_keys, ARRAY_SIZE(qos_keys) },
	{ "blkioWeight", qos_keys, ARRAY_SIZE(qos_keys) },
	{ "networkInterfaces", nic_keys, ARRAY_SIZE(nic_keys) },
	{ "networkRoute", route_keys, ARRAY_SIZE(route_keys) },
};

static const char *canonical(const char *key, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(key, keys[i]))
			return keys[i];
	return NULL;
}

/* A copy of @o with known keys spelled our way (case-sensitive). */
static cJSON *respell(const cJSON *o, const char *const *keys, size_t n, struct err *e)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *it;

	cJSON_ArrayForEach(it, o) {
		const char *k = canonical(it->string, keys, n);

		if (!k || cJSON_GetObjectItemCaseSensitive(out, k)) {
			cJSON_Delete(out);
			err_set(e, EINVAL, "%s field \"%.40s\"", k ? "repeated" : "unknown",
				it->string);
			return NULL;
		}
		cJSON_AddItemToObject(out, k, cJSON_Duplicate(it, true));
	}
	return out;
}

/* Respell the objects of the list @list in place. */
static int respell_entries(cJSON *list, struct err *e)
{
	cJSON *it;
	int i = 0;

	for (size_t k = 0; k < ARRAY_SIZE(entry_keys); k++) {
		if (strcmp(list->string, entry_keys[k].list) != 0 || !cJSON_IsArray(list))
			continue;
		for (it = list->child; it; it = it->next, i++) {
			cJSON *fixed;

			if (!cJSON_IsObject(it))
				continue;       /* the validator says what is wrong */
			fixed = respell(it, entry_keys[k].keys, entry_keys[k].n, e);
			if (!fixed)
				return err_wrap(e, "%s[%d]", list->string, i);
			cJSON_ReplaceItemViaPointer(list, it, fixed);
			it = fixed;
		}
	}
	return 0;
}

cJSON *store_respell(const cJSON *in, struct err *e)
{
	cJSON *out, *list;

	if (!cJSON_IsObject(in)) {
		err_set(e, EINVAL, "not a JSON object");
		return NULL;
	}
	out = respell(in, top_keys, ARRAY_SIZE(top_keys), e);
	if (!out)
		return NULL;
	cJSON_ArrayForEach(list, out)
		if (respell_entries(list, e) < 0) {
			cJSON_Delete(out);
			return NULL;
		}
	return out;
}

/* The first name of @names that repeats, told as "KEY[j] and [i] both
 * WHAT NAME[WHERE]". */
static int unique(const char *key, const char *const *names, size_t n, const char *what,
		  const char *where, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return err_set(e, EINVAL, "%s[%zu] and [%zu] both %s %s%s", key, j, i,
					       what, names[i], where);
	return 0;
}

int store_check_unique(const cJSON *doc, struct err *e)
{
	_cleanup_free_ const char **names = NULL;
	struct saved_places p;
	size_t nd, np, nn;
	int r = -1;

	if (store_places(doc, &p, e) < 0)
		return -1;
	nd = p.n_devs, np = p.n_binds, nn = p.n_nics;
	names = xcalloc(nd + np + nn + 1, sizeof(*names));
	for (size_t i = 0; i < nd; i++)
		names[i] = p.devs[i].ctr;
	for (size_t i = 0; i < np; i++)
		names[nd + i] = p.binds[i].ctr;
	for (size_t i = 0; i < nn; i++)
		names[nd + np + i] = p.nics[i].ctr;
	if (unique("deviceToAdd", names, nd, "use container path", "", e) == 0 &&
	    unique("bindToAdd", names + nd, np, "use container path", "", e) == 0 &&
	    unique("networkInterfaces", names + nd + np, nn, "name", " in the container", e) == 0)
		r = 0;
	saved_places_free(&p);
	return r;
}
