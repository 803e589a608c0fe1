/* Routes: their rules, filters and matching, the JSON form, and which
 * saved routes go with a nic. Every table of bad input checks -1, a
 * one-line message, and the offending value named in it. */
#include "unit.h"
#include "unit_net.h"

/* dest, src, gw, dev */
#define ROUTE(d, s, g, v) { d, s, g, v }

static void routes(void **state)
{
	static const struct route_spec good[] = {
		ROUTE("default", "", "10.0.0.1", ""),
		ROUTE("", "", "", "eth1"),
		ROUTE("10.9.0.0/16", "10.0.0.2", "10.0.0.1", "eth1"),
		ROUTE("fd00:1::/64", "", "fd00::1", ""),
		ROUTE("default", "fd00::2", "fd00::1", "eth1"),
		ROUTE("", "10.0.0.2", "", "eth1"),
		ROUTE("10.9.0.1/32", "", "", "eth1"),
		ROUTE("default", "fd00::2", "", "eth1"),
		ROUTE("default", "", "10.0.0.1", "0123456789abcde"),
	};
	static const struct { const char *what; struct route_spec r; const char *mention; } bad[] = {
		{ "no gw or dev", ROUTE("10.9.0.0/16", "", "", ""), "10.9.0.0/16" },
		{ "default without target", ROUTE("", "10.0.0.2", "", ""), "gw or a dev" },
		{ "bad dest", ROUTE("10.9.0.0/99", "", "10.0.0.1", ""), "10.9.0.0/99" },
		{ "dest without prefix", ROUTE("10.9.0.0", "", "10.0.0.1", ""), "10.9.0.0" },
		{ "dest word", ROUTE("Default", "", "10.0.0.1", ""), "Default" },
		{ "bad gw", ROUTE("default", "", "gateway", ""), "gateway" },
		{ "gw with prefix", ROUTE("default", "", "10.0.0.1/24", ""), "10.0.0.1/24" },
		{ "bad src", ROUTE("default", "nope", "10.0.0.1", ""), "nope" },
		{ "dest v4 gw v6", ROUTE("10.9.0.0/16", "", "fd00::1", ""), "fd00::1" },
		{ "dest v6 gw v4", ROUTE("fd00:1::/64", "", "10.0.0.1", ""), "10.0.0.1" },
		{ "src v6 gw v4", ROUTE("default", "fd00::2", "10.0.0.1", ""), "10.0.0.1" },
		{ "dest v4 src v6", ROUTE("10.9.0.0/16", "fd00::2", "", "eth1"), "fd00::2" },
		{ "bad dev", ROUTE("default", "", "", "bad/dev"), "bad/dev" },
		{ "dev ..", ROUTE("default", "", "10.0.0.1", ".."), "'..'" },
	};
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good route %zu", i);
		assert_int_equal(route_validate(&good[i], &e), 0);
		assert_int_equal(route_filter_validate(&good[i], &e), 0);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("%s", bad[i].what);
		assert_bad(route_validate(&bad[i].r, &e), e, bad[i].mention);
	}
	unit_case_done();
	/* tests/e2e/test_network_bad_input.sh looks for "family" */
	assert_bad(route_validate(&bad[8].r, &e), e, "address family");
	assert_err_mentions(e, "10.9.0.0/16");
}

static void route_filters(void **state)
{
	static const struct route_spec good[] = {
		ROUTE("10.9.0.0/16", "", "", ""), ROUTE("default", "", "", ""),
		ROUTE("", "", "", ""), ROUTE("", "10.0.0.2", "", ""),
	};
	static const struct { struct route_spec r; const char *mention; } bad[] = {
		{ ROUTE("10.9.0.0", "", "", ""), "10.9.0.0" },
		{ ROUTE("", "", "10.0.0.1/8", ""), "10.0.0.1/8" },
		{ ROUTE("fd00::/8", "10.0.0.2", "", ""), "10.0.0.2" },
		{ ROUTE("", "", "", "a b"), "a b" },
	};
	struct err e = { 0 };

	for (size_t i = 0; i < N(good); i++) {
		unit_case("good filter %zu", i);
		assert_int_equal(route_filter_validate(&good[i], &e), 0);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unit_case("bad filter %zu", i);
		assert_bad(route_filter_validate(&bad[i].r, &e), e, bad[i].mention);
	}
	unit_case_done();
	/* as a route, a filter without a target is refused */
	assert_bad(route_validate(&good[0], &e), e, "10.9.0.0/16");
}

