/* The device decisions: which rights go when a device is removed
 * (device_deny_bits), what a refreshed device is (device_refresh), and
 * what goes into devices.allow / devices.deny on cgroup v1 and into the
 * device program on cgroup v2 when devices are granted or revoked; then
 * device_grant and device_revoke writing those rules to v1 files, and
 * taking back a grant that failed halfway. */
#include "unit.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "device.h"
#include "device_cgroup.h"

static struct saved_device dev(char type, int64_t major, int64_t minor, const char *perms)
{
	struct saved_device d = { .type = type, .major = major, .minor = minor,
				  .host = "/dev/h", .ctr = "/dev/c", .parent = "" };

	snprintf(d.perms, sizeof(d.perms), "%s", perms);
	return d;
}

/* ---- device_perms_bits / device_perms_string ---- */

static void perms_bits(void **state)
{
	static const struct {
		const char *perms;
		unsigned bits;
	} t[] = {
		{ "", 0 }, { "r", 1 }, { "w", 2 }, { "m", 4 }, { "rw", 3 }, { "rm", 5 },
		{ "wm", 6 }, { "rwm", 7 }, { "mwr", 7 }, { "rr", 1 },
	};
	static const char *const strings[8] = { "", "r", "w", "rw", "m", "rm", "wm", "rwm" };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unit_case("'%s'", t[i].perms);
		assert_int_equal(device_perms_bits(t[i].perms), t[i].bits);
	}
	unit_case_done();
	assert_int_equal(device_perms_bits(NULL), 0);
	for (unsigned bits = 0; bits < 8; bits++) {
		char out[4];

		memset(out, 'x', sizeof(out));
		device_perms_string(bits, out);
		assert_string_equal(out, strings[bits]);
		/* and back */
		assert_int_equal(device_perms_bits(out), bits);
	}
}

/* ---- device_deny_bits ---- */

