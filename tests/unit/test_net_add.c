/* The add path (net_add.c) and routes (net_route.c): the tag mapping of
 * the container-side batch, route requests and route text as pure
 * functions, then net_add_nics against the kernel, between two network
 * namespaces of our own standing in for the host and the container. */
#include "unit.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sched.h>

#include "net_add.h"
#include "net_route.h"
#include "unit_net.h"
#include "util.h"

static void tags_round_trip(void **state)
{
	(void)state;
	for (size_t item = 0; item < 300; item++)
		for (int s = 0; s < NET_STEPS; s++) {
			size_t i;
			enum net_step step;

			net_tag_split(net_tag(item, (enum net_step)s), &i, &step);
			assert_int_equal(i, item);
			assert_int_equal(step, s);
		}
	/* distinct items never share a tag */
	assert_int_not_equal(net_tag(0, NET_STEP_ROUTE), net_tag(1, NET_STEP_SET));
}

static const struct nic_spec two_nics[2] = {
	{ .type = "veth", .host = "ha", .ctr = "eth1", .ip = "10.9.0.2/24", .mtu = 1500,
	  .qlen = 1000, .orig_up = -1 },
	{ .type = "eth", .host = "enp9", .ctr = "eth2", .ip = "10.9.1.2/24", .mtu = 1500,
	  .qlen = 1000, .orig_up = -1 },
};
static const struct route_spec two_routes[2] = {
	{ .dest = "10.20.0.0/16", .dev = "eth1" },
	{ .dest = "default", .gw = "10.9.1.1" },
};

/* Each tag of the batch is told against its own nic or route. */
static void batch_failure_names_its_item(void **state)
{
	static const struct {
		size_t item;
		enum net_step step;
		const char *want;
	} rows[] = {
		{ 0, NET_STEP_ADDR, "add veth interface eth1: add address 10.9.0.2/24 to eth1: boom" },
		{ 0, NET_STEP_UP, "add veth interface eth1: bring eth1 up in the container: boom" },
		{ 1, NET_STEP_SET, "add eth interface eth2: configure eth2 in the container: boom" },
		{ 1, NET_STEP_ADDR, "add eth interface eth2: add address 10.9.1.2/24 to eth2: boom" },
		{ 2, NET_STEP_ROUTE, "add route 10.20.0.0/16 dev eth1: boom" },
		{ 3, NET_STEP_ROUTE, "add route default via 10.9.1.1: boom" },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(rows); k++) {
		struct err e = { 0 };

		unit_case("row %zu", k);
		err_set(&e, EIO, "boom");
		assert_int_equal(net_batch_failed(two_nics, 2, two_routes, 2,
						  net_tag(rows[k].item, rows[k].step), &e), -1);
		assert_string_equal(e.msg, rows[k].want);
		assert_int_equal(e.code, EIO);
	}
	unit_case_done();
}

static void addr(struct ip_addr *a, int family, const char *text, int prefix)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	a->prefix = prefix;
	assert_int_equal(inet_pton(family, text, a->bytes), 1);
}

static void same_addr(const struct ip_addr *got, const struct ip_addr *want)
{
	assert_int_equal(got->family, want->family);
	if (want->family)
		assert_memory_equal(got->bytes, want->bytes, want->family == AF_INET ? 4 : 16);
}

static void route_requests(void **state)
{
	static const struct {
		struct route_spec r;
		int family;
		const char *dst, *gw, *src;
		int prefix;
	} rows[] = {
		{ { .dest = "default", .gw = "10.0.0.1" }, AF_INET, NULL, "10.0.0.1", NULL, 0 },
		{ { .dest = "", .gw = "10.0.0.1", .dev = "eth1" }, AF_INET, NULL, "10.0.0.1", NULL, 0 },
		{ { .dest = "10.9.0.0/16", .src = "10.0.0.2", .dev = "eth1" }, AF_INET, "10.9.0.0",
		  NULL, "10.0.0.2", 16 },
		{ { .dest = "fd01::/64", .dev = "eth6" }, AF_INET6, "fd01::", NULL, NULL, 64 },
		/* the family comes from the gateway when the route is a default one */
		{ { .dest = "default", .gw = "fd00::1" }, AF_INET6, NULL, "fd00::1", NULL, 0 },
		{ { .src = "fd00::2", .dev = "eth1" }, AF_INET6, NULL, NULL, "fd00::2", 0 },
		/* nothing that says: IPv4 */
		{ { .dev = "eth1" }, AF_INET, NULL, NULL, NULL, 0 },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(rows); k++) {
		struct route_req q;
		struct ip_addr want;
		struct err e = { 0 };
		int f = rows[k].family;

		unit_case("row %zu", k);
		memset(&q, 0x5a, sizeof(q));
		assert_int_equal(route_to_req(NULL, &rows[k].r, &q, &e), 0);
		assert_int_equal(q.family, f);
		assert_int_equal(q.oif, 0);     /* no context: the caller looks the dev up */
		if (rows[k].dst) {
			addr(&want, f, rows[k].dst, rows[k].prefix);
			same_addr(&q.dst, &want);
			assert_int_equal(q.dst.prefix, rows[k].prefix);
		} else {
			assert_int_equal(q.dst.family, 0);
		}
		if (rows[k].gw)
			addr(&want, f, rows[k].gw, -1);
		else
			memset(&want, 0, sizeof(want));
		same_addr(&q.gw, &want);
		if (rows[k].src)
			addr(&want, f, rows[k].src, -1);
		else
			memset(&want, 0, sizeof(want));
		same_addr(&q.src, &want);
	}
	unit_case_done();
}

