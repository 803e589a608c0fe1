/* Which run of a container a runtime record describes (instance.h), and
 * what the record keeps so that poststop needs nothing else (record.h). */
#include "unit.h"

#include <sys/wait.h>

#include "instance.h"
#include "record.h"

/* ---- instance_match ---- */

#define I(pid, t, ino) { (pid), (t), 4, (ino) }

static void match_table(void **state)
{
	static const struct {
		const char *what;
		struct instance rec, now, rec_now;
		bool rec_gone;
		enum instance_match want;
	} t[] = {
		{ "the same pid, start time and namespace", I(10, 500, 77), I(10, 500, 77),
		  I(10, 500, 77), false, INSTANCE_SAME },
		{ "a record without a start time (older version)", I(10, 0, 77), I(10, 500, 77),
		  I(10, 500, 77), false, INSTANCE_SAME },
		{ "the pid reused, another start time", I(10, 500, 77), I(10, 900, 77),
		  I(10, 900, 77), false, INSTANCE_STALE },
		{ "the pid reused, another namespace", I(10, 0, 77), I(10, 900, 78), I(10, 900, 78),
		  false, INSTANCE_STALE },
		{ "a namespace inode reused by another pid", I(10, 500, 77), I(11, 600, 77),
		  I(0, 0, 0), true, INSTANCE_STALE },
		{ "the recorded pid gone", I(10, 500, 77), I(12, 600, 80), I(0, 0, 0), true,
		  INSTANCE_STALE },
		{ "the recorded pid now another process", I(10, 500, 77), I(12, 600, 80),
		  I(10, 700, 81), false, INSTANCE_STALE },
		{ "the recorded instance still runs", I(10, 500, 77), I(12, 600, 80),
		  I(10, 500, 77), false, INSTANCE_OTHER },
		{ "another device for the namespace", { 10, 500, 4, 77 }, { 10, 500, 5, 77 },
		  { 10, 500, 5, 77 }, false, INSTANCE_STALE },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unit_case("%s", t[i].what);
		assert_int_equal(instance_match(&t[i].rec, &t[i].now,
						t[i].rec_gone ? NULL : &t[i].rec_now), t[i].want);
	}
	unit_case_done();
}

/* ---- /proc/PID/stat ---- */

static void stat_lines(void **state)
{
	static const char good[] =
		"4242 (sleep) S 1 4242 4242 0 -1 4194560 91 0 0 0 0 0 0 0 20 0 1 0 "
		"123456789 2412544 130 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1\n";
	/* a command name may hold spaces and ") " */
	static const char odd[] =
		"7 (a) b (c) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0\n";
	static const char *const bad[] = {
		"", "4242", "4242 (sleep", "4242 (sleep)", "4242 (sleep) S 1 2 3",
		"4242 (sleep) S 1 4242 4242 0 -1 4194560 91 0 0 0 0 0 0 0 20 0 1 0 x1 2",
		"4242 (sleep) S 1 4242 4242 0 -1 4194560 91 0 0 0 0 0 0 0 20 0 1 0 ",
		"4242 (sleep) S 1 4242 4242 0 -1 4194560 91 0 0 0 0 0 0 0 20 0 1 0 "
		"99999999999999999999999 1",
	};
	uint64_t t;
	char st;
	struct err e = { 0 };

	assert_int_equal(proc_stat_parse(good, &st, &t, &e), 0);
	assert_int_equal(st, 'S');
	assert_true(t == 123456789ull);
	assert_int_equal(proc_stat_parse(odd, &st, &t, &e), 0);
	assert_int_equal(st, 'Z');
	assert_true(t == 42);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unit_case("bad #%zu", i);
		assert_int_equal(proc_stat_parse(bad[i], &st, &t, &e), -1);
		assert_err_code(e, EINVAL);
	}
	unit_case_done();
}

/* The real /proc: this process, a zombie child, a pid that is gone. */
static void probe(void **state)
{
	struct instance a, b;
	struct err e = { 0 };
	struct stat ns;
	pid_t child;
	int status;

	assert_int_equal(instance_probe(getpid(), -1, &a, &e), 0);
	assert_int_equal(stat("/proc/self/ns/mnt", &ns), 0);
	assert_true(a.mntns_ino == ns.st_ino && a.mntns_dev == ns.st_dev);
	assert_true(a.start_time > 0);
	assert_int_equal(instance_probe(getpid(), -1, &b, &e), 0);
	assert_int_equal(instance_match(&a, &b, NULL), INSTANCE_SAME);

	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	/* a zombie until it is reaped: gone for us */
	assert_int_equal(waitid(P_PID, (id_t)child, NULL, WEXITED | WNOWAIT), 0);
	assert_int_equal(instance_probe(child, -1, &b, &e), -1);
	assert_int_equal(e.code, ESRCH);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(instance_probe(child, -1, &b, &e), -1);
	assert_err_code(e, ESRCH);
}

/* ---- what the record keeps for poststop ---- */

