#include "cdi_field.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

size_t cdi_push(struct cdi_ctx *c, const char *key)
{
	if (c->depth < CDI_PATH_DEPTH)
		c->seg[c->depth] = (struct cdi_seg){ .key = key };
	return c->depth++;
}

size_t cdi_push_index(struct cdi_ctx *c, size_t index)
{
	if (c->depth < CDI_PATH_DEPTH)
		c->seg[c->depth] = (struct cdi_seg){ .index = index };
	return c->depth++;
}

void cdi_pop(struct cdi_ctx *c, size_t depth)
{
	c->depth = depth;
}

const char *cdi_path(const struct cdi_ctx *c, char *buf, size_t size)
{
	size_t len = 0, n = c->depth < CDI_PATH_DEPTH ? c->depth : CDI_PATH_DEPTH;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		char key[68];
		int r;

		if (c->seg[i].key)
			r = snprintf(buf + len, size - len, "%s%s", i ? "." : "",
				     cdi_printable(c->seg[i].key, key));
		else
			r = snprintf(buf + len, size - len, "[%zu]", c->seg[i].index);
		len += r > 0 ? (size_t)r : 0;
	}
	return buf;
}

int cdi_fail(struct cdi_ctx *c, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX], path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->depth)
		return err_set(c->e, EINVAL, "%s: %s: %s", c->file,
			       cdi_path(c, path, sizeof(path)), msg);
	return err_set(c->e, EINVAL, "%s: %s", c->file, msg);
}

const char *cdi_version_str(int v, char *buf)
{
	snprintf(buf, 16, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
	return buf;
}

bool cdi_is_empty(const cJSON *it)
{
	if (!it || cJSON_IsNull(it) || cJSON_IsFalse(it))
		return true;
	if (cJSON_IsString(it))
		return !it->valuestring || !it->valuestring[0];
	if (cJSON_IsArray(it) || cJSON_IsObject(it))
		return it->child == NULL;
	return false;
}

const char *cdi_printable(const char *s, char buf[68])
{
	size_t i = 0;

	for (; s && s[i] && i < 64; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s && s[i])
		buf[i++] = '~';
	buf[i] = '\0';
	return buf;
}

static int check_member(struct cdi_ctx *c, const cJSON *m, const struct cdi_key *k,
			unsigned *seen, unsigned bit)
{
	char v1[16], v2[16];

	if (k->until && c->version >= k->until)
		return cdi_fail(c, "unknown field in cdiVersion %s (dropped in %s)",
				cdi_version_str(c->version, v1), cdi_version_str(k->until, v2));
	if (c->version < k->since && !cdi_is_empty(m))
		return cdi_fail(c, "needs cdiVersion %s or later, the file declares %s",
				cdi_version_str(k->since, v1), cdi_version_str(c->version, v2));
	if (*seen & bit)
		return cdi_fail(c, "given twice");
	*seen |= bit;
	return 0;
}

int cdi_check_object(struct cdi_ctx *c, const cJSON *obj, const struct cdi_key *keys,
		     size_t n_keys)
{
	unsigned seen = 0;
	const cJSON *m;

	if (!cJSON_IsObject(obj))
		return cdi_fail(c, "must be an object");
	cJSON_ArrayForEach(m, obj) {
		size_t i = 0, mark;
		int r = 0;

		while (i < n_keys && strcmp(keys[i].name, m->string))
			i++;
		mark = cdi_push(c, m->string);
		if (i == n_keys)
			r = cdi_fail(c, "unknown field");
		else
			r = check_member(c, m, &keys[i], &seen, 1u << i);
		if (r < 0)
			return r;
		cdi_pop(c, mark);
	}
	return 0;
}

/* A YAML plain scalar such as 42 or true is made a number or a boolean
 * with its text kept in valuestring (cdi_yaml.c): a string field takes
 * that text, as the reference implementation does. JSON numbers have no
 * text and stay refused. */
const char *cdi_string_of(const cJSON *it)
{
	if (cJSON_IsString(it))
		return it->valuestring;
	if ((cJSON_IsNumber(it) || cJSON_IsBool(it)) && it->valuestring)
		return it->valuestring;
	return NULL;
}

int cdi_get_string(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		   const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t mark = cdi_push(c, key);

	*out = NULL;
	if (!it || cJSON_IsNull(it)) {
		if (required)
			return cdi_fail(c, "is required");
	} else if (!(*out = cdi_string_of(it))) {
		return cdi_fail(c, "must be a string");
	} else if (required && !**out) {
		return cdi_fail(c, "must not be empty");
	}
	cdi_pop(c, mark);
	return 0;
}

int cdi_get_uint(struct cdi_ctx *c, const cJSON *obj, const char *key, double max, long *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t mark = cdi_push(c, key);
	double v;

	*out = -1;
	if (it && !cJSON_IsNull(it)) {
		if (!cJSON_IsNumber(it))
			return cdi_fail(c, "must be an integer");
		v = it->valuedouble;
		if (!isfinite(v) || floor(v) != v || v < 0 || v > max)
			return cdi_fail(c, "must be an integer from 0 to %.0f", max);
		*out = (long)v;
	}
	cdi_pop(c, mark);
	return 0;
}

int cdi_get_bool(struct cdi_ctx *c, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t mark = cdi_push(c, key);

	*out = false;
	if (it && !cJSON_IsNull(it)) {
		if (!cJSON_IsBool(it))
			return cdi_fail(c, "must be true or false");
		*out = cJSON_IsTrue(it);
	}
	cdi_pop(c, mark);
	return 0;
}

int cdi_each(struct cdi_ctx *c, const cJSON *obj, const char *key,
	     int (*fn)(struct cdi_ctx *c, const cJSON *item, void *arg), void *arg)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t mark = cdi_push(c, key), i = 0;
	const cJSON *it, *items = cJSON_IsArray(arr) ? arr : NULL;

	if (arr && !cJSON_IsNull(arr) && !items)
		return cdi_fail(c, "must be an array");
	cJSON_ArrayForEach(it, items) {
		size_t at = cdi_push_index(c, i++);

		if (fn(c, it, arg) < 0)
			return -1;
		cdi_pop(c, at);
	}
	cdi_pop(c, mark);
	return 0;
}

