/* Network interface and route specifications: the values of add-nic,
 * update-nic, add-route and their saved forms, parsed and validated. Pure
 * functions: nothing here looks at the host's interfaces. */
#ifndef SCH_NET_SPEC_H
#define SCH_NET_SPEC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define NIC_MAX_PER_CONTAINER 128
#define MTU_MIN 68
#define MTU_MAX 65535
#define QLEN_MAX 1000000

/* An IP address with an optional prefix length. */
struct ip_addr {
	int family;             /* AF_INET or AF_INET6; 0 when unset */
	unsigned char bytes[16];
	int prefix;             /* -1 when the text had none */
};

struct nic_spec {
	char type[8];           /* "veth" or "eth" */
	char host[IFNAMSIZ];    /* host-side name; veth: may be "" (then generated) */
	char ctr[IFNAMSIZ];     /* name inside the container */
	char ip[64];            /* "A.B.C.D/N" or an IPv6 CIDR as given (normalised) */
	char mac[18];           /* "aa:bb:cc:dd:ee:ff" lower case, or "" */
	int mtu;                /* default 1500 */
	int qlen;               /* default 1000 */
	char bridge[IFNAMSIZ];  /* veth only; "" for none */
	/* eth only: the host link as it came, to give it back so */
	char orig_mac[18];      /* "" when unknown */
	int orig_mtu;           /* 0 when unknown */
	int orig_up;            /* 1 up, 0 down, -1 unknown */
};

/* An interface name: 1..15 bytes of [A-Za-z0-9_.-], not "." or "..". */
bool ifname_valid(const char *name);

/* "[HOST:]CTR" of --name. */
int parse_nic_name(const char *s, char host[IFNAMSIZ], char ctr[IFNAMSIZ], struct err *e);

/* "A.B.C.D/N" or "x::y/N": address with a prefix length (required). */
int parse_cidr(const char *s, struct ip_addr *out, struct err *e);
/* A bare address, IPv4 or IPv6 (no prefix). */
int parse_ip(const char *s, struct ip_addr *out, struct err *e);
/* Canonical text of @a, with "/prefix" when it has one. */
void ip_addr_format(const struct ip_addr *a, char *buf, size_t len);

/* "aa:bb:cc:dd:ee:ff" (either case); refuses multicast and all-zero. */
int parse_mac(const char *s, unsigned char mac[6], struct err *e);
int parse_mtu(const char *s, int *mtu, struct err *e);     /* MTU_MIN..MTU_MAX */
int parse_qlen(const char *s, int *qlen, struct err *e);   /* 0..QLEN_MAX */

/* Rules that tie the fields together: type veth|eth; eth needs a host
 * name and takes no bridge; names valid; ip a valid CIDR; mac valid if
 * set; mtu and qlen in range. An eth link lent as it is (a CDI
 * netDevice) has no ip and no mac, mtu 0 and qlen -1. */
int nic_validate(const struct nic_spec *n, struct err *e);

/* A route: dest "default" (or "" = default) or a CIDR; gw and src bare
 * addresses or ""; dev an interface name or "". All set addresses of one
 * route are of one family; a route needs a gw or a dev. */
struct route_spec {
	char dest[64];
	char src[64];
	char gw[64];
	char dev[IFNAMSIZ];
};

int route_validate(const struct route_spec *r, struct err *e);
/* The same checks for a filter (remove-route): no gw or dev needed. */
int route_filter_validate(const struct route_spec *r, struct err *e);
/* The original tool's form: a JSON array of {"dest","src","gw","dev"};
 * with @filter the elements are checked as filters. */
int parse_routes_json(const char *json, bool filter, struct route_spec **out, size_t *n,
		      struct err *e);
/* True when every non-empty field of @filter equals the same field of @r. */
bool route_matches(const struct route_spec *filter, const struct route_spec *r);
bool route_equal(const struct route_spec *a, const struct route_spec *b);

/* The one text of a route, in two spellings: ROUTE_TEXT_IP as `ip route`
 * writes it ("default via 10.0.0.1 dev eth1"), for errors and list;
 * ROUTE_TEXT_GO as the original tool printed it
 * ("{dest:default,src:,gw:10.0.0.1,dev:eth1}"), for the lines the route
 * commands print, which scripts written for that tool read. */
enum route_text { ROUTE_TEXT_IP, ROUTE_TEXT_GO };
#define ROUTE_TEXT_MAX 320
void route_format(const struct route_spec *r, enum route_text form, char *buf, size_t len);

/* Conflicts of @n with already saved @saved: same container name, same host
 * name, same non-empty MAC, same IP (address part). */
int nic_conflicts(const struct nic_spec *n, const struct nic_spec *saved, size_t n_saved,
		  struct err *e);

/* Does saved route @r depend on nic @n: it names @n as its device, uses
 * @n's address as its source, or has no device and a gateway on @n's
 * subnet that no other of @others (the container's nics) is on. */
bool route_needs_nic(const struct route_spec *r, const struct nic_spec *n,
		     const struct nic_spec *others, size_t n_others);
/* Can route @r, which depends on @n, be added again once @n's address is
 * @new_ip (a CIDR)? Not when its source is the old address, or its gateway
 * leaves @n's subnet: EBUSY with one line that names the route. */
int route_check_readdress(const struct route_spec *r, const struct nic_spec *n,
			  const char *new_ip, struct err *e);

#endif
