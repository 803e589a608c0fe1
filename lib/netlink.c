#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char buf[NL_BUF_SIZE];
	/* the batch: requests queued, not yet sent or not yet acknowledged */
	struct mnl_nlmsg_batch *batch;
	unsigned int batch_seq;         /* seq of the first request of the last send */
	int *tags;                      /* tag of each request queued since the flush */
	size_t n_tags, cap_tags;
	size_t acked;                   /* requests of the batch acknowledged */
	bool failed;
	int failed_tag;
	signed char *outcome;           /* nl_track() */
	size_t n_outcome;
	struct err failed_err;
	/* a batch overflows by one request, built past its limit */
	char batch_buf[NL_BATCH_SIZE + NL_BUF_SIZE];
};

static int open_here(struct nl *nl, struct err *e)
{
	struct timeval tv = { NL_TIMEOUT_MS / 1000, (NL_TIMEOUT_MS % 1000) * 1000 };
	int one = 1;

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return err_sys(e, errno, "open netlink socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return err_sys(e, errno, "bind netlink socket");
	/* best effort: older kernels lack these */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return err_sys(e, errno, "set netlink timeout");
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

/* Set when the thread could not come back from a container's network
 * namespace: a socket it opened after that would be in the wrong one, so
 * it opens none, and the work fails with an error instead of going on. */
static bool stranded;

/* Back to the namespace @self after opening a socket in another one. */
static int go_home(int self, struct err *e)
{
	if (self < 0 || setns(self, CLONE_NEWNET) == 0)
		return 0;
	stranded = true;
	return err_sys(e, errno, "return to the host network namespace");
}

int nl_open(int netns_fd, struct nl **out, struct err *e)
{
	struct nl *nl;
	_cleanup_close_ int self = -1;
	int r;

	if (stranded)
		return err_set(e, EIO, "no netlink work after failing to return to the host "
			       "network namespace");
	nl = xcalloc(1, sizeof(*nl));
	if (netns_fd >= 0) {
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0 || setns(netns_fd, CLONE_NEWNET) < 0) {
			free(nl);
			return err_sys(e, errno, "enter network namespace");
		}
	}
	r = open_here(nl, e);
	/* the socket stays in the namespace it was made in; we go home, and
	 * failing that is the error to tell */
	if (go_home(self, e) < 0)
		r = -1;
	if (r < 0) {
		nl_close(nl);
		return -1;
	}
	*out = nl;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	if (nl->batch)
		mnl_nlmsg_batch_stop(nl->batch);
	free(nl->tags);
	free(nl);
}

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

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

int nlmsg_ack(const struct nlmsghdr *nlh, struct err *e)
{
	const struct nlmsgerr *ne = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
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
					       nlh->nlmsg_len - mnl_nlmsg_size(off), extack_cb, &msg);
	}
	if (msg && *msg)
		return err_set(e, -ne->error, "%s (%s)", strerror(-ne->error), msg);
	return err_set(e, -ne->error, "%s", strerror(-ne->error));
}

/* One datagram of replies into nl->buf; the receive timeout is ETIMEDOUT. */
static int recv_some(struct nl *nl, int *len, struct err *e)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));

		if (n >= 0) {
			*len = (int)n;
			return 0;
		}
		if (errno != EINTR)
			return err_sys(e, errno == EAGAIN ? ETIMEDOUT : errno, "netlink receive");
	}
}

/* Send @nlh and read until its ACK; @cb sees the other replies. */
static int talk(struct nl *nl, struct nlmsghdr *nlh,
		void (*cb)(const struct nlmsghdr *, void *), void *data, struct err *e)
{
	unsigned int seq = ++nl->seq;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return err_sys(e, errno, "netlink send");
	for (;;) {
		const struct nlmsghdr *m;
		int left;

		if (recv_some(nl, &left, e) < 0)
			return -1;
		for (m = (const struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left)) {
			if (m->nlmsg_seq != seq || m->nlmsg_pid != nl->portid)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return nlmsg_ack(m, e);
			if (m->nlmsg_type == NLMSG_DONE)        /* the end of a dump */
				return 0;
			if (cb)
				cb(m, data);
		}
	}
}

