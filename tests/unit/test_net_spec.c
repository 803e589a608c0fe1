/* Network values: interface names, addresses, MAC, MTU, qlen, nic and
 * route rules, the JSON route form, matching and conflicts. */
#include "unit.h"

#include <arpa/inet.h>

#include "net_spec.h"

static void ifnames(void **state)
{
	static const char *good[] = { "eth0", "a", "veth_1.2-x", "012345678901234" };
	static const char *bad[] = { "", ".", "..", "0123456789abcdef", "a/b", "a:b", "a b",
				     "eth0\n", "ä" };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		unit_case("good %s", good[i]);
		assert_true(ifname_valid(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unit_case("bad %s", bad[i]);
		assert_false(ifname_valid(bad[i]));
	}
	unit_case_done();
}

static void nic_names(void **state)
{
	static const struct { const char *in, *host, *ctr; } good[] = {
		{ "eth1", "", "eth1" }, { "vh1:eth1", "vh1", "eth1" }, { ":eth1", "", "eth1" },
	};
	static const char *bad[] = { "", "vh1:", "a:b:c", "bad/name:eth1", "vh1:bad/x",
				     "0123456789abcdef:eth1", "vh1:0123456789abcdef" };
	char host[IFNAMSIZ], ctr[IFNAMSIZ];
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_nic_name(good[i].in, host, ctr, &e), 0);
		assert_string_equal(host, good[i].host);
		assert_string_equal(ctr, good[i].ctr);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unit_case("bad %s", bad[i]);
		assert_int_equal(parse_nic_name(bad[i], host, ctr, &e), -1);
		assert_err_line(e);
	}
	unit_case_done();
}

static void addresses(void **state)
{
	static const struct { const char *in, *out; int family; } good[] = {
		{ "10.0.0.2/24", "10.0.0.2/24", AF_INET }, { "0.0.0.0/0", "0.0.0.0/0", AF_INET },
		{ "fd00::1/64", "fd00::1/64", AF_INET6 }, { "FD00:0::1/128", "fd00::1/128", AF_INET6 },
	};
	static const char *bad_cidr[] = { "", "10.0.0.2", "10.0.0.2/", "10.0.0.2/33",
					  "10.0.0.2/-1", "10.0.0.2/+8", "10.0.0.2/8x", "300.0.0.1/8",
					  "fd00::1/129", "host/24", "10.0.0.2/24/1", "/24" };
	static const char *bad_ip[] = { "", "10.0.0.2/24", "10.0.0", "::g", " 10.0.0.1" };
	struct ip_addr a;
	struct err e = { 0 };
	char text[64];

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_cidr(good[i].in, &a, &e), 0);
		assert_int_equal(a.family, good[i].family);
		ip_addr_format(&a, text, sizeof(text));
		assert_string_equal(text, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad_cidr) / sizeof(*bad_cidr); i++) {
		unit_case("bad cidr %s", bad_cidr[i]);
		assert_int_equal(parse_cidr(bad_cidr[i], &a, &e), -1);
		assert_err_line(e);
		assert_err_mentions(e, bad_cidr[i]);
	}
	assert_int_equal(parse_ip("10.0.0.1", &a, &e), 0);
	assert_int_equal(a.prefix, -1);
	ip_addr_format(&a, text, sizeof(text));
	assert_string_equal(text, "10.0.0.1");
	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(*bad_ip); i++) {
		unit_case("bad ip %s", bad_ip[i]);
		assert_int_equal(parse_ip(bad_ip[i], &a, &e), -1);
		assert_err_line(e);
	}
	unit_case_done();
}

