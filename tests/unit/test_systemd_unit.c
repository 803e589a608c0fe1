/* Decisions about a container's systemd unit: which unit its cgroup is
 * in, and what DeviceAllow= entries to send. */
#include "unit.h"

#include "systemd_unit.h"
#include "util.h"

static void unit_of(void **state)
{
	static const struct {
		const char *path, *id, *unit;
		enum unit_owner want;
	} t[] = {
		{ "/system.slice/sch-c1.scope", "c1", "sch-c1.scope", UNIT_OWN },
		{ "/system.slice/docker-abc.scope", "abc", "docker-abc.scope", UNIT_OWN },
		{ "/machine.slice/libpod-abc.scope/container", "abc", "libpod-abc.scope", UNIT_OWN },
		{ "/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope", "abc",
		  "cri-containerd-abc.scope", UNIT_OWN },
		{ "/system.slice/app.service", "c1", "app.service", UNIT_OWN },
		{ "/system.slice/dbus.service/sch-c1", "c1", "dbus.service", UNIT_OTHER },
		{ "/user.slice/session-2.scope/c1", "", "session-2.scope", UNIT_OTHER },
		{ "/system.slice/other.scope/c2", "c1", "other.scope", UNIT_OTHER },
		{ "/sch-e2e/c1", "c1", "", UNIT_NONE },
		{ "/", "c1", "", UNIT_NONE },
		{ "", "c1", "", UNIT_NONE },
		{ "/system.slice", "c1", "", UNIT_NONE },
		{ "/a/.scope", "c1", "", UNIT_NONE },
		{ "/docker/abc", "abc", "", UNIT_NONE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char unit[UNIT_NAME_MAX];

		unit_case("%s", t[i].path);
		assert_int_equal(systemd_unit_of(t[i].path, t[i].id, unit), t[i].want);
		assert_string_equal(unit, t[i].unit);
	}
	unit_case_done();
}

static void cgroup_path(void **state)
{
	static const char hybrid[] = "9:name=systemd:/system.slice/a.scope\n5:devices:/x\n"
				     "0::/system.slice/a.scope\n";
	static const struct {
		const char *what, *text;
		bool unified;
		const char *want;
	} t[] = {
		{ "v1: the systemd hierarchy", hybrid, false, "/system.slice/a.scope" },
		{ "v2: the cgroup2 line", "0::/system.slice/b.scope\n", true, "/system.slice/b.scope" },
		{ "v2 mounted, v1 lines ignored", "9:name=systemd:/\n0::/u/c.scope", true, "/u/c.scope" },
		{ "v1 without a systemd hierarchy", "5:devices:/x\n0::/y\n", false, NULL },
		{ "v2 without its line", "9:name=systemd:/s\n", true, NULL },
		{ "a colon in the path", "0::/a:b.scope\n", true, "/a:b.scope" },
		{ "junk", "junk\n\n:\n", true, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct err e = { 0 };
		char *path = NULL;

		unit_case("%s", t[i].what);
		assert_int_equal(systemd_cgroup_path(t[i].text, t[i].unified, &path, &e), 0);
		if (t[i].want)
			assert_string_equal(path, t[i].want);
		else
			assert_null(path);
		free(path);
	}
	unit_case_done();
}

static void device_forms(void **state)
{
	struct unit_device d;
	char path[48];
	char *s;

	unit_device_path('b', 7, 3, path);
	assert_string_equal(path, "/dev/block/7:3");
	unit_device_path('c', 4294967295LL, 1048575, path);
	assert_string_equal(path, "/dev/char/4294967295:1048575");
	assert_int_equal(unit_device_parse("/dev/block/7:3 rw", &d), 0);
	assert_string_equal(d.path, "/dev/block/7:3");
	assert_int_equal(d.bits, 3);
	s = unit_device_format(&d);
	assert_string_equal(s, "/dev/block/7:3 rw");
	free(s);
	assert_int_equal(unit_device_parse("char-pts rwm", &d), 0);
	assert_int_equal(d.bits, 7);
	assert_int_equal(unit_device_parse("nospace", &d), -1);
	assert_int_equal(unit_device_parse(" rw", &d), -1);
	assert_int_equal(unit_device_parse("/dev/x ", &d), -1);
	assert_int_equal(unit_device_parse("/dev/x rwx", &d), -1);
}

static const struct saved_device saved[] = {
	{ 'b', 7, 3, "/dev/loop3", "/dev/a", "r", "", false, { 0 } },
	{ 'b', 7, 3, "/dev/loop3", "/dev/b", "w", "", false, { 0 } },
	{ 'c', 1, 3, "/dev/null", "/dev/n", "r", "", false, { 0 } },
	{ 'b', 7, 4, "/dev/loop4", "/dev/c", "rwm", "", false, { 0 } },
};

static void wanted(void **state)
{
	static const bool present[] = { true, true, true, false };
	struct unit_device *w;
	size_t n;

	/* one entry per number, with the union of its devices */
	w = unit_devices_wanted(saved, 4, NULL, saved, 4, &n);
	assert_int_equal(n, 3);
	assert_string_equal(w[0].path, "/dev/block/7:3");
	assert_int_equal(w[0].bits, 3);
	assert_string_equal(w[1].path, "/dev/char/1:3");
	assert_int_equal(w[2].bits, 7);
	free(w);
	/* a removed device: what the others with its number still grant */
	w = unit_devices_wanted(saved + 1, 3, NULL, saved, 1, &n);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].bits, 2);
	free(w);
	/* none left: 0, the entry is to go */
	w = unit_devices_wanted(saved + 2, 2, NULL, saved, 1, &n);
	assert_int_equal(w[0].bits, 0);
	free(w);
	/* a device absent from the host grants nothing */
	w = unit_devices_wanted(saved, 4, present, saved + 3, 1, &n);
	assert_int_equal(w[0].bits, 0);
	free(w);
}

