/* The runtime record: written, read back, refused when corrupt or when
 * its id could not name a file. */
#include "unit.h"

#include "record.h"

/* ---- the runtime record ---- */

static void record_round_trip(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *rundir = unit_join(tmp, "run/nested");
	char *base[] = { "a *:* rwm", "c 1:3 rwm" };
	struct record r = {
		.id = "c1", .pid = 4242, .bundle = "/run/b/c1", .rootfs = "/run/b/c1/rootfs",
		.mntns_dev = 4, .mntns_ino = 4026532000ull, .devices_cgroup = "/sys/fs/cgroup/devices/c1",
		.baseline = base, .n_baseline = 2,
	};
	struct record got;
	struct err e = { 0 };
	char *dir = unit_join(rundir, "c1");
	char *file = unit_join(dir, RECORD_FILE);
	struct stat st;

	assert_int_equal(record_write(rundir, &r, &e), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	assert_int_equal(record_read(rundir, "c1", &got, &e), 0);
	assert_string_equal(got.id, "c1");
	assert_int_equal(got.pid, 4242);
	assert_string_equal(got.bundle, r.bundle);
	assert_string_equal(got.rootfs, r.rootfs);
	assert_true(got.mntns_dev == 4);
	assert_true(got.mntns_ino == 4026532000ull);
	assert_string_equal(got.devices_cgroup, r.devices_cgroup);
	assert_int_equal(got.n_baseline, 2);
	assert_string_equal(got.baseline[0], "a *:* rwm");
	assert_string_equal(got.baseline[1], "c 1:3 rwm");
	record_free(&got);
	assert_null(got.id);

	/* rewritten: no cgroup, no baseline */
	r.devices_cgroup = NULL;
	r.n_baseline = 0;
	r.pid = 7;
	assert_int_equal(record_write(rundir, &r, &e), 0);
	assert_int_equal(record_read(rundir, "c1", &got, &e), 0);
	assert_int_equal(got.pid, 7);
	assert_null(got.devices_cgroup);
	assert_int_equal(got.n_baseline, 0);
	record_free(&got);
	assert_int_equal(unit_count_entries(dir), 1);

	/* gone after remove; removing twice is fine */
	assert_int_equal(record_remove(rundir, "c1", &e), 0);
	assert_false(unit_exists(dir));
	assert_int_equal(record_remove(rundir, "c1", &e), 0);
	assert_int_equal(record_read(rundir, "c1", &got, &e), -1);
	assert_err_code(e, ENOENT);
	assert_null(got.id);

	free(file);
	free(dir);
	free(rundir);
}

static void record_bad_ids(void **state)
{
	static const char *const bad[] = { "", "..", "../x", "a/b", ".x", UNIT_ID129 };
	char *tmp = unit_fixture_top(state);
	char *rundir = unit_join(tmp, "run");
	struct record r = {
		.pid = 1, .bundle = "/b", .rootfs = "/b/rootfs", .mntns_dev = 1, .mntns_ino = 2,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct record got;
		struct err e = { 0 };

		unit_case("bad id #%zu", i);
		assert_int_equal(record_read(rundir, bad[i], &got, &e), -1);
		assert_int_equal(e.code, EINVAL);
		assert_int_equal(record_remove(rundir, bad[i], &e), -1);
		assert_int_equal(e.code, EINVAL);
		r.id = (char *)bad[i];
		assert_int_equal(record_write(rundir, &r, &e), -1);
		assert_err_code(e, EINVAL);
	}
	unit_case_done();
	/* nothing written, neither in the run dir nor beside it */
	assert_int_equal(unit_count_entries(tmp), 0);
	free(rundir);
}

static void record_corrupt_file(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *dir = unit_join(tmp, "c1");
	char *file = unit_join(dir, RECORD_FILE);
	struct record got;
	struct err e = { 0 };

	assert_int_equal(mkdir(dir, 0700), 0);
	unit_write(file, "{\"id\":\"c1\"", 10);
	assert_int_equal(record_read(tmp, "c1", &got, &e), -1);
	assert_err(e, EINVAL, file);
	assert_null(got.id);
	free(file);
	free(dir);
}

static void record_parse_good(void **state)
{
	static const char text[] =
		"{\"id\":\"c1\",\"pid\":12,\"bundle\":\"/b\",\"rootfs\":\"/b/r\","
		"\"mntnsDev\":3,\"mntnsIno\":4026531840,\"extra\":true}";
	struct record r;
	struct err e = { 0 };

	assert_int_equal(record_parse(text, strlen(text), &r, &e), 0);
	assert_string_equal(r.id, "c1");
	assert_int_equal(r.pid, 12);
	assert_string_equal(r.bundle, "/b");
	assert_string_equal(r.rootfs, "/b/r");
	assert_true(r.mntns_dev == 3);
	assert_true(r.mntns_ino == 4026531840ull);
	assert_null(r.devices_cgroup);
	assert_int_equal(r.n_baseline, 0);
	record_free(&r);
}

#define REC(extra) "{\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\"" extra "}"
#define NS ",\"mntnsDev\":3,\"mntnsIno\":9"

static void record_parse_bad(void **state)
{
	static const struct {
		const char *what, *text;
	} t[] = {
		{ "not JSON", "record" },
		{ "truncated", REC(",\"pid\":1" NS ",\"deviceBaseline\":[\"a") },
		{ "an array", "[]" },
		{ "no id", "{\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\"" NS "}" },
		{ "id a number", "{\"id\":1,\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\"" NS "}" },
		{ "id ../x", "{\"id\":\"../x\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\"" NS "}" },
		{ "no bundle", "{\"id\":\"c1\",\"pid\":1,\"rootfs\":\"/r\"" NS "}" },
		{ "no rootfs", "{\"id\":\"c1\",\"pid\":1,\"bundle\":\"/b\"" NS "}" },
		{ "rootfs a number", "{\"id\":\"c1\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":2" NS "}" },
		{ "devicesCgroup a number", REC(",\"pid\":1" NS ",\"devicesCgroup\":5") },
		{ "no pid", REC(NS) },
		{ "pid 0", REC(",\"pid\":0" NS) },
		{ "pid negative", REC(",\"pid\":-3" NS) },
		{ "pid too large", REC(",\"pid\":4194305" NS) },
		{ "pid a string", REC(",\"pid\":\"12\"" NS) },
		{ "no mntnsDev", REC(",\"pid\":1,\"mntnsIno\":9") },
		{ "no mntnsIno", REC(",\"pid\":1,\"mntnsDev\":3") },
		{ "mntnsIno negative", REC(",\"pid\":1,\"mntnsDev\":3,\"mntnsIno\":-9") },
		{ "deviceBaseline not an array", REC(",\"pid\":1" NS ",\"deviceBaseline\":\"a\"") },
		{ "deviceBaseline with a number", REC(",\"pid\":1" NS ",\"deviceBaseline\":[\"a *:* rwm\",1]") },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct record r;
		struct err e = { 0 };

		unit_case("%s", t[i].what);
		memset(&r, 0xa5, sizeof(r));
		assert_int_equal(record_parse(t[i].text, strlen(t[i].text), &r, &e), -1);
		assert_err_code(e, EINVAL);
		assert_null(r.id);
		assert_null(r.bundle);
		assert_null(r.rootfs);
		assert_null(r.devices_cgroup);
		assert_null(r.baseline);
		assert_int_equal(r.n_baseline, 0);
	}
	unit_case_done();
}

static void record_dir_env(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", "/tmp/elsewhere");
	assert_string_equal(record_dir(), "/tmp/elsewhere");
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", "");
	assert_string_equal(record_dir(), RECORD_DIR_DEFAULT);
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	assert_string_equal(record_dir(), RECORD_DIR_DEFAULT);
}

/* The hook writes to record_dir(): the env var steers it into a temp dir. */
static void record_via_env(void **state)
{
	char *tmp = unit_fixture_top(state);
	struct record r = {
		.id = "env1", .pid = 9, .bundle = "/b", .rootfs = "/b/r", .mntns_dev = 1, .mntns_ino = 2,
	};
	struct record got;
	struct err e = { 0 };
	char *dir = unit_join(tmp, "env1");

	unit_env("SYSCONTAINER_HOOKS_RUNDIR", tmp);
	assert_int_equal(record_write(record_dir(), &r, &e), 0);
	assert_true(unit_exists(dir));
	assert_int_equal(record_read(record_dir(), "env1", &got, &e), 0);
	assert_int_equal(got.pid, 9);
	record_free(&got);
	assert_int_equal(record_remove(record_dir(), "env1", &e), 0);
	assert_false(unit_exists(dir));
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	free(dir);
}

UNIT_MAIN("test_record",
	  UNIT_TEST_DIR(record_round_trip),
	  UNIT_TEST_DIR(record_bad_ids),
	  UNIT_TEST_DIR(record_corrupt_file),
	  UNIT_TEST(record_parse_good),
	  UNIT_TEST(record_parse_bad),
	  UNIT_TEST(record_dir_env),
	  UNIT_TEST_DIR(record_via_env))
