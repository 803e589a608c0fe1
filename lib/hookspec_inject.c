/* hookspec_inject: our hooks merged into config.json's "hooks" member,
 * which alone is rewritten; the rest of the text (an engine's config.json
 * holds a whole seccomp profile) is kept byte for byte. */
#include "hookspec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* A member of config.json's "hooks": a hook point and its list. */
struct point_text {
	char *name;             /* decoded */
	struct json_span text;  /* the name as written */
	struct json_span value;
};

struct hooks_text {
	struct point_text *points;
	size_t n;
	const char *path;       /* config.json, for messages */
	struct err *e;
};

static void hooks_text_free(struct hooks_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->points[i].name);
	free(t->points);
}

/* The bundle's own hooks are the user's: one we cannot read is refused,
 * never replaced. */
static int hooks_member(struct json_span name, struct json_span v, void *arg)
{
	struct hooks_text *t = arg;
	char *point = json_span_string(name);

	if (v.p[0] != '[' && v.p[0] != 'n') {
		err_set(t->e, EINVAL, "%s: \"hooks.%.40s\" is not an array; left as it is", t->path,
			point);
		free(point);
		return -1;
	}
	t->points = xrealloc(t->points, (t->n + 1) * sizeof(*t->points));
	t->points[t->n++] = (struct point_text){ point, name, v };
	return 0;
}

/* The hook points of config.json's "hooks" (@m), absent or null: none. */
static int read_hooks(const char *text, const struct json_member *m, struct hooks_text *t)
{
	struct json_span v = { text + m->start, m->end - m->start };

	if (!m->found || v.p[0] == 'n')
		return 0;
	if (v.p[0] != '{')
		return err_set(t->e, EINVAL, "%s: \"hooks\" is not an object; left as it is",
			       t->path);
	return json_span_each(v, hooks_member, t) ? -1 : 0;
}

/* Whether the list @list (JSON text, or NULL) holds an entry equal to @h;
 * one that is no well-formed hook cannot be. */
struct find {
	const struct hook *h;
	bool found;
};

static int find_entry(struct json_span name, struct json_span v, void *arg)
{
	struct find *f = arg;
	struct hook have;

	(void)name;
	if (hook_read(v, &have, ERR_DISCARD) == 0 && hook_equal(&have, f->h))
		f->found = true;
	hook_free(&have);
	return f->found;
}

static bool listed(const struct point_text *list, const struct hookspec_point *p, size_t upto,
		   const struct hook *h)
{
	struct find f = { h, false };

	for (size_t k = 0; k < upto; k++)
		if (hook_equal(&p->hooks[k], h))
			return true;        /* a hook the spec holds twice goes in once */
	if (list && list->value.p[0] == '[')
		json_span_each(list->value, find_entry, &f);
	return f.found;
}

/* The hooks of @p that @list lacks, as JSON text after a ',' each. */
static int missing(const struct point_text *list, const struct hookspec_point *p,
		   struct json_buf *out)
{
	int added = 0;

	for (size_t k = 0; k < p->n; k++) {
		if (listed(list, p, k, &p->hooks[k]))
			continue;
		json_buf_str(out, ",");
		hook_print(out, &p->hooks[k]);
		added++;
	}
	return added;
}

/* The list @old (an array, or null) with the entries @add (each after a
 * ','): the bundle's own first. */
static void list_with(struct json_buf *b, struct json_span old, const char *add)
{
	size_t i = 1;

	while (i < old.len && strchr(" \t\r\n", old.p[i]))
		i++;
	if (old.p[0] == 'n' || old.p[i] == ']') {
		json_buf_str(b, "[");
		json_buf_str(b, add + 1);
	} else {
		json_buf_add(b, old.p, old.len - 1);
		json_buf_str(b, add);
	}
	json_buf_str(b, "]");
}

/* The spec's point for the bundle's point @i, unless an earlier point of
 * the bundle has the same name (the first is the one merged into). */
