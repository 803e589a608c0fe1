/* rtnetlink over libmnl: links, veth pairs, addresses, routes, moves
 * between network namespaces. A socket belongs to the namespace it was
 * opened in, so one process holds one socket per namespace and never
 * switches back and forth per request. Every request asks for an ACK; a
 * kernel error comes back with the kernel's own message (extended ACK)
 * when it has one. Receives time out (NL_TIMEOUT_MS). */
#ifndef SCH_NETLINK_H
#define SCH_NETLINK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "net_spec.h"
#include "netlink_msg.h"

#define NL_TIMEOUT_MS 5000
#define NL_BATCH_SIZE 16384     /* bytes of requests per send */
#define NL_BATCH_MAX 64         /* requests per send: their ACKs must fit the
				 * socket's receive buffer */

struct nl;

/* Open a NETLINK_ROUTE socket in the namespace @netns_fd (-1: ours). */
int nl_open(int netns_fd, struct nl **out, struct err *e);
void nl_close(struct nl *nl);

/* Batches: many requests in one send, their ACKs read together. Build a
 * request at nl_slot() with a builder above, then nl_queue() it under a
 * tag of the caller's choosing; nl_flush() sends what is queued and reads
 * every ACK. The kernel runs the requests in order and one failing does
 * not stop the next; nl_flush() returns the first failure and its tag.
 * A batch larger than NL_BATCH_SIZE bytes or NL_BATCH_MAX requests goes
 * out in several sends. */
void *nl_slot(struct nl *nl);
int nl_queue(struct nl *nl, int tag, struct err *e);
int nl_flush(struct nl *nl, int *tag, struct err *e);
/* What each request of the batch came to, not only the first failure:
 * until the next nl_flush() returns, outcome[tag] (0 <= tag < @n) is set
 * to NL_DONE or NL_FAILED as each ACK comes in, and left alone for a
 * request that got none (a send that failed). A caller that undoes what a
 * failed batch made then undoes exactly that. */
enum { NL_DONE = 1, NL_FAILED = -1 };
void nl_track(struct nl *nl, signed char *outcome, size_t n);

/* Every link of the socket's namespace, by index and name (one dump). */
struct nl_link {
	int index;
	char name[16];
};
int nl_links(struct nl *nl, struct nl_link **links, size_t *n, struct err *e);
/* The index of @name in @links, or 0. */
int nl_links_find(const struct nl_link *links, size_t n, const char *name);

/* What a link is and how it is set. */
struct nl_link_info {
	int index;
	char kind[16];                  /* "bridge", "veth"...; "" for a physical link */
	unsigned char mac[6];
	bool has_mac;
	int mtu;
	int master;                     /* ifindex of its bridge, 0 when none */
	bool up;
};

/* Requests. ENODEV in e->code when a named link does not exist. */
int nl_link_info(struct nl *nl, const char *name, struct nl_link_info *li, struct err *e);
int nl_link_index(struct nl *nl, const char *name, int *index, struct err *e);
int nl_link_set(struct nl *nl, int index, const struct link_attrs *a, struct err *e);
int nl_link_del(struct nl *nl, int index, struct err *e);
int nl_addr(struct nl *nl, uint16_t type, int index, const struct ip_addr *a, struct err *e);
int nl_route(struct nl *nl, uint16_t type, const struct route_req *r, struct err *e);

#endif
