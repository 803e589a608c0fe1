/* The spec strings of the command line, parsed into structs. Pure
 * functions: no file system access here. */
#ifndef SCH_SPEC_PARSE_H
#define SCH_SPEC_PARSE_H

#include <stdbool.h>

#include "error.h"

/* hostpath[:containerpath][:permissions]; permissions ⊆ "rwm", default "rwm";
 * the container path defaults to the host path. */
/* Mode and owner of a device node in the container when they are not the
 * host node's (a CDI spec's fileMode, uid, gid); zero: all the host's. */
struct node_attrs {
	bool has_mode, has_uid, has_gid;
	unsigned mode;          /* permission bits, <= 07777 */
	unsigned uid, gid;      /* in the container */
};

struct device_spec {
	char *host;     /* cleaned absolute path, or NULL (remove form only) */
	char *ctr;      /* cleaned absolute path, or NULL (remove form only) */
	char perms[4];
	struct node_attrs node;
};

enum { SPEC_DEVICE_ADD = 0, SPEC_DEVICE_REMOVE = 1 };

/* SPEC_DEVICE_REMOVE accepts an empty host or container part
 * (":/dev/x" or "/dev/sdb:") and does not fill the missing one in. */
int parse_device_spec(const char *s, int mode, struct device_spec *out, struct err *e);
void device_spec_free(struct device_spec *d);

/* A permission string: non-empty, only r, w, m, each at most once. */
bool device_perms_valid(const char *p);

/* hostpath:containerpath[:options]; options is a comma list of ro, rw,
 * private, rprivate, rslave, nosuid, nodev, noexec (each once, not ro
 * with rw); default "rw". */
struct path_spec {
	char *host;
	char *ctr;
	char *options;  /* normalised, never empty */
	bool ro;
	bool nosuid, nodev, noexec;     /* mount flags of the bind mount */
};

int parse_path_spec(const char *s, struct path_spec *out, struct err *e);

/* The options part alone (as parse_path_spec takes it): sets @out's
 * options, ro, nosuid, nodev and noexec; @s names the path in errors. */
int parse_path_options(const char *s, const char *opts, struct path_spec *out, struct err *e);
void path_spec_free(struct path_spec *p);

/* Format a path spec the way hook.json stores it: "host:ctr:options". */
char *path_spec_format(const struct path_spec *p);

#endif
