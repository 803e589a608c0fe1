/* The JSON-RPC messages of the ovsdb client: framing, requests, replies.
 * Pure: no I/O here, so that each piece is checked by a unit test. */
#include <errno.h>
#include <string.h>

#include "ovsdb.h"

long jsonrpc_frame(const char *buf, size_t len)
{
	size_t i = 0;
	int depth = 0;
	bool in_str = false, esc = false;

	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	if (i == len)
		return 0;
	if (buf[i] != '{')
		return -1;
	for (; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return (long)(i + 1);
	}
	return 0;
}

cJSON *ovsdb_transact(int id, cJSON *ops)
{
	cJSON *req = cJSON_CreateObject();
	cJSON *params = cJSON_CreateArray();
	cJSON *op;

	cJSON_AddItemToArray(params, cJSON_CreateString(OVSDB_DB));
	while ((op = cJSON_DetachItemFromArray(ops, 0)))
		cJSON_AddItemToArray(params, op);
	cJSON_Delete(ops);
	cJSON_AddStringToObject(req, "method", "transact");
	cJSON_AddItemToObject(req, "params", params);
	cJSON_AddNumberToObject(req, "id", id);
	return req;
}

/* [["name","==",NAME]] */
static cJSON *where_name(const char *name)
{
	cJSON *where = cJSON_CreateArray();
	cJSON *cond = cJSON_CreateArray();

	cJSON_AddItemToArray(cond, cJSON_CreateString("name"));
	cJSON_AddItemToArray(cond, cJSON_CreateString("=="));
	cJSON_AddItemToArray(cond, cJSON_CreateString(name));
	cJSON_AddItemToArray(where, cond);
	return where;
}

/* ["set",[[KIND,UUID]]]: a set of one uuid (KIND "uuid" or "named-uuid") */
static cJSON *uuid_set(const char *kind, const char *uuid)
{
	cJSON *pair = cJSON_CreateArray();
	cJSON *elems = cJSON_CreateArray();
	cJSON *set = cJSON_CreateArray();

	cJSON_AddItemToArray(pair, cJSON_CreateString(kind));
	cJSON_AddItemToArray(pair, cJSON_CreateString(uuid));
	cJSON_AddItemToArray(elems, pair);
	cJSON_AddItemToArray(set, cJSON_CreateString("set"));
	cJSON_AddItemToArray(set, elems);
	return set;
}

static cJSON *op_new(cJSON *ops, const char *op, const char *table)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "op", op);
	if (table)
		cJSON_AddStringToObject(o, "table", table);
	cJSON_AddItemToArray(ops, o);
	return o;
}

static void op_select(cJSON *ops, const char *table, const char *name)
{
	cJSON *o = op_new(ops, "select", table);
	cJSON *cols = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "where", where_name(name));
	cJSON_AddItemToArray(cols, cJSON_CreateString("_uuid"));
	cJSON_AddItemToObject(o, "columns", cols);
}

/* mutate Bridge (@bridge, or every one when NULL): ports @how @set */
static void op_bridge_ports(cJSON *ops, const char *bridge, const char *how, cJSON *set)
{
	cJSON *o = op_new(ops, "mutate", "Bridge");
	cJSON *mutations = cJSON_CreateArray();
	cJSON *m = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "where", bridge ? where_name(bridge) : cJSON_CreateArray());
	cJSON_AddItemToArray(m, cJSON_CreateString("ports"));
	cJSON_AddItemToArray(m, cJSON_CreateString(how));
	cJSON_AddItemToArray(m, set);
	cJSON_AddItemToArray(mutations, m);
	cJSON_AddItemToObject(o, "mutations", mutations);
}

cJSON *ovsdb_ops_bridge_find(const char *bridge)
{
	cJSON *ops = cJSON_CreateArray();

	op_select(ops, "Bridge", bridge);
	return ops;
}

