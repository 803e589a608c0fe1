/* lib/cdi_name.c: the syntax of CDI names, as the reference parser has it. */
#include "unit.h"

#include "cdi.h"
#include "cdi_name.h"

/* A name, and whether the predicate under test takes it. */
struct name_case {
	const char *name;
	bool ok;
};

/* Each of the @n rows @t: @pred answers its ok; a failure names the row. */
static void check_names(bool (*pred)(const char *), const struct name_case *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unit_case("'%s'", t[i].name);
		assert_int_equal(pred(t[i].name), t[i].ok);
	}
	unit_case_done();
}

static const struct name_case qualified[] = {
	{ "vendor.com/class=name", true },
	{ "nvidia.com/gpu=0", true },
	{ "nvidia.com/gpu=all", true },
	{ "a/b=c", true },
	{ "foo.bar.baz/foo-bar123.B_az=dev_1:2.x-y", true },
	{ "Vendor-1.example_x/Class.z=GPU0", true },
	{ "example.com/net=eth0", true },
	{ "", false },
	{ "vendor.com/class", false },          /* no name */
	{ "vendor.com/class=", false },         /* empty name */
	{ "vendor.com=name", false },           /* no class */
	{ "/class=name", false },               /* empty vendor */
	{ "vendor.com/=name", false },          /* empty class */
	{ "/dev/sdb", false },                  /* a device path */
	{ "vendor.com/class/x=name", false },   /* '/' in the class */
	{ "1vendor.com/class=name", false },    /* vendor starts with a digit */
	{ "-vendor.com/class=name", false },
	{ "vendor.com-/class=name", false },    /* vendor ends with '-' */
	{ "vendor.com/1class=name", false },    /* class starts with a digit */
	{ "vendor.com/class.=name", false },
	{ "vendor.com/class=-name", false },    /* name starts with '-' */
	{ "vendor.com/class=name.", false },    /* name ends with '.' */
	{ "vendor.com/class=na me", false },
	{ "vendor.com/class=na/me", false },
	{ "vendor.com/class=na=me", false },
	{ "vendor.com/cl ass=name", false },
	{ "vendor.com/class=n\xc3\xa9", false }, /* not ASCII */
	{ "ven:dor.com/class=name", false },    /* ':' only in names */
	{ "vendor.com/class=a:b", true },
};

static void qualified_names(void **state)
{
	check_names(cdi_is_qualified_name, qualified, sizeof(qualified) / sizeof(qualified[0]));
	assert_false(cdi_is_qualified_name(NULL));
}

static void name_lengths(void **state)
{
	static char long_vendor[CDI_NAME_MAX + 8], long_class[128];

	/* the whole name fits CDI_NAME_MAX with its NUL */
	memset(long_vendor, 'a', sizeof(long_vendor));
	memcpy(long_vendor + CDI_NAME_MAX - 4, "/c=d", 5);
	assert_int_equal(strlen(long_vendor), CDI_NAME_MAX);
	assert_false(cdi_is_qualified_name(long_vendor));
	memcpy(long_vendor + CDI_NAME_MAX - 5, "/c=d", 5);
	assert_true(cdi_is_qualified_name(long_vendor));
	/* a class is a DNS label: 63 bytes at most */
	memset(long_class, 'c', sizeof(long_class));
	memcpy(long_class, "v/", 2);
	strcpy(long_class + 2 + CDI_CLASS_MAX, "=d");
	assert_true(cdi_is_qualified_name(long_class));
	long_class[2 + CDI_CLASS_MAX] = 'c';
	strcpy(long_class + 3 + CDI_CLASS_MAX, "=d");
	assert_false(cdi_is_qualified_name(long_class));
}

static void kinds_and_names(void **state)
{
	assert_true(cdi_is_kind("vendor.com/class", 16));
	assert_false(cdi_is_kind("vendor.com", 10));
	assert_false(cdi_is_kind("vendor.com/", 11));
	assert_true(cdi_is_device_name("0", 1));
	assert_true(cdi_is_device_name("a", 1));
	assert_false(cdi_is_device_name("_", 1));
	assert_false(cdi_is_device_name("", 0));
}

static void interface_names(void **state)
{
	static const struct name_case t[] = {
		{ "eth0", true }, { "a", true }, { "enp0s31f6.100", true },
		{ "123456789012345", true }, { "1234567890123456", false },
		{ "", false }, { ".", false }, { "..", false }, { "a/b", false },
		{ "a:b", false }, { "a b", false }, { "a\tb", false }, { "a\nb", false },
	};

	check_names(cdi_is_ifname, t, sizeof(t) / sizeof(t[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(qualified_names),
		UNIT_TEST(name_lengths),
		UNIT_TEST(kinds_and_names),
		UNIT_TEST(interface_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
