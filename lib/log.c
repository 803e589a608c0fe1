#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "record.h"
#include "util.h"

static int log_fd = -1;
static bool log_syslog = true;   /* until a file is given, or syslog fails */
static const char *log_ident = "syscontainer-hooks";
static const char *syslog_path = "/dev/log";

void log_syslog_socket(const char *path)
{
	syslog_path = path;
}

/* One line on stderr, in one write. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%s: warning: ", log_ident);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

/* Opens @path for appending, only as a regular file: a device node is
 * never opened (some act on open), O_NOFOLLOW for a symlink planted
 * between the check and the open, O_NONBLOCK so that a FIFO put there then
 * never blocks, and fstat() before any write. @created tells whether this
 * open made the file. */
static int open_log_file(const char *path, bool *created, struct err *e)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	struct stat st;
	int fd = -1;

	*created = false;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			return err_set(e, EINVAL, "%s is %s", path, file_kind(st.st_mode));
		fd = open(path, flags);
	} else if (errno == ENOENT) {
		fd = open(path, flags | O_CREAT | O_EXCL, 0600);
		*created = fd >= 0;
		if (fd < 0 && errno == EEXIST)
			fd = open(path, flags);
	}
	if (fd < 0)
		return err_sys(e, errno, "%s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, EINVAL, "%s is not a regular file", path);
	}
	return fd;
}

/* Where the lines go when syslog cannot take them: a file beside the
 * runtime records (/run/syscontainer-hooks.log by default, a tmpfs that
 * every start can write), else stderr. Said on stderr and in the file
 * when this makes the file, or @always; a missing syslog is so said once,
 * not at every run. */
static void use_fallback(const char *why, bool always)
{
	_cleanup_free_ char *path = xasprintf("%s.log", record_dir());
	bool created;
	struct err e;

	log_syslog = false;
	log_fd = open_log_file(path, &created, &e);
	if (log_fd < 0) {
		log_fd = dup(STDERR_FILENO);
		say("%s; logging to stderr (%s)", why, e.msg);
		return;
	}
	if (created || always) {
		say("%s; logging to %s", why, path);
		log_warn("%s; logging to this file", why);
	}
}

static bool syslog_reachable(void);

/* The formatters below call no printf, no time-zone code and no malloc:
 * log_error_async() runs them in a signal handler. */
static size_t put_num(char *buf, size_t size, size_t len, unsigned long v, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	while (n < width && n < (int)sizeof(digits))
		digits[n++] = '0';
	while (n > 0 && len + 1 < size)
		buf[len++] = digits[--n];
	if (len < size)
		buf[len] = '\0';
	return len;
}

/* Days since 1970-01-01 to a proleptic Gregorian date, counted in
 * 400-year eras that start on March 1st, so that a leap day ends a year. */
static void civil_date(long days, long *year, unsigned *month, unsigned *day)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned long doe = (unsigned long)(z - era * 146097);
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153;

	*day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*year = (long)yoe + era * 400 + (*month <= 2);
}

size_t log_utc_stamp(char *buf, size_t size, const struct timespec *ts)
{
	long days = (long)(ts->tv_sec / 86400), secs = (long)(ts->tv_sec % 86400), year;
	unsigned month, day;
	size_t n = 0;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_date(days, &year, &month, &day);
	n = put_num(buf, size, n, (unsigned long)year, 4);
	n = progress_append(buf, size, n, "-");
	n = put_num(buf, size, n, month, 2);
	n = progress_append(buf, size, n, "-");
	n = put_num(buf, size, n, day, 2);
	n = progress_append(buf, size, n, "T");
	n = put_num(buf, size, n, (unsigned long)secs / 3600, 2);
	n = progress_append(buf, size, n, ":");
	n = put_num(buf, size, n, (unsigned long)secs / 60 % 60, 2);
	n = progress_append(buf, size, n, ":");
	n = put_num(buf, size, n, (unsigned long)secs % 60, 2);
	n = progress_append(buf, size, n, ".");
	n = put_num(buf, size, n, (unsigned long)ts->tv_nsec / 1000000, 3);
	return progress_append(buf, size, n, "Z");
}

