#include "store_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "progress.h"
#include "util.h"

int store_take_lock(struct store *s, struct err *e)
{
	_cleanup_free_ char *lock = xasprintf("%s/.lock", s->dir);

	s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0)
		return err_sys(e, errno, "open lock %s", lock);
	progress_path(PROGRESS_MAIN, "waiting for the lock on", lock);
	while (flock(s->lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return err_sys(e, errno, "lock %s", lock);
	}
	return 0;
}

/* STORE_LAZY on a container without a directory: the root's lock stands
 * for the directory's until store_save makes it. 1 when the directory is
 * there after all (made meanwhile): open it as STORE_CREATE would. */
int store_lazy_open(const char *root, struct store *s, struct err *e)
{
	struct stat st;

	s->root = xstrdup(root);
	s->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0 && errno != ENOENT)
		return err_sys(e, errno, "open %s", root);
	/* no root: nothing is saved anywhere; store_save checks for a
	 * writer that came in between */
	s->root_locked = s->root_fd >= 0;
	progress_path(PROGRESS_MAIN, "waiting for the lock on", root);
	while (s->root_locked && flock(s->root_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_sys(e, errno, "lock %s", root);
	if (lstat(s->dir, &st) == 0)
		return 1;
	s->lazy = true;
	s->doc = cJSON_CreateObject();
	return 0;
}

void store_root_unlock(struct store *s)
{
	if (s->root_locked)
		close(s->root_fd);      /* releases the flock */
	s->root_locked = false;
	s->root_fd = -1;
}

/* The first save of STORE_LAZY: make the directory and take its lock. A
 * writer that does not lock the root (the hook) may have made it since
 * the open: go on only if what it saved is what this one started from,
 * an empty state. */
int store_lazy_make(struct store *s, bool *made, struct err *e)
{
	_cleanup_cjson_ cJSON *empty = cJSON_CreateObject();
	cJSON *mine = s->doc;

	if (mkdir_p(s->root, 0700, e) < 0)
		return -1;
	*made = mkdir(s->dir, 0700) == 0;
	if (!*made && errno != EEXIST)
		return err_sys(e, errno, "mkdir %s", s->dir);
	s->doc = NULL;
	if (store_take_lock(s, e) < 0 || store_load(s, e) < 0) {
		cJSON_Delete(s->doc);
		s->doc = mine;
		return -1;
	}
	if (!cJSON_Compare(s->doc, empty, true)) {
		cJSON_Delete(mine);
		return err_set(e, EAGAIN, "state of %s was saved by another writer meanwhile; "
			       "try again", s->dir);
	}
	cJSON_Delete(s->doc);
	s->doc = mine;
	s->lazy = false;
	return 0;
}

/* A directory the first save made goes again when that save failed. */
void store_lazy_unmake(struct store *s)
{
	_cleanup_free_ char *lock = xasprintf("%s/.lock", s->dir);

	store_remove_stale_tmp(s->dir);
	unlink(lock);
	rmdir(s->dir);
}