static void plan(void **state)
{
	static const struct unit_device cur[] = {
		{ "char-pts", 7 }, { "/dev/char/1:3", 7 }, { "/dev/block/7:3", 3 },
	};
	static const struct unit_device base[] = { { "char-pts", 7 }, { "/dev/char/1:3", 7 } };
	/* what is wanted (1 or 2 entries), whether the list is sent again
	 * whole, and what is sent: the entries, as "path:bits" */
	static const struct {
		const char *what;
		struct unit_device want[2];
		size_t n_want;
		bool reset;
		size_t n;
		const char *sent[2];
	} t[] = {
		{ "a new entry: sent alone", { { "/dev/block/7:4", 1 } }, 1, false, 1,
		  { "/dev/block/7:4:1" } },
		{ "already so: nothing sent", { { "/dev/block/7:3", 3 } }, 1, false, 0, { NULL } },
		{ "narrowed: sent with its new bits", { { "/dev/block/7:3", 1 } }, 1, false, 1,
		  { "/dev/block/7:3:1" } },
		{ "the runtime's own entry is never narrowed", { { "/dev/char/1:3", 1 } }, 1, false,
		  0, { NULL } },
		{ "nor taken away", { { "/dev/char/1:3", 0 } }, 1, false, 0, { NULL } },
		{ "gone: the whole list without it, the runtime's kept",
		  { { "/dev/block/7:3", 0 }, { "/dev/block/7:9", 0 } }, 2, true, 2,
		  { "char-pts:7", "/dev/char/1:3:7" } },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct unit_device *out;
		bool reset;
		size_t n;

		unit_case("%s", t[i].what);
		out = unit_devices_plan(cur, 3, base, 2, t[i].want, t[i].n_want, &reset, &n);
		assert_int_equal(reset, t[i].reset);
		assert_int_equal(n, t[i].n);
		for (size_t k = 0; k < n; k++) {
			char got[64];

			snprintf(got, sizeof(got), "%s:%u", out[k].path, out[k].bits);
			assert_string_equal(got, t[i].sent[k]);
		}
		free(out);
	}
	unit_case_done();
}

static void drift(void **state)
{
	static const struct unit_device cur[] = {
		{ "/dev/char/1:3", 7 }, { "/dev/block/7:3", 1 }, { "/dev/block/7:4", 3 },
	};
	static const struct {
		const char *what;
		struct unit_device want[2];
		size_t n_want;
		const char *drift;
	} t[] = {
		{ "granted whole: none", { { "/dev/block/7:4", 3 } }, 1, NULL },
		{ "granted more than wanted: none", { { "/dev/char/1:3", 1 } }, 1, NULL },
		{ "an entry that is to go: none", { { "/dev/block/7:9", 0 } }, 1, NULL },
		{ "missing", { { "/dev/block/7:9", 3 } }, 1, "lacks /dev/block/7:9 rw" },
		{ "narrower, and missing",
		  { { "/dev/block/7:3", 3 }, { "/dev/char/4:1", 4 } }, 2,
		  "has /dev/block/7:3 r, not rw; lacks /dev/char/4:1 m" },
		{ "other bits only", { { "/dev/block/7:4", 4 } }, 1, "has /dev/block/7:4 rw, not m" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got;

		unit_case("%s", t[i].what);
		got = unit_devices_drift(cur, 3, t[i].want, t[i].n_want);
		if (!t[i].drift)
			assert_null(got);
		else
			assert_string_equal(got, t[i].drift);
		free(got);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(unit_of),
		UNIT_TEST(cgroup_path),
		UNIT_TEST(device_forms),
		UNIT_TEST(wanted),
		UNIT_TEST(plan),
		UNIT_TEST(drift),
	};

	return cmocka_run_group_tests_name("test_systemd_unit", tests, NULL, NULL);
}
