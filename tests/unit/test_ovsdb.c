/* The ovsdb client: framing, the requests it builds, how it reads
 * replies, and its I/O against a scripted server on a unix socket (the
 * real ovsdb-server is in tests/e2e/test_ovs.sh). */
#include "unit.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "json.h"
#include "ovsdb.h"
#include "util.h"

static void frames(void **state)
{
	static const struct {
		const char *in;
		long want;
	} t[] = {
		{ "", 0 },
		{ "  \n", 0 },
		{ "{}", 2 },
		{ " {}", 3 },
		{ "{}{\"a\":1}", 2 },
		{ "{\"a\":", 0 },
		{ "{\"a\":[1,{\"b\":2}]}x", 17 },
		{ "{\"a\":\"}\"}", 9 },
		{ "{\"a\":\"\\\"}\"}", 11 },
		{ "{\"a\":\"\\\\\"}", 10 },
		{ "{\"a\":\"{[\"", 0 },
		{ "[1]", -1 },
		{ "x{}", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		unit_case("frame '%s'", t[i].in);
		assert_int_equal(jsonrpc_frame(t[i].in, strlen(t[i].in)), t[i].want);
	}
	unit_case_done();
}

static void assert_json(cJSON *got, const char *want)
{
	_cleanup_free_ char *s = cJSON_PrintUnformatted(got);

	if (strcmp(s, want) != 0)
		fail_msg("got  %s\nwant %s", s, want);
	cJSON_Delete(got);
}

static void requests(void **state)
{
	assert_json(ovsdb_transact(7, ovsdb_ops_bridge_find("br0")),
		    "{\"method\":\"transact\",\"params\":[\"Open_vSwitch\",{\"op\":\"select\","
		    "\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]],"
		    "\"columns\":[\"_uuid\"]}],\"id\":7}");
	assert_json(ovsdb_ops_port_find("veth0"),
		    "[{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"veth0\"]],"
		    "\"columns\":[\"_uuid\"]}]");
	assert_json(ovsdb_ops_port_add("br0", "veth0"),
		    "[{\"op\":\"insert\",\"table\":\"Interface\",\"row\":{\"name\":\"veth0\"},"
		    "\"uuid-name\":\"iface\"},"
		    "{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"veth0\",\"interfaces\":"
		    "[\"set\",[[\"named-uuid\",\"iface\"]]]},\"uuid-name\":\"port\"},"
		    "{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]],"
		    "\"mutations\":[[\"ports\",\"insert\",[\"set\",[[\"named-uuid\",\"port\"]]]]]},"
		    "{\"op\":\"comment\",\"comment\":\"syscontainer-hooks: add-port\"}]");
	assert_json(ovsdb_ops_port_del(NULL, "u-1"),
		    "[{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],"
		    "\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"u-1\"]]]]]}]");
	assert_json(ovsdb_ops_port_del("br1", "u-1"),
		    "[{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br1\"]],"
		    "\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"u-1\"]]]]]}]");
	/* a name is a JSON string whatever it holds */
	assert_json(ovsdb_ops_bridge_find("a\"b"),
		    "[{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"a\\\"b\"]],"
		    "\"columns\":[\"_uuid\"]}]");
}

static int reply(const char *text, int id, size_t nops, const cJSON **res, struct err *e)
{
	static cJSON *doc;

	cJSON_Delete(doc);
	doc = NULL;
	assert_int_equal(json_parse(text, strlen(text), &doc, e), 0);
	return ovsdb_reply_result(doc, id, nops, res, e);
}

static void replies(void **state)
{
	static const struct {
		const char *text;
		int code;               /* 0: accepted */
		const char *mentions;
	} t[] = {
		{ "{\"id\":3,\"result\":[{\"rows\":[]}],\"error\":null}", 0, NULL },
		{ "{\"id\":3,\"result\":[{\"count\":1},{}],\"error\":null}", 0, NULL },
		{ "{\"id\":4,\"result\":[{\"rows\":[]}],\"error\":null}", EPROTO, "another request" },
		{ "{\"id\":3,\"result\":null,\"error\":\"unknown database\"}", EPROTO,
		  "unknown database" },
		{ "{\"id\":3,\"result\":[],\"error\":null}", EPROTO, "for each operation" },
		{ "{\"id\":3,\"result\":[{\"error\":\"syntax error\",\"details\":\"bad op\"}],"
		  "\"error\":null}", EPROTO, "operation: syntax error: bad op" },
		{ "{\"id\":3,\"result\":[{\"count\":1},{\"error\":\"constraint violation\","
		  "\"details\":\"identical values (veth0) for index on column name\"}],"
		  "\"error\":null}", EEXIST, "commit: constraint violation: identical" },
	};
	const cJSON *res;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct err e = { 0 };

		unit_case("reply %s", t[i].text);
		assert_int_equal(reply(t[i].text, 3, 1, &res, &e), t[i].code ? -1 : 0);
		if (t[i].code) {
			assert_int_equal(e.code, t[i].code);
			assert_err_line(e);
			assert_err_mentions(e, t[i].mentions);
		}
	}
	unit_case_done();
	assert_int_equal(reply("{\"id\":1,\"result\":[{\"rows\":[{},{}]},{\"count\":2}],"
			       "\"error\":null}", 1, 2, &res, &(struct err){ 0 }), 0);
	assert_int_equal(cJSON_GetArraySize(ovsdb_result_rows(res, 0)), 2);
	assert_int_equal(ovsdb_result_count(res, 1), 2);
	assert_null(ovsdb_result_rows(res, 1));
	assert_int_equal(ovsdb_result_count(res, 0), -1);
	assert_int_equal(ovsdb_result_count(res, 5), -1);
	reply("{}", 0, 0, &res, &(struct err){ 0 });
}

