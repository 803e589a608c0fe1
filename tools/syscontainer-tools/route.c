/* add-route, remove-route, list-route. Routes come as the original tool's
 * JSON array ('[{"dest":"10.1.0.0/16","gw":"10.0.0.1","dev":"eth1"}]') or
 * as --dest/--gw/--src/--dev flags for one route. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "net_apply.h"
#include "net_route.h"
#include "store_net.h"
#include "util.h"

struct route_flags {
	struct route_spec one;
	bool has_one;
	bool config_only;
	bool allow_shared;
	struct err e;
};

enum { F_DEST = 256, F_GW, F_SRC, F_DEV };

static int route_flag(int c, const char *name, const char *arg, void *ctx, struct err *e)
{
	struct route_flags *f = ctx;
	char *dst = NULL;
	size_t len = 0;

	switch (c) {
	case F_DEST: dst = f->one.dest; len = sizeof(f->one.dest); break;
	case F_GW: dst = f->one.gw; len = sizeof(f->one.gw); break;
	case F_SRC: dst = f->one.src; len = sizeof(f->one.src); break;
	case F_DEV: dst = f->one.dev; len = sizeof(f->one.dev); break;
	case CLI_F_CONFIG_ONLY: f->config_only = true; return 0;
	case CLI_F_ALLOW_SHARED: f->allow_shared = true; return 0;
	default: return 0;
	}
	if (strlen(arg) >= len)
		return err_set(e, EINVAL, "--%s value '%.40s' is too long", name, arg);
	strcpy(dst, arg);
	f->has_one = true;
	return 0;
}

/* The routes of the command line, a JSON argument or the flags, not both:
 * 0, or -1 after a usage error line. */
static int route_args(const struct command *cmd, const struct cli_args *a, bool filter,
		      struct route_flags *f, struct route_spec **routes, size_t *n)
{
	if (cli_flags_apply(cmd, a, route_flag, f) < 0)
		return -1;
	if (a->n_pos == 2 && !f->has_one) {
		if (parse_routes_json(a->pos[1], filter, routes, n, &f->e) < 0)
			return usage_error(cmd, "%s", f->e.msg), -1;
		return 0;
	}
	if (a->n_pos == 1 && f->has_one) {
		if ((filter ? route_filter_validate : route_validate)(&f->one, &f->e) < 0)
			return usage_error(cmd, "%s", f->e.msg), -1;
		*routes = xcalloc(1, sizeof(**routes));
		**routes = f->one;
		*n = 1;
		return 0;
	}
	return usage_error(cmd, "%s", cmd->pos_error), -1;
}

/* The original tool's text of a route, in what the route commands print. */
static void route_text(const struct route_spec *r, char *buf, size_t len)
{
	route_format(r, ROUTE_TEXT_GO, buf, len);
}

