#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The end of the string whose content starts at @i: the index of its
 * closing quote, or @len when it is not closed. memchr jumps over the
 * content (most of a config.json with a seccomp profile is in strings). */
static size_t string_end(const char *buf, size_t len, size_t i, int *nul_escape)
{
	while (i < len) {
		const char *q = memchr(buf + i, '"', len - i);
		size_t stop = q ? (size_t)(q - buf) : len;
		const char *bs = memchr(buf + i, '\\', stop - i);

		if (!bs)
			return stop;
		i = (size_t)(bs - buf);
		if (len - i > 5 && memcmp(buf + i + 1, "u0000", 5) == 0)
			*nul_escape = 1;
		i += 2;         /* the backslash and the character it escapes */
	}
	return len;
}

/* One pass over the text: the deepest nesting, whether the text ends
 * inside a string or an open object/array (then it was cut short), and
 * whether a string holds "\u0000", which cJSON would decode into a C
 * string cut short at that point ("c1\u0000/../x" read as "c1"). */
static void scan(const char *buf, size_t len, int *max_depth, int *open_at_end,
		 int *nul_escape)
{
	int depth = 0, in_str = 0;

	*max_depth = 0;
	*nul_escape = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '"') {
			i = string_end(buf, len, i + 1, nul_escape);
			in_str = i >= len;
		} else if (c == '{' || c == '[') {
			if (++depth > *max_depth)
				*max_depth = depth;
		} else if (c == '}' || c == ']')
			depth--;
	}
	*open_at_end = in_str || depth > 0;
}

int json_parse(const char *buf, size_t len, cJSON **out, struct err *e)
{
	const char *end = NULL;
	int depth, open_at_end, nul_escape;
	cJSON *doc;

	if (len == 0)
		return err_set(e, EINVAL, "empty input");
	if (memchr(buf, '\0', len))
		return err_set(e, EINVAL, "NUL byte in JSON");
	scan(buf, len, &depth, &open_at_end, &nul_escape);
	if (depth > JSON_MAX_DEPTH)
		return err_set(e, EINVAL, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
	if (nul_escape)
		return err_set(e, EINVAL, "NUL character (\\u0000) in a JSON string");
	doc = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!doc) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= buf && at <= buf + len ? (size_t)(at - buf) : len;

		if (open_at_end || off >= len)
			return err_set(e, EINVAL, "truncated JSON (input ends at byte %zu)", len);
		return err_set(e, EINVAL, "invalid JSON at byte %zu", off);
	}
	while (end && end < buf + len && strchr(" \t\r\n", *end))
		end++;
	if (end && end < buf + len) {
		cJSON_Delete(doc);
		return err_set(e, EINVAL, "trailing data after JSON at byte %zu",
			       (size_t)(end - buf));
	}
	*out = doc;
	return 0;
}

int json_opt_string(const cJSON *obj, const char *key, const char **out, struct err *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it))
		return err_set(e, EINVAL, "\"%s\" is not a string", key);
	*out = it->valuestring;
	return 0;
}

cJSON *json_array_member(cJSON *obj, const char *key)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsArray(arr)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		arr = cJSON_AddArrayToObject(obj, key);
	}
	return arr;
}

int json_string_elem(const cJSON *item, void *out, void *arg, struct err *e)
{
	(void)arg;
	if (!cJSON_IsString(item))
		return err_set(e, EINVAL, "not a string");
	*(char **)out = xstrdup(item->valuestring);
	return 0;
}

void json_strings_drop(void *elems, size_t n)
{
	char **s = elems;

	for (size_t i = 0; i < n; i++)
		free(s[i]);
}

int json_array_read(const cJSON *arr, const struct json_array_reader *r, void *out,
		    size_t *n, struct err *e)
{
	const cJSON *it;
	char *elems = NULL;
	size_t i = 0;

	*n = 0;
	memcpy(out, &elems, sizeof(elems));
	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return err_set(e, EINVAL, "\"%s\" is not an array", r->what);
	elems = xcalloc((size_t)cJSON_GetArraySize(arr), r->size);
	cJSON_ArrayForEach(it, arr) {
		if (r->elem(it, elems + i * r->size, r->arg, e) < 0) {
			if (r->drop)
				r->drop(elems, i);
			free(elems);
			return err_wrap(e, "%s[%zu]", r->what, i);
		}
		i++;
	}
	memcpy(out, &elems, sizeof(elems));
	*n = i;
	return 0;
}
