/* Netlink message building: each builder is checked by parsing what it
 * wrote back with libmnl, as the kernel would (batches against the kernel:
 * test_netlink_batch.c). */
#include "unit.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>


#include "netlink.h"

static char buf[NL_BUF_SIZE];

struct attrs {
	const struct nlattr *tb[IFLA_MAX + RTA_MAX + 1];
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *t = data;

	if (mnl_attr_get_type(a) <= IFLA_MAX + RTA_MAX)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *nlh, size_t hdr, struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(mnl_attr_parse(nlh, (unsigned)hdr, collect, t), MNL_CB_OK);
}

static void request_flags(const struct nlmsghdr *nlh, uint16_t type, uint16_t extra)
{
	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | extra);
	assert_true(nlh->nlmsg_len <= sizeof(buf));
}

static void getlink(void **state)
{
	struct nlmsghdr *nlh = nlmsg_getlink(buf, "eth0");
	struct attrs t;

	request_flags(nlh, RTM_GETLINK, 0);
	parse(nlh, sizeof(struct ifinfomsg), &t);
	assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "eth0");
}

/* The attributes of the peer of a veth request: its ifinfomsg first. */
static const struct ifinfomsg *parse_peer(const struct nlmsghdr *nlh, struct attrs *p)
{
	struct attrs t, info, data;
	const struct nlattr *peer;
	const struct ifinfomsg *pi;

	parse(nlh, sizeof(struct ifinfomsg), &t);
	assert_non_null(t.tb[IFLA_LINKINFO]);
	memset(&info, 0, sizeof(info));
	assert_int_equal(mnl_attr_parse_nested(t.tb[IFLA_LINKINFO], collect, &info), MNL_CB_OK);
	assert_non_null(info.tb[IFLA_INFO_DATA]);
	memset(&data, 0, sizeof(data));
	assert_int_equal(mnl_attr_parse_nested(info.tb[IFLA_INFO_DATA], collect, &data), MNL_CB_OK);
	peer = data.tb[VETH_INFO_PEER];
	assert_non_null(peer);
	assert_true(mnl_attr_get_payload_len(peer) >= sizeof(*pi));
	pi = mnl_attr_get_payload(peer);
	memset(p, 0, sizeof(*p));
	assert_int_equal(mnl_attr_parse_payload((const char *)pi + sizeof(*pi),
						mnl_attr_get_payload_len(peer) - sizeof(*pi),
						collect, p), MNL_CB_OK);
	return pi;
}

static void veth(void **state)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 0x0b };
	struct link_attrs h = LINK_ATTRS_KEEP, pe = LINK_ATTRS_KEEP;
	struct nlmsghdr *nlh;
	struct attrs t, info, p;
	const struct ifinfomsg *pi;

	h.name = "vh1";
	h.mtu = 1400;
	h.master = 9;
	h.up = 1;
	pe.name = "eth1";
	pe.netns_fd = 7;
	pe.mac = mac;
	pe.qlen = 500;
	nlh = nlmsg_veth(buf, &h, &pe);
	request_flags(nlh, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_flags, IFF_UP);
	parse(nlh, sizeof(struct ifinfomsg), &t);
	assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "vh1");
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MTU]), 1400);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MASTER]), 9);
	assert_null(t.tb[IFLA_NET_NS_FD]);
	assert_non_null(t.tb[IFLA_LINKINFO]);
	memset(&info, 0, sizeof(info));
	mnl_attr_parse_nested(t.tb[IFLA_LINKINFO], collect, &info);
	assert_string_equal(mnl_attr_get_str(info.tb[IFLA_INFO_KIND]), "veth");
	pi = parse_peer(nlh, &p);
	assert_int_equal(pi->ifi_family, AF_UNSPEC);
	assert_int_equal(pi->ifi_flags, 0);     /* a veth end cannot be up at birth */
	assert_string_equal(mnl_attr_get_str(p.tb[IFLA_IFNAME]), "eth1");
	assert_int_equal(mnl_attr_get_u32(p.tb[IFLA_NET_NS_FD]), 7);
	assert_memory_equal(mnl_attr_get_payload(p.tb[IFLA_ADDRESS]), mac, 6);
	assert_int_equal(mnl_attr_get_u32(p.tb[IFLA_TXQLEN]), 500);
	assert_null(p.tb[IFLA_MTU]);
}

