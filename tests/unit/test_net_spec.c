/* Network values: interface names, addresses, MAC, MTU, qlen, nic rules
 * and conflicts (routes: test_net_route.c). Every table of bad input
 * checks the same three things: -1, a one-line message, and the offending
 * value named in it (when the row gives one). */
#include "unit.h"
#include "unit_net.h"

#include <arpa/inet.h>

static void ifnames(void **state)
{
	static const char *good[] = { "eth0", "a", "veth_1.2-x", "012345678901234", "...", "-",
				      "A.b", "br-0123456789a" };
	static const char *bad[] = { "", ".", "..", "0123456789abcdef", "a/b", "a:b", "a b",
				     "eth0\n", "\xc3\xa4", "eth\xe9", "a\tb", "%d", "eth0*" };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good %s", good[i]);
		assert_true(ifname_valid(good[i]));
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad %s", bad[i]);
		assert_false(ifname_valid(bad[i]));
	}
	unit_case_done();
	assert_false(ifname_valid(NULL));
}

static void nic_names(void **state)
{
	static const struct { const char *in, *host, *ctr; } good[] = {
		{ "eth1", "", "eth1" },
		{ "vh1:eth1", "vh1", "eth1" },
		{ ":eth1", "", "eth1" },
		{ "012345678901234:012345678901234", "012345678901234", "012345678901234" },
		{ "v.h-1:c_1", "v.h-1", "c_1" },
	};
	static const struct { const char *in, *mention; } bad[] = {
		{ "", "" },
		{ "vh1:", "vh1:" },
		{ ":", ":" },
		{ "a:b:c", "a:b:c" },
		{ "vh1::eth1", "vh1::eth1" },
		{ "bad/name:eth1", "bad/name" },
		{ "vh1:bad/x", "bad/x" },
		{ "0123456789abcdef:eth1", "0123456789abcdef" },
		{ "vh1:0123456789abcdef", "0123456789abcdef" },
		{ "..:eth1", ".." },
		{ "vh1:.", "'.'" },
		{ "vh 1:eth1", "vh 1" },
	};
	char host[IFNAMSIZ], ctr[IFNAMSIZ];
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_nic_name(good[i].in, host, ctr, &e), 0);
		assert_string_equal(host, good[i].host);
		assert_string_equal(ctr, good[i].ctr);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad %s", bad[i].in);
		assert_bad(parse_nic_name(bad[i].in, host, ctr, &e), e, bad[i].mention);
		assert_int_equal(e.code, EINVAL);
	}
	unit_case_done();
}

static void cidrs(void **state)
{
	static const struct { const char *in, *out; int family, prefix; } good[] = {
		{ "10.0.0.2/24", "10.0.0.2/24", AF_INET, 24 },
		{ "0.0.0.0/0", "0.0.0.0/0", AF_INET, 0 },
		{ "255.255.255.255/32", "255.255.255.255/32", AF_INET, 32 },
		{ "fd00::1/64", "fd00::1/64", AF_INET6, 64 },
		{ "FD00:0::1/128", "fd00::1/128", AF_INET6, 128 },
		{ "::/0", "::/0", AF_INET6, 0 },
		{ "fd00:0:0:0:0:0:0:1/48", "fd00::1/48", AF_INET6, 48 },
		{ "::ffff:10.0.0.1/96", "::ffff:10.0.0.1/96", AF_INET6, 96 },
	};
	static const char *bad[] = {
		"", "10.0.0.2", "10.0.0.2/", "10.0.0.2/33", "10.0.0.2/-1", "10.0.0.2/+8",
		"10.0.0.2/8x", "10.0.0.2/ 8", "10.0.0.2 /8", "300.0.0.1/8", "10.0.0/8",
		"fd00::1/129", "host/24", "10.0.0.2/24/1", "/24", "fe80::1%eth0/64",
		"10.0.0.2/99999999999", "10.0.0.2/4294967320", "fd00:::1/64", "0x0a.0.0.1/8",
	};
	struct ip_addr a;
	struct err e = { 0 };
	char text[64];

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_cidr(good[i].in, &a, &e), 0);
		assert_int_equal(a.family, good[i].family);
		assert_int_equal(a.prefix, good[i].prefix);
		ip_addr_format(&a, text, sizeof(text));
		assert_string_equal(text, good[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad cidr %s", bad[i]);
		assert_bad(parse_cidr(bad[i], &a, &e), e, bad[i]);
	}
	unit_case_done();
	/* the range is named for the family at hand */
	assert_bad(parse_cidr("10.0.0.2/33", &a, &e), e, "0 to 32");
	assert_bad(parse_cidr("fd00::1/129", &a, &e), e, "0 to 128");
	/* a long input is cut short in the message, which stays one line */
	assert_bad(parse_cidr("1111111111111111111111111111111111111111111111111111111111111111"
			      "1111111111111111/8", &a, &e), e, "11111111");
}

