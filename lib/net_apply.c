#include "net_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int net_ctx_open(int ctr_netns_fd, struct net_ctx *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->ctr_netns_fd = ctr_netns_fd;
	c->host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (c->host_netns_fd < 0)
		return err_sys(e, errno, "open host network namespace");
	if (nl_open(-1, &c->host, e) < 0 ||
	    (ctr_netns_fd >= 0 && nl_open(ctr_netns_fd, &c->ctr, e) < 0)) {
		net_ctx_close(c);
		return -1;
	}
	return 0;
}

void net_ctx_close(struct net_ctx *c)
{
	nl_close(c->host);
	nl_close(c->ctr);
	if (c->host_netns_fd >= 0)
		close(c->host_netns_fd);
	memset(c, 0, sizeof(*c));
	c->host_netns_fd = -1;
}

static void route_text(const struct route_spec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s", r->dest[0] ? r->dest : "default",
		 r->gw[0] ? " via " : "", r->gw, r->dev[0] ? " dev " : "", r->dev,
		 r->src[0] ? " src " : "", r->src);
}

/* The steps of configuring the container side of a nic, for tags. */
enum { STEP_SET, STEP_ADDR, STEP_UP, STEPS };

/* Queue the container side of a nic at index @idx: MAC, MTU and qlen (when
 * @set), its address, up. Tags are @tag * STEPS + step. */
static int queue_configure(struct nl *nl, int idx, const struct nic_spec *n, bool set, int tag,
			   struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	unsigned char mac[6];
	struct ip_addr ip;

	if (set) {
		if (n->mac[0]) {
			if (parse_mac(n->mac, mac, e) < 0)
				return -1;
			a.mac = mac;
		}
		a.mtu = n->mtu;
		a.qlen = n->qlen;
		nlmsg_setlink(nl_slot(nl), idx, &a);
		if (nl_queue(nl, tag * STEPS + STEP_SET, e) < 0)
			return -1;
	}
	if (parse_cidr(n->ip, &ip, e) < 0)
		return -1;
	nlmsg_addr(nl_slot(nl), RTM_NEWADDR, idx, &ip);
	if (nl_queue(nl, tag * STEPS + STEP_ADDR, e) < 0)
		return -1;
	a = (struct link_attrs)LINK_ATTRS_KEEP;
	a.up = 1;
	nlmsg_setlink(nl_slot(nl), idx, &a);
	return nl_queue(nl, tag * STEPS + STEP_UP, e);
}

static int configure_failed(const struct nic_spec *n, int step, struct err *e)
{
	switch (step) {
	case STEP_SET:
		return err_wrap(e, "configure %s in the container", n->ctr);
	case STEP_ADDR:
		return err_wrap(e, "add address %s to %s", n->ip, n->ctr);
	default:
		return err_wrap(e, "bring %s up in the container", n->ctr);
	}
}

/* The container side of one nic, in one send. */
static int configure_ctr(struct net_ctx *c, const struct nic_spec *n, bool set, struct err *e)
{
	int idx, tag = 0;

	if (nl_link_index(c->ctr, n->ctr, &idx, e) < 0)
		return -1;
	if (queue_configure(c->ctr, idx, n, set, 0, e) < 0) {
		nl_flush(c->ctr, &tag, &(struct err){ 0 });
		return -1;
	}
	if (nl_flush(c->ctr, &tag, e) < 0)
		return configure_failed(n, tag % STEPS, e);
	return 0;
}

static void delete_host_link(struct net_ctx *c, const char *name)
{
	struct err undo = { 0 };
	int idx;

	/* a link that is not there leaves nothing to undo */
	if (nl_link_index(c->host, name, &idx, ERR_DISCARD) == 0 &&
	    nl_link_del(c->host, idx, &undo) < 0)
		err_warn(&undo, "undo: delete host interface %s", name);
}

int net_bridge_index(struct net_ctx *c, const char *name, int *index, struct err *e)
{
	struct nl_link_info li;

	if (nl_link_info(c->host, name, &li, e) < 0)
		return err_wrap(e, "bridge");
	/* the kernel would say only "Operation not supported" */
	if (strcmp(li.kind, "bridge") != 0)
		return err_set(e, ENOTSUP, "%s is not a bridge", name);
	*index = li.index;
	return 0;
}

/* The request that makes a veth pair with both ends set (names, MTU, MAC,
 * qlen, bridge, the host end up) and the container end already in its
 * namespace, built at @buf. (A veth end cannot be brought up while its
 * pair is being made: its peer is not linked yet.) */
