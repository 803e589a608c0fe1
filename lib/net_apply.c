#include "net_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "net_bridge.h"
#include "ovsdb.h"
#include "util.h"

int net_ctx_open(int ctr_netns_fd, struct net_ctx *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->ctr_netns_fd = ctr_netns_fd;
	c->host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (c->host_netns_fd < 0)
		return err_sys(e, errno, "open host network namespace");
	if (nl_open(-1, &c->host, e) < 0 ||
	    (ctr_netns_fd >= 0 && nl_open(ctr_netns_fd, &c->ctr, e) < 0)) {
		net_ctx_close(c);
		return -1;
	}
	return 0;
}

void net_ctx_close(struct net_ctx *c)
{
	nl_close(c->host);
	nl_close(c->ctr);
	ovsdb_close(c->ovs);
	if (c->host_netns_fd >= 0)
		close(c->host_netns_fd);
	memset(c, 0, sizeof(*c));
	c->host_netns_fd = -1;
}

/* Without the container's namespace the link is either back already (a
 * second poststop) or out of our reach: when a namespace dies the kernel
 * returns a physical link to the host under its container name or as devN,
 * and a host link of that name need not be ours, so it is left alone and
 * reported. */
static int eth_back_without_netns(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (nl_link_index(c->host, n->host, &idx, e) == 0)
		return 0;
	return err_set(e, ENODEV, "interface %s (%s in the container) is not on the host and the "
		       "container's network namespace is gone; look for it under %s or devN",
		       n->host, n->ctr, n->ctr);
}

/* An eth link goes back as it came: MAC and MTU set while it is still in
 * the container (where it is certainly ours), then moved under its host
 * name and brought up or left down as it was. */
static int give_eth_back(struct net_ctx *c, const struct nic_spec *n, int idx, struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	unsigned char mac[6];

	a.up = 0;
	if (n->orig_mac[0] && parse_mac(n->orig_mac, mac, e) == 0)
		a.mac = mac;
	a.mtu = n->orig_mtu;
	if (nl_link_set(c->ctr, idx, &a, e) < 0)
		return err_wrap(e, "restore the MAC and MTU of %s", n->ctr);
	a = (struct link_attrs)LINK_ATTRS_KEEP;
	a.netns_fd = c->host_netns_fd;
	a.name = n->host;
	if (nl_link_set(c->ctr, idx, &a, e) < 0)
		return err_wrap(e, "move %s", n->ctr);
	if (n->orig_up == 1) {
		a = (struct link_attrs)LINK_ATTRS_KEEP;
		a.up = 1;
		if (nl_link_index(c->host, n->host, &idx, e) < 0 || nl_link_set(c->host, idx, &a, e) < 0)
			return err_wrap(e, "bring %s up on the host", n->host);
	}
	return 0;
}

/* A veth pair goes with its container end, which is certainly ours; a
 * host link of the same name may belong to someone else. Without the
 * container's namespace the pair died with it. */
static int del_veth(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (!c->ctr)
		return 0;
	if (nl_link_index(c->ctr, n->ctr, &idx, e) < 0) {
		if (e->code != ENODEV)
			return -1;
		err_clear(e);
		return 0;
	}
	if (nl_link_del(c->ctr, idx, e) < 0)
		return err_wrap(e, "delete %s", n->ctr);
	return 0;
}

int net_remove_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (strcmp(n->type, "eth") == 0) {
		if (!c->ctr)
			return eth_back_without_netns(c, n, e);
		if (nl_link_index(c->ctr, n->ctr, &idx, e) < 0)
			return e->code == ENODEV ? 0 : -1;
		if (give_eth_back(c, n, idx, e) < 0)
			return err_wrap(e, "give %s back to the host as %s", n->ctr, n->host);
		return 0;
	}
	if (del_veth(c, n, e) < 0)
		return -1;
	/* an Open vSwitch port outlives its link: it goes by name, from the
	 * bridge the nic was saved on only */
	return net_bridge_leave(c, n->bridge, n->host, e);
}

int net_eth_orig(struct net_ctx *c, struct nic_spec *n, struct err *e)
{
	struct nl_link_info li;

	if (nl_link_info(c->host, n->host, &li, e) < 0)
		return -1;
	if (li.has_mac)
		snprintf(n->orig_mac, sizeof(n->orig_mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 li.mac[0], li.mac[1], li.mac[2], li.mac[3], li.mac[4], li.mac[5]);
	/* an address we could not set back (all zero) is not kept */
	if (n->orig_mac[0] && parse_mac(n->orig_mac, li.mac, ERR_DISCARD) < 0)
		n->orig_mac[0] = '\0';
	n->orig_mtu = li.mtu >= MTU_MIN && li.mtu <= MTU_MAX ? li.mtu : 0;
	n->orig_up = li.up;
	return 0;
}

void veth_random_name(char out[IFNAMSIZ])
{
	/* a taken name is tried again, as the original tool did: the pair
	 * would be refused with EEXIST */
	for (int tries = 0; tries < 3; tries++) {
		unsigned char rnd[5] = { 0 };

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			unsigned long v = (unsigned long)getpid() * 2654435761u ^ (unsigned long)time(NULL) ^
					  (unsigned long)tries;

			memcpy(rnd, &v, sizeof(rnd));
		}
		snprintf(out, IFNAMSIZ, "veth%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
			 rnd[4]);
		if (if_nametoindex(out) == 0)
			break;
	}
}
