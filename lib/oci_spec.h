/* What we need from a bundle's config.json: the root path, the cgroups
 * path, user namespace mappings and the process environment. */
#ifndef SCH_OCI_SPEC_H
#define SCH_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "oci_state.h"

struct id_map {
	uint32_t ctr;
	uint32_t host;
	uint32_t size;
};

struct oci_spec {
	char *root_path;        /* root.path as written, may be relative */
	char *cgroups_path;     /* NULL when absent */
	struct id_map *uid_maps;
	size_t n_uid_maps;
	struct id_map *gid_maps;
	size_t n_gid_maps;
	char **env;             /* process.env */
	size_t n_env;
};

int oci_spec_parse(const char *json, size_t len, struct oci_spec *sp, struct err *e);
/* Read and parse <bundle>/config.json. */
int oci_spec_load(const char *bundle, struct oci_spec *sp, struct err *e);
void oci_spec_free(struct oci_spec *sp);

/* Where the rootfs is mounted in the container's mount namespace before
 * pivot_root: the state's "root" if given (under iSulad's lcr, lxc's mount
 * directory), else config.json root.path; relative ones are joined to the
 * bundle. */
char *oci_rootfs_path(const struct oci_state *st, const struct oci_spec *sp);
/* The rootfs as a host path, once the container is gone: config.json
 * root.path first, since lcr's "root" is only a mount point, empty on the
 * host. */
char *oci_rootfs_host_path(const struct oci_state *st, const struct oci_spec *sp);

/* Map a container id to the host through @maps; with no maps the id is
 * returned unchanged. Returns -1 when the id is not mapped. */
int idmap_to_host(const struct id_map *maps, size_t n, uint32_t id, uint32_t *out);

#endif
