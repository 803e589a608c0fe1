/* The OCI state a runtime writes on a hook's stdin. runc gives no rootfs,
 * crun gives "root" relative to the bundle, iSulad an absolute "root";
 * at poststop there is no pid. Nothing optional is assumed present. */
#ifndef SCH_OCI_STATE_H
#define SCH_OCI_STATE_H

#include <stddef.h>

#include "error.h"

/* Largest state accepted on stdin. */
#define OCI_STATE_MAX (1u << 20)

struct oci_state {
	char *id;
	int pid;        /* 0 when absent */
	char *bundle;   /* absolute */
	char *root;     /* "root" as given, NULL when absent */
	char *status;   /* NULL when absent */
};

int oci_state_parse(const char *json, size_t len, struct oci_state *st, struct err *e);
void oci_state_free(struct oci_state *st);

#endif
