#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "device.h"
#include "util.h"

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int cgroup_proc_path(const char *text, const char *controller, char **path, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *save = NULL;

	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		if (has_word(c1 + 1, controller) && c2[1] == '/') {
			*path = xstrdup(c2 + 1);
			return 0;
		}
	}
	return err_set(e, ENOENT, "no cgroup v1 '%s' hierarchy for the process", controller);
}

/* Split a mountinfo line into fields; the optional fields end at "-". */
int cgroup_mount_of(const char *text, const char *controller, char **mountpoint,
		    char **mount_root, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *save = NULL;

	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[32];
		int n = 0, dash = -1;
		char *fs = NULL, *save2 = NULL;

		for (char *tok = strtok_r(line, " ", &save2); tok && n < 32;
		     tok = strtok_r(NULL, " ", &save2)) {
			if (strcmp(tok, "-") == 0 && dash < 0)
				dash = n;
			f[n++] = tok;
		}
		if (dash < 6 || n < dash + 4)
			continue;
		fs = f[dash + 1];
		if (strcmp(fs, "cgroup") || !has_word(f[dash + 3], controller))
			continue;
		*mount_root = xstrdup(f[3]);
		*mountpoint = xstrdup(f[4]);
		return 0;
	}
	return err_set(e, ENOENT, "cgroup v1 '%s' controller is not mounted "
		       "(cgroup v2 device control is not supported yet)", controller);
}

