/* The per-container state file <root>/<id>/hook.json. */
#include "unit.h"

#include <signal.h>

#include <poll.h>
#include <sys/wait.h>

#include "json.h"
#include "store.h"

/* Each test gets a fresh store root (not yet created), and records (where
 * the locks are) in their own directory. */
static int setup(void **state)
{
	struct unit_fixture *f = unit_fixture_new(state, false, false);

	unit_env("SYSCONTAINER_HOOKS_RUNDIR", f->run);
	return 0;
}

static int teardown(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	return unit_fixture_teardown(state);
}

#define STORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static char *hook_json(const struct unit_fixture *f, const char *id)
{
	char *dir = unit_join(f->root, id);
	char *path = unit_join(dir, STORE_FILE);

	free(dir);
	return path;
}

static void assert_closed(const struct store *s)
{
	assert_null(s->dir);
	assert_null(s->path);
	assert_null(s->doc);
	assert_int_equal(s->lock_fd, -1);
}

static const struct saved_device loop0 = {
	.type = 'b', .major = 7, .minor = 0, .host = "/dev/loop0",
	.ctr = "/dev/loop0", .perms = "rwm", .parent = "",
};
static const struct saved_device sdb1 = {
	.type = 'b', .major = 8, .minor = 17, .host = "/dev/sdb1",
	.ctr = "/dev/data", .perms = "r", .parent = "/dev/sdb",
};
static const struct saved_device null_dev = {
	.type = 'c', .major = 1, .minor = 3, .host = "/dev/null",
	.ctr = "/dev/null2", .perms = "rw", .parent = NULL,
};

/* Open c1 for a change: item @index of it removed by @remove, then saved. */
static void remove_saved(const struct unit_fixture *f, void (*remove)(struct store *, size_t),
			 size_t index)
{
	struct store s;
	struct err e = { 0 };

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	remove(&s, index);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);
}

static void assert_device(const struct saved_device *got, const struct saved_device *want);

/* c1, opened (and so locked) to read, holds the @n devices @want. */
static void assert_saved_devices(const struct unit_fixture *f,
				 const struct saved_device *const want[], size_t n)
{
	struct saved_device *d;
	struct store s;
	struct err e = { 0 };
	size_t got;

	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	assert_true(s.lock_fd >= 0);
	assert_int_equal(store_devices(&s, &d, &got, &e), 0);
	assert_int_equal(got, n);
	for (size_t i = 0; i < n; i++)
		assert_device(&d[i], want[i]);
	saved_devices_free(d, got);
	store_close(&s);
}

static size_t device_count(const struct store *s)
{
	struct saved_device *d;
	struct err e = { 0 };
	size_t n;

	assert_int_equal(store_devices(s, &d, &n, &e), 0);
	saved_devices_free(d, n);
	return n;
}

static void assert_device(const struct saved_device *got, const struct saved_device *want)
{
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->major, want->major);
	assert_int_equal(got->minor, want->minor);
	assert_string_equal(got->host, want->host);
	assert_string_equal(got->ctr, want->ctr);
	assert_string_equal(got->perms, want->perms);
	assert_string_equal(got->parent, want->parent ? want->parent : "");
}

static void read_unknown(void **state)
{
	struct unit_fixture *f = *state;
	struct saved_device *devs;
	struct path_spec *binds;
	struct store s;
	struct err e = { 0 };
	size_t n = 99;

	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	assert_true(cJSON_IsObject(s.doc));
	assert_int_equal(cJSON_GetArraySize(s.doc), 0);
	assert_int_equal(s.lock_fd, -1);
	assert_int_equal(store_devices(&s, &devs, &n, &e), 0);
	assert_int_equal(n, 0);
	saved_devices_free(devs, n);
	n = 99;
	assert_int_equal(store_binds(&s, &binds, &n, &e), 0);
	assert_int_equal(n, 0);
	path_specs_free(binds, n);
	/* reading is no reason to write */
	assert_int_equal(store_save(&s, &e), -1);
	assert_err_line(e);
	store_close(&s);
	assert_closed(&s);
	assert_false(unit_exists(f->root));

	/* the root exists, the container does not */
	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	assert_int_equal(cJSON_GetArraySize(s.doc), 0);
	store_close(&s);
	assert_int_equal(unit_count_entries(f->root), 0);
}

