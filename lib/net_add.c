/* The one way interfaces are added to a container: the CLI's add-nic (one
 * nic, no route) and the hook's prestart (every saved nic and route) both
 * call net_add_nics(). Its steps, in order:
 *   1. find_bridges   every bridge named is looked up before anything
 *                     changes (a missing one changes nothing);
 *   2. move_eths      eth links moved in one by one, renamed;
 *   3. make_veths     every veth pair in one send, the container end made
 *                     directly in the container, the host end up and on
 *                     its Linux bridge (IFLA_MASTER in the same request);
 *      join_ovs       the host ends for Open vSwitch bridges added as
 *                     ports, over the one ovsdb connection (net_bridge.h);
 *   4. configure_all  the container side of every nic (address, up) and
 *                     every route, in one more send.
 * What a failed call made, and only that, is taken down again (undo). */
#include "net_add.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "net_bridge.h"
#include "net_route.h"
#include "util.h"

static bool is_eth(const struct nic_spec *n)
{
	return strcmp(n->type, "eth") == 0;
}

int net_tag(size_t item, enum net_step step)
{
	return (int)(item * NET_STEPS + (size_t)step);
}

void net_tag_split(int tag, size_t *item, enum net_step *step)
{
	*item = (size_t)tag / NET_STEPS;
	*step = (enum net_step)((size_t)tag % NET_STEPS);
}

int net_batch_failed(const struct nic_spec *nics, size_t nn, const struct route_spec *routes,
		     size_t nr, int tag, struct err *e)
{
	const struct nic_spec *n;
	enum net_step step;
	size_t item;
	char text[ROUTE_TEXT_MAX];

	net_tag_split(tag, &item, &step);
	if (item >= nn) {
		if (item - nn >= nr)
			return -1;
		route_format(&routes[item - nn], ROUTE_TEXT_IP, text, sizeof(text));
		return err_wrap(e, "add route %s", text);
	}
	n = &nics[item];
	if (step == NET_STEP_SET)
		err_wrap(e, "configure %s in the container", n->ctr);
	else if (step == NET_STEP_ADDR)
		err_wrap(e, "add address %s to %s", n->ip, n->ctr);
	else
		err_wrap(e, "bring %s up in the container", n->ctr);
	return err_wrap(e, "add %s interface %s", n->type, n->ctr);
}

/* Queue the container side of nic @i at link index @idx: MAC, MTU and
 * qlen for an eth link (a veth end was made with them), its address, up. */
static int queue_configure(struct nl *nl, int idx, const struct nic_spec *n, size_t i,
			   struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	unsigned char mac[6];
	struct ip_addr ip;

	if (is_eth(n)) {
		if (n->mac[0]) {
			if (parse_mac(n->mac, mac, e) < 0)
				return -1;
			a.mac = mac;
		}
		a.mtu = n->mtu;
		a.qlen = n->qlen;
		nlmsg_setlink(nl_slot(nl), idx, &a);
		if (nl_queue(nl, net_tag(i, NET_STEP_SET), e) < 0)
			return -1;
	}
	/* an eth link lent as it is (a CDI netDevice) keeps what it has */
	if (n->ip[0]) {
		if (parse_cidr(n->ip, &ip, e) < 0)
			return -1;
		nlmsg_addr(nl_slot(nl), RTM_NEWADDR, idx, &ip);
		if (nl_queue(nl, net_tag(i, NET_STEP_ADDR), e) < 0)
			return -1;
	}
	a = (struct link_attrs)LINK_ATTRS_KEEP;
	a.up = 1;
	nlmsg_setlink(nl_slot(nl), idx, &a);
	return nl_queue(nl, net_tag(i, NET_STEP_UP), e);
}

/* Queue everything of the container side; the links are listed once. */
static int queue_all(struct nl *nl, const struct nic_spec *nics, size_t nn,
		     const struct route_spec *routes, size_t nr, struct err *e)
{
	_cleanup_free_ struct nl_link *links = NULL;
	size_t n_links = 0;

	if (nl_links(nl, &links, &n_links, e) < 0)
		return -1;
	for (size_t i = 0; i < nn; i++) {
		int idx = nl_links_find(links, n_links, nics[i].ctr);

		if (!idx)
			return err_set(e, ENODEV, "no interface named %s in the container",
				       nics[i].ctr);
		if (queue_configure(nl, idx, &nics[i], i, e) < 0)
			return -1;
	}
	for (size_t k = 0; k < nr; k++)
		if (net_queue_route(nl, &routes[k], links, n_links, net_tag(nn + k, NET_STEP_ROUTE),
				    e) < 0)
			return -1;
	return 0;
}

/* The container's end of every nic, then every route, in one send: the
 * kernel runs them in order, so a route finds its device up and its
 * gateway's subnet in place. */
static int configure_all(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
			 const struct route_spec *routes, size_t nr, struct err *e)
{
	int tag = -1;

	if (queue_all(c->ctr, nics, nn, routes, nr, e) < 0) {
		nl_flush(c->ctr, &tag, ERR_DISCARD);
		return -1;
	}
	if (nl_flush(c->ctr, &tag, e) < 0)
		return tag < 0 ? -1 : net_batch_failed(nics, nn, routes, nr, tag, e);
	return 0;
}

