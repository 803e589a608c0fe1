/* The CDI part of hook.json: "cdiDevices", one entry per CDI device
 * (vendor.com/class=name) added by name. What was applied for it lives
 * in the ordinary lists (deviceToAdd, bindToAdd, networkInterfaces), so
 * that the hook, the cgroup and systemd code, list and check treat those
 * like every other device, path and interface; the entry names its own
 * by container path (and interface name), which those lists keep unique
 * per container. */
#ifndef SCH_STORE_CDI_H
#define SCH_STORE_CDI_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct saved_cdi {
	char *name;             /* Name: vendor.com/class=name */
	char **dirs;            /* SpecDirs: --cdi-spec-dir as given, searched again
				 * at every start; none: the default directories */
	size_t n_dirs;
	bool ignore_unsupported; /* IgnoreUnsupported: --ignore-unsupported */
	char **nodes;           /* DeviceNodes: PathInContainer of its deviceToAdd entries */
	size_t n_nodes;
	char **mounts;          /* Mounts: container paths of its bindToAdd entries */
	size_t n_mounts;
	char **netdevs;         /* NetDevices: CtrNicName of its networkInterfaces entries */
	size_t n_netdevs;
};

/* The three lists of an entry. */
enum cdi_place { CDI_NODES, CDI_MOUNTS, CDI_NETDEVS };
char *const *saved_cdi_list(const struct saved_cdi *c, enum cdi_place k, size_t *n);
/* The entry of @c (n entries) that lists @place of kind @k, or NULL. */
const struct saved_cdi *saved_cdi_owner(const struct saved_cdi *c, size_t n, enum cdi_place k,
					const char *place);

/* The name of the saved CDI device of @doc that lists @place of kind @k
 * (borrowed from @doc), or NULL: what came with a CDI device goes with
 * it, not by itself. */
const char *store_cdi_owner(const cJSON *doc, enum cdi_place k, const char *place);

/* Read and validate "cdiDevices" (absent: none). */
int store_cdi(const cJSON *doc, struct saved_cdi **out, size_t *n, struct err *e);
int store_cdi_validate(const cJSON *doc, struct err *e);
void saved_cdi_free(struct saved_cdi *c, size_t n);

struct cdi_device;
/* Every entry of @c resolved as cdi_resolve would (in its own spec
 * directories, or the defaults): out[i] filled, or errs[i] saying why
 * entry i does not resolve, the others unaffected. The entries saved
 * with the same directories are resolved together, each spec file read
 * once (store_cdi_resolve.c). Returns -1 when one or more did not
 * resolve. Every out[i] is to be freed with cdi_device_free. */
int saved_cdi_resolve(const struct saved_cdi *c, size_t n, struct cdi_device *out,
		      struct err *errs);
/* cdi_device_free of each of @n, then free(@d); @d may be NULL. */
void cdi_devices_free(struct cdi_device *d, size_t n);
/* Index of the entry named @name in @c, or -1. */
long saved_cdi_find(const struct saved_cdi *c, size_t n, const char *name);
/* Whether @path (or interface name) is in @list. */
bool saved_cdi_has(char *const *list, size_t n, const char *path);

/* Entry @index becomes @c; a negative @index appends @c, a NULL @c
 * removes entry @index. */
void store_set_cdi(cJSON *doc, long index, const struct saved_cdi *c);

/* The saved list as it is in @doc (borrowed; NULL when absent). */
const cJSON *store_cdi_json(const cJSON *doc);

#endif
