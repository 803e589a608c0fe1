/* The ovsdb client's connection: one unix stream socket, one request at a
 * time, each bounded by a deadline (the hook never hangs a start). */
#include "ovsdb.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "json.h"
#include "sock.h"
#include "util.h"

struct ovsdb {
	int fd;
	int next_id;
	char *sock;
	char *buf;              /* bytes received past the last message */
	size_t len, cap;
	struct err broken;      /* a connection that failed once (a timeout, a
				 * half-read reply) is not used again: each
				 * later request fails at once with this */
};

const char *ovsdb_sock(void)
{
	const char *env = config_get(CONFIG_OVSDB);

	return env ? env : OVSDB_SOCK_DEFAULT;
}

/* Wait for @events until @deadline, or say which server did not answer. */
static int wait_fd(struct ovsdb *db, short events, long deadline, struct err *e)
{
	if (poll_until(db->fd, events, deadline, e) == 0)
		return 0;
	if (e->code == ETIMEDOUT)
		return err_set(e, ETIMEDOUT, "ovsdb-server at %s did not answer within %d ms",
			       db->sock, OVSDB_TIMEOUT_MS);
	return err_wrap(e, "ovsdb-server at %s", db->sock);
}

int ovsdb_open(const char *sock, struct ovsdb **out, struct err *e)
{
	_cleanup_close_ int fd = -1;
	struct ovsdb *db;

	if (unix_connect(sock, OVSDB_TIMEOUT_MS, &fd, e) < 0)
		return err_wrap(e, "ovsdb-server");
	db = xcalloc(1, sizeof(*db));
	db->fd = steal_fd(&fd);
	db->sock = xstrdup(sock);
	*out = db;
	return 0;
}

void ovsdb_close(struct ovsdb *db)
{
	if (!db)
		return;
	close(db->fd);
	free(db->sock);
	free(db->buf);
	free(db);
}

static int send_all(struct ovsdb *db, const char *s, long deadline, struct err *e)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = send(db->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return err_sys(e, errno, "send to ovsdb-server at %s", db->sock);
		if (wait_fd(db, POLLOUT, deadline, e) < 0)
			return -1;
	}
	return 0;
}

static int send_json(struct ovsdb *db, const cJSON *msg, long deadline, struct err *e)
{
	_cleanup_free_ char *s = cJSON_PrintUnformatted(msg);

	if (!s)
		return err_set(e, ENOMEM, "ovsdb: out of memory");
	return send_all(db, s, deadline, e);
}

/* Take the first complete message out of the buffer, if there is one. */
static int take_message(struct ovsdb *db, cJSON **msg, struct err *e)
{
	long n = jsonrpc_frame(db->buf, db->len);

	*msg = NULL;
	if (n < 0)
		return err_set(e, EPROTO, "ovsdb-server at %s sent something that is not JSON-RPC",
			       db->sock);
	if (n == 0)
		return 0;
	if (json_parse(db->buf, (size_t)n, msg, e) < 0)
		return err_wrap(e, "ovsdb-server at %s", db->sock);
	memmove(db->buf, db->buf + n, db->len - (size_t)n);
	db->len -= (size_t)n;
	return 0;
}

