#include "cdi_yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

struct frame {
	cJSON *node;            /* an array or an object */
	char *key;              /* an object's key waiting for its value */
	char *anchor;
};

struct anchor {
	char *name;
	const cJSON *node;      /* in the tree being built */
};

struct conv {
	yaml_parser_t p;
	struct frame stack[CDI_YAML_MAX_DEPTH];
	size_t depth;
	cJSON *root;
	struct anchor *anchors;
	size_t n_anchors;
	size_t nodes;
	int docs;
	struct err *e;
};

static int fail(struct conv *c, const yaml_event_t *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct conv *c, const yaml_event_t *ev, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(c->e, EINVAL, "line %zu column %zu: %s", ev->start_mark.line + 1,
		       ev->start_mark.column + 1, msg);
}

static bool in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = {
	"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL };
static const char *const falses[] = {
	"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL };

/* A YAML 1.1 integer or float, the way the spec files write modes (0644)
 * and numbers; false for anything else. */
static bool number(const char *s, double *out)
{
	const char *d = s + (*s == '-' || *s == '+');
	int base = 10;
	char *end;

	if (!*d)
		return false;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'o'))
		base = d[1] == 'x' ? 16 : 8, d += 2;
	else if (d[0] == '0' && d[1] && strspn(d, "01234567") == strlen(d))
		base = 8;
	if (base != 10) {
		unsigned long long v;

		if (!*d || *d == '-' || *d == '+' || *d == ' ')
			return false;
		errno = 0;
		v = strtoull(d, &end, base);
		if (*end || errno)
			return false;
		*out = *s == '-' ? -(double)v : (double)v;
		return true;
	}
	if (!((*d >= '0' && *d <= '9') || (*d == '.' && d[1] >= '0' && d[1] <= '9')))
		return false;
	*out = strtod(s, &end);
	/* 1e999 is no JSON number: it stays text */
	return !*end && strspn(d, "0123456789.eE+-") == strlen(d) && isfinite(*out);
}

/* @n with a copy of @text as its valuestring, made by cJSON's allocator
 * (a program may replace it) since cJSON_Delete frees it there; NULL when
 * out of memory. */
static cJSON *with_text(cJSON *n, const char *text)
{
	cJSON *s = n ? cJSON_CreateString(text) : NULL;

	if (!s) {
		cJSON_Delete(n);
		return NULL;
	}
	n->valuestring = s->valuestring;
	s->valuestring = NULL;
	cJSON_Delete(s);
	return n;
}

static cJSON *plain_scalar(const char *text)
{
	cJSON *n;
	double v;

	if (in(text, nulls))
		return cJSON_CreateNull();
	if (in(text, trues))
		n = cJSON_CreateTrue();
	else if (in(text, falses))
		n = cJSON_CreateFalse();
	else if (number(text, &v))
		n = cJSON_CreateNumber(v);
	else
		return cJSON_CreateString(text);
	return with_text(n, text);
}

#define TAG(t) "tag:yaml.org,2002:" t

static cJSON *scalar(const yaml_event_t *ev, const char *text)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && (!strcmp(tag, TAG("str")) || !strcmp(tag, "!")))
		return cJSON_CreateString(text);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return cJSON_CreateString(text);
	return plain_scalar(text);
}

static size_t count(const cJSON *n, size_t *depth)
{
	size_t total = 1, deepest = 0;

	for (const cJSON *it = n->child; it; it = it->next) {
		size_t d = 0;

		total += count(it, &d);
		if (d > deepest)
			deepest = d;
	}
	*depth = deepest + 1;
	return total;
}

static int remember(struct conv *c, char *anchor, const cJSON *node)
{
	if (!anchor)
		return 0;
	c->anchors = xrealloc(c->anchors, (c->n_anchors + 1) * sizeof(*c->anchors));
	c->anchors[c->n_anchors].name = anchor;
	c->anchors[c->n_anchors++].node = node;
	return 0;
}

/* Put the finished @node (owned) in its place: the root, the next item of
 * an array, or the value of an object's waiting key. */
static int place(struct conv *c, const yaml_event_t *ev, cJSON *node, char *anchor)
{
	struct frame *f = c->depth ? &c->stack[c->depth - 1] : NULL;

	if (!node) {
		free(anchor);
		return err_set(c->e, ENOMEM, "out of memory");
	}
	if (++c->nodes > CDI_YAML_MAX_NODES) {
		cJSON_Delete(node);
		free(anchor);
		return fail(c, ev, "more than %u nodes", CDI_YAML_MAX_NODES);
	}
	remember(c, anchor, node);
	if (!f) {
		c->root = node;
		return 0;
	}
	if (cJSON_IsArray(f->node)) {
		cJSON_AddItemToArray(f->node, node);
		return 0;
	}
	cJSON_AddItemToObject(f->node, f->key, node);
	free(f->key);
	f->key = NULL;
	return 0;
}

/* In an object waiting for a key, a scalar is that key. */
static bool wants_key(const struct conv *c)
{
	const struct frame *f = c->depth ? &c->stack[c->depth - 1] : NULL;

	return f && cJSON_IsObject(f->node) && !f->key;
}

static char *dup_anchor(const yaml_char_t *a)
{
	return a ? xstrdup((const char *)a) : NULL;
}

/* The tags a JSON value can carry; an application's own (!foo) means
 * something this reader cannot know. */
