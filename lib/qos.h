/* Device QoS: bandwidth and IOPS throttles and proportional weights of a
 * block device for a container's cgroup. cgroup v1 writes
 * blkio.throttle.*_device and blkio.weight_device (or the bfq variant);
 * cgroup v2 writes io.max and io.weight (or io.bfq.weight). */
#ifndef SCH_QOS_H
#define SCH_QOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum qos_kind {
	QOS_READ_BPS,
	QOS_WRITE_BPS,
	QOS_READ_IOPS,
	QOS_WRITE_IOPS,
	QOS_WEIGHT,
	QOS_KINDS
};

#define QOS_WEIGHT_MIN 10
#define QOS_WEIGHT_MAX 1000

/* "--device-read-bps" etc. (the hook.json list names are the store's:
 * store_qos_key). */
const char *qos_flag(enum qos_kind k);

/* "DEVICE:VALUE". Rates take a unit (k, m, g, t, p; optional trailing b;
 * powers of 1024) and may be fractional ("1.5mb"); IOPS are integers;
 * weights are 10..1000. 0 means "no limit" and is accepted. */
struct qos_spec {
	enum qos_kind kind;
	char *path;             /* the device as given, absolute */
	uint64_t value;
};

int parse_qos(const char *s, enum qos_kind kind, struct qos_spec *out, struct err *e);
void qos_spec_free(struct qos_spec *q);

/* The cgroup file and line for a setting (pure). */
const char *qos_v1_file(enum qos_kind k, bool bfq);
char *qos_v1_line(int64_t major, int64_t minor, uint64_t value);
const char *qos_v2_file(enum qos_kind k, bool bfq);
/* v2 io.max key "rbps" etc.; value 0 clears the limit ("max"). */
char *qos_v2_line(enum qos_kind k, int64_t major, int64_t minor, uint64_t value);

/* The blkio (v1) or io (v2) cgroup of @pid, found once for many writes. */
struct qos_cgroup {
	char *dir;
	bool v2;
};
int qos_cgroup_find(int pid, struct qos_cgroup *c, struct err *e);
void qos_cgroup_free(struct qos_cgroup *c);

/* Write one setting into that cgroup. */
int qos_write(const struct qos_cgroup *c, enum qos_kind k, int64_t major, int64_t minor,
	      uint64_t value, struct err *e);

/* The scheduler in use from the text of /sys/dev/block/M:m/queue/scheduler
 * ("none mq-deadline [bfq]" gives "bfq"; a single name without brackets is
 * that name). -1 when no name is marked. */
int qos_scheduler_parse(const char *text, char *out, size_t len);
/* A proportional weight needs bfq (or cfq on old kernels). */
bool qos_scheduler_weights(const char *sched);
/* Whether a weight can be set on major:minor now; when not, @why says why
 * (its scheduler, or no such device) in a phrase. */
bool qos_weight_possible(int64_t major, int64_t minor, char *why, size_t len);

/* The block device at @path must be a whole disk, not a partition. */
int qos_check_device(const char *path, int64_t *major, int64_t *minor, struct err *e);

#endif
