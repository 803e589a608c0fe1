/* A saved state from elsewhere taken into the store's spelling: the
 * original tool's device_hook.json (Go field names, read by it without
 * regard to case) or our own `list --json`. */
#ifndef SCH_STORE_IMPORT_H
#define SCH_STORE_IMPORT_H

#include <cJSON.h>

#include "error.h"

/* A copy of @in with every member and every field of a list entry spelled
 * as hook.json spells it; an unknown or repeated one is an error naming
 * it. Entries that are not objects are copied as they are, for the
 * validator to explain. */
cJSON *store_respell(const cJSON *in, struct err *e);

/* Two entries for one container path (devices, paths) or one interface
 * name in the container would make a later remove-* take the wrong one. */
int store_check_unique(const cJSON *doc, struct err *e);

#endif
