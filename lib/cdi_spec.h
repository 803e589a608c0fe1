/* One CDI spec file: parsed (JSON, or YAML turned into the same tree),
 * validated as a whole, and its edits read into C data. */
#ifndef SCH_CDI_SPEC_H
#define SCH_CDI_SPEC_H

#include <cJSON.h>

#include "cdi.h"
#include "cdi_field.h"

/* Largest spec file read: vendors' specs are a few KiB. */
#define CDI_SPEC_MAX_SIZE (1u << 20)

/* One containerEdits object. */
struct cdi_edits {
	struct cdi_node *nodes;       size_t n_nodes;
	struct cdi_mount *mounts;     size_t n_mounts;
	struct cdi_netdev *netdevs;   size_t n_netdevs;
	char **unsupported;           size_t n_unsupported;
};

struct cdi_spec_device {
	char *name;
	struct cdi_edits edits;
};

struct cdi_spec {
	char *file;
	char *version;          /* as the file writes it */
	char *kind;             /* vendor.com/class */
	struct cdi_edits edits; /* the top-level containerEdits */
	struct cdi_spec_device *devices;
	size_t n_devices;
};

/* Parse @len bytes of @file's text into a tree: YAML when the name ends
 * in .yaml or .yml, JSON otherwise. Errors start with "FILE: ". */
int cdi_doc_parse(const char *file, const char *buf, size_t len, cJSON **out,
		  struct err *e);

/* Validate the whole spec @doc of @file and read it into @out. */
int cdi_spec_from_tree(const char *file, const cJSON *doc, struct cdi_spec *out,
		       struct err *e);

/* Both of the above. */
int cdi_spec_parse(const char *file, const char *buf, size_t len, struct cdi_spec *out,
		   struct err *e);

/* The device @name of @s, or NULL. */
const struct cdi_spec_device *cdi_spec_device(const struct cdi_spec *s, const char *name);

void cdi_spec_free(struct cdi_spec *s);

/* Read one containerEdits object @obj (already pushed on @c) into @out;
 * what cannot apply live is listed as "FILE: PATH.env"... (cdi_edits.c). */
int cdi_edits_read(struct cdi_ctx *c, const cJSON *obj, struct cdi_edits *out);
/* Move @src's entries to the end of @dst's, leaving @src empty. */
void cdi_edits_move(struct cdi_edits *dst, struct cdi_edits *src);
/* Append copies of @src's entries to @dst's. */
void cdi_edits_copy(struct cdi_edits *dst, const struct cdi_edits *src);
void cdi_edits_free(struct cdi_edits *ed);
bool cdi_edits_empty(const struct cdi_edits *ed);

#endif
