/* syscontainer-runtime's decisions: the runtime command line read as runc
 * reads it (lib/runtime_args.c), runtime.json (lib/runtime_conf.c), and
 * the hook merge it shares with inject (lib/hookspec.c). */
#include "unit.h"

#include "hookspec.h"
#include "json.h"
#include "json_string.h"
#include "runtime_args.h"
#include "runtime_conf.h"
#include "util.h"

#define MAXARGS 16

static void split(const char *line, char **argv, int *argc, char *buf, size_t size)
{
	char *save = NULL, *tok;

	snprintf(buf, size, "%s", line);
	*argc = 0;
	argv[(*argc)++] = "syscontainer-runtime";
	for (tok = strtok_r(buf, " ", &save); tok && *argc < MAXARGS - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[(*argc)++] = tok;
	argv[*argc] = NULL;
}

/* A runtime command line and what is read from it. */
static const struct {
	const char *line;
	const char *command;    /* NULL: none */
	bool creates;
	const char *bundle;
	const char *unknown;
} args_rows[] = {
	/* as Docker and containerd's shim call it */
	{ "--root /r --log /l --log-format json create --bundle /b --pid-file /p id",
	  "create", true, "/b", NULL },
	{ "--root=/r --systemd-cgroup create -b /b id", "create", true, "/b", NULL },
	{ "-root /r -debug create -bundle=/b id", "create", true, "/b", NULL },
	{ "run -d --bundle /b id", "run", true, "/b", NULL },
	{ "run id", "run", true, NULL, NULL },
	/* flags after the id, reordered by runc's urfave/cli */
	{ "create id --bundle /b", "create", true, "/b", NULL },
	{ "create --bundle /a id -b /b", "create", true, "/b", NULL },
	/* a value that looks like "-b" is a value */
	{ "create --pid-file -b id", "create", true, NULL, NULL },
	{ "create --console-socket /s --bundle /b id", "create", true, "/b", NULL },
	{ "create id -- --bundle /b", "create", true, NULL, NULL },
	/* a global value that is a command name */
	{ "--root create state id", "state", false, NULL, NULL },
	{ "--log-format=json delete --force id", "delete", false, NULL, NULL },
	{ "state id", "state", false, NULL, NULL },
	{ "exec --tty id sh", "exec", false, NULL, NULL },
	{ "kill id KILL", "kill", false, NULL, NULL },
	{ "-- create id", "create", true, NULL, NULL },
	{ "--version", NULL, false, NULL, NULL },
	{ "", NULL, false, NULL, NULL },
	{ "--root", NULL, false, NULL, NULL },
	{ "--frobnicate create --bundle /b id", NULL, false, NULL, "--frobnicate" },
	{ "--cgroup-manager systemd create --bundle /b id", "create", true, "/b", NULL },
	/* "create" as an argument of another command */
	{ "exec id create --bundle /b", "exec", false, NULL, NULL },
};

static void args_table(void **state)
{

	for (size_t i = 0; i < ARRAY_SIZE(args_rows); i++) {
		const __typeof__(args_rows[0]) *t = &args_rows[i];
		char buf[512], *argv[MAXARGS];
		struct runtime_call c;
		int argc;

		unit_case("\"%s\"", t->line);
		split(t->line, argv, &argc, buf, sizeof(buf));
		runtime_args_parse(argc, argv, &c);
		if (t->command) {
			assert_true(c.command > 0);
			assert_string_equal(argv[c.command], t->command);
		} else {
			assert_int_equal(c.command, -1);
		}
		assert_int_equal(c.creates, t->creates);
		assert_str_or_null(c.bundle, t->bundle);
		assert_str_or_null(c.unknown, t->unknown);
	}
	unit_case_done();
}

static void conf_good(void **state)
{
	const char *text = "{\"runtime\": \"crun\", \"hookspec\": \"/h.json\", \"root\": \"/s\"}";
	struct runtime_conf c = { 0 };
	struct err e = { 0 };

	assert_int_equal(runtime_conf_parse(text, strlen(text), &c, &e), 0);
	assert_string_equal(c.runtime, "crun");
	assert_string_equal(c.hookspec, "/h.json");
	assert_string_equal(c.root, "/s");
	runtime_conf_free(&c);
	assert_int_equal(runtime_conf_parse("{}", 2, &c, &e), 0);
	assert_null(c.runtime);
	assert_null(c.hookspec);
}

static void conf_bad(void **state)
{
	static const struct {
		const char *text, *needle;
	} t[] = {
		{ "[]", "not a JSON object" },
		{ "{\"runtim\": \"runc\"}", "unknown key \"runtim\"" },
		{ "{\"runtime\": \"\"}", "\"runtime\" is not a non-empty string" },
		{ "{\"runtime\": 1}", "runtime" },
		{ "{\"hookspec\": \"h.json\"}", "\"hookspec\" is not an absolute path" },
		{ "{\"runtime\": \"runc\", \"root\": \"s\"}", "\"root\" is not an absolute path" },
		{ "{\"runtime\": \"runc\"", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct runtime_conf c = { 0 };
		struct err e = { 0 };

		unit_case("%s", t[i].text);
		assert_int_equal(runtime_conf_parse(t[i].text, strlen(t[i].text), &c, &e), -1);
		assert_err_line(e);
		assert_err_mentions(e, t[i].needle);
		assert_null(c.runtime);
		assert_null(c.root);
	}
	unit_case_done();
}

static char *bundle_with(const char *config)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/config.json", dir);
	struct err e = { 0 };

	assert_int_equal(write_file_atomic(path, config, strlen(config), 0600, WRITE_VOLATILE,
					   &e), 0);
	free(path);
	return dir;
}

static cJSON *config_of(const char *dir)
{
	char *path = xasprintf("%s/config.json", dir), *buf = NULL;
	struct err e = { 0 };
	cJSON *doc = NULL;
	size_t len;

	assert_int_equal(read_file_at(AT_FDCWD, path, 1 << 20, &buf, &len, &e), 0);
	assert_int_equal(json_parse(buf, len, &doc, &e), 0);
	free(buf);
	free(path);
	return doc;
}

/* The bundle's own hooks first, ours after; a second merge adds nothing. */
static void inject_keeps_order(void **state)
{
	char *dir = bundle_with("{\"hooks\": {\"prestart\": [{\"path\": \"/own\"}]}, \"x\": 1}");
	struct hookspec spec;
	cJSON *doc, *pre;
	struct err e = { 0 };
	int added;

	assert_int_equal(hookspec_load(NULL, "/b/syscontainer-hooks", NULL, &spec, &e), 0);
	assert_int_equal(hookspec_inject(dir, &spec, HOOKSPEC_FOR_RUNTIME, &added, &e), 0);
	assert_int_equal(added, 2);
	assert_int_equal(hookspec_inject(dir, &spec, HOOKSPEC_FOR_RUNTIME, &added, &e), 0);
	assert_int_equal(added, 0);
	doc = config_of(dir);
	pre = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "hooks"), "prestart");
	assert_int_equal(cJSON_GetArraySize(pre), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(pre, 0), "path")->valuestring,
			    "/own");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(pre, 1), "path")->valuestring,
			    "/b/syscontainer-hooks");
	assert_int_equal(cJSON_GetObjectItem(doc, "x")->valueint, 1);
	cJSON_Delete(doc);
	hookspec_free(&spec);
	unit_rm_rf(dir);
	free(dir);
}

