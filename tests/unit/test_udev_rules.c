/* The udev rules file of partition following, and partition naming. */
#include "unit.h"

#include "partition.h"
#include "udev_rules.h"
#include "util.h"

static char dir[] = "/tmp/sch-unit-udev-XXXXXX";
static char path[128];

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/99-test.rules", dir);
	unit_env("SYSCONTAINER_HOOKS_UDEV_RULES", path);
	unit_env("SYSCONTAINER_TOOLS_BIN", "/usr/bin/syscontainer-tools");
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	rmdir(dir);
	return 0;
}

static char *slurp(void)
{
	size_t len;

	return unit_read(path, &len);
}

/* A rule of container @id for disk @disk at @ctr, in store @root. */
static struct udev_rule rule(const char *root, const char *id, const char *disk, const char *ctr)
{
	struct udev_rule r = { 0 };
	struct err e = { 0 };

	assert_int_equal(udev_rule_paths(&r, root, "/run/sch", "/var/log/sch.log", &e), 0);
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.disk, sizeof(r.disk), "%s", disk);
	snprintf(r.ctr_disk, sizeof(r.ctr_disk), "%s", ctr);
	return r;
}

static void format_parse(void **state)
{
	struct udev_rule r = rule("/srv/store", "c1", "sdb", "/dev/data"), *got = NULL;
	char *text = udev_rule_format(&r);
	struct err e = { 0 };
	size_t n;

	(void)state;
	assert_non_null(strstr(text, "KERNELS==\"sdb\""));
	assert_null(strstr(text, "KERNEL==\"sdb*\""));
	assert_non_null(strstr(text, "ENV{DEVTYPE}==\"partition\""));
	assert_non_null(strstr(text, "ACTION==\"add|remove\""));
	/* everything the command needs to find the state, not udevd's env */
	assert_non_null(strstr(text, "RUN+=\"/usr/bin/syscontainer-tools --root /srv/store "
				     "--log /var/log/sch.log udev-partition --rundir /run/sch "
				     "$env{ACTION} c1 $kernel sdb /dev/data\""));
	assert_int_equal(udev_rules_parse(text, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].id, "c1");
	assert_string_equal(got[0].disk, "sdb");
	assert_string_equal(got[0].ctr_disk, "/dev/data");
	assert_string_equal(got[0].root, "/srv/store");
	assert_string_equal(got[0].rundir, "/run/sch");
	assert_string_equal(got[0].log, "/var/log/sch.log");
	assert_string_equal(got[0].tool, "/usr/bin/syscontainer-tools");
	free(got);
	free(text);
}

/* Rules written before the store was kept in them still parse; they
 * belong to the default store. */
static void old_rules(void **state)
{
	const char *old = "# syscontainer-tools container=c1 disk=sdb ctr=/dev/data\n"
			  "SUBSYSTEM==\"block\", RUN+=\"x\"\n";
	struct err e = { 0 };
	size_t removed;
	char *text;

	(void)state;
	unit_write(path, old, strlen(old));
	assert_int_equal(udev_rules_remove("/srv/other", "c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(udev_rules_remove("/var/lib/syscontainer-hooks", "c1", NULL, &removed,
					   &e), 0);
	assert_int_equal(removed, 1);
	/* nothing left: no empty file stays among the rules */
	assert_int_equal(access(path, F_OK), -1);
	text = udev_rules_lock_path(path);
	assert_int_equal(access(text, F_OK), -1);       /* nor a lock file */
	assert_true(strncmp(text, "/run/lock/", 10) == 0);
	free(text);
}

