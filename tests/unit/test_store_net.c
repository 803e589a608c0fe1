/* The store's API for the network and QoS parts of hook.json and for
 * documents taken in from elsewhere: callers never spell a key. */
#include "unit.h"

#include <cJSON.h>

#include "json.h"
#include "store.h"
#include "store_import.h"
#include "store_net.h"
#include "store_qos.h"
#include "unit_net.h"
#include "util.h"

static cJSON *parse(const char *text)
{
	cJSON *doc = NULL;
	struct err e = { 0 };

	assert_int_equal(json_parse(text, strlen(text), &doc, &e), 0);
	return doc;
}

static void nics_and_routes_round_trip(void **state)
{
	_cleanup_cjson_ cJSON *doc = cJSON_CreateObject();
	struct nic_spec a = unit_veth("ha", "eth1", "10.0.0.2/24"), b = unit_veth("hb", "eth2", "fd00::2/64");
	struct route_spec r = { .dest = "default", .gw = "10.0.0.1", .dev = "eth1" };
	struct nic_spec *nics = NULL;
	struct route_spec *routes = NULL;
	struct err e = { 0 };
	size_t nn = 0, nr = 0;

	(void)state;
	b.mtu = 1400;
	strcpy(b.bridge, "br0");
	store_add_nic(doc, &a);
	store_add_nic(doc, &b);
	store_add_route(doc, &r);
	assert_int_equal(store_nics(doc, &nics, &nn, &e), 0);
	assert_int_equal(store_routes(doc, &routes, &nr, &e), 0);
	assert_int_equal(nn, 2);
	assert_memory_equal(&nics[0], &a, sizeof(a));
	assert_memory_equal(&nics[1], &b, sizeof(b));
	assert_int_equal(nr, 1);
	assert_true(route_equal(&routes[0], &r));
	/* the lists as saved, for list-nic and list-route */
	assert_int_equal(cJSON_GetArraySize(store_nics_json(doc)), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(store_nics_json(doc), 1),
						"Bridge")->valuestring, "br0");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(store_routes_json(doc), 0),
						"gw")->valuestring, "10.0.0.1");
	store_remove_route(doc, 0);
	store_remove_nic(doc, 0);
	free(nics);
	free(routes);
	assert_int_equal(store_nics(doc, &nics, &nn, &e), 0);
	assert_int_equal(nn, 1);
	assert_string_equal(nics[0].ctr, "eth2");
	assert_int_equal(cJSON_GetArraySize(store_routes_json(doc)), 0);
	free(nics);
}

/* The runtime record's list: absent (an old record), set, and edited by name. */
static void nic_list_of_a_record(void **state)
{
	_cleanup_cjson_ cJSON *doc = cJSON_CreateObject();
	struct nic_spec two[2] = { unit_veth("ha", "eth1", "10.0.0.2/24"), unit_veth("hb", "eth2", "10.1.0.2/24") };
	struct nic_spec *got = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_false(store_has_nics(doc));
	assert_null(store_nics_json(doc));
	assert_false(store_remove_nic_named(doc, "eth1"));
	store_set_nics(doc, two, 0);
	assert_true(store_has_nics(doc));
	store_set_nics(doc, two, 2);
	store_set_nics(doc, two, 2);            /* replaced, not appended */
	assert_int_equal(cJSON_GetArraySize(store_nics_json(doc)), 2);
	assert_true(store_remove_nic_named(doc, "eth1"));
	assert_false(store_remove_nic_named(doc, "eth1"));
	assert_false(store_remove_nic_named(doc, "ha"));  /* a host name is not the name */
	assert_int_equal(store_nics(doc, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].ctr, "eth2");
	free(got);
}

/* Refreshed device numbers replace the saved list whole, in order. */
static void devices_replaced(void **state)
{
	struct saved_device d[2] = {
		{ 'b', 7, 0, "/dev/loop0", "/dev/loop0", "rwm", "", false, { 0 } },
		{ 'c', 1, 3, "/dev/null", "/dev/n", "rw", "", false, { 0 } },
	};
	struct store s = { .doc = cJSON_CreateObject(), .lock_fd = -1 };
	struct saved_device *got = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	store_add_device(&s, &d[1]);
	d[0].minor = 5;         /* renumbered */
	store_set_devices(&s, d, 2);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].minor, 5);
	assert_string_equal(got[1].ctr, "/dev/n");
	saved_devices_free(got, n);
	store_set_devices(&s, d, 0);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 0);
	cJSON_Delete(s.doc);
}

static void qos_keys(void **state)
{
	static const char *const want[QOS_KINDS] = {
		"readBps", "writeBps", "readIops", "writeIops", "blkioWeight",
	};

	(void)state;
	for (int k = 0; k < QOS_KINDS; k++)
		assert_string_equal(store_qos_key((enum qos_kind)k), want[k]);
}