static void macs_mtus_qlens(void **state)
{
	static const char *bad_mac[] = { "", "02:00:00:00:00", "02:00:00:00:00:0g",
					 "02-00-00-00-00-01", "02:00:00:00:00:01:02",
					 "01:00:5e:00:00:01", "00:00:00:00:00:00", "2:0:0:0:0:1",
					 "02:00:00:00:00:1 " };
	static const char *bad_mtu[] = { "", "67", "65536", "-1500", "+1500", "15x", "1e3",
					 "99999999999" };
	static const char *bad_qlen[] = { "", "-1", "1000001", "abc", "10 " };
	unsigned char mac[6];
	struct err e = { 0 };
	int v;

	assert_int_equal(parse_mac("02:5C:00:00:00:0a", mac, &e), 0);
	assert_int_equal(mac[1], 0x5c);
	for (size_t i = 0; i < sizeof(bad_mac) / sizeof(*bad_mac); i++) {
		unit_case("bad mac '%s'", bad_mac[i]);
		assert_int_equal(parse_mac(bad_mac[i], mac, &e), -1);
		assert_err_line(e);
	}
	assert_int_equal(parse_mtu("68", &v, &e), 0);
	assert_int_equal(v, 68);
	assert_int_equal(parse_mtu("65535", &v, &e), 0);
	for (size_t i = 0; i < sizeof(bad_mtu) / sizeof(*bad_mtu); i++) {
		unit_case("bad mtu '%s'", bad_mtu[i]);
		assert_int_equal(parse_mtu(bad_mtu[i], &v, &e), -1);
		assert_err_line(e);
		assert_err_mentions(e, bad_mtu[i]);
	}
	assert_int_equal(parse_qlen("0", &v, &e), 0);
	assert_int_equal(v, 0);
	for (size_t i = 0; i < sizeof(bad_qlen) / sizeof(*bad_qlen); i++) {
		unit_case("bad qlen '%s'", bad_qlen[i]);
		assert_int_equal(parse_qlen(bad_qlen[i], &v, &e), -1);
		assert_err_line(e);
	}
	unit_case_done();
}

static const struct nic_spec base = {
	"veth", "vh1", "eth1", "10.0.0.2/24", "02:00:00:00:00:01", 1500, 1000, "br0",
};

static void nic_rules(void **state)
{
	struct { const char *what; struct nic_spec n; } bad[12];
	struct err e = { 0 };
	struct nic_spec n = base;
	size_t k = 0;

	assert_int_equal(nic_validate(&n, &e), 0);
	n.host[0] = '\0';       /* veth: host name made later */
	assert_int_equal(nic_validate(&n, &e), 0);
	n = base;
	strcpy(n.type, "eth");
	n.bridge[0] = '\0';
	assert_int_equal(nic_validate(&n, &e), 0);

#define BAD(w, field, value) do { bad[k].what = w; bad[k].n = base; \
		strcpy(bad[k].n.field, value); k++; } while (0)
	BAD("type", type, "tap");
	BAD("ctr name", ctr, "bad/x");
	BAD("ctr empty", ctr, "");
	BAD("host name", host, "a b");
	BAD("ip missing", ip, "");
	BAD("ip no prefix", ip, "10.0.0.2");
	BAD("mac", mac, "01:00:00:00:00:01");
	BAD("bridge", bridge, "b/r");
#undef BAD
	bad[k].what = "eth needs host"; bad[k].n = base; strcpy(bad[k].n.type, "eth");
	bad[k].n.host[0] = bad[k].n.bridge[0] = '\0'; k++;
	bad[k].what = "eth with bridge"; bad[k].n = base; strcpy(bad[k].n.type, "eth"); k++;
	bad[k].what = "mtu"; bad[k].n = base; bad[k].n.mtu = 67; k++;
	bad[k].what = "qlen"; bad[k].n = base; bad[k].n.qlen = -1; k++;
	for (size_t i = 0; i < k; i++) {
		unit_case("%s", bad[i].what);
		assert_int_equal(nic_validate(&bad[i].n, &e), -1);
		assert_err_line(e);
	}
	unit_case_done();
}

static void conflicts(void **state)
{
	struct nic_spec saved[2] = { base, base };
	struct nic_spec n = base;
	struct err e = { 0 };

	strcpy(saved[1].ctr, "eth2");
	strcpy(saved[1].host, "vh2");
	strcpy(saved[1].ip, "10.0.1.2/24");
	strcpy(saved[1].mac, "02:00:00:00:00:02");
	/* a wholly different nic */
	strcpy(n.ctr, "eth3");
	strcpy(n.host, "vh3");
	strcpy(n.ip, "10.0.2.2/24");
	strcpy(n.mac, "02:00:00:00:00:03");
	assert_int_equal(nic_conflicts(&n, saved, 2, &e), 0);
	/* each field alone conflicts */
	{
		struct nic_spec c = n;

		strcpy(c.ctr, "eth2");
		assert_int_equal(nic_conflicts(&c, saved, 2, &e), -1);
		assert_err_mentions(e, "eth2");
		c = n;
		strcpy(c.host, "vh1");
		assert_int_equal(nic_conflicts(&c, saved, 2, &e), -1);
		assert_err_mentions(e, "vh1");
		c = n;
		strcpy(c.mac, "02:00:00:00:00:02");
		assert_int_equal(nic_conflicts(&c, saved, 2, &e), -1);
		c = n;
		strcpy(c.ip, "10.0.1.2/16");    /* same address, other prefix */
		assert_int_equal(nic_conflicts(&c, saved, 2, &e), -1);
		assert_err_mentions(e, "10.0.1.2/16");
	}
	assert_int_equal(nic_conflicts(&n, saved, NIC_MAX_PER_CONTAINER, &e), -1);
}

