/* Netlink batches and replies, against the kernel in a network namespace
 * of our own: every queued request gets its ACK and its own tag, the
 * first failure is the one told, and the kernel's extended ACK text is
 * kept. */
#include "unit.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sched.h>

#include "netlink.h"

/* Each test works in a network namespace of its own, with a netlink
 * socket in it (*state), closed by the teardown even when the test fails;
 * without a namespace of our own (not root) the test is skipped. */
static int netns_setup(void **state)
{
	struct nl *nl = NULL;
	struct err e = { 0 };

	*state = NULL;
	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	if (nl_open(-1, &nl, &e) < 0)
		return -1;
	*state = nl;
	return 0;
}

static int netns_teardown(void **state)
{
	nl_close(*state);
	return unit_case_teardown(state);
}

#define NETNS_TEST(f) cmocka_unit_test_setup_teardown(f, netns_setup, netns_teardown)

static void queue_addr(struct nl *nl, int index, const char *cidr, int tag)
{
	struct ip_addr a;
	struct err e = { 0 };

	assert_int_equal(parse_cidr(cidr, &a, &e), 0);
	nlmsg_addr(nl_slot(nl), RTM_NEWADDR, index, &a);
	assert_int_equal(nl_queue(nl, tag, &e), 0);
}

static void lo_up(struct nl *nl, int tag)
{
	struct link_attrs up = LINK_ATTRS_KEEP;
	struct err e = { 0 };

	up.up = 1;
	nlmsg_setlink(nl_slot(nl), 1, &up);
	assert_int_equal(nl_queue(nl, tag, &e), 0);
}

static void batch_in_order_first_failure(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct route_req r = { .family = AF_INET, .oif = 1 };
	struct err e = { 0 };
	int tag = -1;

	lo_up(nl, 1);
	queue_addr(nl, 1, "10.1.0.1/24", 2);
	queue_addr(nl, 9999, "10.1.0.2/24", 3);         /* no such link */
	assert_int_equal(parse_cidr("10.2.0.0/24", &r.dst, &e), 0);
	nlmsg_route(nl_slot(nl), RTM_NEWROUTE, &r);     /* after the failure: still runs */
	assert_int_equal(nl_queue(nl, 4, &e), 0);
	queue_addr(nl, 9998, "10.1.0.3/24", 5);         /* a second failure: not reported */
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 3);
	assert_err_code(e, ENODEV);

	/* what ran is there: adding it again collides */
	queue_addr(nl, 1, "10.1.0.1/24", 6);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 6);
	assert_int_equal(e.code, EEXIST);
	assert_int_equal(nl_route(nl, RTM_NEWROUTE, &r, &e), -1);
	assert_int_equal(e.code, EEXIST);
	/* an empty flush and a clean batch succeed */
	assert_int_equal(nl_flush(nl, &tag, &e), 0);
	queue_addr(nl, 1, "10.1.0.9/24", 7);
	assert_int_equal(nl_flush(nl, &tag, &e), 0);
}

/* More requests than one send holds: several sends, tags still right. */
static void batch_overflow(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct err e = { 0 };
	char cidr[32];
	int tag = -1;

	lo_up(nl, 0);
	for (int i = 1; i <= 1000; i++) {
		snprintf(cidr, sizeof(cidr), "10.3.%d.%d/32", i / 250, i % 250 + 1);
		queue_addr(nl, i == 700 ? 9999 : 1, cidr, i);
	}
	assert_true(1000 > 10 * NL_BATCH_MAX);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 700);
	assert_int_equal(e.code, ENODEV);
	/* the first and the last were applied */
	queue_addr(nl, 1, "10.3.0.2/32", 1);
	queue_addr(nl, 1, "10.3.4.1/32", 2);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 1);
	assert_int_equal(e.code, EEXIST);
	queue_addr(nl, 1, "10.3.4.1/32", 2);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 2);
}

/* A single request between nl_slot() and nl_queue() (a bridge looked up
 * while its veth request is built) does not confuse the batch's ACKs. */