static void create_and_save(void **state)
{
	struct unit_fixture *f = *state;
	char *path = hook_json(f, "c1");
	char *dir = unit_join(f->root, "c1");
	cJSON *doc = NULL;
	struct store s;
	struct err e = { 0 };
	struct stat st;
	size_t len = 0;
	char *text;

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	assert_string_equal(s.dir, dir);
	assert_string_equal(s.path, path);
	assert_true(s.lock_fd >= 0);
	/* nothing on disk before something is saved, the lock under the records */
	assert_false(unit_exists(f->root));
	assert_int_equal(unit_count_entries(f->run), 1);

	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->root, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	store_close(&s);

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	text = unit_read(path, &len);
	assert_non_null(text);
	assert_int_equal(json_parse(text, len, &doc, &e), 0);
	assert_int_equal(store_validate(doc, &e), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "deviceToAdd")), 1);
	/* only the state: no temporary files left over, no lock once closed */
	assert_int_equal(unit_count_entries(dir), 1);
	assert_int_equal(unit_count_entries(f->run), 1);       /* .locks, empty */
	cJSON_Delete(doc);
	free(text);
	free(dir);
	free(path);
}

static void devices_round_trip(void **state)
{
	struct unit_fixture *f = *state;
	struct store s;
	struct err e = { 0 };

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	store_add_device(&s, &loop0);
	store_add_device(&s, &sdb1);
	store_add_device(&s, &null_dev);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);

	assert_saved_devices(f, (const struct saved_device *[]){ &loop0, &sdb1, &null_dev }, 3);

	/* remove the middle one */
	remove_saved(f, store_remove_device, 1);
	assert_saved_devices(f, (const struct saved_device *[]){ &loop0, &null_dev }, 2);

	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	/* an index past the end changes nothing */
	store_remove_device(&s, 5);
	assert_int_equal(device_count(&s), 2);
	store_remove_device(&s, 0);
	store_remove_device(&s, 0);
	assert_int_equal(device_count(&s), 0);
	store_close(&s);
}

static void binds_round_trip(void **state)
{
	static const char *const specs[] = {
		"/srv/data:/mnt/data", "/srv/ro:/mnt/ro:ro,rslave", "/a//b/../c:/x/./y:private",
	};
	static const char *const want[] = {
		"/srv/data:/mnt/data:rw", "/srv/ro:/mnt/ro:ro,rslave", "/a/c:/x/y:private",
	};
	struct unit_fixture *f = *state;
	struct path_spec *b;
	struct store s;
	struct err e = { 0 };
	size_t n;

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	for (size_t i = 0; i < 3; i++) {
		struct path_spec p;

		assert_int_equal(parse_path_spec(specs[i], &p, &e), 0);
		store_add_bind(&s, &p);
		path_spec_free(&p);
	}
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);

	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	assert_int_equal(store_binds(&s, &b, &n, &e), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		char *str = path_spec_format(&b[i]);

		assert_string_equal(str, want[i]);
		free(str);
	}
	assert_true(b[1].ro);
	assert_false(b[0].ro);
	path_specs_free(b, n);
	store_close(&s);

	remove_saved(f, store_remove_bind, 0);

	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), 0);
	assert_int_equal(store_binds(&s, &b, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(b[0].host, "/srv/ro");
	assert_string_equal(b[1].host, "/a/c");
	path_specs_free(b, n);
	store_close(&s);
}

/* Fields of a newer version, or of the original tool, survive a rewrite. */
static void unknown_keys_survive(void **state)
{
	static const char old[] =
		"{\"readBps\":[{\"major\":8,\"minor\":16,\"path\":\"/dev/sdb\",\"value\":\"1048576\"}],"
		"\"deviceToAdd\":[],\"version\":3,\"bindToAdd\":null}";
	struct unit_fixture *f = *state;
	char *dir = unit_join(f->root, "c1");
	char *path = hook_json(f, "c1");
	cJSON *doc = NULL, *want = NULL;
	struct path_spec p;
	struct store s;
	struct err e = { 0 };
	size_t len = 0;
	char *text;

	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	unit_write(path, old, strlen(old));

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	assert_int_equal(parse_path_spec("/a:/b", &p, &e), 0);
	store_add_bind(&s, &p);
	path_spec_free(&p);
	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);

	text = unit_read(path, &len);
	assert_int_equal(json_parse(text, len, &doc, &e), 0);
	assert_int_equal(json_parse(old, strlen(old), &want, &e), 0);
	assert_true(cJSON_Compare(cJSON_GetObjectItem(doc, "readBps"),
				  cJSON_GetObjectItem(want, "readBps"), 1));
	assert_true(cJSON_Compare(cJSON_GetObjectItem(doc, "version"),
				  cJSON_GetObjectItem(want, "version"), 1));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "bindToAdd")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "deviceToAdd")), 1);
	cJSON_Delete(doc);
	cJSON_Delete(want);
	free(text);
	free(path);
	free(dir);
}

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