/* Without a live container, a device must be one of the saved interfaces. */
static int check_dev_saved(const struct route_spec *r, const cJSON *doc, struct err *e)
{
	struct nic_spec *nics;
	size_t n;
	bool found = false;

	if (!r->dev[0])
		return 0;
	if (store_nics(doc, &nics, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(nics[i].ctr, r->dev) == 0;
	free(nics);
	if (!found)
		return err_set(e, ENODEV, "route device %s is not an interface added to the container",
			       r->dev);
	return 0;
}

static int add_routes(struct cli *cli, const char *arg, const struct route_flags *f,
		      const struct route_spec *routes, size_t n, struct err *e)
{
	struct route_spec *saved = NULL;
	struct net_ctx c = { .host_netns_fd = -1 };
	size_t n_saved = 0, done = 0;
	int netns = -1, r = -1;
	bool live;
	struct target t;
	char text[ROUTE_TEXT_MAX];

	if (target_open(cli, arg, f->config_only ? TARGET_MAY_BE_STOPPED : TARGET_MUST_RUN,
			STORE_CREATE, &t, e) < 0)
		return -1;
	live = t.running && !f->config_only;
	if (target_net_guard(&t, f->allow_shared, e) < 0 ||
	    store_routes(t.store.doc, &saved, &n_saved, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n_saved; j++)
			if (route_equal(&routes[i], &saved[j])) {
				route_text(&routes[i], text, sizeof(text));
				err_set(e, EEXIST, "route %s is already added to container %s", text, t.id);
				goto out;
			}
		if (!live && check_dev_saved(&routes[i], t.store.doc, e) < 0)
			goto out;
	}
	if (live) {
		if (target_net_open(&t, &c, &netns, e) < 0)
			goto out;
		for (; done < n; done++)
			if (net_add_route(&c, &routes[done], e) < 0)
				goto undo;
	}
	for (size_t i = 0; i < n; i++)
		store_add_route(t.store.doc, &routes[i]);
	if (store_save(&t.store, e) < 0)
		goto undo;
	for (size_t i = 0; i < n; i++) {
		route_text(&routes[i], text, sizeof(text));
		cli_printf("Add route to container %s, route: %s done\n", t.id, text);
		log_info("%s: added route %s%s", t.id, text, live ? "" : ", saved only");
	}
	r = 0;
	goto out;
undo:
	for (size_t i = done; i-- > 0;) {
		struct err undo = { 0 };

		if (net_del_route(&c, &routes[i], &undo) < 0) {
			route_text(&routes[i], text, sizeof(text));
			err_warn(&undo, "%s: undo: remove route %s", t.id, text);
		}
	}
out:
	target_net_close(&c, netns);
	free(saved);
	target_close(&t);
	return r;
}

#define ROUTE_FLAGS \
	{ "dest", F_DEST, "D", "destination: a CIDR, or \"default\"", 0 }, \
	{ "gw", F_GW, "G", "gateway", 0 }, \
	{ "src", F_SRC, "S", "source address", 0 }, \
	{ "dev", F_DEV, "I", "interface of the container", 0 }

static int remove_routes(struct cli *cli, const char *arg, const struct route_flags *f,
			 const struct route_spec *filters, size_t n, struct err *e);

/* add-route and remove-route: the routes, then the command on them; a
 * route of remove-route is a filter. */
static int run_routes(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = a->cmd;
	bool add = cmd == &cmd_add_route;
	struct route_flags f = { 0 };
	struct route_spec *routes = NULL;
	size_t n = 0;
	int r;

	if (route_args(cmd, a, !add, &f, &routes, &n) < 0)
		return EXIT_USAGE;
	r = (add ? add_routes : remove_routes)(cli, a->pos[0], &f, routes, n, &f.e);
	r = r < 0 ? fail(cmd, &f.e) : 0;
	free(routes);
	return r;
}

#define ROUTE_POS .min_pos = 1, .max_pos = 2, \
	.pos_error = "give the container and either a JSON array of routes or " \
		     "--dest/--gw/--src/--dev"

const struct command cmd_add_route = {
	.help = "Add routes in the running container and save them so the prestart hook\n"
		"adds them at every start. dest is a CIDR or \"default\" (also when empty);\n"
		"a route needs a gw or a dev; dev is an interface of the container. A batch is\n"
		"all or nothing.\n",
	.name = "add-route",
	.run = run_routes,
	.args = "CONTAINER ['[{\"dest\":D,\"src\":S,\"gw\":G,\"dev\":I},...]' | --dest D "
		"[--gw G] [--src S] [--dev I]] [--update-config-only] [--allow-shared-netns]",
	.flags = CLI_FLAGS(
		ROUTE_FLAGS,
		{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only save; do not touch the container", 0 },
		{ "allow-shared-netns", CLI_F_ALLOW_SHARED, NULL, "the container joins a network namespace "
		  "by path:\nchange it anyway (see add-nic)", 0 }),
	.notes = "A container in the host's network namespace is refused.\n",
	ROUTE_POS,
};

static int remove_routes(struct cli *cli, const char *arg, const struct route_flags *f,
			 const struct route_spec *filters, size_t n, struct err *e)
{
	struct route_spec *saved = NULL;
	struct net_ctx c = { .host_netns_fd = -1 };
	size_t n_saved = 0;
	bool *gone = NULL;
	int netns = -1, r = -1;
	bool live;
	struct target t;
	char text[ROUTE_TEXT_MAX];

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	/* a namespace that is not the container's own is left alone */
	live = t.running && !f->config_only && target_net_guard(&t, false, ERR_DISCARD) == 0;
	if (store_routes(t.store.doc, &saved, &n_saved, e) < 0)
		goto out;
	gone = xcalloc(n_saved ? n_saved : 1, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		bool any = false;

		for (size_t j = 0; j < n_saved; j++)
			if (route_matches(&filters[i], &saved[j]))
				gone[j] = any = true;
		if (!any) {
			route_text(&filters[i], text, sizeof(text));
			err_set(e, ENOENT, "route %s was not added to container %s", text, t.id);
			goto out;
		}
	}
	if (live) {
		if (target_net_open(&t, &c, &netns, e) < 0)
			goto out;
		for (size_t j = 0; j < n_saved; j++)
			if (gone[j] && net_del_route(&c, &saved[j], e) < 0)
				goto out;
	}
	for (size_t j = n_saved; j-- > 0;)
		if (gone[j])
			store_remove_route(t.store.doc, j);
	if (store_save(&t.store, e) < 0)
		goto out;
	for (size_t j = 0; j < n_saved; j++) {
		if (!gone[j])
			continue;
		route_text(&saved[j], text, sizeof(text));
		cli_printf("Remove route from container %s, route: %s done\n", t.id, text);
		log_info("%s: removed route %s", t.id, text);
	}
	r = 0;
out:
	target_net_close(&c, netns);
	free(gone);
	free(saved);
	target_close(&t);
	return r;
}

const struct command cmd_remove_route = {
	.help = "Remove saved routes: each given route is a filter, and every saved route\n"
		"whose fields equal its non-empty fields is removed, live and from the saved\n"
		"state. A filter that matches nothing is an error.\n",
	.name = "remove-route",
	.run = run_routes,
	.args = "CONTAINER ['[{...}]' | --dest D [--gw G] [--src S] [--dev I]] "
		"[--update-config-only]",
	.flags = CLI_FLAGS(
		ROUTE_FLAGS,
		{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only change the saved state; the live "
		  "routes stay\nuntil the container restarts", 0 }),
	ROUTE_POS,
};
