/* What a running container has now, read from the kernel's text files,
 * to compare with what is saved (`syscontainer-tools check`). Pure
 * parsers with unit tests; the reads are the caller's. */
#ifndef SCH_DRIFT_H
#define SCH_DRIFT_H

#include <stdbool.h>

#include "net_spec.h"

/* Is @path a mount point in @mountinfo (/proc/PID/mountinfo: paths as the
 * process sees them)? 1 and *@ro of the top mount there, else 0. */
int drift_mount(const char *mountinfo, const char *path, bool *ro);

/* Is route @r in the routing table, as /proc/PID/net/route (@v4) or
 * /proc/PID/net/ipv6_route (@v6) show it: same destination and prefix,
 * gateway (when saved) and device (when saved)? -1 when @r does not
 * parse. */
int drift_route(const char *v4, const char *v6, const struct route_spec *r);

/* Does the QoS file @text (blkio.throttle.*, blkio.weight_device, io.max,
 * io.weight) hold @want, a line as qos_v1_line or qos_v2_line writes it?
 * v1 and io.weight: that very line; io.max (@v2): the device's line has
 * that key=value. */
int drift_qos(const char *text, const char *want, bool v2);

#endif