static int recv_message(struct ovsdb *db, cJSON **msg, long deadline, struct err *e)
{
	for (;;) {
		ssize_t n;

		if (take_message(db, msg, e) < 0 || *msg)
			return *msg ? 0 : -1;
		if (db->len >= OVSDB_REPLY_MAX)
			return err_set(e, EMSGSIZE, "ovsdb-server at %s: a reply over %u bytes",
				       db->sock, OVSDB_REPLY_MAX);
		if (db->cap - db->len < 4096) {
			db->cap = db->cap ? db->cap * 2 : 8192;
			db->buf = xrealloc(db->buf, db->cap);
		}
		n = recv(db->fd, db->buf + db->len, db->cap - db->len, 0);
		if (n > 0) {
			db->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return err_set(e, ECONNRESET, "ovsdb-server at %s closed the connection",
				       db->sock);
		if (errno != EAGAIN && errno != EINTR)
			return err_sys(e, errno, "receive from ovsdb-server at %s", db->sock);
		if (wait_fd(db, POLLIN, deadline, e) < 0)
			return -1;
	}
}

static int broken(struct ovsdb *db, const struct err *e)
{
	db->broken = *e;
	return -1;
}

/* Send a transaction of @ops (taken over) and wait for its reply; the
 * server's echo probes are answered on the way. */
static int transact(struct ovsdb *db, cJSON *ops, cJSON **reply, const cJSON **result,
		    struct err *e)
{
	long deadline = monotonic_ms() + OVSDB_TIMEOUT_MS;
	size_t nops = (size_t)cJSON_GetArraySize(ops);
	int id = ++db->next_id;
	_cleanup_cjson_ cJSON *req = ovsdb_transact(id, ops);

	*reply = NULL;
	if (db->broken.code) {
		*e = db->broken;
		return -1;
	}
	if (send_json(db, req, deadline, e) < 0)
		return broken(db, e);
	for (;;) {
		const cJSON *method;

		if (recv_message(db, reply, deadline, e) < 0)
			return broken(db, e);
		method = cJSON_GetObjectItemCaseSensitive(*reply, "method");
		if (!cJSON_IsString(method))
			break;
		if (strcmp(method->valuestring, "echo") == 0) {
			_cleanup_cjson_ cJSON *echo = jsonrpc_echo_reply(*reply);

			if (send_json(db, echo, deadline, e) < 0)
				return broken(db, e);
		}
		cJSON_Delete(*reply);
		*reply = NULL;
	}
	return ovsdb_reply_result(*reply, id, nops, result, e);
}

int ovsdb_bridge_exists(struct ovsdb *db, const char *bridge, bool *exists, struct err *e)
{
	_cleanup_cjson_ cJSON *reply = NULL;
	const cJSON *res, *rows;

	if (transact(db, ovsdb_ops_bridge_find(bridge), &reply, &res, e) < 0)
		return -1;
	rows = ovsdb_result_rows(res, 0);
	*exists = cJSON_GetArraySize(rows) > 0;
	return 0;
}

/* The uuid of port @port, or "" when there is none. */
static int port_uuid(struct ovsdb *db, const char *port, char uuid[64], struct err *e)
{
	_cleanup_cjson_ cJSON *reply = NULL;
	const cJSON *res, *u;

	uuid[0] = '\0';
	if (transact(db, ovsdb_ops_port_find(port), &reply, &res, e) < 0)
		return -1;
	/* "_uuid": ["uuid", "..."] */
	u = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ovsdb_result_rows(res, 0), 0),
					     "_uuid");
	u = cJSON_GetArrayItem(u, 1);
	if (cJSON_IsString(u) && strlen(u->valuestring) < 64)
		strcpy(uuid, u->valuestring);
	return 0;
}

int ovsdb_port_del(struct ovsdb *db, const char *bridge, const char *port, struct err *e)
{
	_cleanup_cjson_ cJSON *reply = NULL;
	const cJSON *res;
	char uuid[64];

	if (port_uuid(db, port, uuid, e) < 0)
		return err_wrap(e, "remove port %s", port);
	if (!uuid[0])
		return 0;
	if (transact(db, ovsdb_ops_port_del(bridge, uuid), &reply, &res, e) < 0)
		return err_wrap(e, "remove port %s", port);
	return 0;
}

static int port_add_once(struct ovsdb *db, const char *bridge, const char *port, struct err *e)
{
	_cleanup_cjson_ cJSON *reply = NULL;
	const cJSON *res;

	if (transact(db, ovsdb_ops_port_add(bridge, port), &reply, &res, e) < 0)
		return -1;
	if (ovsdb_result_count(res, 2) < 1)
		return err_set(e, ENODEV, "ovsdb-server at %s has no bridge named %s", db->sock,
			       bridge);
	return 0;
}

int ovsdb_port_add(struct ovsdb *db, const char *bridge, const char *port, struct err *e)
{
	if (port_add_once(db, bridge, port, e) == 0)
		return 0;
	/* a port of that name exists already: off wherever it is, then again */
	if (e->code != EEXIST)
		return err_wrap(e, "add port %s to Open vSwitch bridge %s", port, bridge);
	err_clear(e);
	if (ovsdb_port_del(db, NULL, port, e) < 0 || port_add_once(db, bridge, port, e) < 0)
		return err_wrap(e, "add port %s to Open vSwitch bridge %s", port, bridge);
	return 0;
}