static bool scalar_tag_ok(const char *tag)
{
	static const char *const known[] = {
		"!", TAG("str"), TAG("int"), TAG("float"), TAG("bool"), TAG("null"), NULL };

	return !tag || in(tag, known);
}

static int on_scalar(struct conv *c, const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;

	if (strlen(text) != ev->data.scalar.length)
		return fail(c, ev, "NUL character in a YAML scalar");
	if (!scalar_tag_ok((const char *)ev->data.scalar.tag))
		return fail(c, ev, "unsupported YAML tag");
	if (wants_key(c)) {
		if (ev->data.scalar.anchor)
			return fail(c, ev, "an anchor on a mapping key is not supported");
		c->stack[c->depth - 1].key = xstrdup(text);
		return 0;
	}
	return place(c, ev, scalar(ev, text), dup_anchor(ev->data.scalar.anchor));
}

static int on_start(struct conv *c, const yaml_event_t *ev, bool map)
{
	const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
					: ev->data.sequence_start.anchor;
	struct frame *f;

	if (wants_key(c))
		return fail(c, ev, "a mapping key must be a scalar");
	if (tag && strcmp((const char *)tag, map ? TAG("map") : TAG("seq")))
		return fail(c, ev, "unsupported YAML tag");
	if (c->depth == CDI_YAML_MAX_DEPTH)
		return fail(c, ev, "YAML nested deeper than %d levels", CDI_YAML_MAX_DEPTH);
	f = &c->stack[c->depth++];
	f->node = map ? cJSON_CreateObject() : cJSON_CreateArray();
	f->key = NULL;
	f->anchor = dup_anchor(anchor);
	if (!f->node)
		return err_set(c->e, ENOMEM, "out of memory");
	return 0;
}

static int on_end(struct conv *c, const yaml_event_t *ev)
{
	struct frame *f = &c->stack[--c->depth];

	/* libyaml pairs every key with a value (an empty one is null) */
	free(f->key);
	f->key = NULL;
	return place(c, ev, f->node, f->anchor);
}

static int on_alias(struct conv *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t i = c->n_anchors, n, depth;

	if (wants_key(c))
		return fail(c, ev, "an alias as a mapping key is not supported");
	/* the latest anchor of that name is the one meant */
	while (i > 0 && strcmp(c->anchors[i - 1].name, name))
		i--;
	if (i == 0)
		return fail(c, ev, "alias to an unknown anchor");
	n = count(c->anchors[i - 1].node, &depth);
	if (n > CDI_YAML_MAX_NODES - c->nodes)
		return fail(c, ev, "aliases make more than %u nodes", CDI_YAML_MAX_NODES);
	if (c->depth + depth > CDI_YAML_MAX_DEPTH)
		return fail(c, ev, "YAML nested deeper than %d levels", CDI_YAML_MAX_DEPTH);
	c->nodes += n - 1;
	return place(c, ev, cJSON_Duplicate(c->anchors[i - 1].node, 1), NULL);
}

static int on_event(struct conv *c, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++c->docs > 1)
			return fail(c, ev, "more than one YAML document");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(c, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(c, ev, false);
	case YAML_MAPPING_START_EVENT:
		return on_start(c, ev, true);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(c, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(c, ev);
	default:
		return 0;
	}
}

static int parse_error(struct conv *c)
{
	const yaml_parser_t *p = &c->p;
	const char *what = p->problem ? p->problem : "invalid YAML";

	if (p->error == YAML_MEMORY_ERROR)
		return err_set(c->e, ENOMEM, "out of memory parsing YAML");
	if (p->context)
		return err_set(c->e, EINVAL, "line %zu column %zu: %s %s", p->problem_mark.line + 1,
			       p->problem_mark.column + 1, what, p->context);
	return err_set(c->e, EINVAL, "line %zu column %zu: %s", p->problem_mark.line + 1,
		       p->problem_mark.column + 1, what);
}

static void conv_free(struct conv *c)
{
	while (c->depth > 0) {
		struct frame *f = &c->stack[--c->depth];

		cJSON_Delete(f->node);
		free(f->key);
		free(f->anchor);
	}
	for (size_t i = 0; i < c->n_anchors; i++)
		free(c->anchors[i].name);
	free(c->anchors);
	yaml_parser_delete(&c->p);
}

static int run(struct conv *c)
{
	for (;;) {
		yaml_event_t ev;
		int r;

		if (!yaml_parser_parse(&c->p, &ev))
			return parse_error(c);
		r = ev.type == YAML_STREAM_END_EVENT ? 1 : on_event(c, &ev);
		yaml_event_delete(&ev);
		if (r)
			return r < 0 ? -1 : 0;
	}
}

int cdi_yaml_parse(const char *buf, size_t len, cJSON **out, struct err *e)
{
	struct conv c = { .e = e };
	int r;

	*out = NULL;
	if (memchr(buf, '\0', len))
		return err_set(e, EINVAL, "NUL byte in YAML");
	if (!yaml_parser_initialize(&c.p))
		return err_set(e, ENOMEM, "out of memory");
	yaml_parser_set_input_string(&c.p, (const unsigned char *)buf, len);
	r = run(&c);
	if (r == 0 && !c.root)
		r = err_set(e, EINVAL, "empty YAML document");
	if (r < 0)
		cJSON_Delete(c.root);
	else
		*out = c.root;
	conv_free(&c);
	return r;
}
