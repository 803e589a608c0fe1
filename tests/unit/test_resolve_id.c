/* container_resolve_id: the id or id prefix an operator types, looked up
 * among the runtime records and the state store. */
#include "unit.h"

#include "container.h"

static void add(const char *dir, const char *name)
{
	char *p = unit_join(dir, name);

	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
}

/* Resolve @arg and expect @want (NULL: refused, naming @why). */
static void expect(const struct unit_fixture *d, const char *arg, const char *want, const char *why)
{
	struct err e = { 0 };
	char *id = NULL;
	int r = container_resolve_id(d->run, d->root, arg, &id, &e);

	unit_case("resolve '%s'", arg);
	if (want) {
		if (r != 0)
			fail_msg("refused: %s", e.msg);
		assert_string_equal(id, want);
	} else {
		assert_int_equal(r, -1);
		assert_int_equal(e.code, EINVAL);
		assert_null(id);
		assert_err_line(e);
		assert_err_mentions(e, why);
	}
	free(id);
	unit_case_done();
}

/* An exact id wins over the longer ids it is a prefix of, wherever each is. */
static void exact(void **state)
{
	struct unit_fixture *d = *state;

	add(d->run, "c1");
	add(d->run, "c10");
	add(d->root, "c11");
	expect(d, "c1", "c1", NULL);
	/* exact in the store only, longer ones running */
	add(d->root, "web");
	add(d->run, "web-2");
	expect(d, "web", "web", NULL);
}

static void unique_prefix(void **state)
{
	struct unit_fixture *d = *state;

	add(d->run, "4f2a9c01");
	add(d->root, "b7e5");
	expect(d, "4f", "4f2a9c01", NULL);
	expect(d, "4f2a9c0", "4f2a9c01", NULL);
	expect(d, "b", "b7e5", NULL);
	/* running and saved: one container, not two */
	add(d->root, "4f2a9c01");
	expect(d, "4f2", "4f2a9c01", NULL);
	/* ids are case-sensitive */
	expect(d, "4F", "4F", NULL);
}

/* Every candidate is named, sorted; past four, how many more. */
static void ambiguous(void **state)
{
	struct unit_fixture *d = *state;

	add(d->run, "abd");
	add(d->root, "abc");
	expect(d, "ab", NULL, "prefix 'ab' is ambiguous: abc, abd");
	for (int i = 0; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "x%d", i);
		add(i % 2 ? d->run : d->root, name);
	}
	expect(d, "x", NULL, "ambiguous: x0, x1, x2, x3 and 2 more");
}

/* An id nobody knows is a new container: given back as typed. */
static void none(void **state)
{
	struct unit_fixture *d = *state;
	char *gone = unit_join(d->top, "gone");

	add(d->run, "abc");
	expect(d, "zz", "zz", NULL);
	expect(d, "abcd", "abcd", NULL);
	/* neither directory there yet (a fresh host) */
	{
		struct err e = { 0 };
		char *id = NULL;

		assert_int_equal(container_resolve_id(gone, gone, "c1", &id, &e), 0);
		assert_string_equal(id, "c1");
		free(id);
	}
	free(gone);
}

/* An argument that is no valid id is refused before any lookup, and an
 * entry in the directories that is no valid id is never a candidate. */
static void odd_characters(void **state)
{
	static const char *const bad[][2] = {
		{ "", "empty" }, { "../x", "'../x'" }, { "a/b", "'a/b'" }, { "a*", "'a*'" },
		{ "a b", "'a b'" }, { ".a", "'.a'" }, { "-a", "'-a'" }, { "a\nb", "only" },
		{ "ab+", "'ab+'" },
	};
	struct unit_fixture *d = *state;

	add(d->run, "abc");
	add(d->run, "ab+c");
	add(d->root, ".abx");
	add(d->root, "ab c");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(d, bad[i][0], NULL, bad[i][1]);
	/* the odd entries do not make "ab" ambiguous */
	expect(d, "ab", "abc", NULL);
	/* a dot or dash inside an id is fine */
	add(d->root, "a.b-c_d");
	expect(d, "a.", "a.b-c_d", NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, unit_fixture_setup_dirs, unit_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(exact), T(unique_prefix), T(ambiguous), T(none), T(odd_characters),
	};

	return cmocka_run_group_tests_name("test_resolve_id", tests, NULL, NULL);
}
