/* For the unit tests of the JSON parsers (the OCI state, config.json):
 * tables of bad documents, each refused with EINVAL and one line, and
 * documents nested up to and past JSON_MAX_DEPTH. */
#ifndef SCH_UNIT_JSON_H
#define SCH_UNIT_JSON_H

#include "json.h"

/* Bytes with a length: some rows hold a NUL. len 0 means strlen. */
struct bad_json {
	const char *what;
	const char *json;
	size_t len;
	const char *needle;
};

#define WITH_LEN(s) s, sizeof(s) - 1

/* JSON_MAX_DEPTH opening and closing brackets, for table rows. */
_Static_assert(JSON_MAX_DEPTH == 64, "update OPEN64/CLOSE64");
#define OPEN8 "[[[[[[[["
#define OPEN64 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8
#define CLOSE8 "]]]]]]]]"
#define CLOSE64 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8

/* Refused by both parsers, before they look at a member. */
static const struct bad_json json_bad[] = {
	{ "not JSON", "hello", 0, NULL },
	{ "empty", "", 0, NULL },
	{ "only blanks", "  \n", 0, NULL },
	{ "truncated", "{\"id\":\"c1\",\"root\":{\"path\":\"/b", 0, "truncated" },
	{ "truncated after key", "{\"id\":", 0, NULL },
	{ "trailing garbage", "{\"id\":\"c1\",\"bundle\":\"/b\"} x", 0, "trailing" },
	{ "trailing bracket", "{\"root\":{\"path\":\"r\"}}]", 0, "trailing" },
	{ "two objects", "{\"id\":\"c1\",\"bundle\":\"/b\"}{}", 0, "trailing" },
	{ "NUL byte inside", WITH_LEN("{\"id\":\"c1\0\",\"root\":{\"path\":\"r\"}}"), "NUL" },
	{ "NUL byte after", WITH_LEN("{\"id\":\"c1\",\"bundle\":\"/b\"}\0"), "NUL" },
	{ "nested deeper than JSON_MAX_DEPTH",
	  "{\"id\":\"c1\",\"bundle\":\"/b\",\"x\":" OPEN64 CLOSE64 "}", 0, "deeper" },
	{ "not an object", "[\"c1\"]", 0, NULL },
	{ "a string", "\"c1\"", 0, NULL },
	{ "null", "null", 0, NULL },
};

/* {"a":[[[...]]]} nested @depth levels deep in all. */
static inline char *nested(const char *prefix, int depth)
{
	size_t plen = strlen(prefix);
	char *s = malloc(plen + 2 * (size_t)depth + 1);
	char *p = s;

	memcpy(p, prefix, plen);
	p += plen;
	for (int i = 1; i < depth; i++)
		*p++ = '[';
	for (int i = 1; i < depth; i++)
		*p++ = ']';
	*p++ = '}';
	*p = '\0';
	return s;
}

/* parse_bad(ROWS, PARSE, OUT, EMPTY): each row fails with EINVAL and one
 * line naming its needle, and leaves *OUT empty as EMPTY checks it. */
#define parse_bad(rows, parse, out, empty)						\
	do {										\
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {		\
			const struct bad_json *t = &rows[i];				\
			struct err e = { 0 };						\
											\
			unit_case("%s", t->what);					\
			memset(out, 0xa5, sizeof(*out));				\
			assert_int_equal(parse(t->json, t->len ? t->len : strlen(t->json),	\
					       out, &e), -1);				\
			assert_int_equal(e.code, EINVAL);				\
			assert_err_line(e);						\
			assert_err_mentions(e, t->needle);				\
			empty(out);							\
		}									\
		unit_case_done();							\
	} while (0)

/* parse_depth(PREFIX, PARSE, OUT, FREE, EMPTY): PREFIX and then nesting
 * up to JSON_MAX_DEPTH levels in all parses; one level more is refused. */
#define parse_depth(prefix, parse, out, free_out, empty)				\
	do {										\
		char *ok = nested(prefix, JSON_MAX_DEPTH);				\
		char *deep = nested(prefix, JSON_MAX_DEPTH + 1);			\
		struct err e = { 0 };							\
											\
		assert_int_equal(parse(ok, strlen(ok), out, &e), 0);			\
		free_out(out);								\
		assert_int_equal(parse(deep, strlen(deep), out, &e), -1);		\
		assert_err_line(e);							\
		assert_err_mentions(e, "deeper");					\
		empty(out);								\
		free(ok);								\
		free(deep);								\
	} while (0)

#endif
