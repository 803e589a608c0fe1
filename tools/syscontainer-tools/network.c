/* add-nic, remove-nic, update-nic, list-nic. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "log.h"
#include "container.h"
#include "net_add.h"
#include "net_apply.h"
#include "net_bridge.h"
#include "net_route.h"
#include "netns_pin.h"
#include "netns_share.h"
#include "record.h"
#include "store_net.h"
#include "util.h"

struct nic_flags {
	struct nic_spec nic;
	bool has_type, has_name, has_ip, has_mac, has_mtu, has_qlen, has_bridge;
	bool config_only;
	bool allow_shared;
	struct err e;
};

enum { F_TYPE = 256, F_NAME, F_IP, F_MAC, F_MTU, F_QLEN, F_BRIDGE };

static int copy_value(char *dst, size_t len, const char *flag, const char *v, struct err *e)
{
	if (strlen(v) >= len)
		return err_set(e, EINVAL, "--%s value '%.40s' is too long", flag, v);
	strcpy(dst, v);
	return 0;
}

static int nic_flag(int c, const char *name, const char *arg, void *ctx, struct err *e)
{
	struct nic_flags *f = ctx;
	struct nic_spec *n = &f->nic;

	switch (c) {
	case F_TYPE: f->has_type = true; return copy_value(n->type, sizeof(n->type), name, arg, e);
	case F_NAME: f->has_name = true; return parse_nic_name(arg, n->host, n->ctr, e);
	case F_IP: f->has_ip = true; return copy_value(n->ip, sizeof(n->ip), name, arg, e);
	case F_MAC: f->has_mac = true; return copy_value(n->mac, sizeof(n->mac), name, arg, e);
	case F_MTU: f->has_mtu = true; return parse_mtu(arg, &n->mtu, e);
	case F_QLEN: f->has_qlen = true; return parse_qlen(arg, &n->qlen, e);
	case F_BRIDGE:
		f->has_bridge = true;
		return copy_value(n->bridge, sizeof(n->bridge), name, arg, e);
	case CLI_F_CONFIG_ONLY: f->config_only = true; return 0;
	case CLI_F_ALLOW_SHARED: f->allow_shared = true; return 0;
	}
	return 0;
}

/* The flags of add-nic, remove-nic and update-nic: 0, or -1 after a
 * usage error line. */
static int nic_args(const struct command *cmd, const struct cli_args *a, struct nic_flags *f)
{
	f->nic.mtu = 1500;
	f->nic.qlen = 1000;
	f->nic.orig_up = -1;
	return cli_flags_apply(cmd, a, nic_flag, f);
}

/* The runtime record lists the interfaces made in the container, so that
 * poststop cleans them up whatever hook.json holds by then. */
static void note_in_record(const struct cli *cli, const char *id, const struct nic_spec *add,
			   const char *removed)
{
	struct err why = { 0 };

	if ((add ? record_nic_add(cli->rundir, id, add, &why) :
	     record_nic_remove(cli->rundir, id, removed, &why)) < 0)
		log_warn("%s: %s; the stop cleans %s after the saved state only", id, why.msg,
			 add ? add->ctr : removed);
}

int target_net_guard(struct target *t, bool allow, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	const char *consent;
	int fd = -1, r;

	if (!t->running) {
		if (allow)
			return err_set(e, EINVAL, "--allow-shared-netns needs container %s running: "
				       "the namespace it joins is read from it", t->id);
		return 0;               /* the hook checks at the next start */
	}
	if (store_net_consent(t->store.doc, &consent, e) < 0 ||
	    pid_open_ns(t->c.pidfd, t->c.rec.pid, "net", &fd, e) < 0)
		return -1;
	r = netns_guard(t->id, t->c.rec.bundle, fd, consent, &path, e);
	if (r < 0 && allow && e->code == EPERM && path) {
		/* checked again: the path may lead to the host's namespace */
		err_clear(e);
		r = netns_guard(t->id, t->c.rec.bundle, fd, path, NULL, e);
		if (r == 0)
			store_set_net_consent(t->store.doc, path);
	}
	close(fd);
	return r;
}

/* What an eth link is like on the host now, to give it back so later. */
static void eth_orig(struct nic_spec *n)
{
	struct net_ctx c = { .host_netns_fd = -1 };

	/* a link that cannot be read is refused by the add itself, with why */
	if (strcmp(n->type, "eth") == 0 && net_ctx_open(-1, &c, ERR_DISCARD) == 0)
		net_eth_orig(&c, n, ERR_DISCARD);
	net_ctx_close(&c);
}

