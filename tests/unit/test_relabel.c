/* The pure parts of --with-relabel. */
#include "unit.h"

#include "relabel.h"

static void config_mode(void **state)
{
	static const struct { const char *text, *mode; } t[] = {
		{ "SELINUX=enforcing\nSELINUXTYPE=targeted\n", "enforcing" },
		{ "# SELINUX=disabled\nSELINUX=permissive\n", "permissive" },
		{ "  SELINUX=disabled  # off\n", "disabled" },
		{ "SELINUX=\"enforcing\"\n", "enforcing" },
		{ "SELINUXTYPE=mls\n", "" },
		{ "", "" },
		{ "SELINUX=enforcing\nSELINUX=disabled\n", "disabled" },     /* the last one counts */
	};
	char mode[32];

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		unit_case("%s", t[i].text);
		selinux_config_mode(t[i].text, mode, sizeof(mode));
		assert_string_equal(mode, t[i].mode);
	}
	unit_case_done();
}

static void init_kind(void **state)
{
	assert_true(init_is_systemd("/lib/systemd/systemd"));
	assert_true(init_is_systemd("../lib/systemd/systemd"));
	assert_false(init_is_systemd("/sbin/upstart"));
	assert_false(init_is_systemd(""));
	assert_false(init_is_systemd(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(config_mode, unit_case_teardown),
		cmocka_unit_test(init_kind),
	};

	return cmocka_run_group_tests_name("test_relabel", tests, NULL, NULL);
}
