/* syscontainer-hooks: the work done at each OCI hook point. */
#ifndef SCH_HOOK_H
#define SCH_HOOK_H

#include <stdbool.h>

#include "error.h"
#include "instance.h"
#include "oci_state.h"
#include "record.h"

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
/* Saved network of a container; skipped (with a warning in the log) for a
 * container that shares the host's network namespace, or another one
 * without the operator's consent. */
int hook_network_up(const struct oci_state *st, int pidfd, const struct cJSON *doc,
		    struct err *e);
int hook_network_down(const char *id, const struct cJSON *doc, struct err *e);
/* The network an instance left, from its runtime record @rec (NULL when
 * there is none): the interfaces it lists, else those of hook.json. */
int hook_network_clean(const struct hook_opts *o, const char *id, const struct record *rec,
		       struct err *e);

/* Everything an instance left on the host (poststop.c): its network, its
 * pinned network namespace, its udev rules, its runtime record @rec. */
int hook_cleanup(const struct hook_opts *o, const char *id, const struct record *rec,
		 struct err *e);

/* An id that cannot name saved state: nothing can be saved for it, so the
 * stage has nothing to do (logged). */
bool hook_id_unstorable(const struct oci_state *st, const char *stage);

/* instance.c: before prestart does anything, compare the instance starting
 * now (@now, filled) with the runtime record. 1: an earlier run already
 * prepared this very instance, nothing to do; 0: go on (a record left by a
 * gone instance was cleaned away); -1: another running container has the
 * id. */
int hook_instance_check(const struct hook_opts *o, const struct oci_state *st,
			struct instance *now, struct err *e);
/* Whether the instance that @r describes still runs. */
bool hook_instance_running(const struct record *r);

#endif
