/* Container Device Interface (CDI) specs: a device named
 * vendor.com/class=name is looked up in the spec files (JSON or YAML) of
 * the CDI spec directories, the file is validated as the CDI spec
 * requires (strictly: an unknown field is an error), and the edits that
 * device asks of a container are returned as plain C data. */
#ifndef SCH_CDI_H
#define SCH_CDI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define CDI_NAME_MAX 256

/* vendor.com/class=name as the CDI spec defines the syntax; pure. */
bool cdi_is_qualified_name(const char *s);

struct cdi_node {            /* one containerEdits.deviceNodes entry */
	char *path;              /* container path, absolute, cleaned */
	char *host_path;         /* hostPath, or a copy of path when absent */
	char type;               /* 'b', 'c', 'u', 'p', or 0 when not given */
	long major, minor;       /* -1 when not given */
	mode_t file_mode;        /* fileMode & 07777; 0 when not given */
	bool has_file_mode;
	char permissions[4];     /* subset of "rwm" in that order; "rwm" when
				  * not given, "" for the spec's "none" */
	long uid, gid;           /* -1 when not given */
};

struct cdi_mount {           /* one containerEdits.mounts entry */
	char *host_path;         /* absolute, cleaned */
	char *container_path;    /* absolute, cleaned */
	char *type;              /* NULL when not given */
	char **options;          /* NULL-terminated, may be empty */
};

struct cdi_netdev {          /* one containerEdits.netDevices entry (1.1+) */
	char *host_interface_name;
	char *name;              /* the name inside the container */
};

/* The edits of one device: the spec's top-level containerEdits followed by
 * the device's own, in that order. `unsupported` lists, one string each,
 * the edits that cannot apply to a running container, each as
 * "FILE: devices[N].containerEdits.env" or "FILE: containerEdits.hooks". */
struct cdi_device {
	char name[CDI_NAME_MAX]; /* the qualified name asked for */
	char *spec_file;         /* the file it was found in */
	char *cdi_version;
	struct cdi_node *nodes;       size_t n_nodes;
	struct cdi_mount *mounts;     size_t n_mounts;
	struct cdi_netdev *netdevs;   size_t n_netdevs;
	char **unsupported;           size_t n_unsupported;
};

/* The spec directories in order of increasing priority: "/etc/cdi",
 * "/var/run/cdi", or those of $SYSCONTAINER_CDI_SPEC_DIRS (colon-separated)
 * when set. NULL-terminated; valid until the settings are loaded again. */
const char *const *cdi_default_dirs(void);

/* Find @name in @dirs (n_dirs entries, increasing priority: a later
 * directory's spec wins for the same device name), parse and validate
 * every spec file that declares its kind (vendor.com/class), and fill
 * @out. Errors name the file and, where possible, the field:
 * ENOENT "cdi device vendor.com/class=x: not found in /etc/cdi, /var/run/cdi",
 * EINVAL for syntax, unknown field, bad cdiVersion, bad kind or name,
 * duplicate device names in one directory. Files of other kinds in the
 * same directories are not parsed beyond what is needed to read `kind`
 * (a broken file of another vendor must not stop ours). */
int cdi_resolve(const char *const *dirs, size_t n_dirs, const char *name,
		struct cdi_device *out, struct err *e);

/* cdi_resolve for @n names at once, each spec file read and parsed once
 * (the hook resolves every saved device at each start): out[i] and
 * errs[i] are what cdi_resolve(dirs, n_dirs, names[i], ...) would give.
 * Returns 0 when every name resolved, -1 when one or more did not (their
 * errs[i] say why; the others' out[i] are filled). Every out[i] is to be
 * freed with cdi_device_free, filled or not. */
int cdi_resolve_many(const char *const *dirs, size_t n_dirs, const char *const *names,
		     size_t n, struct cdi_device *out, struct err *errs);

void cdi_device_free(struct cdi_device *d);

#endif
