#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_id.h"
#include "json.h"
#include "progress.h"
#include "config.h"
#include "store_cdi.h"
#include "store_lock.h"
#include "store_net.h"
#include "store_qos.h"
#include "util.h"

#define KEY_DEVICES "deviceToAdd"
#define KEY_BINDS "bindToAdd"

const char *store_root(const char *flag)
{
	const char *env = config_get(CONFIG_ROOT);

	if (flag && *flag)
		return flag;
	return env ? env : STORE_ROOT_DEFAULT;
}

static void device_elems_free(struct saved_device *d, size_t n);
static void path_elems_free(struct path_spec *p, size_t n);

/* An optional whole number member within [0, @max]. */
static int opt_uint(const cJSON *it, const char *key, unsigned max, bool *has, unsigned *out,
		    struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, key);

	*has = v != NULL;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
	    v->valuedouble != (double)(unsigned)v->valuedouble)
		return err_set(e, EINVAL, "%s is not a number from 0 to %u", key, max);
	*out = (unsigned)v->valuedouble;
	return 0;
}

static int node_from_json(const cJSON *it, struct node_attrs *n, struct err *e)
{
	if (opt_uint(it, "FileMode", 07777, &n->has_mode, &n->mode, e) < 0 ||
	    opt_uint(it, "Uid", 0xfffffffe, &n->has_uid, &n->uid, e) < 0 ||
	    opt_uint(it, "Gid", 0xfffffffe, &n->has_gid, &n->gid, e) < 0)
		return -1;
	return 0;
}

static int device_from_json(const cJSON *it, struct saved_device *d, struct err *e)
{
	const char *type, *host, *ctr, *perms, *parent;
	const cJSON *maj = cJSON_GetObjectItemCaseSensitive(it, "Major");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(it, "Minor");

	memset(d, 0, sizeof(*d));
	if (!cJSON_IsObject(it))
		return err_set(e, EINVAL, "not an object");
	if (json_opt_string(it, "Type", &type, e) < 0 ||
	    json_opt_string(it, "PathOnHost", &host, e) < 0 ||
	    json_opt_string(it, "PathInContainer", &ctr, e) < 0 ||
	    json_opt_string(it, "CgroupPermissions", &perms, e) < 0 ||
	    json_opt_string(it, "Parent", &parent, e) < 0)
		return -1;
	if (!type || (strcmp(type, "b") && strcmp(type, "c")))
		return err_set(e, EINVAL, "Type must be \"b\" or \"c\"");
	if (!cJSON_IsNumber(maj) || maj->valuedouble < 0 || maj->valuedouble > 0xfffff ||
	    maj->valuedouble != (int)maj->valuedouble ||
	    !cJSON_IsNumber(min) || min->valuedouble < 0 || min->valuedouble > 0xfffff ||
	    min->valuedouble != (int)min->valuedouble)
		return err_set(e, EINVAL, "Major/Minor missing or out of range");
	if (!host || host[0] != '/')
		return err_set(e, EINVAL, "PathOnHost is not an absolute path");
	if (!ctr || ctr[0] != '/' || !ctr[1])
		return err_set(e, EINVAL, "PathInContainer is not an absolute file path");
	if (!device_perms_valid(perms))
		return err_set(e, EINVAL, "CgroupPermissions is not a subset of rwm");
	/* before anything is allocated: a refused entry is not freed */
	if (node_from_json(it, &d->node, e) < 0)
		return -1;
	d->type = type[0];
	d->major = (int64_t)maj->valuedouble;
	d->minor = (int64_t)min->valuedouble;
	d->host = xstrdup(host);
	d->ctr = path_clean(ctr);
	strcpy(d->perms, perms);
	d->parent = xstrdup(parent ? parent : "");
	d->follow = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "FollowPartition"));
	return 0;
}

static int device_elem(const cJSON *it, void *out, void *arg, struct err *e)
{
	(void)arg;
	return device_from_json(it, out, e);
}

