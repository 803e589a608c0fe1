/* The SYSCONTAINER_* settings: each is read, an empty one is unset, a bad
 * one is told in one line naming the variable and is not used. */
#include "unit.h"

#include <limits.h>

#include "config.h"

static const struct {
	const char *name;
	enum config_key key;
} paths[] = {
	{ "SYSCONTAINER_HOOKS_ROOT", CONFIG_ROOT },
	{ "SYSCONTAINER_HOOKS_RUNDIR", CONFIG_RUNDIR },
	{ "SYSCONTAINER_HOOKS_UDEV_RULES", CONFIG_UDEV_RULES },
	{ "SYSCONTAINER_TOOLS_BIN", CONFIG_TOOLS_BIN },
	{ "SYSCONTAINER_HOOKS_MODULES_ALLOW", CONFIG_MODULES_ALLOW },
	{ "SYSCONTAINER_HOOKS_SELINUX_CONFIG", CONFIG_SELINUX_CONFIG },
	{ "SYSCONTAINER_HOOKS_OVSDB", CONFIG_OVSDB },
	{ "SYSCONTAINER_ENGINE_SOCKET", CONFIG_ENGINE_SOCKET },
	{ "SYSCONTAINER_RUNTIME_CONFIG", CONFIG_RUNTIME_CONFIG },
	{ "SYSCONTAINER_CDI_SPEC_DIRS", CONFIG_CDI_SPEC_DIRS },
};

static void clear_all(void)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		unsetenv(paths[i].name);
	unsetenv("SYSCONTAINER_ENGINE");
	unsetenv("SYSCONTAINER_RUNTIME");
	unsetenv("SYSCONTAINER_RUNTIME_WRAPPED");
	unsetenv("SYSCONTAINER_HOOKS_DEADLINE");
}

/* Each test starts and ends with none of the settings in the environment,
 * whether it passed or not. */
static int clean_setup(void **state)
{
	(void)state;
	clear_all();
	return 0;
}

static int clean_teardown(void **state)
{
	clear_all();
	return unit_case_teardown(state);
}

#define CONFIG_TEST(f) cmocka_unit_test_setup_teardown(f, clean_setup, clean_teardown)

/* Every path setting: read, read again after a change, empty is unset,
 * relative or too long is refused by name. */
static void path_settings(void **state)
{
	static char longpath[PATH_MAX + 2];
	struct err e = { 0 };

	memset(longpath, 'a', PATH_MAX);
	longpath[0] = '/';
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		unit_case("%s", paths[i].name);
		clear_all();
		assert_int_equal(config_load(&e), 0);
		assert_null(config_get(paths[i].key));
		setenv(paths[i].name, "/some/where", 1);
		assert_null(config_get(paths[i].key));  /* read once, at load */
		assert_int_equal(config_load(&e), 0);
		assert_string_equal(config_get(paths[i].key), "/some/where");
		setenv(paths[i].name, "", 1);
		assert_int_equal(config_load(&e), 0);
		assert_null(config_get(paths[i].key));
		setenv(paths[i].name, "relative/x", 1);
		assert_int_equal(config_load(&e), -1);
		assert_err_line(e);
		assert_err_mentions(e, paths[i].name);
		assert_err_mentions(e, "='relative/x' is not an absolute path");
		assert_null(config_get(paths[i].key));
		setenv(paths[i].name, longpath, 1);
		assert_int_equal(config_load(&e), -1);
		assert_int_equal(e.code, ENAMETOOLONG);
		assert_err_mentions(e, paths[i].name);
	}
	unit_case_done();
}

/* The sockets take their users' scheme off: ovs-vsctl's and docker's. */
static void socket_schemes(void **state)
{
	struct err e = { 0 };

	assert_int_equal(unit_env("SYSCONTAINER_HOOKS_OVSDB", "unix:/run/ovs/db.sock"), 0);
	assert_string_equal(config_get(CONFIG_OVSDB), "/run/ovs/db.sock");
	assert_int_equal(unit_env("SYSCONTAINER_ENGINE_SOCKET", "unix:///run/docker.sock"), 0);
	assert_string_equal(config_get(CONFIG_ENGINE_SOCKET), "/run/docker.sock");
	assert_string_equal(config_get(CONFIG_OVSDB), "/run/ovs/db.sock");
	setenv("SYSCONTAINER_HOOKS_OVSDB", "tcp:127.0.0.1:6640", 1);
	assert_int_equal(config_load(&e), -1);
	assert_err_mentions(e, "SYSCONTAINER_HOOKS_OVSDB='tcp:127.0.0.1:6640' is not an "
			    "absolute path");
}

