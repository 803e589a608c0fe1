#include "net_spec.h"

#include <arpa/inet.h>
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "util.h"

#define MAX_ROUTES 1024

/* ASCII only, whatever the locale: isalnum() may take bytes above 0x7f. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool ifname_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c == '-';
}

bool ifname_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ifname_char(name[i]))
			return false;
	return true;
}

static int name_error(struct err *e, const char *what, const char *name)
{
	return err_set(e, EINVAL, "invalid %s '%.40s': 1 to %d characters of [A-Za-z0-9_.-]",
		       what, name, IFNAMSIZ - 1);
}

int parse_nic_name(const char *s, char host[IFNAMSIZ], char ctr[IFNAMSIZ], struct err *e)
{
	const char *colon = strchr(s, ':');
	const char *c = colon ? colon + 1 : s;
	size_t hl = colon ? (size_t)(colon - s) : 0;

	if (colon && strchr(c, ':'))
		return err_set(e, EINVAL, "invalid --name '%.40s': more than one ':', use [HOST:]CTR", s);
	if (!*c)
		return err_set(e, EINVAL, "invalid --name '%.40s': no container interface name, use [HOST:]CTR", s);
	if (!ifname_valid(c))
		return name_error(e, "container interface name", c);
	if (hl >= IFNAMSIZ)
		return err_set(e, EINVAL, "invalid host interface name '%.*s': longer than %d characters",
			       (int)(hl > 40 ? 40 : hl), s, IFNAMSIZ - 1);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl && !ifname_valid(host))
		return name_error(e, "host interface name", host);
	strcpy(ctr, c);
	return 0;
}

/* Decimal digits only, within [lo, hi]. */
static int parse_uint(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !is_digit(s[0]) || strlen(s) > 10)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_addr(const char *text, struct ip_addr *out)
{
	memset(out->bytes, 0, sizeof(out->bytes));
	if (inet_pton(AF_INET, text, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, text, out->bytes) == 1)
		out->family = AF_INET6;
	else
		return -1;
	return 0;
}

int parse_cidr(const char *s, struct ip_addr *out, struct err *e)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	long prefix, max;

	memset(out, 0, sizeof(*out));
	if (!slash)
		return err_set(e, EINVAL, "invalid address '%.64s': no prefix length, use ADDR/PREFIX", s);
	if ((size_t)(slash - s) >= sizeof(buf))
		return err_set(e, EINVAL, "invalid address '%.64s...': too long", s);
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_addr(buf, out) < 0)
		return err_set(e, EINVAL, "invalid address '%.64s': '%s' is not an IP address", s, buf);
	max = out->family == AF_INET ? 32 : 128;
	if (parse_uint(slash + 1, 0, max, &prefix) < 0) {
		memset(out, 0, sizeof(*out));
		return err_set(e, EINVAL, "invalid address '%.64s': prefix length '%.16s' is not 0 to %ld",
			       s, slash + 1, max);
	}
	out->prefix = (int)prefix;
	return 0;
}

int parse_ip(const char *s, struct ip_addr *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, '/'))
		return err_set(e, EINVAL, "invalid IP address '%.64s': no prefix length allowed here", s);
	if (strlen(s) >= 64 || parse_addr(s, out) < 0) {
		memset(out, 0, sizeof(*out));
		return err_set(e, EINVAL, "invalid IP address '%.64s': not an IPv4 or IPv6 address", s);
	}
	out->prefix = -1;
	return 0;
}

void ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN] = "";
	size_t n;

	inet_ntop(a->family, a->bytes, text, sizeof(text));
	snprintf(buf, len, "%s", text);
	n = strlen(buf);
	if (a->prefix >= 0 && n < len)
		snprintf(buf + n, len - n, "/%d", a->prefix);
}

