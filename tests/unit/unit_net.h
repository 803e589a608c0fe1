/* For the unit tests of the network code: a veth nic as add-nic makes it,
 * a nic row of a table, and a check of a bad row. */
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

/* type, host, ctr, ip, mac, mtu, qlen, bridge */
#define NIC(t, h, c, ip, mac, mtu, qlen, br) { t, h, c, ip, mac, mtu, qlen, br, "", 0, -1 }

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A row that must fail: -1, one line, @mention (when not NULL) in it. */
#define assert_bad(call, e, mention) do {			\
		err_clear(&(e));				\
		assert_int_equal((call), -1);			\
		assert_err_line(e);				\
		assert_err_mentions(e, (mention));		\
	} while (0)

#endif