static void engine_setting(void **state)
{
	struct err e = { 0 };

	setenv("SYSCONTAINER_ENGINE", "podman", 1);
	assert_int_equal(config_load(&e), 0);
	assert_string_equal(config_get(CONFIG_ENGINE), "podman");
	setenv("SYSCONTAINER_ENGINE", "lxd", 1);
	assert_int_equal(config_load(&e), -1);
	assert_string_equal(e.msg, "$SYSCONTAINER_ENGINE: unknown engine 'lxd' "
			    "(isula, docker or podman)");
	assert_null(config_get(CONFIG_ENGINE));
}

/* The real runtime is a name or a path; the wrapper's mark, any text. */
static void runtime_settings(void **state)
{
	struct err e = { 0 };

	assert_int_equal(config_load(&e), 0);
	assert_null(config_get(CONFIG_RUNTIME));
	assert_null(config_get(CONFIG_RUNTIME_WRAPPED));
	setenv("SYSCONTAINER_RUNTIME", "crun", 1);
	setenv("SYSCONTAINER_RUNTIME_WRAPPED", "1", 1);
	assert_int_equal(config_load(&e), 0);
	assert_string_equal(config_get(CONFIG_RUNTIME), "crun");
	assert_string_equal(config_get(CONFIG_RUNTIME_WRAPPED), "1");
	setenv("SYSCONTAINER_RUNTIME", "/usr/sbin/runc", 1);
	assert_int_equal(config_load(&e), 0);
	assert_string_equal(config_get(CONFIG_RUNTIME), "/usr/sbin/runc");
}

static void deadline_setting(void **state)
{
	static const char *const bad[] = { "abc", "0", "-1", "3601", "1x", " 5", "+5", "0x10",
					   "99999999999999999999" };
	static const struct { const char *v; int s; } good[] = {
		{ "1", 1 }, { "30", 30 }, { "3600", 3600 }, { "007", 7 },
	};
	struct err e = { 0 };
	char want[128];

	assert_int_equal(config_load(&e), 0);
	assert_int_equal(config_deadline(), CONFIG_DEADLINE_DEFAULT);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unit_case("%s", good[i].v);
		setenv("SYSCONTAINER_HOOKS_DEADLINE", good[i].v, 1);
		assert_int_equal(config_load(&e), 0);
		assert_int_equal(config_deadline(), good[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unit_case("%s", bad[i]);
		setenv("SYSCONTAINER_HOOKS_DEADLINE", bad[i], 1);
		assert_int_equal(config_load(&e), -1);
		snprintf(want, sizeof(want), "SYSCONTAINER_HOOKS_DEADLINE='%s' is not a number "
			 "of seconds from 1 to 3600", bad[i]);
		assert_string_equal(e.msg, want);
		assert_int_equal(config_deadline(), CONFIG_DEADLINE_DEFAULT);
	}
	unit_case_done();
}

/* Several bad values: the first is told, every good one is kept. */
static void first_bad_told(void **state)
{
	struct err e = { 0 };

	setenv("SYSCONTAINER_HOOKS_ROOT", "/state", 1);
	setenv("SYSCONTAINER_HOOKS_RUNDIR", "run", 1);
	setenv("SYSCONTAINER_ENGINE", "rkt", 1);
	setenv("SYSCONTAINER_HOOKS_DEADLINE", "5", 1);
	assert_int_equal(config_load(&e), -1);
	assert_string_equal(e.msg, "SYSCONTAINER_HOOKS_RUNDIR='run' is not an absolute path");
	assert_string_equal(config_get(CONFIG_ROOT), "/state");
	assert_null(config_get(CONFIG_RUNDIR));
	assert_null(config_get(CONFIG_ENGINE));
	assert_int_equal(config_deadline(), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CONFIG_TEST(path_settings),
		CONFIG_TEST(socket_schemes),
		CONFIG_TEST(engine_setting),
		CONFIG_TEST(runtime_settings),
		CONFIG_TEST(deadline_setting),
		CONFIG_TEST(first_bad_told),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
