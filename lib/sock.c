#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/time.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int unix_connect(const char *path, int timeout_ms, int *fd, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	int s, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(e, ENAMETOOLONG, "socket path %.60s... is too long", path);
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err_sys(e, errno, "socket");
	/* a non-blocking connect fails at once with EAGAIN while the server's
	 * backlog is full (a busy server, many starts at once): this one
	 * waits for room, as long as the send timeout allows */
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	do
		r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	if (r < 0 || fcntl(s, F_SETFL, O_NONBLOCK) < 0) {
		int code = errno == EINPROGRESS ? ETIMEDOUT : errno;

		close(s);
		return err_sys(e, code, "connect to %s", path);
	}
	*fd = s;
	return 0;
}

int poll_until(int fd, short events, long deadline, struct err *e)
{
	struct pollfd p = { .fd = fd, .events = events };
	long left;
	int r;

	do {
		left = deadline - monotonic_ms();
		if (left <= 0)
			return err_set(e, ETIMEDOUT, "timed out");
		r = poll(&p, 1, (int)left);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_sys(e, errno, "poll");
	if (r == 0)
		return err_set(e, ETIMEDOUT, "timed out");
	return 0;
}
