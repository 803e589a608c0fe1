/* list: everything saved for a container, as text or JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "store_cdi.h"
#include "store_net.h"
#include "store_qos.h"
#include "util.h"

enum { F_JSON = 256 };

static int print_net(const struct target *t, struct err *e)
{
	struct nic_spec *nics = NULL;
	struct route_spec *routes = NULL;
	size_t nn = 0, nr = 0;
	char text[ROUTE_TEXT_MAX];

	if (store_nics(t->store.doc, &nics, &nn, e) < 0 ||
	    store_routes(t->store.doc, &routes, &nr, e) < 0) {
		free(nics);
		return -1;
	}
	cli_printf("interfaces (%zu):\n", nn);
	for (size_t i = 0; i < nn; i++) {
		char mtu[32] = "mtu and qlen as on the host";

		/* an eth link lent as it is (a CDI netDevice) keeps its own */
		if (nics[i].mtu)
			snprintf(mtu, sizeof(mtu), "mtu %d qlen %d", nics[i].mtu, nics[i].qlen);
		cli_printf("  %-4s %-15s -> %-15s %s%s%s %s%s%s\n", nics[i].type, nics[i].host,
		           nics[i].ctr, nics[i].ip, nics[i].mac[0] ? " mac " : "", nics[i].mac, mtu,
		           nics[i].bridge[0] ? " bridge " : "", nics[i].bridge);
	}
	cli_printf("routes (%zu):\n", nr);
	for (size_t i = 0; i < nr; i++) {
		route_format(&routes[i], ROUTE_TEXT_IP, text, sizeof(text));
		cli_printf("  %s\n", text);
	}
	free(nics);
	free(routes);
	return 0;
}

/* Why a QoS setting is not in effect now, the way the hook would find it
 * at the next start, or NULL. */
static const char *qos_note(enum qos_kind k, const struct saved_qos *q, char *buf, size_t len)
{
	struct err why = { 0 };
	char reason[128];
	int64_t maj, min;

	if (qos_check_device(q->path, &maj, &min, &why) < 0) {
		snprintf(buf, len, " (skipped at start: %s)", why.msg);
		return buf;
	}
	if (k == QOS_WEIGHT && !qos_weight_possible(maj, min, reason, sizeof(reason))) {
		snprintf(buf, len, " (not in effect, skipped at start: %s)", reason);
		return buf;
	}
	return NULL;
}

static int print_qos(const struct target *t, struct err *e)
{
	struct saved_qos *q[QOS_KINDS] = { NULL };
	size_t n[QOS_KINDS] = { 0 }, total = 0;
	int r = 0;

	for (int k = 0; k < QOS_KINDS && r == 0; k++) {
		r = store_qos(t->store.doc, (enum qos_kind)k, &q[k], &n[k], e);
		total += n[k];
	}
	if (r == 0)
		cli_printf("qos (%zu):\n", total);
	for (int k = 0; k < QOS_KINDS && r == 0; k++)
		for (size_t i = 0; i < n[k]; i++) {
			char note[ERR_MSG_MAX + 64];
			const char *why = qos_note((enum qos_kind)k, &q[k][i], note, sizeof(note));

			_cleanup_free_ char *path = cli_text(q[k][i].path);
			_cleanup_free_ char *note_text = cli_text(why ? why : "");

			cli_printf("  %-24s %lld:%lld %s %" PRIu64 "%s\n", path, (long long)q[k][i].major,
			           (long long)q[k][i].minor, qos_flag((enum qos_kind)k), q[k][i].value,
			           note_text);
		}
	for (int k = 0; k < QOS_KINDS; k++)
		free(q[k]);
	return r;
}

static void print_places(const char *what, char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *place = cli_text(l[i]);

		cli_printf("    %-6s %s\n", what, place);
	}
}

/* CDI devices by name, with the places of what each applied at the last
 * start (their nodes and mounts are in the lists above). */
static int print_cdi(const struct target *t, struct err *e)
{
	struct saved_cdi *c = NULL;
	size_t n = 0;

	if (store_cdi(t->store.doc, &c, &n, e) < 0)
		return -1;
	cli_printf("cdi devices (%zu):\n", n);
	for (size_t i = 0; i < n; i++) {
		cli_printf("  %s%s\n", c[i].name, c[i].ignore_unsupported ? " (ignore unsupported)" : "");
		print_places("dir", c[i].dirs, c[i].n_dirs);
		print_places("node", c[i].nodes, c[i].n_nodes);
		print_places("mount", c[i].mounts, c[i].n_mounts);
		print_places("nic", c[i].netdevs, c[i].n_netdevs);
	}
	saved_cdi_free(c, n);
	return 0;
}

static int print_text(const struct target *t, struct err *e)
{
	struct saved_device *devs = NULL;
	struct path_spec *paths = NULL;
	size_t nd = 0, np = 0;

	if (store_devices(&t->store, &devs, &nd, e) < 0 ||
	    store_binds(&t->store, &paths, &np, e) < 0) {
		saved_devices_free(devs, nd);
		return -1;
	}
	cli_printf("container %s: %s\n", t->id, t->running ? "running" : "not running");
	cli_printf("devices (%zu):\n", nd);
	for (size_t i = 0; i < nd; i++) {
		_cleanup_free_ char *host = cli_text(devs[i].host);
		_cleanup_free_ char *ctr = cli_text(devs[i].ctr);

		cli_printf("  %-24s -> %-24s %c %lld:%lld %s\n", host, ctr, devs[i].type,
		           (long long)devs[i].major, (long long)devs[i].minor, devs[i].perms);
	}
	cli_printf("paths (%zu):\n", np);
	for (size_t i = 0; i < np; i++) {
		_cleanup_free_ char *host = cli_text(paths[i].host);
		_cleanup_free_ char *ctr = cli_text(paths[i].ctr);

		cli_printf("  %-24s -> %-24s %s\n", host, ctr, paths[i].options);
	}
	saved_devices_free(devs, nd);
	path_specs_free(paths, np);
	if (print_qos(t, e) < 0 || print_net(t, e) < 0)
		return -1;
	return print_cdi(t, e);
}

static int run_list(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_list;
	struct err e = { 0 };
	struct target t;
	int r = 0;

	if (target_open(cli, a->pos[0], TARGET_MAY_BE_STOPPED, STORE_READ, &t, &e) < 0)
		return fail(cmd, &e);
	if (cli_has(a, F_JSON))
		print_json(t.store.doc, cli_has(a, CLI_F_PRETTY));
	else if (print_text(&t, &e) < 0)
		r = fail(cmd, &e);
	target_close(&t);
	return r;
}

const struct command cmd_list = {
	.help = "Show everything saved for the container and whether it is running. A QoS\n"
		"setting that the next start would skip says why (its device is gone, or a\n"
		"weight's device is not on the bfq scheduler). A CDI device is shown by name\n"
		"with the places of what it applied (its nodes, mounts and interfaces are\n"
		"in the lists above; in the JSON, cdiDevices names them).\n",
	.name = "list",
	.run = run_list,
	.args = "CONTAINER [--json [--pretty]]",
	.flags = CLI_FLAGS(
		{ "json", F_JSON, NULL, "print the saved state (hook.json) as JSON", 0 },
		CLI_FLAG_PRETTY),
	CLI_ONE_CONTAINER,
};