static int build_veth(struct net_ctx *c, const struct nic_spec *n, void *buf, struct err *e)
{
	struct link_attrs host = LINK_ATTRS_KEEP, peer = LINK_ATTRS_KEEP;
	unsigned char mac[6];

	host.name = n->host;
	host.mtu = n->mtu;
	host.up = 1;
	if (n->bridge[0] && net_bridge_index(c, n->bridge, &host.master, e) < 0)
		return -1;
	peer.name = n->ctr;
	peer.mtu = n->mtu;
	peer.qlen = n->qlen;
	peer.netns_fd = c->ctr_netns_fd;
	if (n->mac[0]) {
		if (parse_mac(n->mac, mac, e) < 0)
			return -1;
		peer.mac = mac;
	}
	nlmsg_veth(buf, &host, &peer);
	return 0;
}

/* EEXIST from making a pair: say whose name is taken when it is the host's. */
static int veth_failed(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (e->code == EEXIST && nl_link_index(c->host, n->host, &idx, ERR_DISCARD) == 0)
		return err_set(e, EEXIST, "the host already has an interface named %s", n->host);
	return err_wrap(e, "create veth pair %s/%s", n->host, n->ctr);
}

/* The pair in one request, then its container end in one more. */
static int add_veth(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int tag = 0;

	if (build_veth(c, n, nl_slot(c->host), e) < 0 || nl_queue(c->host, 0, e) < 0) {
		nl_flush(c->host, &tag, &(struct err){ 0 });
		return -1;
	}
	if (nl_flush(c->host, &tag, e) < 0)
		return veth_failed(c, n, e);
	if (configure_ctr(c, n, false, e) < 0) {
		delete_host_link(c, n->host);
		return -1;
	}
	return 0;
}

static int move_link(struct nl *from, const char *name, int to_netns, const char *new_name,
		     struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	int idx;

	if (nl_link_index(from, name, &idx, e) < 0)
		return -1;
	a.up = 0;
	if (nl_link_set(from, idx, &a, e) < 0)
		return err_wrap(e, "bring %s down", name);
	a.up = -1;
	a.netns_fd = to_netns;
	a.name = new_name;
	if (nl_link_set(from, idx, &a, e) < 0)
		return err_wrap(e, "move %s", name);
	return 0;
}

static int give_eth_back(struct net_ctx *c, const struct nic_spec *n, int idx, struct err *e);

static int add_eth(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	if (move_link(c->host, n->host, c->ctr_netns_fd, n->ctr, e) < 0)
		return err_wrap(e, "move host interface %s into the container as %s", n->host, n->ctr);
	if (configure_ctr(c, n, true, e) < 0) {
		struct err undo = { 0 };
		int idx;

		if (nl_link_index(c->ctr, n->ctr, &idx, ERR_DISCARD) == 0 &&
		    give_eth_back(c, n, idx, &undo) < 0)
			err_warn(&undo, "undo: give %s back to the host", n->ctr);
		return -1;
	}
	return 0;
}

int net_add_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int r = strcmp(n->type, "eth") == 0 ? add_eth(c, n, e) : add_veth(c, n, e);

	if (r < 0)
		return err_wrap(e, "add %s interface %s", n->type, n->ctr);
	return 0;
}

/* The container's end of every nic, then every route, in one send: the
 * kernel runs them in order, so a route finds its device up and its
 * gateway's subnet in place. Tags: nic i step k is i * STEPS + k; route k
 * is (nn + k) * STEPS. */
static int configure_all(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
			 const struct route_spec *routes, size_t nr, struct err *e)
{
	_cleanup_free_ struct nl_link *links = NULL;
	size_t n_links = 0;
	int tag = 0;

	if (nl_links(c->ctr, &links, &n_links, e) < 0)
		return -1;
	for (size_t i = 0; i < nn; i++) {
		int idx = nl_links_find(links, n_links, nics[i].ctr);

		if (!idx) {
			err_set(e, ENODEV, "no interface named %s in the container", nics[i].ctr);
			goto failed;
		}
		if (queue_configure(c->ctr, idx, &nics[i], strcmp(nics[i].type, "eth") == 0,
				    (int)i, e) < 0)
			goto failed;
	}
	for (size_t k = 0; k < nr; k++) {
		struct route_req q;
		char text[256];

		route_text(&routes[k], text, sizeof(text));
		if (route_to_req(NULL, &routes[k], &q, e) < 0) {
			err_wrap(e, "add route %s", text);
			goto failed;
		}
		if (routes[k].dev[0]) {
			q.oif = nl_links_find(links, n_links, routes[k].dev);
			if (!q.oif) {
				err_set(e, ENODEV, "add route %s: route device: no interface named %s",
					text, routes[k].dev);
				goto failed;
			}
		}
		nlmsg_route(nl_slot(c->ctr), RTM_NEWROUTE, &q);
		if (nl_queue(c->ctr, (int)(nn + k) * STEPS, e) < 0)
			goto failed;
	}
	if (nl_flush(c->ctr, &tag, e) == 0)
		return 0;
	if ((size_t)(tag / STEPS) < nn) {
		const struct nic_spec *n = &nics[tag / STEPS];

		configure_failed(n, tag % STEPS, e);
		return err_wrap(e, "add %s interface %s", n->type, n->ctr);
	} else {
		char text[256];

		route_text(&routes[tag / STEPS - nn], text, sizeof(text));
		return err_wrap(e, "add route %s", text);
	}
failed:
	nl_flush(c->ctr, &tag, &(struct err){ 0 });
	return -1;
}