/* Hooks we cannot read are the user's: refused, the file left as it is. */
static void inject_refuses(void **state)
{
	const char *config = "{\"hooks\": {\"prestart\": {\"path\": \"/own\"}}}";
	char *dir = bundle_with(config), *path = xasprintf("%s/config.json", dir), *buf = NULL;
	struct hookspec spec;
	struct err e = { 0 };
	size_t len;
	int added;

	assert_int_equal(hookspec_load(NULL, "/b/syscontainer-hooks", "/store", &spec, &e), 0);
	assert_int_equal(hookspec_inject(dir, &spec, HOOKSPEC_FOR_RUNTIME, &added, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, "\"hooks.prestart\" is not an array");
	assert_int_equal(read_file_at(AT_FDCWD, path, 1 << 20, &buf, &len, &e), 0);
	assert_string_equal(buf, config);
	free(buf);
	free(path);
	hookspec_free(&spec);
	unit_rm_rf(dir);
	free(dir);
}

static char *paths_of(cJSON *doc, const char *point)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(doc, "hooks"), point), *h;
	struct json_buf b = { 0 };

	json_buf_str(&b, "");
	cJSON_ArrayForEach(h, list) {
		cJSON *path = cJSON_GetObjectItem(h, "path");

		json_buf_str(&b, b.len ? " " : "");
		json_buf_str(&b, cJSON_IsString(path) ? path->valuestring : "?");
	}
	return b.p;
}

/* The shapes "hooks" takes in a bundle: what is added, where, and that a
 * second merge adds nothing and the text outside "hooks" is kept. */