static int kind_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(data, 16, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int info_attr(const struct nlattr *attr, void *data)
{
	struct nl_link_info *li = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == 6) {
			memcpy(li->mac, mnl_attr_get_payload(attr), 6);
			li->has_mac = true;
		}
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->mtu = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->master = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(attr, kind_attr, li->kind);
		break;
	}
	return MNL_CB_OK;
}

static void info_cb(const struct nlmsghdr *m, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(m);
	struct nl_link_info *li = data;

	if (m->nlmsg_type != RTM_NEWLINK)
		return;
	li->index = ifi->ifi_index;
	li->up = (ifi->ifi_flags & IFF_UP) != 0;
	mnl_attr_parse(m, sizeof(*ifi), info_attr, li);
}

static int link_name_attr(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

struct link_list {
	struct nl_link *links;
	size_t n, cap;
};

static void dump_cb(const struct nlmsghdr *m, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(m);
	struct link_list *l = data;
	const char *name = NULL;

	if (m->nlmsg_type != RTM_NEWLINK)
		return;
	mnl_attr_parse(m, sizeof(*ifi), link_name_attr, &name);
	if (!name || strlen(name) >= IFNAMSIZ)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->links = xrealloc(l->links, l->cap * sizeof(*l->links));
	}
	l->links[l->n].index = ifi->ifi_index;
	snprintf(l->links[l->n].name, IFNAMSIZ, "%s", name);
	l->n++;
}

struct nlmsghdr *nlmsg_linkdump(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	put_ifinfo(nlh, 0);
	return nlh;
}

int nl_links(struct nl *nl, struct nl_link **links, size_t *n, struct err *e)
{
	struct link_list l = { NULL, 0, 0 };

	if (talk(nl, nlmsg_linkdump(nl->buf), dump_cb, &l, e) < 0) {
		free(l.links);
		return err_wrap(e, "list interfaces");
	}
	*links = l.links;
	*n = l.n;
	return 0;
}

int nl_links_find(const struct nl_link *links, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(links[i].name, name) == 0)
			return links[i].index;
	return 0;
}

int nl_link_info(struct nl *nl, const char *name, struct nl_link_info *li, struct err *e)
{
	memset(li, 0, sizeof(*li));
	if (talk(nl, nlmsg_getlink(nl->buf, name), info_cb, li, e) < 0) {
		if (e->code == ENODEV)
			return err_set(e, ENODEV, "no interface named %s", name);
		return err_wrap(e, "look up interface %s", name);
	}
	if (li->index <= 0)
		return err_set(e, ENODEV, "no interface named %s", name);
	return 0;
}

int nl_link_index(struct nl *nl, const char *name, int *index, struct err *e)
{
	struct nl_link_info li;

	*index = 0;
	if (nl_link_info(nl, name, &li, e) < 0)
		return -1;
	*index = li.index;
	return 0;
}

int nl_link_set(struct nl *nl, int index, const struct link_attrs *a, struct err *e)
{
	return talk(nl, nlmsg_setlink(nl->buf, index, a), NULL, NULL, e);
}

int nl_link_del(struct nl *nl, int index, struct err *e)
{
	return talk(nl, nlmsg_dellink(nl->buf, index), NULL, NULL, e);
}

int nl_addr(struct nl *nl, uint16_t type, int index, const struct ip_addr *a, struct err *e)
{
	return talk(nl, nlmsg_addr(nl->buf, type, index, a), NULL, NULL, e);
}

int nl_route(struct nl *nl, uint16_t type, const struct route_req *r, struct err *e)
{
	return talk(nl, nlmsg_route(nl->buf, type, r), NULL, NULL, e);
}

/* ---- batches ---- */

void *nl_slot(struct nl *nl)
{
	if (!nl->batch)
		nl->batch = mnl_nlmsg_batch_start(nl->batch_buf, NL_BATCH_SIZE);
	return mnl_nlmsg_batch_current(nl->batch);
}

