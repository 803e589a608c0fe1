#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;          /* -1: syslog */
static const char *log_ident = "syscontainer-hooks";

int log_open(const char *ident, const char *file, struct err *e)
{
	log_ident = ident;
	if (!file || !*file) {
		openlog(ident, LOG_PID, LOG_DAEMON);
		return 0;
	}
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
	else
		closelog();
	log_fd = -1;
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	char stamp[64];
	struct timespec ts;
	struct tm tm;
	int n;

	if (log_fd < 0) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%d] %s: ", stamp,
		     ts.tv_nsec / 1000000, log_ident, (int)getpid(), level);
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
