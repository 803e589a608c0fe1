#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static bool same(const struct instance *a, const struct instance *b)
{
	if (a->pid != b->pid || a->mntns_dev != b->mntns_dev || a->mntns_ino != b->mntns_ino)
		return false;
	/* records of older versions have no start time */
	return !a->start_time || !b->start_time || a->start_time == b->start_time;
}

enum instance_match instance_match(const struct instance *rec, const struct instance *now,
				   const struct instance *rec_now)
{
	if (same(rec, now))
		return INSTANCE_SAME;
	if (rec_now && same(rec, rec_now))
		return INSTANCE_OTHER;
	return INSTANCE_STALE;
}

int proc_stat_parse(const char *text, char *state, uint64_t *start_time, struct err *e)
{
	/* the command name ends at the last ')' */
	const char *p = strrchr(text, ')');
	char *end;

	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return err_set(e, EINVAL, "unexpected /proc stat line");
	*state = p[2];
	p += 4;
	/* from field 4 past fields 4 to 21 to the start time */
	for (int field = 4; field <= 21; field++) {
		p = strchr(p, ' ');
		if (!p)
			return err_set(e, EINVAL, "unexpected /proc stat line");
		p++;
	}
	errno = 0;
	*start_time = strtoull(p, &end, 10);
	if (errno || end == p || (*end != ' ' && *end != '\n' && *end))
		return err_set(e, EINVAL, "unexpected /proc stat line");
	return 0;
}

int instance_probe(int pid, int mntns_fd, struct instance *out, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", pid);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	char state;
	int r;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, e) < 0)
		return e->code == ENOENT ? err_set(e, ESRCH, "process %d is gone", pid) : -1;
	if (proc_stat_parse(text, &state, &out->start_time, e) < 0)
		return err_wrap(e, "%s", path);
	if (state == 'Z' || state == 'X')
		return err_set(e, ESRCH, "process %d has ended", pid);
	if (mntns_fd >= 0) {
		r = fstat(mntns_fd, &st);
	} else {
		free(path);
		path = xasprintf("/proc/%d/ns/mnt", pid);
		r = stat(path, &st);
	}
	if (r < 0)
		return err_sys(e, errno == ENOENT ? ESRCH : errno, "mount namespace of process %d", pid);
	out->mntns_dev = st.st_dev;
	out->mntns_ino = st.st_ino;
	return 0;
}