cJSON *ovsdb_ops_port_find(const char *port)
{
	cJSON *ops = cJSON_CreateArray();

	op_select(ops, "Port", port);
	return ops;
}

/* An Interface and a Port of that name, referenced by the bridge in the
 * same transaction; when no bridge has that name the mutate counts 0 and
 * the new rows, referenced by nothing, are dropped by the server. */
cJSON *ovsdb_ops_port_add(const char *bridge, const char *port)
{
	cJSON *ops = cJSON_CreateArray();
	cJSON *o, *row;

	o = op_new(ops, "insert", "Interface");
	row = cJSON_AddObjectToObject(o, "row");
	cJSON_AddStringToObject(row, "name", port);
	cJSON_AddStringToObject(o, "uuid-name", "iface");
	o = op_new(ops, "insert", "Port");
	row = cJSON_AddObjectToObject(o, "row");
	cJSON_AddStringToObject(row, "name", port);
	cJSON_AddItemToObject(row, "interfaces", uuid_set("named-uuid", "iface"));
	cJSON_AddStringToObject(o, "uuid-name", "port");
	op_bridge_ports(ops, bridge, "insert", uuid_set("named-uuid", "port"));
	/* shows in ovsdb-server's log who made the change */
	o = op_new(ops, "comment", NULL);
	cJSON_AddStringToObject(o, "comment", "syscontainer-hooks: add-port");
	return ops;
}

/* The Port row goes once no bridge refers to it, its Interface with it. */
cJSON *ovsdb_ops_port_del(const char *bridge, const char *uuid)
{
	cJSON *ops = cJSON_CreateArray();

	op_bridge_ports(ops, bridge, "delete", uuid_set("uuid", uuid));
	return ops;
}

static int op_error(const cJSON *r, const char *what, struct err *e)
{
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(r, "details");

	if (!cJSON_IsString(err))
		return 0;
	/* a broken unique index: EEXIST, so that the caller may clear the
	 * name and try again */
	return err_set(e, strcmp(err->valuestring, "constraint violation") == 0 ? EEXIST : EPROTO,
		       "ovsdb %s: %s%s%s", what, err->valuestring, cJSON_IsString(details) ? ": " : "",
		       cJSON_IsString(details) ? details->valuestring : "");
}

int ovsdb_reply_result(const cJSON *reply, int id, size_t nops, const cJSON **result,
		       struct err *e)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(reply, "id");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(reply, "error");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(reply, "result");
	const cJSON *r;
	size_t i = 0;

	if (!cJSON_IsNumber(rid) || rid->valuedouble != id)
		return err_set(e, EPROTO, "ovsdb: a reply to another request");
	if (err && !cJSON_IsNull(err)) {
		const char *text = cJSON_IsString(err) ? err->valuestring : "error";

		return err_set(e, EPROTO, "ovsdb refused the request: %s", text);
	}
	if (!cJSON_IsArray(res) || (size_t)cJSON_GetArraySize(res) < nops)
		return err_set(e, EPROTO, "ovsdb: a reply without a result for each operation");
	/* the result of a failed operation, or one more for the commit */
	cJSON_ArrayForEach(r, res) {
		if (op_error(r, i < nops ? "operation" : "commit", e) < 0)
			return -1;
		i++;
	}
	*result = res;
	return 0;
}

const cJSON *ovsdb_result_rows(const cJSON *result, int i)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(result, i), "rows");

	return cJSON_IsArray(rows) ? rows : NULL;
}

int ovsdb_result_count(const cJSON *result, int i)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(result, i), "count");

	return cJSON_IsNumber(n) ? n->valueint : -1;
}

cJSON *jsonrpc_echo_reply(const cJSON *req)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
	cJSON *reply = cJSON_CreateObject();

	cJSON_AddItemToObject(reply, "result",
			      params ? cJSON_Duplicate(params, true) : cJSON_CreateArray());
	cJSON_AddNullToObject(reply, "error");
	cJSON_AddItemToObject(reply, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
	return reply;
}