static void device_drop(void *elems, size_t n)
{
	device_elems_free(elems, n);
}

static int bind_elem(const cJSON *it, void *out, void *arg, struct err *e)
{
	(void)arg;
	if (!cJSON_IsString(it))
		return err_set(e, EINVAL, "not a string");
	return parse_path_spec(it->valuestring, out, e);
}

static void bind_drop(void *elems, size_t n)
{
	path_elems_free(elems, n);
}

static const struct json_array_reader devices_reader = {
	.what = KEY_DEVICES, .size = sizeof(struct saved_device), .elem = device_elem,
	.drop = device_drop
};
static const struct json_array_reader binds_reader = {
	.what = KEY_BINDS, .size = sizeof(struct path_spec), .elem = bind_elem, .drop = bind_drop
};

static int store_devices_in(const cJSON *doc, struct saved_device **out, size_t *n,
			    struct err *e)
{
	return json_array_read(cJSON_GetObjectItemCaseSensitive(doc, KEY_DEVICES),
			       &devices_reader, out, n, e);
}

static int store_binds_in(const cJSON *doc, struct path_spec **out, size_t *n, struct err *e)
{
	return json_array_read(cJSON_GetObjectItemCaseSensitive(doc, KEY_BINDS), &binds_reader,
			       out, n, e);
}

int store_validate(const cJSON *doc, struct err *e)
{
	struct saved_device *d;
	struct path_spec *p;
	size_t nd, np;

	if (!cJSON_IsObject(doc))
		return err_set(e, EINVAL, "not a JSON object");
	if (store_devices_in(doc, &d, &nd, e) < 0)
		return -1;
	saved_devices_free(d, nd);
	if (store_binds_in(doc, &p, &np, e) < 0)
		return -1;
	path_specs_free(p, np);
	if (store_net_validate(doc, e) < 0 || store_qos_validate(doc, e) < 0 ||
	    store_cdi_validate(doc, e) < 0)
		return -1;
	return 0;
}

static int load(struct store *s, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	progress_path(PROGRESS_MAIN, "reading", s->path);
	if (read_file_at(AT_FDCWD, s->path, MAX_FILE_SIZE, &buf, &len, e) < 0) {
		if (e->code != ENOENT)
			return -1;
		s->doc = cJSON_CreateObject();
		return 0;
	}
	if (json_parse(buf, len, &s->doc, e) < 0 || store_validate(s->doc, e) < 0)
		return err_wrap(e, "corrupt state file %s (left as it is)", s->path);
	return 0;
}

static int take_lock(struct store *s, struct err *e)
{
	return store_lock_take(s->id, &s->lock_fd, e);
}

int store_open(const char *root, const char *id, int mode, struct store *s, struct err *e)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	if (container_id_check(id, e) < 0)
		return -1;
	s->id = xstrdup(id);
	s->dir = xasprintf("%s/%s", root, id);
	s->path = xasprintf("%s/%s", s->dir, STORE_FILE);
	if (mode == STORE_READ && lstat(s->dir, &st) < 0 && errno == ENOENT) {
		s->doc = cJSON_CreateObject();
		return 0;
	}
	if (take_lock(s, e) < 0 || load(s, e) < 0) {
		store_close(s);
		return -1;
	}
	return 0;
}

/* Temporary files of writers killed before their rename: under the lock
 * nobody else is writing, so any of them is stale. */
static void remove_stale_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL)
		if (str_has_prefix(de->d_name, STORE_FILE ".tmp"))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* Whether @name is one of the files the store writes in a state directory. */
static bool store_own_file(const char *name)
{
	return strcmp(name, STORE_FILE) == 0 || strcmp(name, ".lock") == 0 ||
	       str_has_prefix(name, STORE_FILE ".tmp");
}