static void matching(void **state)
{
	static const struct { struct route_spec f, r; bool match; } rows[] = {
		{ ROUTE("", "", "", ""), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), true },
		{ ROUTE("10.9.0.0/16", "", "", ""), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), true },
		{ ROUTE("10.9.0.0/16", "", "", ""), ROUTE("default", "", "10.0.0.1", ""), false },
		{ ROUTE("default", "", "", ""), ROUTE("default", "", "10.0.0.1", ""), true },
		{ ROUTE("default", "", "", ""), ROUTE("", "", "", "eth1"), true },
		{ ROUTE("default", "", "", ""), ROUTE("10.9.0.0/16", "", "", "eth1"), false },
		{ ROUTE("", "", "", "eth1"), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), true },
		{ ROUTE("", "", "", "eth2"), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), false },
		{ ROUTE("", "", "10.0.0.1", "eth1"), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), true },
		{ ROUTE("", "", "10.0.0.9", "eth1"), ROUTE("10.9.0.0/16", "", "10.0.0.1", "eth1"), false },
		{ ROUTE("", "10.0.0.2", "", ""), ROUTE("default", "10.0.0.2", "10.0.0.1", ""), true },
		{ ROUTE("", "10.0.0.2", "", ""), ROUTE("default", "", "10.0.0.1", ""), false },
	};
	static const struct { struct route_spec a, b; bool equal; } eq[] = {
		{ ROUTE("default", "", "10.0.0.1", ""), ROUTE("", "", "10.0.0.1", ""), true },
		{ ROUTE("", "", "10.0.0.1", ""), ROUTE("default", "", "10.0.0.1", ""), true },
		{ ROUTE("default", "", "10.0.0.1", ""), ROUTE("", "", "", "eth1"), false },
		{ ROUTE("10.9.0.0/16", "", "", "eth1"), ROUTE("10.9.0.0/16", "", "", "eth1"), true },
		{ ROUTE("10.9.0.0/16", "", "", "eth1"), ROUTE("10.9.0.0/16", "", "", "eth2"), false },
		{ ROUTE("10.9.0.0/16", "", "", "eth1"), ROUTE("10.9.0.0/24", "", "", "eth1"), false },
		{ ROUTE("default", "10.0.0.2", "10.0.0.1", ""), ROUTE("default", "", "10.0.0.1", ""),
		  false },
		{ ROUTE("10.9.0.0/16", "", "", "eth1"), ROUTE("default", "", "", "eth1"), false },
	};

	for (size_t i = 0; i < N(rows); i++) {
		unit_case("match %zu", i);
		assert_int_equal(route_matches(&rows[i].f, &rows[i].r), rows[i].match);
	}
	for (size_t i = 0; i < N(eq); i++) {
		unit_case("equal %zu", i);
		assert_int_equal(route_equal(&eq[i].a, &eq[i].b), eq[i].equal);
		assert_int_equal(route_equal(&eq[i].b, &eq[i].a), eq[i].equal);
		if (eq[i].equal)   /* an equal route also matches as a filter */
			assert_true(route_matches(&eq[i].a, &eq[i].b));
	}
	unit_case_done();
}

/* "[" + @n copies of @elem joined by "," + "]" */
static char *json_array(const char *elem, size_t n)
{
	size_t len = strlen(elem) + 1, cap = n * len + 3;
	char *s = malloc(cap), *p = s;

	assert_non_null(s);
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, elem, len - 1);
		p += len - 1;
	}
	*p++ = ']';
	*p = '\0';
	return s;
}

/* Routes in JSON that parse: how many, the first and the last. */
static const struct {
	const char *json;
	bool filter;
	size_t n;
	struct route_spec first, last;
} json_good[] = {
	{ "[{\"dest\":\"10.1.0.0/16\",\"gw\":\"10.0.0.1\",\"dev\":\"eth1\"},{\"dev\":\"eth1\"}]",
	  false, 2, ROUTE("10.1.0.0/16", "", "10.0.0.1", "eth1"), ROUTE("", "", "", "eth1") },
	{ "[{\"dest\":\"default\",\"src\":\"fd00::2\",\"gw\":\"fd00::1\"}]", false, 1,
	  ROUTE("default", "fd00::2", "fd00::1", ""), ROUTE("default", "fd00::2", "fd00::1", "") },
	{ " [ { \"gw\" : \"10.0.0.1\" } ]\n", false, 1, ROUTE("", "", "10.0.0.1", ""),
	  ROUTE("", "", "10.0.0.1", "") },
	{ "[{}]", true, 1, ROUTE("", "", "", ""), ROUTE("", "", "", "") },
	{ "[{\"dest\":\"default\"}]", true, 1, ROUTE("default", "", "", ""),
	  ROUTE("default", "", "", "") },
	{ "[{\"dev\":\"eth1\"},{\"dest\":\"10.2.0.0/16\"}]", true, 2, ROUTE("", "", "", "eth1"),
	  ROUTE("10.2.0.0/16", "", "", "") },
};

