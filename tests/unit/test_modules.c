/* KERNEL_MODULES names and the allow-list. */
#include "unit.h"

#include "cgroup.h"
#include "modules.h"
#include "util.h"

static void names(void **state)
{
	static const char *const good[] = { "a", "nf_conntrack", "dm-crypt", "x86_pkg_temp_thermal" };
	static const char *const bad[] = { "", "a b", "a;b", "../x", "a/b", "mod\n", "m.o",
		"0123456789012345678901234567890123456789012345678901234567890123456789" };

	unit_assert_accepts(module_name_valid, good, bad);
}

static void from_env(void **state)
{
	char *env[] = { "PATH=/bin", "KERNEL_MODULESX=zz", "KERNEL_MODULES=a,,b-c",
			"KERNEL_MODULES=second" };
	char *bad[] = { "KERNEL_MODULES=ok,bad;rm" };
	char **n = NULL;
	size_t k = 0;
	struct err e = { 0 };

	assert_int_equal(modules_from_env(env, 4, &n, &k, &e), 0);
	assert_int_equal(k, 2);                 /* the first entry only, empties skipped */
	assert_string_equal(n[0], "a");
	assert_string_equal(n[1], "b-c");
	str_list_free(n, k);
	assert_int_equal(modules_from_env(env, 2, &n, &k, &e), 0);
	assert_int_equal(k, 0);
	assert_int_equal(modules_from_env(bad, 1, &n, &k, &e), -1);
	assert_null(n);
	assert_err_line(e);
	assert_err_mentions(e, "bad;rm");
}

static void allow_list(void **state)
{
	char **allow = NULL, *want[] = { "dm_crypt", "loop" }, *no[] = { "dm_crypt", "vfat" };
	size_t n = 0;
	struct err e = { 0 };

	assert_int_equal(modules_allow_parse("# comment\n\n  dm-crypt  \nloop\n", &allow, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(modules_check_allowed(want, 2, allow, n, "/etc/x", &e), 0);
	assert_int_equal(modules_check_allowed(no, 2, allow, n, "/etc/x", &e), -1);
	assert_int_equal(e.code, EPERM);
	assert_err_mentions(e, "vfat");
	assert_err_mentions(e, "/etc/x");
	str_list_free(allow, n);
	assert_int_equal(modules_check_allowed(want, 1, NULL, 0, "/etc/x", &e), -1);
	assert_int_equal(modules_allow_parse("ok\nnot ok\n", &allow, &n, &e), -1);
	assert_null(allow);
	assert_err_mentions(e, "not ok");
}

/* A module the kernel has (a directory under /sys/module, as a built-in
 * module has even without /lib/modules) is present; '-' and '_' alike. */
static void present(void **state)
{
	char *tmp = unit_fixture_top(state);
	char *dir = unit_join(tmp, "dm_crypt");

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_true(module_present(tmp, "dm_crypt"));
	assert_true(module_present(tmp, "dm-crypt"));
	assert_false(module_present(tmp, "dm_cryp"));
	assert_false(module_present(tmp, "loop"));
	free(dir);
}

/* Every module present: nothing is looked up, so libkmod is not needed
 * and a kernel without /lib/modules is no error. */
static void load_present(void **state)
{
	char *names[] = { "loop" };
	bool was[1] = { false };
	struct err e = { 0 };

	if (!module_present(MODULES_SYS_DIR, "loop"))
		skip();
	assert_int_equal(modules_load(names, 1, was, &e), 0);
	assert_true(was[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(names, unit_case_teardown),
		cmocka_unit_test(from_env),
		cmocka_unit_test(allow_list),
		UNIT_TEST_DIR(present),
		cmocka_unit_test(load_present),
	};

	return cmocka_run_group_tests_name("test_modules", tests, NULL, NULL);
}
