/* check, CDI devices: each saved name looked up again as the next start
 * will, against what it applied (its nodes, mounts and interfaces are
 * checked as every device, path and interface). A spec regenerated since,
 * or gone, is drift that a restart takes in: --fix cannot apply it live. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "device_cdi.h"
#include "store_cdi.h"
#include "store_places.h"
#include "util.h"

/* "a=b, c=d": text grows by one place. */
static void place_add(char **text, const char *ctr, const char *host)
{
	char *old = *text;

	*text = xasprintf("%s%s%s=%s", old ? old : "", old ? ", " : "", ctr, host ? host : "?");
	free(old);
}

static const char *saved_host(const struct saved_places *p, enum cdi_place k, const char *ctr)
{
	for (size_t i = 0; k == CDI_NODES && i < p->n_devs; i++)
		if (!strcmp(p->devs[i].ctr, ctr))
			return p->devs[i].host;
	for (size_t i = 0; k == CDI_MOUNTS && i < p->n_binds; i++)
		if (!strcmp(p->binds[i].ctr, ctr))
			return p->binds[i].host;
	for (size_t i = 0; k == CDI_NETDEVS && i < p->n_nics; i++)
		if (!strcmp(p->nics[i].ctr, ctr))
			return p->nics[i].host;
	return NULL;
}

/* What entry @c applied, as "ctr=host" places. */
static char *saved_text(const struct saved_cdi *c, const struct saved_places *p)
{
	char *text = NULL;

	for (int k = CDI_NODES; k <= CDI_NETDEVS; k++) {
		size_t n;
		char *const *l = saved_cdi_list(c, (enum cdi_place)k, &n);

		for (size_t i = 0; i < n; i++)
			place_add(&text, l[i], saved_host(p, (enum cdi_place)k, l[i]));
	}
	return text ? text : xstrdup("nothing");
}

/* What @d, a saved device as it resolves now, gives, the same way; NULL
 * with why (@found when it does not resolve). */
static char *now_text(const struct cdi_device *d, const struct err *found, struct err *e)
{
	struct cdi_items it;
	char *text = NULL;

	if (!d->spec_file) {
		*e = *found;
		return NULL;
	}
	if (cdi_items_from(d, &it, e) < 0)
		return NULL;
	for (size_t i = 0; i < it.n_nodes; i++)
		place_add(&text, it.nodes[i].ctr, it.nodes[i].host);
	for (size_t i = 0; i < it.n_mounts; i++)
		place_add(&text, it.mounts[i].ctr, it.mounts[i].host);
	for (size_t i = 0; i < it.n_netdevs; i++)
		place_add(&text, it.netdevs[i].ctr, it.netdevs[i].host);
	cdi_items_free(&it);
	return text ? text : xstrdup("nothing");
}

int check_cdi(struct target *t, struct check_report *r, struct err *e)
{
	_cleanup_free_ struct err *found = NULL;
	struct cdi_device *d = NULL;
	struct saved_cdi *c = NULL;
	struct saved_places p;
	size_t n = 0;

	if (store_cdi(t->store.doc, &c, &n, e) < 0 || store_places(t->store.doc, &p, e) < 0) {
		saved_cdi_free(c, n);
		return -1;
	}
	d = xcalloc(n + 1, sizeof(*d));
	found = xcalloc(n + 1, sizeof(*found));
	saved_cdi_resolve(c, n, d, found);
	for (size_t i = 0; i < n; i++) {
		struct check_item *it = check_add(r, "cdi", xstrdup(c[i].name), NULL);
		_cleanup_free_ char *was = saved_text(&c[i], &p);
		_cleanup_free_ char *now = NULL;
		struct err why = { 0 };

		now = now_text(&d[i], &found[i], &why);
		if (!now)
			check_drift(it, xasprintf("does not resolve now (%s): the next start skips it",
						  why.msg));
		else if (strcmp(now, was) != 0)
			check_drift(it, xasprintf("the spec now gives %s, not %s: the next start applies "
						  "it", now, was));
		if (it->drift && r->fix)
			check_fixed(it, err_set(&why, EAGAIN, "a restart applies the spec"), &why);
	}
	cdi_devices_free(d, n);
	saved_places_free(&p);
	saved_cdi_free(c, n);
	return 0;
}
