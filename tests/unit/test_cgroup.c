/* Cgroup v1 parsers: /proc/<pid>/cgroup, mountinfo, devices.list. */
#include "unit.h"

#include "cgroup.h"

/* ---- cgroup_proc_path ---- */

static const char proc_v1[] =
	"12:pids:/docker/abc\n"
	"11:devices:/docker/abc\n"
	"10:cpu,cpuacct:/docker/cpu\n"
	"9:net_cls,net_prio:/n\n"
	"8:blkio:/docker/abc\n"
	"1:name=systemd:/docker/sys\n"
	"0::/docker/v2\n";

/* want NULL: not found (ENOENT) */
static void proc_path(void **state)
{
	static const struct {
		const char *what, *text, *controller, *want;
	} t[] = {
		{ "devices", proc_v1, "devices", "/docker/abc" },
		{ "first of a combined list", proc_v1, "cpu", "/docker/cpu" },
		{ "second of a combined list", proc_v1, "cpuacct", "/docker/cpu" },
		{ "net_prio", proc_v1, "net_prio", "/n" },
		{ "named hierarchy", proc_v1, "name=systemd", "/docker/sys" },
		{ "no final newline", "4:devices:/x/y", "devices", "/x/y" },
		{ "a colon in the path", "4:devices:/a:b\n", "devices", "/a:b" },
		{ "root cgroup", "4:devices:/\n", "devices", "/" },
		{ "v2 line first", "0::/v2\n4:devices:/v1\n", "devices", "/v1" },
		{ "junk lines skipped", "junk\n\n:\n4:devices:/ok\n", "devices", "/ok" },
		{ "v2 only: 0::/x never matches", "0::/x\n", "devices", NULL },
		{ "v2 only, empty controller name", "0::/x\n", "", NULL },
		{ "not in the list", proc_v1, "memory", NULL },
		{ "prefix of a controller", proc_v1, "device", NULL },
		{ "longer than a controller", proc_v1, "devicesx", NULL },
		{ "part of a combined name", proc_v1, "cpu,cpuacct", NULL },
		{ "path not absolute", "4:devices:x\n", "devices", NULL },
		{ "empty text", "", "devices", NULL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err e = { 0 };
		char *path = NULL;

		unit_case("%s", t[i].what);
		assert_int_equal(cgroup_proc_path(t[i].text, t[i].controller, &path, &e),
				 t[i].want ? 0 : -1);
		assert_str_or_null(path, t[i].want);
		if (!t[i].want)
			assert_err_code(e, ENOENT);
		free(path);
	}
	unit_case_done();
}

/* ---- cgroup_mount_of ---- */

static const char mountinfo[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
	"23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
	"26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:9 - "
	"cgroup2 cgroup2 rw,nsdelegate\n"
	"27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - "
	"cgroup cgroup rw,xattr,name=systemd\n"
	"28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - "
	"cgroup cgroup rw,cpu,cpuacct\n"
	"29 25 0:27 /docker/abc /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime "
	"shared:5 master:1 - cgroup cgroup rw,devices\n"
	"30 25 0:28 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"31 25 0:29 / /sys/fs/cgroup/cpuset rw,relatime shared:14 - cgroup blkio rw,cpuset\n"
	"32 22 0:30 / /run rw,nosuid,nodev shared:15 propagate_from:1 unbindable - tmpfs "
	"tmpfs rw,size=1024k\n";

static void mount_of(void **state)
{
	static const struct {
		const char *what, *controller, *mnt, *root;
	} t[] = {
		{ "optional fields before -", "devices", "/sys/fs/cgroup/devices", "/docker/abc" },
		{ "combined, first", "cpu", "/sys/fs/cgroup/cpu,cpuacct", "/" },
		{ "combined, second", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/" },
		{ "no optional fields", "pids", "/sys/fs/cgroup/pids", "/" },
		{ "source names another controller", "cpuset", "/sys/fs/cgroup/cpuset", "/" },
		{ "named hierarchy", "name=systemd", "/sys/fs/cgroup/systemd", "/" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err e = { 0 };
		char *mnt = NULL, *root = NULL;

		unit_case("%s", t[i].what);
		assert_int_equal(cgroup_mount_of(mountinfo, t[i].controller, &mnt, &root, &e), 0);
		assert_string_equal(mnt, t[i].mnt);
		assert_string_equal(root, t[i].root);
		free(mnt);
		free(root);
	}
	unit_case_done();
}

static void mount_of_missing(void **state)
{
	static const char v2_only[] =
		"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - "
		"cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
	static const char short_lines[] =
		"29 25 0:27 / /sys/fs/cgroup/devices - cgroup cgroup rw,devices\n"
		"29 25 0:27 / /sys/fs/cgroup/devices rw - cgroup cgroup\n"
		"29 25 0:27 / /sys/fs/cgroup/devices rw shared:5 cgroup cgroup rw,devices\n";
	static const struct {
		const char *what, *text, *controller;
	} t[] = {
		{ "cgroup v2 only", v2_only, "devices" },
		{ "not mounted", mountinfo, "memory" },
		{ "only the source says blkio", mountinfo, "blkio" },
		{ "not a whole word", mountinfo, "device" },
		{ "tmpfs options are no controllers", mountinfo, "mode=755" },
		{ "lines too short or without -", short_lines, "devices" },
		{ "empty", "", "devices" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err e = { 0 };
		char *mnt = NULL, *root = NULL;

		unit_case("%s", t[i].what);
		assert_int_equal(cgroup_mount_of(t[i].text, t[i].controller, &mnt, &root, &e), -1);
		assert_err_code(e, ENOENT);
		assert_null(mnt);
		assert_null(root);
	}
	unit_case_done();
}

/* ---- cgroup_device_rule ---- */

static void device_rule(void **state)
{
	static const struct {
		char type;
		int64_t major, minor;
		const char *perms, *want;
	} t[] = {
		{ 'b', 7, 0, "rwm", "b 7:0 rwm" },
		{ 'c', 1, 5, "r", "c 1:5 r" },
		{ 'c', 136, 1048575, "wm", "c 136:1048575 wm" },
		{ 'b', 259, 3, "m", "b 259:3 m" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *r = cgroup_device_rule(t[i].type, t[i].major, t[i].minor, t[i].perms);

		assert_string_equal(r, t[i].want);
		free(r);
	}
}

/* ---- cgroup_list_access ---- */

static void list_access(void **state)
{
	static char *const list[] = {
		"c 1:3 rwm",
		"c 1:5 r",
		"b 7:* r",
		"b *:* m",
		"c 136:* rw",
		"c 10:200 w",
	};
	static char *const allow_all[] = { "a *:* rwm" };
	static char *const chars_only[] = { "c *:* rwm" };
	static char *const junk[] = {
		"", "garbage", "b 8:0", "b 8:0rwm", "b8:0 rwm", "x 8:0 rwm", "b 8: rwm",
		"b :0 rwm", "b 8x:0 rwm", "b 8:0x rwm", "b 8:0 rw", "b  8:0 r",
	};
	static const struct {
		const char *what;
		char *const *lines;
		size_t n;
		char type;
		int64_t major, minor;
		unsigned want;
	} t[] = {
		{ "exact, all", list, 6, 'c', 1, 3, 7 },
		{ "exact, r", list, 6, 'c', 1, 5, 1 },
		{ "no entry", list, 6, 'c', 1, 7, 0 },
		{ "minor wildcard plus b *:* m", list, 6, 'b', 7, 0, 1 | 4 },
		{ "b *:* m alone", list, 6, 'b', 8, 0, 4 },
		{ "minor wildcard", list, 6, 'c', 136, 4, 3 },
		{ "type must match: no c *:*", list, 6, 'c', 8, 0, 0 },
		{ "type must match: no b 1:3", list, 6, 'b', 1, 3, 4 },
		{ "a *:* rwm, block", allow_all, 1, 'b', 8, 16, 7 },
		{ "a *:* rwm, char", allow_all, 1, 'c', 4, 64, 7 },
		{ "c *:* does not cover b", chars_only, 1, 'b', 8, 0, 0 },
		{ "c *:* covers c", chars_only, 1, 'c', 8, 0, 7 },
		{ "empty list", list, 0, 'c', 1, 3, 0 },
		/* only "b 8:0 rw" and "b  8:0 r" of the junk are well-formed */
		{ "malformed lines ignored", junk, sizeof(junk) / sizeof(junk[0]), 'b', 8, 0, 3 },
		{ "malformed lines ignored, other device", junk, sizeof(junk) / sizeof(junk[0]),
		  'b', 8, 1, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unit_case("%s", t[i].what);
		assert_int_equal(cgroup_list_access(t[i].lines, t[i].n, t[i].type, t[i].major,
						    t[i].minor), t[i].want);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(proc_path),
		UNIT_TEST(mount_of),
		UNIT_TEST(mount_of_missing),
		UNIT_TEST(device_rule),
		UNIT_TEST(list_access),
	};

	return cmocka_run_group_tests_name("test_cgroup", tests, NULL, NULL);
}
