#include "progress.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Each lane is a ring of slots: a step is written into the slot after the
 * current one and then published, so the handler, which reads the
 * published slot, never sees a half-written text. A slot is written again
 * only SLOTS - 1 steps later, long after any reader is done with it. */
#define SLOTS 4

static struct lane {
	char slot[SLOTS][PROGRESS_MAX];
	atomic_uint current;
	atomic_uint next;
} lanes[PROGRESS_LANES];

static char *claim(enum progress_lane lane, unsigned *n)
{
	*n = atomic_fetch_add(&lanes[lane].next, 1) + 1;
	return lanes[lane].slot[*n % SLOTS];
}

static void publish(enum progress_lane lane, unsigned n)
{
	atomic_store(&lanes[lane].current, n);
}

void progress_set(enum progress_lane lane, const char *fmt, ...)
{
	unsigned n;
	char *s = claim(lane, &n);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, PROGRESS_MAX, fmt, ap);
	va_end(ap);
	publish(lane, n);
}

void progress_clear(enum progress_lane lane)
{
	unsigned n;

	claim(lane, &n)[0] = '\0';
	publish(lane, n);
}

void progress_path(enum progress_lane lane, const char *what, const char *path)
{
	unsigned n;
	char *s = claim(lane, &n);
	size_t len = progress_append(s, PROGRESS_MAX, 0, what);

	len = progress_append(s, PROGRESS_MAX, len, " ");
	progress_append(s, PROGRESS_MAX, len, path);
	publish(lane, n);
}

const char *progress_now(enum progress_lane lane)
{
	return lanes[lane].slot[atomic_load(&lanes[lane].current) % SLOTS];
}

size_t progress_append(char *buf, size_t size, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len >= size)
		return len;
	if (n > size - 1 - len)
		n = size - 1 - len;
	memcpy(buf + len, s, n);
	len += n;
	buf[len] = '\0';
	return len;
}
