/* prestart, the CDI part: every CDI device saved by name is looked up
 * again in its spec directories, so that a spec regenerated since (a
 * driver update, a renumbered device) is followed. What it applies now
 * replaces, in the saved lists, what it applied before; the device,
 * bind and network parts of prestart then apply them as every other.
 * A device that no longer resolves (or whose host nodes, paths or
 * interfaces are gone, or whose places others took) is skipped with a
 * warning and the container still starts; its entry stays, with nothing
 * applied, and is looked up again at the next start. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "device.h"
#include "device_cdi.h"
#include "json.h"
#include "log.h"
#include "prestart.h"
#include "store_cdi.h"
#include "store_net.h"
#include "store_places.h"
#include "util.h"

/* The edits of @c as @d, its device as it resolves now (@why when it
 * does not), gives them; -1 with why when it is skipped. */
static int resolve_now(const struct saved_cdi *c, const struct cdi_device *d,
		       const struct err *why, struct cdi_items *it, struct err *e)
{
	int r;

	if (!d->spec_file) {
		*e = *why;
		return -1;
	}
	r = cdi_items_from(d, it, e);
	if (r < 0)
		return -1;
	if (it->n_unsupported && !c->ignore_unsupported)
		r = err_set(e, ENOTSUP, "%s (it was added without --ignore-unsupported)",
			    it->unsupported[0]);
	for (size_t i = 0; r == 0 && i < it->n_netdevs; i++)
		if (!if_nametoindex(it->netdevs[i].host))
			r = err_set(e, ENODEV, "no host interface %s", it->netdevs[i].host);
	if (r < 0)
		cdi_items_free(it);
	return r;
}

/* Drop from the saved lists every item that a CDI device applied. */
static int drop_applied(struct store *s, const struct saved_cdi *c, size_t n, struct err *e)
{
	struct saved_places p;

	if (store_places(s->doc, &p, e) < 0)
		return -1;
	for (size_t i = p.n_devs; i-- > 0;)
		if (saved_cdi_owner(c, n, CDI_NODES, p.devs[i].ctr))
			store_remove_device(s, i);
	for (size_t i = p.n_binds; i-- > 0;)
		if (saved_cdi_owner(c, n, CDI_MOUNTS, p.binds[i].ctr))
			store_remove_bind(s, i);
	for (size_t i = p.n_nics; i-- > 0;)
		if (saved_cdi_owner(c, n, CDI_NETDEVS, p.nics[i].ctr))
			store_remove_nic(s->doc, i);
	saved_places_free(&p);
	return 0;
}

/* What makes two items at one container path the same. */
struct place {
	const char *ctr, *host, *extra;
};

/* is_new[i] for each of @n @items: its place is free; or it is taken by
 * the same item that an earlier CDI device of this start applied (@done),
 * shared; or it is taken: EEXIST. */
static int mark_places(const struct place *saved, size_t ns, const struct place *items, size_t n,
		       const struct saved_cdi *done, size_t n_done, enum cdi_place k,
		       bool *is_new, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		bool taken = false, same = false;

		for (size_t j = 0; j < ns; j++)
			if (!strcmp(saved[j].ctr, items[i].ctr)) {
				taken = true;
				same = !strcmp(saved[j].host, items[i].host) &&
				       !strcmp(saved[j].extra, items[i].extra);
			}
		if (taken && !(same && saved_cdi_owner(done, n_done, k, items[i].ctr)))
			return err_set(e, EEXIST, "container path %s is taken", items[i].ctr);
		is_new[i] = !taken;
	}
	return 0;
}

/* The places of @it, then of what is saved now, checked: nodes, mounts,
 * interfaces. */
static int check_places(struct store *s, const struct saved_cdi *done, size_t n_done,
			const struct cdi_items *it, bool *is_new, struct err *e)
{
	size_t nmax = it->n_nodes + it->n_mounts + 1;
	struct saved_places p;
	int r;

	if (store_places(s->doc, &p, e) < 0)
		return -1;
	_cleanup_free_ struct place *items = xcalloc(nmax, sizeof(*items));
	_cleanup_free_ struct place *saved = xcalloc(p.n_devs + p.n_binds + 1, sizeof(*saved));

	for (size_t i = 0; i < it->n_nodes; i++)
		items[i] = (struct place){ it->nodes[i].ctr, it->nodes[i].host, it->nodes[i].perms };
	for (size_t i = 0; i < it->n_mounts; i++)
		items[it->n_nodes + i] = (struct place){ it->mounts[i].ctr, it->mounts[i].host,
							  it->mounts[i].options };
	for (size_t i = 0; i < p.n_devs; i++)
		saved[i] = (struct place){ p.devs[i].ctr, p.devs[i].host, p.devs[i].perms };
	for (size_t i = 0; i < p.n_binds; i++)
		saved[p.n_devs + i] = (struct place){ p.binds[i].ctr, p.binds[i].host, p.binds[i].options };
	r = mark_places(saved, p.n_devs, items, it->n_nodes, done, n_done, CDI_NODES, is_new, e);
	if (r == 0)
		r = mark_places(saved + p.n_devs, p.n_binds, items + it->n_nodes, it->n_mounts, done,
				n_done, CDI_MOUNTS, is_new + it->n_nodes, e);
	for (size_t i = 0; r == 0 && i < it->n_netdevs; i++)
		r = nic_conflicts(&it->netdevs[i], p.nics, p.n_nics, e);
	saved_places_free(&p);
	return r;
}