static void routes_json_good(void **state)
{
	struct route_spec *r = NULL;
	struct err e = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < N(json_good); i++) {
		unit_case("good json %s", json_good[i].json);
		assert_int_equal(parse_routes_json(json_good[i].json, json_good[i].filter, &r, &n, &e), 0);
		assert_int_equal(n, json_good[i].n);
		assert_memory_equal(&r[0], &json_good[i].first, sizeof(r[0]));
		assert_memory_equal(&r[n - 1], &json_good[i].last, sizeof(r[0]));
		free(r);
	}
	unit_case_done();
}

/* Routes in JSON that are refused, and what the message names. */
static const struct { const char *json; bool filter; const char *mention; } json_bad[] = {
	{ "", false, "empty" },
	{ "[", false, "truncated" },
	{ "{}", false, "array" },
	{ "\"default\"", false, "array" },
	{ "null", false, "array" },
	{ "[]", false, "no route given" },
	{ "[]", true, "no route given" },
	{ "[] x", false, "trailing" },
	{ "[1]", false, "routes[0]: not an object" },
	{ "[[]]", false, "routes[0]" },
	{ "[{\"dest\":5,\"dev\":\"eth1\"}]", false, "\"dest\" is not a string" },
	{ "[{\"dev\":null}]", false, "\"dev\" is not a string" },
	{ "[{\"gw\":true}]", false, "\"gw\"" },
	{ "[{\"src\":[\"10.0.0.2\"],\"dev\":\"eth1\"}]", false, "\"src\"" },
	{ "[{\"metric\":\"1\",\"dev\":\"eth1\"}]", false, "metric" },
	{ "[{\"Dest\":\"default\",\"dev\":\"eth1\"}]", false, "Dest" },
	{ "[{\"dest\":\"default\"}]", false, "gw or a dev" },
	{ "[{\"dev\":\"eth1\"},{\"dev\":\"eth1\"},{\"gw\":\"x\"}]", false, "routes[2]: gw" },
	{ "[{\"dev\":\"eth1\"},{\"gw\":\"x\"}]", true, "routes[1]: " },
	{ "[{\"dev\":\"eth1\",\"dev\":\"eth2\"}]", false, "\"dev\" given twice" },
	{ "[{\"dest\":\"10.0.0.0/8\",\"gw\":\"fd00::1\"}]", false, "fd00::1" },
	{ "[{\"dev\":\"eth1\\u0000x\"}]", false, "NUL" },
	{ "[{\"dev\":\"0123456789abcdef\"}]", false, "\"dev\" '0123456789abcdef" },
	{ "[{\"dest\":\"1111111111111111111111111111111111111111111111111111111111111111\","
	  "\"dev\":\"eth1\"}]", false, "too long" },
	{ "[{\"dev\":\"bad/dev\"}]", true, "routes[0]: invalid route device 'bad/dev'" },
};

static void routes_json_bad(void **state)
{
	struct route_spec *r = NULL;
	struct err e = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < N(json_bad); i++) {
		unit_case("bad json %s", json_bad[i].json);
		r = (struct route_spec *)&e;    /* must be reset */
		n = 7;
		assert_bad(parse_routes_json(json_bad[i].json, json_bad[i].filter, &r, &n, &e), e,
			   json_bad[i].mention);
		assert_null(r);
		assert_int_equal(n, 0);
	}
	unit_case_done();
}

/* The bound: 1024 routes are fine, 1025 are not; an error after many
 * good elements frees them all (valgrind). */
static void routes_json_bound(void **state)
{
	struct route_spec *r = NULL;
	struct err e = { 0 };
	size_t n = 0;
	char *big, *head;

	big = json_array("{\"dev\":\"eth1\"}", 1024);
	assert_int_equal(parse_routes_json(big, false, &r, &n, &e), 0);
	assert_int_equal(n, 1024);
	assert_string_equal(r[1023].dev, "eth1");
	free(r);
	free(big);
	big = json_array("{\"dev\":\"eth1\"}", 1025);
	assert_bad(parse_routes_json(big, false, &r, &n, &e), e, "1025");
	assert_null(r);
	free(big);
	/* an error after many good elements frees them all (valgrind) */
	head = json_array("{\"dev\":\"eth1\"}", 100);
	head[strlen(head) - 1] = '\0';         /* drop the ']' */
	assert_true(asprintf(&big, "%s,{\"gw\":\"\"}]", head) > 0);
	free(head);
	assert_bad(parse_routes_json(big, false, &r, &n, &e), e, "routes[100]: ");
	assert_null(r);
	free(big);
}

