/* Network interfaces and routes of a container, applied over netlink with
 * one socket in the host namespace and one in the container's. */
#ifndef SCH_NET_APPLY_H
#define SCH_NET_APPLY_H

#include "error.h"
#include "net_spec.h"
#include "netlink.h"

struct net_ctx {
	struct nl *host;
	struct nl *ctr;
	int host_netns_fd;
	int ctr_netns_fd;
};

/* @ctr_netns_fd is borrowed (not closed by net_ctx_close); -1 opens the
 * host side only (poststop without a pinned namespace). */
int net_ctx_open(int ctr_netns_fd, struct net_ctx *c, struct err *e);
void net_ctx_close(struct net_ctx *c);

/* veth: create the pair with its container end made directly in the
 * container's namespace, configure both ends; eth: move the host link in
 * under its container name and configure it. On failure, what this call
 * did is undone. */
int net_add_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e);
/* veth: delete the pair through its container end; eth: give the link back
 * to the host under its host name, with the MAC, MTU and up/down state it
 * had when it was added (orig_*; what is unknown is left as it is). A link that is already gone is not an
 * error. Host links are never deleted by name: one of that name may not be
 * ours. */
int net_remove_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e);

/* Every nic and route of a container start with few round trips: eth
 * links are moved one by one, every veth pair is made in one send, the
 * container's links are listed once, and every address, up and route
 * goes in one more send. On failure what was made is left for the caller
 * to take down (net_remove_nic on every nic: one never made is no error). */
int net_bring_up(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		 const struct route_spec *routes, size_t nr, struct err *e);

/* The index of bridge @name on the host; "NAME is not a bridge" when the
 * link is of another kind. */
int net_bridge_index(struct net_ctx *c, const char *name, int *index, struct err *e);
/* Fill the orig_* fields of eth nic @n from its host link as it is now. */
int net_eth_orig(struct net_ctx *c, struct nic_spec *n, struct err *e);

int net_add_route(struct net_ctx *c, const struct route_spec *r, struct err *e);
int net_del_route(struct net_ctx *c, const struct route_spec *r, struct err *e);
/* Build the netlink request of a route (dev looked up in the container). */
int route_to_req(struct net_ctx *c, const struct route_spec *r, struct route_req *q,
		 struct err *e);

/* A host name for a veth end, from the container id and random bytes:
 * at most 9 characters of @id, '_', 5 hex digits. */
void veth_random_name(const char *id, char out[IFNAMSIZ]);

/* Keep the container's network namespace alive after its processes end,
 * so poststop can give eth links back: a bind mount of /proc/PID/ns/net
 * on <rundir>/<id>/netns. Idempotent. */
int netns_pin(const char *rundir, const char *id, int pid, struct err *e);
/* Open the pinned namespace; ENOENT in e->code when there is no pin. */
int netns_pin_open(const char *rundir, const char *id, int *fd, struct err *e);
int netns_unpin(const char *rundir, const char *id, struct err *e);

#endif
