/* The logger: one line per action, to syslog by default or appended to a
 * file given with --log ("-" means stderr). */
#ifndef SCH_LOG_H
#define SCH_LOG_H

#include "error.h"

/* @ident is the program name used as syslog tag and line prefix. */
int log_open(const char *ident, const char *file, struct err *e);
void log_close(void);
/* The syslog socket (default /dev/log), a datagram or a stream socket. */
void log_syslog_socket(const char *path);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
