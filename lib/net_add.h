/* Adding network interfaces (and the routes over them) to a container:
 * one path for the CLI and the hook. See net_add.c for its steps. */
#ifndef SCH_NET_ADD_H
#define SCH_NET_ADD_H

#include "error.h"
#include "net_apply.h"
#include "net_spec.h"

/* Add @nn nics, then @nr routes, to the container of @c. veth: the pair
 * is made with its container end directly in the container's namespace,
 * the host end on its bridge; eth: the host link is moved in under its
 * container name. Then every address, up and route. On failure what this
 * call made is taken down again and nothing else is touched: a link of
 * the same name that was there before is never ours to remove. */
int net_add_nics(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		 const struct route_spec *routes, size_t nr, struct err *e);


/* Requests of the container-side batch are tagged with the item they
 * serve (nic i, or route k as item nn + k) and their step, so that the
 * first failure is told against the right nic or route. */
enum net_step { NET_STEP_SET, NET_STEP_ADDR, NET_STEP_UP, NET_STEP_ROUTE, NET_STEPS };
int net_tag(size_t item, enum net_step step);
void net_tag_split(int tag, size_t *item, enum net_step *step);
/* Wrap @e, the failure of the request tagged @tag, with what it was:
 * "add veth interface eth1: add address 10.0.0.2/24 to eth1: ..." or
 * "add route default via 10.0.0.1: ...". */
int net_batch_failed(const struct nic_spec *nics, size_t nn, const struct route_spec *routes,
		     size_t nr, int tag, struct err *e);

#endif
