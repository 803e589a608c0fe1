/* One spec file: its version, kind and devices, validated as a whole
 * (a spec with one bad device is a bad spec, as the reference
 * implementation has it), the edits read by cdi_edits.c. */
#include "cdi_spec.h"

#include <string.h>

#include "cdi_name.h"
#include "cdi_yaml.h"
#include "json.h"
#include "util.h"

static const struct cdi_key spec_keys[] = {
	{ "cdiVersion", 0, 0 },
	{ "kind", 0, 0 },
	{ "annotations", CDI_V(0, 6, 0), 0 },
	{ "devices", 0, 0 },
	{ "containerEdits", 0, 0 },
};

static const struct cdi_key device_keys[] = {
	{ "name", 0, 0 },
	{ "annotations", CDI_V(0, 6, 0), 0 },
	{ "containerEdits", 0, 0 },
};

/* The released versions this code reads: 0.3.0 is the oldest the
 * reference implementation still reads, 1.1.0 the newest. */
static const int versions[] = {
	CDI_V(0, 3, 0), CDI_V(0, 4, 0), CDI_V(0, 5, 0), CDI_V(0, 6, 0),
	CDI_V(0, 7, 0), CDI_V(0, 8, 0), CDI_V(1, 0, 0), CDI_V(1, 1, 0),
};

/* Sets the version the rest of the file is read by. */
static int check_version(struct cdi_ctx *c, const char *v, void *arg)
{
	char buf[16];

	(void)arg;
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
		/* "v1.0.0" is read as "1.0.0", as the reference does */
		if (!strcmp(v + (v[0] == 'v'), cdi_version_str(versions[i], buf))) {
			c->version = versions[i];
			return 0;
		}
	}
	return cdi_fail(c, "must be a released CDI version from 0.3.0 to 1.1.0");
}

static int check_kind(struct cdi_ctx *c, const char *k, void *arg)
{
	(void)arg;
	if (!cdi_is_kind(k, strlen(k)))
		return cdi_fail(c, "must be vendor.com/class (letters, digits, '_', '-', '.', "
				"starting with a letter and ending with a letter or digit)");
	if (strchr(strchr(k, '/'), '.') && c->version < CDI_V(0, 6, 0))
		return cdi_fail(c, "a '.' in the class needs cdiVersion 0.6.0 or later");
	return 0;
}

static int read_annotations(struct cdi_ctx *c, const cJSON *obj)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, "annotations");
	size_t mark = cdi_push(c, "annotations");
	const cJSON *m, *items = cJSON_IsObject(a) ? a : NULL;

	if (a && !cJSON_IsNull(a) && !items)
		return cdi_fail(c, "must be an object");
	cJSON_ArrayForEach(m, items)
		if (!cdi_string_of(m))
			return cdi_fail(c, "values must be strings");
	cdi_pop(c, mark);
	return 0;
}

/* A device name of the spec @arg, not yet taken by another device. */
static int check_name(struct cdi_ctx *c, const char *n, void *arg)
{
	const struct cdi_spec *s = arg;

	if (!cdi_is_device_name(n, strlen(n)))
		return cdi_fail(c, "must be letters, digits, '_', '-', '.' or ':', starting "
				"and ending with a letter or digit");
	if (n[0] >= '0' && n[0] <= '9' && c->version < CDI_V(0, 5, 0))
		return cdi_fail(c, "a name starting with a digit needs cdiVersion 0.5.0 or later");
	if (cdi_spec_device(s, n))
		return cdi_fail(c, "device %s is given twice", n);
	return 0;
}

