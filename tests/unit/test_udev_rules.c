/* The udev rules file of partition following, and partition naming. */
#include "unit.h"

#include "partition.h"
#include "udev_rules.h"

static char dir[] = "/tmp/sch-unit-udev-XXXXXX";
static char path[128];

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/99-test.rules", dir);
	setenv("SYSCONTAINER_HOOKS_UDEV_RULES", path, 1);
	setenv("SYSCONTAINER_TOOLS_BIN", "/usr/bin/syscontainer-tools", 1);
	return 0;
}

static int teardown(void **state)
{
	char lock[160];

	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(path);
	unlink(lock);
	rmdir(dir);
	return 0;
}

static char *slurp(void)
{
	size_t len;

	return unit_read(path, &len);
}

static void format_parse(void **state)
{
	struct udev_rule r = { "c1", "sdb", "/dev/data" }, *got = NULL;
	char *text = udev_rule_format(&r, "/usr/bin/syscontainer-tools");
	struct err e = { 0 };
	size_t n;

	assert_non_null(strstr(text, "KERNELS==\"sdb\""));
	assert_null(strstr(text, "KERNEL==\"sdb*\""));
	assert_non_null(strstr(text, "ENV{DEVTYPE}==\"partition\""));
	assert_non_null(strstr(text, "ACTION==\"add|remove\""));
	assert_non_null(strstr(text, "RUN+=\"/usr/bin/syscontainer-tools udev-partition "
				     "$env{ACTION} c1 $kernel sdb /dev/data\""));
	assert_int_equal(udev_rules_parse(text, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].id, "c1");
	assert_string_equal(got[0].disk, "sdb");
	assert_string_equal(got[0].ctr_disk, "/dev/data");
	free(got);
	free(text);
}

static void parse_bad(void **state)
{
	static const char *bad[] = {
		"# syscontainer-tools container=c1 disk=sdb\n",
		"# syscontainer-tools container=../x disk=sdb ctr=/dev/x\n",
		"# syscontainer-tools container=c1 disk=sd\"b ctr=/dev/x\n",
		"# syscontainer-tools container=c1 disk=sdb ctr=dev/x\n",
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
	struct udev_rule a = { "c1", "sdb", "/dev/data" }, b = { "c2", "sdb", "/dev/data" };
	struct udev_rule c = { "c1", "sdc", "/dev/other" }, renamed = { "c1", "sdd", "/dev/data" };
	struct err e = { 0 };
	size_t removed;
	char *text;

	unit_write(path, "# kept\n", 7);
	assert_int_equal(udev_rules_add(&a, &e), 0);
	assert_int_equal(udev_rules_add(&a, &e), 0);            /* no duplicate */
	assert_int_equal(udev_rules_add(&b, &e), 0);
	assert_int_equal(udev_rules_add(&c, &e), 0);
	assert_int_equal(udev_rules_add(&renamed, &e), 0);      /* disk renamed: replaced */
	text = slurp();
	assert_non_null(strstr(text, "# kept\n"));
	assert_null(strstr(text, "KERNELS==\"sdb\", RUN+=\"/usr/bin/syscontainer-tools udev-partition $env{ACTION} c1 "));
	assert_non_null(strstr(text, "KERNELS==\"sdd\""));
	free(text);
	assert_int_equal(udev_rules_remove("c1", "/dev/data", &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(udev_rules_remove("c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 1);                           /* /dev/other */
	assert_int_equal(udev_rules_remove("c1", NULL, &removed, &e), 0);
	assert_int_equal(removed, 0);
	text = slurp();
	assert_non_null(strstr(text, "container=c2 "));
	assert_null(strstr(text, "container=c1 "));
	assert_non_null(strstr(text, "# kept\n"));
	free(text);
}

static void refuse_unsafe(void **state)
{
	struct udev_rule q = { "c1", "sdb", "/dev/da ta" }, k = { "c1", "sd\"b", "/dev/x" };
	struct err e = { 0 };
	char *before = slurp(), *after;

	assert_int_equal(udev_rules_add(&q, &e), -1);
	assert_err_line(e);
	assert_int_equal(udev_rules_add(&k, &e), -1);
	after = slurp();
	assert_string_equal(before, after);                     /* nothing written */
	free(before);
	free(after);
}

static void kernel_names(void **state)
{
	static const char *const good[] = { "sdb", "loop0p1", "nvme0n1p2", "dm-3", "md_0.1" };
	static const char *const bad[] = {
		"", "sd b", "sd\"b", "sd/b", "sdb*", "$kernel", "sdb\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unit_case("good %s", good[i]);
		assert_true(udev_kernel_name_ok(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unit_case("bad '%s'", bad[i]);
		assert_false(udev_kernel_name_ok(bad[i]));
	}
	/* 63 characters is the longest that fits a rule */
	assert_true(udev_kernel_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	unit_case_done();
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
		cmocka_unit_test_teardown(parse_bad, unit_case_teardown),
		cmocka_unit_test(add_remove),
		cmocka_unit_test(refuse_unsafe),
		cmocka_unit_test_teardown(kernel_names, unit_case_teardown),
		cmocka_unit_test(partition_names),
	};

	return cmocka_run_group_tests_name("test_udev_rules", tests, setup, teardown);
}
