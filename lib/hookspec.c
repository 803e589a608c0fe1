#include "hookspec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *const hook_points[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

char *hookspec_hook_beside_self(const char *fallback)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0)
		return xstrdup(fallback);
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash + 1, "syscontainer-hooks");
	return xstrdup(path);
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Append a copy of @s to the NULL-terminated list *@v (made when NULL). */
static void strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = s ? xstrdup(s) : NULL;
	(*v)[n + (s != NULL)] = NULL;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool strv_equal(char *const *a, char *const *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *b && !strcmp(*a, *b))
		a++, b++;
	return !*a && !*b;
}

void hook_free(struct hook *h)
{
	free(h->path);
	strv_free(h->args);
	strv_free(h->env);
	memset(h, 0, sizeof(*h));
}

bool hook_equal(const struct hook *a, const struct hook *b)
{
	return !strcmp(a->path, b->path) && strv_equal(a->args, b->args) &&
	       strv_equal(a->env, b->env) && a->has_timeout == b->has_timeout &&
	       (!a->has_timeout || a->timeout == b->timeout);
}

static int add_string(struct json_span name, struct json_span v, void *arg)
{
	char *s = json_span_string(v);

	(void)name;
	if (!s)
		return 1;
	strv_push(arg, s);
	free(s);
	return 0;
}

static int read_strings(struct json_span v, const char *key, char ***out, struct err *e)
{
	if (*out)
		return err_set(e, EINVAL, "\"%s\" is there twice", key);
	if (v.p[0] != '[')
		return err_set(e, EINVAL, "\"%s\" is not an array", key);
	strv_push(out, NULL);
	if (json_span_each(v, add_string, out) != 0)
		return err_set(e, EINVAL, "\"%s\" holds a non-string", key);
	return 0;
}

struct hook_reader {
	struct hook *h;
	struct err *e;
};

/* A timeout that is not a number is left for hook_read to refuse: its
 * message names the hook. */
static int read_timeout(struct json_span v, struct hook *h, struct err *e)
{
	char num[64];

	if (h->has_timeout)
		return err_set(e, EINVAL, "\"timeout\" is there twice");
	h->has_timeout = true;
	h->timeout = 0;
	if ((v.p[0] == '-' || (v.p[0] >= '0' && v.p[0] <= '9')) && v.len < sizeof(num)) {
		memcpy(num, v.p, v.len);
		num[v.len] = '\0';
		h->timeout = strtod(num, NULL);
	}
	return 0;
}

static int hook_member(struct json_span name, struct json_span v, void *arg)
{
	struct hook_reader *r = arg;
	_cleanup_free_ char *key = json_span_string(name);

	if (!strcmp(key, "path")) {
		if (r->h->path)
			return err_set(r->e, EINVAL, "\"path\" is there twice");
		r->h->path = json_span_string(v);
		return 0;
	}
	if (!strcmp(key, "args"))
		return read_strings(v, "args", &r->h->args, r->e);
	if (!strcmp(key, "env"))
		return read_strings(v, "env", &r->h->env, r->e);
	if (!strcmp(key, "timeout"))
		return read_timeout(v, r->h, r->e);
	return err_set(r->e, EINVAL, "unknown key \"%.40s\"", key);
}

/* A hook entry of the OCI runtime spec: absolute path, string args/env,
 * a positive timeout, nothing else. */
int hook_read(struct json_span v, struct hook *h, struct err *e)
{
	struct hook_reader r = { h, e };

	memset(h, 0, sizeof(*h));
	if (v.p[0] != '{')
		return err_set(e, EINVAL, "a hook is not an object");
	if (json_span_each(v, hook_member, &r) != 0)
		return h->path ? err_wrap(e, "hook %s", h->path) : -1;
	if (!h->path || h->path[0] != '/')
		return err_set(e, EINVAL, "a hook has no absolute \"path\"");
	if (h->has_timeout && !(h->timeout > 0))
		return err_set(e, EINVAL, "hook %s: \"timeout\" is not a positive number",
			       h->path);
	return 0;
}

static void print_strings(struct json_buf *b, const char *key, char *const *v)
{
	if (!v)
		return;
	json_buf_str(b, key);
	for (size_t i = 0; v[i]; i++) {
		json_buf_str(b, i ? "," : "");
		json_buf_string(b, v[i]);
	}
	json_buf_str(b, "]");
}

void hook_print(struct json_buf *b, const struct hook *h)
{
	char num[40];

	json_buf_str(b, "{\"path\":");
	json_buf_string(b, h->path);
	print_strings(b, ",\"args\":[", h->args);
	print_strings(b, ",\"env\":[", h->env);
	if (h->has_timeout) {
		if (h->timeout < 1e15 && h->timeout == (double)(long long)h->timeout)
			snprintf(num, sizeof(num), ",\"timeout\":%.0f", h->timeout);
		else
			snprintf(num, sizeof(num), ",\"timeout\":%.17g", h->timeout);
		json_buf_str(b, num);
	}
	json_buf_str(b, "}");
}

