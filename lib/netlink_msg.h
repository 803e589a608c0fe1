/* rtnetlink messages, built and read without a socket: each builder fills
 * a buffer of NL_BUF_SIZE bytes with one request (each asks for an ACK but
 * the dump, which ends with NLMSG_DONE), and
 * nlmsg_ack reads the kernel's answer. Pure, for tests. */
#ifndef SCH_NETLINK_MSG_H
#define SCH_NETLINK_MSG_H

#include <linux/netlink.h>
#include <stdint.h>

#include "error.h"
#include "net_spec.h"

#define NL_BUF_SIZE 32768

/* What to change on a link; fields left at their "keep" value are not sent. */
struct link_attrs {
	const char *name;               /* rename (link must be down); NULL keeps */
	const unsigned char *mac;       /* 6 bytes; NULL keeps */
	int mtu;                        /* 0 keeps */
	int qlen;                       /* -1 keeps */
	int master;                     /* ifindex of a bridge; 0 keeps; -1 releases */
	int up;                         /* 1 up, 0 down, -1 keeps */
	int netns_fd;                   /* move to that namespace; -1 keeps */
};
#define LINK_ATTRS_KEEP { NULL, NULL, 0, -1, 0, -1, -1 }

struct route_req {
	int family;                     /* AF_INET / AF_INET6 */
	struct ip_addr dst;             /* dst.prefix 0 = default route */
	struct ip_addr gw;              /* family 0 = none */
	struct ip_addr src;             /* family 0 = none */
	int oif;                        /* 0 = none */
};

/* Message builders (pure, for tests): fill @buf (NL_BUF_SIZE bytes). */
struct nlmsghdr *nlmsg_getlink(void *buf, const char *name);
struct nlmsghdr *nlmsg_linkdump(void *buf);
/* A veth pair made in one request, each end with its settings; the peer
 * may be made directly in another namespace (peer->netns_fd). */
struct nlmsghdr *nlmsg_veth(void *buf, const struct link_attrs *host, const struct link_attrs *peer);
struct nlmsghdr *nlmsg_setlink(void *buf, int index, const struct link_attrs *a);
struct nlmsghdr *nlmsg_dellink(void *buf, int index);
struct nlmsghdr *nlmsg_addr(void *buf, uint16_t type, int index, const struct ip_addr *a);
struct nlmsghdr *nlmsg_route(void *buf, uint16_t type, const struct route_req *r);
/* For mnl_attr_parse*(): the value of the NUL-terminated string attribute
 * of type @type, borrowed from the message (NULL when it has none). */
struct nl_str_attr {
	uint16_t type;
	const char *value;
};
int nl_str_attr_cb(const struct nlattr *attr, void *data);

/* Turn an NLMSG_ERROR message into 0 (ACK) or -1 with errno and extack text. */
int nlmsg_ack(const struct nlmsghdr *nlh, struct err *e);

#endif
