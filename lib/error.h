/* One error type for the whole project: an errno value plus a message that
 * each caller may prefix with its own context on the way up, so the top of
 * the program prints exactly one line such as
 *   add device /dev/sdb: create /dev/sdb in container c1: File exists
 *
 * A message longer than the buffer loses its middle, never its ends: the
 * head says where, the tail holds the errno text. */
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

/* Copy the message @s into @dst of @size bytes, cut in the middle when
 * too long, as struct err does. */
void err_fit(char *dst, size_t size, const char *s);

/* Warn and go on: when @e holds an error, log it as a warning after
 * "@fmt: " and clear it. For a step whose failure must neither stop the
 * work nor replace the error being reported, such as an undo. */
void err_warn(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keep the first error of a sequence that runs every step whatever fails
 * (a cleanup): when @r is 0, @step's error becomes @first's; a later one
 * is warned about as by err_warn(@step, @fmt, ...). Returns -1, for
 * `r = err_keep_first(e, r, &why, "...")` after a failed step. */
int err_keep_first(struct err *first, int r, struct err *step, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* An error that goes nowhere, for a probe: a call whose failure is an
 * answer ("not there", "not a number"), not something to report. */
#define ERR_DISCARD (&(struct err){ 0 })

#endif
