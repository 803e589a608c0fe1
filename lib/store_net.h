/* The network part of hook.json: "networkInterfaces" and "networkRoute",
 * with the field names of the original tool. */
#ifndef SCH_STORE_NET_H
#define SCH_STORE_NET_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "net_spec.h"

/* Read and validate; on error the message names the entry. */
int store_nics(const cJSON *doc, struct nic_spec **out, size_t *n, struct err *e);
int store_routes(const cJSON *doc, struct route_spec **out, size_t *n, struct err *e);
/* Validate both lists of a document (used when hook.json is loaded). */
int store_net_validate(const cJSON *doc, struct err *e);

/* The network namespace path the operator allowed us to change although
 * the container joins it rather than owning it (see netns_share.h); NULL
 * when none. The string is borrowed from @doc. */
int store_net_consent(const cJSON *doc, const char **path, struct err *e);
/* Save @path as that consent; NULL drops it. */
void store_set_net_consent(cJSON *doc, const char *path);

void store_add_nic(cJSON *doc, const struct nic_spec *n);
void store_remove_nic(cJSON *doc, size_t index);
void store_replace_nic(cJSON *doc, size_t index, const struct nic_spec *n);
void store_add_route(cJSON *doc, const struct route_spec *r);
void store_remove_route(cJSON *doc, size_t index);

/* The saved lists as they are in @doc (borrowed; NULL when absent), for
 * list-nic and list-route, whose --filter matches saved field names. */
const cJSON *store_nics_json(const cJSON *doc);
const cJSON *store_routes_json(const cJSON *doc);

/* The runtime record keeps a list of nics in the same form: whether @doc
 * has one at all, replace it with @n nics, and remove the nic named @ctr
 * in the container from it (false when there is none). */
bool store_has_nics(const cJSON *doc);
void store_set_nics(cJSON *doc, const struct nic_spec *nics, size_t n);
bool store_remove_nic_named(cJSON *doc, const char *ctr);

#endif
