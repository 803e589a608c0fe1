/* QoS values and the cgroup lines they become. */
#include "unit.h"

#include <cJSON.h>

#include "qos.h"
#include "store_qos.h"

static void good_values(void **state)
{
	/* each one names /dev/sdb, "//dev//sdb" cleaned */
	static const struct { enum qos_kind k; const char *in; uint64_t v; } t[] = {
		{ QOS_READ_BPS, "/dev/sdb:1048576", 1048576 }, { QOS_READ_BPS, "/dev/sdb:1mb", 1048576 },
		{ QOS_WRITE_BPS, "/dev/sdb:1M", 1048576 }, { QOS_WRITE_BPS, "/dev/sdb:2kb", 2048 },
		{ QOS_READ_BPS, "/dev/sdb:1.5k", 1536 }, { QOS_READ_BPS, "/dev/sdb:1g", 1073741824 },
		{ QOS_READ_BPS, "/dev/sdb:10b", 10 }, { QOS_READ_BPS, "/dev/sdb:0", 0 },
		{ QOS_READ_IOPS, "/dev/sdb:1000", 1000 }, { QOS_WRITE_IOPS, "//dev//sdb:5", 5 },
		{ QOS_WEIGHT, "/dev/sdb:10", 10 }, { QOS_WEIGHT, "/dev/sdb:1000", 1000 },
		{ QOS_WEIGHT, "/dev/sdb:0", 0 },
	};
	struct qos_spec q;
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		unit_case("%s", t[i].in);
		assert_int_equal(parse_qos(t[i].in, t[i].k, &q, &e), 0);
		assert_string_equal(q.path, "/dev/sdb");
		assert_int_equal(q.value, t[i].v);
		assert_int_equal(q.kind, t[i].k);
		qos_spec_free(&q);
	}
	unit_case_done();
}

static void bad_values(void **state)
{
	static const struct { enum qos_kind k; const char *in; } t[] = {
		{ QOS_READ_BPS, "" }, { QOS_READ_BPS, "/dev/sdb" }, { QOS_READ_BPS, "/dev/sdb:" },
		{ QOS_READ_BPS, ":1mb" }, { QOS_READ_BPS, "dev/sdb:1mb" }, { QOS_READ_BPS, "/dev/sdb:-1" },
		{ QOS_READ_BPS, "/dev/sdb:+1" }, { QOS_READ_BPS, "/dev/sdb:1xb" },
		{ QOS_READ_BPS, "/dev/sdb:1e3" }, { QOS_READ_BPS, "/dev/sdb:0x10" },
		{ QOS_READ_BPS, "/dev/sdb:1.2.3" }, { QOS_READ_BPS, "/dev/sdb:mb" },
		{ QOS_READ_BPS, "/dev/sdb:1mbb" }, { QOS_READ_BPS, "/dev/sdb:99999999999p" },
		{ QOS_READ_BPS, "/dev/sdb:inf" }, { QOS_READ_IOPS, "/dev/sdb:1.5" },
		{ QOS_READ_IOPS, "/dev/sdb:1k" }, { QOS_WRITE_IOPS, "/dev/sdb:abc" },
		{ QOS_WRITE_IOPS, "/dev/sdb:99999999999999999999" }, { QOS_WEIGHT, "/dev/sdb:9" },
		{ QOS_WEIGHT, "/dev/sdb:1001" }, { QOS_WEIGHT, "/dev/sdb:5mb" },
	};
	struct qos_spec q;
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		unit_case("%s", t[i].in);
		assert_int_equal(parse_qos(t[i].in, t[i].k, &q, &e), -1);
		assert_null(q.path);
		assert_err_line(e);
		assert_err_mentions(e, qos_flag(t[i].k));
		if (t[i].in[0])
			assert_err_mentions(e, t[i].in);
		/* the units of a rate, all of those --help names */
		if (t[i].k == QOS_READ_BPS && strchr(t[i].in, ':') && t[i].in[0] == '/')
			assert_err_mentions(e, "kb, mb, gb, tb or pb");
	}
	unit_case_done();
}

