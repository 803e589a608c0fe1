#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "container_id.h"
#include "json.h"
#include "store_net.h"
#include "util.h"

#define KEY_SD "systemdBaseline"

static cJSON *str_array(char *const *s, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s[i]));
	return arr;
}

static cJSON *record_to_json(const struct record *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddNumberToObject(o, "pid", r->pid);
	cJSON_AddStringToObject(o, "bundle", r->bundle);
	cJSON_AddStringToObject(o, "rootfs", r->rootfs);
	cJSON_AddNumberToObject(o, "mntnsDev", (double)r->mntns_dev);
	cJSON_AddNumberToObject(o, "mntnsIno", (double)r->mntns_ino);
	if (r->start_time)
		cJSON_AddNumberToObject(o, "startTime", (double)r->start_time);
	if (r->netns_ino) {
		cJSON_AddNumberToObject(o, "netnsDev", (double)r->netns_dev);
		cJSON_AddNumberToObject(o, "netnsIno", (double)r->netns_ino);
	}
	if (r->devices_cgroup)
		cJSON_AddStringToObject(o, "devicesCgroup", r->devices_cgroup);
	if (r->devices_v2)
		cJSON_AddTrueToObject(o, "devicesV2");
	cJSON_AddItemToObject(o, "deviceBaseline", str_array(r->baseline, r->n_baseline));
	if (r->sd_known)
		cJSON_AddItemToObject(o, KEY_SD, str_array(r->sd_baseline, r->n_sd_baseline));
	if (r->sd_unit)
		cJSON_AddStringToObject(o, "systemdUnit", r->sd_unit);
	if (r->nics_known)
		store_set_nics(o, r->nics, r->n_nics);
	return o;
}

static int write_doc(const char *rundir, const char *id, const cJSON *o, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", rundir, id);
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, RECORD_FILE);
	_cleanup_free_ char *text = cJSON_PrintUnformatted(o);

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		/* the run directory itself is missing after a reboot */
		if (errno != ENOENT)
			return err_sys(e, errno, "mkdir %s", dir);
		if (mkdir_p(rundir, 0700, e) < 0)
			return -1;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_sys(e, errno, "mkdir %s", dir);
	}
	return write_file_atomic(path, text, strlen(text), 0600, WRITE_VOLATILE, e);
}

char *record_format(const struct record *r)
{
	_cleanup_cjson_ cJSON *o = record_to_json(r);

	return cJSON_PrintUnformatted(o);
}

int record_write(const char *rundir, const struct record *r, struct err *e)
{
	_cleanup_cjson_ cJSON *o = NULL;

	/* the id becomes a directory name under @rundir */
	if (container_id_check(r->id, e) < 0)
		return -1;
	o = record_to_json(r);
	return write_doc(rundir, r->id, o, e);
}

static int get_u64(const cJSON *o, const char *key, uint64_t *out, struct err *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble >= 18446744073709551616.0)
		return err_set(e, EINVAL, "no number \"%s\"", key);
	*out = (uint64_t)it->valuedouble;
	return 0;
}

static int parse_strings(const cJSON *o, const char *key, char ***out, size_t *n,
			 struct err *e)
{
	const struct json_array_reader rd = { .what = key, .size = sizeof(char *),
					      .elem = json_string_elem,
					      .drop = json_strings_drop };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(o, key), &rd, out, n, e);
}

static int parse_baseline(const cJSON *o, struct record *r, struct err *e)
{
	const char *unit;

	if (json_opt_string(o, "systemdUnit", &unit, e) < 0)
		return -1;
	r->sd_unit = unit ? xstrdup(unit) : NULL;
	r->sd_known = cJSON_GetObjectItemCaseSensitive(o, KEY_SD) != NULL;
	if (parse_strings(o, "deviceBaseline", &r->baseline, &r->n_baseline, e) < 0)
		return -1;
	return parse_strings(o, KEY_SD, &r->sd_baseline, &r->n_sd_baseline, e);
}

/* What later versions added: optional, so older records still parse. */
static int parse_instance(const cJSON *o, struct record *r, struct err *e)
{
	if (cJSON_GetObjectItemCaseSensitive(o, "startTime") &&
	    get_u64(o, "startTime", &r->start_time, e) < 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "netnsIno") &&
	    (get_u64(o, "netnsDev", &r->netns_dev, e) < 0 ||
	     get_u64(o, "netnsIno", &r->netns_ino, e) < 0))
		return -1;
	r->nics_known = store_nics_json(o) != NULL;
	if (r->nics_known && store_nics(o, &r->nics, &r->n_nics, e) < 0)
		return -1;
	return 0;
}