static void echo(void **state)
{
	_cleanup_cjson_ cJSON *req = cJSON_Parse("{\"method\":\"echo\",\"params\":[],\"id\":\"echo\"}");

	assert_json(jsonrpc_echo_reply(req), "{\"result\":[],\"error\":null,\"id\":\"echo\"}");
}

/* ---- against a scripted server ---- */

struct server {
	char path[108];
	int lfd;
	const char *const *script;      /* what to send after each request; NULL: nothing */
	char got[4096];                 /* what the client sent */
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	size_t len = 0;

	for (const char *const *p = s->script; fd >= 0 && *p; p++) {
		ssize_t n = recv(fd, s->got + len, sizeof(s->got) - len - 1, 0);

		if (n <= 0)
			break;
		len += (size_t)n;
		/* a reply in pieces: the client must put them together */
		for (size_t off = 0; off < strlen(*p); off += 5) {
			send(fd, *p + off, strlen(*p) - off < 5 ? strlen(*p) - off : 5, MSG_NOSIGNAL);
			usleep(200);
		}
	}
	/* keep what comes until the client is done */
	if (fd >= 0) {
		ssize_t n;

		while ((n = recv(fd, s->got + len, sizeof(s->got) - len - 1, 0)) > 0)
			len += (size_t)n;
		close(fd);
	}
	return NULL;
}

static void server_start(struct server *s, pthread_t *th, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(s->path, sizeof(s->path), "%s/db.sock", dir);
	strcpy(sa.sun_path, s->path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 1), 0);
	assert_int_equal(pthread_create(th, NULL, serve, s), 0);
}

static void server_stop(struct server *s, pthread_t th, struct ovsdb *db)
{
	ovsdb_close(db);
	pthread_join(th, NULL);
	close(s->lfd);
}

static void scripted(void **state)
{
	static const char *const script[] = {
		/* an echo probe before the reply, which comes in pieces */
		"{\"method\":\"echo\",\"params\":[],\"id\":\"echo\"}"
		"{\"id\":1,\"result\":[{\"rows\":[{\"_uuid\":[\"uuid\",\"b1\"]}]}],\"error\":null}",
		NULL,
	};
	char *dir = unit_fixture_top(state);
	struct server s = { .script = script };
	struct ovsdb *db = NULL;
	struct err e = { 0 };
	bool exists = false;
	pthread_t th;

	server_start(&s, &th, dir);
	assert_int_equal(ovsdb_open(s.path, &db, &e), 0);
	assert_int_equal(ovsdb_bridge_exists(db, "br0", &exists, &e), 0);
	assert_true(exists);
	server_stop(&s, th, db);
	assert_non_null(strstr(s.got, "\"method\":\"transact\""));
	assert_non_null(strstr(s.got, "{\"result\":[],\"error\":null,\"id\":\"echo\"}"));
}

static void silent_server(void **state)
{
	static const char *const script[] = { NULL };
	char *dir = unit_fixture_top(state);
	struct server s = { .script = script };
	struct ovsdb *db = NULL;
	struct err e = { 0 };
	bool exists;
	pthread_t th;
	struct timespec a, b;
	long ms;

	server_start(&s, &th, dir);
	assert_int_equal(ovsdb_open(s.path, &db, &e), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(ovsdb_bridge_exists(db, "br0", &exists, &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_err(e, ETIMEDOUT, s.path);
	assert_true(ms >= OVSDB_TIMEOUT_MS - 50 && ms < OVSDB_TIMEOUT_MS + 1000);
	/* the connection is not waited on twice: an undo after the timeout
	 * fails at once */
	err_clear(&e);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(ovsdb_port_del(db, NULL, "veth0", &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(e.code, ETIMEDOUT);
	assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 100);
	server_stop(&s, th, db);
}

static void no_server(void **state)
{
	char *dir = unit_fixture_top(state);
	_cleanup_free_ char *path = NULL;
	struct ovsdb *db = NULL;
	struct err e = { 0 };

	assert_true(asprintf(&path, "%s/none.sock", dir) > 0);
	assert_int_equal(ovsdb_open(path, &db, &e), -1);
	assert_int_equal(e.code, ENOENT);
	assert_err_mentions(e, path);
	assert_null(db);
}

static void sock_setting(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_OVSDB", NULL);
	assert_string_equal(ovsdb_sock(), OVSDB_SOCK_DEFAULT);
	unit_env("SYSCONTAINER_HOOKS_OVSDB", "unix:/run/x/db.sock");
	assert_string_equal(ovsdb_sock(), "/run/x/db.sock");
	unit_env("SYSCONTAINER_HOOKS_OVSDB", "/run/y.sock");
	assert_string_equal(ovsdb_sock(), "/run/y.sock");
	unit_env("SYSCONTAINER_HOOKS_OVSDB", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(frames),
		UNIT_TEST(requests),
		UNIT_TEST(replies),
		UNIT_TEST(echo),
		UNIT_TEST_DIR(scripted),
		UNIT_TEST_DIR(silent_server),
		UNIT_TEST_DIR(no_server),
		UNIT_TEST(sock_setting),
	};

	return cmocka_run_group_tests_name("test_ovsdb", tests, NULL, NULL);
}