static const struct hookspec_point *spec_point_for(const struct hooks_text *t, size_t i,
						   const struct hookspec *spec)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(t->points[j].name, t->points[i].name))
			return NULL;
	for (size_t k = 0; k < spec->n; k++)
		if (!strcmp(spec->points[k].name, t->points[i].name))
			return &spec->points[k];
	return NULL;
}

static bool in_bundle(const struct hooks_text *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->points[i].name, name))
			return true;
	return false;
}

/* The new "hooks" object in @b: the bundle's points in their order, each
 * with what it lacks of ours, then our points it does not have. Returns
 * how many hooks were added. */
static int merged_hooks(const struct hooks_text *t, const struct hookspec *spec,
			struct json_buf *b)
{
	struct json_buf add = { 0 };
	int added = 0, n;

	json_buf_str(b, "{");
	for (size_t i = 0; i < t->n; i++) {
		const struct hookspec_point *p = spec_point_for(t, i, spec);

		add.len = 0;
		n = p ? missing(&t->points[i], p, &add) : 0;
		json_buf_str(b, i ? "," : "");
		json_buf_add(b, t->points[i].text.p, t->points[i].text.len);
		json_buf_str(b, ":");
		if (n)
			list_with(b, t->points[i].value, add.p);
		else
			json_buf_add(b, t->points[i].value.p, t->points[i].value.len);
		added += n;
	}
	for (size_t k = 0; k < spec->n; k++) {
		add.len = 0;
		if (in_bundle(t, spec->points[k].name) ||
		    !(n = missing(NULL, &spec->points[k], &add)))
			continue;
		json_buf_str(b, b->len > 1 ? "," : "");
		json_buf_string(b, spec->points[k].name);
		json_buf_str(b, ":[");
		json_buf_str(b, add.p + 1);
		json_buf_str(b, "]");
		added += n;
	}
	json_buf_str(b, "}");
	free(add.p);
	return added;
}

/* @text with the value of its "hooks" member @m replaced by @hooks, or
 * with a "hooks" member added last when it has none, written over @path. */
static int write_spliced(const char *path, const char *text, size_t len,
			 const struct json_member *m, const char *hooks, int how, struct err *e)
{
	size_t cut = m->found ? m->start : m->close, rest = m->found ? m->end : m->close;
	const char *name = m->found ? "" : m->empty ? "\"hooks\":" : ",\"hooks\":";
	struct iovec iov[] = {
		{ (void *)text, cut },
		{ (void *)name, strlen(name) },
		{ (void *)hooks, strlen(hooks) },
		{ (void *)(text + rest), len - rest },
	};
	struct stat st;

	if (stat(path, &st) < 0)
		return err_sys(e, errno, "stat %s", path);
	return write_file_atomic_v(path, iov, ARRAY_SIZE(iov), st.st_mode & 07777,
				   how == HOOKSPEC_FOR_RUNTIME ? WRITE_VOLATILE : WRITE_DURABLE, e);
}

int hookspec_inject(const char *bundle, const struct hookspec *spec, int how, int *added,
		    struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_free_ char *text = NULL;
	struct hooks_text t = { .path = path, .e = e };
	struct json_buf hooks = { 0 };
	struct json_member m;
	enum json_scan_fault fault;
	size_t len;
	int r = -1;

	*added = 0;
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &text, &len, e) < 0)
		return -1;
	if (json_scan_member(text, len, "hooks", &m, &fault) < 0) {
		if (fault == JSON_SCAN_NOT_OBJECT)
			return err_set(e, EINVAL, "%s is not a JSON object", path);
		json_scan_error(e, fault, &m, len, "hooks");
		return err_wrap(e, "%s", path);
	}
	if (read_hooks(text, &m, &t) == 0) {
		*added = merged_hooks(&t, spec, &hooks);
		r = *added ? write_spliced(path, text, len, &m, hooks.p, how, e) : 0;
	}
	hooks_text_free(&t);
	free(hooks.p);
	return r;
}