int net_bring_up(struct net_ctx *c, const struct nic_spec *nics, size_t nn,
		 const struct route_spec *routes, size_t nr, struct err *e)
{
	int tag = 0;

	/* eth links one by one: each is a host link taken down, renamed and
	 * moved, and there is no batch to be had */
	for (size_t i = 0; i < nn; i++)
		if (strcmp(nics[i].type, "eth") == 0 &&
		    move_link(c->host, nics[i].host, c->ctr_netns_fd, nics[i].ctr, e) < 0)
			return err_wrap(e, "add eth interface %s: move host interface %s into the "
					"container", nics[i].ctr, nics[i].host);
	/* every veth pair in one send */
	for (size_t i = 0; i < nn; i++) {
		if (strcmp(nics[i].type, "eth") == 0)
			continue;
		if (build_veth(c, &nics[i], nl_slot(c->host), e) < 0 ||
		    nl_queue(c->host, (int)i, e) < 0) {
			nl_flush(c->host, &tag, &(struct err){ 0 });
			return err_wrap(e, "add veth interface %s", nics[i].ctr);
		}
	}
	if (nl_flush(c->host, &tag, e) < 0) {
		veth_failed(c, &nics[tag], e);
		return err_wrap(e, "add veth interface %s", nics[tag].ctr);
	}
	return configure_all(c, nics, nn, routes, nr, e);
}

/* Without the container's namespace the link is either back already (a
 * second poststop) or out of our reach: when a namespace dies the kernel
 * returns a physical link to the host under its container name or as devN,
 * and a host link of that name need not be ours, so it is left alone and
 * reported. */
static int eth_back_without_netns(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (nl_link_index(c->host, n->host, &idx, e) == 0)
		return 0;
	return err_set(e, ENODEV, "interface %s (%s in the container) is not on the host and the "
		       "container's network namespace is gone; look for it under %s or devN",
		       n->host, n->ctr, n->ctr);
}

/* An eth link goes back as it came: MAC and MTU set while it is still in
 * the container (where it is certainly ours), then moved under its host
 * name and brought up or left down as it was. */
static int give_eth_back(struct net_ctx *c, const struct nic_spec *n, int idx, struct err *e)
{
	struct link_attrs a = LINK_ATTRS_KEEP;
	unsigned char mac[6];

	a.up = 0;
	if (n->orig_mac[0] && parse_mac(n->orig_mac, mac, e) == 0)
		a.mac = mac;
	a.mtu = n->orig_mtu;
	if (nl_link_set(c->ctr, idx, &a, e) < 0)
		return err_wrap(e, "restore the MAC and MTU of %s", n->ctr);
	a = (struct link_attrs)LINK_ATTRS_KEEP;
	a.netns_fd = c->host_netns_fd;
	a.name = n->host;
	if (nl_link_set(c->ctr, idx, &a, e) < 0)
		return err_wrap(e, "move %s", n->ctr);
	if (n->orig_up == 1) {
		a = (struct link_attrs)LINK_ATTRS_KEEP;
		a.up = 1;
		if (nl_link_index(c->host, n->host, &idx, e) < 0 || nl_link_set(c->host, idx, &a, e) < 0)
			return err_wrap(e, "bring %s up on the host", n->host);
	}
	return 0;
}

int net_remove_nic(struct net_ctx *c, const struct nic_spec *n, struct err *e)
{
	int idx;

	if (strcmp(n->type, "eth") == 0) {
		if (!c->ctr)
			return eth_back_without_netns(c, n, e);
		if (nl_link_index(c->ctr, n->ctr, &idx, e) < 0)
			return e->code == ENODEV ? 0 : -1;
		if (give_eth_back(c, n, idx, e) < 0)
			return err_wrap(e, "give %s back to the host as %s", n->ctr, n->host);
		return 0;
	}
	/* A veth pair goes with its container end, which is certainly ours;
	 * a host link of the same name may belong to someone else. Without
	 * the container's namespace the pair died with it. */
	if (!c->ctr)
		return 0;
	if (nl_link_index(c->ctr, n->ctr, &idx, e) < 0)
		return e->code == ENODEV ? 0 : -1;
	if (nl_link_del(c->ctr, idx, e) < 0)
		return err_wrap(e, "delete %s", n->ctr);
	return 0;
}