static void routes(void **state)
{
	static const struct route_spec good[] = {
		{ "default", "", "10.0.0.1", "" }, { "", "", "", "eth1" },
		{ "10.9.0.0/16", "10.0.0.2", "10.0.0.1", "eth1" }, { "fd00:1::/64", "", "fd00::1", "" },
	};
	static const struct { const char *what; struct route_spec r; } bad[] = {
		{ "no gw or dev", { "10.9.0.0/16", "", "", "" } },
		{ "bad dest", { "10.9.0.0/99", "", "10.0.0.1", "" } },
		{ "dest without prefix", { "10.9.0.0", "", "10.0.0.1", "" } },
		{ "bad gw", { "default", "", "gateway", "" } },
		{ "gw with prefix", { "default", "", "10.0.0.1/24", "" } },
		{ "bad src", { "default", "nope", "10.0.0.1", "" } },
		{ "mixed families", { "10.9.0.0/16", "", "fd00::1", "" } },
		{ "src and gw differ", { "default", "fd00::2", "10.0.0.1", "" } },
		{ "bad dev", { "default", "", "", "bad/dev" } },
	};
	struct route_spec filter = { "", "", "", "" };
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		unit_case("good route %zu", i);
		assert_int_equal(route_validate(&good[i], &e), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unit_case("%s", bad[i].what);
		assert_int_equal(route_validate(&bad[i].r, &e), -1);
		assert_err_line(e);
	}
	unit_case_done();
	/* a filter needs no target */
	strcpy(filter.dest, "10.9.0.0/16");
	assert_int_equal(route_filter_validate(&filter, &e), 0);
	assert_int_equal(route_validate(&filter, &e), -1);
	/* matching and equality */
	assert_true(route_matches(&filter, &good[2]));
	assert_false(route_matches(&filter, &good[0]));
	strcpy(filter.dest, "default");
	assert_true(route_matches(&filter, &good[0]));
	assert_true(route_matches(&filter, &good[1]));  /* "" is the default route too */
	assert_true(route_equal(&good[0], &(struct route_spec){ "", "", "10.0.0.1", "" }));
	assert_false(route_equal(&good[0], &good[1]));
}

static void routes_json(void **state)
{
	static const char *bad[] = {
		"", "[", "{}", "[]", "[1]", "[{\"dest\":5}]", "[{\"metric\":\"1\",\"dev\":\"eth1\"}]",
		"[{\"dest\":\"default\"}]", "[{\"dev\":\"eth1\"},{\"gw\":\"x\"}]", "\"default\"",
	};
	struct route_spec *r = NULL;
	struct err e = { 0 };
	size_t n = 0;

	assert_int_equal(parse_routes_json("[{\"dest\":\"10.1.0.0/16\",\"gw\":\"10.0.0.1\","
					   "\"dev\":\"eth1\"},{\"dev\":\"eth1\"}]", false, &r, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].dest, "10.1.0.0/16");
	assert_string_equal(r[1].dev, "eth1");
	free(r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unit_case("bad json %s", bad[i]);
		assert_int_equal(parse_routes_json(bad[i], false, &r, &n, &e), -1);
		assert_null(r);
		assert_int_equal(n, 0);
		assert_err_line(e);
	}
	unit_case_done();
	/* as filters, a dest alone is enough */
	assert_int_equal(parse_routes_json("[{\"dest\":\"default\"}]", true, &r, &n, &e), 0);
	free(r);
	assert_int_equal(parse_routes_json("[{\"dev\":\"eth1\"},{\"gw\":\"x\"}]", true, &r, &n, &e), -1);
	assert_err_mentions(e, "route 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(ifnames, unit_case_teardown),
		cmocka_unit_test_teardown(nic_names, unit_case_teardown),
		cmocka_unit_test_teardown(addresses, unit_case_teardown),
		cmocka_unit_test_teardown(macs_mtus_qlens, unit_case_teardown),
		cmocka_unit_test_teardown(nic_rules, unit_case_teardown),
		cmocka_unit_test(conflicts),
		cmocka_unit_test_teardown(routes, unit_case_teardown),
		cmocka_unit_test_teardown(routes_json, unit_case_teardown),
	};

	return cmocka_run_group_tests_name("test_net_spec", tests, NULL, NULL);
}