static void batch_single_request_between(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct err e = { 0 };
	struct ip_addr a;
	void *slot;
	int idx = 0, tag = -1;

	slot = nl_slot(nl);
	assert_int_equal(nl_link_index(nl, "lo", &idx, &e), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(parse_cidr("10.4.0.1/24", &a, &e), 0);
	nlmsg_addr(slot, RTM_NEWADDR, idx, &a);
	assert_int_equal(nl_queue(nl, 1, &e), 0);
	assert_int_equal(nl_flush(nl, &tag, &e), 0);
}

/* Single requests between queued ones (a bridge looked up, a master set
 * while veth pairs are being queued): every queued request still gets its
 * ACK matched and its own tag, in one send or several. */
static void batch_interleaved_singles(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct err e = { 0 };
	char cidr[32];
	int idx = 0, tag = -1;

	lo_up(nl, 0);
	for (int i = 1; i <= 3 * NL_BATCH_MAX; i++) {
		snprintf(cidr, sizeof(cidr), "10.5.%d.%d/32", i / 250, i % 250 + 1);
		queue_addr(nl, i == 2 * NL_BATCH_MAX - 1 ? 9999 : 1, cidr, i);
		if (i % 3 == 0) {
			assert_int_equal(nl_link_index(nl, "lo", &idx, &e), 0);
			assert_int_equal(idx, 1);
		}
	}
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 2 * NL_BATCH_MAX - 1);
	assert_int_equal(e.code, ENODEV);
	/* a clean batch after it, with a single request inside */
	queue_addr(nl, 1, "10.6.0.1/32", 1);
	assert_int_equal(nl_link_index(nl, "lo", &idx, &e), 0);
	queue_addr(nl, 1, "10.6.0.2/32", 2);
	assert_int_equal(nl_flush(nl, &tag, &e), 0);
	/* and a failing one: the tag is the request's, not its neighbour's */
	queue_addr(nl, 1, "10.6.0.3/32", 1);
	assert_int_equal(nl_link_index(nl, "lo", &idx, &e), 0);
	queue_addr(nl, 1, "10.6.0.2/32", 2);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 2);
	assert_int_equal(e.code, EEXIST);
}

/* What the kernel says about a refusal reaches the message, from a single
 * request and from a batch alike: both are read by the one receive loop. */
static void kernel_extack_kept(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct route_req r = { .family = AF_INET };
	struct nl_link_info li;
	struct err e = { 0 };
	int tag = -1;

	lo_up(nl, 0);
	assert_int_equal(nl_flush(nl, &tag, &e), 0);
	assert_int_equal(parse_ip("10.99.0.1", &r.gw, &e), 0);  /* on no subnet of ours */
	assert_int_equal(nl_route(nl, RTM_NEWROUTE, &r, &e), -1);
	assert_int_equal(e.code, ENETUNREACH);
	assert_err_mentions(e, strerror(ENETUNREACH));
	assert_err_mentions(e, "(Nexthop has invalid gateway)");
	assert_err_line(e);
	err_clear(&e);
	nlmsg_route(nl_slot(nl), RTM_NEWROUTE, &r);
	assert_int_equal(nl_queue(nl, 5, &e), 0);
	assert_int_equal(nl_flush(nl, &tag, &e), -1);
	assert_int_equal(tag, 5);
	assert_int_equal(e.code, ENETUNREACH);
	assert_err_mentions(e, "(Nexthop has invalid gateway)");
	/* a GET that the kernel answers with a link, and one it refuses */
	assert_int_equal(nl_link_info(nl, "lo", &li, &e), 0);
	assert_int_equal(li.index, 1);
	assert_true(li.up);
	assert_int_equal(nl_link_info(nl, "nosuch0", &li, &e), -1);
	assert_int_equal(e.code, ENODEV);
}

static void links_dump(void **state)
{
	struct nl *nl = unit_netns_state(state);
	struct nl_link *links = NULL;
	struct err e = { 0 };
	size_t n = 0;

	assert_int_equal(nl_links(nl, &links, &n, &e), 0);
	assert_int_equal(n, 1);                         /* a new namespace has lo only */
	assert_string_equal(links[0].name, "lo");
	assert_int_equal(nl_links_find(links, n, "lo"), 1);
	assert_int_equal(nl_links_find(links, n, "eth0"), 0);
	free(links);
}

UNIT_MAIN("test_netlink_batch",
	  NETNS_TEST(batch_in_order_first_failure),
	  NETNS_TEST(batch_overflow),
	  NETNS_TEST(batch_single_request_between),
	  NETNS_TEST(batch_interleaved_singles),
	  NETNS_TEST(kernel_extack_kept),
	  NETNS_TEST(links_dump))
