#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container_id.h"
#include "sock.h"
#include "util.h"

/* A handle on process @pid, not on its number: a pidfd, or where there
 * is no pidfd_open (kernels before 5.3, valgrind) the process's /proc
 * directory, whose lookups fail with ESRCH once the process is reaped,
 * even when another process has its number by then. */
static int sys_pidfd_open(int pid)
{
	_cleanup_free_ char *dir = NULL;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	dir = xasprintf("/proc/%d", pid);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		errno = ESRCH;          /* as pidfd_open says it */
	return fd;
}

/* 0 while the process of @pidfd (sys_pidfd_open) lives. */
static int pidfd_alive(int pidfd)
{
	int r = (int)syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0);

	if (r == 0 || errno != ENOSYS)
		return r;
	return faccessat(pidfd, "stat", F_OK, 0);
}

int pid_open_mntns(int pid, int *pidfd_out, int *mntns_out, struct err *e)
{
	_cleanup_free_ char *ns = xasprintf("/proc/%d/ns/mnt", pid);
	_cleanup_close_ int pidfd = sys_pidfd_open(pid);
	_cleanup_close_ int nsfd = -1;

	if (pidfd < 0)
		return err_sys(e, errno, "process %d", pid);
	nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return err_sys(e, errno, "open %s", ns);
	if (pidfd_alive(pidfd) < 0)
		return err_sys(e, errno, "process %d", pid);
	*pidfd_out = steal_fd(&pidfd);
	*mntns_out = steal_fd(&nsfd);
	return 0;
}

int pid_open_ns(int pidfd, int pid, const char *ns, int *fd_out, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", pid, ns);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (pidfd_alive(pidfd) < 0)
		return err_sys(e, errno, "process %d", pid);
	*fd_out = steal_fd(&fd);
	return 0;
}

int container_root_pick(bool pivoted, const char *rootfs, char **root, struct err *e)
{
	if (pivoted) {
		*root = xstrdup("/");
		return 0;
	}
	if (!rootfs)
		return err_set(e, EINVAL, "no rootfs: neither \"root\" in the OCI state nor "
			       "root.path in config.json");
	*root = xstrdup(rootfs);
	return 0;
}

static bool same_dir(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether process @pid has a root of its own yet. One that has not
 * pivoted keeps the root of whoever started it: ours, or the host's when
 * the runtime runs us from a root of its own. Only a root that is neither
 * is the container's. */
static int root_pivoted(int pidfd, int pid, bool *pivoted, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/root", pid);
	struct stat ctr, own, host;

	if (stat(path, &ctr) < 0)
		return err_sys(e, errno, "stat %s", path);
	if (stat("/", &own) < 0)
		return err_sys(e, errno, "stat /");
	if (pidfd_alive(pidfd) < 0)
		return err_sys(e, errno, "process %d", pid);
	*pivoted = !same_dir(&ctr, &own);
	if (*pivoted && stat("/proc/1/root", &host) == 0 && same_dir(&ctr, &host))
		*pivoted = false;
	return 0;
}

int container_root_in_ns(int pidfd, int pid, const char *rootfs, char **root, struct err *e)
{
	bool pivoted;

	if (root_pivoted(pidfd, pid, &pivoted, e) < 0)
		return -1;
	return container_root_pick(pivoted, rootfs, root, e);
}

/* "/" as a thread that enters a mount namespace sees it (as the CLI's
 * worker in nsexec.c does): the topmost mount on the namespace's root. */
struct ns_root_probe {
	int mntns_fd;
	struct stat st;
	int err;
};

static void *probe_ns_root(void *arg)
{
	struct ns_root_probe *p = arg;

	if (unshare(CLONE_FS) < 0 || setns(p->mntns_fd, CLONE_NEWNS) < 0 || stat("/", &p->st) < 0)
		p->err = errno;
	return NULL;
}

/* Whether entering @pid's mount namespace lands in its root. runc does
 * pivot_root(".", "."), which leaves the old root (the host's) mounted
 * on top of the new one until it detaches it: /proc/PID/root is the
 * container's from the pivot on, but "/" of the namespace is the host's
 * root until then, and what the CLI made there would land on the host
 * (and be detached with the old root). */
static int ns_root_is_ctr(int pid, bool *same, struct err *e)
{
	_cleanup_free_ char *ns = xasprintf("/proc/%d/ns/mnt", pid);
	_cleanup_free_ char *root = xasprintf("/proc/%d/root", pid);
	_cleanup_close_ int fd = open(ns, O_RDONLY | O_CLOEXEC);
	struct ns_root_probe p = { .mntns_fd = fd };
	struct stat ctr;
	pthread_t th;
	int r;

	if (fd < 0)
		return err_sys(e, errno, "open %s", ns);
	r = pthread_create(&th, NULL, probe_ns_root, &p);
	if (r != 0)
		return err_sys(e, r, "start a thread to look into %s", ns);
	pthread_join(th, NULL);
	if (p.err)
		return err_sys(e, p.err, "the root of mount namespace %s", ns);
	if (stat(root, &ctr) < 0)
		return err_sys(e, errno, "stat %s", root);
	*same = same_dir(&ctr, &p.st);
	return 0;
}

int container_wait_root(int pidfd, int pid, long ms, struct err *e)
{
	long deadline = monotonic_ms() + ms;
	bool pivoted;

	for (;;) {
		if (root_pivoted(pidfd, pid, &pivoted, e) < 0)
			return -1;
		if (pivoted && ns_root_is_ctr(pid, &pivoted, e) < 0)
			return -1;
		if (pivoted)
			return 1;
		if (monotonic_ms() >= deadline)
			return 0;
		/* the runtime pivots right after its prestart hooks: a
		 * millisecond or so, unless a hook after ours takes long */
		usleep(1000);
	}
}

/* The ids that start with a prefix, each once; an exact match wins. */
struct id_matches {
	char **ids;
	size_t n;
	bool exact;
};

static void matches_add(struct id_matches *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			return;
	m->ids = xrealloc(m->ids, (m->n + 1) * sizeof(*m->ids));
	m->ids[m->n++] = xstrdup(id);
}

static void matches_free(struct id_matches *m)
{
	str_list_free(m->ids, m->n);
}

static void scan_ids(const char *dir, const char *prefix, struct id_matches *m)
{
	DIR *d = m->exact ? NULL : opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!container_id_valid(de->d_name) || !str_has_prefix(de->d_name, prefix))
			continue;
		if (strcmp(de->d_name, prefix) == 0) {
			matches_free(m);
			m->ids = NULL;
			m->n = 0;
			matches_add(m, de->d_name);
			m->exact = true;
			break;
		}
		matches_add(m, de->d_name);
	}
	closedir(d);
}

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "prefix 'a' is ambiguous: a1, a2, a3" with at most a few of them. */
static int ambiguous(const char *prefix, struct id_matches *m, struct err *e)
{
	enum { SHOWN = 4 };
	char list[4 * (CONTAINER_ID_MAX + 2) + 32] = "";
	size_t len = 0;

	qsort(m->ids, m->n, sizeof(*m->ids), cmp_ids);
	for (size_t i = 0; i < m->n && i < SHOWN; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					m->ids[i]);
	if (m->n > SHOWN)
		snprintf(list + len, sizeof(list) - len, " and %zu more", m->n - SHOWN);
	return err_set(e, EINVAL, "container id prefix '%s' is ambiguous: %s", prefix, list);
}