static void empty_file(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = unit_join(f->root, "c1");
	char *path = hook_json(f, "c1");
	struct store s;
	struct err e = { 0 };

	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	unit_write(path, "", 0);
	assert_int_equal(store_open(f->root, "c1", STORE_READ, &s, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, path);
	assert_closed(&s);
	/* the empty file left as it was; no lock left behind */
	assert_int_equal(unit_count_entries(dir), 1);
	free(path);
	free(dir);
}

static void invalid_ids(void **state)
{
	static const char *const ids[] = {
		"", "..", ".", "../x", "a/b", "/abs", ".hidden", "-a", "a b", "a\nb",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct unit_fixture *f = *state;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		for (int mode = STORE_READ; mode <= STORE_CREATE; mode++) {
			struct store s;
			struct err e = { 0 };

			unit_case("id #%zu (mode %d)", i, mode);
			assert_int_equal(store_open(f->root, ids[i], mode, &s, &e), -1);
			assert_int_equal(e.code, EINVAL);
			assert_non_null(strstr(e.msg, "container id"));
			assert_closed(&s);
		}
	}
	unit_case_done();
	/* nothing made anywhere */
	assert_false(unit_exists(f->root));
	assert_int_equal(unit_count_entries(f->top), 0);
}

/* Nothing saved, nothing on disk: a save that leaves the document empty
 * (the last device removed) removes hook.json and its directory; a file
 * the store did not write keeps both. */
static void empty_removes(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = unit_join(f->root, "c1");
	char *foreign = unit_join(dir, "notes.txt");
	struct store s;
	struct err e = { 0 };

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	assert_true(unit_exists(dir));
	store_remove_device(&s, 0);
	assert_int_equal(store_save(&s, &e), 0);
	assert_false(unit_exists(dir));
	assert_true(unit_exists(f->root));
	/* saving nothing for a container that has nothing makes nothing */
	assert_int_equal(store_save(&s, &e), 0);
	assert_false(unit_exists(dir));
	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	unit_write(foreign, "x", 1);
	store_remove_device(&s, 0);
	assert_int_equal(store_save(&s, &e), 0);
	assert_true(unit_exists(foreign));
	store_close(&s);
	assert_int_equal(unit_count_entries(dir), 2);
	/* a document with a value in it is not empty */
	assert_int_equal(store_open(f->root, "c2", STORE_CREATE, &s, &e), 0);
	cJSON_AddTrueToObject(s.doc, "allowSharedNetns");
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);
	free(dir);
	dir = unit_join(f->root, "c2");
	assert_true(unit_exists(dir));
	free(dir);
	free(foreign);
}

/* A failure reported after an earlier one names its own cause. */
static void create_error_not_stale(void **state)
{
	struct unit_fixture *f = *state;
	struct store s;
	struct err e = { 0 };

	unit_write(f->root, "x", 1);    /* the root is a file */
	assert_int_equal(store_open(f->root, "../x", STORE_CREATE, &s, &e), -1);
	assert_non_null(strstr(e.msg, "container id"));
	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), -1);
	assert_int_not_equal(e.code, 0);
	assert_err_line(e);
	assert_err_mentions(e, f->root);
	assert_null(strstr(e.msg, "container id"));
	assert_closed(&s);
}

/* The child holds the lock, then saves and closes. */
static void lock_holder(const char *root, int ready, int parent_done)
{
	struct pollfd pfd = { .fd = parent_done, .events = POLLIN };
	struct err e = { 0 };
	struct path_spec p;
	struct store s;
	int rc = 0;

	if (store_open(root, "c1", STORE_CREATE, &s, &e) < 0)
		_exit(10);
	if (write(ready, "x", 1) != 1)
		_exit(11);
	/* time for the parent to reach its store_open, which must not return */
	usleep(300 * 1000);
	if (poll(&pfd, 1, 0) != 0)
		rc = 12;
	if (parse_path_spec("/from/child:/x", &p, &e) == 0) {
		store_add_bind(&s, &p);
		path_spec_free(&p);
		if (store_save(&s, &e) < 0)
			rc = 13;
	}
	store_close(&s);
	_exit(rc);
}

/* A second store_open of the same container waits until the first one
 * closes, and then sees what the first one saved. */