static void inject_table(void **state)
{
	static const struct {
		const char *config;
		int added;
		const char *prestart, *poststop;
	} t[] = {
		{ "{\"hooks\":null,\"x\":1}", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\"hooks\":{}}", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\"hooks\":{\"prestart\":null}}", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\"hooks\":{\"prestart\":[ ]}}", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{}", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\n  \"x\": [1,\n 2]\n}\n", 2, "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\"hook\\u0073\":{\"prestart\":[{\"path\":\"/own\"}]}}", 2,
		  "/own /b/syscontainer-hooks", "/b/syscontainer-hooks" },
		/* ours already there, its members in another order */
		{ "{\"hooks\":{\"prestart\":[{\"args\":[\"syscontainer-hooks\",\"--state\",\"prestart\"],"
		  "\"path\":\"/b/syscontainer-hooks\"}]}}", 1,
		  "/b/syscontainer-hooks", "/b/syscontainer-hooks" },
		/* with "env": [] it is another entry */
		{ "{\"hooks\":{\"prestart\":[{\"args\":[\"syscontainer-hooks\",\"--state\",\"prestart\"],"
		  "\"env\":[],\"path\":\"/b/syscontainer-hooks\"}]}}", 2,
		  "/b/syscontainer-hooks /b/syscontainer-hooks", "/b/syscontainer-hooks" },
		{ "{\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":5},7]}}", 2,
		  "/b/syscontainer-hooks", "/x ? /b/syscontainer-hooks" },
	};
	struct hookspec spec;
	struct err e = { 0 };

	assert_int_equal(hookspec_load(NULL, "/b/syscontainer-hooks", NULL, &spec, &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *dir = bundle_with(t[i].config), *pre, *post;
		cJSON *doc;
		int added;

		unit_case("%s", t[i].config);
		assert_int_equal(hookspec_inject(dir, &spec, HOOKSPEC_FOR_OPERATOR, &added, &e), 0);
		assert_int_equal(added, t[i].added);
		assert_int_equal(hookspec_inject(dir, &spec, HOOKSPEC_FOR_RUNTIME, &added, &e), 0);
		assert_int_equal(added, 0);
		if (strchr(t[i].config, '\n')) {       /* the operator's layout is kept */
			char *path = xasprintf("%s/config.json", dir), *text = unit_read(path, NULL);

			assert_true(str_has_prefix(text, "{\n  \"x\": [1,\n 2]\n,\"hooks\":{\"prestart\":"));
			assert_string_equal(text + strlen(text) - 4, "]}}\n");
			free(text);
			free(path);
		}
		doc = config_of(dir);
		pre = paths_of(doc, "prestart");
		post = paths_of(doc, "poststop");
		assert_string_equal(pre, t[i].prestart);
		assert_string_equal(post, t[i].poststop);
		free(pre);
		free(post);
		cJSON_Delete(doc);
		unit_rm_rf(dir);
		free(dir);
	}
	unit_case_done();
	hookspec_free(&spec);
}

/* An iSulad hook-spec file: checked, and written back as it was read. */
static void spec_files(void **state)
{
	static const struct {
		const char *text, *needle;      /* needle NULL: loads */
	} t[] = {
		{ "{\"prestart\":[{\"path\":\"/h\",\"args\":[\"h\",\"\\u00e9\"],\"env\":[],\"timeout\":30}],"
		  "\"poststart\":null,\"prestart\":[{\"path\":\"/i\",\"timeout\":2.5}]}", NULL },
		{ "{\"prestart\":[{\"path\":\"h\"}]}", "absolute" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"timeout\":0}]}", "hook /h: \"timeout\" is not a positive" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"timeout\":\"5\"}]}", "not a positive number" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"args\":[1]}]}", "hook /h: \"args\" holds a non-string" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"env\":{}}]}", "\"env\" is not an array" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"user\":\"x\"}]}", "unknown key \"user\"" },
		{ "{\"prestart\":[{\"path\":\"/h\",\"path\":\"/i\"}]}", "\"path\" is there twice" },
		{ "{\"prestop\":[]}", "unknown hook point \"prestop\"" },
		{ "{\"prestart\":{}}", "\"prestart\" is not an array" },
		{ "{\"prestart\":[3]}", "prestart: a hook is not an object" },
		{ "{\"prestart\":[", "truncated JSON" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *dir = unit_tmpdir(), *file = xasprintf("%s/spec.json", dir);
		struct hookspec spec;
		struct json_buf b = { 0 };
		struct err e = { 0 };

		unit_case("%s", t[i].text);
		unit_write(file, t[i].text, strlen(t[i].text));
		assert_int_equal(hookspec_load(file, "/unused", NULL, &spec, &e), t[i].needle ? -1 : 0);
		if (t[i].needle) {
			assert_err_line(e);
			assert_err_mentions(e, t[i].needle);
		} else {
			/* null is no hooks; a point named twice has both lists */
			assert_int_equal(spec.n, 1);
			assert_int_equal(spec.points[0].n, 2);
			hook_print(&b, &spec.points[0].hooks[0]);
			json_buf_str(&b, " ");
			hook_print(&b, &spec.points[0].hooks[1]);
			assert_string_equal(b.p, "{\"path\":\"/h\",\"args\":[\"h\",\"\xc3\xa9\"],\"env\":[],"
					    "\"timeout\":30} {\"path\":\"/i\",\"timeout\":2.5}");
			free(b.p);
		}
		hookspec_free(&spec);
		unit_rm_rf(dir);
		free(dir);
		free(file);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(args_table),
		UNIT_TEST(conf_good),
		UNIT_TEST(conf_bad),
		UNIT_TEST(inject_keeps_order),
		UNIT_TEST(inject_refuses),
		UNIT_TEST(inject_table),
		UNIT_TEST(spec_files),
	};

	return cmocka_run_group_tests_name("test_runtime_args", tests, NULL, NULL);
}
