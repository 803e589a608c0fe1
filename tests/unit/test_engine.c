/* The engine client: names, bundle layouts, HTTP responses, inspect
 * answers, and lookups against a scripted API server and an "isula"
 * script (real podman is in tests/e2e/test_names.sh). */
#include "unit.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "engine.h"
#include "util.h"

static void kinds(void **state)
{
	enum engine_kind k;
	struct err e = { 0 };

	assert_int_equal(engine_parse("isula", &k, &e), 0);
	assert_int_equal(k, ENGINE_ISULA);
	assert_int_equal(engine_parse("iSulad", &k, &e), 0);
	assert_int_equal(k, ENGINE_ISULA);
	assert_int_equal(engine_parse("docker", &k, &e), 0);
	assert_int_equal(k, ENGINE_DOCKER);
	assert_int_equal(engine_parse("podman", &k, &e), 0);
	assert_string_equal(engine_name(k), "podman");
	assert_int_equal(engine_parse("lxd", &k, &e), -1);
	assert_err_mentions(e, "unknown engine 'lxd' (isula, docker or podman)");
	unit_env("SYSCONTAINER_ENGINE", "docker");
	assert_int_equal(engine_from_env(&k, &e), 0);
	assert_int_equal(k, ENGINE_DOCKER);
	/* a bad value is told when the settings are read, and not used */
	setenv("SYSCONTAINER_ENGINE", "rkt", 1);
	assert_int_equal(config_load(&e), -1);
	assert_err_mentions(e, "$SYSCONTAINER_ENGINE: unknown engine 'rkt'");
	assert_int_equal(engine_from_env(&k, &e), 0);
	assert_int_equal(k, ENGINE_NONE);
	unit_env("SYSCONTAINER_ENGINE", NULL);
	assert_int_equal(engine_from_env(&k, &e), 0);
	assert_int_equal(k, ENGINE_NONE);
	unit_env("SYSCONTAINER_ENGINE_SOCKET", NULL);
	assert_string_equal(engine_socket(ENGINE_DOCKER), ENGINE_DOCKER_SOCK);
	assert_string_equal(engine_socket(ENGINE_PODMAN), ENGINE_PODMAN_SOCK);
	unit_env("SYSCONTAINER_ENGINE_SOCKET", "unix:///x/p.sock");
	assert_string_equal(engine_socket(ENGINE_PODMAN), "/x/p.sock");
	unit_env("SYSCONTAINER_ENGINE_SOCKET", NULL);
}

static void bundles(void **state)
{
	static const struct {
		const char *bundle;
		enum engine_kind want;
	} t[] = {
		{ "/var/lib/containers/storage/overlay-containers/0123abcd/userdata", ENGINE_PODMAN },
		{ "/run/containerd/io.containerd.runtime.v2.task/moby/0123abcd", ENGINE_DOCKER },
		{ "/var/lib/isulad/engines/lcr/0123abcd", ENGINE_ISULA },
		{ "/tmp/sch-e2e.x/bundles/c1", ENGINE_NONE },
		{ NULL, ENGINE_NONE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		unit_case("bundle %s", t[i].bundle ? t[i].bundle : "(null)");
		assert_int_equal(engine_from_bundle(t[i].bundle), t[i].want);
	}
	unit_case_done();
}

static void responses(void **state)
{
	static const struct {
		const char *raw;
		int status;             /* 0: refused */
		const char *body;
	} t[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 200, "{}" },
		{ "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}garbage", 200, "{}" },
		{ "HTTP/1.0 404 Not Found\r\n\r\n{\"message\":\"no such container\"}", 404,
		  "{\"message\":\"no such container\"}" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n",
		  200, "{\"a\":1}" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA;x=y\r\n0123456789\r\n0\r\n\r\n",
		  200, "0123456789" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort\r\n", 0, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", 0, NULL },
		{ "HTTP/1.1 200 OK\r\n", 0, NULL },
		{ "SSH-2.0-OpenSSH\r\n\r\n", 0, NULL },
		{ "HTTP/1.1 20 OK\r\n\r\n", 0, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct err e = { 0 };
		char *body = NULL;
		size_t len = 0;
		int status = 0;
		int r = http_parse_response(t[i].raw, strlen(t[i].raw), &status, &body, &len, &e);

		unit_case("response %s", t[i].raw);
		if (!t[i].status) {
			assert_int_equal(r, -1);
			assert_err_line(e);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(status, t[i].status);
		assert_string_equal(body, t[i].body);
		assert_int_equal(len, strlen(t[i].body));
		free(body);
	}
	unit_case_done();
	{
		_cleanup_free_ char *req = http_get_request("/containers/c1/json");

		assert_string_equal(req, "GET /containers/c1/json HTTP/1.1\r\nHost: localhost\r\n"
				    "User-Agent: syscontainer-tools\r\nAccept: application/json\r\n"
				    "Connection: close\r\n\r\n");
	}
}

static void inspects(void **state)
{
	struct engine_ctr c;
	struct err e = { 0 };
	const char *podman = "{\"Id\":\"abc123\",\"Name\":\"web\",\"State\":{\"Pid\":42,\"Running\":true}}";
	const char *isula = "[{\"Id\":\"def456\",\"State\":{\"Pid\":0}}]";

	assert_int_equal(engine_parse_inspect(podman, strlen(podman), &c, &e), 0);
	assert_string_equal(c.id, "abc123");
	assert_int_equal(c.pid, 42);
	assert_int_equal(engine_parse_inspect(isula, strlen(isula), &c, &e), 0);
	assert_string_equal(c.id, "def456");
	assert_int_equal(c.pid, 0);
	assert_int_equal(engine_parse_inspect("{}", 2, &c, &e), -1);
	assert_err_mentions(e, "without an Id");
	assert_int_equal(engine_parse_inspect("{\"Id\":\"../x\"}", 13, &c, &e), -1);
	assert_err_mentions(e, "not one");
	assert_int_equal(engine_parse_inspect("{\"Id\":", 6, &c, &e), -1);
	assert_err_line(e);
}

/* ---- against a scripted API server ---- */

struct api {
	char dir[64], path[108];
	int lfd;
	const char *answer;
	char got[1024];
};

static void *serve(void *arg)
{
	struct api *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = recv(fd, s->got, sizeof(s->got) - 1, 0);
	s->got[n > 0 ? n : 0] = '\0';
	for (size_t off = 0; s->answer && off < strlen(s->answer); off += 7) {
		size_t left = strlen(s->answer) - off;

		send(fd, s->answer + off, left < 7 ? left : 7, MSG_NOSIGNAL);
		usleep(100);
	}
	if (!s->answer)
		while (recv(fd, s->got, 1, 0) > 0)
			;
	close(fd);
	return NULL;
}

static int ask(const char *answer, struct engine_ctr *c, struct err *e, char *got)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = unit_tmpdir();
	struct api s = { .answer = answer };
	pthread_t th;
	int r;

	snprintf(s.path, sizeof(s.path), "%s/api.sock", dir);
	strcpy(sa.sun_path, s.path);
	s.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s.lfd, 1), 0);
	assert_int_equal(pthread_create(&th, NULL, serve, &s), 0);
	unit_env("SYSCONTAINER_ENGINE_SOCKET", s.path);
	r = engine_lookup(ENGINE_PODMAN, "web", c, e);
	unit_env("SYSCONTAINER_ENGINE_SOCKET", NULL);
	shutdown(s.lfd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(s.lfd);
	strcpy(got, s.got);
	unit_rm_rf(dir);
	free(dir);
	return r;
}

