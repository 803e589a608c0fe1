/* A small client of ovsdb-server's JSON-RPC protocol (RFC 7047) on its
 * unix socket: is there an Open vSwitch bridge of a name, put a port on
 * it, take a port off. No ovs-vsctl is run: the hook's start path execs
 * nothing. Changes are committed to the database and not waited for:
 * ovs-vswitchd applies them on its own (as "ovs-vsctl --no-wait" does),
 * so a stopped ovs-vswitchd never stalls a container start. Every call
 * is bounded by OVSDB_TIMEOUT_MS. */
#ifndef SCH_OVSDB_H
#define SCH_OVSDB_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define OVSDB_SOCK_DEFAULT "/var/run/openvswitch/db.sock"
#define OVSDB_TIMEOUT_MS 2000
#define OVSDB_DB "Open_vSwitch"
#define OVSDB_REPLY_MAX (1u << 20)

/* $SYSCONTAINER_HOOKS_OVSDB ("unix:PATH" or PATH), else OVSDB_SOCK_DEFAULT. */
const char *ovsdb_sock(void);

struct ovsdb;

/* Connect to the server at @sock. The message names the socket, so the
 * operator sees which server was asked. */
int ovsdb_open(const char *sock, struct ovsdb **out, struct err *e);
void ovsdb_close(struct ovsdb *db);

int ovsdb_bridge_exists(struct ovsdb *db, const char *bridge, bool *exists, struct err *e);
/* Put the interface @port on bridge @bridge as a port of the same name.
 * A port of that name already on some bridge (left by a crash, or being
 * moved) is taken off first: @port names a link we just made. ENODEV in
 * e->code when there is no such bridge. */
int ovsdb_port_add(struct ovsdb *db, const char *bridge, const char *port, struct err *e);
/* Take port @port off @bridge (NULL: off every bridge). A port that is
 * not there is no error. */
int ovsdb_port_del(struct ovsdb *db, const char *bridge, const char *port, struct err *e);

/* The pieces, pure, for tests (ovsdb_msg.c). */
/* Length of the first complete JSON value in @buf, after any leading
 * white space; 0 while it is incomplete; -1 when @buf does not start
 * with an object. JSON-RPC over a stream has no other framing. */
long jsonrpc_frame(const char *buf, size_t len);
/* {"method":"transact","params":[OVSDB_DB, ops...],"id":@id}; @ops is
 * taken over. */
cJSON *ovsdb_transact(int id, cJSON *ops);
/* The operations of each request. */
cJSON *ovsdb_ops_bridge_find(const char *bridge);
cJSON *ovsdb_ops_port_add(const char *bridge, const char *port);
cJSON *ovsdb_ops_port_find(const char *port);
cJSON *ovsdb_ops_port_del(const char *bridge, const char *uuid);
/* The result array of the reply to request @id, checked: no error for
 * the request, none for any of its @nops operations, none for the
 * commit. The message is the server's own. */
int ovsdb_reply_result(const cJSON *reply, int id, size_t nops, const cJSON **result,
		       struct err *e);
/* The "rows" of select result @i; the "count" of mutate result @i. */
const cJSON *ovsdb_result_rows(const cJSON *result, int i);
int ovsdb_result_count(const cJSON *result, int i);
/* The reply to a server's "echo" request @req (it probes idle clients). */
cJSON *jsonrpc_echo_reply(const cJSON *req);

#endif
