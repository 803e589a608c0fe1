/* cJSON helpers: bounded parsing with a position in the error, cleanup. */
#ifndef SCH_JSON_H
#define SCH_JSON_H

#include <cJSON.h>
#include <stddef.h>

#include "error.h"

static inline void cjson_freep(cJSON **p)
{
	cJSON_Delete(*p);
}
#define _cleanup_cjson_ __attribute__((cleanup(cjson_freep)))

/* Text printed by cJSON comes from cJSON's allocator, which a program may
 * replace (cJSON_InitHooks): it goes back there, not to free(). */
static inline void cjson_text_freep(char **p)
{
	cJSON_free(*p);
}
#define _cleanup_cjson_text_ __attribute__((cleanup(cjson_text_freep)))

/* Parse exactly @len bytes: NUL bytes inside, trailing garbage, or more
 * than JSON_MAX_DEPTH levels of nesting are errors. */
#define JSON_MAX_DEPTH 64
int json_parse(const char *buf, size_t len, cJSON **out, struct err *e);

/* Optional string member: NULL when absent, -1 when present but not a string. */
int json_opt_string(const cJSON *obj, const char *key, const char **out, struct err *e);

/* The array member @key of @obj; made (replacing a non-array) when absent. */
cJSON *json_array_member(cJSON *obj, const char *key);

/* How json_array_read turns each item of a JSON array into one element of
 * a C array: @elem fills the @size bytes at @out from @item (@arg passed
 * through); @drop (NULL when elements own nothing) frees what @elem filled
 * in the first @n elements, when a later item is refused. @what names the
 * array in messages. */
struct json_array_reader {
	const char *what;
	size_t size;
	int (*elem)(const cJSON *item, void *out, void *arg, struct err *e);
	void (*drop)(void *elems, size_t n);
	void *arg;
};

/* The one way to read a JSON array: absent (NULL) or JSON null is no
 * items; anything else but an array is an error ("\"what\" is not an
 * array"), so is an item @r->elem refuses ("what[i]: ..."). @out is the
 * address of the caller's element pointer: it gets a new array of *n
 * elements, or NULL with *n = 0 on failure or when there is no item. */
/* For json_array_read: an element that is a copy of a string item (char *),
 * and the drop that frees such elements. */
int json_string_elem(const cJSON *item, void *out, void *arg, struct err *e);
void json_strings_drop(void *elems, size_t n);

int json_array_read(const cJSON *arr, const struct json_array_reader *r, void *out,
		    size_t *n, struct err *e);

#endif