void hookspec_free(struct hookspec *spec)
{
	for (size_t i = 0; i < spec->n; i++) {
		for (size_t k = 0; k < spec->points[i].n; k++)
			hook_free(&spec->points[i].hooks[k]);
		free(spec->points[i].hooks);
		free(spec->points[i].name);
	}
	free(spec->points);
	memset(spec, 0, sizeof(*spec));
}

/* The hook point @name of @spec, made (empty, last) when it has none: a
 * point named twice in a file gets the hooks of both, in order. */
static struct hookspec_point *spec_point(struct hookspec *spec, const char *name)
{
	struct hookspec_point *p;

	for (size_t i = 0; i < spec->n; i++)
		if (!strcmp(spec->points[i].name, name))
			return &spec->points[i];
	spec->points = xrealloc(spec->points, (spec->n + 1) * sizeof(*spec->points));
	p = &spec->points[spec->n++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	return p;
}

struct point_reader {
	struct hookspec_point *point;
	struct err *e;
};

static int point_hook(struct json_span name, struct json_span v, void *arg)
{
	struct point_reader *r = arg;
	struct hookspec_point *p = r->point;

	(void)name;
	p->hooks = xrealloc(p->hooks, (p->n + 1) * sizeof(*p->hooks));
	if (hook_read(v, &p->hooks[p->n], r->e) < 0) {
		hook_free(&p->hooks[p->n]);
		return err_wrap(r->e, "%s", p->name);
	}
	p->n++;
	return 0;
}

struct spec_reader {
	struct hookspec *spec;
	struct err *e;
};

static int spec_member(struct json_span name, struct json_span v, void *arg)
{
	struct spec_reader *r = arg;
	_cleanup_free_ char *point = json_span_string(name);
	struct point_reader pr = { NULL, r->e };
	size_t i = 0;

	while (i < ARRAY_SIZE(hook_points) && strcmp(point, hook_points[i]))
		i++;
	if (i == ARRAY_SIZE(hook_points))
		return err_set(r->e, EINVAL, "unknown hook point \"%.40s\"", point);
	if (v.p[0] == 'n')      /* null: no hooks */
		return 0;
	if (v.p[0] != '[')
		return err_set(r->e, EINVAL, "\"%s\" is not an array", point);
	pr.point = spec_point(r->spec, point);
	return json_span_each(v, point_hook, &pr) ? -1 : 0;
}

static int spec_read(const char *file, struct hookspec *spec, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	struct spec_reader r = { spec, e };
	struct json_member m;
	enum json_scan_fault fault;
	size_t len;

	if (read_file_at(AT_FDCWD, file, MAX_FILE_SIZE, &text, &len, e) < 0)
		return -1;
	if (json_scan_member(text, len, NULL, &m, &fault) < 0)
		return json_scan_error(e, fault, &m, len, NULL);
	return json_span_each((struct json_span){ text + m.open, m.close + 1 - m.open },
			      spec_member, &r) ? -1 : 0;
}

/* Our default hook-spec: prestart and poststop, the hook at @hook. */
static void default_spec(struct hookspec *spec, const char *hook)
{
	const char *const points[] = { "prestart", "poststop" };

	for (size_t i = 0; i < ARRAY_SIZE(points); i++) {
		struct hookspec_point *p = spec_point(spec, points[i]);

		p->hooks = xcalloc(1, sizeof(*p->hooks));
		p->n = 1;
		p->hooks[0].path = xstrdup(hook);
		strv_push(&p->hooks[0].args, "syscontainer-hooks");
		strv_push(&p->hooks[0].args, "--state");
		strv_push(&p->hooks[0].args, points[i]);
	}
}

static bool names_root(char *const *args)
{
	for (size_t i = 0; args[i]; i++)
		if (!strcmp(args[i], "--root") || str_has_prefix(args[i], "--root="))
			return true;
	return false;
}

/* Our hook must use the store the caller names: add it to each entry of
 * syscontainer-hooks that does not name one. */
static void add_root(struct hookspec *spec, const char *root)
{
	for (size_t i = 0; i < spec->n; i++) {
		for (size_t k = 0; k < spec->points[i].n; k++) {
			struct hook *h = &spec->points[i].hooks[k];

			if (strcmp(strrchr(h->path, '/') + 1, "syscontainer-hooks") != 0)
				continue;
			if (!h->args)
				strv_push(&h->args, h->path);
			if (names_root(h->args))
				continue;
			strv_push(&h->args, "--root");
			strv_push(&h->args, root);
		}
	}
}

int hookspec_load(const char *file, const char *hook_path, const char *root,
		  struct hookspec *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (!file)
		default_spec(out, hook_path);
	else if (spec_read(file, out, e) < 0) {
		hookspec_free(out);
		return err_wrap(e, "hook-spec %s", file);
	}
	if (root)
		add_root(out, root);
	return 0;
}