int parse_mac(const char *s, unsigned char mac[6], struct err *e)
{
	bool zero = true;

	/* exactly "xx:xx:xx:xx:xx:xx": the length check keeps every index below in bounds */
	if (strlen(s) != 17)
		return err_set(e, EINVAL, "invalid MAC address '%.40s': use aa:bb:cc:dd:ee:ff", s);
	for (int i = 0; i < 6; i++) {
		int hi = hex_value(s[i * 3]), lo = hex_value(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return err_set(e, EINVAL, "invalid MAC address '%.40s': use aa:bb:cc:dd:ee:ff", s);
		mac[i] = (unsigned char)(hi << 4 | lo);
		zero = zero && !mac[i];
	}
	if (zero)
		return err_set(e, EINVAL, "invalid MAC address '%s': all zero", s);
	if (mac[0] & 1)
		return err_set(e, EINVAL, "invalid MAC address '%s': multicast", s);
	return 0;
}

int parse_mtu(const char *s, int *mtu, struct err *e)
{
	long v;

	if (parse_uint(s, MTU_MIN, MTU_MAX, &v) < 0)
		return err_set(e, EINVAL, "invalid MTU '%.20s': use %d to %d", s, MTU_MIN, MTU_MAX);
	*mtu = (int)v;
	return 0;
}

int parse_qlen(const char *s, int *qlen, struct err *e)
{
	long v;

	if (parse_uint(s, 0, QLEN_MAX, &v) < 0)
		return err_set(e, EINVAL, "invalid queue length '%.20s': use 0 to %d", s, QLEN_MAX);
	*qlen = (int)v;
	return 0;
}

int nic_validate(const struct nic_spec *n, struct err *e)
{
	struct ip_addr ip;
	unsigned char mac[6];
	bool eth = strcmp(n->type, "eth") == 0;

	if (!eth && strcmp(n->type, "veth") != 0)
		return err_set(e, EINVAL, "unsupported interface type '%s' (veth or eth)", n->type);
	if (!ifname_valid(n->ctr))
		return name_error(e, "container interface name", n->ctr);
	if (n->host[0] && !ifname_valid(n->host))
		return name_error(e, "host interface name", n->host);
	if (eth && !n->host[0])
		return err_set(e, EINVAL, "an eth interface needs its host name: --name HOST:CTR");
	if (eth && n->bridge[0])
		return err_set(e, EINVAL, "an eth interface cannot be put on a bridge");
	if (n->bridge[0] && !ifname_valid(n->bridge))
		return name_error(e, "bridge name", n->bridge);
	/* an eth link lent as it is (a CDI netDevice): no address, and its
	 * MTU (0) and queue length (-1) are left as they are */
	if (eth && !n->ip[0] && !n->mac[0] && n->mtu == 0 && n->qlen == -1)
		return 0;
	if (!n->ip[0])
		return err_set(e, EINVAL, "interface %s needs an address (--ip ADDR/N)", n->ctr);
	if (parse_cidr(n->ip, &ip, e) < 0)
		return -1;
	if (n->mac[0] && parse_mac(n->mac, mac, e) < 0)
		return -1;
	if (n->mtu < MTU_MIN || n->mtu > MTU_MAX)
		return err_set(e, EINVAL, "invalid MTU %d: use %d to %d", n->mtu, MTU_MIN, MTU_MAX);
	if (n->qlen < 0 || n->qlen > QLEN_MAX)
		return err_set(e, EINVAL, "invalid queue length %d: use 0 to %d", n->qlen, QLEN_MAX);
	return 0;
}

static bool is_default(const char *dest)
{
	return !dest[0] || strcmp(dest, "default") == 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static int route_check(const struct route_spec *r, bool need_target, struct err *e)
{
	static const char *const what[3] = { "dest", "gw", "src" };
	const char *val[3] = { r->dest, r->gw, r->src };
	int first = -1, family = 0;     /* the field that set the family */
	struct ip_addr a;

	for (int i = 0; i < 3; i++) {
		if (i == 0 ? is_default(val[i]) : !val[i][0])
			continue;
		if ((i == 0 ? parse_cidr(val[i], &a, e) : parse_ip(val[i], &a, e)) < 0)
			return err_wrap(e, "%s", what[i]);
		if (first >= 0 && a.family != family)
			return err_set(e, EINVAL, "%s %s (%s) and %s %s (%s) are not of one address family",
				       what[first], val[first], family_name(family), what[i], val[i],
				       family_name(a.family));
		if (first < 0) {
			first = i;
			family = a.family;
		}
	}
	if (r->dev[0] && !ifname_valid(r->dev))
		return name_error(e, "route device", r->dev);
	if (need_target && !r->gw[0] && !r->dev[0])
		return err_set(e, EINVAL, "route to %s needs a gw or a dev",
			       is_default(r->dest) ? "default" : r->dest);
	return 0;
}

int route_validate(const struct route_spec *r, struct err *e)
{
	return route_check(r, true, e);
}

int route_filter_validate(const struct route_spec *r, struct err *e)
{
	return route_check(r, false, e);
}

static int route_from_json(const cJSON *o, void *out, void *arg, struct err *e)
{
	struct route_spec *r = out;
	bool filter = *(const bool *)arg;
	static const char *const keys[] = { "dest", "src", "gw", "dev" };
	char *fields[] = { r->dest, r->src, r->gw, r->dev };
	size_t sizes[] = { sizeof(r->dest), sizeof(r->src), sizeof(r->gw), sizeof(r->dev) };
	bool seen[ARRAY_SIZE(keys)] = { false };
	const cJSON *m;

	memset(r, 0, sizeof(*r));
	if (!cJSON_IsObject(o))
		return err_set(e, EINVAL, "not an object: use {\"dest\",\"src\",\"gw\",\"dev\"}");
	cJSON_ArrayForEach(m, o) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (strcmp(m->string, keys[k]) == 0)
				break;
		if (k == ARRAY_SIZE(keys))
			return err_set(e, EINVAL, "unknown member \"%.40s\" (dest, src, gw, dev)",
				       m->string);
		/* cJSON keeps both members of {"dev":"a","dev":"b"}: refuse, not pick one */
		if (seen[k])
			return err_set(e, EINVAL, "\"%s\" given twice", keys[k]);
		seen[k] = true;
		if (!cJSON_IsString(m))
			return err_set(e, EINVAL, "\"%s\" is not a string", keys[k]);
		if (strlen(m->valuestring) >= sizes[k])
			return err_set(e, EINVAL, "\"%s\" '%.40s...' is too long", keys[k],
				       m->valuestring);
		strcpy(fields[k], m->valuestring);
	}
	return route_check(r, !filter, e);
}

int parse_routes_json(const char *json, bool filter, struct route_spec **out, size_t *n,
		      struct err *e)
{
	_cleanup_cjson_ cJSON *doc = NULL;
	const struct json_array_reader r = { .what = "routes", .size = sizeof(**out),
					     .elem = route_from_json, .arg = &filter };
	int count;

	*out = NULL;
	*n = 0;
	if (json_parse(json, strlen(json), &doc, e) < 0)
		return err_wrap(e, "routes");
	if (!cJSON_IsArray(doc))
		return err_set(e, EINVAL, "routes must be a JSON array of {\"dest\",\"src\",\"gw\",\"dev\"}");
	count = cJSON_GetArraySize(doc);
	if (count == 0)
		return err_set(e, EINVAL, "no route given");
	if (count > MAX_ROUTES)
		return err_set(e, EINVAL, "%d routes given, at most %d allowed", count, MAX_ROUTES);
	return json_array_read(doc, &r, out, n, e);
}

bool route_matches(const struct route_spec *f, const struct route_spec *r)
{
	if (f->dest[0] && (is_default(f->dest) ? !is_default(r->dest) : strcmp(f->dest, r->dest)))
		return false;
	return (!f->src[0] || !strcmp(f->src, r->src)) && (!f->gw[0] || !strcmp(f->gw, r->gw)) &&
	       (!f->dev[0] || !strcmp(f->dev, r->dev));
}

bool route_equal(const struct route_spec *a, const struct route_spec *b)
{
	bool dest = is_default(a->dest) ? is_default(b->dest) : !strcmp(a->dest, b->dest);

	return dest && !strcmp(a->src, b->src) && !strcmp(a->gw, b->gw) && !strcmp(a->dev, b->dev);
}

void route_format(const struct route_spec *r, enum route_text form, char *buf, size_t len)
{
	if (form == ROUTE_TEXT_GO)
		snprintf(buf, len, "{dest:%s,src:%s,gw:%s,dev:%s}", r->dest, r->src, r->gw, r->dev);
	else
		snprintf(buf, len, "%s%s%s%s%s%s%s", is_default(r->dest) ? "default" : r->dest,
			 r->gw[0] ? " via " : "", r->gw, r->dev[0] ? " dev " : "", r->dev,
			 r->src[0] ? " src " : "", r->src);
}

static bool same_ip(const char *a, const char *b)
{
	struct ip_addr x, y;

	if (parse_cidr(a, &x, ERR_DISCARD) < 0 || parse_cidr(b, &y, ERR_DISCARD) < 0)
		return false;
	return x.family == y.family && !memcmp(x.bytes, y.bytes, sizeof(x.bytes));
}

int nic_conflicts(const struct nic_spec *n, const struct nic_spec *saved, size_t n_saved,
		  struct err *e)
{
	if (n_saved >= NIC_MAX_PER_CONTAINER)
		return err_set(e, ENOSPC, "the container already has %d interfaces, the most allowed",
			       NIC_MAX_PER_CONTAINER);
	for (size_t i = 0; i < n_saved; i++) {
		const struct nic_spec *s = &saved[i];

		if (!strcmp(n->ctr, s->ctr))
			return err_set(e, EEXIST, "interface name %s is already used in the container", n->ctr);
		if (n->host[0] && !strcmp(n->host, s->host))
			return err_set(e, EEXIST, "host interface name %s is already used", n->host);
		if (n->mac[0] && !strcasecmp(n->mac, s->mac))
			return err_set(e, EEXIST, "MAC address %s is already used by %s", n->mac, s->ctr);
		if (same_ip(n->ip, s->ip))
			return err_set(e, EEXIST, "address %s is already used by %s", n->ip, s->ctr);
	}
	return 0;
}

/* Is bare address @ip (text) inside the subnet of CIDR @cidr (text)? */
static bool in_subnet(const char *ip, const char *cidr)
{
	struct ip_addr a, net;
	int bits;

	if (!ip[0] || parse_ip(ip, &a, ERR_DISCARD) < 0 || parse_cidr(cidr, &net, ERR_DISCARD) < 0 ||
	    a.family != net.family)
		return false;
	bits = net.prefix;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		unsigned char mask = (unsigned char)(bits >= 8 ? 0xff : 0xff << (8 - bits));

		if ((a.bytes[i] & mask) != (net.bytes[i] & mask))
			return false;
	}
	return true;
}