static int add_nic(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e)
{
	struct nic_spec *saved = NULL, *n = &f->nic;
	struct net_ctx c = { .host_netns_fd = -1 };
	size_t n_saved = 0;
	int netns = -1, r = -1;
	bool live;
	struct target t;

	if (target_open(cli, arg, f->config_only ? TARGET_MAY_BE_STOPPED : TARGET_MUST_RUN,
			STORE_CREATE, &t, e) < 0)
		return -1;
	live = t.running && !f->config_only;
	if (!n->host[0] && strcmp(n->type, "veth") == 0)
		veth_random_name(n->host);
	if (target_net_guard(&t, f->allow_shared, e) < 0 ||
	    store_nics(t.store.doc, &saved, &n_saved, e) < 0 ||
	    nic_validate(n, e) < 0 || nic_conflicts(n, saved, n_saved, e) < 0)
		goto out;
	eth_orig(n);
	if (live) {
		if (target_net_open(&t, &c, &netns, e) < 0 ||
		    netns_pin(cli->rundir, t.id, t.c.rec.pid, e) < 0 || net_add_nics(&c, n, 1, NULL, 0, e) < 0)
			goto out;
	}
	store_add_nic(t.store.doc, n);
	if (store_save(&t.store, e) < 0) {
		struct err undo = { 0 };

		if (live && net_remove_nic(&c, n, &undo) < 0)
			err_warn(&undo, "%s: undo: remove %s", t.id, n->ctr);
		goto out;
	}
	if (live)
		note_in_record(cli, t.id, n, NULL);
	cli_printf("Add network interface (%s) to container (%s,%s) done\n", n->host, t.id, n->ctr);
	log_info("%s: added %s interface %s (host %s, ip %s)%s", t.id, n->type, n->ctr, n->host,
		 n->ip, live ? "" : ", saved only");
	r = 0;
out:
	target_net_close(&c, netns);
	free(saved);
	target_close(&t);
	return r;
}