/* ENOTEMPTY when the state directory holds a file the store did not write. */
static int foreign_file(const char *dir, struct err *e)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return err_sys(e, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    store_own_file(de->d_name))
			continue;
		err_set(e, ENOTEMPTY, "%s/%s was not written by syscontainer-tools; move it away "
			"first", dir, de->d_name);
		closedir(d);
		return -1;
	}
	closedir(d);
	return 0;
}

/* Remove hook.json, temporary files and the lock of older versions, then
 * the directory itself. */
static int remove_dir(const char *dir, struct err *e)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return err_sys(e, errno, "open %s", dir);
	/* hook.json last: until that one unlink the saved state is whole,
	 * and a forget that failed before it can be run again */
	while ((de = readdir(d)) != NULL)
		if (store_own_file(de->d_name) && strcmp(de->d_name, STORE_FILE) &&
		    unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			err_sys(e, errno, "remove %s/%s", dir, de->d_name);
			closedir(d);
			return -1;
		}
	if (unlinkat(dirfd(d), STORE_FILE, 0) < 0 && errno != ENOENT) {
		err_sys(e, errno, "remove %s/%s", dir, STORE_FILE);
		closedir(d);
		return -1;
	}
	closedir(d);
	if (rmdir(dir) < 0)
		return err_sys(e, errno, "remove %s", dir);
	return 0;
}

int store_forget(const char *root, const char *id,
		 int (*check)(void *arg, const cJSON *doc, struct err *e), void *arg,
		 struct err *e)
{
	struct store s = { .lock_fd = -1 };
	struct err unreadable = { 0 };
	int r = -1;

	if (container_id_check(id, e) < 0)
		return -1;
	s.id = xstrdup(id);
	s.dir = xasprintf("%s/%s", root, id);
	s.path = xasprintf("%s/%s", s.dir, STORE_FILE);
	/* nothing is removed while the directory holds a file we did not write */
	if (take_lock(&s, e) < 0)
		goto out;
	if (access(s.dir, F_OK) < 0) {
		r = err_sys(e, errno, "no saved state for %s in %s", id, root);
		goto out;
	}
	if (foreign_file(s.dir, e) < 0)
		goto out;
	/* a corrupt file is no reason to keep it: the check gets no document */
	if (load(&s, &unreadable) < 0) {
		cJSON_Delete(s.doc);
		s.doc = NULL;
	}
	if ((check && check(arg, s.doc, e) < 0) || remove_dir(s.dir, e) < 0)
		goto out;
	r = 0;
out:
	store_close(&s);
	return r;
}

/* Nothing in it: every member null, false, or an empty array or object. */
static bool doc_empty(const cJSON *doc)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, doc)
		if (!cJSON_IsNull(it) && !cJSON_IsFalse(it) &&
		    !((cJSON_IsArray(it) || cJSON_IsObject(it)) && !it->child))
			return false;
	return true;
}

/* @made: whether this call made the directory. */
static int make_dir(const char *root_dir, const char *dir, bool *made, struct err *e)
{
	*made = mkdir(dir, 0700) == 0;
	if (*made || errno == EEXIST)
		return 0;
	/* the root itself is missing only the first time */
	if (errno != ENOENT)
		return err_sys(e, errno, "mkdir %s", dir);
	if (mkdir_p(root_dir, 0700, e) < 0)
		return -1;
	*made = mkdir(dir, 0700) == 0;
	if (!*made && errno != EEXIST)
		return err_sys(e, errno, "mkdir %s", dir);
	return 0;
}

