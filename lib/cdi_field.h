/* Reading a CDI spec's tree field by field, strictly: every error names
 * the file and the dotted path of the field, as in
 *   /etc/cdi/x.yaml: devices[1].containerEdits.deviceNodes[0].type: must be one of b, c, u, p
 * The tree is cJSON, from a JSON file or converted from YAML (cdi_yaml.h). */
#ifndef SCH_CDI_FIELD_H
#define SCH_CDI_FIELD_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Versions as numbers: 1.1.0 is 10100. */
#define CDI_V(a, b, c) ((a) * 10000 + (b) * 100 + (c))

/* The field being read, as a stack of keys and indexes: formatted only
 * for a message, since almost every field read is a good one. A key is
 * the caller's literal or a member name of the tree being read. */
#define CDI_PATH_DEPTH 16
struct cdi_seg {
	const char *key;        /* NULL for an index */
	size_t index;
};

struct cdi_ctx {
	const char *file;
	int version;            /* the file's cdiVersion, as CDI_V */
	struct cdi_seg seg[CDI_PATH_DEPTH];
	size_t depth;
	struct err *e;
};

/* Enter the field @key, or the item @index of an array; each returns
 * what cdi_pop takes to go back. */
size_t cdi_push(struct cdi_ctx *c, const char *key);
size_t cdi_push_index(struct cdi_ctx *c, size_t index);
void cdi_pop(struct cdi_ctx *c, size_t depth);

/* "devices[1].containerEdits" in @buf of @size bytes ("" at the top). */
const char *cdi_path(const struct cdi_ctx *c, char *buf, size_t size);

/* EINVAL "FILE: PATH: message"; returns -1. */
int cdi_fail(struct cdi_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* @s (from the input) fit for a one-line message: at most 64 bytes, each
 * one not printable ASCII shown as '?', a '~' when cut. */
const char *cdi_printable(const char *s, char buf[68]);

/* "0.5.0" for CDI_V(0, 5, 0); @buf of 16 bytes. */
const char *cdi_version_str(int v, char *buf);

/* One field an object may have: @since is the first cdiVersion where it
 * is known, @until (0: none) the first where it is known no more. */
struct cdi_key {
	const char *name;
	int since, until;
};

/* Refuse what @obj (already pushed) must not hold: not an object, a
 * field not in @keys (or not in the file's version, when not empty),
 * the same field twice. */
int cdi_check_object(struct cdi_ctx *c, const cJSON *obj, const struct cdi_key *keys,
		     size_t n_keys);

/* A value that says nothing: null, "", [], {}, false. */
bool cdi_is_empty(const cJSON *it);

/* The text of a string item, or of a YAML plain scalar that looked like a
 * number or a boolean (cdi_yaml.c keeps its text); NULL for anything else. */
const char *cdi_string_of(const cJSON *it);

/* The string @key of @obj: NULL when absent or null (an error when
 * @required), an error when not a string. A YAML plain scalar that
 * looked like a number or a boolean counts as its text. */
int cdi_get_string(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		   const char **out);

/* The integer @key of @obj, from 0 to @max: -1 in *@out when absent. */
int cdi_get_uint(struct cdi_ctx *c, const cJSON *obj, const char *key, double max,
		 long *out);

/* A boolean @key: false when absent. */
int cdi_get_bool(struct cdi_ctx *c, const cJSON *obj, const char *key, bool *out);

/* The array of strings @key of @obj, copied into a NULL-terminated list
 * (empty when absent); each item must pass @check when given (which
 * names what it wants in @what). With @out NULL, only checked. */
int cdi_get_strings(struct cdi_ctx *c, const cJSON *obj, const char *key,
		    bool (*check)(const char *), const char *what, char ***out);

/* Free a NULL-terminated list of strings. */
void cdi_strv_free(char **v);

/* Call @fn for each item of the array @key of @obj (none when absent or
 * null), with the path at "key[i]". */
int cdi_each(struct cdi_ctx *c, const cJSON *obj, const char *key,
	     int (*fn)(struct cdi_ctx *c, const cJSON *item, void *arg), void *arg);

/* The string @key of @obj as cdi_get_string() gives it (into @out when
 * not NULL), then passed to @check with @arg while the path is at the
 * field, so that what @check refuses is told as "key: ...". */
int cdi_get_checked(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		    int (*check)(struct cdi_ctx *c, const char *v, void *arg), void *arg,
		    const char **out);

/* An absolute path, cleaned, from the string @key of @obj. */
int cdi_get_abs_path(struct cdi_ctx *c, const cJSON *obj, const char *key, bool required,
		     char **out);

#endif
