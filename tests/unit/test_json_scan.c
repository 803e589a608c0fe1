/* lib/json_scan.c and lib/json_string.c: the strict reading that finds a
 * top-level member without a JSON library, and the string codec. Every
 * text it accepts, cJSON accepts too (checked per row). */
#include "unit.h"

#include "json.h"
#include "json_scan.h"
#include "json_string.h"
#include "util.h"

static void found(void **state)
{
	static const struct {
		const char *text, *value;       /* value NULL: absent */
		bool empty;
	} t[] = {
		{ "{\"hooks\":{\"prestart\":[]},\"x\":1}", "{\"prestart\":[]}", false },
		{ " {\n \"a\" : [1, 2.5e3, -0.1, true, false, null],\"hooks\" :null } \n", "null", false },
		{ "{\"hook\\u0073\": [\"\\\"x\\\\\"]}", "[\"\\\"x\\\\\"]", false },
		{ "{\"x\": {\"hooks\": 1}}", NULL, false },
		{ "{}", NULL, true },
		{ "{ \t}", NULL, true },
		{ "{\"s\": \"\\ud83d\\ude00 \\u00e9 \\/\", \"hooks\": \"\"}", "\"\"", false },
		{ "{\"hooksx\": 1, \"hook\": 2}", NULL, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct json_member m;
		enum json_scan_fault f;
		cJSON *doc = NULL;
		struct err e = { 0 };
		size_t len = strlen(t[i].text);

		unit_case("%s", t[i].text);
		assert_int_equal(json_scan_member(t[i].text, len, "hooks", &m, &f), 0);
		assert_int_equal(m.found, t[i].value != NULL);
		if (t[i].value)
			assert_int_equal(strncmp(t[i].text + m.start, t[i].value, m.end - m.start) ||
					 strlen(t[i].value) != m.end - m.start, 0);
		assert_int_equal(m.empty, t[i].empty);
		assert_int_equal(t[i].text[m.open], '{');
		assert_int_equal(t[i].text[m.close], '}');
		assert_int_equal(json_parse(t[i].text, len, &doc, &e), 0);
		cJSON_Delete(doc);
	}
	unit_case_done();
}

static void refused(void **state)
{
	static const struct {
		const char *text;
		enum json_scan_fault fault;
		size_t at;              /* for JSON_SCAN_INVALID */
	} t[] = {
		{ "", JSON_SCAN_INVALID, 0 },
		{ "[]", JSON_SCAN_NOT_OBJECT, 0 },
		{ "\"hooks\"", JSON_SCAN_NOT_OBJECT, 0 },
		{ "{\"a\":1,}", JSON_SCAN_INVALID, 7 },
		{ "{\"a\":01}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":1.}", JSON_SCAN_INVALID, 7 },
		{ "{\"a\":-}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":1e}", JSON_SCAN_INVALID, 7 },
		{ "{\"a\":tru}", JSON_SCAN_INVALID, 8 },
		{ "{\"a\":\"x\ty\"}", JSON_SCAN_INVALID, 7 },
		{ "{\"a\":\"\\x\"}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":\"\\u0000\"}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":\"\\ud83d\"}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":\"\\ude00\"}", JSON_SCAN_INVALID, 6 },
		{ "{\"a\":\"\\u12g4\"}", JSON_SCAN_INVALID, 6 },
		{ "{'a':1}", JSON_SCAN_INVALID, 1 },
		{ "{\"a\" 1}", JSON_SCAN_INVALID, 5 },
		{ "{} x", JSON_SCAN_INVALID, 3 },
		{ "{}{}", JSON_SCAN_INVALID, 2 },
		{ "{\"a\":NaN}", JSON_SCAN_INVALID, 5 },
		{ "{\"hooks\":1,\"hooks\":2}", JSON_SCAN_TWICE, 0 },
		{ "{\"hooks\":1,\"hook\\u0073\":2}", JSON_SCAN_TWICE, 0 },
		{ "{\"a\":[1,2", JSON_SCAN_TRUNCATED, 0 },
		{ "{\"a\":\"abc", JSON_SCAN_TRUNCATED, 0 },
		{ "   ", JSON_SCAN_TRUNCATED, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct json_member m;
		enum json_scan_fault f = JSON_SCAN_INVALID;
		struct err e = { 0 };

		unit_case("%s", t[i].text);
		assert_int_equal(json_scan_member(t[i].text, strlen(t[i].text), "hooks", &m, &f), -1);
		assert_int_equal(f, t[i].fault);
		if (f == JSON_SCAN_INVALID)
			assert_int_equal(m.close, t[i].at);
		assert_int_equal(json_scan_error(&e, f, &m, strlen(t[i].text), "hooks"), -1);
		assert_err_line(e);
	}
	unit_case_done();
}

/* Deeper than JSON_MAX_DEPTH is refused, as json_parse refuses it. */
static void depth(void **state)
{
	char text[2 * JSON_MAX_DEPTH + 16];
	struct json_member m;
	enum json_scan_fault f;
	size_t n = 0;

	for (int levels = JSON_MAX_DEPTH; levels <= JSON_MAX_DEPTH + 1; levels++) {
		n = 0;
		text[n++] = '{';
		memcpy(text + n, "\"a\":", 4);
		n += 4;
		for (int k = 1; k < levels; k++)
			text[n++] = '[';
		for (int k = 1; k < levels; k++)
			text[n++] = ']';
		text[n++] = '}';
		assert_int_equal(json_scan_member(text, n, "a", &m, &f),
				 levels <= JSON_MAX_DEPTH ? 0 : -1);
	}
}

static int collect(struct json_span name, struct json_span v, void *arg)
{
	struct json_buf *b = arg;
	char *s = name.p ? json_span_string(name) : NULL;

	json_buf_str(b, s ? s : "-");
	json_buf_str(b, "=");
	json_buf_add(b, v.p, v.len);
	json_buf_str(b, ";");
	free(s);
	return 0;
}

static void each_and_strings(void **state)
{
	const char *obj = "{ \"a\" : [1, {\"b\": 2}] , \"c\\n\":\"d\" }";
	struct json_buf b = { 0 };
	char *s;

	assert_int_equal(json_span_each((struct json_span){ obj, strlen(obj) }, collect, &b), 0);
	assert_string_equal(b.p, "a=[1, {\"b\": 2}];c\n=\"d\";");
	b.len = 0;
	assert_int_equal(json_span_each((struct json_span){ "[ ]", 3 }, collect, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(json_span_each((struct json_span){ "[1,\"x\"]", 7 }, collect, &b), 0);
	assert_string_equal(b.p, "-=1;-=\"x\";");
	assert_int_equal(json_span_each((struct json_span){ "1", 1 }, collect, &b), -1);
	s = json_span_string((struct json_span){ "\"\\ud83d\\ude00\\u00e9\\t\\\"\\/\"", 26 });
	assert_string_equal(s, "\xf0\x9f\x98\x80\xc3\xa9\t\"/");
	free(s);
	assert_null(json_span_string((struct json_span){ "12", 2 }));
	b.len = 0;
	json_buf_string(&b, "a\"b\\c\nd\x01\xc3\xa9");
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\u000ad\\u0001\xc3\xa9\"");
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(found),
		UNIT_TEST(refused),
		UNIT_TEST(depth),
		UNIT_TEST(each_and_strings),
	};

	return cmocka_run_group_tests_name("test_json_scan", tests, NULL, NULL);
}
