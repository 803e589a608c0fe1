/* Container ids become directory names on the host: only a safe charset. */
#ifndef SCH_CONTAINER_ID_H
#define SCH_CONTAINER_ID_H

#include <stdbool.h>

#include "error.h"

#define CONTAINER_ID_MAX 128

/* [A-Za-z0-9][A-Za-z0-9_.-]{0,127} */
bool container_id_valid(const char *id);
/* Same check with a message naming the id; returns 0 or -1. */
int container_id_check(const char *id, struct err *e);

/* Runtimes accept more (runc: "a+b", ids of any length). The hook takes any
 * id a runtime gives that can go in a log line: 1 to CONTAINER_ID_OCI_MAX
 * bytes, no control characters. Whether state can be kept for it is
 * container_id_valid's answer. */
#define CONTAINER_ID_OCI_MAX 1024
int container_id_check_oci(const char *id, struct err *e);

#endif
