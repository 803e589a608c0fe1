/* One error type for the whole project: an errno value plus a message that
 * each caller may prefix with its own context on the way up, so the top of
 * the program prints exactly one line such as
 *   add device /dev/sdb: create /dev/sdb in container c1: File exists */
#ifndef SCH_ERROR_H
#define SCH_ERROR_H

#include <stddef.h>

#define ERR_MSG_MAX 1024

struct err {
	int code;               /* errno value, 0 when not a system error */
	char msg[ERR_MSG_MAX];
};

/* Fill @e with @code and a formatted message; returns -1 so callers can
 * write `return err_set(e, EINVAL, "...")`. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like err_set, then appends ": strerror(code)". */
int err_sys(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already in @e with "context: "; returns -1. */
int err_wrap(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

#endif
