/* Looking a CDI device up in the spec directories: each directory's spec
 * files in name order, the later directory winning for the same device,
 * two files of one directory declaring the same device an error. */
#include "cdi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cdi_field.h"
#include "cdi_name.h"
#include "cdi_spec.h"
#include "config.h"
#include "json.h"
#include "util.h"

static const char *const default_dirs[] = { "/etc/cdi", "/var/run/cdi", NULL };

const char *const *cdi_default_dirs(void)
{
	static char *seen, *copy;
	static const char *list[CONFIG_CDI_SPEC_DIRS_MAX + 1];
	const char *v = config_get(CONFIG_CDI_SPEC_DIRS);
	char *save = NULL;
	size_t n = 0;

	if (!v)
		return default_dirs;
	/* the same setting keeps the same strings: a caller may hold them */
	if (seen && !strcmp(seen, v))
		return list;
	free(seen);
	free(copy);
	seen = xstrdup(v);
	copy = xstrdup(v);
	for (char *p = strtok_r(copy, ":", &save); p && n < CONFIG_CDI_SPEC_DIRS_MAX;
	     p = strtok_r(NULL, ":", &save))
		list[n++] = p;
	list[n] = NULL;
	return list;
}

/* One name asked for. */
struct want {
	const char *name;               /* vendor.com/class=dev */
	char kind[CDI_NAME_MAX];        /* vendor.com/class */
	const char *dev;
	struct cdi_device best;         /* from the latest directory so far */
	struct cdi_device here;         /* from the directory being read */
	struct err *e;
	bool failed;
};

struct scan {
	struct want *w;
	size_t n;
	char *broken;                   /* the first file whose kind is unknown */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool spec_name(const char *n)
{
	size_t len = strlen(n);

	for (const char *const *x = (const char *const[]){ ".json", ".yaml", ".yml", NULL };
	     *x; x++)
		if (len > strlen(*x) && !strcmp(n + len - strlen(*x), *x))
			return true;
	return false;
}

/* A file that could not be read far enough to know its kind: it may be
 * the one asked for, so it is told when the device is not found. */
static void note_broken(struct scan *s, const struct err *why)
{
	if (!s->broken)
		s->broken = xstrdup(why->msg);
}

/* A name with a control character would break the one-line messages
 * that name the file. */
static bool printable_name(struct scan *s, const char *dir, const char *name)
{
	char buf[68];

	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			struct err why = { 0 };

			err_set(&why, EINVAL, "%s/%s: a control character in the file name; refused",
				dir, cdi_printable(name, buf));
			note_broken(s, &why);
			return false;
		}
	}
	return true;
}

/* The spec files of @dir, sorted; an absent directory has none. */
static int list_dir(struct scan *s, const char *dir, char ***out, size_t *n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : err_sys(e, errno, "open %s", dir);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!spec_name(de->d_name) || !printable_name(s, dir, de->d_name))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
	}
	if (errno) {
		int saved = errno;

		closedir(d);
		str_list_free(*out, *n);
		return err_sys(e, saved, "read %s", dir);
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(char *), by_name);
	return 0;
}

/* The tree of @path, or NULL when it cannot be read or parsed (noted). */
static cJSON *load(struct scan *s, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	struct err why = { 0 };
	cJSON *doc = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, CDI_SPEC_MAX_SIZE, &buf, &len, &why) < 0 ||
	    cdi_doc_parse(path, buf, len, &doc, &why) < 0) {
		note_broken(s, &why);
		return NULL;
	}
	return doc;
}

/* The device @d of the spec @s, with the spec's edits first. */
static void take(struct cdi_device *out, const char *name, const struct cdi_spec *s,
		 const struct cdi_spec_device *d)
{
	struct cdi_edits all = { 0 };

	snprintf(out->name, sizeof(out->name), "%s", name);
	out->spec_file = xstrdup(s->file);
	out->cdi_version = xstrdup(s->version);
	cdi_edits_copy(&all, &s->edits);
	cdi_edits_copy(&all, &d->edits);
	out->nodes = all.nodes;
	out->n_nodes = all.n_nodes;
	out->mounts = all.mounts;
	out->n_mounts = all.n_mounts;
	out->netdevs = all.netdevs;
	out->n_netdevs = all.n_netdevs;
	out->unsupported = all.unsupported;
	out->n_unsupported = all.n_unsupported;
}

static void fail_want(struct want *w, const struct err *why)
{
	*w->e = *why;
	err_wrap(w->e, "cdi device %s", w->name);
	w->failed = true;
	cdi_device_free(&w->best);
	cdi_device_free(&w->here);
}

/* The device of @w in @spec (of its kind), read from @path. */
static void found(struct want *w, const struct cdi_spec *spec, const char *path)
{
	const struct cdi_spec_device *d = cdi_spec_device(spec, w->dev);
	struct err dup = { 0 };

	if (!d)
		return;
	if (w->here.spec_file) {
		err_set(&dup, EINVAL, "%s and %s both declare it, in one directory",
			w->here.spec_file, path);
		fail_want(w, &dup);
		return;
	}
	take(&w->here, w->name, spec, d);
}

