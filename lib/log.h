/* The logger: one line per action, to syslog by default or appended to a
 * file given with --log ("-" or "." means stderr). Logging never stops the
 * work: a --log file that cannot be opened as a regular file, or a syslog
 * that cannot take a line, is said on stderr and the lines go elsewhere
 * (syslog, else <rundir>.log, else stderr). Nothing here ever blocks. */
#ifndef SCH_LOG_H
#define SCH_LOG_H

/* @ident is the program name used as syslog tag and line prefix; @file is
 * --log, or NULL for syslog. */
void log_open(const char *ident, const char *file);
void log_close(void);
/* The syslog socket (default /dev/log), a datagram or a stream socket. */
void log_syslog_socket(const char *path);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
