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

/* Parse exactly @len bytes: NUL bytes inside, trailing garbage, or more
 * than JSON_MAX_DEPTH levels of nesting are errors. */
#define JSON_MAX_DEPTH 64
int json_parse(const char *buf, size_t len, cJSON **out, struct err *e);

/* Optional string member: NULL when absent, -1 when present but not a string. */
int json_opt_string(const cJSON *obj, const char *key, const char **out, struct err *e);

/* The array member @key of @obj; made (replacing a non-array) when absent. */
cJSON *json_array_member(cJSON *obj, const char *key);

#endif
