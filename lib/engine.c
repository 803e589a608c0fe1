/* Which engine, and what it says about a container. */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "json.h"
#include "sock.h"
#include "util.h"

int engine_from_env(enum engine_kind *k, struct err *e)
{
	const char *env = config_get(CONFIG_ENGINE);

	*k = ENGINE_NONE;
	if (!env)
		return 0;
	if (engine_parse(env, k, e) < 0)
		return err_wrap(e, "$SYSCONTAINER_ENGINE");
	return 0;
}

enum engine_kind engine_from_bundle(const char *bundle)
{
	if (!bundle)
		return ENGINE_NONE;
	if (strstr(bundle, "/overlay-containers/") || strstr(bundle, "/libpod/"))
		return ENGINE_PODMAN;
	if (strstr(bundle, "/moby/") || strstr(bundle, "/docker/"))
		return ENGINE_DOCKER;
	if (strstr(bundle, "/engines/lcr/") || strstr(bundle, "isulad"))
		return ENGINE_ISULA;
	return ENGINE_NONE;
}

const char *engine_socket(enum engine_kind k)
{
	const char *env = config_get(CONFIG_ENGINE_SOCKET);

	if (env)
		return env;
	return k == ENGINE_PODMAN ? ENGINE_PODMAN_SOCK : ENGINE_DOCKER_SOCK;
}

static int take_id(const char *id, struct engine_ctr *out, struct err *e)
{
	if (!container_id_valid(id))
		return err_set(e, EPROTO, "the engine answered an id that is not one: '%.64s'", id);
	strcpy(out->id, id);
	return 0;
}

int engine_parse_inspect(const char *json, size_t len, struct engine_ctr *out, struct err *e)
{
	_cleanup_cjson_ cJSON *doc = NULL;
	const cJSON *obj, *id, *pid;

	memset(out, 0, sizeof(*out));
	if (json_parse(json, len, &doc, e) < 0)
		return -1;
	/* "isula inspect" and "docker inspect" print an array of one */
	obj = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : doc;
	id = cJSON_GetObjectItemCaseSensitive(obj, "Id");
	if (!cJSON_IsString(id))
		return err_set(e, EPROTO, "an inspect answer without an Id");
	pid = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "State"),
					       "Pid");
	out->pid = cJSON_IsNumber(pid) && pid->valueint > 0 ? pid->valueint : 0;
	return take_id(id->valuestring, out, e);
}

/* The message of an API error body {"message": "..."}, or the body. */
static void api_message(const char *body, char *out, size_t len)
{
	_cleanup_cjson_ cJSON *doc = cJSON_Parse(body);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "message");

	snprintf(out, len, "%s", cJSON_IsString(m) ? m->valuestring : body);
	out[strcspn(out, "\r\n")] = '\0';
}

static int api_lookup(enum engine_kind k, const char *ref, struct engine_ctr *out, struct err *e)
{
	const char *sock = engine_socket(k);
	_cleanup_free_ char *path = xasprintf("/containers/%s/json", ref);
	_cleanup_free_ char *body = NULL;
	size_t len = 0;
	int status = 0;
	char msg[256];

	if (http_unix_get(sock, path, ENGINE_TIMEOUT_MS, &status, &body, &len, e) < 0)
		return err_wrap(e, "ask %s", engine_name(k));
	if (status == 404)
		return 0;
	if (status != 200) {
		api_message(body, msg, sizeof(msg));
		return err_set(e, EPROTO, "ask %s at %s about %s: HTTP %d: %s", engine_name(k), sock,
			       ref, status, msg);
	}
	if (engine_parse_inspect(body, len, out, e) < 0)
		return err_wrap(e, "ask %s at %s about %s", engine_name(k), sock, ref);
	return 1;
}

/* Read @fd to its end (at most @max bytes) before @deadline. */
static int read_until(int fd, long deadline, char *buf, size_t max, size_t *len)
{
	*len = 0;
	for (;;) {
		ssize_t n;

		if (poll_until(fd, POLLIN, deadline, ERR_DISCARD) < 0)
			return -1;
		n = read(fd, buf + *len, max - *len);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
		*len += n > 0 ? (size_t)n : 0;
		if (*len == max)
			break;
	}
	buf[*len] = '\0';
	return 0;
}

/* Run "isula inspect -f '{{json .Id}}' REF" with stdout and stderr in one
 * pipe; its exit status in @status, -1 when it ran out of time. */
static int run_isula(const char *ref, char *out, size_t max, int *status, struct err *e)
{
	int p[2];
	size_t len;
	pid_t pid;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return err_sys(e, errno, "fork");
	}
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execlp("isula", "isula", "inspect", "-f", "{{json .Id}}", ref, (char *)NULL);
		dprintf(2, "cannot run isula: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	r = read_until(p[0], monotonic_ms() + ENGINE_TIMEOUT_MS, out, max - 1, &len);
	close(p[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return err_set(e, ETIMEDOUT, "isula inspect %s did not answer within %d ms", ref,
			       ENGINE_TIMEOUT_MS);
	return 0;
}

static int isula_lookup(const char *ref, struct engine_ctr *out, struct err *e)
{
	char text[4096];
	char *id = text;
	int status = 0;

	memset(out, 0, sizeof(*out));
	if (run_isula(ref, text, sizeof(text), &status, e) < 0)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* iSulad's own words for a container it does not have */
		if (strstr(text, "No such"))
			return 0;
		return err_set(e, EPROTO, "isula inspect %s failed: %s", ref,
			       text[0] ? text : "no message");
	}
	/* the template prints the id as a JSON string */
	if (id[0] == '"' && strlen(id) >= 2 && id[strlen(id) - 1] == '"') {
		id[strlen(id) - 1] = '\0';
		id++;
	}
	return take_id(id, out, e) < 0 ? err_wrap(e, "isula inspect %s", ref) : 1;
}

int engine_lookup(enum engine_kind k, const char *ref, struct engine_ctr *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	/* the reference goes into a URL path or an argument vector */
	if (container_id_check(ref, e) < 0)
		return -1;
	switch (k) {
	case ENGINE_ISULA:
		return isula_lookup(ref, out, e);
	case ENGINE_DOCKER:
	case ENGINE_PODMAN:
		return api_lookup(k, ref, out, e);
	default:
		return err_set(e, EINVAL, "no engine to ask about %s", ref);
	}
}