static const struct nic_spec veth = {
	.type = "veth", .host = "vh1", .ctr = "eth1", .ip = "10.0.0.2/24", .mtu = 1500,
	.qlen = 1000,
};
static const struct nic_spec eth = {
	.type = "eth", .host = "ph1", .ctr = "eth5", .ip = "10.0.0.5/24", .mtu = 1400,
	.qlen = 1000,
};

static void record_instance_round_trip(void **state)
{
	char *tmp = unit_fixture_top(state);
	struct nic_spec nics[] = { veth };
	struct record r = {
		.id = "c1", .pid = 42, .bundle = "/b", .rootfs = "/b/r", .mntns_dev = 4,
		.mntns_ino = 9, .start_time = 123456789012ull, .netns_dev = 4, .netns_ino = 10,
		.nics_known = true, .nics = nics, .n_nics = 1,
	}, got;
	struct err e = { 0 };

	assert_int_equal(record_write(tmp, &r, &e), 0);
	assert_int_equal(record_read(tmp, "c1", &got, &e), 0);
	assert_true(got.start_time == 123456789012ull);
	assert_true(got.netns_dev == 4 && got.netns_ino == 10);
	assert_true(got.nics_known);
	assert_int_equal(got.n_nics, 1);
	assert_string_equal(got.nics[0].ctr, "eth1");
	assert_string_equal(got.nics[0].host, "vh1");
	record_free(&got);

	/* the CLI's live add-nic and remove-nic */
	assert_int_equal(record_nic_add(tmp, "c1", &eth, &e), 0);
	assert_int_equal(record_read(tmp, "c1", &got, &e), 0);
	assert_int_equal(got.n_nics, 2);
	assert_string_equal(got.nics[1].type, "eth");
	assert_string_equal(got.nics[1].host, "ph1");
	assert_true(got.start_time == 123456789012ull);
	record_free(&got);
	assert_int_equal(record_nic_remove(tmp, "c1", "eth1", &e), 0);
	assert_int_equal(record_nic_remove(tmp, "c1", "eth9", &e), 0);
	assert_int_equal(record_read(tmp, "c1", &got, &e), 0);
	assert_int_equal(got.n_nics, 1);
	assert_string_equal(got.nics[0].ctr, "eth5");
	record_free(&got);
	assert_int_equal(record_nic_remove(tmp, "c1", "eth5", &e), 0);
	assert_int_equal(record_read(tmp, "c1", &got, &e), 0);
	assert_true(got.nics_known);
	assert_int_equal(got.n_nics, 0);
	record_free(&got);

	/* an older record lists no interfaces and stays so */
	r.nics_known = false;
	r.start_time = 0;
	r.netns_ino = 0;
	assert_int_equal(record_write(tmp, &r, &e), 0);
	assert_int_equal(record_nic_add(tmp, "c1", &eth, &e), 0);
	assert_int_equal(record_read(tmp, "c1", &got, &e), 0);
	assert_false(got.nics_known);
	assert_int_equal(got.n_nics, 0);
	assert_true(got.start_time == 0 && got.netns_ino == 0);
	record_free(&got);

	/* no record: the CLI says so */
	assert_int_equal(record_nic_add(tmp, "c2", &eth, &e), -1);
	assert_err_code(e, ENOENT);
}

#define REC(extra) "{\"id\":\"c1\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/b/r\"," \
		   "\"mntnsDev\":3,\"mntnsIno\":9" extra "}"

static void record_instance_bad(void **state)
{
	static const struct {
		const char *what, *text;
	} t[] = {
		{ "startTime negative", REC(",\"startTime\":-1") },
		{ "startTime a string", REC(",\"startTime\":\"5\"") },
		{ "netnsIno without netnsDev", REC(",\"netnsIno\":5") },
		{ "networkInterfaces not an array", REC(",\"networkInterfaces\":{}") },
		{ "an interface without a host name",
		  REC(",\"networkInterfaces\":[{\"Type\":\"veth\",\"CtrNicName\":\"eth1\","
		      "\"Ip\":\"10.0.0.2/24\"}]") },
		{ "an interface of an unknown type",
		  REC(",\"networkInterfaces\":[{\"Type\":\"tap\",\"HostNicName\":\"h\","
		      "\"CtrNicName\":\"eth1\",\"Ip\":\"10.0.0.2/24\"}]") },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct record r;
		struct err e = { 0 };

		unit_case("%s", t[i].what);
		assert_int_equal(record_parse(t[i].text, strlen(t[i].text), &r, &e), -1);
		assert_err_code(e, EINVAL);
		assert_null(r.id);
		assert_null(r.nics);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(match_table),
		UNIT_TEST(stat_lines),
		UNIT_TEST(probe),
		UNIT_TEST_DIR(record_instance_round_trip),
		UNIT_TEST(record_instance_bad),
	};

	return cmocka_run_group_tests_name("test_instance", tests, NULL, NULL);
}