#define RT(d, s_, g, dev) { d, s_, g, dev }

/* Which saved routes go with a nic (remove-nic) or come back after a new
 * address (update-nic). */
static void route_dependence(void **state)
{
	static const struct nic_spec nics[] = {
		NIC("veth", "h1", "eth1", "10.0.1.2/24", "", 1500, 1000, ""),
		NIC("veth", "h2", "eth2", "10.0.2.2/24", "", 1500, 1000, ""),
		NIC("veth", "h3", "eth3", "10.0.2.3/24", "", 1500, 1000, ""),
		NIC("veth", "h6", "eth6", "fd00:1::2/64", "", 1500, 1000, ""),
	};
	static const struct { struct route_spec r; bool eth1, eth2, eth6; } cases[] = {
		{ RT("default", "", "10.0.1.1", "eth1"), true, false, false },
		{ RT("default", "", "10.0.1.1", ""), true, false, false },      /* gw on eth1's subnet */
		{ RT("10.9.0.0/16", "", "", "eth2"), false, true, false },
		{ RT("10.9.0.0/16", "", "10.0.2.1", ""), false, false, false }, /* eth3 shares the subnet */
		{ RT("10.8.0.0/16", "10.0.1.2", "", "eth2"), true, true, false }, /* eth1's address as source */
		{ RT("10.7.0.0/16", "", "10.0.7.1", ""), false, false, false },
		{ RT("fd01::/64", "", "", "eth6"), false, false, true },
		{ RT("fd02::/64", "", "fd00:1::1", ""), false, false, true },
		{ RT("fd03::/64", "fd00:1::2", "", "eth1"), true, false, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("# route %zu\n", i);
		assert_int_equal(route_needs_nic(&cases[i].r, &nics[0], nics, 4), cases[i].eth1);
		assert_int_equal(route_needs_nic(&cases[i].r, &nics[1], nics, 4), cases[i].eth2);
		assert_int_equal(route_needs_nic(&cases[i].r, &nics[3], nics, 4), cases[i].eth6);
	}
	/* alone on the subnet, eth2 carries the gateway route */
	assert_true(route_needs_nic(&cases[3].r, &nics[1], nics, 2));
	assert_true(route_needs_nic(&cases[3].r, &nics[1], NULL, 0));
}

static void route_readdress(void **state)
{
	static const struct nic_spec n = NIC("veth", "h1", "eth1", "10.0.1.2/24", "", 1500, 1000, "");
	static const struct route_spec ok[] = {
		RT("default", "", "10.0.1.1", "eth1"),
		RT("10.9.0.0/16", "", "", "eth1"),
		RT("10.8.0.0/16", "", "10.0.1.254", ""),
	};
	static const struct route_spec gw_out = RT("default", "", "10.0.1.1", "eth1");
	static const struct route_spec src_old = RT("10.8.0.0/16", "10.0.1.2", "", "eth1");
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(route_check_readdress(&ok[i], &n, "10.0.1.9/24", &e), 0);
		assert_int_equal(route_check_readdress(&ok[i], &n, "10.0.0.9/16", &e), 0);
	}
	assert_int_equal(route_check_readdress(&ok[1], &n, "10.5.0.2/24", &e), 0);
	assert_bad(route_check_readdress(&gw_out, &n, "10.5.0.2/24", &e), e, "via 10.0.1.1");
	assert_int_equal(e.code, EBUSY);
	assert_bad(route_check_readdress(&src_old, &n, "10.0.1.9/24", &e), e, "source");
	assert_int_equal(route_check_readdress(&src_old, &n, "10.0.1.2/16", &e), 0);
}

UNIT_MAIN("test_net_route",
	  UNIT_TEST(routes),
	  UNIT_TEST(route_filters),
	  UNIT_TEST(matching),
	  UNIT_TEST(routes_json_good),
	  UNIT_TEST(routes_json_bad),
	  UNIT_TEST(routes_json_bound),
	  UNIT_TEST(route_dependence),
	  UNIT_TEST(route_readdress))
