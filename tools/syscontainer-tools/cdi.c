/* CDI devices in add-device and remove-device: a name vendor.com/class=name
 * among the device specs is resolved from the CDI spec directories, and
 * its nodes join the batch of device nodes, so that they are made, granted
 * and saved as every device is (device.c); its mounts and interfaces go
 * with them (cdi_live.c). The whole command is all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cdi_req.h"
#include "device_cmd.h"
#include "log.h"
#include "network.h"
#include "store_net.h"
#include "util.h"

struct cdi_req *cdi_req_new(void)
{
	return xcalloc(1, sizeof(struct cdi_req));
}

void cdi_req_free(struct cdi_req *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->items && i < r->n; i++)
		cdi_items_free(&r->items[i]);
	free(r->items);
	saved_cdi_free(r->entries, r->entries ? r->n : 0);
	free(r->names);
	free(r->dirs);
	free(r->mounts);
	free(r->nics);
	saved_cdi_free(r->saved, r->n_saved);
	free(r->drop);
	free(r);
}

int cdi_flag(struct cdi_req *r, int id, const char *value, struct err *e)
{
	if (id == F_IGNORE_UNSUPPORTED) {
		r->ignore_unsupported = true;
		return 0;
	}
	if (value[0] != '/')
		return err_set(e, EINVAL, "--cdi-spec-dir '%s' is not an absolute path", value);
	r->dirs = xrealloc(r->dirs, (r->n_dirs + 1) * sizeof(char *));
	r->dirs[r->n_dirs++] = (char *)value;
	return 0;
}

int cdi_args(const struct command *cmd, struct cdi_req *r, const struct device_flags *f,
	     char **args, size_t *n)
{
	size_t k = 0;

	r->names = xcalloc(*n + 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		if (!cdi_is_qualified_name(args[i])) {
			args[k++] = args[i];
			continue;
		}
		for (size_t j = 0; j < r->n; j++)
			if (strcmp(r->names[j], args[i]) == 0)
				return usage_error(cmd, "CDI device %s is given twice", args[i]), -1;
		r->names[r->n++] = args[i];
	}
	*n = k;
	if (!r->n && (r->n_dirs || r->ignore_unsupported))
		return usage_error(cmd, "--cdi-spec-dir and --ignore-unsupported go with CDI device "
				   "names (vendor.com/class=name)"), -1;
	if (r->n && f->follow)
		return usage_error(cmd, "--follow-partition does not go with CDI devices"), -1;
	return 0;
}

/* One line each on stderr for the edits of @it that cannot apply; true
 * when they stop the command. */
static bool report_unsupported(const struct command *cmd, const struct cdi_req *r,
			       const struct cdi_items *it)
{
	for (size_t i = 0; i < it->n_unsupported; i++) {
		if (r->ignore_unsupported) {
			fprintf(stderr, "syscontainer-tools %s: warning: %s; skipped\n", cmd->name,
				it->unsupported[i]);
			log_warn("%s: %s; skipped (--ignore-unsupported)", cmd->name, it->unsupported[i]);
		} else {
			fprintf(stderr, "syscontainer-tools %s: %s (--ignore-unsupported skips it)\n",
				cmd->name, it->unsupported[i]);
			log_error("%s: %s", cmd->name, it->unsupported[i]);
		}
	}
	return it->n_unsupported && !r->ignore_unsupported;
}

int cdi_resolve_all(const struct command *cmd, struct cdi_req *r)
{
	bool stop = false;
	size_t nd;
	const char *const *dirs = cdi_dirs_or_default(r->dirs, r->n_dirs, &nd);
	struct cdi_device *d = xcalloc(r->n + 1, sizeof(*d));
	_cleanup_free_ struct err *why = xcalloc(r->n + 1, sizeof(*why));
	int ret = 0;

	/* every spec file read once for all the names */
	cdi_resolve_many(dirs, nd, (const char *const *)r->names, r->n, d, why);
	r->items = xcalloc(r->n + 1, sizeof(*r->items));
	for (size_t i = 0; ret == 0 && i < r->n; i++) {
		if (!d[i].spec_file || cdi_items_from(&d[i], &r->items[i], &why[i]) < 0)
			ret = fail(cmd, &why[i]);
		else
			stop |= report_unsupported(cmd, r, &r->items[i]);
	}
	cdi_devices_free(d, r->n);
	return ret ? ret : stop ? EXIT_FAIL : 0;
}

