/* add-nic, remove-nic, update-nic, list-nic. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "network.h"
#include "json.h"
#include "log.h"
#include "container.h"
#include "net_add.h"
#include "net_apply.h"
#include "net_route.h"
#include "netns_pin.h"
#include "netns_share.h"
#include "record.h"
#include "store_cdi.h"
#include "store_net.h"
#include "util.h"


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
int nic_args(const struct command *cmd, const struct cli_args *a, struct nic_flags *f)
{
	f->nic.mtu = 1500;
	f->nic.qlen = 1000;
	f->nic.orig_up = -1;
	return cli_flags_apply(cmd, a, nic_flag, f);
}

/* The usage checks of add-nic and remove-nic (update-nic: network_update.c). */
static int add_check(const struct command *cmd, struct nic_flags *f)
{
	if (!f->has_type || !f->has_name || !f->has_ip)
		return usage_error(cmd, "--type, --name and --ip are required");
	if (nic_validate(&f->nic, &f->e) < 0)
		return usage_error(cmd, "%s", f->e.msg);
	return 0;
}

static int remove_check(const struct command *cmd, struct nic_flags *f)
{
	if (!f->has_name)
		return usage_error(cmd, NIC_NAME_REQUIRED);
	if (f->has_type && strcmp(f->nic.type, "veth") && strcmp(f->nic.type, "eth"))
		return usage_error(cmd, "unsupported --type '%s' (veth or eth)", f->nic.type);
	return 0;
}

void nic_report_saved_only(const struct target *t, bool live)
{
	/* a stopped container gets the line every command prints for it */
	if (!live && t->running)
		cli_printf("Container %s: only the saved state was changed; the change applies at its "
		           "next start.\n", t->id);
}

void note_in_record(const struct cli *cli, const char *id, const struct nic_spec *add,
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

const struct command cmd_add_nic = {
	.help = "Give the running container a network interface and save it so the prestart\n"
		"hook recreates it at every start.\n",
	.name = "add-nic",
	.run = nic_command,
	.args = "CONTAINER --type veth|eth --name [HOST:]CTR --ip ADDR/N [--mac MAC] [--mtu N] "
		"[--qlen N] [--bridge BR] [--update-config-only] [--allow-shared-netns]",
	.flags = CLI_FLAGS(
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
		  "now and at\nevery start while the path stays the same", 0 }),
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

int nic_target_open(struct cli *cli, const char *arg, const struct nic_flags *f,
		    struct nic_target *m, struct err *e)
{
	long at;

	memset(m, 0, sizeof(*m));
	m->c.host_netns_fd = -1;
	m->netns = -1;
	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &m->t, e) < 0)
		return -1;
	if (store_nics(m->t.store.doc, &m->saved, &m->n_saved, e) < 0 ||
	    store_routes(m->t.store.doc, &m->routes, &m->nr, e) < 0)
		goto fail;
	at = find_nic(f, m->saved, m->n_saved);
	if (at < 0) {
		err_set(e, ENOENT, "network interface %s%s%s was not added to container %s",
			f->nic.host, f->nic.host[0] ? ":" : "", f->nic.ctr, m->t.id);
		goto fail;
	}
	/* a CDI device's interface follows its spec: it goes with the device */
	if (store_cdi_owner(m->t.store.doc, CDI_NETDEVS, m->saved[at].ctr)) {
		err_set(e, EBUSY, "interface %s of container %s came with CDI device %s: use "
			"remove-device with that name", m->saved[at].ctr, m->t.id,
			store_cdi_owner(m->t.store.doc, CDI_NETDEVS, m->saved[at].ctr));
		goto fail;
	}
	m->at = (size_t)at;
	return 0;
fail:
	nic_target_close(m);
	return -1;
}

int nic_target_net(struct nic_target *m, struct err *e)
{
	return target_net_open(&m->t, &m->c, &m->netns, e);
}

