/* The command-line spec strings: --device and --path arguments. */
#include "unit.h"

#include "spec_parse.h"

/* ---- device specs ---- */

struct dev_good {
	const char *in;
	int mode;
	const char *host;       /* NULL: expect NULL */
	const char *ctr;
	const char *perms;
};

static const struct dev_good dev_good[] = {
	/* defaults: rwm, container path = host path */
	{ "/dev/sdb", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/sdb", "rwm" },
	/* a permission string in second place is permissions... */
	{ "/dev/sdb:rw", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/sdb", "rw" },
	{ "/dev/sdb:m", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/sdb", "m" },
	/* ...an absolute path is the container path */
	{ "/dev/sdb:/dev/x", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/x", "rwm" },
	{ "/dev/sdb:/dev/x:r", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/x", "r" },
	{ "/dev/sdb:/dev/x:rwm", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/x", "rwm" },
	/* empty container part in the 3-part form: defaults to the host path */
	{ "/dev/sdb::r", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/sdb", "r" },
	/* paths are cleaned */
	{ "/dev//x/../y", SPEC_DEVICE_ADD, "/dev/y", "/dev/y", "rwm" },
	{ "/dev/./sdb:/dev/disk//x/:w", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/disk/x", "w" },
	{ "/dev/../../dev/sdb", SPEC_DEVICE_ADD, "/dev/sdb", "/dev/sdb", "rwm" },
	/* remove form: a missing side stays missing */
	{ "/dev/sdb", SPEC_DEVICE_REMOVE, "/dev/sdb", NULL, "rwm" },
	{ "/dev/sdb:", SPEC_DEVICE_REMOVE, "/dev/sdb", NULL, "rwm" },
	{ ":/dev/x", SPEC_DEVICE_REMOVE, NULL, "/dev/x", "rwm" },
	{ ":/dev/x:r", SPEC_DEVICE_REMOVE, NULL, "/dev/x", "r" },
	{ "/dev/sdb:/dev//x", SPEC_DEVICE_REMOVE, "/dev/sdb", "/dev/x", "rwm" },
	{ "/dev/sdb:rw", SPEC_DEVICE_REMOVE, "/dev/sdb", NULL, "rw" },
};

/* What a failed parse leaves, and what device_spec_free does. */
static void device_spec_empty(const struct device_spec *d)
{
	assert_null(d->host);
	assert_null(d->ctr);
	assert_int_equal(d->perms[0], '\0');
}

static void device_spec_good(void **state)
{
	UNIT_EACH(t, dev_good) {
		struct device_spec d;
		struct err e = { 0 };

		unit_case("%s (mode %d)", t->in, t->mode);
		assert_int_equal(parse_device_spec(t->in, t->mode, &d, &e), 0);
		assert_str_or_null(d.host, t->host);
		assert_str_or_null(d.ctr, t->ctr);
		assert_string_equal(d.perms, t->perms);
		device_spec_free(&d);
		device_spec_empty(&d);
	}
	unit_case_done();
}

struct dev_bad {
	const char *in;
	int mode;
	const char *needle;     /* must appear in the message; NULL: no check */
};

static const struct dev_bad dev_bad[] = {
	{ "", SPEC_DEVICE_ADD, NULL },
	{ "", SPEC_DEVICE_REMOVE, NULL },
	/* relative paths */
	{ "dev/sdb", SPEC_DEVICE_ADD, "dev/sdb" },
	{ "sdb:/dev/x", SPEC_DEVICE_ADD, "sdb" },
	{ "/dev/sdb:dev/x", SPEC_DEVICE_ADD, "dev/x" },
	{ "/dev/sdb:dev/x:r", SPEC_DEVICE_ADD, "dev/x" },
	{ "dev/sdb", SPEC_DEVICE_REMOVE, "dev/sdb" },
	{ ":dev/x", SPEC_DEVICE_REMOVE, "dev/x" },
	/* more than 3 parts */
	{ "/a:/b:rwm:x", SPEC_DEVICE_ADD, "/a:/b:rwm:x" },
	{ "/a:/b:r:w:m", SPEC_DEVICE_ADD, "/a:/b:r:w:m" },
	{ "/a:/b:rwm:", SPEC_DEVICE_REMOVE, "/a:/b:rwm:" },
	/* bad permissions */
	{ "/dev/sdb:/dev/x:rwx", SPEC_DEVICE_ADD, "rwx" },
	{ "/dev/sdb:/dev/x:rr", SPEC_DEVICE_ADD, "rr" },
	{ "/dev/sdb:/dev/x:x", SPEC_DEVICE_ADD, "/dev/sdb:/dev/x:x" },
	{ "/dev/sdb:/dev/x:RW", SPEC_DEVICE_REMOVE, "RW" },
	/* neither a perms string nor an absolute path in second place */
	{ "/dev/sdb:rwx", SPEC_DEVICE_ADD, "rwx" },
	{ "/dev/sdb:rr", SPEC_DEVICE_ADD, "rr" },
	/* empty both */
	{ ":", SPEC_DEVICE_ADD, "':'" },
	{ ":", SPEC_DEVICE_REMOVE, "':'" },
	{ "::", SPEC_DEVICE_REMOVE, "'::'" },
	{ "::r", SPEC_DEVICE_REMOVE, "'::r'" },
	{ ":rw", SPEC_DEVICE_REMOVE, "':rw'" },
	/* no host path to add */
	{ ":/dev/x", SPEC_DEVICE_ADD, ":/dev/x" },
	/* "/" is no device path */
	{ "/dev/sdb:/", SPEC_DEVICE_ADD, "/dev/sdb:/" },
	{ "/dev/sdb:/dev/..", SPEC_DEVICE_ADD, "/dev/sdb:/dev/.." },
	{ "/dev/sdb:/:r", SPEC_DEVICE_REMOVE, "/dev/sdb:/:r" },
	{ "/", SPEC_DEVICE_ADD, NULL },
	{ "//", SPEC_DEVICE_REMOVE, NULL },
};

static void device_spec_bad(void **state)
{
	UNIT_EACH(t, dev_bad) {
		struct device_spec d;
		struct err e = { 0 };

		unit_case("'%s' (mode %d)", t->in, t->mode);
		memset(&d, 0xa5, sizeof(d));
		assert_int_equal(parse_device_spec(t->in, t->mode, &d, &e), -1);
		assert_err(e, EINVAL, t->needle);
		/* nothing left allocated, nothing half-filled */
		device_spec_empty(&d);
	}
	unit_case_done();
}

static void device_spec_too_long(void **state)
{
	size_t n = 5000;
	char *s = malloc(n + 1);
	struct device_spec d;
	struct err e = { 0 };

	memset(s, 'a', n);
	s[0] = '/';
	s[n] = '\0';
	assert_int_equal(parse_device_spec(s, SPEC_DEVICE_ADD, &d, &e), -1);
	assert_err_code(e, ENAMETOOLONG);
	assert_null(d.host);
	assert_null(d.ctr);
	free(s);
}

static void device_perms(void **state)
{
	static const char *const good[] = { "r", "w", "m", "rw", "wr", "rm", "rwm", "mwr", "wm" };
	static const char *const bad[] = { "", "rr", "rwx", "x", "rwmr", "R", " r", "r ", "rw m", "mm" };

	unit_assert_accepts(device_perms_valid, good, bad);
	assert_false(device_perms_valid(NULL));
}

/* ---- path specs ---- */

struct path_good {
	const char *in;
	const char *host, *ctr, *options;
	bool ro;
	const char *formatted;
};

static const struct path_good path_good[] = {
	{ "/a:/b", "/a", "/b", "rw", false, "/a:/b:rw" },
	{ "/a:/b:rw", "/a", "/b", "rw", false, "/a:/b:rw" },
	{ "/a:/b:ro", "/a", "/b", "ro", true, "/a:/b:ro" },
	{ "/srv/data:/mnt/data:ro,rslave", "/srv/data", "/mnt/data", "ro,rslave", true,
	  "/srv/data:/mnt/data:ro,rslave" },
	{ "/a:/b:private", "/a", "/b", "private", false, "/a:/b:private" },
	{ "/a:/b:rprivate,rw", "/a", "/b", "rprivate,rw", false, "/a:/b:rprivate,rw" },
	{ "/a:/b:ro,nosuid,nodev,noexec", "/a", "/b", "ro,nosuid,nodev,noexec", true,
	  "/a:/b:ro,nosuid,nodev,noexec" },
	/* cleaned */
	{ "/srv//x/../y:/mnt/./c/:rw", "/srv/y", "/mnt/c", "rw", false, "/srv/y:/mnt/c:rw" },
	{ "/../srv:/mnt/../../b", "/srv", "/b", "rw", false, "/srv:/b:rw" },
};

static void path_spec_good(void **state)
{
	UNIT_EACH(t, path_good) {
		struct path_spec p, again;
		struct err e = { 0 };
		char *f, *f2;

		unit_case("%s", t->in);
		assert_int_equal(parse_path_spec(t->in, &p, &e), 0);
		assert_string_equal(p.host, t->host);
		assert_string_equal(p.ctr, t->ctr);
		assert_string_equal(p.options, t->options);
		assert_int_equal(p.ro, t->ro);

		/* format, parse again: the same spec */
		f = path_spec_format(&p);
		assert_string_equal(f, t->formatted);
		assert_int_equal(parse_path_spec(f, &again, &e), 0);
		assert_string_equal(again.host, p.host);
		assert_string_equal(again.ctr, p.ctr);
		assert_string_equal(again.options, p.options);
		assert_int_equal(again.ro, p.ro);
		f2 = path_spec_format(&again);
		assert_string_equal(f2, f);
		free(f);
		free(f2);
		path_spec_free(&again);
		path_spec_free(&p);
		assert_true(!p.host && !p.ctr && !p.options);
	}
	unit_case_done();
}

struct path_bad {
	const char *in;
	const char *needle;
};

static const struct path_bad path_bad[] = {
	{ "", NULL },
	/* 1 or 4+ parts */
	{ "/a", "/a" },
	{ "/a:/b:ro:x", "/a:/b:ro:x" },
	{ "/a:/b:ro:rw:x", "/a:/b:ro:rw:x" },
	{ "/a:/b:ro:", "/a:/b:ro:" },
	/* relative */
	{ "a:/b", "'a'" },
	{ "/a:b", "'b'" },
	{ "a:b:", "'a'" },
	/* empty parts */
	{ ":/b", ":/b" },
	{ "/a:", "/a:" },
	{ ":", "':'" },
	{ "::ro", "::ro" },
	/* "/" on either side */
	{ "/a:/", "/a:/" },
	{ "/:/b", "/:/b" },
	{ "/a:/b/..", "/a:/b/.." },
	/* options */
	{ "/a:/b:", "/a:/b:" },
	{ "/a:/b:ro,rw", "/a:/b:ro,rw" },
	{ "/a:/b:rw,ro", "/a:/b:rw,ro" },
	{ "/a:/b:ro,ro", "ro" },
	{ "/a:/b:bogus", "bogus" },
	{ "/a:/b:RO", "RO" },
	{ "/a:/b:ro,bogus", "bogus" },
	{ "/a:/b:nosuid,nosuid", "twice" },
	{ "/a:/b:,ro", "/a:/b:,ro" },
	{ "/a:/b:ro,", "/a:/b:ro," },
	{ "/a:/b:ro,,private", "/a:/b:ro,,private" },
	{ "/a:/b:,", "/a:/b:," },
};

static void path_spec_bad(void **state)
{
	UNIT_EACH(t, path_bad) {
		struct path_spec p;
		struct err e = { 0 };

		unit_case("'%s'", t->in);
		memset(&p, 0xa5, sizeof(p));
		assert_int_equal(parse_path_spec(t->in, &p, &e), -1);
		assert_err(e, EINVAL, t->needle);
		assert_null(p.host);
		assert_null(p.ctr);
		assert_null(p.options);
		assert_false(p.ro);
	}
	unit_case_done();
}

/* A failure after an earlier one reports the new problem, not the old. */
static void spec_error_overwritten(void **state)
{
	struct device_spec d;
	struct path_spec p;
	struct err e = { 0 };

	assert_int_equal(parse_device_spec("/dev/sdb:/dev/x:rwx", SPEC_DEVICE_ADD, &d, &e), -1);
	assert_int_equal(parse_path_spec("/a:/b:bogus", &p, &e), -1);
	assert_non_null(strstr(e.msg, "bogus"));
	assert_null(strstr(e.msg, "rwx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(device_spec_good),
		UNIT_TEST(device_spec_bad),
		UNIT_TEST(device_spec_too_long),
		UNIT_TEST(device_perms),
		UNIT_TEST(path_spec_good),
		UNIT_TEST(path_spec_bad),
		UNIT_TEST(spec_error_overwritten),
	};

	return cmocka_run_group_tests_name("test_spec_parse", tests, NULL, NULL);
}