/* A file without a kind, or with a kind of the wrong syntax, may be
 * the one meant: the validator says best what is wrong with it. */
static bool kind_known(struct scan *s, const char *path, const cJSON *doc, const char *kind)
{
	struct cdi_spec spec;
	struct err why = { 0 };

	if (kind && cdi_is_kind(kind, strlen(kind)))
		return true;
	if (cdi_spec_from_tree(path, doc, &spec, &why) == 0)
		cdi_spec_free(&spec);
	note_broken(s, &why);
	return false;
}

/* Each file is parsed once, and validated once if any name wants its kind. */
static void read_one(struct scan *s, const char *path)
{
	_cleanup_cjson_ cJSON *doc = load(s, path);
	const char *kind = cdi_string_of(cJSON_GetObjectItemCaseSensitive(doc, "kind"));
	struct cdi_spec spec = { 0 };
	struct err why = { 0 };
	int parsed = 0;

	if (!doc || !kind_known(s, path, doc, kind))
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct want *w = &s->w[i];

		if (w->failed || strcmp(kind, w->kind))
			continue;
		if (!parsed)
			parsed = cdi_spec_from_tree(path, doc, &spec, &why) == 0 ? 1 : -1;
		if (parsed < 0)
			fail_want(w, &why);
		else
			found(w, &spec, path);
	}
	if (parsed > 0)
		cdi_spec_free(&spec);
}

static void scan_dir(struct scan *s, const char *dir)
{
	struct err why = { 0 };
	char **files;
	size_t n;

	if (list_dir(s, dir, &files, &n, &why) < 0) {
		for (size_t i = 0; i < s->n; i++)
			if (!s->w[i].failed)
				fail_want(&s->w[i], &why);
		return;
	}
	for (size_t i = 0; i < n; i++)
		read_one(s, files[i]);
	str_list_free(files, n);
	for (size_t i = 0; i < s->n; i++) {
		struct want *w = &s->w[i];

		if (w->failed || !w->here.spec_file)
			continue;
		cdi_device_free(&w->best);
		w->best = w->here;
		memset(&w->here, 0, sizeof(w->here));
	}
}

static int not_found(const struct scan *s, const struct want *w, const char *const *dirs,
		     size_t n_dirs)
{
	char where[ERR_MSG_MAX] = "";
	size_t len = 0;

	for (size_t i = 0; i < n_dirs && len < sizeof(where); i++)
		len += (size_t)snprintf(where + len, sizeof(where) - len, "%s%s",
					i ? ", " : "", dirs[i]);
	if (n_dirs == 0)
		snprintf(where, sizeof(where), "no directory");
	if (s->broken)
		return err_set(w->e, EINVAL, "cdi device %s: not found in %s; %s", w->name, where,
			       s->broken);
	return err_set(w->e, ENOENT, "cdi device %s: not found in %s", w->name, where);
}

static void want_init(struct want *w, const char *name, struct err *e)
{
	char buf[68];

	w->name = name;
	w->e = e;
	err_clear(e);
	if (!cdi_is_qualified_name(name)) {
		err_set(e, EINVAL, "cdi device '%s': not a name vendor.com/class=name",
			cdi_printable(name, buf));
		w->failed = true;
		return;
	}
	w->dev = strchr(name, '=') + 1;
	snprintf(w->kind, sizeof(w->kind), "%.*s", (int)(w->dev - 1 - name), name);
}

int cdi_resolve_many(const char *const *dirs, size_t n_dirs, const char *const *names,
		     size_t n, struct cdi_device *out, struct err *errs)
{
	struct scan s = { .w = xcalloc(n ? n : 1, sizeof(*s.w)), .n = n };
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		want_init(&s.w[i], names[i], &errs[i]);
	}
	for (size_t d = 0; d < n_dirs; d++)
		scan_dir(&s, dirs[d]);
	for (size_t i = 0; i < n; i++) {
		struct want *w = &s.w[i];

		if (w->failed || !w->best.spec_file) {
			if (!w->failed)
				not_found(&s, w, dirs, n_dirs);
			r = -1;
			continue;
		}
		out[i] = w->best;
		memset(&w->best, 0, sizeof(w->best));
	}
	for (size_t i = 0; i < n; i++) {
		cdi_device_free(&s.w[i].best);
		cdi_device_free(&s.w[i].here);
	}
	free(s.w);
	free(s.broken);
	return r;
}

int cdi_resolve(const char *const *dirs, size_t n_dirs, const char *name,
		struct cdi_device *out, struct err *e)
{
	return cdi_resolve_many(dirs, n_dirs, &name, 1, out, e);
}

void cdi_device_free(struct cdi_device *d)
{
	struct cdi_edits ed = {
		.nodes = d->nodes, .n_nodes = d->n_nodes,
		.mounts = d->mounts, .n_mounts = d->n_mounts,
		.netdevs = d->netdevs, .n_netdevs = d->n_netdevs,
		.unsupported = d->unsupported, .n_unsupported = d->n_unsupported,
	};

	cdi_edits_free(&ed);
	free(d->spec_file);
	free(d->cdi_version);
	memset(d, 0, sizeof(*d));
}
