#include "error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* What stands for the part of a message cut out of its middle. */
#define CUT " [...] "

/* An error is one line: control characters from user input become '?'. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* A cut lands on the start of a UTF-8 character, never inside one:
 * moving back for the end of the head, forward for the start of the tail. */
static bool continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t char_start(const char *s, size_t at)
{
	while (at > 0 && continuation(s[at]))
		at--;
	return at;
}

static size_t char_next(const char *s, size_t at)
{
	while (s[at] && continuation(s[at]))
		at++;
	return at;
}

/* A text too long keeps its head (the context) and its tail (the errno
 * text) and loses the middle, which is where a long path or name ends up
 * once callers have added their context. */
void err_fit(char *dst, size_t size, const char *s)
{
	const size_t cut = strlen(CUT), max = size - 1;
	size_t n = strlen(s), head, tail;

	if (n <= max) {
		memmove(dst, s, n + 1);
		return;
	}
	if (max < 2 * cut) {
		memmove(dst, s + n - max, max + 1);
		return;
	}
	head = char_start(s, (max - cut) / 2);
	tail = char_next(s, n - (max - cut - head));
	memmove(dst, s, head);
	memcpy(dst + head, CUT, cut);
	memmove(dst + head + cut, s + tail, n - tail + 1);
}

static void store(struct err *e, const char *s)
{
	err_fit(e->msg, sizeof(e->msg), s);
	one_line(e->msg);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return xstrdup("(out of memory formatting an error)");
	return s;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	e->code = code;
	store(e, s);
	return -1;
}

int err_sys(struct err *e, int code, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	full = xasprintf("%s: %s", s, strerror(code));
	e->code = code;
	store(e, full);
	return -1;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	_cleanup_free_ char *prefix = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	prefix = vformat(fmt, ap);
	va_end(ap);
	full = xasprintf("%s: %s", prefix, e->msg);
	store(e, full);
	return -1;
}

void err_clear(struct err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

static void vwarn(struct err *e, const char *fmt, va_list ap)
{
	_cleanup_free_ char *context = NULL;

	if (!e->msg[0])
		return;
	context = vformat(fmt, ap);
	log_warn("%s: %s", context, e->msg);
	err_clear(e);
}

void err_warn(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(e, fmt, ap);
	va_end(ap);
}

int err_keep_first(struct err *first, int r, struct err *step, const char *fmt, ...)
{
	va_list ap;

	if (r == 0) {
		*first = *step;
		err_clear(step);
		return -1;
	}
	va_start(ap, fmt);
	vwarn(step, fmt, ap);
	va_end(ap);
	return -1;
}