/* Whether the text of a cgroup.procs file lists @pid. */
static bool procs_has(const char *procs, int pid)
{
	char want[16];
	size_t n = (size_t)snprintf(want, sizeof(want), "%d", pid);

	for (const char *p = procs; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, want, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The common layout, without reading the mount table (which can run to
 * thousands of lines on a busy host): @base is a cgroup file system of
 * type @magic, and @base/@path is a cgroup that holds @pid. A mount that
 * shows a sub-tree only, or anything else unusual, does not pass, and the
 * caller reads the mount table. */
static char *standard_dir(const char *base, long magic, const char *path, int pid)
{
	_cleanup_free_ char *joined = xasprintf("%s/%s", base, path);
	_cleanup_free_ char *procs_path = NULL, *procs = NULL;
	char *dir = path_clean(joined);
	struct statfs sfs;

	if (statfs(base, &sfs) < 0 || sfs.f_type != magic)
		goto no;
	procs_path = xasprintf("%s/cgroup.procs", dir);
	if (read_file_at(AT_FDCWD, procs_path, MAX_FILE_SIZE, &procs, NULL, ERR_DISCARD) < 0 ||
	    !procs_has(procs, pid))
		goto no;
	return dir;
no:
	free(dir);
	return NULL;
}

static int read_proc_cgroup(int pid, char **text, struct err *e)
{
	_cleanup_free_ char *proc = xasprintf("/proc/%d/cgroup", pid);

	return read_file_at(AT_FDCWD, proc, MAX_FILE_SIZE, text, NULL, e);
}

/* cgroup2 at /sys/fs/cgroup: a pure v2 host, as runc tells it. The kernel
 * may still list v1 hierarchies in /proc/PID/cgroup (they exist while
 * mounted anywhere), but none is for this host's containers. */
static bool pure_v2(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_dir(int pid, const char *controller, char **dir, struct err *e)
{
	_cleanup_free_ char *cg = NULL, *mi = NULL, *path = NULL, *mnt = NULL, *root = NULL;
	_cleanup_free_ char *joined = NULL, *base = NULL;
	const char *rel;

	if (pure_v2())
		return err_set(e, ENOENT, "no cgroup v1 %s hierarchy on this cgroup v2 host",
			       controller);
	if (read_proc_cgroup(pid, &cg, e) < 0)
		return -1;
	if (cgroup_proc_path(cg, controller, &path, e) < 0)
		return err_wrap(e, "pid %d", pid);
	base = xasprintf("/sys/fs/cgroup/%s", controller);
	*dir = standard_dir(base, CGROUP_SUPER_MAGIC, path, pid);
	if (*dir)
		return 0;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", MAX_FILE_SIZE, &mi, NULL, e) < 0)
		return -1;
	if (cgroup_mount_of(mi, controller, &mnt, &root, e) < 0)
		return err_wrap(e, "pid %d", pid);
	/* the mount may show a sub-tree only (cgroup namespace) */
	rel = path;
	if (strcmp(root, "/") != 0) {
		if (!str_has_prefix(path, root))
			return err_set(e, ENOENT, "cgroup %s of pid %d is outside the mounted %s",
				       path, pid, root);
		rel = path + strlen(root);
	}
	joined = xasprintf("%s/%s", mnt, rel);
	*dir = path_clean(joined);
	return 0;
}

/* The v2 directory of @pid: "0::/path" under the cgroup2 mount. */
int cgroup_v2_dir(int pid, char **dir, struct err *e)
{
	_cleanup_free_ char *cg = NULL, *mi = NULL;
	char *line, *save = NULL, *mnt = NULL;

	if (read_proc_cgroup(pid, &cg, e) < 0)
		return -1;
	line = strstr(cg, "0::");
	if (!line || (line != cg && line[-1] != '\n'))
		return err_set(e, ENOENT, "no cgroup v2 hierarchy for pid %d", pid);
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	/* pure v2 at /sys/fs/cgroup, or the hybrid layout's "unified" */
	*dir = standard_dir("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC, line, pid);
	if (!*dir)
		*dir = standard_dir("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC, line, pid);
	if (*dir)
		return 0;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", MAX_FILE_SIZE, &mi, NULL, e) < 0)
		return -1;
	for (char *l = strtok_r(mi, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f = l;

		if (!strstr(l, " - cgroup2 "))
			continue;
		for (int i = 0; i < 4 && f; i++)
			f = strchr(f + 1, ' ');
		if (f) {
			char *end = strchr(f + 1, ' ');

			mnt = strndup(f + 1, (size_t)(end - f - 1));
			break;
		}
	}
	if (!mnt)
		return err_set(e, ENOENT, "no cgroup v2 hierarchy for pid %d", pid);
	*dir = xasprintf("%s%s", mnt, line);
	free(mnt);
	return 0;
}

char *cgroup_device_rule(char type, int64_t major, int64_t minor, const char *perms)
{
	return xasprintf("%c %lld:%lld %s", type, (long long)major, (long long)minor, perms);
}

static int num_matches(const char *field, int64_t v)
{
	char *end;
	long long n;

	if (strcmp(field, "*") == 0)
		return 1;
	n = strtoll(field, &end, 10);
	return *end == '\0' && end != field && n == v;
}

unsigned cgroup_list_access(char *const *lines, size_t n, char type, int64_t major,
			    int64_t minor)
{
	unsigned bits = 0;

	for (size_t i = 0; i < n; i++) {
		char t, majs[16], mins[16], acc[8];

		/* "type major:minor access"; "b8:0 rwm" is no rule for b 8:0 */
		if (sscanf(lines[i], "%c %15[^:]:%15s %7s", &t, majs, mins, acc) != 4 ||
		    lines[i][1] != ' ')
			continue;
		if (t != 'a' && t != type)
			continue;
		if (t == 'a' || (num_matches(majs, major) && num_matches(mins, minor)))
			bits |= device_perms_bits(acc);
	}
	return bits;
}

int cgroup_device_list(const char *dir, char ***lines, size_t *n, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/devices.list", dir);
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;
	size_t cap = 16;

	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &buf, NULL, e) < 0)
		return -1;
	*n = 0;
	*lines = xcalloc(cap, sizeof(char *));
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			cap *= 2;
			*lines = xrealloc(*lines, cap * sizeof(char *));
		}
		(*lines)[(*n)++] = xstrdup(l);
	}
	return 0;
}
