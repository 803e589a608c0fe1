/* Our hooks in a bundle's config.json, merged the way iSulad merges a
 * --hook-spec file: the bundle's own hooks stay first, in their order;
 * ours come after them; an entry already there is not added again, so
 * merging twice changes nothing. Used by `syscontainer-tools inject` and
 * by syscontainer-runtime at every create. */
#ifndef SCH_HOOKSPEC_H
#define SCH_HOOKSPEC_H

#include <cJSON.h>

#include "error.h"

/* The hook-spec to merge: the iSulad hook-spec @file, or when @file is
 * NULL our hook @hook_path at prestart and poststop. It is checked (hook
 * points, absolute paths, string args/env, positive timeouts). With
 * @root, each syscontainer-hooks entry that names no --root gets it. */
int hookspec_load(const char *file, const char *hook_path, const char *root, cJSON **out,
		  struct err *e);

/* The program "syscontainer-hooks" in the directory of the running
 * program (a new string), or @fallback when that cannot be read. */
char *hookspec_hook_beside_self(const char *fallback);

/* How config.json is written back: for an operator's bundle, indented and
 * fsynced; for a bundle an engine has just written for a runtime (and
 * writes anew at every start), compact and without fsync: it is on the
 * start path of every container. */
enum { HOOKSPEC_FOR_OPERATOR, HOOKSPEC_FOR_RUNTIME };

/* Merge @spec into @bundle/config.json, replaced atomically and only when
 * a hook was added; *@added says how many. "hooks" that is not an object,
 * or a hook point that is not an array, is refused. */
int hookspec_inject(const char *bundle, const cJSON *spec, int how, int *added,
		    struct err *e);

#endif
