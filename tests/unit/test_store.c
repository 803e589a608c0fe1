/* The per-container state file <root>/<id>/hook.json. */
#include "unit.h"
#include "util.h"
#include "unit_store.h"

#include <signal.h>

#include <poll.h>
#include <sys/wait.h>

#include "json.h"
#include "store.h"

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
	_cleanup_free_ char *path = hook_json(f, "c1");
	_cleanup_free_ char *dir = unit_join(f->root, "c1");
	cJSON *doc = NULL;
	struct store s;
	struct err e = { 0 };
	struct stat st;
	size_t len = 0;
	_cleanup_free_ char *text;

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
	_cleanup_free_ char *dir = unit_join(f->root, "c1");
	_cleanup_free_ char *path = hook_json(f, "c1");
	cJSON *doc = NULL, *want = NULL;
	struct path_spec p;
	struct store s;
	struct err e = { 0 };
	size_t len = 0;
	_cleanup_free_ char *text;

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
}

static void empty_file(void **state)
{
	struct unit_fixture *f = *state;
	_cleanup_free_ char *dir = unit_join(f->root, "c1");
	_cleanup_free_ char *path = hook_json(f, "c1");
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
	_cleanup_free_ char *foreign = unit_join(dir, "notes.txt");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(read_unknown),
		STORE_TEST(create_and_save),
		STORE_TEST(devices_round_trip),
		STORE_TEST(binds_round_trip),
		STORE_TEST(unknown_keys_survive),
		STORE_TEST(empty_file),
		STORE_TEST(invalid_ids),
		STORE_TEST(create_error_not_stale),
		STORE_TEST(empty_removes),
	};

	return cmocka_run_group_tests_name("test_store", tests, NULL, NULL);
}