static int read_device(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	struct cdi_spec *s = arg;
	struct cdi_spec_device *d;
	const char *name = NULL;
	size_t mark;

	if (cdi_check_object(c, it, device_keys, ARRAY_SIZE(device_keys)) < 0 ||
	    cdi_get_checked(c, it, "name", true, check_name, s, &name) < 0 ||
	    read_annotations(c, it) < 0)
		return -1;
	s->devices = xrealloc(s->devices, (s->n_devices + 1) * sizeof(*d));
	d = &s->devices[s->n_devices];
	memset(d, 0, sizeof(*d));
	mark = cdi_push(c, "containerEdits");
	if (cdi_edits_read(c, cJSON_GetObjectItemCaseSensitive(it, "containerEdits"),
			   &d->edits) < 0)
		return -1;
	d->name = xstrdup(name);
	s->n_devices++;
	/* the reference refuses a device that changes nothing */
	if (cdi_edits_empty(&d->edits))
		return cdi_fail(c, "is required and must hold at least one edit");
	cdi_pop(c, mark);
	return 0;
}

const struct cdi_spec_device *cdi_spec_device(const struct cdi_spec *s, const char *name)
{
	for (size_t i = 0; i < s->n_devices; i++)
		if (!strcmp(s->devices[i].name, name))
			return &s->devices[i];
	return NULL;
}

void cdi_spec_free(struct cdi_spec *s)
{
	for (size_t i = 0; i < s->n_devices; i++) {
		free(s->devices[i].name);
		cdi_edits_free(&s->devices[i].edits);
	}
	free(s->devices);
	cdi_edits_free(&s->edits);
	free(s->file);
	free(s->version);
	free(s->kind);
	memset(s, 0, sizeof(*s));
}

static int read_spec(struct cdi_ctx *c, const cJSON *doc, struct cdi_spec *s)
{
	const cJSON *devs = cJSON_GetObjectItemCaseSensitive(doc, "devices");
	const char *version = NULL, *kind = NULL;
	size_t mark;

	if (!cJSON_IsObject(doc))
		return cdi_fail(c, "a spec must be an object");
	if (cdi_get_checked(c, doc, "cdiVersion", true, check_version, NULL, &version) < 0 ||
	    cdi_check_object(c, doc, spec_keys, ARRAY_SIZE(spec_keys)) < 0 ||
	    cdi_get_checked(c, doc, "kind", true, check_kind, NULL, &kind) < 0 ||
	    read_annotations(c, doc) < 0)
		return -1;
	s->version = xstrdup(version);
	s->kind = xstrdup(kind);
	mark = cdi_push(c, "containerEdits");
	if (cdi_edits_read(c, cJSON_GetObjectItemCaseSensitive(doc, "containerEdits"),
			   &s->edits) < 0)
		return -1;
	cdi_pop(c, mark);
	if (cdi_each(c, doc, "devices", read_device, s) < 0)
		return -1;
	if (!cJSON_IsArray(devs) || !devs->child) {
		cdi_push(c, "devices");
		return cdi_fail(c, "is required and must list at least one device");
	}
	return 0;
}

int cdi_spec_from_tree(const char *file, const cJSON *doc, struct cdi_spec *out,
		       struct err *e)
{
	struct cdi_ctx c = { .file = file, .e = e };

	memset(out, 0, sizeof(*out));
	if (read_spec(&c, doc, out) < 0) {
		cdi_spec_free(out);
		return -1;
	}
	out->file = xstrdup(file);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int cdi_doc_parse(const char *file, const char *buf, size_t len, cJSON **out,
		  struct err *e)
{
	int r;

	*out = NULL;
	if (ends_with(file, ".yaml") || ends_with(file, ".yml"))
		r = cdi_yaml_parse(buf, len, out, e);
	else
		r = json_parse(buf, len, out, e);
	return r < 0 ? err_wrap(e, "%s", file) : 0;
}

int cdi_spec_parse(const char *file, const char *buf, size_t len, struct cdi_spec *out,
		   struct err *e)
{
	_cleanup_cjson_ cJSON *doc = NULL;

	memset(out, 0, sizeof(*out));
	if (cdi_doc_parse(file, buf, len, &doc, e) < 0)
		return -1;
	return cdi_spec_from_tree(file, doc, out, e);
}
