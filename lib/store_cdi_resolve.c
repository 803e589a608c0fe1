/* The saved CDI devices resolved again, grouped by spec directories: the
 * entries saved with the same directories are looked up in one
 * cdi_resolve_many call, so each spec file is read and parsed once per
 * start instead of once per device. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cdi.h"
#include "device_cdi.h"
#include "store_cdi.h"
#include "util.h"

static bool same_dirs(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* Resolve, in one call, entry @first and every later entry not yet
 * @done whose directories are the same as its own. */
static void resolve_group(const struct saved_cdi *c, size_t n, size_t first, bool *done,
			  struct cdi_device *out, struct err *errs)
{
	size_t nd, k = 0;
	const char *const *dirs = cdi_dirs_or_default(c[first].dirs, c[first].n_dirs, &nd);
	_cleanup_free_ size_t *at = xcalloc(n, sizeof(*at));
	_cleanup_free_ const char **names = xcalloc(n, sizeof(*names));
	_cleanup_free_ struct cdi_device *dev = xcalloc(n, sizeof(*dev));
	_cleanup_free_ struct err *why = xcalloc(n, sizeof(*why));

	for (size_t i = first; i < n; i++) {
		size_t ni;
		const char *const *di = cdi_dirs_or_default(c[i].dirs, c[i].n_dirs, &ni);

		if (done[i] || !same_dirs(dirs, nd, di, ni))
			continue;
		done[i] = true;
		at[k] = i;
		names[k++] = c[i].name;
	}
	cdi_resolve_many(dirs, nd, names, k, dev, why);
	for (size_t j = 0; j < k; j++) {
		out[at[j]] = dev[j];
		errs[at[j]] = why[j];
	}
}

int saved_cdi_resolve(const struct saved_cdi *c, size_t n, struct cdi_device *out,
		      struct err *errs)
{
	_cleanup_free_ bool *done = xcalloc(n + 1, sizeof(*done));
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		err_clear(&errs[i]);
		memset(&out[i], 0, sizeof(out[i]));
	}
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			resolve_group(c, n, i, done, out, errs);
	for (size_t i = 0; i < n; i++)
		if (!out[i].spec_file)
			r = -1;
	return r;
}

void cdi_devices_free(struct cdi_device *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		cdi_device_free(&d[i]);
	free(d);
}