static void api_lookups(void **state)
{
	struct engine_ctr c;
	struct err e = { 0 };
	char got[1024];

	assert_int_equal(ask("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "1e\r\n{\"Id\":\"abc\",\"State\":{\"Pid\":7}}\r\n0\r\n\r\n", &c, &e, got), 1);
	assert_string_equal(c.id, "abc");
	assert_int_equal(c.pid, 7);
	assert_true(str_has_prefix(got, "GET /containers/web/json HTTP/1.1\r\n"));
	assert_int_equal(ask("HTTP/1.1 404 Not Found\r\nContent-Length: 41\r\n\r\n"
			     "{\"message\":\"no such container\",\"x\":12345}", &c, &e, got), 0);
	assert_int_equal(ask("HTTP/1.1 500 Internal\r\nContent-Length: 20\r\n\r\n"
			     "{\"message\":\"broken\"}", &c, &e, got), -1);
	assert_err_mentions(e, "HTTP 500: broken");
	assert_err_line(e);
	assert_int_equal(ask("", &c, &e, got), -1);
	assert_err_mentions(e, "without an answer");
	unit_env("SYSCONTAINER_ENGINE_SOCKET", "/nonexistent/api.sock");
	assert_int_equal(engine_lookup(ENGINE_DOCKER, "web", &c, &e), -1);
	assert_err_mentions(e, "ask docker: connect to /nonexistent/api.sock");
	unit_env("SYSCONTAINER_ENGINE_SOCKET", NULL);
	/* a reference that would leave the URL path is not sent */
	assert_int_equal(engine_lookup(ENGINE_DOCKER, "../../info?", &c, &e), -1);
	assert_int_equal(e.code, EINVAL);
}

/* ---- an "isula" script on PATH ---- */

static void isula_lookups(void **state)
{
	char *dir = unit_fixture_top(state);
	_cleanup_free_ char *script = xasprintf("%s/isula", dir);
	_cleanup_free_ char *old = xstrdup(getenv("PATH"));
	_cleanup_free_ char *path = xasprintf("%s:%s", dir, old);
	struct engine_ctr c;
	struct err e = { 0 };
	FILE *f = fopen(script, "w");

	fprintf(f, "#!/bin/sh\n"
		"[ \"$1 $2 $3\" = 'inspect -f {{json .Id}}' ] || { echo bad args >&2; exit 3; }\n"
		"case $4 in\n"
		"web) echo '\"abc123\"' ;;\n"
		"down) echo 'Cannot connect to the iSulad daemon' >&2; exit 1 ;;\n"
		"*) echo \"Inspect error: No such image or container or accelerator:$4\" >&2; exit 1 ;;\n"
		"esac\n");
	fclose(f);
	chmod(script, 0755);
	setenv("PATH", path, 1);
	assert_int_equal(engine_lookup(ENGINE_ISULA, "web", &c, &e), 1);
	assert_string_equal(c.id, "abc123");
	assert_int_equal(engine_lookup(ENGINE_ISULA, "nosuch", &c, &e), 0);
	assert_int_equal(engine_lookup(ENGINE_ISULA, "down", &c, &e), -1);
	assert_err_mentions(e, "isula inspect down failed: Cannot connect to the iSulad daemon");
	setenv("PATH", old, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(kinds),
		UNIT_TEST(bundles),
		UNIT_TEST(responses),
		UNIT_TEST(inspects),
		UNIT_TEST(api_lookups),
		UNIT_TEST_DIR(isula_lookups),
	};

	return cmocka_run_group_tests_name("test_engine", tests, NULL, NULL);
}