/* Keys of another case come out in the store's spelling, values untouched. */
static void respell_keys(void **state)
{
	_cleanup_cjson_ cJSON *in = parse(
		"{\"NETWORKINTERFACES\":[{\"ip\":\"10.0.0.2/24\",\"TYPE\":\"veth\","
		"\"hostnicname\":\"ha\",\"CtrNicName\":\"eth1\",\"mtu\":1500}],"
		"\"networkroute\":[{\"DEST\":\"default\",\"Gw\":\"10.0.0.1\"}],"
		"\"READBPS\":[{\"MAJOR\":8,\"Minor\":0,\"Path\":\"/dev/sda\",\"VALUE\":\"1024\"}],"
		"\"BindToAdd\":[\"/a:/b:ro\"]}");
	_cleanup_cjson_ cJSON *want = parse(
		"{\"networkInterfaces\":[{\"Ip\":\"10.0.0.2/24\",\"Type\":\"veth\","
		"\"HostNicName\":\"ha\",\"CtrNicName\":\"eth1\",\"Mtu\":1500}],"
		"\"networkRoute\":[{\"dest\":\"default\",\"gw\":\"10.0.0.1\"}],"
		"\"readBps\":[{\"major\":8,\"minor\":0,\"path\":\"/dev/sda\",\"value\":\"1024\"}],"
		"\"bindToAdd\":[\"/a:/b:ro\"]}");
	_cleanup_cjson_ cJSON *out = NULL;
	struct err e = { 0 };

	(void)state;
	out = store_respell(in, &e);
	assert_non_null(out);
	assert_true(cJSON_Compare(out, want, true));
}

/* A document, and the message it is refused with (NULL: accepted). */
struct doc_row {
	const char *doc, *msg;
};

/* @check takes or refuses (EINVAL, the row's message) each row's document. */
static void check_rows(const struct doc_row *rows, size_t n,
		       int (*check)(const cJSON *doc, struct err *e))
{
	for (size_t k = 0; k < n; k++) {
		_cleanup_cjson_ cJSON *doc = parse(rows[k].doc);
		struct err e = { 0 };

		unit_case("%s", rows[k].doc);
		if (!rows[k].msg) {
			assert_int_equal(check(doc, &e), 0);
			continue;
		}
		assert_int_equal(check(doc, &e), -1);
		assert_int_equal(e.code, EINVAL);
		assert_string_equal(e.msg, rows[k].msg);
	}
	unit_case_done();
}

static int respell(const cJSON *doc, struct err *e)
{
	_cleanup_cjson_ cJSON *out = store_respell(doc, e);

	return out ? 0 : -1;
}

static void respell_refused(void **state)
{
	static const struct doc_row rows[] = {
		{ "[]", "not a JSON object" },
		{ "{\"devices\":[]}", "unknown field \"devices\"" },
		{ "{\"bindToAdd\":[],\"BINDTOADD\":[]}", "repeated field \"BINDTOADD\"" },
		{ "{\"networkRoute\":[{\"dest\":\"default\"},{\"via\":\"x\"}]}",
		  "networkRoute[1]: unknown field \"via\"" },
		{ "{\"networkInterfaces\":[{\"Ip\":\"a\",\"IP\":\"b\"}]}",
		  "networkInterfaces[0]: repeated field \"IP\"" },
	};

	(void)state;
	check_rows(rows, ARRAY_SIZE(rows), respell);
}

#define NIC_JSON(ctr, ip) \
	"{\"Type\":\"veth\",\"HostNicName\":\"h" ctr "\",\"CtrNicName\":\"" ctr "\",\"Ip\":\"" ip "\"}"

static void unique_names(void **state)
{
	static const struct doc_row rows[] = {
		{ "{\"networkInterfaces\":[" NIC_JSON("eth1", "10.0.0.2/24") ","
		  NIC_JSON("eth2", "10.0.1.2/24") "],\"bindToAdd\":[\"/a:/b\",\"/a:/c\"]}", NULL },
		{ "{\"networkInterfaces\":[" NIC_JSON("eth1", "10.0.0.2/24") ","
		  NIC_JSON("eth2", "10.0.1.2/24") "," NIC_JSON("eth1", "10.0.2.2/24") "]}",
		  "networkInterfaces[0] and [2] both name eth1 in the container" },
		{ "{\"bindToAdd\":[\"/a:/b\",\"/c:/d\",\"/e:/d:ro\"]}",
		  "bindToAdd[1] and [2] both use container path /d" },
	};

	(void)state;
	check_rows(rows, ARRAY_SIZE(rows), store_check_unique);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nics_and_routes_round_trip),
		cmocka_unit_test(nic_list_of_a_record),
		cmocka_unit_test(devices_replaced),
		cmocka_unit_test(qos_keys),
		cmocka_unit_test(respell_keys),
		UNIT_TEST(respell_refused),
		UNIT_TEST(unique_names),
	};

	return cmocka_run_group_tests_name("test_store_net", tests, NULL, NULL);
}