void nic_target_close(struct nic_target *m)
{
	target_net_close(&m->c, m->netns);
	m->netns = -1;
	free(m->saved);
	free(m->routes);
	m->saved = NULL;
	m->routes = NULL;
	target_close(&m->t);
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
	char text[ROUTE_TEXT_MAX];

	for (size_t j = 0; j < nr; j++) {
		if (!gone[j])
			continue;
		route_format(&routes[j], ROUTE_TEXT_GO, text, sizeof(text));
		cli_printf("Remove route from container %s, route: %s done (it depends on %s)\n", t->id,
		           text, n->ctr);
		log_info("%s: removed route %s with interface %s", t->id, text, n->ctr);
	}
	cli_printf("Remove network interface (%s) from container (%s,%s) done\n", n->host, t->id, n->ctr);
	nic_report_saved_only(t, live);
	log_info("%s: removed interface %s (host %s)%s", t->id, n->ctr, n->host,
		 live ? "" : ", saved state only");
}

static int remove_nic(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e)
{
	_cleanup_nic_target_ struct nic_target m;
	_cleanup_free_ bool *gone = NULL;
	const struct nic_spec *n;
	bool live;

	if (nic_target_open(cli, arg, f, &m, e) < 0)
		return -1;
	n = &m.saved[m.at];
	/* a namespace that is not the container's own was never changed by us:
	 * a link of that name there is someone else's */
	live = m.t.running && !f->config_only && target_net_guard(&m.t, false, ERR_DISCARD) == 0;
	gone = xcalloc(m.nr + 1, sizeof(*gone));
	dependent_routes(m.saved, m.n_saved, m.at, m.routes, m.nr, gone);
	if (live && (nic_target_net(&m, e) < 0 || remove_live(&m.c, n, m.routes, m.nr, gone, e) < 0))
		return -1;
	for (size_t j = m.nr; j-- > 0;)
		if (gone[j])
			store_remove_route(m.t.store.doc, j);
	store_remove_nic(m.t.store.doc, m.at);
	if (store_save(&m.t.store, e) < 0) {
		struct err undo = { 0 };

		if (live && net_add_nics(&m.c, n, 1, NULL, 0, &undo) < 0)
			err_warn(&undo, "%s: undo: add %s back", m.t.id, n->ctr);
		return -1;
	}
	/* the record keeps what still runs, for poststop to clean */
	if (live)
		note_in_record(cli, m.t.id, NULL, n->ctr);
	remove_report(&m.t, n, m.routes, m.nr, gone, live);
	return 0;
}

/* Each nic command: the check of its flags, and its work. */
static const struct {
	const struct command *cmd;
	int (*check)(const struct command *cmd, struct nic_flags *f);
	int (*op)(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e);
} nic_commands[] = {
	{ &cmd_add_nic, add_check, add_nic },
	{ &cmd_remove_nic, remove_check, remove_nic },
	{ &cmd_update_nic, nic_update_check, nic_update },
};

int nic_command(struct cli *cli, const struct cli_args *a)
{
	struct nic_flags f = { 0 };
	size_t i = 0;
	int r;

	while (nic_commands[i].cmd != a->cmd)
		i++;
	if (nic_args(a->cmd, a, &f) < 0)
		return EXIT_USAGE;
	r = nic_commands[i].check(a->cmd, &f);
	if (r != 0)
		return r;
	return nic_commands[i].op(cli, a->pos[0], &f, &f.e) < 0 ? fail(a->cmd, &f.e) : 0;
}

const struct command cmd_remove_nic = {
	.help = "Remove an interface added with add-nic: a veth pair is deleted, an eth\n"
		"interface goes back to the host under its host name, with the MAC, MTU and\n"
		"up/down state it had when it was added. It is no longer recreated at\n"
		"restart. The saved routes that depend on it (over it, via a gateway on its\n"
		"subnet, or from its address) are removed with it, and each is named.\n"
		"A stopped container only has its saved state changed.\n",
	.name = "remove-nic",
	.run = nic_command,
	.args = "CONTAINER --name [HOST:]CTR [--type veth|eth] [--update-config-only]",
	.flags = CLI_FLAGS(
		{ "name", F_NAME, "[HOST:]CTR", "the interface: its name in the container (and on the\n"
		  "host)", 0 },
		{ "type", F_TYPE, "veth|eth", "only an interface of this type", 0 },
		{ "update-config-only", CLI_F_CONFIG_ONLY, NULL,
		  "only change the saved state; the live interface and\nroutes stay until the container stops",
		  0 }),
	CLI_ONE_CONTAINER,
};
