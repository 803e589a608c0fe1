#include "systemd_unit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "util.h"

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && !memcmp(s + len - n, suffix, n);
}

static bool is_unit_name(const char *s, size_t len)
{
	return has_suffix(s, len, ".scope") || has_suffix(s, len, ".service");
}

enum unit_owner systemd_unit_of(const char *path, const char *id, char unit[UNIT_NAME_MAX])
{
	const char *best = NULL, *p = path;
	size_t best_len = 0;
	bool last = false;

	unit[0] = '\0';
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len && is_unit_name(p, len)) {
			best = p;
			best_len = len;
		}
		last = best == p && p[len] == '\0';
		p += len;
		p += *p == '/';
	}
	if (!best || best_len >= UNIT_NAME_MAX)
		return UNIT_NONE;
	memcpy(unit, best, best_len);
	unit[best_len] = '\0';
	if (last || (has_suffix(unit, best_len, ".scope") && id[0] && strstr(unit, id)))
		return UNIT_OWN;
	return UNIT_OTHER;
}

int systemd_cgroup_path(const char *proc_cgroup, bool unified, char **path, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(proc_cgroup);
	const char *v2 = NULL;
	char *save = NULL;

	*path = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		if (!unified && !strcmp(c1 + 1, "name=systemd")) {
			*path = xstrdup(c2 + 1);
			return 0;
		}
		if (!strcmp(l, "0:"))
			v2 = c2 + 1;
	}
	(void)e;
	if (v2 && unified)
		*path = xstrdup(v2);
	return 0;
}

void unit_device_path(char type, int64_t major, int64_t minor, char out[48])
{
	snprintf(out, 48, "/dev/%s/%" PRId64 ":%" PRId64, type == 'b' ? "block" : "char", major,
		 minor);
}

int unit_device_parse(const char *s, struct unit_device *d)
{
	const char *sp = strchr(s, ' ');

	if (!sp || (size_t)(sp - s) >= sizeof(d->path) || sp == s || !sp[1] ||
	    strspn(sp + 1, "rwm") != strlen(sp + 1))
		return -1;
	memcpy(d->path, s, (size_t)(sp - s));
	d->path[sp - s] = '\0';
	d->bits = device_perms_bits(sp + 1);
	return 0;
}

char *unit_device_format(const struct unit_device *d)
{
	char perms[4];

	device_perms_string(d->bits, perms);
	return xasprintf("%s %s", d->path, perms);
}

static const struct unit_device *find_c(const struct unit_device *l, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].path, path))
			return &l[i];
	return NULL;
}

static struct unit_device *find(struct unit_device *l, size_t n, const char *path)
{
	return (struct unit_device *)find_c(l, n, path);
}

struct unit_device *unit_devices_wanted(const struct saved_device *saved, size_t n_saved,
					const bool *present, const struct saved_device *changed,
					size_t n_changed, size_t *n_out)
{
	struct unit_device *out = xcalloc(n_changed + 1, sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; i < n_changed; i++) {
		char path[48];

		unit_device_path(changed[i].type, changed[i].major, changed[i].minor, path);
		if (find(out, n, path))
			continue;
		snprintf(out[n].path, sizeof(out[n].path), "%s", path);
		for (size_t j = 0; j < n_saved; j++)
			if ((!present || present[j]) && saved[j].type == changed[i].type &&
			    saved[j].major == changed[i].major && saved[j].minor == changed[i].minor)
				out[n].bits |= device_perms_bits(saved[j].perms);
		n++;
	}
	*n_out = n;
	return out;
}

static unsigned base_bits(const struct unit_device *b, size_t n, const char *path)
{
	const struct unit_device *d = find_c(b, n, path);

	return d ? d->bits : 0;
}

struct unit_device *unit_devices_plan(const struct unit_device *current, size_t n_cur,
				      const struct unit_device *baseline, size_t n_base,
				      const struct unit_device *want, size_t n_want, bool *reset,
				      size_t *n_out)
{
	struct unit_device *all = xcalloc(n_cur + n_want + 1, sizeof(*all));
	struct unit_device *send = xcalloc(n_want + 1, sizeof(*send));
	size_t n_all = n_cur, n_send = 0;

	memcpy(all, current, n_cur * sizeof(*all));
	*reset = false;
	for (size_t i = 0; i < n_want; i++) {
		unsigned bits = want[i].bits | base_bits(baseline, n_base, want[i].path);
		struct unit_device *cur = find(all, n_all, want[i].path);

		if (cur && cur->bits == bits)
			continue;
		if (!cur && !bits)
			continue;
		if (!bits)
			*reset = true;
		if (!cur)
			cur = &all[n_all++];
		*cur = want[i];
		cur->bits = bits;
		send[n_send++] = *cur;
	}
	if (!*reset) {
		free(all);
		*n_out = n_send;
		return send;
	}
	free(send);
	*n_out = 0;
	for (size_t i = 0; i < n_all; i++)
		if (all[i].bits)
			all[(*n_out)++] = all[i];
	return all;
}

/* Append "; " and @what to *@out (taking @what). */
static void drift_add(char **out, char *what)
{
	char *joined = *out ? xasprintf("%s; %s", *out, what) : xstrdup(what);

	free(*out);
	free(what);
	*out = joined;
}

char *unit_devices_drift(const struct unit_device *current, size_t n_cur,
			 const struct unit_device *want, size_t n_want)
{
	char *out = NULL;

	for (size_t i = 0; i < n_want; i++) {
		const struct unit_device *cur = find_c(current, n_cur, want[i].path);
		char w[4], c[4];

		if (!want[i].bits || (cur && (cur->bits & want[i].bits) == want[i].bits))
			continue;
		device_perms_string(want[i].bits, w);
		if (!cur) {
			drift_add(&out, xasprintf("lacks %s %s", want[i].path, w));
			continue;
		}
		device_perms_string(cur->bits, c);
		drift_add(&out, xasprintf("has %s %s, not %s", want[i].path, c, w));
	}
	return out;
}
