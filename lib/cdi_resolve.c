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

struct scan {
	const char *name;               /* vendor.com/class=dev */
	char kind[CDI_NAME_MAX];        /* vendor.com/class */
	const char *dev;
	struct cdi_spec best;           /* from the latest directory so far */
	struct cdi_spec here;           /* from the directory being read */
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

static int read_one(struct scan *s, const char *path, struct err *e)
{
	_cleanup_cjson_ cJSON *doc = load(s, path);
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(doc, "kind");
	struct cdi_spec spec;
	struct err why = { 0 };

	if (!doc)
		return 0;
	if (!cdi_string_of(kind)) {
		/* the validator says best what is wrong with it */
		if (cdi_spec_from_tree(path, doc, &spec, &why) == 0)
			cdi_spec_free(&spec);
		note_broken(s, &why);
		return 0;
	}
	if (strcmp(cdi_string_of(kind), s->kind))
		return 0;
	if (cdi_spec_from_tree(path, doc, &spec, e) < 0)
		return -1;
	if (!cdi_spec_device(&spec, s->dev)) {
		cdi_spec_free(&spec);
		return 0;
	}
	if (s->here.file) {
		err_set(e, EINVAL, "%s and %s both declare it, in one directory",
			s->here.file, spec.file);
		cdi_spec_free(&spec);
		return -1;
	}
	s->here = spec;
	return 0;
}

static int scan_dir(struct scan *s, const char *dir, struct err *e)
{
	char **files;
	size_t n;
	int r = 0;

	if (list_dir(s, dir, &files, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		r = read_one(s, files[i], e);
	str_list_free(files, n);
	if (r == 0 && s->here.file) {
		cdi_spec_free(&s->best);
		s->best = s->here;
		memset(&s->here, 0, sizeof(s->here));
	}
	return r;
}

static void fill(struct scan *s, struct cdi_device *out)
{
	struct cdi_spec_device *dev = (struct cdi_spec_device *)cdi_spec_device(&s->best, s->dev);
	struct cdi_edits all = { 0 };

	snprintf(out->name, sizeof(out->name), "%s", s->name);
	out->spec_file = xstrdup(s->best.file);
	out->cdi_version = xstrdup(s->best.version);
	cdi_edits_move(&all, &s->best.edits);
	cdi_edits_move(&all, &dev->edits);
	out->nodes = all.nodes;
	out->n_nodes = all.n_nodes;
	out->mounts = all.mounts;
	out->n_mounts = all.n_mounts;
	out->netdevs = all.netdevs;
	out->n_netdevs = all.n_netdevs;
	out->unsupported = all.unsupported;
	out->n_unsupported = all.n_unsupported;
}

static int not_found(struct scan *s, const char *const *dirs, size_t n_dirs,
		     struct err *e)
{
	char where[ERR_MSG_MAX] = "";
	size_t len = 0;

	for (size_t i = 0; i < n_dirs && len < sizeof(where); i++)
		len += (size_t)snprintf(where + len, sizeof(where) - len, "%s%s",
					i ? ", " : "", dirs[i]);
	if (n_dirs == 0)
		snprintf(where, sizeof(where), "no directory");
	if (s->broken)
		return err_set(e, EINVAL, "cdi device %s: not found in %s; %s", s->name, where,
			       s->broken);
	return err_set(e, ENOENT, "cdi device %s: not found in %s", s->name, where);
}

int cdi_resolve(const char *const *dirs, size_t n_dirs, const char *name,
		struct cdi_device *out, struct err *e)
{
	struct scan s = { .name = name };
	char buf[68];
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!cdi_is_qualified_name(name))
		return err_set(e, EINVAL, "cdi device '%s': not a name vendor.com/class=name",
			       cdi_printable(name, buf));
	s.dev = strchr(name, '=') + 1;
	snprintf(s.kind, sizeof(s.kind), "%.*s", (int)(s.dev - 1 - name), name);
	for (size_t i = 0; i < n_dirs && r == 0; i++)
		r = scan_dir(&s, dirs[i], e);
	if (r < 0)
		err_wrap(e, "cdi device %s", name);
	else if (!s.best.file)
		r = not_found(&s, dirs, n_dirs, e);
	else
		fill(&s, out);
	cdi_spec_free(&s.best);
	cdi_spec_free(&s.here);
	free(s.broken);
	return r;
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
