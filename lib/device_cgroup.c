#include "device_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "device.h"
#include "util.h"

int device_cgroup_find(const struct record *r, struct device_cgroup *cg, struct err *e)
{
	memset(cg, 0, sizeof(*cg));
	cg->v2 = r->devices_v2;
	cg->baseline = r->baseline;
	cg->n_baseline = r->n_baseline;
	if (cg->v2) {
		if (cgroup_v2_dir(r->pid, &cg->own, e) < 0)
			return -1;
	} else if (r->devices_cgroup) {
		cg->own = xstrdup(r->devices_cgroup);
	} else if (cgroup_dir(r->pid, "devices", &cg->own, e) < 0) {
		return -1;
	}
	cg->dir = cg->own;
	return 0;
}

void device_cgroup_free(struct device_cgroup *cg)
{
	free(cg->own);
	cg->own = NULL;
	cg->dir = NULL;
}

static struct dev_rule rule_of(const struct saved_device *d, const char *perms, bool allow)
{
	struct dev_rule r = { .type = d->type, .major = d->major, .minor = d->minor, .allow = allow };

	snprintf(r.perms, sizeof(r.perms), "%s", perms);
	return r;
}

size_t device_v1_grant_rules(const struct saved_device *add, size_t na, const bool *present,
			     struct dev_rule *out)
{
	size_t k = 0;

	for (size_t i = 0; i < na; i++)
		if (!present || present[i])
			out[k++] = rule_of(&add[i], add[i].perms, true);
	return k;
}

size_t device_v1_revoke_rules(const struct saved_device *gone, size_t ng, char *const *baseline,
			      size_t nb, const struct saved_device *kept, size_t nk,
			      struct dev_rule *out)
{
	size_t k = 0;

	for (size_t i = 0; i < ng; i++) {
		unsigned bits = device_deny_bits(&gone[i], baseline, nb, kept, nk, SIZE_MAX);
		char perms[4];

		if (!bits)
			continue;
		device_perms_string(bits, perms);
		out[k++] = rule_of(&gone[i], perms, false);
	}
	return k;
}

size_t device_v2_rules(const struct saved_device *kept, size_t nk, const struct saved_device *add,
		       size_t na, const bool *present, struct dev_rule *out)
{
	size_t k = 0;

	for (size_t i = 0; i < nk; i++)
		out[k++] = rule_of(&kept[i], kept[i].perms, true);
	return k + device_v1_grant_rules(add, na, present, out + k);
}

/* The kernel takes one rule per write() to devices.allow / devices.deny.
 * Returns how many of @rules were written. */
static size_t v1_write(const char *dir, const struct dev_rule *rules, size_t n, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	size_t done = 0;

	if (n == 0)
		return 0;
	path = xasprintf("%s/%s", dir, rules[0].allow ? "devices.allow" : "devices.deny");
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err_sys(e, errno, "open %s", path);
		return 0;
	}
	for (; done < n; done++) {
		const struct dev_rule *r = &rules[done];
		_cleanup_free_ char *line = cgroup_device_rule(r->type, r->major, r->minor, r->perms);

		if (write_all(fd, line, strlen(line)) < 0) {
			err_sys(e, errno, "write '%s' to %s", line, path);
			break;
		}
	}
	return done;
}

static int v2_set(const struct device_cgroup *cg, const struct saved_device *kept, size_t nk,
		  const struct saved_device *add, size_t na, const bool *present, struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = xcalloc(nk + na + 1, sizeof(*rules));
	size_t n = device_v2_rules(kept, nk, add, na, present, rules);

	return ebpf_set_allowed(cg->dir, rules, n, e);
}

int device_grant(const struct device_cgroup *cg, const struct saved_device *kept, size_t nk,
		 const struct saved_device *add, size_t na, const bool *present, struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = NULL;
	_cleanup_free_ bool *written = NULL;
	size_t n, done;
	struct err undo = { 0 };

	if (na == 0)
		return 0;
	if (cg->v2)
		return v2_set(cg, kept, nk, add, na, present, e);
	rules = xcalloc(na, sizeof(*rules));
	n = device_v1_grant_rules(add, na, present, rules);
	done = v1_write(cg->dir, rules, n, e);
	if (done == n)
		return 0;
	/* take back the lines written: the devices among add that got one */
	written = xcalloc(na, sizeof(bool));
	for (size_t i = 0, k = 0; i < na && k < done; i++)
		if (!present || present[i])
			written[i] = k++ < done;
	for (size_t i = 0; i < na; i++)
		if (written[i] && device_revoke(cg, kept, nk, &add[i], 1, &undo) < 0)
			err_warn(&undo, "undo: devices cgroup rule of %s", add[i].ctr);
	return -1;
}

int device_revoke(const struct device_cgroup *cg, const struct saved_device *kept, size_t nk,
		  const struct saved_device *gone, size_t ng, struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = NULL;
	size_t n;

	if (cg->v2)
		return v2_set(cg, kept, nk, NULL, 0, NULL, e);
	rules = xcalloc(ng ? ng : 1, sizeof(*rules));
	n = device_v1_revoke_rules(gone, ng, cg->baseline, cg->n_baseline, kept, nk, rules);
	return v1_write(cg->dir, rules, n, e) == n ? 0 : -1;
}