int record_parse(const char *json, size_t len, struct record *r, struct err *e)
{
	_cleanup_cjson_ cJSON *o = NULL;
	const char *id, *bundle, *rootfs, *cg;
	uint64_t pid = 0;

	memset(r, 0, sizeof(*r));
	if (json_parse(json, len, &o, e) < 0)
		return -1;
	if (json_opt_string(o, "id", &id, e) < 0 || json_opt_string(o, "bundle", &bundle, e) < 0 ||
	    json_opt_string(o, "rootfs", &rootfs, e) < 0 ||
	    json_opt_string(o, "devicesCgroup", &cg, e) < 0)
		return -1;
	if (!id || !container_id_valid(id) || !bundle || !rootfs)
		return err_set(e, EINVAL, "missing id, bundle or rootfs");
	if (get_u64(o, "pid", &pid, e) < 0 || pid == 0 || pid > 4194304 ||
	    get_u64(o, "mntnsDev", &r->mntns_dev, e) < 0 ||
	    get_u64(o, "mntnsIno", &r->mntns_ino, e) < 0)
		return err_set(e, EINVAL, "missing or invalid pid or namespace");
	r->pid = (int)pid;
	r->id = xstrdup(id);
	r->bundle = xstrdup(bundle);
	r->rootfs = xstrdup(rootfs);
	r->devices_cgroup = cg ? xstrdup(cg) : NULL;
	r->devices_v2 = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "devicesV2"));
	if (parse_baseline(o, r, e) < 0 || parse_instance(o, r, e) < 0) {
		record_free(r);
		return -1;
	}
	return 0;
}

int record_read(const char *rundir, const char *id, struct record *r, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/%s", rundir, id, RECORD_FILE);
	_cleanup_free_ char *buf = NULL;
	size_t len;

	memset(r, 0, sizeof(*r));
	if (container_id_check(id, e) < 0)
		return -1;
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &buf, &len, e) < 0)
		return -1;
	if (record_parse(buf, len, r, e) < 0)
		return err_wrap(e, "corrupt runtime record %s", path);
	return 0;
}

int record_remove(const char *rundir, const char *id, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", rundir, id);
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, RECORD_FILE);

	if (container_id_check(id, e) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", path);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", dir);
	return 0;
}

void record_free(struct record *r)
{
	free(r->id);
	free(r->bundle);
	free(r->rootfs);
	free(r->devices_cgroup);
	str_list_free(r->baseline, r->n_baseline);
	str_list_free(r->sd_baseline, r->n_sd_baseline);
	free(r->sd_unit);
	free(r->nics);
	memset(r, 0, sizeof(*r));
}

/* The record of @id as JSON, to change and write back. */
static int read_doc(const char *rundir, const char *id, cJSON **o, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/%s", rundir, id, RECORD_FILE);
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (container_id_check(id, e) < 0)
		return -1;
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &buf, &len, e) < 0 ||
	    json_parse(buf, len, o, e) < 0)
		return err_wrap(e, "runtime record %s", path);
	return 0;
}

int record_sd_baseline_set(const char *rundir, const struct record *r, struct err *e)
{
	_cleanup_cjson_ cJSON *o = NULL;

	if (read_doc(rundir, r->id, &o, e) < 0)
		return -1;
	cJSON_DeleteItemFromObjectCaseSensitive(o, KEY_SD);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "systemdUnit");
	cJSON_AddItemToObject(o, KEY_SD, str_array(r->sd_baseline, r->n_sd_baseline));
	if (r->sd_unit)
		cJSON_AddStringToObject(o, "systemdUnit", r->sd_unit);
	return write_doc(rundir, r->id, o, e);
}

/* Read, change and rewrite the record's list of interfaces. */
static int edit_nics(const char *rundir, const char *id, const struct nic_spec *add,
		     const char *remove, struct err *e)
{
	_cleanup_cjson_ cJSON *o = NULL;

	if (read_doc(rundir, id, &o, e) < 0)
		return -1;
	/* a record without a list was written before lists were kept */
	if (!store_has_nics(o))
		return 0;
	if (add)
		store_add_nic(o, add);
	else if (!store_remove_nic_named(o, remove))
		return 0;
	return write_doc(rundir, id, o, e);
}

int record_nic_add(const char *rundir, const char *id, const struct nic_spec *n, struct err *e)
{
	return edit_nics(rundir, id, n, NULL, e);
}

int record_nic_remove(const char *rundir, const char *id, const char *ctr, struct err *e)
{
	return edit_nics(rundir, id, NULL, ctr, e);
}