static const struct cli_flag add_flags[] = {
	{ "type", F_TYPE, "veth|eth", "veth: a new pair, one end in the container; eth: move an\n"
	  "existing host interface in (and back at removal/stop)", 0 },
	{ "name", F_NAME, "[HOST:]CTR", "interface names on the host and in the container;\n"
	  "a veth without HOST is named veth + 10 random hex digits", 0 },
	{ "ip", F_IP, "ADDR/N", "IPv4 or IPv6 address with prefix length", 0 },
	{ "mac", F_MAC, "MAC", "hardware address in the container", 0 },
	{ "mtu", F_MTU, "N", "MTU (68..65535, default 1500)", 0 },
	{ "qlen", F_QLEN, "N", "transmit queue length (default 1000)", 0 },
	{ "bridge", F_BRIDGE, "BR", "attach the host end of a veth to this bridge (Linux or\nOpen vSwitch)", 0 },
	{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only save; do not touch the container", 0 },
	{ "allow-shared-netns", CLI_F_ALLOW_SHARED, NULL,
	  "the container joins a network namespace by path\n(linux.namespaces): change it anyway, "
	  "now and at\nevery start while the path stays the same", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static int run_add_nic(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_add_nic;
	struct nic_flags f = { 0 };

	if (nic_args(cmd, a, &f) < 0)
		return EXIT_USAGE;
	if (!f.has_type || !f.has_name || !f.has_ip)
		return usage_error(cmd, "--type, --name and --ip are required");
	if (nic_validate(&f.nic, &f.e) < 0)
		return usage_error(cmd, "%s", f.e.msg);
	return add_nic(cli, a->pos[0], &f, &f.e) < 0 ? fail(cmd, &f.e) : 0;
}

const struct command cmd_add_nic = {
	.name = "add-nic",
	.run = run_add_nic,
	.args = "CONTAINER --type veth|eth --name [HOST:]CTR --ip ADDR/N [--mac MAC] [--mtu N] "
		"[--qlen N] [--bridge BR] [--update-config-only] [--allow-shared-netns]",
	.help = "Give the running container a network interface and save it so the prestart\n"
		"hook recreates it at every start.\n",
	.flags = add_flags,
	.notes = "A container in the host's network namespace (no network namespace of its\n"
		 "own) is refused: its interfaces would be the host's.\n",
	CLI_ONE_CONTAINER,
};

/* Index of the saved nic that --name (and --type) designate, or -1. */
static long find_nic(const struct nic_flags *f, const struct nic_spec *saved, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct nic_spec *s = &saved[i];

		if (f->has_type && strcmp(f->nic.type, s->type) != 0)
			continue;
		if (strcmp(f->nic.ctr, s->ctr) == 0 && (!f->nic.host[0] || !strcmp(f->nic.host, s->host)))
			return (long)i;
	}
	return -1;
}

/* Mark the saved routes that depend on nic @at (route_needs_nic); they
 * go with it. Returns how many. */
static size_t dependent_routes(const struct nic_spec *nics, size_t nn, size_t at,
			       const struct route_spec *routes, size_t nr, bool *gone)
{
	size_t k = 0;

	for (size_t j = 0; j < nr; j++) {
		gone[j] = route_needs_nic(&routes[j], &nics[at], nics, nn);
		k += gone[j];
	}
	return k;
}

static void route_line(const struct route_spec *r, char *buf, size_t len)
{
	snprintf(buf, len, "{dest:%s,src:%s,gw:%s,dev:%s}", r->dest, r->src, r->gw, r->dev);
}

/* Take nic @at and the routes marked in @gone off the live container:
 * routes first, while their device is still there. */
static int remove_live(struct net_ctx *c, const struct nic_spec *n, const struct route_spec *routes,
		       size_t nr, const bool *gone, struct err *e)
{
	for (size_t j = 0; j < nr; j++)
		if (gone[j] && net_del_route(c, &routes[j], e) < 0)
			return -1;
	return net_remove_nic(c, n, e);
}

static void remove_report(const struct target *t, const struct nic_spec *n,
			  const struct route_spec *routes, size_t nr, const bool *gone, bool live)
{
	char text[320];

	for (size_t j = 0; j < nr; j++) {
		if (!gone[j])
			continue;
		route_line(&routes[j], text, sizeof(text));
		cli_printf("Remove route from container %s, route: %s done (it depends on %s)\n", t->id,
		           text, n->ctr);
		log_info("%s: removed route %s with interface %s", t->id, text, n->ctr);
	}
	cli_printf("Remove network interface (%s) from container (%s,%s) done\n", n->host, t->id, n->ctr);
	if (!live)
		cli_printf("Container %s: only the saved state was changed; the change applies at its "
		           "next start.\n", t->id);
	log_info("%s: removed interface %s (host %s)%s", t->id, n->ctr, n->host,
		 live ? "" : ", saved state only");
}

static int remove_nic(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e)
{
	struct nic_spec *saved = NULL;
	struct route_spec *routes = NULL;
	struct net_ctx c = { .host_netns_fd = -1 };
	size_t n_saved = 0, nr = 0;
	_cleanup_free_ bool *gone = NULL;
	int netns = -1, r = -1;
	struct err shared = { 0 };
	struct target t;
	bool live;
	long at;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	if (store_nics(t.store.doc, &saved, &n_saved, e) < 0 ||
	    store_routes(t.store.doc, &routes, &nr, e) < 0)
		goto out;
	at = find_nic(f, saved, n_saved);
	if (at < 0) {
		err_set(e, ENOENT, "network interface %s%s%s was not added to container %s",
			f->nic.host, f->nic.host[0] ? ":" : "", f->nic.ctr, t.id);
		goto out;
	}
	/* a namespace that is not the container's own was never changed by us:
	 * a link of that name there is someone else's */
	live = t.running && !f->config_only && target_net_guard(&t, false, &shared) == 0;
	gone = xcalloc(nr + 1, sizeof(*gone));
	dependent_routes(saved, n_saved, (size_t)at, routes, nr, gone);
	if (live && (target_net_open(&t, &c, &netns, e) < 0 ||
		     remove_live(&c, &saved[at], routes, nr, gone, e) < 0))
		goto out;
	for (size_t j = nr; j-- > 0;)
		if (gone[j])
			store_remove_route(t.store.doc, j);
	store_remove_nic(t.store.doc, (size_t)at);
	if (store_save(&t.store, e) < 0) {
		struct err undo = { 0 };

		if (live && net_add_nics(&c, &saved[at], 1, NULL, 0, &undo) < 0)
			err_warn(&undo, "%s: undo: add %s back", t.id, saved[at].ctr);
		goto out;
	}
	/* the record keeps what still runs, for poststop to clean */
	if (live)
		note_in_record(cli, t.id, NULL, saved[at].ctr);
	remove_report(&t, &saved[at], routes, nr, gone, live);
	r = 0;
out:
	target_net_close(&c, netns);
	free(saved);
	free(routes);
	target_close(&t);
	return r;
}

static const struct cli_flag remove_flags[] = {
	{ "name", F_NAME, "[HOST:]CTR", "the interface: its name in the container (and on the\n"
	  "host)", 0 },
	{ "type", F_TYPE, "veth|eth", "only an interface of this type", 0 },
	{ "update-config-only", CLI_F_CONFIG_ONLY, NULL,
	  "only change the saved state; the live interface and\nroutes stay until the container stops",
	  0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static int run_remove_nic(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_remove_nic;
	struct nic_flags f = { 0 };

	if (nic_args(cmd, a, &f) < 0)
		return EXIT_USAGE;
	if (!f.has_name)
		return usage_error(cmd, "--name is required");
	if (f.has_type && strcmp(f.nic.type, "veth") && strcmp(f.nic.type, "eth"))
		return usage_error(cmd, "unsupported --type '%s' (veth or eth)", f.nic.type);
	return remove_nic(cli, a->pos[0], &f, &f.e) < 0 ? fail(cmd, &f.e) : 0;
}

const struct command cmd_remove_nic = {
	.name = "remove-nic",
	.run = run_remove_nic,
	.args = "CONTAINER --name [HOST:]CTR [--type veth|eth] [--update-config-only]",
	.help = "Remove an interface added with add-nic: a veth pair is deleted, an eth\n"
		"interface goes back to the host under its host name, with the MAC, MTU and\n"
		"up/down state it had when it was added. It is no longer recreated at\n"
		"restart. The saved routes that depend on it (over it, via a gateway on its\n"
		"subnet, or from its address) are removed with it, and each is named.\n"
		"A stopped container only has its saved state changed.\n",
	.flags = remove_flags,
	CLI_ONE_CONTAINER,
};

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
	    update_host_end(c, old, new, master, e) < 0)
		return -1;
	return net_bridge_move(c, new->host, old->bridge, new->bridge, &bm, e);
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

static int update_nic(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e)
{
	struct nic_spec *saved = NULL, merged, old;
	struct route_spec *routes = NULL;
	struct net_ctx c = { .host_netns_fd = -1 };
	size_t n_saved = 0, nr = 0;
	int netns = -1, r = -1;
	struct target t;
	long at;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	if (store_nics(t.store.doc, &saved, &n_saved, e) < 0 ||
	    store_routes(t.store.doc, &routes, &nr, e) < 0)
		goto out;
	f->has_type = false;
	f->nic.host[0] = '\0';
	at = find_nic(f, saved, n_saved);
	if (at < 0) {
		err_set(e, ENOENT, "network interface %s was not added to container %s", f->nic.ctr, t.id);
		goto out;
	}
	merged = old = saved[at];
	merge(&merged, f);
	if (check_routes(&old, &merged, saved, n_saved, routes, nr, e) < 0)
		goto out;
	/* the entry being changed is no conflict with itself */
	memmove(&saved[at], &saved[at + 1], (n_saved - (size_t)at - 1) * sizeof(*saved));
	if (nic_validate(&merged, e) < 0 || nic_conflicts(&merged, saved, n_saved - 1, e) < 0)
		goto out;
	if (t.running && !f->config_only &&
	    (target_net_guard(&t, false, e) < 0 || target_net_open(&t, &c, &netns, e) < 0 ||
	     update_live(&c, &old, &merged, routes, nr, e) < 0))
		goto out;
	store_replace_nic(t.store.doc, (size_t)at, &merged);
	if (store_save(&t.store, e) < 0)
		goto out;
	/* poststop takes the host end off the bridge it is on now */
	if (t.running && !f->config_only && strcmp(old.bridge, merged.bridge) != 0) {
		note_in_record(cli, t.id, NULL, merged.ctr);
		note_in_record(cli, t.id, &merged, NULL);
	}
	cli_printf("Update network interface (%s) of container (%s) done\n", merged.ctr, t.id);
	if (!t.running || f->config_only)
		cli_printf("Container %s: only the saved state was changed; the change applies at its "
		           "next start.\n", t.id);
	log_info("%s: updated interface %s (ip %s, mac %s, mtu %d, qlen %d, bridge %s)", t.id,
		 merged.ctr, merged.ip, merged.mac, merged.mtu, merged.qlen, merged.bridge);
	r = 0;
out:
	target_net_close(&c, netns);
	free(saved);
	free(routes);
	target_close(&t);
	return r;
}

static const struct cli_flag update_flags[] = {
	{ "name", F_NAME, "CTR", "the interface: its name in the container", 0 },
	{ "ip", F_IP, "ADDR/N", "new address with prefix length", 0 },
	{ "mac", F_MAC, "MAC", "new hardware address", 0 },
	{ "mtu", F_MTU, "N", "new MTU (0 keeps it)", 0 },
	{ "qlen", F_QLEN, "N", "new transmit queue length", 0 },
	{ "bridge", F_BRIDGE, "BR", "bridge of the host end of a veth (\"\" takes it off)", 0 },
	{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only change the saved state; the live "
	  "interface\nkeeps its settings until the container restarts", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static int run_update_nic(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_update_nic;
	struct nic_flags f = { 0 };

	if (nic_args(cmd, a, &f) < 0)
		return EXIT_USAGE;
	if (!f.has_name)
		return usage_error(cmd, "--name (the interface name in the container) is required");
	if (f.has_ip && parse_cidr(f.nic.ip, &(struct ip_addr){ 0 }, &f.e) < 0)
		return usage_error(cmd, "%s", f.e.msg);
	if (f.has_mac && parse_mac(f.nic.mac, (unsigned char[6]){ 0 }, &f.e) < 0)
		return usage_error(cmd, "%s", f.e.msg);
	/* --bridge "" takes the host end off its bridge */
	if (f.has_bridge && f.nic.bridge[0] && !ifname_valid(f.nic.bridge))
		return usage_error(cmd, "invalid bridge name '%s'", f.nic.bridge);
	return update_nic(cli, a->pos[0], &f, &f.e) < 0 ? fail(cmd, &f.e) : 0;
}

const struct command cmd_update_nic = {
	.name = "update-nic",
	.run = run_update_nic,
	.args = "CONTAINER --name CTR [--ip ADDR/N] [--mac MAC] [--mtu N] [--qlen N] "
		"[--bridge BR] [--update-config-only]",
	.help = "Change an interface added with add-nic, live and in the saved state.\n"
		"Flags not given keep their value (--mtu 0 too). --bridge \"\" takes the host\n"
		"end of a veth off its bridge. With a new --ip, the saved routes over the\n"
		"interface are added again; a route that cannot work with the new address\n"
		"(its source is the old one, or its gateway leaves the subnet) is named and\n"
		"nothing changes.\n",
	.flags = update_flags,
	CLI_ONE_CONTAINER,
};

/* Does saved entry @o match every member of the filter object? Keys are
 * compared without case, as the original tool did. */
static bool filter_match(const cJSON *filter, const cJSON *o)
{
	const cJSON *want;

	cJSON_ArrayForEach(want, filter) {
		const cJSON *have = cJSON_GetObjectItem(o, want->string);

		if (!have)
			return false;
		if (cJSON_IsString(want) && (!cJSON_IsString(have) ||
					     strcmp(want->valuestring, have->valuestring)))
			return false;
		if (cJSON_IsNumber(want) && (!cJSON_IsNumber(have) ||
					     want->valuedouble != have->valuedouble))
			return false;
	}
	return true;
}

int list_filtered(const struct command *cmd, struct cli *cli, const struct cli_args *a,
		  const char *key)
{
	const char *filter = cli_value(a, CLI_F_FILTER);
	_cleanup_cjson_ cJSON *f = NULL;
	_cleanup_cjson_ cJSON *out = cJSON_CreateArray();
	const cJSON *it;
	struct err e = { 0 };
	struct target t;

	if (filter && (json_parse(filter, strlen(filter), &f, &e) < 0 || !cJSON_IsObject(f)))
		return usage_error(cmd, "--filter must be a JSON object%s%s", e.msg[0] ? ": " : "",
				   e.msg);
	if (target_open(cli, a->pos[0], TARGET_MAY_BE_STOPPED, STORE_READ, &t, &e) < 0)
		return fail(cmd, &e);
	if (store_net_validate(t.store.doc, &e) < 0) {
		target_close(&t);
		return fail(cmd, &e);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(t.store.doc, key))
		if (!f || filter_match(f, it))
			cJSON_AddItemToArray(out, cJSON_Duplicate(it, true));
	print_json(out, cli_has(a, CLI_F_PRETTY));
	target_close(&t);
	return 0;
}

static const struct cli_flag list_flags[] = {
	CLI_FLAG_PRETTY,
	CLI_FLAG_FILTER("{\"Ip\":\"10.0.0.2/24\",\"Mtu\":1500}"),
	{ NULL, 0, NULL, NULL, 0 },
};

static int run_list_nic(struct cli *cli, const struct cli_args *a)
{
	return list_filtered(&cmd_list_nic, cli, a, "networkInterfaces");
}

const struct command cmd_list_nic = {
	.name = "list-nic",
	.run = run_list_nic,
	.args = "CONTAINER [--pretty] [--filter JSON]",
	.help = "Print the saved interfaces as a JSON array.\n",
	.flags = list_flags,
	CLI_ONE_CONTAINER,
};
