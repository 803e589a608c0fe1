#include "sock.h"

#include <errno.h>
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

int unix_connect(const char *path, int *fd, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(e, ENAMETOOLONG, "socket path %.60s... is too long", path);
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return err_sys(e, errno, "socket");
	/* a unix socket connects at once or not at all (EAGAIN: its backlog
	 * is full, a server too busy to wait for) */
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int code = errno;

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