static void lock_blocks(void **state)
{
	struct unit_fixture *f = *state;
	int ready[2], done[2];
	struct store s;
	struct err e = { 0 };
	struct path_spec *b;
	size_t n;
	int status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		lock_holder(f->root, ready[1], done[0]);
	}
	close(ready[1]);
	close(done[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	/* STORE_CREATE: with nothing saved yet, STORE_READ does not lock */
	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	/* tells the child we returned; it may have exited already (EPIPE) */
	signal(SIGPIPE, SIG_IGN);
	if (write(done[1], "x", 1) < 0)
		assert_int_equal(errno, EPIPE);
	close(done[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 12)
		fail_msg("second store_open returned while the first still held the lock");
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(store_binds(&s, &b, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(b[0].host, "/from/child");
	path_specs_free(b, n);
	store_close(&s);
}

/* Different containers do not wait for each other: with c1 held here, a
 * child opens c2; if that waits for c1's lock the test fails after 5 s
 * instead of hanging the suite. */
static void lock_per_container(void **state)
{
	struct unit_fixture *f = *state;
	struct store a, b;
	struct err e = { 0 };
	int status = 0, waited;
	pid_t pid;

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &a, &e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (store_open(f->root, "c2", STORE_CREATE, &b, &e) < 0)
			_exit(1);
		store_close(&b);
		_exit(0);
	}
	for (waited = 0; waited < 500; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	store_close(&a);
	if (waited == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("opening c2 waited 5 s for the lock c1 holds");
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void root_choice(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_ROOT", "/env/root");
	assert_string_equal(store_root("/flag/root"), "/flag/root");
	assert_string_equal(store_root(NULL), "/env/root");
	assert_string_equal(store_root(""), "/env/root");
	unit_env("SYSCONTAINER_HOOKS_ROOT", "");
	assert_string_equal(store_root(NULL), STORE_ROOT_DEFAULT);
	unit_env("SYSCONTAINER_HOOKS_ROOT", NULL);
	assert_string_equal(store_root(NULL), STORE_ROOT_DEFAULT);
}

static int refuse(void *arg, const cJSON *doc, struct err *e)
{
	(void)doc;
	(*(int *)arg)++;
	return err_set(e, EBUSY, "container c1 is running");
}

/* Counts its calls; the document it gets must hold the saved device. */
static int allow(void *arg, const cJSON *doc, struct err *e)
{
	(void)e;
	assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "deviceToAdd"));
	(*(int *)arg)++;
	return 0;
}

static int allow_unreadable(void *arg, const cJSON *doc, struct err *e)
{
	(void)e;
	assert_null(doc);
	(*(int *)arg)++;
	return 0;
}

static void forget(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = unit_join(f->root, "c1");
	char *foreign = unit_join(dir, "notes.txt");
	char *stale = unit_join(dir, "hook.json.tmpAbC123");
	char *corrupt = unit_join(dir, "hook.json");
	struct store s;
	struct err e = { 0 };
	int calls = 0;

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);

	/* the check refuses: nothing removed */
	assert_int_equal(store_forget(f->root, "c1", refuse, &calls, &e), -1);
	assert_int_equal(e.code, EBUSY);
	assert_int_equal(calls, 1);
	assert_int_equal(unit_count_entries(dir), 1);

	/* a file the store did not write: refused before the check runs (it
	 * may give back what the container holds), nothing removed */
	unit_write(foreign, "x", 1);
	unit_write(stale, "{", 1);
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), -1);
	assert_err(e, ENOTEMPTY, "notes.txt");
	assert_int_equal(calls, 1);
	assert_int_equal(unit_count_entries(dir), 3);
	assert_int_equal(unlink(foreign), 0);

	/* state, temp file, the lock of older versions and the directory
	 * go; the root stays */
	{
		char *old_lock = unit_join(dir, ".lock");

		unit_write(old_lock, "", 0);
		free(old_lock);
	}
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), 0);
	assert_int_equal(calls, 2);
	assert_false(unit_exists(dir));
	assert_true(unit_exists(f->root));

	/* a corrupt hook.json: the check gets no document, and it all goes */
	assert_int_equal(mkdir(dir, 0700), 0);
	unit_write(corrupt, "{\"deviceToAdd\": [", 16);
	assert_int_equal(store_forget(f->root, "c1", allow_unreadable, &calls, &e), 0);
	assert_int_equal(calls, 3);
	assert_false(unit_exists(dir));

	/* nothing saved: ENOENT, the check is not run */
	calls = 0;
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), -1);
	assert_int_equal(e.code, ENOENT);
	assert_int_equal(calls, 0);
	/* ids are checked before any path is made of them */
	assert_int_equal(store_forget(f->root, "../c1", NULL, NULL, &e), -1);
	assert_int_equal(e.code, EINVAL);
	free(corrupt);
	free(stale);
	free(foreign);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(read_unknown),
		STORE_TEST(create_and_save),
		STORE_TEST(devices_round_trip),
		STORE_TEST(binds_round_trip),
		STORE_TEST(unknown_keys_survive),
		UNIT_TEST(validate_good),
		UNIT_TEST(validate_bad),
		STORE_TEST(corrupt_file),
		STORE_TEST(empty_file),
		STORE_TEST(invalid_ids),
		STORE_TEST(create_error_not_stale),
		STORE_TEST(empty_removes),
		STORE_TEST(lock_blocks),
		STORE_TEST(lock_per_container),
		UNIT_TEST(root_choice),
		STORE_TEST(forget),
	};

	return cmocka_run_group_tests_name("test_store", tests, NULL, NULL);
}