/* Add the new items of @it to the saved lists; the host nodes are read
 * for their numbers first, so that a failure adds nothing. */
static int add_items(struct store *s, const struct cdi_items *it, const bool *is_new,
		     struct err *e)
{
	_cleanup_free_ struct saved_device *d = xcalloc(it->n_nodes + 1, sizeof(*d));

	for (size_t i = 0; i < it->n_nodes; i++) {
		struct host_device h;

		if (host_device_stat(it->nodes[i].host, &h, e) < 0)
			return -1;
		d[i] = (struct saved_device){ .type = h.type, .major = h.major, .minor = h.minor,
					      .host = it->nodes[i].host, .ctr = it->nodes[i].ctr,
					      .parent = "", .node = it->nodes[i].node };
		strcpy(d[i].perms, it->nodes[i].perms);
	}
	for (size_t i = 0; i < it->n_nodes; i++)
		if (is_new[i])
			store_add_device(s, &d[i]);
	for (size_t i = 0; i < it->n_mounts; i++)
		if (is_new[it->n_nodes + i])
			store_add_bind(s, &it->mounts[i]);
	for (size_t i = 0; i < it->n_netdevs; i++)
		store_add_nic(s->doc, &it->netdevs[i]);
	return 0;
}

static void list_set(char ***list, size_t *n, const char *(*at)(const struct cdi_items *, size_t),
		     const struct cdi_items *it, size_t count)
{
	str_list_free(*list, *n);
	*list = xcalloc(count + 1, sizeof(char *));
	for (*n = 0; *n < count; (*n)++)
		(*list)[*n] = xstrdup(at(it, *n));
}

static const char *node_at(const struct cdi_items *it, size_t i) { return it->nodes[i].ctr; }
static const char *mount_at(const struct cdi_items *it, size_t i) { return it->mounts[i].ctr; }
static const char *nic_at(const struct cdi_items *it, size_t i) { return it->netdevs[i].ctr; }

/* Entry @c of CDI device @i applies @it (NULL: nothing) from now on. */
static void entry_set(struct saved_cdi *c, const struct cdi_items *it)
{
	static const struct cdi_items none;

	it = it ? it : &none;
	list_set(&c->nodes, &c->n_nodes, node_at, it, it->n_nodes);
	list_set(&c->mounts, &c->n_mounts, mount_at, it, it->n_mounts);
	list_set(&c->netdevs, &c->n_netdevs, nic_at, it, it->n_netdevs);
}

/* Entry @i again, as @d (@found: why it does not resolve): checked
 * against what is saved (and what the entries before it applied, which
 * it may share), added. */
static int apply_entry(struct prestart *p, struct saved_cdi *c, size_t i,
		       const struct cdi_device *d, const struct err *found, struct err *why)
{
	struct cdi_items it;
	_cleanup_free_ bool *is_new = NULL;
	int r;

	if (resolve_now(&c[i], d, found, &it, why) < 0)
		return -1;
	is_new = xcalloc(it.n_nodes + it.n_mounts + 1, sizeof(bool));
	r = check_places(&p->store, c, i, &it, is_new, why);
	if (r == 0)
		r = add_items(&p->store, &it, is_new, why);
	if (r == 0)
		entry_set(&c[i], &it);
	cdi_items_free(&it);
	return r;
}

int prestart_cdi(struct prestart *p, struct err *e)
{
	_cleanup_cjson_ cJSON *before = NULL;
	_cleanup_free_ struct err *found = NULL;
	struct cdi_device *d = NULL;
	struct saved_cdi *c = NULL;
	size_t n = 0;
	int r = -1;

	if (store_cdi(p->store.doc, &c, &n, e) < 0)
		return -1;
	if (n == 0)
		return 0;
	before = cJSON_Duplicate(p->store.doc, true);
	if (drop_applied(&p->store, c, n, e) < 0)
		goto out;
	/* each spec file read once for all the names saved with its dirs */
	d = xcalloc(n, sizeof(*d));
	found = xcalloc(n, sizeof(*found));
	saved_cdi_resolve(c, n, d, found);
	for (size_t i = 0; i < n; i++) {
		struct err why = { 0 };

		if (apply_entry(p, c, i, &d[i], &found[i], &why) == 0)
			continue;
		log_warn("%s: CDI device %s skipped: %s", p->st->id, c[i].name, why.msg);
		entry_set(&c[i], NULL);
	}
	for (size_t i = 0; i < n; i++)
		store_set_cdi(p->store.doc, (long)i, &c[i]);
	p->cdi_changed = !cJSON_Compare(before, p->store.doc, true);
	if (p->cdi_changed)
		log_info("%s: prestart: the CDI devices apply other items than saved; saving them",
			 p->st->id);
	r = 0;
out:
	cdi_devices_free(d, n);
	saved_cdi_free(c, n);
	return r;
}
