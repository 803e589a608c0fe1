/* lib/json.c: bounded parsing, optional members, the one array reader. */
#include "unit.h"

#include "json.h"
#include "util.h"

/* ---- json_parse ---- */

#define OPEN8 "[[[[[[[["
#define OPEN64 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8
#define CLOSE8 "]]]]]]]]"
#define CLOSE64 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8
_Static_assert(JSON_MAX_DEPTH == 64, "update OPEN64/CLOSE64");

static void json_good(void **state)
{
	static const char *const docs[] = {
		"{}", "[]", "1", "\"s\"", "null", " {\"a\":1}\n", "\t[1,2]\r\n ",
		OPEN64 CLOSE64,
		/* the object counts: 1 + 63 */
		"{\"a\":" OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 "[[[[[[["
		CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 "]]]]]]]}",
		/* an escaped backslash, then the letters u0000; \u0001 */
		"[\"a\\\\u0000\"]", "[\"\\u0001\"]",
		/* brackets inside strings are no nesting */
		"[\"" OPEN64 OPEN8 "\"]",
		"[\"\\\"" OPEN64 OPEN8 "\"]",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *doc = NULL;
		struct err e = { 0 };

		unit_case("good #%zu", i);
		assert_int_equal(json_parse(docs[i], strlen(docs[i]), &doc, &e), 0);
		assert_non_null(doc);
		cJSON_Delete(doc);
	}
	unit_case_done();
}

