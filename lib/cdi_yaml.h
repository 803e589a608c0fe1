/* A YAML document turned into the cJSON tree its JSON form would give,
 * so that one validator (cdi_spec.c) serves both forms of a CDI spec. */
#ifndef SCH_CDI_YAML_H
#define SCH_CDI_YAML_H

#include <cJSON.h>
#include <stddef.h>

#include "error.h"

/* Nesting and size bounds: aliases may repeat a subtree, so the nodes
 * made are counted, not only the bytes read. */
#define CDI_YAML_MAX_DEPTH 64
#define CDI_YAML_MAX_NODES (1u << 18)

/* Parse exactly one YAML document of @len bytes. Plain scalars are
 * resolved as YAML 1.1 does (null, booleans, integers in decimal, octal
 * 0644 or 0o644, hex 0x1f, floats); a number or boolean keeps its text in
 * valuestring, for a field that wants a string (cdi_string_of). Errors
 * say "line L column C: ...". */
int cdi_yaml_parse(const char *buf, size_t len, cJSON **out, struct err *e);

#endif
