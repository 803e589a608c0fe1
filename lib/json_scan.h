/* A strict reading of JSON text (RFC 8259) that builds nothing: it finds
 * where a member of the top-level object lies. syscontainer-runtime uses
 * it to put our hooks into a config.json by rewriting its "hooks" member
 * alone, where parsing and printing the whole document (Docker's holds a
 * seccomp profile of some 350 entries, 20 KB) would cost a third of a
 * millisecond at every container start. Text it cannot read for sure is
 * refused, and the caller reads it with cJSON instead, which explains
 * what is wrong with it. Pure functions, unit-tested. */
#ifndef SCH_JSON_SCAN_H
#define SCH_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct json_member {
	bool found;             /* the member is there, its value is text[start, end) */
	size_t start, end;
	size_t open, close;     /* the offsets of the object's braces */
	bool empty;             /* the object has no member at all */
};

/* Why json_scan_member refused a text, for one line on stderr. */
enum json_scan_fault {
	JSON_SCAN_INVALID,      /* not JSON (at m->close) */
	JSON_SCAN_TRUNCATED,    /* ends inside a value */
	JSON_SCAN_NOT_OBJECT,   /* valid, but not an object */
	JSON_SCAN_TWICE,        /* @key named twice */
};

/* The member @key (none when NULL) of the object that @text (@len bytes)
 * is. 0 with @m filled; -1 with *@fault when @text is not one strict JSON object
 * (surrounding white space allowed; at most JSON_MAX_DEPTH levels; no
 * "\u0000", as json_parse refuses it; no lone UTF-16 surrogate) or
 * names @key twice. For JSON_SCAN_INVALID, m->close is where it fails. */
int json_scan_member(const char *text, size_t len, const char *key, struct json_member *m,
		     enum json_scan_fault *fault);

/* @e gets one line for a text json_scan_member refused with @fault
 * (@m and @len as it was given); returns -1. */
int json_scan_error(struct err *e, enum json_scan_fault fault, const struct json_member *m,
		    size_t len, const char *key);

/* A piece of text json_scan_member accepted: a value, or a member name
 * (quotes included). */
struct json_span {
	const char *p;
	size_t len;
};

/* Call @fn on each member of the object @v (name and value) or each item
 * of the array @v (name.p NULL), in order, until one returns non-zero,
 * which is returned. -1 when @v is neither. */
typedef int (*json_each_fn)(struct json_span name, struct json_span value, void *arg);
int json_span_each(struct json_span v, json_each_fn fn, void *arg);

/* The string @v decoded (a new C string), or NULL when @v is no string
 * (json_string.c). */
char *json_span_string(struct json_span v);

#endif