/* The bridge of every veth, Linux or Open vSwitch (kind 0: none). */
static int find_bridges(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
			struct bridge *br, struct err *e)
{
	for (size_t i = 0; i < nn; i++)
		if (!is_eth(&nics[i]) && nics[i].bridge[0] &&
		    net_bridge_find(c, nics[i].bridge, &br[i], e) < 0)
			return err_wrap(e, "add veth interface %s", nics[i].ctr);
	return 0;
}

/* The host ends of the veths on Open vSwitch bridges become ports, once
 * their links exist. */
static int join_ovs(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		    const struct bridge *br, struct err *e)
{
	for (size_t i = 0; i < nn; i++)
		if (br[i].kind == BRIDGE_OVS &&
		    net_bridge_ovs_add(c, nics[i].bridge, nics[i].host, e) < 0)
			return err_wrap(e, "add veth interface %s", nics[i].ctr);
	return 0;
}

static int move_link(struct nl *from, const char *name, int to_netns, const char *new_name,
		     struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	int idx;

	if (nl_link_index(from, name, &idx, e) < 0)
		return -1;
	a.up = 0;
	if (nl_link_set(from, idx, &a, e) < 0)
		return err_wrap(e, "bring %s down", name);
	a.up = -1;
	a.netns_fd = to_netns;
	a.name = new_name;
	if (nl_link_set(from, idx, &a, e) < 0)
		return err_wrap(e, "move %s", name);
	return 0;
}

/* eth links one by one: each is a host link taken down, renamed and
 * moved, and there is no batch to be had. */
static int move_eths(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		     signed char *made, struct err *e)
{
	for (size_t i = 0; i < nn; i++) {
		if (!is_eth(&nics[i]))
			continue;
		if (move_link(c->host, nics[i].host, c->ctr_netns_fd, nics[i].ctr, e) < 0)
			return err_wrap(e, "add eth interface %s: move host interface %s into the "
					"container as %s", nics[i].ctr, nics[i].host, nics[i].ctr);
		made[i] = NL_DONE;
	}
	return 0;
}

/* The request that makes a veth pair with both ends set (names, MTU, MAC,
 * qlen, bridge @master, the host end up) and the container end already in
 * its namespace. (A veth end cannot be brought up while its pair is being
 * made: its peer is not linked yet.) */
static int queue_veth(struct net_ctx *c, const struct nic_spec *n, int master, int tag,
		      struct err *e)
{
	struct link_attrs host = LINK_ATTRS_KEEP, peer = LINK_ATTRS_KEEP;
	unsigned char mac[6];

	host.name = n->host;
	host.mtu = n->mtu;
	host.up = 1;
	host.master = master;
	peer.name = n->ctr;
	peer.mtu = n->mtu;
	peer.qlen = n->qlen;
	peer.netns_fd = c->ctr_netns_fd;
	if (n->mac[0]) {
		if (parse_mac(n->mac, mac, e) < 0)
			return -1;
		peer.mac = mac;
	}
	nlmsg_veth(nl_slot(c->host), &host, &peer);
	return nl_queue(c->host, tag, e);
}

/* EEXIST from making a pair: say whose name is taken when it is the host's. */
static int veth_failed(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (e->code == EEXIST && nl_link_index(c->host, n->host, &idx, ERR_DISCARD) == 0)
		err_set(e, EEXIST, "the host already has an interface named %s", n->host);
	else
		err_wrap(e, "create veth pair %s/%s", n->host, n->ctr);
	return err_wrap(e, "add veth interface %s", n->ctr);
}

/* Every veth pair in one send; made[i] says which pairs the kernel made. */
static int make_veths(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		      const struct bridge *br, signed char *made, struct err *e)
{
	int tag = -1;

	nl_track(c->host, made, nn);
	for (size_t i = 0; i < nn; i++) {
		int master = br[i].kind == BRIDGE_LINUX ? br[i].index : 0;

		if (!is_eth(&nics[i]) && queue_veth(c, &nics[i], master, (int)i, e) < 0) {
			nl_flush(c->host, &tag, ERR_DISCARD);
			return err_wrap(e, "add veth interface %s", nics[i].ctr);
		}
	}
	if (nl_flush(c->host, &tag, e) < 0)
		return tag < 0 ? -1 : veth_failed(c, &nics[tag], e);
	return 0;
}

/* Take down what this call made, last first. */
static void undo(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		 const signed char *made)
{
	for (size_t i = nn; i-- > 0;) {
		struct err why = { 0 };

		if (made[i] == NL_DONE && net_remove_nic(c, &nics[i], &why) < 0)
			err_warn(&why, "undo %s interface %s", nics[i].type, nics[i].ctr);
	}
}

int net_add_nics(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		 const struct route_spec *routes, size_t nr, struct err *e)
{
	_cleanup_free_ signed char *made = xcalloc(nn + 1, sizeof(*made));
	_cleanup_free_ struct bridge *br = xcalloc(nn + 1, sizeof(*br));

	if (find_bridges(c, nics, nn, br, e) < 0)
		return -1;
	if (move_eths(c, nics, nn, made, e) == 0 && make_veths(c, nics, nn, br, made, e) == 0 &&
	    join_ovs(c, nics, nn, br, e) == 0 && configure_all(c, nics, nn, routes, nr, e) == 0)
		return 0;
	undo(c, nics, nn, made);
	return -1;
}