void nl_track(struct nl *nl, signed char *outcome, size_t n)
{
	nl->outcome = outcome;
	nl->n_outcome = n;
}

/* The ACK @m of the request tagged @tag: keep the first failure. */
static void note_ack(struct nl *nl, int tag, const struct nlmsghdr *m)
{
	struct err why = { 0 };
	int r = nlmsg_ack(m, &why);

	if (tag >= 0 && (size_t)tag < nl->n_outcome)
		nl->outcome[tag] = r < 0 ? NL_FAILED : NL_DONE;
	if (r < 0 && !nl->failed) {
		nl->failed = true;
		nl->failed_tag = tag;
		nl->failed_err = why;
	}
}

/* Read the ACKs of requests batch_seq .. batch_seq + count - 1; keep the
 * first failure. */
static int read_acks(struct nl *nl, size_t count, struct err *e)
{
	size_t got = 0;

	while (got < count) {
		const struct nlmsghdr *m;
		int left;

		if (recv_some(nl, &left, e) < 0)
			return -1;
		for (m = (const struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left)) {
			unsigned int k = m->nlmsg_seq - nl->batch_seq;

			if (m->nlmsg_pid != nl->portid || m->nlmsg_type != NLMSG_ERROR ||
			    k >= count)
				continue;
			got++;
			note_ack(nl, nl->tags[nl->acked + k], m);
		}
	}
	return 0;
}

/* Send what the batch holds and read its ACKs. Sequence numbers are given
 * here, at the send, not when a request is queued: single requests may run
 * between two queued ones, and the batch's numbers must stay contiguous for
 * read_acks() to match them. */
static int send_batch(struct nl *nl, struct err *e)
{
	size_t len = mnl_nlmsg_batch_size(nl->batch), count = 0;
	char *p = mnl_nlmsg_batch_head(nl->batch);

	nl->batch_seq = nl->seq + 1;
	for (size_t off = 0; off < len; off += ((struct nlmsghdr *)(p + off))->nlmsg_len) {
		((struct nlmsghdr *)(p + off))->nlmsg_seq = ++nl->seq;
		count++;
	}
	if (count == 0)
		return 0;
	if (mnl_socket_sendto(nl->sock, p, len) < 0)
		return err_sys(e, errno, "netlink send");
	if (read_acks(nl, count, e) < 0)
		return -1;
	nl->acked += count;
	return 0;
}

int nl_queue(struct nl *nl, int tag, struct err *e)
{
	if (nl->n_tags == nl->cap_tags) {
		nl->cap_tags = nl->cap_tags ? 2 * nl->cap_tags : 16;
		nl->tags = xrealloc(nl->tags, nl->cap_tags * sizeof(*nl->tags));
	}
	nl->tags[nl->n_tags++] = tag;
	if (mnl_nlmsg_batch_next(nl->batch)) {
		/* every ACK takes a socket buffer's worth of room until read */
		if (nl->n_tags - nl->acked < NL_BATCH_MAX)
			return 0;
		if (send_batch(nl, e) < 0)
			return -1;
		mnl_nlmsg_batch_reset(nl->batch);
		return 0;
	}
	/* full: send all but this one, which the reset moves to the front */
	if (send_batch(nl, e) < 0)
		return -1;
	mnl_nlmsg_batch_reset(nl->batch);
	return 0;
}

int nl_flush(struct nl *nl, int *tag, struct err *e)
{
	int r = 0;

	if (nl->batch && send_batch(nl, e) < 0) {
		r = -1;
	} else if (nl->failed) {
		*e = nl->failed_err;
		*tag = nl->failed_tag;
		r = -1;
	}
	if (nl->batch)
		mnl_nlmsg_batch_stop(nl->batch);
	nl->batch = NULL;
	nl->n_tags = nl->acked = 0;
	nl->failed = false;
	nl->outcome = NULL;
	nl->n_outcome = 0;
	return r;
}
