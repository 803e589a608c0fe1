/* What the program is doing now, for the one line printed when the hook's
 * deadline hits: a signal handler cannot format text or take locks, so
 * every step is formatted when it starts and the handler only copies it.
 *
 * Two lanes: the main thread's step and the step of the worker in the
 * container's mount namespace, which run at the same time (the main
 * thread may be waiting for the worker, or the other way round). */
#ifndef SCH_PROGRESS_H
#define SCH_PROGRESS_H

#include <stddef.h>

enum progress_lane { PROGRESS_MAIN, PROGRESS_WORKER, PROGRESS_LANES };

#define PROGRESS_MAX 400

/* Set the current step of @lane ("" when the lane is idle). */
void progress_set(enum progress_lane lane, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The lane is idle. */
void progress_clear(enum progress_lane lane);
/* The same for "@what @path", without printf: called for every device
 * node the worker makes, where formatting would show in the start time. */
void progress_path(enum progress_lane lane, const char *what, const char *path);

/* Async-signal-safe: the current step of @lane, never torn. */
const char *progress_now(enum progress_lane lane);

/* Async-signal-safe: append @s to @buf (NUL-terminated, size @size),
 * cutting it short when full; returns the new length. */
size_t progress_append(char *buf, size_t size, size_t len, const char *s);

#endif
