#include "json_string.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = p[k];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static char *utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* The escape after the backslash at @p (the scan checked it): the bytes
 * go to @o; returns how many characters of text it took. */
static size_t unescape(const char *p, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c = strchr(from, p[1]);
	unsigned cp;

	if (p[1] != 'u') {
		*(*o)++ = to[c - from];
		return 2;
	}
	cp = hex4(p + 2);
	if (cp < 0xD800 || cp > 0xDBFF) {
		*o = utf8(*o, cp);
		return 6;
	}
	cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 8) - 0xDC00);
	*o = utf8(*o, cp);
	return 12;
}

/* The text was accepted by json_scan: every escape in it is whole, and
 * none is longer in UTF-8 than in JSON. */
char *json_span_string(struct json_span v)
{
	char *out, *o;

	if (v.len < 2 || v.p[0] != '"' || v.p[v.len - 1] != '"')
		return NULL;
	out = o = xmalloc(v.len);
	for (size_t i = 1; i < v.len - 1;) {
		if (v.p[i] != '\\')
			*o++ = v.p[i++];
		else
			i += unescape(v.p + i, &o);
	}
	*o = '\0';
	return out;
}

void json_buf_add(struct json_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void json_buf_str(struct json_buf *b, const char *s)
{
	json_buf_add(b, s, strlen(s));
}

void json_buf_string(struct json_buf *b, const char *s)
{
	json_buf_add(b, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			json_buf_add(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			json_buf_add(b, esc, 6);
		} else {
			json_buf_add(b, p, 1);
		}
	}
	json_buf_add(b, "\"", 1);
}
