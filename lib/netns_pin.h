/* The container's network namespace kept alive after its processes end,
 * so that poststop can still give eth links back: a bind mount of
 * /proc/PID/ns/net on <rundir>/<id>/netns. */
#ifndef SCH_NETNS_PIN_H
#define SCH_NETNS_PIN_H

#include "error.h"

/* Pin the network namespace of @pid. Idempotent. */
int netns_pin(const char *rundir, const char *id, int pid, struct err *e);
/* Open the pinned namespace; ENOENT in e->code when there is no pin. */
int netns_pin_open(const char *rundir, const char *id, int *fd, struct err *e);
int netns_unpin(const char *rundir, const char *id, struct err *e);

#endif