static void route_requests_refused(void **state)
{
	static const struct route_spec bad[] = {
		{ .dest = "10.0.0.0", .dev = "eth1" },          /* no prefix */
		{ .dest = "default", .gw = "10.0.0.1/24" },     /* a gateway is bare */
		{ .dest = "default", .gw = "eth1" },
		{ .src = "300.0.0.1", .dev = "eth1" },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct route_req q;
		struct err e = { 0 };

		unit_case("row %zu", k);
		assert_int_equal(route_to_req(NULL, &bad[k], &q, &e), -1);
		assert_err_code(e, EINVAL);
	}
	unit_case_done();
}

static void route_text_forms(void **state)
{
	static const struct {
		struct route_spec r;
		const char *ip, *go;
	} rows[] = {
		{ { .dest = "default", .gw = "10.0.0.1" }, "default via 10.0.0.1",
		  "{dest:default,src:,gw:10.0.0.1,dev:}" },
		{ { .gw = "10.0.0.1", .dev = "eth1" }, "default via 10.0.0.1 dev eth1",
		  "{dest:,src:,gw:10.0.0.1,dev:eth1}" },
		{ { .dest = "10.9.0.0/16", .src = "10.0.0.2", .dev = "eth1" },
		  "10.9.0.0/16 dev eth1 src 10.0.0.2", "{dest:10.9.0.0/16,src:10.0.0.2,gw:,dev:eth1}" },
	};
	char buf[ROUTE_TEXT_MAX];

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(rows); k++) {
		route_format(&rows[k].r, ROUTE_TEXT_IP, buf, sizeof(buf));
		assert_string_equal(buf, rows[k].ip);
		route_format(&rows[k].r, ROUTE_TEXT_GO, buf, sizeof(buf));
		assert_string_equal(buf, rows[k].go);
	}
}

/* ---- against the kernel ---- */

struct two_ns {
	int host, ctr;          /* namespace fds; we stay in host */
	struct net_ctx c;
};

/* Each of these tests gets two network namespaces of its own (*state),
 * closed by the teardown even when the test fails; without them (not
 * root) the test is skipped. */
static int two_ns_setup(void **state)
{
	struct two_ns *t = calloc(1, sizeof(*t));
	struct err e = { 0 };

	*state = NULL;
	if (!t || unshare(CLONE_NEWNET) < 0) {
		free(t);
		return 0;
	}
	t->c.host_netns_fd = -1;        /* nothing for the teardown to close yet */
	t->host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	t->ctr = unshare(CLONE_NEWNET) == 0 ? open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC) : -1;
	*state = t;
	if (t->host < 0 || t->ctr < 0 || setns(t->host, CLONE_NEWNET) < 0)
		return -1;
	return net_ctx_open(t->ctr, &t->c, &e);
}

static int two_ns_teardown(void **state)
{
	struct two_ns *t = *state;

	if (t) {
		net_ctx_close(&t->c);
		close(t->ctr);
		close(t->host);
		free(t);
	}
	return unit_case_teardown(state);
}

#define TWO_NS_TEST(f) cmocka_unit_test_setup_teardown(f, two_ns_setup, two_ns_teardown)

static bool has_link(struct nl *nl, const char *name)
{
	struct err e = { 0 };
	int idx;

	if (nl_link_index(nl, name, &idx, &e) == 0)
		return true;
	assert_int_equal(e.code, ENODEV);
	return false;
}

/* A veth pair x1/x2 that the container had before we came. */
static void ctr_has_own_link(struct two_ns *t)
{
	struct link_attrs a = LINK_ATTRS_KEEP, b = LINK_ATTRS_KEEP;
	struct err e = { 0 };
	int tag = -1;

	a.name = "x1";
	b.name = "x2";
	nlmsg_veth(nl_slot(t->c.ctr), &a, &b);
	assert_int_equal(nl_queue(t->c.ctr, 0, &e), 0);
	assert_int_equal(nl_flush(t->c.ctr, &tag, &e), 0);
}

