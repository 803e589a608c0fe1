/* hook.json as the store checks it before use: every known key with the
 * type, range and form it must have; a file that fails is left as it is. */
#include "unit.h"
#include "unit_store.h"

#include "json.h"
#include "store.h"

#define DEV(fields) "{\"deviceToAdd\":[" fields "]}"
#define GOOD_DEV "{\"Type\":\"b\",\"Major\":7,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\"," \
	"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\",\"Parent\":\"\"}"

struct bad_doc {
	const char *what;
	const char *json;
	size_t len;     /* 0: strlen */
};

static const struct bad_doc bad_docs[] = {
	{ "not JSON", "deviceToAdd", 0 },
	{ "truncated", "{\"deviceToAdd\":[", 0 },
	{ "NUL byte", "{\"a\":\0}", 7 },
	{ "trailing garbage", "{}}", 0 },
	{ "an array", "[]", 0 },
	{ "a string", "\"x\"", 0 },
	{ "deviceToAdd not an array", "{\"deviceToAdd\":{}}", 0 },
	{ "deviceToAdd a string", "{\"deviceToAdd\":\"/dev/sdb\"}", 0 },
	{ "entry not an object", DEV("5"), 0 },
	{ "Type x", DEV("{\"Type\":\"x\",\"Major\":7,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "Type missing", DEV("{\"Major\":7,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "Major -1", DEV("{\"Type\":\"b\",\"Major\":-1,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "Minor a string", DEV("{\"Type\":\"b\",\"Major\":7,\"Minor\":\"0\",\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "Major too large", DEV("{\"Type\":\"b\",\"Major\":1048576,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "relative PathInContainer",
	  DEV(GOOD_DEV ",{\"Type\":\"c\",\"Major\":1,\"Minor\":3,\"PathOnHost\":\"/dev/null\","
	      "\"PathInContainer\":\"dev/null\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "relative PathOnHost", DEV("{\"Type\":\"b\",\"Major\":7,\"Minor\":0,\"PathOnHost\":\"loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\"}"), 0 },
	{ "CgroupPermissions rwx", DEV("{\"Type\":\"b\",\"Major\":7,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwx\"}"), 0 },
	{ "CgroupPermissions missing", DEV("{\"Type\":\"b\",\"Major\":7,\"Minor\":0,"
		"\"PathOnHost\":\"/dev/loop0\",\"PathInContainer\":\"/dev/loop0\"}"), 0 },
	{ "Parent a number", DEV("{\"Type\":\"b\",\"Major\":7,\"Minor\":0,\"PathOnHost\":\"/dev/loop0\","
		"\"PathInContainer\":\"/dev/loop0\",\"CgroupPermissions\":\"rwm\",\"Parent\":1}"), 0 },
	{ "bindToAdd not an array", "{\"bindToAdd\":\"/a:/b\"}", 0 },
	{ "bindToAdd with a number", "{\"bindToAdd\":[\"/a:/b:rw\",5]}", 0 },
	{ "bindToAdd bad spec", "{\"bindToAdd\":[\"a:/b\"]}", 0 },
	{ "bindToAdd bad option", "{\"bindToAdd\":[\"/a:/b:ro,rw\"]}", 0 },
	{ "bindToAdd one part", "{\"bindToAdd\":[\"/a\"]}", 0 },
};

static void validate_good(void **state)
{
	static const char *const docs[] = {
		"{}",
		"{\"deviceToAdd\":null,\"bindToAdd\":null}",
		"{\"deviceToAdd\":[],\"bindToAdd\":[]}",
		DEV(GOOD_DEV "," GOOD_DEV),
		"{\"deviceToAdd\":[{\"Type\":\"c\",\"Major\":1,\"Minor\":3,\"PathOnHost\":\"/dev/null\","
		"\"PathInContainer\":\"/dev/null\",\"CgroupPermissions\":\"m\"}]}",
		"{\"bindToAdd\":[\"/a:/b:rw\",\"/c:/d:ro,rprivate\"],\"other\":{\"x\":[1,2]}}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *doc = NULL;
		struct err e = { 0 };

		unit_case("%s", docs[i]);
		assert_int_equal(json_parse(docs[i], strlen(docs[i]), &doc, &e), 0);
		assert_int_equal(store_validate(doc, &e), 0);
		cJSON_Delete(doc);
	}
	unit_case_done();
}

static void validate_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad_doc *t = &bad_docs[i];
		size_t len = t->len ? t->len : strlen(t->json);
		cJSON *doc = NULL;
		struct err e = { 0 };

		unit_case("%s", t->what);
		if (json_parse(t->json, len, &doc, &e) < 0)
			continue;       /* not JSON: store_open's business */
		assert_int_equal(store_validate(doc, &e), -1);
		assert_err_code(e, EINVAL);
		cJSON_Delete(doc);
	}
	unit_case_done();
}

static void corrupt_file(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = unit_join(f->root, "c1");
	char *path = hook_json(f, "c1");

	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad_doc *t = &bad_docs[i];
		size_t len = t->len ? t->len : strlen(t->json);

		for (int mode = STORE_READ; mode <= STORE_CREATE; mode++) {
			struct store s;
			struct err e = { 0 };
			size_t after_len;
			char *after;

			unit_case("%s (mode %d)", t->what, mode);
			unit_write(path, t->json, len);
			assert_int_equal(store_open(f->root, "c1", mode, &s, &e), -1);
			assert_err(e, EINVAL, path);
			assert_closed(&s);
			/* left exactly as it was */
			after = unit_read(path, &after_len);
			assert_non_null(after);
			assert_int_equal(after_len, len);
			assert_memory_equal(after, t->json, len);
			free(after);
		}
	}
	unit_case_done();
	free(path);
	free(dir);
}

UNIT_MAIN("test_store_validate",
	  UNIT_TEST(validate_good),
	  UNIT_TEST(validate_bad),
	  STORE_TEST(corrupt_file))