static void bare_ips(void **state)
{
	static const struct { const char *in, *out; int family; } good[] = {
		{ "10.0.0.1", "10.0.0.1", AF_INET },
		{ "0.0.0.0", "0.0.0.0", AF_INET },
		{ "fd00::1", "fd00::1", AF_INET6 },
		{ "FE80:0:0::A", "fe80::a", AF_INET6 },
		{ "::", "::", AF_INET6 },
	};
	static const struct { const char *in, *mention; } bad[] = {
		{ "", "''" },
		{ "10.0.0.2/24", "prefix" },
		{ "fd00::1/64", "fd00::1/64" },
		{ "10.0.0", "10.0.0" },
		{ "::g", "::g" },
		{ " 10.0.0.1", " 10.0.0.1" },
		{ "10.0.0.1 ", "10.0.0.1 " },
		{ "1.2.3.4.5", "1.2.3.4.5" },
		{ "localhost", "localhost" },
		{ "10.0.0.1\n", NULL },
		{ "1111111111111111111111111111111111111111111111111111111111111111111", "1111111" },
	};
	struct ip_addr a;
	struct err e = { 0 };
	char text[64];

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_ip(good[i].in, &a, &e), 0);
		assert_int_equal(a.family, good[i].family);
		assert_int_equal(a.prefix, -1);
		ip_addr_format(&a, text, sizeof(text));
		assert_string_equal(text, good[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad ip %s", bad[i].in);
		assert_bad(parse_ip(bad[i].in, &a, &e), e, bad[i].mention);
	}
	unit_case_done();
	/* a short buffer is cut, never overrun */
	assert_int_equal(parse_cidr("10.0.0.2/24", &a, &e), 0);
	memset(text, 'x', sizeof(text));
	ip_addr_format(&a, text, 5);
	assert_string_equal(text, "10.0");
	assert_int_equal(text[5], 'x');
	ip_addr_format(&a, text, 12);
	assert_string_equal(text, "10.0.0.2/24");
	ip_addr_format(&a, text, 10);
	assert_string_equal(text, "10.0.0.2/");
}

static void macs(void **state)
{
	static const struct { const char *in; unsigned char mac[6]; } good[] = {
		{ "02:5C:00:00:00:0a", { 0x02, 0x5c, 0, 0, 0, 0x0a } },
		{ "fe:ff:ff:ff:ff:ff", { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "00:00:00:00:00:01", { 0, 0, 0, 0, 0, 1 } },
		{ "AA:bb:CC:dd:EE:f0", { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0 } },
	};
	static const struct { const char *in, *mention; } bad[] = {
		{ "", "''" },
		{ "02:00:00:00:00", "02:00:00:00:00" },
		{ "02:00:00:00:00:0g", "02:00:00:00:00:0g" },
		{ "02-00-00-00-00-01", "02-00-00-00-00-01" },
		{ "02:00:00:00:00:01:02", "02:00:00:00:00:01:02" },
		{ "01:00:5e:00:00:01", "multicast" },
		{ "ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff" },
		{ "00:00:00:00:00:00", "all zero" },
		{ "2:0:0:0:0:1", "2:0:0:0:0:1" },
		{ "02:00:00:00:00:1 ", "02:00:00:00:00:1 " },
		{ "0x:00:00:00:00:01", "0x:00:00:00:00:01" },
		{ "02:00:00:00:00:+1", "02:00:00:00:00:+1" },
		{ "02:00:00:00:00: 1", "02:00:00:00:00: 1" },
		{ "020000000000000001", "020000000000000001" },
		{ "02:00:00:00:0001", "02:00:00:00:0001" },
		{ "02:00:00:00:00:0\n", NULL },
	};
	unsigned char mac[6];
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good %s", good[i].in);
		assert_int_equal(parse_mac(good[i].in, mac, &e), 0);
		assert_memory_equal(mac, good[i].mac, 6);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad mac '%s'", bad[i].in);
		assert_bad(parse_mac(bad[i].in, mac, &e), e, bad[i].mention);
	}
	unit_case_done();
}

