#include "net_bridge.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "ovsdb.h"

/* The context's connection to ovsdb-server, made at its first use. */
static int ovs(struct net_ctx *c, struct ovsdb **db, struct err *e)
{
	if (!c->ovs && ovsdb_open(ovsdb_sock(), &c->ovs, e) < 0)
		return -1;
	*db = c->ovs;
	return 0;
}

/* Not a Linux bridge (@li says what the link is, or @nl_why why there is
 * none): is it an Open vSwitch bridge? */
static int find_ovs(struct net_ctx *c, const char *name, const struct nl_link_info *li,
		    const struct err *nl_why, struct bridge *b, struct err *e)
{
	struct ovsdb *db;
	bool exists = false;
	struct err why = { 0 };

	if (ovs(c, &db, &why) == 0 && ovsdb_bridge_exists(db, name, &exists, &why) == 0 && exists) {
		b->kind = BRIDGE_OVS;
		log_info("bridge %s: Open vSwitch (ovsdb-server at %s)", name, ovsdb_sock());
		return 0;
	}
	if (!why.msg[0])
		err_set(&why, ENODEV, "ovsdb-server at %s has no bridge of that name", ovsdb_sock());
	if (li)
		return err_set(e, ENOTSUP, "%s is not a bridge: it is a %s link, not a Linux bridge, "
			       "and not an Open vSwitch bridge (%s)", name,
			       li->kind[0] ? li->kind : "physical", why.msg);
	return err_set(e, ENODEV, "no bridge named %s: not a Linux bridge (%s) and not an Open "
		       "vSwitch bridge (%s)", name, nl_why->msg, why.msg);
}

int net_bridge_find(struct net_ctx *c, const char *name, struct bridge *b, struct err *e)
{
	struct nl_link_info li;
	struct err why = { 0 };

	memset(b, 0, sizeof(*b));
	if (nl_link_info(c->host, name, &li, &why) < 0) {
		if (why.code != ENODEV) {
			*e = why;
			return err_wrap(e, "bridge %s", name);
		}
		err_set(&why, ENODEV, "no interface of that name");
		return find_ovs(c, name, NULL, &why, b, e);
	}
	if (strcmp(li.kind, "bridge") != 0)
		return find_ovs(c, name, &li, NULL, b, e);
	b->kind = BRIDGE_LINUX;
	b->index = li.index;
	return 0;
}

int net_bridge_ovs_add(struct net_ctx *c, const char *name, const char *port, struct err *e)
{
	struct ovsdb *db;

	if (ovs(c, &db, e) < 0 || ovsdb_port_add(db, name, port, e) < 0)
		return -1;
	log_info("port %s added to Open vSwitch bridge %s", port, name);
	return 0;
}

static bool ovs_absent(const struct err *e)
{
	return e->code == ENOENT || e->code == ECONNREFUSED;
}

int net_bridge_leave(struct net_ctx *c, const char *name, const char *port, struct err *e)
{
	struct nl_link_info li;
	struct ovsdb *db;

	if (!name[0])
		return 0;
	/* the kernel takes a link off its Linux bridge as the link goes */
	if (nl_link_info(c->host, name, &li, ERR_DISCARD) == 0 && strcmp(li.kind, "bridge") == 0)
		return 0;
	if (ovs(c, &db, e) < 0)
		return ovs_absent(e) ? (err_clear(e), 0) : err_wrap(e, "remove port %s", port);
	return ovsdb_port_del(db, name, port, e);
}

int net_bridge_plan(struct net_ctx *c, const char *from, const char *to, struct bridge_move *m,
		    int *master, struct err *e)
{
	struct nl_link_info li;

	memset(m, 0, sizeof(*m));
	*master = 0;
	if (strcmp(from, to) == 0)
		return 0;
	if (to[0] && net_bridge_find(c, to, &m->to, e) < 0)
		return -1;
	/* the old one only has to be told apart: it may be gone by now */
	if (from[0])
		m->from.kind = nl_link_info(c->host, from, &li, ERR_DISCARD) == 0 &&
			       strcmp(li.kind, "bridge") == 0 ? BRIDGE_LINUX : BRIDGE_OVS;
	*master = net_bridge_master(m);
	return 0;
}

int net_bridge_master(const struct bridge_move *m)
{
	if (m->to.kind == BRIDGE_LINUX)
		return m->to.index;
	return m->from.kind == BRIDGE_LINUX ? -1 : 0;
}

enum bridge_ovs_step net_bridge_ovs_step(const struct bridge_move *m)
{
	/* onto another Open vSwitch bridge: ovsdb_port_add takes it off the
	 * old one in the same go */
	if (m->to.kind == BRIDGE_OVS)
		return OVS_JOIN;
	return m->from.kind == BRIDGE_OVS ? OVS_LEAVE : OVS_NOTHING;
}

int net_bridge_move_out(struct net_ctx *c, const char *port, const char *from,
			const struct bridge_move *m, struct err *e)
{
	return net_bridge_ovs_step(m) == OVS_LEAVE ? net_bridge_leave(c, from, port, e) : 0;
}

int net_bridge_move_in(struct net_ctx *c, const char *port, const char *to,
		       const struct bridge_move *m, struct err *e)
{
	return net_bridge_ovs_step(m) == OVS_JOIN ? net_bridge_ovs_add(c, to, port, e) : 0;
}
