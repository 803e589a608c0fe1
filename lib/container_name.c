#include "container_name.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "container_id.h"
#include "record.h"
#include "util.h"

unsigned engine_from_records(const char *rundir)
{
	DIR *d = opendir(rundir);
	struct dirent *de;
	unsigned mask = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct record rec = { 0 };
		enum engine_kind k;

		if (!container_id_valid(de->d_name) ||
		    record_read(rundir, de->d_name, &rec, ERR_DISCARD) < 0)
			continue;
		k = engine_from_bundle(rec.bundle);
		if (k != ENGINE_NONE)
			mask |= 1u << k;
		record_free(&rec);
	}
	closedir(d);
	return mask;
}

static bool known_here(const char *rundir, const char *root, const char *id)
{
	_cleanup_free_ char *a = xasprintf("%s/%s", rundir, id);
	_cleanup_free_ char *b = xasprintf("%s/%s", root, id);

	return access(a, F_OK) == 0 || access(b, F_OK) == 0;
}

/* Ask each engine of @mask in turn: 1 with the id, 0 when none knows
 * @arg (@note says who was asked), -1 with the first engine's failure
 * (a later one is only logged: one line names one cause). */
static int ask_engines(unsigned mask, const char *arg, char **id, char *note, size_t note_len,
		       struct err *e)
{
	size_t len = 0;
	int failed = 0;         /* err_keep_first's result: -1 once one failed */

	for (int k = ENGINE_ISULA; k <= ENGINE_PODMAN; k++) {
		struct engine_ctr c;
		struct err why = { 0 };
		int r;

		if (!(mask & (1u << k)))
			continue;
		r = engine_lookup((enum engine_kind)k, arg, &c, &why);
		if (r == 1) {
			*id = xstrdup(c.id);
			return 1;
		}
		if (r < 0)
			failed = err_keep_first(e, failed, &why, "resolve %s", arg);
		if (r == 0 && len < note_len)
			len += (size_t)snprintf(note + len, note_len - len, "%s%s", len ? ", " : "",
						engine_name((enum engine_kind)k));
	}
	if (len && len < note_len)
		snprintf(note + len, note_len - len, " %s no container of that name or id",
			 strchr(note, ',') ? "have" : "has");
	return failed < 0 ? err_wrap(e, "resolve %s", arg) : 0;
}

int container_resolve(const char *rundir, const char *root, const char *arg,
		      enum engine_kind engine, char **id, char *note, size_t note_len,
		      struct err *e)
{
	unsigned mask = engine != ENGINE_NONE ? 1u << engine : 0;
	struct err asked = { 0 };
	int r;

	note[0] = '\0';
	if (container_id_check(arg, e) < 0)
		return -1;
	if (known_here(rundir, root, arg)) {
		*id = xstrdup(arg);
		return 0;
	}
	if (!mask)
		mask = engine_from_records(rundir);
	r = mask ? ask_engines(mask, arg, id, note, note_len, &asked) : 0;
	if (r == 1)
		return 0;
	if (container_resolve_id(rundir, root, arg, id, e) < 0)
		return -1;
	/* nothing here either: the engine's failure is the answer */
	if (r < 0 && !known_here(rundir, root, *id)) {
		free(*id);
		*id = NULL;
		*e = asked;
		return -1;
	}
	return 0;
}
