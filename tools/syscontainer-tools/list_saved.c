/* list-device, list-path, list-nic, list-route: one list of the saved
 * state, as a JSON array, as the original tool printed them. */
#include <string.h>

#include "cli.h"
#include "json.h"
#include "store_net.h"

enum { F_SUB_PARTITION = 256 };

/* Whether entry @it of the list @arr is printed. */
typedef bool (*keep_fn)(const cJSON *arr, const cJSON *it, const void *arg);
/* The list of the saved state a command prints. */
typedef const cJSON *(*list_fn)(const cJSON *doc);

static int list_array(const struct cli_args *a, struct cli *cli, list_fn list, keep_fn keep,
		      const void *arg)
{
	_cleanup_cjson_ cJSON *out = cJSON_CreateArray();
	const cJSON *arr, *it;
	struct err e = { 0 };
	struct target t;

	if (target_open(cli, a->pos[0], TARGET_MAY_BE_STOPPED, STORE_READ, &t, &e) < 0)
		return fail(a->cmd, &e);
	arr = list(t.store.doc);
	cJSON_ArrayForEach(it, arr)
		if (!keep || keep(arr, it, arg))
			cJSON_AddItemToArray(out, cJSON_Duplicate(it, true));
	print_json(out, cli_has(a, CLI_F_PRETTY));
	target_close(&t);
	return 0;
}

/* A saved whole device at host path @host? */
static bool disk_saved(const cJSON *arr, const char *host)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "PathOnHost");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "Parent");

		if (cJSON_IsString(h) && !strcmp(h->valuestring, host) &&
		    (!cJSON_IsString(p) || !*p->valuestring))
			return true;
	}
	return false;
}

/* The partitions that came with a saved disk are listed under it only
 * with --sub-partition. A partition whose disk is no longer saved is
 * always listed, or it would be invisible. */
static bool device_listed(const cJSON *arr, const cJSON *it, const void *sub_partition)
{
	const cJSON *parent = cJSON_GetObjectItemCaseSensitive(it, "Parent");

	return *(const bool *)sub_partition || !cJSON_IsString(parent) || !*parent->valuestring ||
	       !disk_saved(arr, parent->valuestring);
}

static int run_list_device(struct cli *cli, const struct cli_args *a)
{
	bool sub_partition = cli_has(a, F_SUB_PARTITION);

	return list_array(a, cli, store_devices_json, device_listed, &sub_partition);
}

static int run_list_path(struct cli *cli, const struct cli_args *a)
{
	return list_array(a, cli, store_binds_json, NULL, NULL);
}

/* Does saved entry @o match every member of the --filter object? Keys
 * are compared without case, as the original tool did. */
static bool filter_match(const cJSON *arr, const cJSON *o, const void *filter)
{
	const cJSON *want;

	(void)arr;
	cJSON_ArrayForEach(want, (const cJSON *)filter) {
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

/* list-nic and list-route. */
static int run_list_net(struct cli *cli, const struct cli_args *a)
{
	list_fn list = a->cmd == &cmd_list_nic ? store_nics_json : store_routes_json;
	const char *filter = cli_value(a, CLI_F_FILTER);
	_cleanup_cjson_ cJSON *f = NULL;
	struct err e = { 0 };

	if (filter && (json_parse(filter, strlen(filter), &f, &e) < 0 || !cJSON_IsObject(f)))
		return usage_error(a->cmd, "--filter must be a JSON object%s%s",
				   e.msg[0] ? ": " : "", e.msg);
	return list_array(a, cli, list, f ? filter_match : NULL, f);
}

static const struct cli_flag net_flags[] = {
	CLI_FLAG_PRETTY,
	CLI_FLAG_FILTER("{\"Ip\":\"10.0.0.2/24\",\"Mtu\":1500}'\n"
			"or '{\"dest\":\"default\"}"),
	{ NULL, 0, NULL, NULL, 0 },
};

const struct command cmd_list_device = {
	.help = "Print the saved devices of the container as a JSON array.\n",
	.name = "list-device",
	.run = run_list_device,
	.args = "CONTAINER [--pretty] [--sub-partition]",
	.flags = CLI_FLAGS(
		CLI_FLAG_PRETTY,
		{ "sub-partition", F_SUB_PARTITION, NULL, "include partitions added by following a disk", 0 }),
	CLI_ONE_CONTAINER,
};

const struct command cmd_list_path = {
	.help = "Print the saved paths of the container as a JSON array of\n"
		"\"hostpath:containerpath:options\" strings.\n",
	.name = "list-path",
	.run = run_list_path,
	.args = "CONTAINER [--pretty]",
	.flags = CLI_FLAGS(
		CLI_FLAG_PRETTY),
	CLI_ONE_CONTAINER,
};

/* list-nic and list-route differ in their name and what they list. */
#define LIST_NET(cmdname, what)								\
	{										\
		.help = "Print the saved " what " as a JSON array.\n", .name = cmdname,	\
		.run = run_list_net, .args = "CONTAINER [--pretty] [--filter JSON]",	\
		.flags = net_flags, CLI_ONE_CONTAINER,					\
	}

const struct command cmd_list_nic = LIST_NET("list-nic", "interfaces");
const struct command cmd_list_route = LIST_NET("list-route", "routes");