struct strings {
	char **list;
	size_t n;
	bool (*check)(const char *);
	const char *what;
};

static int string_item(struct cdi_ctx *c, const cJSON *it, void *arg)
{
	struct strings *s = arg;
	const char *v = cdi_string_of(it);

	if (!v)
		return cdi_fail(c, "must be a string");
	if (s->check && !s->check(v))
		return cdi_fail(c, "must be %s", s->what);
	s->list[s->n++] = xstrdup(v);
	return 0;
}

int cdi_get_strings(struct cdi_ctx *c, const cJSON *obj, const char *key,
		    bool (*check)(const char *), const char *what, char ***out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct strings s = { .check = check, .what = what };
	int r;

	s.list = xcalloc(cJSON_IsArray(arr) ? (size_t)cJSON_GetArraySize(arr) + 1 : 1,
			 sizeof(char *));
	r = cdi_each(c, obj, key, string_item, &s);
	if (r < 0 || !out) {
		str_list_free(s.list, s.n);
		if (out)
			*out = NULL;
		return r;
	}
	*out = s.list;
	return 0;
}

void cdi_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int cdi_get_checked(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		    int (*check)(struct cdi_ctx *c, const char *v, void *arg), void *arg,
		    const char **out)
{
	const char *v;
	size_t mark;

	if (cdi_get_string(c, obj, key, required, &v) < 0)
		return -1;
	mark = cdi_push(c, key);
	if (check(c, v, arg) < 0)
		return -1;
	cdi_pop(c, mark);
	if (out)
		*out = v;
	return 0;
}

/* Absent and "" are no path; anything else must start at the root. */
static int check_abs(struct cdi_ctx *c, const char *v, void *arg)
{
	(void)arg;
	if (v && *v && v[0] != '/')
		return cdi_fail(c, "must be an absolute path");
	return 0;
}

int cdi_get_abs_path(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		     char **out)
{
	const char *v;

	*out = NULL;
	if (cdi_get_checked(c, obj, key, required, check_abs, NULL, &v) < 0)
		return -1;
	if (v && *v)
		*out = path_clean(v);
	return 0;
}
