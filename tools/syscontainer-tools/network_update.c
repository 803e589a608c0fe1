/* update-nic: change an interface added with add-nic, live and in the
 * saved state; the routes over it follow a new address. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "net_add.h"
#include "net_bridge.h"
#include "net_route.h"
#include "network.h"
#include "store_net.h"

/* The host end of a veth: its bridge (@master: -1 takes it off, 0 keeps)
 * and MTU. */
static int update_host_end(struct net_ctx *c, const struct nic_spec *old, const struct nic_spec *new,
			   int master, struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	int idx;

	if (strcmp(new->type, "veth") != 0 || (!master && old->mtu == new->mtu))
		return 0;
	if (nl_link_index(c->host, new->host, &idx, e) < 0)
		return -1;
	a.master = master;
	a.mtu = new->mtu;
	if (nl_link_set(c->host, idx, &a, e) < 0)
		return err_wrap(e, "update %s on the host", new->host);
	return 0;
}

/* Removing the last address of a link drops every route over it: the
 * routes that depended on the nic are added again (those still there are
 * left as they are). */
static int readd_routes(struct net_ctx *c, const struct nic_spec *old, const struct route_spec *routes,
			size_t nr, struct err *e)
{
	for (size_t j = 0; j < nr; j++) {
		if (!route_needs_nic(&routes[j], old, NULL, 0))
			continue;
		if (net_add_route(c, &routes[j], e) < 0 && e->code != EEXIST)
			return -1;
		err_clear(e);
	}
	return 0;
}

static int update_addr(struct net_ctx *c, int idx, const struct nic_spec *old,
		       const struct nic_spec *new, const struct route_spec *routes, size_t nr,
		       struct err *e)
{
	struct ip_addr o, n;
	struct err undo = { 0 };

	if (!strcmp(old->ip, new->ip))
		return 0;
	if (parse_cidr(old->ip, &o, e) < 0 || parse_cidr(new->ip, &n, e) < 0)
		return -1;
	/* old first: removing a primary address also removes the
	 * secondaries of its subnet, which the new one would be */
	if (nl_addr(c->ctr, RTM_DELADDR, idx, &o, e) < 0 && e->code != EADDRNOTAVAIL)
		return err_wrap(e, "remove address %s", old->ip);
	if (nl_addr(c->ctr, RTM_NEWADDR, idx, &n, e) < 0) {
		err_wrap(e, "add address %s", new->ip);
		goto back;
	}
	if (readd_routes(c, old, routes, nr, e) == 0)
		return 0;
	if (nl_addr(c->ctr, RTM_DELADDR, idx, &n, &undo) < 0)
		err_warn(&undo, "undo: remove address %s", new->ip);
back:
	if (nl_addr(c->ctr, RTM_NEWADDR, idx, &o, &undo) < 0)
		err_warn(&undo, "undo: add address %s back", old->ip);
	if (readd_routes(c, old, routes, nr, &undo) < 0)
		err_warn(&undo, "undo: routes over %s", old->ctr);
	return -1;
}

/* Apply the fields that differ between @old and @new on a live container. */
static int update_live(struct net_ctx *c, const struct nic_spec *old, const struct nic_spec *new,
		       const struct route_spec *routes, size_t nr, struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	struct bridge_move bm;
	unsigned char mac[6];
	int idx, master = 0;

	/* what can be refused is looked at before anything changes */
	if (nl_link_index(c->ctr, old->ctr, &idx, e) < 0 ||
	    net_bridge_plan(c, old->bridge, new->bridge, &bm, &master, e) < 0)
		return -1;
	if (strcasecmp(old->mac, new->mac) && new->mac[0]) {
		if (parse_mac(new->mac, mac, e) < 0)
			return -1;
		a.mac = mac;
	}
	if (old->mtu != new->mtu)
		a.mtu = new->mtu;
	if (old->qlen != new->qlen)
		a.qlen = new->qlen;
	if (nl_link_set(c->ctr, idx, &a, e) < 0)
		return err_wrap(e, "update %s", old->ctr);
	if (update_addr(c, idx, old, new, routes, nr, e) < 0 ||
	    net_bridge_move_out(c, new->host, old->bridge, &bm, e) < 0 ||
	    update_host_end(c, old, new, master, e) < 0)
		return -1;
	return net_bridge_move_in(c, new->host, new->bridge, &bm, e);
}

/* Before anything changes: every saved route over the nic must still work
 * with its new address. */
static int check_routes(const struct nic_spec *old, const struct nic_spec *new,
			const struct nic_spec *nics, size_t nn, const struct route_spec *routes,
			size_t nr, struct err *e)
{
	if (!strcmp(old->ip, new->ip))
		return 0;
	for (size_t j = 0; j < nr; j++)
		if (route_needs_nic(&routes[j], old, nics, nn) &&
		    route_check_readdress(&routes[j], old, new->ip, e) < 0)
			return -1;
	return 0;
}