/* "<PRI>ident[pid]: ", the head of a syslog datagram. */
static size_t syslog_head(char *buf, size_t size, int prio)
{
	size_t n = progress_append(buf, size, 0, "<");

	n = put_num(buf, size, n, (unsigned long)(LOG_DAEMON | prio), 1);
	n = progress_append(buf, size, n, ">");
	n = progress_append(buf, size, n, log_ident);
	n = progress_append(buf, size, n, "[");
	n = put_num(buf, size, n, (unsigned long)getpid(), 1);
	return progress_append(buf, size, n, "]: ");
}

/* "STAMP ident[pid] level: ", the head of a line in a log file. */
static size_t file_head(char *buf, size_t size, const char *level)
{
	struct timespec ts;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = log_utc_stamp(buf, size, &ts);
	n = progress_append(buf, size, n, " ");
	n = progress_append(buf, size, n, log_ident);
	n = progress_append(buf, size, n, "[");
	n = put_num(buf, size, n, (unsigned long)getpid(), 1);
	n = progress_append(buf, size, n, "] ");
	n = progress_append(buf, size, n, level);
	return progress_append(buf, size, n, ": ");
}

void log_open(const char *ident, const char *file)
{
	char why[ERR_MSG_MAX + 16];
	struct err e;
	bool created;

	log_close();
	log_ident = ident;
	if (!file || !*file)
		return;
	/* "-" and ".": stderr, in the hook as in the original tool's CLI */
	if (strcmp(file, "-") == 0 || strcmp(file, ".") == 0) {
		log_fd = dup(STDERR_FILENO);
		log_syslog = false;
		return;
	}
	log_fd = open_log_file(file, &created, &e);
	if (log_fd >= 0) {
		log_syslog = false;
		return;
	}
	/* a log that cannot be written never stops the work it would record */
	snprintf(why, sizeof(why), "--log %s", e.msg);
	if (syslog_reachable()) {
		say("%s; logging to syslog", why);
		log_warn("%s; logging to syslog", why);
		return;
	}
	use_fallback(why, true);
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
 * socket is opened per line: the hook logs a handful of lines a run.
 * Non-blocking: a busy or stuck syslog daemon never holds up a start; the
 * line then goes to the fallback. Returns -1 when the line was not sent. */
static int send_syslog(const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int type = SOCK_DGRAM;

	if (strlen(syslog_path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, syslog_path);
	for (int tries = 0; tries < 2; tries++) {
		int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		int r;

		if (fd < 0)
			return -1;
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (r == 0 && msg)
			/* a stream socket takes the trailing NUL as the end of the line */
			r = (int)send(fd, msg, type == SOCK_STREAM ? len + 1 : len, MSG_NOSIGNAL);
		close(fd);
		if (r >= 0)
			return 0;
		if (errno != EPROTOTYPE)
			return -1;
		type = SOCK_STREAM;
	}
	return -1;
}

static bool syslog_reachable(void)
{
	return send_syslog(NULL, 0) == 0;
}

/* "<PRI>ident[pid]: message" to syslog; when syslog cannot take it, the
 * fallback from now on, this line included. */
static bool vlog_syslog(int prio, const char *fmt, va_list ap)
{
	char line[2048], why[512];
	size_t n = syslog_head(line, sizeof(line), prio);
	int saved;

	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (send_syslog(line, strlen(line)) == 0)
		return true;
	saved = errno;
	snprintf(why, sizeof(why), "syslog at %s: %s", syslog_path, strerror(saved));
	use_fallback(why, false);
	return false;
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	va_list again;
	size_t n;

	if (log_syslog) {
		bool sent;

		va_copy(again, ap);
		sent = vlog_syslog(prio, fmt, again);
		va_end(again);
		if (sent)
			return;
	}
	if (log_fd < 0)
		return;
	/* by hand: strftime() would read the time zone, needed or not */
	n = file_head(line, sizeof(line) - 1, level);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	n = strlen(line);
	line[n++] = '\n';
	/* one write per line so concurrent writers never interleave */
	if (write(log_fd, line, n) < 0)
		return;
}

void log_error_async(const char *msg)
{
	char line[2048];
	int saved = errno;
	size_t n;

	if (log_syslog) {
		n = syslog_head(line, sizeof(line), LOG_ERR);
		n = progress_append(line, sizeof(line), n, msg);
		if (send_syslog(line, n) == 0)
			goto out;
	}
	if (log_fd < 0)
		goto out;
	n = file_head(line, sizeof(line) - 1, "error");
	n = progress_append(line, sizeof(line) - 1, n, msg);
	line[n++] = '\n';
	if (write(log_fd, line, n) < 0)
		goto out;
out:
	errno = saved;
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
