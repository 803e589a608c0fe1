/* What syscontainer-runtime runs after it has put our hooks into a
 * bundle: /etc/syscontainer-hooks/runtime.json, e.g.
 *   {"runtime": "/usr/sbin/runc", "hookspec": "/etc/.../hookspec.json",
 *    "root": "/var/lib/syscontainer-hooks"}
 * every key optional; $SYSCONTAINER_RUNTIME names the runtime over the
 * file's; the default is "runc" on PATH. */
#ifndef SCH_RUNTIME_CONF_H
#define SCH_RUNTIME_CONF_H

#include <stddef.h>

#include "error.h"

#define RUNTIME_CONF_DEFAULT "/etc/syscontainer-hooks/runtime.json"

struct runtime_conf {
	char *runtime;          /* a path, or a name looked up on PATH */
	char *hookspec;         /* an iSulad hook-spec merged instead of ours */
	char *root;             /* the store our hook uses, when not its default */
};

/* Parse the file's text: an object with only those keys, each a
 * non-empty string, hookspec and root absolute paths. */
int runtime_conf_parse(const char *text, size_t len, struct runtime_conf *c, struct err *e);
/* The file ($SYSCONTAINER_RUNTIME_CONFIG, else RUNTIME_CONF_DEFAULT; a
 * missing file is an empty one), then $SYSCONTAINER_RUNTIME, then the
 * default. */
int runtime_conf_load(struct runtime_conf *c, struct err *e);
void runtime_conf_free(struct runtime_conf *c);

/* The executable @name names (PATH lookup when it has no '/'), refused
 * when it is this very program: a wrapper that runs itself never ends. */
int runtime_conf_resolve(const char *name, char **path, struct err *e);

#endif
