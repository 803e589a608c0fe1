/* The saved items that take a place in the container: devices and paths
 * (a container path each) and interfaces (a name in the container), read
 * together from hook.json, for the checks that look at all three. */
#ifndef SCH_STORE_PLACES_H
#define SCH_STORE_PLACES_H

#include <cJSON.h>
#include <stddef.h>

#include "error.h"
#include "net_spec.h"
#include "store.h"

struct saved_places {
	struct saved_device *devs;
	size_t n_devs;
	struct path_spec *binds;
	size_t n_binds;
	struct nic_spec *nics;
	size_t n_nics;
};

/* Read "deviceToAdd", "bindToAdd" and "networkInterfaces" of @doc; on
 * failure nothing is left to free. */
int store_places(const cJSON *doc, struct saved_places *p, struct err *e);
void saved_places_free(struct saved_places *p);

#endif