static void mtus_qlens(void **state)
{
	static const struct { const char *in; int v; } good_mtu[] = {
		{ "68", 68 }, { "1500", 1500 }, { "9000", 9000 }, { "65535", 65535 },
	};
	static const char *bad_mtu[] = { "", "0", "67", "65536", "-1500", "+1500", "15x", "1e3",
					 "99999999999", " 1500", "1500 ", "0x5dc", "4294968796",
					 "1 500", "1500.0" };
	static const struct { const char *in; int v; } good_qlen[] = {
		{ "0", 0 }, { "1000", 1000 }, { "1000000", 1000000 },
	};
	static const char *bad_qlen[] = { "", "-1", "+0", "1000001", "abc", "10 ", "4294967296",
					  "99999999999999999999" };
	struct err e = { 0 };
	int v;

	for (size_t i = 0; i < N(good_mtu); i++) {
		unit_case("good mtu %s", good_mtu[i].in);
		assert_int_equal(parse_mtu(good_mtu[i].in, &v, &e), 0);
		assert_int_equal(v, good_mtu[i].v);
	}
	for (size_t i = 0; i < N(bad_mtu); i++) {
		unit_case("bad mtu '%s'", bad_mtu[i]);
		v = 4242;
		assert_bad(parse_mtu(bad_mtu[i], &v, &e), e, bad_mtu[i]);
		assert_int_equal(v, 4242);      /* untouched on error */
	}
	for (size_t i = 0; i < N(good_qlen); i++) {
		unit_case("good qlen %s", good_qlen[i].in);
		assert_int_equal(parse_qlen(good_qlen[i].in, &v, &e), 0);
		assert_int_equal(v, good_qlen[i].v);
	}
	for (size_t i = 0; i < N(bad_qlen); i++) {
		unit_case("bad qlen '%s'", bad_qlen[i]);
		assert_bad(parse_qlen(bad_qlen[i], &v, &e), e, bad_qlen[i]);
	}
	unit_case_done();
}

/* type, host, ctr, ip, mac, mtu, qlen, bridge */

static void nic_rules(void **state)
{
	static const struct nic_spec good[] = {
		NIC("veth", "vh1", "eth1", "10.0.0.2/24", "02:00:00:00:00:01", 1500, 1000, "br0"),
		NIC("veth", "", "eth1", "10.0.0.2/24", "", 1500, 1000, ""),
		NIC("eth", "enp1s0", "eth1", "fd00::2/64", "", 9000, 0, ""),
		NIC("veth", "vh1", "eth1", "10.0.0.2/32", "", MTU_MIN, QLEN_MAX, ""),
		NIC("veth", "vh1", "eth1", "10.0.0.2/0", "", MTU_MAX, 0, "br-lan"),
	};
	static const struct { const char *what; struct nic_spec n; const char *mention; } bad[] = {
		{ "type", NIC("tap", "vh1", "eth1", "10.0.0.2/24", "", 1500, 1000, ""), "tap" },
		{ "type empty", NIC("", "vh1", "eth1", "10.0.0.2/24", "", 1500, 1000, ""), "''" },
		{ "type case", NIC("VETH", "vh1", "eth1", "10.0.0.2/24", "", 1500, 1000, ""), "VETH" },
		{ "ctr name", NIC("veth", "vh1", "bad/x", "10.0.0.2/24", "", 1500, 1000, ""), "bad/x" },
		{ "ctr empty", NIC("veth", "vh1", "", "10.0.0.2/24", "", 1500, 1000, ""), "container" },
		{ "host name", NIC("veth", "a b", "eth1", "10.0.0.2/24", "", 1500, 1000, ""), "a b" },
		{ "ip missing", NIC("veth", "vh1", "eth1", "", "", 1500, 1000, ""), "eth1" },
		{ "ip no prefix", NIC("veth", "vh1", "eth1", "10.0.0.2", "", 1500, 1000, ""), "10.0.0.2" },
		{ "ip bad", NIC("veth", "vh1", "eth1", "10.0.0.256/24", "", 1500, 1000, ""), "10.0.0.256" },
		{ "mac multicast", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "01:00:00:00:00:01", 1500,
				       1000, ""), "01:00:00:00:00:01" },
		{ "mac form", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "02:00:00:00:00", 1500, 1000,
				  ""), "02:00:00:00:00" },
		{ "bridge", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 1500, 1000, "b/r"), "b/r" },
		{ "eth needs host", NIC("eth", "", "eth1", "10.0.0.2/24", "", 1500, 1000, ""), "host" },
		{ "eth with bridge", NIC("eth", "enp1s0", "eth1", "10.0.0.2/24", "", 1500, 1000, "br0"),
		  "bridge" },
		{ "mtu low", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 67, 1000, ""), "67" },
		{ "mtu high", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 65536, 1000, ""), "65536" },
		{ "mtu zero", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 0, 1000, ""), "MTU 0" },
		{ "qlen low", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 1500, -1, ""), "-1" },
		{ "qlen high", NIC("veth", "vh1", "eth1", "10.0.0.2/24", "", 1500, QLEN_MAX + 1, ""),
		  "1000001" },
	};
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good nic %zu", i);
		assert_int_equal(nic_validate(&good[i], &e), 0);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("%s", bad[i].what);
		assert_bad(nic_validate(&bad[i].n, &e), e, bad[i].mention);
	}
	unit_case_done();
}