static void deny_bits(void **state)
{
	static char *const runtime[] = { "c 1:3 rwm", "b 7:* r", "b *:* m", "c 136:* rw" };
	static char *const all[] = { "a *:* rwm" };
	struct saved_device others[] = {
		dev('b', 8, 0, "r"),    /* same disk, read only, saved again elsewhere */
		dev('c', 8, 0, "rwm"),  /* same numbers, other type */
		dev('b', 8, 16, "rwm"), /* another disk */
	};
	const struct {
		const char *what;
		struct saved_device d;
		char *const *base;
		size_t nb;
		size_t no, self;
		unsigned want;
	} t[] = {
		{ "nothing else grants it", dev('b', 9, 0, "rwm"), NULL, 0, 0, SIZE_MAX, 7 },
		{ "only what it had", dev('b', 9, 0, "rw"), NULL, 0, 0, SIZE_MAX, 3 },
		{ "the runtime grants it all", dev('c', 1, 3, "rwm"), runtime, 4, 0, SIZE_MAX, 0 },
		{ "minor wildcard and b *:* m stay", dev('b', 7, 0, "rwm"), runtime, 4, 0, SIZE_MAX,
		  2 },
		{ "b *:* m stays", dev('b', 9, 0, "rwm"), runtime, 4, 0, SIZE_MAX, 3 },
		{ "a *:* rwm: nothing to deny", dev('b', 9, 0, "rwm"), all, 1, 0, SIZE_MAX, 0 },
		{ "another saved device keeps r", dev('b', 8, 0, "rwm"), NULL, 0, 3, SIZE_MAX, 6 },
		{ "itself does not count", dev('b', 8, 0, "rwm"), NULL, 0, 3, 0, 7 },
		{ "other type, same numbers", dev('c', 8, 0, "rw"), NULL, 0, 1, SIZE_MAX, 3 },
		{ "runtime and saved together", dev('b', 8, 0, "rwm"), runtime, 4, 3, SIZE_MAX, 2 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unit_case("%s", t[i].what);
		assert_int_equal(device_deny_bits(&t[i].d, t[i].base, t[i].nb, others, t[i].no,
						  t[i].self), t[i].want);
	}
	unit_case_done();
}

/* ---- device_refresh ---- */

static void refresh(void **state)
{
	const struct {
		const char *what;
		struct host_device h;
		bool changed;
	} t[] = {
		{ "same node", { 'b', 8, 16, 0660, 0, 6 }, false },
		{ "mode and owner do not count", { 'b', 8, 16, 0600, 5, 5 }, false },
		{ "new major", { 'b', 259, 16, 0660, 0, 6 }, true },
		{ "new minor", { 'b', 8, 32, 0660, 0, 6 }, true },
		{ "now a character device", { 'c', 8, 16, 0660, 0, 6 }, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct saved_device d = dev('b', 8, 16, "rw");

		unit_case("%s", t[i].what);
		assert_int_equal(device_refresh(&d, &t[i].h), t[i].changed);
		assert_int_equal(d.type, t[i].h.type);
		assert_int_equal(d.major, t[i].h.major);
		assert_int_equal(d.minor, t[i].h.minor);
		/* the rest is the operator's and stays */
		assert_string_equal(d.perms, "rw");
		assert_string_equal(d.host, "/dev/h");
		assert_string_equal(d.ctr, "/dev/c");
		/* a second time: nothing changes */
		assert_false(device_refresh(&d, &t[i].h));
	}
	unit_case_done();
}

/* ---- the rules of a grant or a revoke ---- */

static void assert_rule(const struct dev_rule *r, char type, int64_t major, int64_t minor,
			const char *perms, bool allow)
{
	assert_int_equal(r->type, type);
	assert_int_equal(r->major, major);
	assert_int_equal(r->minor, minor);
	assert_string_equal(r->perms, perms);
	assert_int_equal(r->allow, allow);
}

static void v1_grant(void **state)
{
	struct saved_device add[] = { dev('b', 8, 0, "rwm"), dev('c', 10, 200, "rw"),
				      dev('b', 8, 16, "r") };
	const bool present[] = { true, false, true };
	struct dev_rule out[3];

	/* every device, each with its own rights */
	assert_int_equal(device_v1_grant_rules(add, 3, NULL, out), 3);
	assert_rule(&out[0], 'b', 8, 0, "rwm", true);
	assert_rule(&out[1], 'c', 10, 200, "rw", true);
	assert_rule(&out[2], 'b', 8, 16, "r", true);
	/* a device whose host node is gone gets no rule */
	assert_int_equal(device_v1_grant_rules(add, 3, present, out), 2);
	assert_rule(&out[0], 'b', 8, 0, "rwm", true);
	assert_rule(&out[1], 'b', 8, 16, "r", true);
	assert_int_equal(device_v1_grant_rules(add, 0, NULL, out), 0);
}

static void v1_revoke(void **state)
{
	static char *const runtime[] = { "c 1:3 rwm", "b *:* m" };
	struct saved_device gone[] = { dev('c', 1, 3, "rwm"), dev('b', 8, 0, "rwm"),
				       dev('b', 8, 16, "rw") };
	struct saved_device kept[] = { dev('b', 8, 16, "r") };
	struct dev_rule out[3];

	/* c 1:3 is the runtime's: no rule; b 8:0 keeps m (b *:* m);
	 * b 8:16 keeps r, as a kept device grants it */
	assert_int_equal(device_v1_revoke_rules(gone, 3, runtime, 2, kept, 1, out), 2);
	assert_rule(&out[0], 'b', 8, 0, "rw", false);
	assert_rule(&out[1], 'b', 8, 16, "w", false);
	/* nothing kept, no runtime rules: every right goes */
	assert_int_equal(device_v1_revoke_rules(gone, 3, NULL, 0, NULL, 0, out), 3);
	assert_rule(&out[0], 'c', 1, 3, "rwm", false);
	assert_rule(&out[1], 'b', 8, 0, "rwm", false);
	assert_rule(&out[2], 'b', 8, 16, "rw", false);
	assert_int_equal(device_v1_revoke_rules(gone, 0, runtime, 2, kept, 1, out), 0);
}

static void v2_rules(void **state)
{
	struct saved_device kept[] = { dev('c', 10, 200, "rw"), dev('b', 8, 16, "r") };
	struct saved_device add[] = { dev('b', 8, 0, "rwm"), dev('b', 8, 32, "rw") };
	const bool present[] = { false, true };
	struct dev_rule out[4];

	/* a grant: our program allows what stays and what comes */
	assert_int_equal(device_v2_rules(kept, 2, add, 2, NULL, out), 4);
	assert_rule(&out[0], 'c', 10, 200, "rw", true);
	assert_rule(&out[1], 'b', 8, 16, "r", true);
	assert_rule(&out[2], 'b', 8, 0, "rwm", true);
	assert_rule(&out[3], 'b', 8, 32, "rw", true);
	/* the prestart grant: only devices whose node is there */
	assert_int_equal(device_v2_rules(NULL, 0, add, 2, present, out), 1);
	assert_rule(&out[0], 'b', 8, 32, "rw", true);
	/* a revoke: exactly what stays */
	assert_int_equal(device_v2_rules(kept, 2, NULL, 0, NULL, out), 2);
	assert_rule(&out[1], 'b', 8, 16, "r", true);
	/* the last device revoked: an empty program part (ours taken away) */
	assert_int_equal(device_v2_rules(NULL, 0, NULL, 0, NULL, out), 0);
}

/* ---- device_grant / device_revoke on cgroup v1 files ---- */

struct v1_dir {
	char *dir, *allow, *deny;
};

static int v1_setup(void **state)
{
	struct v1_dir *f = calloc(1, sizeof(*f));

	f->dir = unit_tmpdir();
	f->allow = unit_join(f->dir, "devices.allow");
	f->deny = unit_join(f->dir, "devices.deny");
	unit_write(f->allow, "", 0);
	unit_write(f->deny, "", 0);
	*state = f;
	return 0;
}

static int v1_teardown(void **state)
{
	struct v1_dir *f = *state;

	unit_rm_rf(f->dir);
	free(f->dir);
	free(f->allow);
	free(f->deny);
	free(f);
	return unit_case_teardown(state);
}

static void assert_file(const char *path, const char *want)
{
	char *got = unit_read(path, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* One rule per write(): a regular file shows them one after another. */
static void grant_revoke_v1(void **state)
{
	struct v1_dir *f = *state;
	static char *const runtime[] = { "b *:* m" };
	struct device_cgroup cg = { .dir = f->dir, .baseline = runtime, .n_baseline = 1 };
	struct saved_device saved[] = { dev('b', 8, 16, "r") };
	struct saved_device add[] = { dev('b', 8, 0, "rwm"), dev('b', 8, 16, "rw") };
	const bool present[] = { true, false };
	struct err e = { 0 };

	assert_int_equal(device_grant(&cg, saved, 1, add, 2, NULL, &e), 0);
	assert_file(f->allow, "b 8:0 rwmb 8:16 rw");
	assert_int_equal(device_revoke(&cg, saved, 1, add, 2, &e), 0);
	assert_file(f->deny, "b 8:0 rwb 8:16 w");
	/* nothing to grant: no write at all */
	unit_write(f->allow, "", 0);
	assert_int_equal(device_grant(&cg, saved, 1, add, 2, (const bool[]){ false, false }, &e),
			 0);
	assert_int_equal(device_grant(&cg, saved, 1, NULL, 0, NULL, &e), 0);
	assert_file(f->allow, "");
	assert_int_equal(device_grant(&cg, NULL, 0, add, 2, present, &e), 0);
	assert_file(f->allow, "b 8:0 rwm");
}

/* No devices cgroup there: one line naming the file. */
static void grant_v1_missing(void **state)
{
	struct v1_dir *f = *state;
	struct device_cgroup cg = { .dir = f->dir };
	struct saved_device add[] = { dev('c', 1, 3, "rwm") };
	struct err e = { 0 };

	assert_int_equal(unlink(f->allow), 0);
	assert_int_equal(device_grant(&cg, NULL, 0, add, 1, NULL, &e), -1);
	assert_err(e, ENOENT, "devices.allow");
	assert_file(f->deny, "");
}

/* A grant that fails at its second rule takes the first back: the file
 * size limit lets the first rule through and stops the second. */
static void grant_v1_rollback(void **state)
{
	struct v1_dir *f = *state;
	struct device_cgroup cg = { .dir = f->dir };
	struct saved_device add[] = { dev('b', 8, 0, "rwm"), dev('b', 8, 16, "rwm"),
				      dev('b', 8, 32, "rwm") };
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit small = { 12, 12 };
		struct err e = { 0 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &small);
		_exit(device_grant(&cg, NULL, 0, add, 3, NULL, &e) == -1 && e.code == EFBIG ? 0
		      : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the first rule went in (and a cut piece of the second, which the
	 * kernel would refuse whole) */
	assert_file(f->deny, "b 8:0 rwm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(perms_bits),
		UNIT_TEST(deny_bits),
		UNIT_TEST(refresh),
		UNIT_TEST(v1_grant),
		UNIT_TEST(v1_revoke),
		UNIT_TEST(v2_rules),
		cmocka_unit_test_setup_teardown(grant_revoke_v1, v1_setup, v1_teardown),
		cmocka_unit_test_setup_teardown(grant_v1_missing, v1_setup, v1_teardown),
		cmocka_unit_test_setup_teardown(grant_v1_rollback, v1_setup, v1_teardown),
	};

	return cmocka_run_group_tests_name("test_device", tests, NULL, NULL);
}
