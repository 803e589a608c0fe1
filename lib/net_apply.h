/* Network interfaces of a container, over netlink with one socket in the
 * host namespace and one in the container's: the context both sockets
 * live in, taking interfaces out again, and what the add path
 * (net_add.h) and the routes (net_route.h) share. */
#ifndef SCH_NET_APPLY_H
#define SCH_NET_APPLY_H

#include "error.h"
#include "net_spec.h"
#include "netlink.h"

struct ovsdb;

struct net_ctx {
	struct nl *host;
	struct nl *ctr;
	int host_netns_fd;
	int ctr_netns_fd;
	struct ovsdb *ovs;      /* made when an Open vSwitch bridge is met
				 * (net_bridge.h) */
};

/* @ctr_netns_fd is borrowed (not closed by net_ctx_close); -1 opens the
 * host side only (poststop without a pinned namespace). */
int net_ctx_open(int ctr_netns_fd, struct net_ctx *c, struct err *e);
void net_ctx_close(struct net_ctx *c);

/* veth: delete the pair through its container end; eth: give the link
 * back to the host under its host name, with the MAC, MTU and up/down
 * state it had when it was added (orig_*; what is unknown is left as it
 * is). A link that is already gone is not an error. Host links are never
 * deleted by name: one of that name may not be ours. */
int net_remove_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e);

/* Fill the orig_* fields of eth nic @n from its host link as it is now. */
int net_eth_orig(struct net_ctx *c, struct nic_spec *n, struct err *e);

/* A host name for a veth end when the operator gives none: "veth" and 10
 * random lowercase hex digits, the original tool's pattern that scripts
 * look for; one not taken on the host when it can. */
void veth_random_name(char out[IFNAMSIZ]);

#endif