int container_resolve_id(const char *rundir, const char *store_root, const char *arg,
			 char **id, struct err *e)
{
	struct id_matches m = { NULL, 0, false };

	if (container_id_check(arg, e) < 0)
		return -1;
	scan_ids(rundir, arg, &m);
	scan_ids(store_root, arg, &m);
	if (m.n > 1) {
		ambiguous(arg, &m, e);
		matches_free(&m);
		return -1;
	}
	/* an id nobody knows yet is still valid: the container may be new */
	*id = m.n ? m.ids[0] : xstrdup(arg);
	free(m.ids);
	return 0;
}

int container_attach(const char *rundir, const char *id, struct container *c, struct err *e)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->pidfd = c->mntns_fd = -1;
	if (record_read(rundir, id, &c->rec, e) < 0) {
		if (e->code == ENOENT)
			err_set(e, ENOENT, "container %s is not running (no runtime record in %s; "
				"was it started with the syscontainer-hooks prestart hook?)", id, rundir);
		return -1;
	}
	if (pid_open_mntns(c->rec.pid, &c->pidfd, &c->mntns_fd, e) < 0 ||
	    fstat(c->mntns_fd, &st) < 0) {
		err_set(e, ENOENT, "container %s is not running (its process %d is gone)", id,
			c->rec.pid);
		goto fail;
	}
	if ((uint64_t)st.st_dev != c->rec.mntns_dev || (uint64_t)st.st_ino != c->rec.mntns_ino) {
		err_set(e, ESTALE, "container %s: process %d is no longer the container "
			"(mount namespace changed); stale runtime record", id, c->rec.pid);
		goto fail;
	}
	if (oci_spec_load(c->rec.bundle, &c->spec, e) < 0) {
		err_wrap(e, "container %s", id);
		goto fail;
	}
	return 0;
fail:
	container_detach(c);
	return -1;
}

void container_detach(struct container *c)
{
	record_free(&c->rec);
	oci_spec_free(&c->spec);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->mntns_fd >= 0)
		close(c->mntns_fd);
	c->pidfd = c->mntns_fd = -1;
}

void container_root_ids(const struct oci_spec *sp, unsigned *uid, unsigned *gid)
{
	uint32_t u = 0, g = 0;

	if (idmap_to_host(sp->uid_maps, sp->n_uid_maps, 0, &u) < 0)
		u = 0;
	if (idmap_to_host(sp->gid_maps, sp->n_gid_maps, 0, &g) < 0)
		g = 0;
	*uid = u;
	*gid = g;
}
