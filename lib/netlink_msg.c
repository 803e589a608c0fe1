#include "netlink_msg.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

static struct nlmsghdr *put_header(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

struct nlmsghdr *nlmsg_getlink(void *buf, const char *name)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_GETLINK, 0);

	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* The attributes of @a that are not "keep", and the up/down flag. */
static void put_link_attrs(struct nlmsghdr *nlh, struct ifinfomsg *ifi, const struct link_attrs *a)
{
	if (a->up >= 0) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = a->up ? IFF_UP : 0;
	}
	if (a->name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, a->name);
	if (a->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, a->mac);
	if (a->mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)a->mtu);
	if (a->qlen >= 0)
		mnl_attr_put_u32(nlh, IFLA_TXQLEN, (uint32_t)a->qlen);
	if (a->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, a->master < 0 ? 0u : (uint32_t)a->master);
	if (a->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)a->netns_fd);
}

struct nlmsghdr *nlmsg_veth(void *buf, const struct link_attrs *host, const struct link_attrs *peer)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = put_ifinfo(nlh, 0);
	struct nlattr *linkinfo, *data, *peer_attr;
	struct ifinfomsg *pi;

	put_link_attrs(nlh, ifi, host);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* the peer's ifinfomsg sits at the start of VETH_INFO_PEER */
	pi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pi));
	pi->ifi_family = AF_UNSPEC;
	put_link_attrs(nlh, pi, peer);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *nlmsg_setlink(void *buf, int index, const struct link_attrs *a)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, 0);

	put_link_attrs(nlh, put_ifinfo(nlh, index), a);
	return nlh;
}

struct nlmsghdr *nlmsg_dellink(void *buf, int index)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_DELLINK, 0);

	put_ifinfo(nlh, index);
	return nlh;
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

struct nlmsghdr *nlmsg_addr(void *buf, uint16_t type, int index, const struct ip_addr *a)
{
	struct nlmsghdr *nlh = put_header(buf, type,
					  type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)(a->prefix < 0 ? addr_len(a->family) * 8 : (size_t)a->prefix);
	ifa->ifa_index = (unsigned)index;
	/* an address we are told to use is usable at once: an IPv6 one still
	 * in duplicate address detection cannot be a route's source */
	if (type == RTM_NEWADDR && a->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->family), a->bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->family), a->bytes);
	return nlh;
}

struct nlmsghdr *nlmsg_route(void *buf, uint16_t type, const struct route_req *r)
{
	struct nlmsghdr *nlh = put_header(buf, type,
					  type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t len = addr_len(r->family);

	rtm->rtm_family = (unsigned char)r->family;
	rtm->rtm_dst_len = (unsigned char)(r->dst.family ? r->dst.prefix : 0);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_type = RTN_UNICAST;
	if (type == RTM_DELROUTE)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else
		rtm->rtm_scope = r->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (rtm->rtm_dst_len)
		mnl_attr_put(nlh, RTA_DST, len, r->dst.bytes);
	if (r->gw.family)
		mnl_attr_put(nlh, RTA_GATEWAY, len, r->gw.bytes);
	if (r->src.family)
		mnl_attr_put(nlh, RTA_PREFSRC, len, r->src.bytes);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	return nlh;
}

int nl_str_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_str_attr *s = data;

	if (mnl_attr_get_type(attr) == s->type && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		s->value = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

int nlmsg_ack(const struct nlmsghdr *nlh, struct err *e)
{
	const struct nlmsgerr *ne = mnl_nlmsg_get_payload(nlh);
	struct nl_str_attr msg = { NLMSGERR_ATTR_MSG, NULL };
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ne)))
		return err_set(e, EBADMSG, "truncated netlink error message");
	if (ne->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*ne);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += ne->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse_payload((const char *)ne + off,
					       nlh->nlmsg_len - mnl_nlmsg_size(off), nl_str_attr_cb,
					       &msg);
	}
	if (msg.value && *msg.value)
		return err_set(e, -ne->error, "%s (%s)", strerror(-ne->error), msg.value);
	return err_set(e, -ne->error, "%s", strerror(-ne->error));
}

struct nlmsghdr *nlmsg_linkdump(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	put_ifinfo(nlh, 0);
	return nlh;
}
