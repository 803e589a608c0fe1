/* import: take an existing iSulad device_hook.json (the original tool's
 * saved state), or our own list --json, into our store, so operators
 * switch without re-adding anything. The original wrote Go field names and read them without
 * regard to case; here they are put in our spelling and checked. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_net.h"
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

static cJSON *convert(const cJSON *in, struct err *e)
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

/* Two entries for one container path (or interface name) would make a
 * later remove-* take the wrong one. */
static int check_unique(const cJSON *doc, struct err *e)
{
	struct store s = { .doc = (cJSON *)doc, .lock_fd = -1 };
	struct saved_device *d = NULL;
	struct path_spec *p = NULL;
	struct nic_spec *nics = NULL;
	size_t nd = 0, np = 0, nn = 0;
	int r = -1;

	if (store_devices(&s, &d, &nd, e) < 0 || store_binds(&s, &p, &np, e) < 0 ||
	    store_nics(doc, &nics, &nn, e) < 0)
		goto out;
	for (size_t i = 0; i < nd; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d[i].ctr, d[j].ctr)) {
				err_set(e, EINVAL, "deviceToAdd[%zu] and [%zu] both use container path %s",
					j, i, d[i].ctr);
				goto out;
			}
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p[i].ctr, p[j].ctr)) {
				err_set(e, EINVAL, "bindToAdd[%zu] and [%zu] both use container path %s",
					j, i, p[i].ctr);
				goto out;
			}
	for (size_t i = 0; i < nn; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(nics[i].ctr, nics[j].ctr)) {
				err_set(e, EINVAL, "networkInterfaces[%zu] and [%zu] both name %s in the "
					"container", j, i, nics[i].ctr);
				goto out;
			}
	r = 0;
out:
	saved_devices_free(d, nd);
	path_specs_free(p, np);
	free(nics);
	return r;
}

static int import(struct cli *cli, const char *id, const char *file, bool force, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_cjson_ cJSON *in = NULL;
	cJSON *doc;
	struct store s;
	size_t len;
	int r = -1;

	if (read_file_at(AT_FDCWD, file, MAX_FILE_SIZE, &buf, &len, e) < 0)
		return -1;
	if (json_parse(buf, len, &in, e) < 0)
		return err_wrap(e, "%s", file);
	doc = convert(in, e);
	if (!doc || store_validate(doc, e) < 0 || check_unique(doc, e) < 0) {
		cJSON_Delete(doc);
		return err_wrap(e, "%s", file);
	}
	if (store_open(cli->root, id, STORE_LAZY, &s, e) < 0) {
		cJSON_Delete(doc);
		return -1;
	}
	if (s.doc->child && !force) {
		err_set(e, EEXIST, "container %s already has saved state in %s (--force replaces it)",
			id, s.path);
		cJSON_Delete(doc);
		goto out;
	}
	cJSON_Delete(s.doc);
	s.doc = doc;
	if (store_save(&s, e) < 0)
		goto out;
	cli_printf("Imported %s into %s\n", file, s.path);
	log_info("%s: imported %s", id, file);
	r = 0;
out:
	store_close(&s);
	return r;
}

enum { F_FORCE = 256 };

static int run_import(struct cli *cli, const struct cli_args *a)
{
	struct err e = { 0 };

	if (import(cli, a->pos[0], a->pos[1], cli_has(a, F_FORCE), &e) < 0)
		return fail(&cmd_import, &e);
	return 0;
}

static const struct cli_flag import_flags[] = {
	{ "force", F_FORCE, NULL, "replace state already saved for CONTAINER", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct command cmd_import = {
	.name = "import",
	.run = run_import,
	.args = "CONTAINER FILE [--force]",
	.help = "Take FILE, a device_hook.json saved by the original syscontainer-tools\n"
		"(<isulad root>/engines/lcr/<id>/device_hook.json) or the output of\n"
		"'list --json', as the saved state of CONTAINER: devices, paths, QoS,\n"
		"interfaces and routes are re-applied by the hook from the container's next\n"
		"start. Field names are matched without regard to case, as the original tool\n"
		"read them; everything is checked first. Two entries for one container path,\n"
		"or for one interface name in the container, are refused.\n",
	.flags = import_flags,
	.min_pos = 2,
	.max_pos = 2,
	.pos_error = "needs a container id and a file",
};
