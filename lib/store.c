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
	if (store_net_validate(doc, e) < 0 || store_qos_validate(doc, e) < 0)
		return -1;
	return 0;
}

int store_load(struct store *s, struct err *e)
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




int store_open(const char *root, const char *id, int mode, struct store *s, struct err *e)
{
	struct stat st;
	int r;

	memset(s, 0, sizeof(*s));
	s->lock_fd = s->root_fd = -1;
	if (container_id_check(id, e) < 0)
		return -1;
	s->dir = xasprintf("%s/%s", root, id);
	s->path = xasprintf("%s/%s", s->dir, STORE_FILE);
	if (mode == STORE_LAZY && lstat(s->dir, &st) < 0) {
		r = store_lazy_open(root, s, e);
		if (r <= 0)
			return r == 0 ? 0 : (store_close(s), -1);
		store_root_unlock(s);
	}
	if (mode != STORE_READ && mkdir(s->dir, 0700) < 0 && errno != EEXIST) {
		/* the root itself is missing only the first time */
		if (errno != ENOENT) {
			err_sys(e, errno, "mkdir %s", s->dir);
			goto fail;
		}
		if (mkdir_p(root, 0700, e) < 0)
			goto fail;
		if (mkdir(s->dir, 0700) < 0 && errno != EEXIST) {
			err_sys(e, errno, "mkdir %s", s->dir);
			goto fail;
		}
	} else if (lstat(s->dir, &st) < 0 && errno == ENOENT) {
		s->doc = cJSON_CreateObject();
		return 0;
	}
	if (store_take_lock(s, e) < 0 || store_load(s, e) < 0)
		goto fail;
	return 0;
fail:
	store_close(s);
	return -1;
}

/* Temporary files of writers killed before their rename: under the lock
 * nobody else is writing, so any of them is stale. */
void store_remove_stale_tmp(const char *dir)
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

static int remove_own_files(const char *dir, struct err *e)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return err_sys(e, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL)
		if (store_own_file(de->d_name) && strcmp(de->d_name, ".lock") != 0 &&
		    unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			err_sys(e, errno, "remove %s/%s", dir, de->d_name);
			closedir(d);
			return -1;
		}
	closedir(d);
	return 0;
}

int store_forget(const char *root, const char *id,
		 int (*check)(void *arg, const cJSON *doc, struct err *e), void *arg,
		 struct err *e)
{
	struct store s = { .lock_fd = -1 };
	_cleanup_free_ char *lock = NULL;
	struct err unreadable = { 0 };
	int r = -1;

	if (container_id_check(id, e) < 0)
		return -1;
	s.dir = xasprintf("%s/%s", root, id);
	if (access(s.dir, F_OK) < 0) {
		r = err_sys(e, errno, "no saved state for %s in %s", id, root);
		goto out;
	}
	/* nothing is removed while the directory holds a file we did not write */
	if (store_take_lock(&s, e) < 0 || foreign_file(s.dir, e) < 0)
		goto out;
	/* a corrupt file is no reason to keep it: the check gets no document */
	s.path = xasprintf("%s/%s", s.dir, STORE_FILE);
	if (store_load(&s, &unreadable) < 0) {
		cJSON_Delete(s.doc);
		s.doc = NULL;
	}
	if ((check && check(arg, s.doc, e) < 0) || remove_own_files(s.dir, e) < 0)
		goto out;
	/* the lock goes last: whoever waits on it finds the directory gone */
	lock = xasprintf("%s/.lock", s.dir);
	if (unlink(lock) < 0 && errno != ENOENT) {
		err_sys(e, errno, "remove %s", lock);
		goto out;
	}
	if (rmdir(s.dir) < 0) {
		err_sys(e, errno, "remove %s", s.dir);
		goto out;
	}
	r = 0;
out:
	store_close(&s);
	return r;
}



int store_save(struct store *s, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *line = NULL;
	bool made = false;

	if (s->lazy && store_lazy_make(s, &made, e) < 0) {
		if (made)
			store_lazy_unmake(s);
		return -1;
	}
	text = cJSON_PrintUnformatted(s->doc);
	if (s->lock_fd < 0)
		return err_set(e, EINVAL, "state of %s is not open for writing", s->dir);
	line = xasprintf("%s\n", text);
	store_remove_stale_tmp(s->dir);
	if (write_file_atomic(s->path, line, strlen(line), 0600, WRITE_DURABLE, e) == 0)
		return 0;
	if (made)
		store_lazy_unmake(s);
	return -1;
}

void store_close(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);      /* releases the flock */
	store_root_unlock(s);
	cJSON_Delete(s->doc);
	free(s->dir);
	free(s->path);
	free(s->root);
	memset(s, 0, sizeof(*s));
	s->lock_fd = s->root_fd = -1;
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
