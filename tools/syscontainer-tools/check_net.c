/* check: interfaces (present, address, MTU, MAC, up) and routes of a
 * running container. --fix uses the add-nic / add-route code: a missing
 * interface is added again as the hook adds it, a link setting or an
 * address set again, a missing route added again. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "drift.h"
#include "net_add.h"
#include "net_apply.h"
#include "net_route.h"
#include "netlink_msg.h"
#include "store_net.h"
#include "util.h"

/* "NAME ADDRESS/PREFIX" for an IPv4 or IPv6 entry of getifaddrs; other
 * entries (a link without an address has none, ifa_addr NULL) are left
 * out. */
static void print_addr(FILE *f, const struct ifaddrs *i)
{
	const void *a, *m;
	char text[INET6_ADDRSTRLEN];
	int fam, bits = 0, len;

	if (!i->ifa_addr || !i->ifa_netmask)
		return;
	fam = i->ifa_addr->sa_family;
	if (fam == AF_INET) {
		a = &((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
		m = &((const struct sockaddr_in *)i->ifa_netmask)->sin_addr;
		len = 4;
	} else if (fam == AF_INET6) {
		a = &((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		m = &((const struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr;
		len = 16;
	} else {
		return;
	}
	for (int k = 0; k < len; k++)
		bits += __builtin_popcount(((const unsigned char *)m)[k]);
	fprintf(f, "%s %s/%d\n", i->ifa_name, inet_ntop(fam, a, text, sizeof(text)), bits);
}

/* The addresses of every interface in network namespace @netns, one
 * "NAME ADDRESS/PREFIX" line each, listed by a child that enters it. */
static int ctr_addrs(int netns, char **out, struct err *e)
{
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		err_sys(e, errno, "fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		struct ifaddrs *ifa = NULL;
		FILE *f = fdopen(p[1], "w");

		if (!f || setns(netns, CLONE_NEWNET) < 0 || getifaddrs(&ifa) < 0)
			_exit(1);
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
			print_addr(f, i);
		freeifaddrs(ifa);
		_exit(fclose(f) ? 1 : 0);
	}
	close(p[1]);
	read_fd_all(p[0], 1 << 20, out, NULL, e);
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return err_set(e, EIO, "cannot list the addresses in the container");
	return *out ? 0 : -1;
}

/* Has @name the address @cidr in @addrs (ctr_addrs)? */
static bool has_addr(const char *addrs, const char *name, const char *cidr)
{
	_cleanup_free_ char *copy = xstrdup(addrs);
	struct ip_addr want, got;
	struct err e = { 0 };
	char *save = NULL;

	if (parse_cidr(cidr, &want, &e) < 0)
		return false;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');

		if (!sp || strncmp(l, name, (size_t)(sp - l)) || strlen(name) != (size_t)(sp - l) ||
		    parse_cidr(sp + 1, &got, &e) < 0)
			continue;
		if (got.family == want.family && got.prefix == want.prefix &&
		    !memcmp(got.bytes, want.bytes, want.family == AF_INET ? 4 : 16))
			return true;
	}
	return false;
}

static void look_link(struct check_item *it, const struct nic_spec *n,
		      const struct nl_link_info *li, const char *addrs)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", li->mac[0], li->mac[1],
		 li->mac[2], li->mac[3], li->mac[4], li->mac[5]);
	if (n->ip[0] && !has_addr(addrs, n->ctr, n->ip))
		check_drift(it, xasprintf("address %s missing", n->ip));
	if (n->mtu && li->mtu != n->mtu)
		check_drift(it, xasprintf("mtu %d, not %d", li->mtu, n->mtu));
	if (n->mac[0] && strcmp(mac, n->mac) != 0)
		check_drift(it, xasprintf("mac %s, not %s", mac, n->mac));
	if (!li->up)
		check_drift(it, xstrdup("down"));
}

/* --fix of an interface that is there: its settings and address again. */
static int fix_link(struct net_ctx *c, const struct nic_spec *n, const struct nl_link_info *li,
		    const char *addrs, struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	unsigned char mac[6];
	struct ip_addr ip;

	a.mtu = n->mtu;
	a.up = 1;
	if (n->mac[0] && sscanf(n->mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
				&mac[3], &mac[4], &mac[5]) == 6)
		a.mac = mac;
	if (nl_link_set(c->ctr, li->index, &a, e) < 0)
		return err_wrap(e, "set %s", n->ctr);
	if (n->ip[0] && !has_addr(addrs, n->ctr, n->ip) &&
	    (parse_cidr(n->ip, &ip, e) < 0 || nl_addr(c->ctr, RTM_NEWADDR, li->index, &ip, e) < 0))
		return err_wrap(e, "address %s of %s", n->ip, n->ctr);
	return 0;
}

static void check_nics(struct net_ctx *c, const struct nic_spec *nics, size_t n,
		       const char *addrs, struct check_report *r)
{
	for (size_t i = 0; i < n; i++) {
		struct check_item *it = check_add(r, "interface", xstrdup(nics[i].ctr), NULL);
		struct nl_link_info li;
		struct err why = { 0 };

		if (nl_link_info(c->ctr, nics[i].ctr, &li, &why) < 0) {
			check_drift(it, why.code == ENODEV ? xstrdup("missing")
							   : xasprintf("cannot read: %s", why.msg));
			if (r->fix && why.code == ENODEV)
				check_fixed(it, net_add_nics(c, &nics[i], 1, NULL, 0, &why), &why);
			continue;
		}
		look_link(it, &nics[i], &li, addrs);
		if (it->drift && r->fix)
			check_fixed(it, fix_link(c, &nics[i], &li, addrs, &why), &why);
	}
}

static int read_routes(int pid, char **v4, char **v6, struct err *e)
{
	_cleanup_free_ char *p4 = xasprintf("/proc/%d/net/route", pid);
	_cleanup_free_ char *p6 = xasprintf("/proc/%d/net/ipv6_route", pid);

	if (read_file_at(AT_FDCWD, p4, 16 << 20, v4, NULL, e) < 0)
		return -1;
	/* a kernel without IPv6 has no such file: no IPv6 routes */
	if (read_file_at(AT_FDCWD, p6, 16 << 20, v6, NULL, e) < 0 && e->code != ENOENT)
		return -1;
	err_clear(e);
	return 0;
}

static int check_routes(struct net_ctx *c, int pid, const struct route_spec *rt, size_t n,
			struct check_report *r, struct err *e)
{
	_cleanup_free_ char *v4 = NULL, *v6 = NULL;

	if (n && read_routes(pid, &v4, &v6, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char text[ROUTE_TEXT_MAX];
		struct check_item *it;
		struct err why = { 0 };

		route_format(&rt[i], ROUTE_TEXT_IP, text, sizeof(text));
		it = check_add(r, "route", xstrdup(text), NULL);
		if (drift_route(v4, v6, &rt[i]) == 1)
			continue;
		check_drift(it, xstrdup("missing"));
		if (r->fix)
			check_fixed(it, net_add_route(c, &rt[i], &why), &why);
	}
	return 0;
}

int check_net(struct target *t, struct check_report *r, struct err *e)
{
	struct nic_spec *nics = NULL;
	struct route_spec *routes = NULL;
	_cleanup_free_ char *addrs = NULL;
	struct net_ctx c = { 0 };
	size_t nn = 0, nr = 0;
	int netns = -1, ret = -1;

	if (store_nics(t->store.doc, &nics, &nn, e) < 0 ||
	    store_routes(t->store.doc, &routes, &nr, e) < 0)
		goto out;
	if (nn + nr == 0) {
		ret = 0;
		goto out;
	}
	if (target_net_open(t, &c, &netns, e) < 0 || ctr_addrs(netns, &addrs, e) < 0)
		goto out;
	check_nics(&c, nics, nn, addrs, r);
	ret = check_routes(&c, t->c.rec.pid, routes, nr, r, e);
out:
	if (netns >= 0)
		target_net_close(&c, netns);
	free(nics);
	free(routes);
	return ret;
}