int net_eth_orig(struct net_ctx *c, struct nic_spec *n, struct err *e)
{
	struct nl_link_info li;

	if (nl_link_info(c->host, n->host, &li, e) < 0)
		return -1;
	if (li.has_mac)
		snprintf(n->orig_mac, sizeof(n->orig_mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 li.mac[0], li.mac[1], li.mac[2], li.mac[3], li.mac[4], li.mac[5]);
	/* an address we could not set back (all zero) is not kept */
	if (n->orig_mac[0] && parse_mac(n->orig_mac, li.mac, &(struct err){ 0 }) < 0)
		n->orig_mac[0] = '\0';
	n->orig_mtu = li.mtu >= MTU_MIN && li.mtu <= MTU_MAX ? li.mtu : 0;
	n->orig_up = li.up;
	return 0;
}

int route_to_req(struct net_ctx *c, const struct route_spec *r, struct route_req *q,
		 struct err *e)
{
	memset(q, 0, sizeof(*q));
	if (r->dest[0] && strcmp(r->dest, "default") != 0 && parse_cidr(r->dest, &q->dst, e) < 0)
		return -1;
	if (r->gw[0] && parse_ip(r->gw, &q->gw, e) < 0)
		return -1;
	if (r->src[0] && parse_ip(r->src, &q->src, e) < 0)
		return -1;
	q->family = q->dst.family ? q->dst.family : q->gw.family ? q->gw.family :
		    q->src.family ? q->src.family : AF_INET;
	if (r->dev[0] && c && nl_link_index(c->ctr, r->dev, &q->oif, e) < 0)
		return err_wrap(e, "route device");
	return 0;
}

int net_add_route(struct net_ctx *c, const struct route_spec *r, struct err *e)
{
	struct route_req q;
	char text[256];

	route_text(r, text, sizeof(text));
	if (route_to_req(c, r, &q, e) < 0 || nl_route(c->ctr, RTM_NEWROUTE, &q, e) < 0)
		return err_wrap(e, "add route %s", text);
	return 0;
}

int net_del_route(struct net_ctx *c, const struct route_spec *r, struct err *e)
{
	struct route_req q;
	char text[256];

	route_text(r, text, sizeof(text));
	if (route_to_req(c, r, &q, e) < 0) {
		if (e->code == ENODEV)
			return 0;       /* its device is gone, and the route with it */
		return err_wrap(e, "delete route %s", text);
	}
	if (nl_route(c->ctr, RTM_DELROUTE, &q, e) < 0) {
		if (e->code == ESRCH)
			return 0;       /* already gone */
		return err_wrap(e, "delete route %s", text);
	}
	return 0;
}

void veth_random_name(const char *id, char out[IFNAMSIZ])
{
	unsigned char rnd[3] = { 0 };
	char prefix[10];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		unsigned v = (unsigned)getpid() ^ (unsigned)time(NULL);

		memcpy(rnd, &v, sizeof(rnd));
	}
	for (i = 0; i < 9 && id[i]; i++)
		prefix[i] = id[i];
	prefix[i] = '\0';
	snprintf(out, IFNAMSIZ, "%s_%02x%02x%x", prefix, rnd[0], rnd[1], rnd[2] & 0xf);
}

static char *pin_path(const char *rundir, const char *id)
{
	return xasprintf("%s/%s/netns", rundir, id);
}

int netns_pin(const char *rundir, const char *id, int pid, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", rundir, id);
	_cleanup_free_ char *path = pin_path(rundir, id);
	_cleanup_free_ char *src = xasprintf("/proc/%d/ns/net", pid);
	struct stat a, b;
	int fd;

	if (stat(src, &a) < 0)
		return err_sys(e, errno, "stat %s", src);
	if (stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;               /* already pinned */
	/* a pin left by a crashed run: drop it */
	umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
	if (mkdir_p(dir, 0700, e) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_sys(e, errno, "create %s", path);
	close(fd);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		return err_sys(e, errno, "pin network namespace on %s", path);
	return 0;
}

int netns_pin_open(const char *rundir, const char *id, int *fd, struct err *e)
{
	_cleanup_free_ char *path = pin_path(rundir, id);

	struct statfs sfs;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (fstatfs(*fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		close(*fd);
		*fd = -1;
		return err_set(e, ENOENT, "%s is not a pinned namespace", path);
	}
	return 0;
}

int netns_unpin(const char *rundir, const char *id, struct err *e)
{
	_cleanup_free_ char *path = pin_path(rundir, id);

	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return err_sys(e, errno, "unpin %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", path);
	return 0;
}
