#include "drift.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int drift_mount(const char *mountinfo, const char *path, bool *ro)
{
	_cleanup_free_ char *copy = xstrdup(mountinfo);
	_cleanup_free_ char *want = path_clean(path);
	char *save = NULL;
	int found = 0;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[6], *fs = NULL;
		int n = 0;

		for (char *t = strtok_r(l, " ", &fs); t && n < 6; t = strtok_r(NULL, " ", &fs))
			f[n++] = t;
		if (n < 6)
			continue;
		unescape(f[4]);
		if (strcmp(f[4], want) != 0)
			continue;
		/* later lines are mounted on top of earlier ones */
		found = 1;
		*ro = !strncmp(f[5], "ro", 2) && (f[5][2] == ',' || !f[5][2]);
	}
	return found;
}

/* One address of /proc/net/ipv6_route: 32 hex digits. */
static bool hex16(const char *s, unsigned char out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	return strlen(s) == 32;
}

static bool v6_line(const char *l, const struct ip_addr *d, const struct ip_addr *gw,
		    const char *dev)
{
	char dst[33], src[33], hop[33], name[32];
	unsigned plen, slen, metric, ref, use, flags;
	unsigned char a[16], g[16];

	if (sscanf(l, "%32s %x %32s %x %32s %x %x %x %x %31s", dst, &plen, src, &slen, hop, &metric,
		   &ref, &use, &flags, name) != 10 || !hex16(dst, a) || !hex16(hop, g))
		return false;
	return (int)plen == d->prefix && !memcmp(a, d->bytes, 16) &&
	       (!gw->family || !memcmp(g, gw->bytes, 16)) && (!dev[0] || !strcmp(dev, name));
}

static bool v4_line(const char *l, const struct ip_addr *d, const struct ip_addr *gw,
		    const char *dev)
{
	unsigned dst, hop, flags, ref, use, metric, mask;
	char name[32];
	uint32_t want_mask = d->prefix ? htonl(~0u << (32 - d->prefix)) : 0;
	uint32_t want_dst, want_gw;

	if (sscanf(l, "%31s %x %x %x %x %x %x %x", name, &dst, &hop, &flags, &ref, &use, &metric,
		   &mask) != 8)
		return false;
	memcpy(&want_dst, d->bytes, 4);
	memcpy(&want_gw, gw->bytes, 4);
	return dst == want_dst && mask == want_mask && (!gw->family || hop == want_gw) &&
	       (!dev[0] || !strcmp(dev, name));
}

int drift_route(const char *v4, const char *v6, const struct route_spec *r)
{
	struct ip_addr d = { 0 }, gw = { 0 };
	struct err e = { 0 };
	const char *text;
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (r->dest[0] && strcmp(r->dest, "default") != 0) {
		if (parse_cidr(r->dest, &d, &e) < 0)
			return -1;
	}
	if (r->gw[0] && parse_ip(r->gw, &gw, &e) < 0)
		return -1;
	if (!d.family) {
		/* default: the family of the gateway or the source */
		d.family = gw.family ? gw.family : strchr(r->src, ':') ? AF_INET6 : AF_INET;
		d.prefix = 0;
	}
	text = d.family == AF_INET6 ? v6 : v4;
	copy = xstrdup(text ? text : "");
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (d.family == AF_INET6 ? v6_line(l, &d, &gw, r->dev) : v4_line(l, &d, &gw, r->dev))
			return 1;
	return 0;
}

int drift_qos(const char *text, const char *want, bool v2)
{
	_cleanup_free_ char *copy = xstrdup(text);
	size_t key = strcspn(want, " ");
	char *save = NULL;
	const char *at;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, want, key) != 0 || l[key] != ' ')
			continue;
		if (!v2)
			return !strcmp(l, want);
		/* io.max: "MAJ:MIN rbps=N wbps=max ...", our one key among them */
		at = strstr(l + key, want + key);
		return at && (at[strlen(want + key)] == ' ' || !at[strlen(want + key)]);
	}
	return 0;
}
