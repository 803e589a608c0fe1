/* The bridge a veth's host end joins: a Linux bridge (the kernel's
 * IFLA_MASTER, set in the request that makes the pair) or an Open vSwitch
 * bridge (a port of the host end's name in ovsdb-server's database,
 * ovsdb.h). The two cannot both exist under one name: a link of kind
 * "bridge" is a Linux bridge; any other name is asked of ovsdb-server
 * (an OVS bridge shows as a "tun" or "openvswitch" link, or as none). */
#ifndef SCH_NET_BRIDGE_H
#define SCH_NET_BRIDGE_H

#include "error.h"
#include "net_apply.h"

enum bridge_kind { BRIDGE_NONE = 0, BRIDGE_LINUX, BRIDGE_OVS };

struct bridge {
	enum bridge_kind kind;
	int index;              /* BRIDGE_LINUX: its ifindex */
};

/* What @name is. When it is neither kind, one line says what each
 * lookup found ("no bridge named br9: no interface of that name, and
 * ovsdb-server at SOCK: connect: No such file or directory"). Which kind
 * was found is logged. */
int net_bridge_find(struct net_ctx *c, const char *name, struct bridge *b, struct err *e);
/* Put host link @port on Open vSwitch bridge @name. */
int net_bridge_ovs_add(struct net_ctx *c, const char *name, const char *port, struct err *e);
/* The host end @port of a veth leaves bridge @name as the nic goes: a
 * Linux bridge lets go of it with the link; from an Open vSwitch bridge
 * the port is removed (its link may be gone already). No ovsdb-server to
 * ask means no port to remove. */
int net_bridge_leave(struct net_ctx *c, const char *name, const char *port, struct err *e);

/* update-nic --bridge: the host end @port goes from bridge @from to @to
 * ("" = none). Plan it before anything changes: *@master is what the
 * kernel link gets (an ifindex, -1 off its Linux bridge, 0 as it is).
 * Then, in this order: net_bridge_move_out (off an Open vSwitch bridge,
 * before a Linux bridge may take the link), the master set on the link,
 * net_bridge_move_in (onto an Open vSwitch bridge, once no Linux bridge
 * holds it). */
struct bridge_move {
	struct bridge from, to;
};
int net_bridge_plan(struct net_ctx *c, const char *from, const char *to, struct bridge_move *m,
		    int *master, struct err *e);
int net_bridge_move_out(struct net_ctx *c, const char *port, const char *from,
			const struct bridge_move *m, struct err *e);
int net_bridge_move_in(struct net_ctx *c, const char *port, const char *to,
		       const struct bridge_move *m, struct err *e);
/* The decisions of a move, pure: the kernel link's master, and what
 * ovsdb is asked (a port onto @to, a port off @from, nothing). */
int net_bridge_master(const struct bridge_move *m);
enum bridge_ovs_step { OVS_NOTHING, OVS_JOIN, OVS_LEAVE };
enum bridge_ovs_step net_bridge_ovs_step(const struct bridge_move *m);

#endif
