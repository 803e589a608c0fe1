/* The mounts and interfaces of CDI devices, live and saved: add-device
 * binds the mounts (as add-path does) and moves the interfaces in (as
 * add-nic --type eth does) after the nodes; remove-device takes off
 * exactly what the named CDI devices alone brought. */
#include <errno.h>
#include <string.h>

#include "cdi_req.h"
#include "device_cmd.h"
#include "log.h"
#include "net_add.h"
#include "netns_pin.h"
#include "network.h"
#include "store_net.h"
#include "util.h"

bool cdi_listed(const struct cdi_req *r, enum cdi_place k, const char *place, bool dropped)
{
	for (size_t i = 0; i < r->n_saved; i++) {
		size_t n;
		char *const *l = saved_cdi_list(&r->saved[i], k, &n);

		if (r->drop[i] == dropped && saved_cdi_has(l, n, place))
			return true;
	}
	return false;
}

/* Unmount @n paths of running @t. */
static int unbind(const struct target *t, const struct path_spec *p, size_t n, struct err *e)
{
	_cleanup_free_ bool *gone = xcalloc(n + 1, sizeof(bool));
	_cleanup_free_ bool *absent = xcalloc(n + 1, sizeof(bool));

	for (size_t i = 0; i < n; i++)
		gone[i] = true;
	return paths_live_remove(t, p, n, gone, absent, e);
}

/* Take @n interfaces of running @t back to the host; the first error is
 * kept, every one is tried. */
static int nics_out(const struct target *t, const struct nic_spec *nics, size_t n,
		    struct err *e)
{
	struct net_ctx c = { .host_netns_fd = -1 };
	int netns = -1, r;

	r = target_net_open(t, &c, &netns, e);
	for (size_t i = 0; i < n && r == 0; i++)
		r = net_remove_nic(&c, &nics[i], e);
	target_net_close(&c, netns);
	return r;
}

static int nics_in(struct cdi_req *r, struct cli *cli, const struct target *t, struct err *e)
{
	struct net_ctx c = { .host_netns_fd = -1 };
	int netns = -1, ret;

	ret = target_net_guard((struct target *)t, false, e);
	if (ret == 0)
		ret = target_net_open(t, &c, &netns, e);
	/* how each link is on the host now, to give it back so */
	for (size_t i = 0; i < r->n_nics && ret == 0; i++)
		ret = net_eth_orig(&c, &r->nics[i], e);
	if (ret == 0)
		ret = netns_pin(cli->rundir, t->id, t->c.rec.pid, e);
	if (ret == 0)
		ret = net_add_nics(&c, r->nics, r->n_nics, NULL, 0, e);
	target_net_close(&c, netns);
	return ret;
}

int cdi_add_live(struct cdi_req *r, struct cli *cli, const struct target *t, struct err *e)
{
	if (!r)
		return 0;
	if (r->n_mounts) {
		if (paths_live_add(t, r->mounts, r->n_mounts, e) < 0)
			return -1;
		r->mounted = true;
	}
	if (r->n_nics) {
		if (nics_in(r, cli, t, e) < 0) {
			cdi_undo_live(r, t);
			return -1;
		}
		r->nics_added = true;
	}
	return 0;
}

void cdi_undo_live(struct cdi_req *r, const struct target *t)
{
	struct err undo = { 0 };

	if (r && r->nics_added && nics_out(t, r->nics, r->n_nics, &undo) < 0)
		err_warn(&undo, "%s: undo: give the CDI interfaces back", t->id);
	if (r && r->mounted && unbind(t, r->mounts, r->n_mounts, &undo) < 0)
		err_warn(&undo, "%s: undo: unmount the CDI mounts", t->id);
	if (r)
		r->mounted = r->nics_added = false;
}

void cdi_add_save(const struct cdi_req *r, struct target *t)
{
	for (size_t i = 0; r && i < r->n_mounts; i++)
		store_add_bind(&t->store, &r->mounts[i]);
	for (size_t i = 0; r && i < r->n_nics; i++)
		store_add_nic(t->store.doc, &r->nics[i]);
	for (size_t i = 0; r && i < r->n; i++)
		store_set_cdi(t->store.doc, -1, &r->entries[i]);
}