static void veth_same_namespace(void **state)
{
	struct link_attrs h = LINK_ATTRS_KEEP, pe = LINK_ATTRS_KEEP;
	struct nlmsghdr *nlh;
	struct attrs t, p;

	h.name = "a";
	pe.name = "b";
	nlh = nlmsg_veth(buf, &h, &pe);

	/* no namespace attribute on either end: both stay where we are */
	parse(nlh, sizeof(struct ifinfomsg), &t);
	assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "a");
	assert_null(t.tb[IFLA_NET_NS_FD]);
	assert_null(t.tb[IFLA_NET_NS_PID]);
	parse_peer(nlh, &p);
	assert_string_equal(mnl_attr_get_str(p.tb[IFLA_IFNAME]), "b");
	assert_null(p.tb[IFLA_NET_NS_FD]);
	assert_null(p.tb[IFLA_NET_NS_PID]);
	/* nothing else was set on either end */
	assert_null(t.tb[IFLA_MTU]);
	assert_null(p.tb[IFLA_MTU]);
	assert_null(p.tb[IFLA_ADDRESS]);
	assert_null(t.tb[IFLA_MASTER]);
}

static void setlink_all(void **state)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	struct link_attrs a = { "eth9", mac, 1400, 500, 12, 1, 5 };
	struct nlmsghdr *nlh = nlmsg_setlink(buf, 42, &a);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs t;

	request_flags(nlh, RTM_NEWLINK, 0);
	assert_int_equal(ifi->ifi_index, 42);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	parse(nlh, sizeof(*ifi), &t);
	assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "eth9");
	assert_int_equal(mnl_attr_get_payload_len(t.tb[IFLA_ADDRESS]), 6);
	assert_memory_equal(mnl_attr_get_payload(t.tb[IFLA_ADDRESS]), mac, 6);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MTU]), 1400);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_TXQLEN]), 500);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MASTER]), 12);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_NET_NS_FD]), 5);
}

static void setlink_keep(void **state)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	struct nlmsghdr *nlh = nlmsg_setlink(buf, 3, &a);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	/* nothing to change: no attributes, no flag change */
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(*ifi)));
	assert_int_equal(ifi->ifi_change, 0);
}

static void setlink_down_release(void **state)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	struct nlmsghdr *nlh;
	const struct ifinfomsg *ifi;
	struct attrs t;

	a.up = 0;
	a.master = -1;
	a.qlen = 0;
	nlh = nlmsg_setlink(buf, 3, &a);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, 0);
	parse(nlh, sizeof(*ifi), &t);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MASTER]), 0);
	assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_TXQLEN]), 0);
}