/* Is bare address @ip the address part of CIDR @cidr? */
static bool is_address_of(const char *ip, const char *cidr)
{
	struct ip_addr a, b;

	if (!ip[0] || parse_ip(ip, &a, ERR_DISCARD) < 0 || parse_cidr(cidr, &b, ERR_DISCARD) < 0)
		return false;
	return a.family == b.family && !memcmp(a.bytes, b.bytes, sizeof(a.bytes));
}

bool route_needs_nic(const struct route_spec *r, const struct nic_spec *n,
		     const struct nic_spec *others, size_t n_others)
{
	if (is_address_of(r->src, n->ip))
		return true;
	if (r->dev[0])
		return strcmp(r->dev, n->ctr) == 0;
	if (!in_subnet(r->gw, n->ip))
		return false;
	/* another interface on the gateway's subnet carries the route as well */
	for (size_t i = 0; i < n_others; i++)
		if (strcmp(others[i].ctr, n->ctr) != 0 && in_subnet(r->gw, others[i].ip))
			return false;
	return true;
}

int route_check_readdress(const struct route_spec *r, const struct nic_spec *n,
			  const char *new_ip, struct err *e)
{
	const char *what = r->dest[0] ? r->dest : "default";

	if (is_address_of(r->src, n->ip) && !is_address_of(r->src, new_ip))
		return err_set(e, EBUSY, "route %s uses %s's address %s as its source; remove it "
			       "before changing the address", what, n->ctr, r->src);
	if (r->gw[0] && (!r->dev[0] || !strcmp(r->dev, n->ctr)) && in_subnet(r->gw, n->ip) &&
	    !in_subnet(r->gw, new_ip))
		return err_set(e, EBUSY, "route %s goes via %s, which is not on %s's new subnet "
			       "%s; remove it before changing the address", what, r->gw, n->ctr,
			       new_ip);
	return 0;
}
