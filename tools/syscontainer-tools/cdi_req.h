/* The CDI devices of one add-device or remove-device command: what cdi.c
 * (the command line, resolution, the batch) and cdi_live.c (mounts and
 * interfaces, live and saved) share. */
#ifndef SCH_TOOLS_CDI_REQ_H
#define SCH_TOOLS_CDI_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include "device_cdi.h"
#include "net_apply.h"
#include "store_cdi.h"

struct cdi_req {
	char **names;                   /* vendor.com/class=name, as given */
	size_t n;
	char **dirs;                    /* --cdi-spec-dir, in order */
	size_t n_dirs;
	bool ignore_unsupported;
	/* add */
	struct cdi_items *items;        /* per name, once resolved */
	struct saved_cdi *entries;      /* per name: its entry of hook.json */
	struct path_spec *mounts;       /* mounts new to the container (borrowed from items) */
	size_t n_mounts;
	struct nic_spec *nics;          /* interfaces moved in */
	size_t n_nics;
	bool mounted, nics_added;       /* live, for the undo */
	/* remove */
	struct saved_cdi *saved;        /* every saved entry */
	size_t n_saved;
	bool *drop;                     /* the saved entries named */
};

/* Whether @place (a container path or interface name) of kind @k is
 * listed by a saved entry that is dropped (@dropped) or kept (!@dropped). */
bool cdi_listed(const struct cdi_req *r, enum cdi_place k, const char *place, bool dropped);

#endif
