/* JSON strings without a JSON library: decoding the strings of text that
 * json_scan accepted, and writing strings and arrays of them. The pieces
 * syscontainer-runtime needs to merge our hooks into a config.json, so
 * that it links with libc alone (statically: no dynamic loader on the
 * start path of every container). */
#ifndef SCH_JSON_STRING_H
#define SCH_JSON_STRING_H

#include <stddef.h>

#include "json_scan.h"

/* A growing text. */
struct json_buf {
	char *p;
	size_t len, cap;
};

void json_buf_add(struct json_buf *b, const char *s, size_t n);
void json_buf_str(struct json_buf *b, const char *s);
/* @s as a JSON string, quotes included: '"', '\\' and control
 * characters escaped, every other byte as it is. */
void json_buf_string(struct json_buf *b, const char *s);

#endif
