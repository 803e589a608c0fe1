/* Unix stream sockets with deadlines: the clients of ovsdb-server and of
 * the engines' APIs connect, send and receive without ever blocking past
 * a deadline. */
#ifndef SCH_SOCK_H
#define SCH_SOCK_H

#include "error.h"

/* CLOCK_MONOTONIC in milliseconds: deadlines are taken from it. */
long monotonic_ms(void);
/* A close-on-exec stream socket connected to @path, made non-blocking
 * once connected; the connect waits at most @timeout_ms for room in the
 * server's backlog. */
int unix_connect(const char *path, int timeout_ms, int *fd, struct err *e);
/* Wait for @events (POLLIN, POLLOUT) on @fd until @deadline; ETIMEDOUT
 * in e->code when it passes (the caller words the message). */
int poll_until(int fd, short events, long deadline, struct err *e);

#endif