static void json_bad(void **state)
{
	static const struct {
		const char *what, *text;
		size_t len;
		const char *needle;
	} t[] = {
		{ "empty", "", 0, "empty" },
		{ "NUL inside", "{\"a\":\0\"b\"}", 9, "NUL" },
		{ "NUL at the end", "{}\0", 3, "NUL" },
		/* a C string would end there: "c1\u0000/../x" is not "c1" */
		{ "escaped NUL in a string", "[\"c1\\u0000/../x\"]", 0, "NUL" },
		{ "escaped NUL in a key", "{\"a\\u0000b\":1}", 0, "NUL" },
		{ "one level too deep", "[" OPEN64 CLOSE64 "]", 0, "64" },
		{ "one level too deep, objects", "{\"a\":" OPEN64 CLOSE64 "}", 0, "64" },
		{ "deep and unclosed", OPEN64 OPEN64, 0, "64" },
		{ "trailing garbage", "{} x", 0, "trailing" },
		{ "trailing second document", "[1][2]", 0, "trailing" },
		{ "trailing after blanks", "{}\n\n}", 0, "trailing" },
		{ "truncated object", "{\"a\":", 0, "truncated" },
		{ "truncated string", "{\"a\":\"bc", 0, "truncated" },
		{ "truncated array", "[1,2", 0, "truncated" },
		{ "invalid", "{a:1}", 0, "invalid" },
		{ "blanks only", "   ", 0, NULL },
		{ "a word", "hello", 0, NULL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len = t[i].len ? t[i].len : strlen(t[i].text);
		cJSON *doc = NULL;
		struct err e = { 0 };

		unit_case("%s", t[i].what);
		assert_int_equal(json_parse(t[i].text, len, &doc, &e), -1);
		assert_null(doc);
		assert_err(e, EINVAL, t[i].needle);
	}
	unit_case_done();
}

/* Only @len bytes count, even when more follow in memory. */
static void json_length_bound(void **state)
{
	static const char text[] = "{\"a\":1} trailing";
	cJSON *doc = NULL;
	struct err e = { 0 };

	assert_int_equal(json_parse(text, 7, &doc, &e), 0);
	assert_int_equal(cJSON_GetObjectItem(doc, "a")->valueint, 1);
	cJSON_Delete(doc);
	assert_int_equal(json_parse(text, 5, &doc, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
}

static void json_opt(void **state)
{
	static const char text[] = "{\"s\":\"x\",\"n\":1,\"z\":null}";
	cJSON *doc = NULL;
	struct err e = { 0 };
	const char *out = "unset";

	assert_int_equal(json_parse(text, strlen(text), &doc, &e), 0);
	assert_int_equal(json_opt_string(doc, "s", &out, &e), 0);
	assert_string_equal(out, "x");
	assert_int_equal(json_opt_string(doc, "missing", &out, &e), 0);
	assert_null(out);
	assert_int_equal(json_opt_string(doc, "z", &out, &e), 0);
	assert_null(out);
	assert_int_equal(json_opt_string(doc, "n", &out, &e), -1);
	assert_null(out);
	assert_non_null(strstr(e.msg, "\"n\""));
	cJSON_Delete(doc);
}

/* ---- json_array_read ---- */

struct pair {
	char *name;
	int n;
};

/* An item is {"name": string, "n": number}; "n" < 0 is refused. */
static int pair_elem(const cJSON *it, void *out, void *arg, struct err *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "n");
	struct pair *p = out;
	const char *name;

	(*(int *)arg)++;
	if (json_opt_string(it, "name", &name, e) < 0)
		return -1;
	if (!cJSON_IsNumber(n) || n->valueint < 0)
		return err_set(e, EINVAL, "bad n");
	p->name = xstrdup(name ? name : "");
	p->n = n->valueint;
	return 0;
}

static size_t dropped;

static void pair_drop(void *elems, size_t n)
{
	struct pair *p = elems;

	for (size_t i = 0; i < n; i++)
		free(p[i].name);
	dropped += n;
}

static int read_pairs(const char *text, struct pair **out, size_t *n, int *calls,
		      struct err *e)
{
	const struct json_array_reader r = { .what = "pairs", .size = sizeof(**out),
					     .elem = pair_elem, .drop = pair_drop,
					     .arg = calls };
	cJSON *doc = NULL;
	int rc;

	assert_int_equal(json_parse(text, strlen(text), &doc, e), 0);
	rc = json_array_read(cJSON_GetObjectItemCaseSensitive(doc, "p"), &r, out, n, e);
	cJSON_Delete(doc);
	return rc;
}

static void array_read(void **state)
{
	static const struct {
		const char *what, *text;
		int rc;
		size_t n, dropped;
		int calls;
		const char *needle;
	} t[] = {
		{ "absent", "{}", 0, 0, 0, 0, NULL },
		{ "null", "{\"p\":null}", 0, 0, 0, 0, NULL },
		{ "empty", "{\"p\":[]}", 0, 0, 0, 0, NULL },
		{ "two", "{\"p\":[{\"name\":\"a\",\"n\":1},{\"n\":2}]}", 0, 2, 0, 2, NULL },
		{ "an object", "{\"p\":{}}", -1, 0, 0, 0, "\"pairs\" is not an array" },
		{ "a string", "{\"p\":\"x\"}", -1, 0, 0, 0, "\"pairs\" is not an array" },
		/* the third is refused: the two before are dropped, the rest not read */
		{ "third refused", "{\"p\":[{\"n\":1},{\"n\":2},{\"n\":-1},{\"n\":4}]}",
		  -1, 0, 2, 3, "pairs[2]: bad n" },
		{ "first refused", "{\"p\":[{\"name\":3,\"n\":1}]}", -1, 0, 0, 1,
		  "pairs[0]: \"name\" is not a string" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pair *p = (struct pair *)&dropped;   /* must be overwritten */
		struct err e = { 0 };
		size_t n = 99;
		int calls = 0;

		unit_case("%s", t[i].what);
		dropped = 0;
		assert_int_equal(read_pairs(t[i].text, &p, &n, &calls, &e), t[i].rc);
		assert_int_equal(n, t[i].n);
		assert_int_equal(dropped, t[i].dropped);
		assert_int_equal(calls, t[i].calls);
		if (t[i].rc < 0) {
			assert_null(p);
			assert_err_line(e);
			assert_err_mentions(e, t[i].needle);
		}
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[k].n, (int)k + 1);
		pair_drop(p, n);
		free(p);
	}
	unit_case_done();
}

/* Strings: each item copied, a non-string refused with its index. */
static void array_read_strings(void **state)
{
	static const char text[] = "{\"a\":[\"x\",\"y\"],\"b\":[\"x\",1]}";
	const struct json_array_reader r = { .what = "list", .size = sizeof(char *),
					     .elem = json_string_elem,
					     .drop = json_strings_drop };
	cJSON *doc = NULL;
	struct err e = { 0 };
	char **s;
	size_t n;

	(void)state;
	assert_int_equal(json_parse(text, strlen(text), &doc, &e), 0);
	assert_int_equal(json_array_read(cJSON_GetObjectItem(doc, "a"), &r, &s, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0], "x");
	assert_string_equal(s[1], "y");
	json_strings_drop(s, n);
	free(s);
	assert_int_equal(json_array_read(cJSON_GetObjectItem(doc, "b"), &r, &s, &n, &e), -1);
	assert_null(s);
	assert_non_null(strstr(e.msg, "list[1]: not a string"));
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(json_good),
		UNIT_TEST(json_bad),
		UNIT_TEST(json_length_bound),
		UNIT_TEST(json_opt),
		UNIT_TEST(array_read),
		UNIT_TEST(array_read_strings),
	};

	return cmocka_run_group_tests_name("test_json", tests, NULL, NULL);
}
