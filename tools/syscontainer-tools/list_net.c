/* list-nic and list-route: the saved interfaces and routes as JSON, as the
 * original tool printed them, optionally filtered. */
#include <string.h>

#include "cli.h"
#include "json.h"
#include "store_net.h"

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

/* Print the entries of the saved list @list gives that match the JSON
 * object of --filter (all without it); --pretty indents them. */
static int list_filtered(const struct command *cmd, struct cli *cli, const struct cli_args *a,
			 const cJSON *(*list)(const cJSON *doc))
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
	cJSON_ArrayForEach(it, list(t.store.doc))
		if (!f || filter_match(f, it))
			cJSON_AddItemToArray(out, cJSON_Duplicate(it, true));
	print_json(out, cli_has(a, CLI_F_PRETTY));
	target_close(&t);
	return 0;
}

/* A listing command: its run function and its table. */
#define LIST_COMMAND(var, cmdname, what, list, example)				\
	static const struct cli_flag var##_flags[] = {				\
		CLI_FLAG_PRETTY,						\
		CLI_FLAG_FILTER(example),					\
		{ NULL, 0, NULL, NULL, 0 },					\
	};									\
	static int run_##var(struct cli *cli, const struct cli_args *a)	\
	{									\
		return list_filtered(&cmd_##var, cli, a, list);			\
	}									\
	const struct command cmd_##var = {					\
		.name = cmdname,						\
		.run = run_##var,						\
		.args = "CONTAINER [--pretty] [--filter JSON]",			\
		.help = "Print the saved " what " as a JSON array.\n",		\
		.flags = var##_flags,						\
		CLI_ONE_CONTAINER,						\
	}

LIST_COMMAND(list_nic, "list-nic", "interfaces", store_nics_json,
	     "{\"Ip\":\"10.0.0.2/24\",\"Mtu\":1500}");
LIST_COMMAND(list_route, "list-route", "routes", store_routes_json, "{\"dest\":\"default\"}");