static void add_nics_and_routes(void **state)
{
	struct two_ns *t = unit_netns_state(state);
	struct nic_spec nics[2];
	struct route_spec r = { .dest = "default", .gw = "10.9.0.1" };
	struct nl_link_info li;
	struct route_req q;
	struct err e = { 0 };

	nics[0] = unit_veth("ha", "eth1", "10.9.0.2/24");
	nics[1] = unit_veth("hb", "eth2", "10.9.1.2/24");
	nics[1].mtu = 1400;
	assert_int_equal(net_add_nics(&t->c, nics, 2, &r, 1, &e), 0);
	assert_int_equal(nl_link_info(t->c.ctr, "eth2", &li, &e), 0);
	assert_true(li.up);
	assert_int_equal(li.mtu, 1400);
	assert_int_equal(nl_link_info(t->c.host, "hb", &li, &e), 0);
	assert_true(li.up);
	/* the route is there: adding it again collides */
	assert_int_equal(route_to_req(&t->c, &r, &q, &e), 0);
	assert_int_equal(nl_route(t->c.ctr, RTM_NEWROUTE, &q, &e), -1);
	assert_int_equal(e.code, EEXIST);
}

/* The second nic's name is taken in the container by a link that is not
 * ours: the first nic is taken down again, the container's own link is
 * left as it was. */
static void add_nics_undoes_only_its_own(void **state)
{
	struct two_ns *t = unit_netns_state(state);
	struct nic_spec nics[3];
	struct err e = { 0 };

	ctr_has_own_link(t);
	nics[0] = unit_veth("ha", "eth1", "10.9.0.2/24");
	nics[1] = unit_veth("hb", "x1", "10.9.1.2/24");
	nics[2] = unit_veth("hc", "eth3", "10.9.2.2/24");
	assert_int_equal(net_add_nics(&t->c, nics, 3, NULL, 0, &e), -1);
	assert_int_equal(e.code, EEXIST);
	assert_err_mentions(e, "add veth interface x1");
	assert_err_line(e);
	assert_true(has_link(t->c.ctr, "x1"));
	assert_true(has_link(t->c.ctr, "x2"));
	assert_false(has_link(t->c.ctr, "eth1"));
	assert_false(has_link(t->c.ctr, "eth3"));
	assert_false(has_link(t->c.host, "ha"));
	assert_false(has_link(t->c.host, "hc"));
}

/* A route the kernel refuses fails the call with that route's text, and
 * what the call made goes again. */
static void add_route_refused_undoes(void **state)
{
	struct two_ns *t = unit_netns_state(state);
	struct nic_spec n;
	struct route_spec r[2] = {
		{ .dest = "10.20.0.0/16", .dev = "eth1" },
		{ .dest = "default", .gw = "10.99.0.1" },       /* not on any subnet */
	};
	struct err e = { 0 };

	n = unit_veth("ha", "eth1", "10.9.0.2/24");
	assert_int_equal(net_add_nics(&t->c, &n, 1, r, 2, &e), -1);
	assert_err_mentions(e, "add route default via 10.99.0.1: ");
	assert_err_line(e);
	assert_false(has_link(t->c.ctr, "eth1"));
	assert_false(has_link(t->c.host, "ha"));
}

/* A bridge that is missing changes nothing, even for the nics before it. */
static void missing_bridge_changes_nothing(void **state)
{
	struct two_ns *t = unit_netns_state(state);
	struct nic_spec nics[2];
	struct err e = { 0 };

	nics[0] = unit_veth("ha", "eth1", "10.9.0.2/24");
	nics[1] = unit_veth("hb", "eth2", "10.9.1.2/24");
	strcpy(nics[1].bridge, "nobr");
	/* no Open vSwitch either: its socket names nothing */
	setenv("SYSCONTAINER_HOOKS_OVSDB", "/nonexistent/db.sock", 1);
	assert_int_equal(net_add_nics(&t->c, nics, 2, NULL, 0, &e), -1);
	unsetenv("SYSCONTAINER_HOOKS_OVSDB");
	assert_int_equal(e.code, ENODEV);
	assert_err_mentions(e, "add veth interface eth2: no bridge named nobr: not a Linux bridge "
			    "(no interface of that name) and not an Open vSwitch bridge "
			    "(ovsdb-server: connect to /nonexistent/db.sock: No such file or directory)");
	assert_false(has_link(t->c.ctr, "eth1"));
	assert_false(has_link(t->c.host, "ha"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_round_trip),
		cmocka_unit_test_teardown(batch_failure_names_its_item, unit_case_teardown),
		cmocka_unit_test_teardown(route_requests, unit_case_teardown),
		cmocka_unit_test_teardown(route_requests_refused, unit_case_teardown),
		cmocka_unit_test(route_text_forms),
		TWO_NS_TEST(add_nics_and_routes),
		TWO_NS_TEST(add_nics_undoes_only_its_own),
		TWO_NS_TEST(add_route_refused_undoes),
		TWO_NS_TEST(missing_bridge_changes_nothing),
	};

	return cmocka_run_group_tests_name("test_net_add", tests, NULL, NULL);
}
