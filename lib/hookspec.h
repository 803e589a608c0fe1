/* Our hooks in a bundle's config.json, merged the way iSulad merges a
 * --hook-spec file: the bundle's own hooks stay first, in their order;
 * ours come after them; an entry already there is not added again, so
 * merging twice changes nothing. Used by `syscontainer-tools inject` and
 * by syscontainer-runtime at every create. Built on json_scan and
 * json_string rather than cJSON: syscontainer-runtime links with libc
 * alone, statically, as it runs in front of every container start. */
#ifndef SCH_HOOKSPEC_H
#define SCH_HOOKSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "json_scan.h"
#include "json_string.h"

/* One OCI hook. A list absent from the JSON is NULL, not empty: an entry
 * with "env": [] is not the same entry as one without "env". */
struct hook {
	char *path;
	char **args, **env;     /* NULL-terminated */
	bool has_timeout;
	double timeout;
};

/* The hooks of one hook point ("prestart"...). */
struct hookspec_point {
	char *name;
	struct hook *hooks;
	size_t n;
};

/* A hook-spec: its hook points in the order of the file. */
struct hookspec {
	struct hookspec_point *points;
	size_t n;
};

/* The hook-spec to merge: the iSulad hook-spec @file, or when @file is
 * NULL our hook @hook_path at prestart and poststop. It is checked (hook
 * points, absolute paths, string args/env, positive timeouts, no other
 * key). With @root, each syscontainer-hooks entry that names no --root
 * gets it. */
int hookspec_load(const char *file, const char *hook_path, const char *root,
		  struct hookspec *out, struct err *e);
void hookspec_free(struct hookspec *spec);
#define _cleanup_hookspec_ __attribute__((cleanup(hookspec_free)))

/* The program "syscontainer-hooks" in the directory of the running
 * program (a new string), or @fallback when that cannot be read. */
char *hookspec_hook_beside_self(const char *fallback);

/* The hook entry @v of a JSON text: 0, or -1 with the reason in @e. */
int hook_read(struct json_span v, struct hook *h, struct err *e);
void hook_free(struct hook *h);
bool hook_equal(const struct hook *a, const struct hook *b);
/* @h as compact JSON, appended to @b. */
void hook_print(struct json_buf *b, const struct hook *h);

/* How config.json is written back: for an operator's bundle, fsynced;
 * for a bundle an engine has just written for a runtime (and writes anew
 * at every start), without fsync: it is on the start path of every
 * container. Either way only the "hooks" member is rewritten: the rest
 * of the text is kept byte for byte. */
enum { HOOKSPEC_FOR_OPERATOR, HOOKSPEC_FOR_RUNTIME };

/* Merge @spec into @bundle/config.json, replaced atomically and only when
 * a hook was added; *@added says how many. "hooks" that is not an object,
 * or a hook point that is not an array, is refused. */
int hookspec_inject(const char *bundle, const struct hookspec *spec, int how, int *added,
		    struct err *e);

#endif
