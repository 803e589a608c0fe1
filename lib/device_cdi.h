/* CDI devices as our own items: the deviceNodes, mounts and netDevices of
 * a resolved CDI device (cdi.h) become device, path and eth interface
 * specs, which the ordinary device, bind and nic code applies with all
 * its safety rules. Edits that cannot apply to a running container
 * (env, hooks, additionalGIDs, intelRdt, a mount that is not a bind
 * mount, a fifo node) are listed, one line each, for the caller to
 * refuse or to warn about (--ignore-unsupported). */
#ifndef SCH_DEVICE_CDI_H
#define SCH_DEVICE_CDI_H

#include <stdbool.h>
#include <stddef.h>

#include "cdi.h"
#include "error.h"
#include "net_spec.h"
#include "spec_parse.h"

struct cdi_items {
	struct device_spec *nodes;
	size_t n_nodes;
	struct path_spec *mounts;
	size_t n_mounts;
	struct nic_spec *netdevs;       /* type eth, no address */
	size_t n_netdevs;
	char **unsupported;             /* "FILE: where: why", one per edit left out */
	size_t n_unsupported;
};

/* Translate @d. Each node's hostPath must be a device node now, of the
 * type and numbers the spec gives (a node whose identity differs from the
 * spec is refused, never handed on); each mount's hostPath must exist.
 * Errors name the spec file and the edit. */
int cdi_items_from(const struct cdi_device *d, struct cdi_items *out, struct err *e);
void cdi_items_free(struct cdi_items *it);

/* The mount options of a CDI bind mount as path_spec options ("ro,nosuid");
 * NULL with @bad set to the first option we cannot apply. Pure. */
char *cdi_mount_options(char *const *options, const char **bad);
/* Whether a mount of CDI type @type (NULL when not given) is a bind mount. */
bool cdi_mount_is_bind(const char *type, char *const *options);

/* The spec directories to search: @dirs when given, else the defaults. */
const char *const *cdi_dirs_or_default(char *const *dirs, size_t n, size_t *count);

#endif
