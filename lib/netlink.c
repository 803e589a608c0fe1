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

/* The first request of a send (or a batch) that the kernel refused. */
struct failure {
	bool failed;
	int tag;
	struct err err;
};

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char buf[NL_BUF_SIZE];
	/* the batch: requests queued, not yet sent or not yet acknowledged */
	struct mnl_nlmsg_batch *batch;
	int *tags;                      /* tag of each request queued since the flush */
	size_t n_tags, cap_tags;
	size_t acked;                   /* requests of the batch acknowledged */
	struct failure batch_failed;    /* its first failure */
	signed char *outcome;           /* nl_track() */
	size_t n_outcome;
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

/* The replies to the requests of one send, numbered first ..
 * first + count - 1: each ends with an ACK (NLMSG_ERROR) or, for a dump,
 * NLMSG_DONE. */
struct replies {
	struct nl *nl;
	unsigned int first;
	size_t count, got;
	const int *tags;                /* batch: the tag of each request */
	mnl_cb_t on_data;               /* what a GET or a dump answers */
	void *data;
	struct failure *failed;
};

/* The request a reply answers: its index in the send, or -1 when the
 * reply is someone else's (an earlier send that timed out). */
static long which(const struct replies *r, const struct nlmsghdr *m)
{
	unsigned int k = m->nlmsg_seq - r->first;

	return m->nlmsg_pid == r->nl->portid && k < r->count ? (long)k : -1;
}

static int on_data(const struct nlmsghdr *m, void *data)
{
	struct replies *r = data;

	if (which(r, m) < 0 || !r->on_data)
		return MNL_CB_OK;
	return r->on_data(m, r->data);
}

/* An ACK: the kernel's error and its extended ACK text go into the first
 * failure; what each tagged request came to into nl_track()'s array. */
static int on_ack(const struct nlmsghdr *m, void *data)
{
	struct replies *r = data;
	struct nl *nl = r->nl;
	struct err why = { 0 };
	long k = which(r, m);
	int tag, rc;

	if (k < 0)
		return MNL_CB_OK;
	r->got++;
	rc = nlmsg_ack(m, &why);
	tag = r->tags ? r->tags[k] : -1;
	if (r->tags && tag >= 0 && (size_t)tag < nl->n_outcome)
		nl->outcome[tag] = rc < 0 ? NL_FAILED : NL_DONE;
	if (rc < 0 && !r->failed->failed)
		*r->failed = (struct failure){ true, tag, why };
	return MNL_CB_OK;
}

static int on_done(const struct nlmsghdr *m, void *data)
{
	struct replies *r = data;

	if (which(r, m) >= 0)
		r->got++;
	return MNL_CB_OK;
}

/* The one receive loop: read until every request of the send is
 * answered. -1 only when the socket fails; the kernel's refusals are in
 * r->failed. */
static int receive(struct replies *r, struct err *e)
{
	/* not const: mnl_cb_run2() takes a plain pointer */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_ack,
		[NLMSG_DONE] = on_done,
	};

	while (r->got < r->count) {
		int len = 0;

		if (recv_some(r->nl, &len, e) < 0)
			return -1;
		/* seq 0: one datagram answers several requests, checked in which() */
		if (mnl_cb_run2(r->nl->buf, (size_t)len, 0, r->nl->portid, on_data, r, ctl,
				NLMSG_MIN_TYPE) < 0)
			return err_sys(e, errno, "netlink reply");
	}
	return 0;
}

/* Send @nlh and read its answer; @cb sees the replies other than its ACK. */
static int talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct err *e)
{
	struct failure f = { 0 };
	struct replies r = { nl, ++nl->seq, 1, 0, NULL, cb, data, &f };

	nlh->nlmsg_seq = r.first;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return err_sys(e, errno, "netlink send");
	if (receive(&r, e) < 0)
		return -1;
	if (f.failed) {
		*e = f.err;
		return -1;
	}
	return 0;
}

static void kind_attr(const struct nlattr *linkinfo, struct nl_link_info *li)
{
	struct nl_str_attr kind = { IFLA_INFO_KIND, NULL };

	mnl_attr_parse_nested(linkinfo, nl_str_attr_cb, &kind);
	if (kind.value)
		snprintf(li->kind, sizeof(li->kind), "%s", kind.value);
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
		kind_attr(attr, li);
		break;
	}
	return MNL_CB_OK;
}

static int info_cb(const struct nlmsghdr *m, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(m);
	struct nl_link_info *li = data;

	if (m->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	li->index = ifi->ifi_index;
	li->up = (ifi->ifi_flags & IFF_UP) != 0;
	mnl_attr_parse(m, sizeof(*ifi), info_attr, li);
	return MNL_CB_OK;
}

struct link_list {
	struct nl_link *links;
	size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *m, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(m);
	struct link_list *l = data;
	struct nl_str_attr name = { IFLA_IFNAME, NULL };

	if (m->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(m, sizeof(*ifi), nl_str_attr_cb, &name);
	if (!name.value || strlen(name.value) >= IFNAMSIZ)
		return MNL_CB_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->links = xrealloc(l->links, l->cap * sizeof(*l->links));
	}
	l->links[l->n].index = ifi->ifi_index;
	snprintf(l->links[l->n].name, IFNAMSIZ, "%s", name.value);
	l->n++;
	return MNL_CB_OK;
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

/* Send what the batch holds and read its ACKs. Sequence numbers are given
 * here, at the send, not when a request is queued: single requests may run
 * between two queued ones, and the batch's numbers must stay contiguous for
 * the replies to be matched. */
static int send_batch(struct nl *nl, struct err *e)
{
	size_t len = mnl_nlmsg_batch_size(nl->batch);
	char *p = mnl_nlmsg_batch_head(nl->batch);
	struct replies r = { nl, nl->seq + 1, 0, 0, nl->tags + nl->acked, NULL, NULL,
			     &nl->batch_failed };

	for (size_t off = 0; off < len; off += ((struct nlmsghdr *)(p + off))->nlmsg_len) {
		((struct nlmsghdr *)(p + off))->nlmsg_seq = ++nl->seq;
		r.count++;
	}
	if (r.count == 0)
		return 0;
	if (mnl_socket_sendto(nl->sock, p, len) < 0)
		return err_sys(e, errno, "netlink send");
	if (receive(&r, e) < 0)
		return -1;
	nl->acked += r.count;
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
	} else if (nl->batch_failed.failed) {
		*e = nl->batch_failed.err;
		*tag = nl->batch_failed.tag;
		r = -1;
	}
	if (nl->batch)
		mnl_nlmsg_batch_stop(nl->batch);
	nl->batch = NULL;
	nl->n_tags = nl->acked = 0;
	nl->batch_failed.failed = false;
	nl->outcome = NULL;
	nl->n_outcome = 0;
	return r;
}
