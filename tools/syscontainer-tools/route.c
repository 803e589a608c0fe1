/* add-route, remove-route, list-route. Routes come as the original tool's
 * JSON array ('[{"dest":"10.1.0.0/16","gw":"10.0.0.1","dev":"eth1"}]') or
 * as --dest/--gw/--src/--dev flags for one route. */
#include <errno.h>
#include <getopt.h>
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
	bool pretty;
	const char *filter;
	struct err e;
};

enum { F_DEST = 256, F_GW, F_SRC, F_DEV, F_CONFIG_ONLY, F_FILTER, F_ALLOW_SHARED };

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
	case F_CONFIG_ONLY: f->config_only = true; return 0;
	case F_ALLOW_SHARED: f->allow_shared = true; return 0;
	case F_FILTER: f->filter = arg; return 0;
	case 'p': f->pretty = true; return 0;
	default: return err_set(e, EINVAL, "flag --%s does not apply here", name);
	}
	if (strlen(arg) >= len)
		return err_set(e, EINVAL, "--%s value '%.40s' is too long", name, arg);
	strcpy(dst, arg);
	f->has_one = true;
	return 0;
}

/* The routes of the command line: a JSON argument or the flags, not both. */
static int route_args(const struct command *cmd, int argc, char **argv, const struct option *opts,
		      bool filter, struct route_flags *f, struct route_spec **routes, size_t *n)
{
	int end = 1, r;

	r = parse_flags(cmd, argc, argv, opts, route_flag, f, &end);
	if (r >= 0)
		return r;
	if (end == 3 && !f->has_one) {
		if (parse_routes_json(argv[2], filter, routes, n, &f->e) < 0)
			return usage_error(cmd, "%s", f->e.msg);
		return -1;
	}
	if (end == 2 && f->has_one) {
		if ((filter ? route_filter_validate : route_validate)(&f->one, &f->e) < 0)
			return usage_error(cmd, "%s", f->e.msg);
		*routes = xcalloc(1, sizeof(**routes));
		**routes = f->one;
		*n = 1;
		return -1;
	}
	return usage_error(cmd, "give the container and either a JSON array of routes or "
			   "--dest/--gw/--src/--dev");
}

static void route_text(const struct route_spec *r, char *buf, size_t len)
{
	snprintf(buf, len, "{dest:%s,src:%s,gw:%s,dev:%s}", r->dest, r->src, r->gw, r->dev);
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
	char text[320];

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
		printf("Add route to container %s, route: %s done\n", t.id, text);
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

static const struct option add_opts[] = {
	{ "dest", required_argument, NULL, F_DEST },
	{ "gw", required_argument, NULL, F_GW },
	{ "src", required_argument, NULL, F_SRC },
	{ "dev", required_argument, NULL, F_DEV },
	{ "update-config-only", no_argument, NULL, F_CONFIG_ONLY },
	{ "allow-shared-netns", no_argument, NULL, F_ALLOW_SHARED },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option remove_opts[] = {
	{ "dest", required_argument, NULL, F_DEST },
	{ "gw", required_argument, NULL, F_GW },
	{ "src", required_argument, NULL, F_SRC },
	{ "dev", required_argument, NULL, F_DEV },
	{ "update-config-only", no_argument, NULL, F_CONFIG_ONLY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int run_add_route(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &cmd_add_route;
	struct route_flags f = { 0 };
	struct route_spec *routes = NULL;
	size_t n = 0;
	int r = route_args(cmd, argc, argv, add_opts, false, &f, &routes, &n);

	if (r >= 0)
		return r;
	r = add_routes(cli, argv[1], &f, routes, n, &f.e) < 0 ? fail(cmd, &f.e) : 0;
	free(routes);
	return r;
}

const struct command cmd_add_route = {
	.name = "add-route",
	.run = run_add_route,
	.args = "CONTAINER ['[{\"dest\":D,\"src\":S,\"gw\":G,\"dev\":I},...]' | --dest D "
		"[--gw G] [--src S] [--dev I]] [--update-config-only] [--allow-shared-netns]",
	.help = "Add routes in the running container and save them so the prestart hook\n"
		"adds them at every start. dest is a CIDR or \"default\" (also when empty);\n"
		"a route needs a gw or a dev; dev is an interface of the container. A batch is\n"
		"all or nothing.\n"
		"\n"
		"  --update-config-only  only save; do not touch the container\n"
		"  --allow-shared-netns  the container joins a network namespace by path:\n"
		"                        change it anyway (see add-nic)\n"
		"\n"
		"A container in the host's network namespace is refused.\n",
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
	char text[320];

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	/* a namespace that is not the container's own is left alone */
	live = t.running && !f->config_only && target_net_guard(&t, false, &(struct err){ 0 }) == 0;
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
		printf("Remove route from container %s, route: %s done\n", t.id, text);
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

static int run_remove_route(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &cmd_remove_route;
	struct route_flags f = { 0 };
	struct route_spec *routes = NULL;
	size_t n = 0;
	int r = route_args(cmd, argc, argv, remove_opts, true, &f, &routes, &n);

	if (r >= 0)
		return r;
	r = remove_routes(cli, argv[1], &f, routes, n, &f.e) < 0 ? fail(cmd, &f.e) : 0;
	free(routes);
	return r;
}

const struct command cmd_remove_route = {
	.name = "remove-route",
	.run = run_remove_route,
	.args = "CONTAINER ['[{...}]' | --dest D [--gw G] [--src S] [--dev I]] "
		"[--update-config-only]",
	.help = "Remove saved routes: each given route is a filter, and every saved route\n"
		"whose fields equal its non-empty fields is removed, live and from the saved\n"
		"state. A filter that matches nothing is an error.\n"
		"\n"
		"  --update-config-only  only change the saved state; the live routes stay\n"
		"                        until the container restarts\n",
};

static const struct option list_opts[] = {
	{ "pretty", no_argument, NULL, 'p' },
	{ "filter", required_argument, NULL, F_FILTER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int run_list_route(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &cmd_list_route;
	struct route_flags f = { 0 };
	int end = 1, r;

	r = parse_flags(cmd, argc, argv, list_opts, route_flag, &f, &end);
	if (r >= 0)
		return r;
	if (end != 2)
		return usage_error(cmd, "needs exactly one container");
	return list_filtered(cmd, cli, argv[1], "networkRoute", f.filter, f.pretty);
}

const struct command cmd_list_route = {
	.name = "list-route",
	.run = run_list_route,
	.args = "CONTAINER [--pretty] [--filter JSON]",
	.help = "Print the saved routes as a JSON array.\n"
		"\n"
		"  -p, --pretty          indent the JSON\n"
		"  -f, --filter JSON     only routes whose fields equal those of the object,\n"
		"                        e.g. '{\"dest\":\"default\"}'\n",
};
