/* The logger: one line per action, to syslog by default or appended to a
 * file given with --log ("-" or "." means stderr). Logging never stops the
 * work: a --log file that cannot be opened as a regular file, or a syslog
 * that cannot take a line, is said on stderr and the lines go elsewhere
 * (syslog, else <rundir>.log, else stderr). Nothing here ever blocks. */
#ifndef SCH_LOG_H
#define SCH_LOG_H

#include <stddef.h>
#include <time.h>

/* @ident is the program name used as syslog tag and line prefix; @file is
 * --log, or NULL for syslog. */
void log_open(const char *ident, const char *file);
void log_close(void);
/* The syslog socket (default /dev/log), a datagram or a stream socket. */
void log_syslog_socket(const char *path);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Async-signal-safe, for a signal handler (the hook's deadline): @msg as
 * log_error("%s", msg) would put it, with only write() or the syslog
 * socket calls, no formatting library and no lock. When syslog cannot
 * take it and no file is open, the line goes nowhere: the caller says it
 * on stderr as well. */
void log_error_async(const char *msg);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of @ts in UTC, async-signal-safe; returns
 * its length. */
size_t log_utc_stamp(char *buf, size_t size, const struct timespec *ts);

#endif
