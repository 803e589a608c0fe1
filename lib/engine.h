/* The container engine a container belongs to (iSulad, Docker, Podman),
 * asked about a container by name or id: operators name containers, the
 * hook and the store know them by the runtime's id.
 *
 * Docker and Podman answer over HTTP on their unix socket
 * (GET /containers/REF/json, the API both serve); iSulad through
 * "isula inspect", as the original tool asked it. Used by the CLI only,
 * never on a container's start path: a call may take up to
 * ENGINE_TIMEOUT_MS.
 *
 * engine_lookup's three answers matter to callers that delete state of
 * containers the engine no longer has: "unknown" (0) is a definite answer
 * of the engine; an engine that cannot be asked is an error (-1), never
 * "unknown". */
#ifndef SCH_ENGINE_H
#define SCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "container_id.h"
#include "error.h"

#define ENGINE_TIMEOUT_MS 5000
#define ENGINE_REPLY_MAX (4u << 20)
#define ENGINE_DOCKER_SOCK "/var/run/docker.sock"
#define ENGINE_PODMAN_SOCK "/run/podman/podman.sock"

enum engine_kind { ENGINE_NONE = 0, ENGINE_ISULA, ENGINE_DOCKER, ENGINE_PODMAN };

/* "isula", "docker" or "podman" ("isulad" and "iSulad" too); EINVAL for
 * anything else, with a message listing the three. */
int engine_parse(const char *name, enum engine_kind *k, struct err *e);
const char *engine_name(enum engine_kind k);
/* $SYSCONTAINER_ENGINE: ENGINE_NONE when unset or empty; -1 when it
 * names no engine. */
int engine_from_env(enum engine_kind *k, struct err *e);
/* The engine whose layout a bundle path has (podman's
 * overlay-containers/ID/userdata, docker's moby/ID, iSulad's
 * engines/RUNTIME/ID), or ENGINE_NONE. */
enum engine_kind engine_from_bundle(const char *bundle);
/* The API socket of docker or podman: $SYSCONTAINER_ENGINE_SOCKET, else
 * the engine's default. */
const char *engine_socket(enum engine_kind k);

struct engine_ctr {
	char id[CONTAINER_ID_MAX + 1];
	int pid;                /* 0 when it does not run */
};

/* Ask engine @k about @ref (a name, an id, or an id prefix the engine
 * accepts): 1 when it knows the container (@out filled), 0 when it says
 * it has none of that name, -1 when it cannot be asked or answers
 * something else. */
int engine_lookup(enum engine_kind k, const char *ref, struct engine_ctr *out, struct err *e);

/* The pieces, pure, for tests (engine_http.c). */
/* The request line and headers of GET @path. */
char *http_get_request(const char *path);
/* Split a complete HTTP/1.x response: status code and body (Content-Length,
 * chunked, or up to the end); the body is copied out, NUL-terminated. */
int http_parse_response(const char *buf, size_t len, int *status, char **body,
			size_t *body_len, struct err *e);
/* GET @path from the HTTP server on unix socket @sock; the whole response
 * is read (the request asks the server to close), within @timeout_ms. */
int http_unix_get(const char *sock, const char *path, int timeout_ms, int *status, char **body,
		  size_t *body_len, struct err *e);
/* Fill @out from an inspect object (Docker's and Podman's
 * /containers/REF/json, an element of "isula inspect"). */
int engine_parse_inspect(const char *json, size_t len, struct engine_ctr *out, struct err *e);

#endif
