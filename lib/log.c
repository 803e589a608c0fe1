#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static bool log_syslog = true;   /* until a file is given */
static const char *log_ident = "syscontainer-hooks";
static const char *syslog_path = "/dev/log";

void log_syslog_socket(const char *path)
{
	syslog_path = path;
}

int log_open(const char *ident, const char *file, struct err *e)
{
	log_ident = ident;
	log_syslog = !file || !*file;
	if (log_syslog)
		return 0;
	if (strcmp(file, "-") == 0) {
		log_fd = dup(STDERR_FILENO);
		return 0;
	}
	log_fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (log_fd < 0)
		return err_sys(e, errno, "open log file %s", file);
	return 0;
}

void log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_syslog = true;
}

/* syslog(3) formats a local-time stamp, which costs reading the time zone
 * on every start; syslog daemons stamp local messages with their own
 * clock, so the datagram carries none: "<PRI>ident[pid]: message". The
 * socket is opened per line: the hook logs a handful of lines a run. */
static void send_syslog(const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int type = SOCK_DGRAM;

	if (strlen(syslog_path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, syslog_path);
	for (int tries = 0; tries < 2; tries++) {
		int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		int r;

		if (fd < 0)
			return;
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (r == 0)
			/* a stream socket takes the trailing NUL as the end of the line */
			r = (int)send(fd, msg, type == SOCK_STREAM ? len + 1 : len, MSG_NOSIGNAL);
		close(fd);
		if (r >= 0 || errno != EPROTOTYPE)
			return;
		type = SOCK_STREAM;
	}
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	if (log_syslog) {
		n = snprintf(line, sizeof(line), "<%d>%s[%d]: ", LOG_DAEMON | prio, log_ident,
			     (int)getpid());
		if (n < 0 || (size_t)n >= sizeof(line))
			return;
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		send_syslog(line, strlen(line));
		return;
	}
	if (log_fd < 0)
		return;
	/* by hand: strftime() would read the time zone, needed or not */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000000, log_ident, (int)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	/* one write per line so concurrent writers never interleave */
	if (write(log_fd, line, (size_t)n) < 0)
		return;
}

#define DEFINE_LOG(name, prio, level)                   \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		int saved = errno;                      \
		va_start(ap, fmt);                      \
		vlog(prio, level, fmt, ap);             \
		va_end(ap);                             \
		errno = saved;                          \
	}

DEFINE_LOG(log_info, LOG_INFO, "info")
DEFINE_LOG(log_warn, LOG_WARNING, "warning")
DEFINE_LOG(log_error, LOG_ERR, "error")