static void list_add(char ***list, size_t *n, const char *s)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = xstrdup(s);
}

/* The saved entry of name @i, before its places are listed. */
static void entry_init(const struct cdi_req *r, size_t i, struct saved_cdi *c)
{
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(r->names[i]);
	for (size_t k = 0; k < r->n_dirs; k++)
		list_add(&c->dirs, &c->n_dirs, r->dirs[k]);
	c->ignore_unsupported = r->ignore_unsupported;
}

struct batch {
	const char *id;
	struct saved_cdi *have;         /* saved entries */
	size_t n_have;
	const struct saved_device *saved;
	size_t n_saved;
	struct path_spec *binds;        /* saved paths */
	size_t n_binds;
	struct nic_spec *nics;          /* saved interfaces */
	size_t n_nics;
	struct device_spec *out;        /* the batch's device specs */
	size_t n_out;
};

/* Container path @ctr asked for again in one request: fine when it is the
 * same item (host path and @how alike, as two devices of one spec share
 * an edit), an error naming both host paths otherwise. */
static int same_again(const char *ctr, const char *had_host, const char *had_how,
		      const char *host, const char *how, struct err *e)
{
	if (strcmp(had_host, host) || strcmp(had_how, how))
		return err_set(e, EEXIST, "container path %s is given twice, for %s and %s", ctr,
			       had_host, host);
	return 0;
}

/* Node @s of a CDI device: new to the batch (true), or one it already
 * has, or one another saved CDI device brought, the same (false). */
static int node_is_new(struct batch *b, const struct device_spec *s, bool *is_new, struct err *e)
{
	*is_new = false;
	for (size_t j = 0; j < b->n_out; j++)
		if (!strcmp(b->out[j].ctr, s->ctr))
			return same_again(s->ctr, b->out[j].host, b->out[j].perms, s->host,
					  s->perms, e);
	for (size_t j = 0; j < b->n_saved; j++)
		if (!strcmp(b->saved[j].ctr, s->ctr) && !strcmp(b->saved[j].host, s->host) &&
		    !strcmp(b->saved[j].perms, s->perms) &&
		    saved_cdi_owner(b->have, b->n_have, CDI_NODES, s->ctr))
			return 0;
	*is_new = true;
	return 0;
}

static int mount_is_new(struct batch *b, struct cdi_req *r, const struct path_spec *p,
			bool *is_new, struct err *e)
{
	*is_new = false;
	for (size_t j = 0; j < r->n_mounts; j++)
		if (!strcmp(r->mounts[j].ctr, p->ctr))
			return same_again(p->ctr, r->mounts[j].host, r->mounts[j].options, p->host,
					  p->options, e);
	for (size_t j = 0; j < b->n_binds; j++) {
		if (strcmp(b->binds[j].ctr, p->ctr) != 0)
			continue;
		if (!strcmp(b->binds[j].host, p->host) && !strcmp(b->binds[j].options, p->options) &&
		    saved_cdi_owner(b->have, b->n_have, CDI_MOUNTS, p->ctr))
			return 0;
		return err_set(e, EEXIST, "container path %s of container %s is already used by host "
			       "path %s", p->ctr, b->id, b->binds[j].host);
	}
	*is_new = true;
	return 0;
}

static int nic_is_new(struct batch *b, struct cdi_req *r, const struct nic_spec *n, struct err *e)
{
	for (size_t j = 0; j < r->n_nics; j++)
		if (!strcmp(r->nics[j].ctr, n->ctr) || !strcmp(r->nics[j].host, n->host))
			return err_set(e, EEXIST, "interface %s (host %s) is given twice", n->ctr, n->host);
	return nic_conflicts(n, b->nics, b->n_nics, e);
}

/* The places of name @i: its entry lists them all, the batch gets those
 * that are new. */
