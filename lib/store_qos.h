/* The QoS part of hook.json: "readBps", "writeBps", "readIops",
 * "writeIops", "blkioWeight", lists of {major, minor, path, value} with
 * value a decimal string, as the original tool wrote them. */
#ifndef SCH_STORE_QOS_H
#define SCH_STORE_QOS_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "qos.h"

struct saved_qos {
	int64_t major, minor;
	char path[4096];
	uint64_t value;
};

/* The hook.json list of kind @k: "readBps"... */
const char *store_qos_key(enum qos_kind k);

int store_qos(const cJSON *doc, enum qos_kind k, struct saved_qos **out, size_t *n,
	      struct err *e);
int store_qos_validate(const cJSON *doc, struct err *e);
/* Replace the entry of major:minor, or append one. */
void store_qos_set(cJSON *doc, enum qos_kind k, const char *path, int64_t major,
		   int64_t minor, uint64_t value);
/* Remove the entries of major:minor; returns how many. */
int store_qos_remove(cJSON *doc, enum qos_kind k, int64_t major, int64_t minor);

#endif