static void merge(struct nic_spec *m, const struct nic_flags *f)
{
	if (f->has_ip)
		strcpy(m->ip, f->nic.ip);
	if (f->has_mac)
		strcpy(m->mac, f->nic.mac);
	if (f->has_mtu && f->nic.mtu)
		m->mtu = f->nic.mtu;
	if (f->has_qlen)
		m->qlen = f->nic.qlen;
	if (f->has_bridge)
		strcpy(m->bridge, f->nic.bridge);
}

int nic_update_check(const struct command *cmd, struct nic_flags *f)
{
	if (!f->has_name)
		return usage_error(cmd, NIC_NAME_REQUIRED);
	if (f->has_ip && parse_cidr(f->nic.ip, &(struct ip_addr){ 0 }, &f->e) < 0)
		return usage_error(cmd, "%s", f->e.msg);
	if (f->has_mac && parse_mac(f->nic.mac, (unsigned char[6]){ 0 }, &f->e) < 0)
		return usage_error(cmd, "%s", f->e.msg);
	/* --bridge "" takes the host end off its bridge */
	if (f->has_bridge && f->nic.bridge[0] && !ifname_valid(f->nic.bridge))
		return usage_error(cmd, "invalid bridge name '%s'", f->nic.bridge);
	return 0;
}

int nic_update(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e)
{
	_cleanup_nic_target_ struct nic_target m;
	struct nic_spec merged, old;
	bool live;

	f->has_type = false;
	f->nic.host[0] = '\0';
	if (nic_target_open(cli, arg, f, &m, e) < 0)
		return -1;
	live = m.t.running && !f->config_only;
	merged = old = m.saved[m.at];
	merge(&merged, f);
	if (check_routes(&old, &merged, m.saved, m.n_saved, m.routes, m.nr, e) < 0)
		return -1;
	/* the entry being changed is no conflict with itself */
	memmove(&m.saved[m.at], &m.saved[m.at + 1], (m.n_saved - m.at - 1) * sizeof(*m.saved));
	if (nic_validate(&merged, e) < 0 || nic_conflicts(&merged, m.saved, m.n_saved - 1, e) < 0)
		return -1;
	if (live && (target_net_guard(&m.t, false, e) < 0 || nic_target_net(&m, e) < 0 ||
		     update_live(&m.c, &old, &merged, m.routes, m.nr, e) < 0))
		return -1;
	store_replace_nic(m.t.store.doc, m.at, &merged);
	if (store_save(&m.t.store, e) < 0)
		return -1;
	/* poststop takes the host end off the bridge it is on now */
	if (live && strcmp(old.bridge, merged.bridge) != 0) {
		note_in_record(cli, m.t.id, NULL, merged.ctr);
		note_in_record(cli, m.t.id, &merged, NULL);
	}
	cli_printf("Update network interface (%s) of container (%s) done\n", merged.ctr, m.t.id);
	nic_report_saved_only(&m.t, live);
	log_info("%s: updated interface %s (ip %s, mac %s, mtu %d, qlen %d, bridge %s)", m.t.id,
		 merged.ctr, merged.ip, merged.mac, merged.mtu, merged.qlen, merged.bridge);
	return 0;
}

const struct command cmd_update_nic = {
	.help = "Change an interface added with add-nic, live and in the saved state.\n"
		"Flags not given keep their value (--mtu 0 too). --bridge \"\" takes the host\n"
		"end of a veth off its bridge. With a new --ip, the saved routes over the\n"
		"interface are added again; a route that cannot work with the new address\n"
		"(its source is the old one, or its gateway leaves the subnet) is named and\n"
		"nothing changes.\n",
	.name = "update-nic",
	.run = nic_command,
	.args = "CONTAINER --name CTR [--ip ADDR/N] [--mac MAC] [--mtu N] [--qlen N] "
		"[--bridge BR] [--update-config-only]",
	.flags = CLI_FLAGS(
		{ "name", F_NAME, "CTR", "the interface: its name in the container", 0 },
		{ "ip", F_IP, "ADDR/N", "new address with prefix length", 0 },
		{ "mac", F_MAC, "MAC", "new hardware address", 0 },
		{ "mtu", F_MTU, "N", "new MTU (0 keeps it)", 0 },
		{ "qlen", F_QLEN, "N", "new transmit queue length", 0 },
		{ "bridge", F_BRIDGE, "BR", "bridge of the host end of a veth (\"\" takes it off)", 0 },
		{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only change the saved state; the live "
		  "interface\nkeeps its settings until the container restarts", 0 }),
	CLI_ONE_CONTAINER,
};