static int add_places(struct batch *b, struct cdi_req *r, size_t i, struct err *e)
{
	const struct cdi_items *it = &r->items[i];
	struct saved_cdi *c = &r->entries[i];
	bool is_new;

	for (size_t k = 0; k < it->n_nodes; k++) {
		if (node_is_new(b, &it->nodes[k], &is_new, e) < 0)
			return err_wrap(e, "%s", r->names[i]);
		list_add(&c->nodes, &c->n_nodes, it->nodes[k].ctr);
		if (is_new)
			b->out[b->n_out++] = it->nodes[k];
	}
	for (size_t k = 0; k < it->n_mounts; k++) {
		if (mount_is_new(b, r, &it->mounts[k], &is_new, e) < 0)
			return err_wrap(e, "%s", r->names[i]);
		list_add(&c->mounts, &c->n_mounts, it->mounts[k].ctr);
		if (is_new)
			r->mounts[r->n_mounts++] = it->mounts[k];
	}
	for (size_t k = 0; k < it->n_netdevs; k++) {
		if (nic_is_new(b, r, &it->netdevs[k], e) < 0)
			return err_wrap(e, "%s", r->names[i]);
		list_add(&c->netdevs, &c->n_netdevs, it->netdevs[k].ctr);
		r->nics[r->n_nics++] = it->netdevs[k];
	}
	return 0;
}

/* Room for every place of every name. */
static void batch_alloc(struct batch *b, struct cdi_req *r, size_t n)
{
	size_t nodes = n, mounts = 0, nics = 0;

	for (size_t i = 0; i < r->n; i++) {
		nodes += r->items[i].n_nodes;
		mounts += r->items[i].n_mounts;
		nics += r->items[i].n_netdevs;
	}
	b->out = xcalloc(nodes + 1, sizeof(*b->out));
	r->mounts = xcalloc(mounts + 1, sizeof(*r->mounts));
	r->nics = xcalloc(nics + 1, sizeof(*r->nics));
	r->entries = xcalloc(r->n + 1, sizeof(*r->entries));
	for (size_t i = 0; i < r->n; i++)
		entry_init(r, i, &r->entries[i]);
}

static int batch_names(struct batch *b, struct cdi_req *r, struct err *e)
{
	for (size_t i = 0; i < r->n; i++) {
		if (saved_cdi_find(b->have, b->n_have, r->names[i]) >= 0)
			return err_set(e, EEXIST, "CDI device %s is already added to container %s",
				       r->names[i], b->id);
		if (add_places(b, r, i, e) < 0)
			return -1;
	}
	return 0;
}

int cdi_batch(struct cdi_req *r, const struct target *t, const struct saved_device *saved,
	      size_t n_saved, const struct device_spec *specs, size_t n,
	      struct device_spec **out, size_t *n_out, struct err *e)
{
	struct batch b = { .id = t->id, .saved = saved, .n_saved = n_saved };
	int ret = -1;

	if (!r || !r->n) {
		*out = xcalloc(n + 1, sizeof(**out));
		memcpy(*out, specs, n * sizeof(*specs));
		*n_out = n;
		return 0;
	}
	batch_alloc(&b, r, n);
	memcpy(b.out, specs, n * sizeof(*specs));
	b.n_out = n;
	if (store_cdi(t->store.doc, &b.have, &b.n_have, e) < 0 ||
	    store_binds(&t->store, &b.binds, &b.n_binds, e) < 0 ||
	    store_nics(t->store.doc, &b.nics, &b.n_nics, e) < 0 || batch_names(&b, r, e) < 0)
		goto out;
	*out = steal_ptr(&b.out);
	*n_out = b.n_out;
	ret = 0;
out:
	free(b.out);
	saved_cdi_free(b.have, b.n_have);
	path_specs_free(b.binds, b.n_binds);
	free(b.nics);
	return ret;
}

void cdi_report_added(const struct cdi_req *r, const struct cli *cli, const struct target *t,
		      bool live)
{
	/* the record lists the interfaces made, for poststop */
	for (size_t i = 0; r && r->nics_added && i < r->n_nics; i++)
		note_in_record(cli, t->id, &r->nics[i], NULL);
	for (size_t i = 0; r && i < r->n; i++) {
		const struct saved_cdi *c = &r->entries[i];

		cli_printf("Add CDI device (%s) to container(%s) done: %zu node(s), %zu mount(s), "
			   "%zu interface(s).\n", c->name, t->id, c->n_nodes, c->n_mounts, c->n_netdevs);
		log_info("%s: added CDI device %s: %zu node(s), %zu mount(s), %zu interface(s)%s",
			 t->id, c->name, c->n_nodes, c->n_mounts, c->n_netdevs,
			 live ? "" : ", saved only");
	}
}