static void parse_bad(void **state)
{
	static const char *bad[] = {
		"# syscontainer-tools container=c1 disk=sdb\n",
		"# syscontainer-tools container=../x disk=sdb ctr=/dev/x\n",
		"# syscontainer-tools container=c1 disk=sd\"b ctr=/dev/x\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=dev/x\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x root=/a\"b\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x root=/a$kernel\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x log=/a%k\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x rundir=relative\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x tool=/a'b\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x root=/a root=/b\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x bogus=/a\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=/dev/x root\n",
	};
	struct udev_rule *got = NULL;
	struct err e = { 0 };
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unit_case("%s", bad[i]);
		assert_int_equal(udev_rules_parse(bad[i], &got, &n, &e), -1);
		assert_null(got);
		assert_err_line(e);
	}
	unit_case_done();
	/* lines that are not ours are no error */
	assert_int_equal(udev_rules_parse("# a comment\nKERNEL==\"x\", RUN+=\"y\"\n", &got, &n, &e), 0);
	assert_int_equal(n, 0);
	free(got);
}

static void add_remove(void **state)
{
	struct udev_rule a = rule("/s", "c1", "sdb", "/dev/data");
	struct udev_rule b = rule("/s", "c2", "sdb", "/dev/data");
	struct udev_rule c = rule("/s", "c1", "sdc", "/dev/other");
	struct udev_rule renamed = rule("/s", "c1", "sdd", "/dev/data");
	struct udev_rule other_store = rule("/t", "c1", "sde", "/dev/data");
	struct err e = { 0 };
	size_t removed;
	char *text, *lock = udev_rules_lock_path(path);

	(void)state;
	unit_write(path, "# kept\n", 7);
	assert_int_equal(udev_rules_add(&a, &e), 0);
	assert_int_equal(udev_rules_add(&a, &e), 0);            /* no duplicate */
	assert_int_equal(udev_rules_add(&b, &e), 0);
	assert_int_equal(udev_rules_add(&c, &e), 0);
	assert_int_equal(udev_rules_add(&renamed, &e), 0);      /* disk renamed: replaced */
	assert_int_equal(udev_rules_add(&other_store, &e), 0);  /* same id, another store */
	assert_int_equal(access(lock, F_OK), -1);               /* no lock file left */
	text = slurp();
	assert_non_null(strstr(text, "# kept\n"));
	assert_null(strstr(text, "$env{ACTION} c1 $kernel sdb "));
	assert_non_null(strstr(text, "$env{ACTION} c2 $kernel sdb "));
	assert_non_null(strstr(text, "KERNELS==\"sdd\""));
	assert_non_null(strstr(text, "KERNELS==\"sde\""));
	free(text);
	assert_int_equal(udev_rules_remove("/s", "c1", "/dev/data", &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(udev_rules_remove("/s", "c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 1);                           /* /dev/other */
	assert_int_equal(udev_rules_remove("/s", "c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 0);
	text = slurp();
	assert_non_null(strstr(text, "container=c2 "));
	assert_non_null(strstr(text, "container=c1 disk=sde "));  /* the other store's */
	assert_non_null(strstr(text, "# kept\n"));
	free(text);
	assert_int_equal(udev_rules_remove("/t", "c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(udev_rules_remove("/s", "c2", NULL, &removed, &e), 0);
	text = slurp();
	assert_string_equal(text, "# kept\n");                  /* not ours: stays */
	free(text);
	free(lock);
}

static void refuse_unsafe(void **state)
{
	static const char *const roots[] = {
		"/a b", "/a\"b", "/a$kernel", "/a%k", "/a'b", "/a\\b", "/a\nb", "/a;b", "/a=b",
	};
	struct udev_rule q = rule("/s", "c1", "sdb", "/dev/da ta");
	struct udev_rule k = rule("/s", "c1", "sd\"b", "/dev/x");
	struct udev_rule r = { 0 };
	struct err e = { 0 };
	char *before = slurp(), *after;

	(void)state;
	assert_int_equal(udev_rules_add(&q, &e), -1);
	assert_err_line(e);
	assert_int_equal(udev_rules_add(&k, &e), -1);
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		unit_case("root '%s'", roots[i]);
		assert_int_equal(udev_rule_paths(&r, roots[i], "/run/x", NULL, &e), -1);
		assert_err_line(e);
		assert_int_equal(udev_rule_paths(&r, "/s", roots[i], NULL, &e), -1);
		assert_int_equal(udev_rule_paths(&r, "/s", "/run/x", roots[i], &e), -1);
	}
	unit_case_done();
	after = slurp();
	assert_string_equal(before, after);                     /* nothing written */
	free(before);
	free(after);
}

/* udevd runs the rule from /: relative paths are made absolute; "-" and
 * "." (stderr) and no log all mean syslog there. */
static void relative_paths(void **state)
{
	struct udev_rule r = { 0 };
	struct err e = { 0 };
	char cwd[4096], want[4200];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(udev_rule_paths(&r, "no-such-store/x", "/run/x/../y", "-", &e), 0);
	snprintf(want, sizeof(want), "%s/no-such-store/x", cwd);
	assert_string_equal(r.root, want);
	assert_string_equal(r.rundir, "/run/y");
	assert_string_equal(r.log, "");
	assert_int_equal(udev_rule_paths(&r, "/s", "/r", ".", &e), 0);
	assert_string_equal(r.log, "");
}

static void derived_partitions(void **state)
{
	struct saved_device disk = { 'b', 7, 0, "/dev/disk/by-id/x", "/dev/data", "rw", "", true, { 0 } };
	const struct partition parts[] = { { "loop5p1", 259, 3 }, { "loop5p2", 259, 4 } };
	struct saved_device *d = partition_devices(&disk, "loop5", parts, 2);

	(void)state;
	assert_string_equal(d[0].host, "/dev/loop5p1");
	assert_string_equal(d[0].ctr, "/dev/datap1");
	assert_int_equal(d[0].major, 259);
	assert_int_equal(d[0].minor, 3);
	assert_string_equal(d[0].parent, "/dev/disk/by-id/x");
	assert_string_equal(d[0].perms, "rw");
	assert_int_equal(d[0].type, 'b');
	assert_false(d[0].follow);
	assert_string_equal(d[1].ctr, "/dev/datap2");
	saved_devices_free(d, 2);
	/* a partition not named after its disk keeps its whole name */
	d = partition_devices(&disk, "md0", parts, 1);
	assert_string_equal(d[0].ctr, "/dev/data-loop5p1");
	saved_devices_free(d, 1);
}

static void kernel_names(void **state)
{
	static const char *const good[] = { "sdb", "loop0p1", "nvme0n1p2", "dm-3", "md_0.1" };
	static const char *const bad[] = {
		"", "sd b", "sd\"b", "sd/b", "sdb*", "$kernel", "sdb\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
	};

	(void)state;
	unit_assert_accepts(udev_kernel_name_ok, good, bad);
	/* 63 characters is the longest that fits a rule */
	assert_true(udev_kernel_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void partition_names(void **state)
{
	char *p;

	p = partition_ctr_path("sdb", "sdb1", "/dev/sdx");
	assert_string_equal(p, "/dev/sdx1");
	free(p);
	p = partition_ctr_path("sdb", "sdb10", "/dev/sdx");
	assert_string_equal(p, "/dev/sdx10");
	free(p);
	p = partition_ctr_path("nvme0n1", "nvme0n1p2", "/dev/data");
	assert_string_equal(p, "/dev/datap2");
	free(p);
	assert_null(partition_ctr_path("sdb", "sdc1", "/dev/sdx"));
	assert_null(partition_ctr_path("sdb", "sdb", "/dev/sdx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_parse),
		cmocka_unit_test(old_rules),
		cmocka_unit_test_teardown(parse_bad, unit_case_teardown),
		cmocka_unit_test(add_remove),
		cmocka_unit_test_teardown(refuse_unsafe, unit_case_teardown),
		cmocka_unit_test(relative_paths),
		cmocka_unit_test(derived_partitions),
		cmocka_unit_test_teardown(kernel_names, unit_case_teardown),
		cmocka_unit_test(partition_names),
	};

	return cmocka_run_group_tests_name("test_udev_rules", tests, setup, teardown);
}
