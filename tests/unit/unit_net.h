/* For the unit tests of the network code: a veth nic as add-nic makes it. */
#ifndef SCH_UNIT_NET_H
#define SCH_UNIT_NET_H

#include <stdio.h>

#include "net_spec.h"

static inline struct nic_spec unit_veth(const char *host, const char *ctr, const char *ip)
{
	struct nic_spec n = { .type = "veth", .mtu = 1500, .qlen = 1000, .orig_up = -1 };

	snprintf(n.host, sizeof(n.host), "%s", host);
	snprintf(n.ctr, sizeof(n.ctr), "%s", ctr);
	snprintf(n.ip, sizeof(n.ip), "%s", ip);
	return n;
}

#endif
