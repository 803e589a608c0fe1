/* Routes of a container, over its netlink socket. */
#ifndef SCH_NET_ROUTE_H
#define SCH_NET_ROUTE_H

#include "error.h"
#include "net_apply.h"
#include "net_spec.h"
#include "netlink.h"

/* The netlink request of route @r. Its dev is looked up in the container
 * through @c; with @c NULL, oif is left 0 for the caller to fill. */
int route_to_req(struct net_ctx *c, const struct route_spec *r, struct route_req *q,
		 struct err *e);

int net_add_route(struct net_ctx *c, const struct route_spec *r, struct err *e);
/* A route already gone, or whose device is gone, is no error. */
int net_del_route(struct net_ctx *c, const struct route_spec *r, struct err *e);

/* Queue the adding of @r in the batch of @nl under @tag, its device found
 * in @links (one dump of the container's links). */
int net_queue_route(struct nl *nl, const struct route_spec *r, const struct nl_link *links,
		    size_t n_links, int tag, struct err *e);

#endif