static void conflicts(void **state)
{
	static const struct nic_spec saved[] = {
		NIC("veth", "vh1", "eth1", "10.0.0.2/24", "02:00:00:00:00:01", 1500, 1000, "br0"),
		NIC("veth", "vh2", "eth2", "fd00::2/64", "", 1500, 1000, ""),
	};
	static const struct { const char *what; struct nic_spec n; } good[] = {
		{ "all new", NIC("veth", "vh3", "eth3", "10.0.1.2/24", "02:00:00:00:00:03", 1500, 1000,
				 "br0") },
		{ "no host no mac", NIC("veth", "", "eth3", "10.0.0.3/24", "", 1500, 1000, "") },
		{ "same prefix other address", NIC("veth", "vh3", "eth3", "fd00::3/64", "", 1500, 1000,
						   "") },
		{ "host equals other ctr", NIC("veth", "eth1", "eth3", "10.0.0.3/24", "", 1500, 1000,
					       "") },
	};
	static const struct { const char *what; struct nic_spec n; const char *mention; } bad[] = {
		{ "ctr", NIC("veth", "vh3", "eth2", "10.0.1.2/24", "", 1500, 1000, ""), "eth2" },
		{ "host", NIC("veth", "vh1", "eth3", "10.0.1.2/24", "", 1500, 1000, ""), "vh1" },
		{ "mac", NIC("veth", "vh3", "eth3", "10.0.1.2/24", "02:00:00:00:00:01", 1500, 1000, ""),
		  "02:00:00:00:00:01" },
		{ "mac other case", NIC("eth", "enp1", "eth3", "10.0.1.2/24", "02:00:00:00:00:01",
					1500, 1000, ""), "02:00:00:00:00:01" },
		{ "ip other prefix", NIC("veth", "vh3", "eth3", "10.0.0.2/16", "", 1500, 1000, ""),
		  "10.0.0.2/16" },
		{ "ipv6 other spelling", NIC("veth", "vh3", "eth3", "FD00:0::2/48", "", 1500, 1000, ""),
		  "FD00:0::2/48" },
	};
	struct nic_spec upper = saved[0];
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("%s", good[i].what);
		assert_int_equal(nic_conflicts(&good[i].n, saved, N(saved), &e), 0);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("%s", bad[i].what);
		assert_bad(nic_conflicts(&bad[i].n, saved, N(saved), &e), e, bad[i].mention);
		assert_int_equal(e.code, EEXIST);
	}
	unit_case_done();
	/* the saved MAC in upper case, the new one in lower case */
	strcpy(upper.mac, "02:AB:00:00:00:01");
	assert_bad(nic_conflicts(&(struct nic_spec)NIC("veth", "vh9", "eth9", "10.9.0.2/24",
						       "02:ab:00:00:00:01", 1500, 1000, ""),
				 &upper, 1, &e), e, "02:ab:00:00:00:01");
	/* nothing saved yet: no conflict, even with itself */
	assert_int_equal(nic_conflicts(&saved[0], NULL, 0, &e), 0);
	/* the limit: refused before looking at the entries */
	assert_bad(nic_conflicts(&good[0].n, saved, NIC_MAX_PER_CONTAINER, &e), e, "128");
	assert_int_equal(e.code, ENOSPC);
	assert_int_equal(nic_conflicts(&good[0].n, saved, N(saved), &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(ifnames),
		UNIT_TEST(nic_names),
		UNIT_TEST(cidrs),
		UNIT_TEST(bare_ips),
		UNIT_TEST(macs),
		UNIT_TEST(mtus_qlens),
		UNIT_TEST(nic_rules),
		UNIT_TEST(conflicts),
	};

	return cmocka_run_group_tests_name("test_net_spec", tests, NULL, NULL);
}