static void dellink(void **state)
{
	struct nlmsghdr *nlh = nlmsg_dellink(buf, 9);

	request_flags(nlh, RTM_DELLINK, 0);
	assert_int_equal(((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 9);
}

static void addr_v4_v6(void **state)
{
	struct ip_addr a = { .family = AF_INET, .prefix = 24 };
	struct ip_addr b = { .family = AF_INET6, .prefix = 64 };
	struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	struct attrs t;

	inet_pton(AF_INET, "10.1.2.3", a.bytes);
	nlh = nlmsg_addr(buf, RTM_NEWADDR, 4, &a);
	request_flags(nlh, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 4);
	assert_int_equal(ifa->ifa_flags, 0);
	parse(nlh, sizeof(*ifa), &t);
	assert_int_equal(mnl_attr_get_payload_len(t.tb[IFA_LOCAL]), 4);
	assert_memory_equal(mnl_attr_get_payload(t.tb[IFA_ADDRESS]), a.bytes, 4);

	inet_pton(AF_INET6, "fd00::5", b.bytes);
	/* usable at once: no duplicate address detection to wait for */
	ifa = mnl_nlmsg_get_payload(nlmsg_addr(buf, RTM_NEWADDR, 4, &b));
	assert_int_equal(ifa->ifa_flags, IFA_F_NODAD);
	nlh = nlmsg_addr(buf, RTM_DELADDR, 4, &b);
	request_flags(nlh, RTM_DELADDR, 0);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	parse(nlh, sizeof(*ifa), &t);
	assert_int_equal(mnl_attr_get_payload_len(t.tb[IFA_LOCAL]), 16);
	assert_memory_equal(mnl_attr_get_payload(t.tb[IFA_LOCAL]), b.bytes, 16);
}

static void route_default_via_gw(void **state)
{
	struct route_req r = { .family = AF_INET };
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;
	struct attrs t;

	r.gw.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", r.gw.bytes);
	nlh = nlmsg_route(buf, RTM_NEWROUTE, &r);
	request_flags(nlh, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	parse(nlh, sizeof(*rtm), &t);
	assert_null(t.tb[RTA_DST]);
	assert_null(t.tb[RTA_OIF]);
	assert_memory_equal(mnl_attr_get_payload(t.tb[RTA_GATEWAY]), r.gw.bytes, 4);
}

static void route_subnet_dev_src(void **state)
{
	struct route_req r = { .family = AF_INET, .oif = 6 };
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;
	struct attrs t;

	r.dst.family = AF_INET;
	r.dst.prefix = 16;
	inet_pton(AF_INET, "10.9.0.0", r.dst.bytes);
	r.src.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", r.src.bytes);
	nlh = nlmsg_route(buf, RTM_NEWROUTE, &r);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 16);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);    /* no gateway: on link */
	parse(nlh, sizeof(*rtm), &t);
	assert_memory_equal(mnl_attr_get_payload(t.tb[RTA_DST]), r.dst.bytes, 4);
	assert_memory_equal(mnl_attr_get_payload(t.tb[RTA_PREFSRC]), r.src.bytes, 4);
	assert_int_equal(mnl_attr_get_u32(t.tb[RTA_OIF]), 6);
	assert_null(t.tb[RTA_GATEWAY]);

	nlh = nlmsg_route(buf, RTM_DELROUTE, &r);
	request_flags(nlh, RTM_DELROUTE, 0);
	assert_int_equal(((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_scope,
			 RT_SCOPE_NOWHERE);
}

/* An NLMSG_ERROR as the kernel sends it, optionally with an extended ACK. */
static struct nlmsghdr *error_msg(int error, const char *extack)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *ne;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (extack ? NLM_F_ACK_TLVS : 0);
	ne = mnl_nlmsg_put_extra_header(nlh, sizeof(*ne));
	ne->error = error;
	ne->msg.nlmsg_len = sizeof(struct nlmsghdr);
	if (extack)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	return nlh;
}

static void ack_parsing(void **state)
{
	struct err e = { 0 };

	assert_int_equal(nlmsg_ack(error_msg(0, NULL), &e), 0);
	assert_int_equal(nlmsg_ack(error_msg(-EEXIST, NULL), &e), -1);
	assert_int_equal(e.code, EEXIST);
	assert_string_equal(e.msg, strerror(EEXIST));
	assert_int_equal(nlmsg_ack(error_msg(-EINVAL, "Invalid prefix for given prefix length"), &e), -1);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "Invalid prefix for given prefix length"));
	assert_err_line(e);
}

static void ack_truncated(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct err e = { 0 };

	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(nlmsg_ack(nlh, &e), -1);
	assert_int_equal(e.code, EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(getlink),
		cmocka_unit_test(veth),
		cmocka_unit_test(veth_same_namespace),
		cmocka_unit_test(setlink_all),
		cmocka_unit_test(setlink_keep),
		cmocka_unit_test(setlink_down_release),
		cmocka_unit_test(dellink),
		cmocka_unit_test(addr_v4_v6),
		cmocka_unit_test(route_default_via_gw),
		cmocka_unit_test(route_subnet_dev_src),
		cmocka_unit_test(ack_parsing),
		cmocka_unit_test(ack_truncated),
	};

	return cmocka_run_group_tests_name("test_netlink", tests, NULL, NULL);
}
