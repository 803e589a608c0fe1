/* Whose network namespace a container runs in, from its config.json, and
 * the decision whether its network may be changed. Also the saved forms
 * that go with it: the consent path and an eth link's original settings. */
#include "unit.h"

#include <cJSON.h>

#include "netns_share.h"
#include "store_net.h"

static void parse_kind(const char *json, enum netns_share want, const char *want_path)
{
	cJSON *c = cJSON_Parse(json);
	enum netns_share kind;
	const char *path = "x";
	struct err e = { 0 };

	assert_non_null(c);
	assert_int_equal(netns_share_parse(c, &kind, &path, &e), 0);
	assert_int_equal(kind, want);
	if (want_path)
		assert_string_equal(path, want_path);
	else
		assert_null(path);
	cJSON_Delete(c);
}

static void kinds(void **state)
{
	parse_kind("{}", NETNS_HOST, NULL);
	parse_kind("{\"linux\":{}}", NETNS_HOST, NULL);
	parse_kind("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}",
		   NETNS_HOST, NULL);
	parse_kind("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"}]}}",
		   NETNS_OWN, NULL);
	parse_kind("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"\"}]}}",
		   NETNS_OWN, NULL);
	parse_kind("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/x\"}]}}",
		   NETNS_PATH, "/run/netns/x");
}

static void bad_config(void **state)
{
	static const char *const bad[] = {
		"{\"linux\":{\"namespaces\":{}}}",
		"{\"linux\":{\"namespaces\":[{\"type\":5}]}}",
		"{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":[]}]}}",
	};
	enum netns_share kind;
	const char *path;
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *c = cJSON_Parse(bad[i]);

		err_clear(&e);
		assert_int_equal(netns_share_parse(c, &kind, &path, &e), -1);
		assert_err_line(e);
		cJSON_Delete(c);
	}
}

static void decisions(void **state)
{
	struct err e = { 0 };

	assert_int_equal(netns_share_check("c1", NETNS_OWN, NULL, false, NULL, &e), 0);
	/* the host's namespace: never, consent or not, whatever the config says */
	assert_int_equal(netns_share_check("c1", NETNS_HOST, NULL, false, NULL, &e), -1);
	assert_err(e, EPERM, "shares the host's network namespace");
	err_clear(&e);
	assert_int_equal(netns_share_check("c1", NETNS_OWN, NULL, true, NULL, &e), -1);
	assert_err_mentions(e, "host's");
	err_clear(&e);
	assert_int_equal(netns_share_check("c1", NETNS_PATH, "/proc/1/ns/net", true,
					   "/proc/1/ns/net", &e), -1);
	assert_err_mentions(e, "host's");
	/* another's namespace: only with consent for that very path */
	err_clear(&e);
	assert_int_equal(netns_share_check("c1", NETNS_PATH, "/run/netns/a", false, NULL, &e), -1);
	assert_int_equal(e.code, EPERM);
	assert_err_mentions(e, "--allow-shared-netns");
	assert_err_mentions(e, "/run/netns/a");
	err_clear(&e);
	assert_int_equal(netns_share_check("c1", NETNS_PATH, "/run/netns/a", false, "/run/netns/b",
					   &e), -1);
	assert_err_mentions(e, "/run/netns/b");
	assert_int_equal(netns_share_check("c1", NETNS_PATH, "/run/netns/a", false, "/run/netns/a",
					   &e), 0);
}

static void consent_saved(void **state)
{
	cJSON *doc = cJSON_CreateObject();
	const char *path = "x";
	struct err e = { 0 };

	assert_int_equal(store_net_consent(doc, &path, &e), 0);
	assert_null(path);
	store_set_net_consent(doc, "/run/netns/a");
	store_set_net_consent(doc, "/run/netns/b");
	assert_int_equal(store_net_consent(doc, &path, &e), 0);
	assert_string_equal(path, "/run/netns/b");
	assert_int_equal(store_net_validate(doc, &e), 0);
	store_set_net_consent(doc, NULL);
	assert_int_equal(store_net_consent(doc, &path, &e), 0);
	assert_null(path);
	cJSON_AddStringToObject(doc, "networkSharedNamespace", "relative");
	assert_int_equal(store_net_validate(doc, &e), -1);
	assert_err_line(e);
	cJSON_Delete(doc);
}

/* An eth link's original MAC, MTU and state survive the store; unknown
 * ones stay unknown; bad ones are refused. */
static void eth_orig_saved(void **state)
{
	struct nic_spec n = { "eth", "enp9", "eth1", "10.0.0.2/24", "", 1500, 1000, "",
			      "02:11:22:33:44:55", 9000, 1 };
	struct nic_spec *got = NULL;
	cJSON *doc = cJSON_CreateObject();
	size_t k = 0;
	struct err e = { 0 };

	store_add_nic(doc, &n);
	n.orig_mac[0] = '\0';
	n.orig_mtu = 0;
	n.orig_up = -1;
	strcpy(n.ctr, "eth2");
	strcpy(n.host, "enp8");
	strcpy(n.ip, "10.0.0.3/24");
	store_add_nic(doc, &n);
	assert_int_equal(store_nics(doc, &got, &k, &e), 0);
	assert_int_equal(k, 2);
	assert_string_equal(got[0].orig_mac, "02:11:22:33:44:55");
	assert_int_equal(got[0].orig_mtu, 9000);
	assert_int_equal(got[0].orig_up, 1);
	assert_string_equal(got[1].orig_mac, "");
	assert_int_equal(got[1].orig_mtu, 0);
	assert_int_equal(got[1].orig_up, -1);
	free(got);
	cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "networkInterfaces"), 1),
				"OrigMac", "zz");
	assert_int_equal(store_nics(doc, &got, &k, &e), -1);
	assert_err_mentions(e, "OrigMac");
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test(bad_config),
		cmocka_unit_test(decisions),
		cmocka_unit_test(consent_saved),
		cmocka_unit_test(eth_orig_saved),
	};

	return cmocka_run_group_tests_name("test_netns_share", tests, NULL, NULL);
}
