#include "net_route.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

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

int net_queue_route(struct nl *nl, const struct route_spec *r, const struct nl_link *links,
		    size_t n_links, int tag, struct err *e)
{
	struct route_req q;
	char text[ROUTE_TEXT_MAX];

	route_format(r, ROUTE_TEXT_IP, text, sizeof(text));
	if (route_to_req(NULL, r, &q, e) < 0)
		return err_wrap(e, "add route %s", text);
	if (r->dev[0]) {
		q.oif = nl_links_find(links, n_links, r->dev);
		if (!q.oif)
			return err_set(e, ENODEV, "add route %s: route device: no interface named %s",
				       text, r->dev);
	}
	nlmsg_route(nl_slot(nl), RTM_NEWROUTE, &q);
	return nl_queue(nl, tag, e);
}

int net_add_route(struct net_ctx *c, const struct route_spec *r, struct err *e)
{
	struct route_req q;
	char text[ROUTE_TEXT_MAX];

	route_format(r, ROUTE_TEXT_IP, text, sizeof(text));
	if (route_to_req(c, r, &q, e) < 0 || nl_route(c->ctr, RTM_NEWROUTE, &q, e) < 0)
		return err_wrap(e, "add route %s", text);
	return 0;
}

int net_del_route(struct net_ctx *c, const struct route_spec *r, struct err *e)
{
	struct route_req q;
	char text[ROUTE_TEXT_MAX];

	route_format(r, ROUTE_TEXT_IP, text, sizeof(text));
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
