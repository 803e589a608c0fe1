/* A minimal HTTP/1.1 client for an engine's API on its unix socket: one
 * GET, "Connection: close", the whole response read under a deadline. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "sock.h"
#include "util.h"

char *http_get_request(const char *path)
{
	return xasprintf("GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: syscontainer-tools\r\n"
			 "Accept: application/json\r\nConnection: close\r\n\r\n", path);
}

/* The value of header @name in the header block @h (up to @end), or NULL. */
static const char *header(const char *h, const char *end, const char *name, size_t *vlen)
{
	size_t n = strlen(name);

	for (const char *line = h; line < end;) {
		const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);

		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > n && line[n] == ':' && strncasecmp(line, name, n) == 0) {
			const char *v = line + n + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			return v;
		}
		line = eol + 2;
	}
	return NULL;
}

/* Join the chunks of a chunked body in place; returns its length, -1 when
 * it is cut or malformed. */
static long unchunk(char *b, size_t len)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long n;
		const char *eol = memmem(b + in, len - in, "\r\n", 2);

		if (!eol)
			return -1;
		errno = 0;
		n = strtoul(b + in, &end, 16);
		if (end == b + in || errno || n > len)
			return -1;
		in = (size_t)(eol - b) + 2;
		if (n == 0)
			return (long)out;
		if (n + 2 > len - in || memcmp(b + in + n, "\r\n", 2) != 0)
			return -1;
		memmove(b + out, b + in, n);
		out += n;
		in += n + 2;
	}
}

static int body_of(const char *hdrs, const char *hend, const char *start, size_t avail,
		   char **body, size_t *body_len, struct err *e)
{
	size_t vlen = 0;
	const char *te = header(hdrs, hend, "Transfer-Encoding", &vlen);
	const char *cl;
	char *b = xmalloc(avail + 1);

	memcpy(b, start, avail);
	if (te && vlen >= 7 && strncasecmp(te, "chunked", 7) == 0) {
		long n = unchunk(b, avail);

		if (n < 0) {
			free(b);
			return err_set(e, EPROTO, "a malformed or cut chunked body");
		}
		avail = (size_t)n;
	} else if ((cl = header(hdrs, hend, "Content-Length", &vlen))) {
		unsigned long n = strtoul(cl, NULL, 10);

		if (n > avail) {
			free(b);
			return err_set(e, EPROTO, "a body cut short (%zu of %lu bytes)", avail, n);
		}
		avail = n;
	}
	b[avail] = '\0';
	*body = b;
	*body_len = avail;
	return 0;
}

int http_parse_response(const char *buf, size_t len, int *status, char **body,
			size_t *body_len, struct err *e)
{
	const char *hend = memmem(buf, len, "\r\n\r\n", 4);
	const char *eol;
	int code = 0, n = 0;

	if (!hend)
		return err_set(e, EPROTO, "not an HTTP response (no end of headers)");
	if (sscanf(buf, "HTTP/1.%*1[01] %3d%n", &code, &n) != 1 || n != 12 || code < 100)
		return err_set(e, EPROTO, "not an HTTP response (status line '%.40s')", buf);
	eol = memmem(buf, len, "\r\n", 2);
	*status = code;
	return body_of(eol + 2, hend + 2, hend + 4, len - (size_t)(hend + 4 - buf), body,
		       body_len, e);
}

/* Send @req and read to the end of the stream, within @deadline. */
static int exchange(int fd, const char *sock, const char *req, long deadline, char **resp,
		    size_t *len, struct err *e)
{
	size_t cap = 0, off = 0, rlen = strlen(req);
	char *buf = NULL;

	*len = 0;
	for (;;) {
		ssize_t n;

		if (poll_until(fd, off < rlen ? POLLOUT : POLLIN, deadline, e) < 0) {
			free(buf);
			if (e->code == ETIMEDOUT)
				return err_set(e, ETIMEDOUT, "%s did not answer within %d ms", sock,
					       ENGINE_TIMEOUT_MS);
			return err_wrap(e, "%s", sock);
		}
		if (off < rlen) {
			n = send(fd, req + off, rlen - off, MSG_NOSIGNAL);
			off += n > 0 ? (size_t)n : 0;
		} else {
			if (cap - *len < 4096) {
				cap = cap ? cap * 2 : 16384;
				buf = xrealloc(buf, cap + 1);
			}
			n = recv(fd, buf + *len, cap - *len, 0);
			if (n == 0)
				break;
			*len += n > 0 ? (size_t)n : 0;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			free(buf);
			return err_sys(e, errno, "talk to %s", sock);
		}
		if (*len > ENGINE_REPLY_MAX) {
			free(buf);
			return err_set(e, EMSGSIZE, "%s: a reply over %u bytes", sock, ENGINE_REPLY_MAX);
		}
	}
	*resp = buf;
	return 0;
}

int http_unix_get(const char *sock, const char *path, int timeout_ms, int *status, char **body,
		  size_t *body_len, struct err *e)
{
	_cleanup_free_ char *req = http_get_request(path);
	_cleanup_free_ char *resp = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;

	if (unix_connect(sock, timeout_ms, &fd, e) < 0)
		return -1;
	if (exchange(fd, sock, req, monotonic_ms() + timeout_ms, &resp, &len, e) < 0)
		return -1;
	if (!resp || len == 0)
		return err_set(e, EPROTO, "%s closed the connection without an answer", sock);
	if (http_parse_response(resp, len, status, body, body_len, e) < 0)
		return err_wrap(e, "%s", sock);
	return 0;
}
