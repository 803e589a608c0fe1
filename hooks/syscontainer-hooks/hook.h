/* syscontainer-hooks: the work done at each OCI hook point. */
#ifndef SCH_HOOK_H
#define SCH_HOOK_H

#include <stdbool.h>

#include "error.h"
#include "oci_state.h"

struct hook_opts {
	const char *state;
	const char *log;
	const char *root;       /* state store */
	bool with_relabel;
};

/* prestart and createRuntime: re-apply every saved device and path, then
 * write the runtime record. */
int hook_prestart(const struct hook_opts *o, const struct oci_state *st, struct err *e);
/* poststop: forget the runtime record. */
int hook_poststop(const struct hook_opts *o, const struct oci_state *st, struct err *e);

/* Network interfaces and routes (network.c). */
struct cJSON;
int hook_network_up(const char *id, int pid, int pidfd, const struct cJSON *doc, struct err *e);
int hook_network_down(const char *id, const struct cJSON *doc, struct err *e);

#endif
