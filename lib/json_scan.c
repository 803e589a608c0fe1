#include "json_scan.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_string.h"
#include "util.h"

/* Each step takes the offset where its token starts and returns the one
 * just after it, or BAD. */
#define BAD SIZE_MAX

struct scan {
	const char *t;
	size_t len;
	const char *key;        /* the member looked for, at depth 1 */
	size_t key_len;
	struct json_member *m;
	size_t bad;             /* where the text stopped being JSON */
	bool twice;             /* because it names the key twice */
};

static size_t fail(struct scan *s, size_t i)
{
	s->bad = i;
	return BAD;
}

static size_t ws(struct scan *s, size_t i)
{
	while (i < s->len && (s->t[i] == ' ' || s->t[i] == '\n' || s->t[i] == '\r' ||
			      s->t[i] == '\t'))
		i++;
	return i;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The UTF-16 code unit of the "\uXXXX" at @i, or -1. */
static long code_unit(const char *t, size_t len, size_t i)
{
	char hex[5];

	if (len - i < 6 || t[i] != '\\' || t[i + 1] != 'u')
		return -1;
	for (int k = 0; k < 4; k++) {
		if (!is_hex(t[i + 2 + k]))
			return -1;
		hex[k] = t[i + 2 + k];
	}
	hex[4] = '\0';
	return strtol(hex, NULL, 16);
}

/* The escape at @i (a backslash). "\u0000" is refused, as json_parse
 * refuses it (cJSON would cut the string there), and so is half of a
 * surrogate pair, as cJSON refuses it. */
static size_t escape(struct scan *s, size_t i)
{
	long u;

	if (s->len - i < 2)
		return fail(s, s->len);
	switch (s->t[i + 1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return i + 2;
	case 'u':
		u = code_unit(s->t, s->len, i);
		if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
			return fail(s, i);
		if (u < 0xD800 || u > 0xDBFF)
			return i + 6;
		u = code_unit(s->t, s->len, i + 6);
		return u >= 0xDC00 && u <= 0xDFFF ? i + 12 : fail(s, i);
	}
	return fail(s, i);
}

/* The bytes that end a plain run in a string: '"', '\\' and the control
 * characters. One table look per byte: most of a config.json is in
 * strings. */
static const bool string_stop[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

static size_t plain(const struct scan *s, size_t i)
{
	while (i < s->len && !string_stop[(unsigned char)s->t[i]])
		i++;
	return i;
}

/* @i is just after the opening quote; *@escaped tells whether the string
 * holds an escape. Control characters must be escaped in JSON. */
static size_t string(struct scan *s, size_t i, bool *escaped)
{
	while ((i = plain(s, i)) < s->len) {
		unsigned char c = (unsigned char)s->t[i];

		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return fail(s, i);
		if (c != '\\') {
			i++;
			continue;
		}
		*escaped = true;
		if ((i = escape(s, i)) == BAD)
			return BAD;
	}
	return fail(s, i);
}

static size_t digits(const struct scan *s, size_t i)
{
	while (i < s->len && s->t[i] >= '0' && s->t[i] <= '9')
		i++;
	return i;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t number(struct scan *s, size_t i)
{
	size_t j;

	if (i < s->len && s->t[i] == '-')
		i++;
	if (i >= s->len || s->t[i] < '0' || s->t[i] > '9')
		return fail(s, i);
	i = s->t[i] == '0' ? i + 1 : digits(s, i);
	if (i < s->len && s->t[i] == '.') {
		if ((j = digits(s, i + 1)) == i + 1)
			return fail(s, j);
		i = j;
	}
	if (i < s->len && (s->t[i] == 'e' || s->t[i] == 'E')) {
		i++;
		if (i < s->len && (s->t[i] == '+' || s->t[i] == '-'))
			i++;
		if ((j = digits(s, i)) == i)
			return fail(s, j);
		i = j;
	}
	return i;
}

static size_t literal(struct scan *s, size_t i, const char *word)
{
	size_t n = strlen(word), k = 0;

	while (k < n && i + k < s->len && s->t[i + k] == word[k])
		k++;
	return k == n ? i + n : fail(s, i + k);
}

static size_t value(struct scan *s, size_t i, int depth);

/* After a value in an object or array: @i at the ',' or the @close. */
static size_t next(struct scan *s, size_t i, char close, bool *done)
{
	if ((i = ws(s, i)) >= s->len)
		return fail(s, i);
	*done = s->t[i] == close;
	if (*done)
		return i + 1;
	return s->t[i] == ',' ? ws(s, i + 1) : fail(s, i);
}

/* A member of the top-level object: its name (quotes included) and the
 * span of its value. An escaped name is decoded: it may spell the key. */
static int top_member(struct scan *s, struct json_span name, size_t start, size_t end,
		      bool escaped)
{
	_cleanup_free_ char *decoded = NULL;
	const char *n = name.p + 1;
	size_t n_len = name.len - 2;

	if (!s->key)
		return 0;
	if (escaped) {
		n = decoded = json_span_string(name);
		n_len = strlen(decoded);
	}
	if (n_len != s->key_len || memcmp(n, s->key, s->key_len))
		return 0;
	if (s->m->found)
		return -1;
	s->m->found = true;
	s->m->start = start;
	s->m->end = end;
	return 0;
}

/* One "name": value of an object at @depth; @i is at the name's quote. */
static size_t member(struct scan *s, size_t i, int depth)
{
	bool escaped = false;
	size_t name = i, name_len, start;

	if (i >= s->len || s->t[i] != '"')
		return fail(s, i);
	if ((i = string(s, i + 1, &escaped)) == BAD)
		return BAD;
	name_len = i - name;
	if ((i = ws(s, i)) >= s->len || s->t[i] != ':')
		return fail(s, i);
	start = ws(s, i + 1);
	if ((i = value(s, start, depth)) == BAD)
		return BAD;
	if (depth == 1 && top_member(s, (struct json_span){ s->t + name, name_len }, start, i,
				     escaped) < 0) {
		s->twice = true;
		return fail(s, name);
	}
	return i;
}

/* The items of an object (its members) or of an array, at @depth; @i is
 * just after the '{' or '['. */
static size_t items(struct scan *s, size_t i, int depth, bool object)
{
	char close = object ? '}' : ']';
	bool done = false;

	i = ws(s, i);
	if (object && depth == 1)
		s->m->empty = i < s->len && s->t[i] == '}';
	if (i < s->len && s->t[i] == close)
		return i + 1;
	while (!done && i != BAD) {
		if ((i = object ? member(s, i, depth) : value(s, i, depth)) != BAD)
			i = next(s, i, close, &done);
	}
	return i;
}

/* A value at @i, inside @depth levels of objects and arrays. */
static size_t value(struct scan *s, size_t i, int depth)
{
	bool escaped = false;

	if (i >= s->len)
		return fail(s, i);
	switch (s->t[i]) {
	case '{':
		return depth >= JSON_MAX_DEPTH ? fail(s, i) : items(s, i + 1, depth + 1, true);
	case '[':
		return depth >= JSON_MAX_DEPTH ? fail(s, i) : items(s, i + 1, depth + 1, false);
	case '"':
		return string(s, i + 1, &escaped);
	case 't':
		return literal(s, i, "true");
	case 'f':
		return literal(s, i, "false");
	case 'n':
		return literal(s, i, "null");
	}
	return number(s, i);
}

int json_scan_member(const char *text, size_t len, const char *key, struct json_member *m,
		     enum json_scan_fault *fault)
{
	struct scan s = { .t = text, .len = len, .key = key, .key_len = key ? strlen(key) : 0,
			  .m = m };
	struct json_member ignored;
	size_t i = ws(&s, 0), end;

	memset(m, 0, sizeof(*m));
	if (i < len && text[i] != '{') {
		/* valid JSON of another kind, or no JSON at all */
		s.m = &ignored;
		end = value(&s, i, 0);
		*fault = end != BAD && ws(&s, end) == len ? JSON_SCAN_NOT_OBJECT : JSON_SCAN_INVALID;
		m->close = end != BAD ? ws(&s, end) : s.bad;
		return -1;
	}
	m->open = i;
	end = i < len ? items(&s, i + 1, 1, true) : fail(&s, i);
	if (end != BAD && ws(&s, end) == len) {
		m->close = end - 1;
		return 0;
	}
	if (end != BAD)
		s.bad = ws(&s, end);
	*fault = s.twice ? JSON_SCAN_TWICE
		 : s.bad >= len && len ? JSON_SCAN_TRUNCATED : JSON_SCAN_INVALID;
	m->close = s.bad;
	return -1;
}

int json_span_each(struct json_span v, json_each_fn fn, void *arg)
{
	struct scan s = { .t = v.p, .len = v.len };
	bool object = v.len && v.p[0] == '{', done = false;
	size_t i;
	int r;

	if (!v.len || (v.p[0] != '{' && v.p[0] != '['))
		return -1;
	i = ws(&s, 1);
	if (i < s.len && (s.t[i] == '}' || s.t[i] == ']'))
		return 0;
	while (!done) {
		struct json_span name = { NULL, 0 };
		bool escaped = false;
		size_t end;

		if (object) {
			name.p = s.t + i;
			if ((i = string(&s, i + 1, &escaped)) == BAD)
				return -1;
			name.len = (size_t)(s.t + i - name.p);
			i = ws(&s, ws(&s, i) + 1);      /* past the ':' */
		}
		if ((end = value(&s, i, 1)) == BAD)
			return -1;
		if ((r = fn(name, (struct json_span){ s.t + i, end - i }, arg)) != 0)
			return r;
		if ((i = next(&s, end, object ? '}' : ']', &done)) == BAD)
			return -1;
	}
	return 0;
}

int json_scan_error(struct err *e, enum json_scan_fault fault, const struct json_member *m,
		    size_t len, const char *key)
{
	switch (fault) {
	case JSON_SCAN_TRUNCATED:
		return err_set(e, EINVAL, "truncated JSON (input ends at byte %zu)", len);
	case JSON_SCAN_NOT_OBJECT:
		return err_set(e, EINVAL, "not a JSON object");
	case JSON_SCAN_TWICE:
		return err_set(e, EINVAL, "\"%s\" is there twice", key);
	default:
		return len ? err_set(e, EINVAL, "invalid JSON at byte %zu", m->close)
			   : err_set(e, EINVAL, "empty input");
	}
}