static void cgroup_lines(void **state)
{
	char *l;

	assert_string_equal(qos_v1_file(QOS_READ_BPS, false), "blkio.throttle.read_bps_device");
	assert_string_equal(qos_v1_file(QOS_WRITE_IOPS, false), "blkio.throttle.write_iops_device");
	assert_string_equal(qos_v1_file(QOS_WEIGHT, false), "blkio.weight_device");
	assert_string_equal(qos_v1_file(QOS_WEIGHT, true), "blkio.bfq.weight_device");
	assert_string_equal(qos_v2_file(QOS_READ_BPS, false), "io.max");
	assert_string_equal(qos_v2_file(QOS_WEIGHT, false), "io.weight");
	assert_string_equal(qos_v2_file(QOS_WEIGHT, true), "io.bfq.weight");
	l = qos_v1_line(8, 16, 1048576);
	assert_string_equal(l, "8:16 1048576");
	free(l);
	l = qos_v2_line(QOS_READ_BPS, 8, 16, 1048576);
	assert_string_equal(l, "8:16 rbps=1048576");
	free(l);
	l = qos_v2_line(QOS_WRITE_IOPS, 259, 0, 0);
	assert_string_equal(l, "259:0 wiops=max");
	free(l);
	l = qos_v2_line(QOS_WEIGHT, 8, 0, 0);
	assert_string_equal(l, "8:0 100");
	free(l);
	assert_string_equal(store_qos_key(QOS_WEIGHT), "blkioWeight");
	assert_string_equal(qos_flag(QOS_READ_IOPS), "device-read-iops");
}

static void saved(void **state)
{
	cJSON *doc = cJSON_CreateObject();
	struct saved_qos *q;
	struct err e = { 0 };
	size_t n;

	store_qos_set(doc, QOS_READ_BPS, "/dev/sdb", 8, 16, 100);
	store_qos_set(doc, QOS_READ_BPS, "/dev/sdc", 8, 32, 200);
	store_qos_set(doc, QOS_READ_BPS, "/dev/sdb", 8, 16, 300);     /* replaces */
	assert_int_equal(store_qos(doc, QOS_READ_BPS, &q, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[0].value, 300);
	assert_string_equal(q[1].path, "/dev/sdc");
	free(q);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "readBps"), 0), "value")), "300");
	assert_int_equal(store_qos_remove(doc, QOS_READ_BPS, 8, 16), 1);
	assert_int_equal(store_qos_remove(doc, QOS_READ_BPS, 8, 16), 0);
	assert_int_equal(store_qos_validate(doc, &e), 0);
	cJSON_Delete(doc);
}

static void saved_bad(void **state)
{
	static const char *bad[] = {
		"{\"readBps\":{}}",
		"{\"readBps\":[1]}",
		"{\"readBps\":[{\"major\":8,\"minor\":16,\"path\":\"/dev/sdb\"}]}",
		"{\"readBps\":[{\"major\":8,\"minor\":16,\"path\":\"/dev/sdb\",\"value\":\"-1\"}]}",
		"{\"readBps\":[{\"major\":8,\"minor\":16,\"path\":\"/dev/sdb\",\"value\":\"1mb\"}]}",
		"{\"writeIops\":[{\"major\":8.5,\"minor\":16,\"path\":\"/dev/sdb\",\"value\":\"1\"}]}",
		"{\"blkioWeight\":[{\"major\":8,\"minor\":16,\"path\":\"sdb\",\"value\":\"1\"}]}",
	};
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cJSON *doc = cJSON_Parse(bad[i]);

		unit_case("%s", bad[i]);
		assert_non_null(doc);
		assert_int_equal(store_qos_validate(doc, &e), -1);
		assert_err_line(e);
		cJSON_Delete(doc);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(good_values, unit_case_teardown),
		cmocka_unit_test_teardown(bad_values, unit_case_teardown),
		cmocka_unit_test(cgroup_lines),
		cmocka_unit_test(saved),
		cmocka_unit_test_teardown(saved_bad, unit_case_teardown),
	};

	return cmocka_run_group_tests_name("test_qos", tests, NULL, NULL);
}
