/* The network half of the hook: at prestart, recreate every saved
 * interface and route in the container's new network namespace and pin
 * that namespace; at poststop, delete the host ends of veth pairs, give eth
 * links back to the host and unpin. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "hook.h"
#include "log.h"
#include "net_add.h"
#include "net_apply.h"
#include "netns_pin.h"
#include "netns_share.h"
#include "oci_state.h"
#include "record.h"
#include "store.h"
#include "store_net.h"
#include "util.h"

/* May the saved network be applied to this container at all? A container
 * in the host's network namespace, or in one it joins without the
 * operator's consent, is skipped whole: its start goes on without it. */
static int guard(const struct oci_state *st, int netns, const cJSON *doc, size_t nn, size_t nr,
		 bool *skip, struct err *e)
{
	const char *consent;
	struct err why = { 0 };

	*skip = false;
	if (store_net_consent(doc, &consent, e) < 0)
		return -1;
	if (netns_guard(st->id, st->bundle, netns, consent, NULL, &why) == 0)
		return 0;
	if (why.code != EPERM) {
		*e = why;
		return -1;
	}
	log_warn("%s: prestart: %zu saved interface(s) and %zu route(s) not applied: %s", st->id,
		 nn, nr, why.msg);
	*skip = true;
	return 0;
}

int hook_network_up(const struct oci_state *st, int pidfd, const cJSON *doc, struct err *e)
{
	struct nic_spec *nics = NULL;
	struct route_spec *routes = NULL;
	size_t nn = 0, nr = 0;
	struct net_ctx c = { .host_netns_fd = -1 };
	int netns = -1, r = -1;
	bool skip;

	if (store_nics(doc, &nics, &nn, e) < 0 || store_routes(doc, &routes, &nr, e) < 0)
		goto out;
	if (nn == 0 && nr == 0) {
		r = 0;
		goto out;
	}
	if (pid_open_ns(pidfd, st->pid, "net", &netns, e) < 0 ||
	    guard(st, netns, doc, nn, nr, &skip, e) < 0)
		goto out;
	if (skip) {
		r = 0;
		goto out;
	}
	if (nn && netns_pin(record_dir(), st->id, st->pid, e) < 0)
		goto out;
	if (net_ctx_open(netns, &c, e) < 0 || net_add_nics(&c, nics, nn, routes, nr, e) < 0) {
		struct err undo = { 0 };

		if (netns_unpin(record_dir(), st->id, &undo) < 0)
			err_warn(&undo, "%s: prestart: undo", st->id);
		goto out;
	}
	log_info("%s: prestart: %zu interface(s) and %zu route(s) applied", st->id, nn, nr);
	r = 0;
out:
	net_ctx_close(&c);
	if (netns >= 0)
		close(netns);
	free(nics);
	free(routes);
	return r;
}

static int network_down(const char *id, const struct nic_spec *nics, size_t nn, struct err *e)
{
	struct net_ctx c = { .host_netns_fd = -1 };
	struct err why = { 0 };
	int netns = -1, r = 0;

	if (netns_pin_open(record_dir(), id, &netns, &why) < 0 && nn)
		log_info("%s: poststop: %s; only host-side links are cleaned", id, why.msg);
	if (nn && net_ctx_open(netns, &c, e) < 0) {
		r = -1;
		goto out;
	}
	for (size_t i = 0; i < nn; i++) {
		err_clear(&why);
		/* keep going: every other link still gets cleaned */
		if (net_remove_nic(&c, &nics[i], &why) < 0)
			r = err_keep_first(e, r, &why, "%s: poststop", id);
	}
	if (netns_unpin(record_dir(), id, &why) < 0)
		r = err_keep_first(e, r, &why, "%s: poststop", id);
out:
	net_ctx_close(&c);
	if (netns >= 0)
		close(netns);
	return r;
}

int hook_network_down(const char *id, const cJSON *doc, struct err *e)
{
	struct nic_spec *nics = NULL;
	size_t nn = 0;
	int r;

	if (store_nics(doc, &nics, &nn, e) < 0)
		return -1;
	r = network_down(id, nics, nn, e);
	free(nics);
	return r;
}

static bool pinned(const char *id)
{
	int fd;

	if (netns_pin_open(record_dir(), id, &fd, ERR_DISCARD) < 0)
		return false;
	close(fd);
	return true;
}

/* Without a list in a record, hook.json says which interfaces were made;
 * when it cannot be read, the namespace is still unpinned, which takes
 * the veths with it (later, when the kernel gets to it). */
static int network_clean_saved(const struct hook_opts *o, const char *id, struct err *e)
{
	struct store s;
	struct err why = { 0 };
	int r;

	if (store_open(store_root(o->root), id, STORE_READ, &s, &why) < 0) {
		log_warn("%s: %s; only the network namespace pin is dropped", id, why.msg);
		return network_down(id, NULL, 0, e);
	}
	r = hook_network_down(id, s.doc, e);
	store_close(&s);
	return r;
}

int hook_network_clean(const struct hook_opts *o, const char *id, const struct record *rec,
		       struct err *e)
{
	if (rec && rec->nics_known)
		return network_down(id, rec->nics, rec->n_nics, e);
	/* no record and no pin: nothing was made, or an earlier poststop
	 * cleaned it all */
	if (!rec && !pinned(id))
		return 0;
	return network_clean_saved(o, id, e);
}