int cdi_remove_mark(struct cdi_req *r, const struct target *t, const struct saved_device *saved,
		    size_t n_saved, bool *gone, struct err *e)
{
	const struct saved_cdi *owner;

	if (!r || store_cdi(t->store.doc, &r->saved, &r->n_saved, e) < 0)
		return r ? -1 : 0;
	r->drop = xcalloc(r->n_saved + 1, sizeof(bool));
	for (size_t i = 0; i < r->n; i++) {
		long at = saved_cdi_find(r->saved, r->n_saved, r->names[i]);

		if (at < 0)
			return err_set(e, ENOENT, "CDI device %s was not added to container %s",
				       r->names[i], t->id);
		r->drop[at] = true;
	}
	/* a plain spec may not take a node from under a CDI device */
	for (size_t i = 0; i < n_saved; i++)
		if (gone[i] && (owner = saved_cdi_owner(r->saved, r->n_saved, CDI_NODES, saved[i].ctr)))
			return err_set(e, EBUSY, "device %s of container %s came with CDI device %s: "
				       "use remove-device with that name", saved[i].ctr, t->id, owner->name);
	for (size_t i = 0; i < n_saved; i++)
		gone[i] |= cdi_listed(r, CDI_NODES, saved[i].ctr, true) &&
			   !cdi_listed(r, CDI_NODES, saved[i].ctr, false);
	return 0;
}

/* Whether @place of kind @k goes with the CDI devices removed. */
static bool goes(const struct cdi_req *r, enum cdi_place k, const char *place)
{
	return cdi_listed(r, k, place, true) && !cdi_listed(r, k, place, false);
}

static int remove_mounts(struct cdi_req *r, struct target *t, struct err *e)
{
	struct path_spec *b = NULL;
	size_t n = 0;
	_cleanup_free_ bool *gone = NULL;
	_cleanup_free_ bool *absent = NULL;
	int ret = -1;

	if (store_binds(&t->store, &b, &n, e) < 0)
		return -1;
	gone = xcalloc(n + 1, sizeof(bool));
	absent = xcalloc(n + 1, sizeof(bool));
	for (size_t i = 0; i < n; i++)
		gone[i] = goes(r, CDI_MOUNTS, b[i].ctr);
	if (t->running && paths_live_remove(t, b, n, gone, absent, e) < 0)
		goto out;
	for (size_t i = n; i-- > 0;)
		if (gone[i])
			store_remove_bind(&t->store, i);
	ret = 0;
out:
	path_specs_free(b, n);
	return ret;
}

static int remove_nics(struct cdi_req *r, struct cli *cli, struct target *t, struct err *e)
{
	struct nic_spec *nics = NULL;
	size_t n = 0;
	bool live;
	int ret = 0;

	if (store_nics(t->store.doc, &nics, &n, e) < 0)
		return -1;
	/* a namespace that is not the container's own was never changed by us */
	live = t->running && target_net_guard(t, false, ERR_DISCARD) == 0;
	for (size_t i = n; i-- > 0 && ret == 0;) {
		if (!goes(r, CDI_NETDEVS, nics[i].ctr))
			continue;
		ret = live ? nics_out(t, &nics[i], 1, e) : 0;
		if (ret == 0)
			store_remove_nic(t->store.doc, i);
		if (ret == 0 && live)
			note_in_record(cli, t->id, NULL, nics[i].ctr);
	}
	free(nics);
	return ret;
}

int cdi_remove_rest(struct cdi_req *r, struct cli *cli, struct target *t, struct err *e)
{
	if (!r || !r->n)
		return 0;
	if (remove_mounts(r, t, e) < 0 || remove_nics(r, cli, t, e) < 0)
		return -1;
	for (size_t i = r->n_saved; i-- > 0;)
		if (r->drop[i])
			store_set_cdi(t->store.doc, (long)i, NULL);
	return 0;
}

void cdi_report_removed(const struct cdi_req *r, const struct target *t)
{
	for (size_t i = 0; r && i < r->n; i++) {
		cli_printf("Remove CDI device (%s) from container(%s) done.\n", r->names[i], t->id);
		log_info("%s: removed CDI device %s%s", t->id, r->names[i],
			 t->running ? "" : ", saved state only");
	}
}