int store_save(struct store *s, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *line = NULL;
	_cleanup_free_ char *root = NULL;
	struct err undo = { 0 };
	bool made;

	if (s->lock_fd < 0)
		return err_set(e, EINVAL, "state of %s is not open for writing", s->dir);
	if (doc_empty(s->doc)) {
		if (access(s->dir, F_OK) < 0)
			return 0;       /* nothing was saved, nothing is */
		/* a file we did not write keeps the directory, and hook.json */
		if (foreign_file(s->dir, ERR_DISCARD) == 0)
			return remove_dir(s->dir, e);
	}
	root = xasprintf("%.*s", (int)(strrchr(s->dir, '/') - s->dir), s->dir);
	if (make_dir(root, s->dir, &made, e) < 0)
		return -1;
	text = cJSON_PrintUnformatted(s->doc);
	line = xasprintf("%s\n", text);
	remove_stale_tmp(s->dir);
	if (write_file_atomic(s->path, line, strlen(line), 0600, WRITE_DURABLE, e) == 0)
		return 0;
	/* the first save failed: nothing of it stays (a directory would make
	 * the id a known container) */
	if (made && remove_dir(s->dir, &undo) < 0)
		err_warn(&undo, "undo the first save of %s", s->id);
	return -1;
}

void store_close(struct store *s)
{
	if (s->lock_fd >= 0)
		store_lock_release(s->id, s->lock_fd);
	cJSON_Delete(s->doc);
	free(s->id);
	free(s->dir);
	free(s->path);
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
}

int store_devices(const struct store *s, struct saved_device **out, size_t *n, struct err *e)
{
	return store_devices_in(s->doc, out, n, e);
}

static void device_elems_free(struct saved_device *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		free(d[i].host);
		free(d[i].ctr);
		free(d[i].parent);
	}
}

void saved_devices_free(struct saved_device *d, size_t n)
{
	device_elems_free(d, n);
	free(d);
}

void store_add_device(struct store *s, const struct saved_device *d)
{
	cJSON *o = cJSON_CreateObject();
	char type[2] = { d->type, '\0' };

	cJSON_AddStringToObject(o, "Type", type);
	cJSON_AddNumberToObject(o, "Major", (double)d->major);
	cJSON_AddNumberToObject(o, "Minor", (double)d->minor);
	cJSON_AddStringToObject(o, "PathOnHost", d->host);
	cJSON_AddStringToObject(o, "PathInContainer", d->ctr);
	cJSON_AddStringToObject(o, "CgroupPermissions", d->perms);
	cJSON_AddStringToObject(o, "Parent", d->parent ? d->parent : "");
	if (d->follow)
		cJSON_AddTrueToObject(o, "FollowPartition");
	if (d->node.has_mode)
		cJSON_AddNumberToObject(o, "FileMode", d->node.mode);
	if (d->node.has_uid)
		cJSON_AddNumberToObject(o, "Uid", d->node.uid);
	if (d->node.has_gid)
		cJSON_AddNumberToObject(o, "Gid", d->node.gid);
	cJSON_AddItemToArray(json_array_member(s->doc, KEY_DEVICES), o);
}

void store_remove_device(struct store *s, size_t index)
{
	cJSON_DeleteItemFromArray(json_array_member(s->doc, KEY_DEVICES), (int)index);
}

void store_set_devices(struct store *s, const struct saved_device *d, size_t n)
{
	cJSON_DeleteItemFromObjectCaseSensitive(s->doc, KEY_DEVICES);
	for (size_t i = 0; i < n; i++)
		store_add_device(s, &d[i]);
}

const cJSON *store_devices_json(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, KEY_DEVICES);
}

const cJSON *store_binds_json(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, KEY_BINDS);
}

int store_binds(const struct store *s, struct path_spec **out, size_t *n, struct err *e)
{
	return store_binds_in(s->doc, out, n, e);
}

static void path_elems_free(struct path_spec *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		path_spec_free(&p[i]);
}

void path_specs_free(struct path_spec *p, size_t n)
{
	path_elems_free(p, n);
	free(p);
}

void store_add_bind(struct store *s, const struct path_spec *p)
{
	_cleanup_free_ char *str = path_spec_format(p);

	cJSON_AddItemToArray(json_array_member(s->doc, KEY_BINDS), cJSON_CreateString(str));
}

void store_remove_bind(struct store *s, size_t index)
{
	cJSON_DeleteItemFromArray(json_array_member(s->doc, KEY_BINDS), (int)index);
}
