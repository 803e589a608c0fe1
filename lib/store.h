/* The per-container state file <root>/<id>/hook.json: what was added to a
 * container and must come back at its next start. The hook and the CLI
 * take the same exclusive lock (store_lock.h, under the runtime records)
 * across every read-modify-write; every write is atomic. The directory
 * exists only while something is saved: a container with nothing saved
 * has nothing on disk. The JSON document is kept as a whole, so fields
 * this version does not handle survive a rewrite. */
#ifndef SCH_STORE_H
#define SCH_STORE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "spec_parse.h"

#define STORE_ROOT_DEFAULT "/var/lib/syscontainer-hooks"
#define STORE_FILE "hook.json"

struct store {
	char *id;
	char *dir;      /* <root>/<id> */
	char *path;     /* <dir>/hook.json */
	int lock_fd;    /* -1 when not locked (STORE_READ with nothing saved) */
	cJSON *doc;
};

/* One entry of "deviceToAdd" (field names of the original tool). */
struct saved_device {
	char type;              /* 'b' or 'c' */
	int64_t major, minor;
	char *host;             /* PathOnHost */
	char *ctr;              /* PathInContainer */
	char perms[4];          /* CgroupPermissions */
	char *parent;           /* Parent: the disk of a partition, or "" */
	bool follow;            /* FollowPartition: a disk whose partitions follow it */
	struct node_attrs node; /* FileMode, Uid, Gid: when not the host node's */
};

/* --root, else $SYSCONTAINER_HOOKS_ROOT, else STORE_ROOT_DEFAULT. */
const char *store_root(const char *flag);

enum { STORE_READ = 0, STORE_CREATE = 1, STORE_LAZY = 2 };

/* Lock and load the state of container @id. STORE_READ on a container that
 * has no directory gives an empty document and no lock. STORE_CREATE and
 * STORE_LAZY (the same: the CLI's name for it) lock all the same and make
 * nothing: store_save makes the directories (0700) when it writes, so a
 * command that fails leaves nothing behind (a directory makes its id a
 * known container). A corrupt file is an error naming its path. */
int store_open(const char *root, const char *id, int mode, struct store *s, struct err *e);
/* Remove everything saved for @id: hook.json, temp files, the lock and the
 * directory. Nothing is removed when the directory holds a file the store
 * did not write. Then @check (when not NULL) runs under the lock with the
 * saved document (NULL when it cannot be read) and can refuse. ENOENT in
 * e->code when nothing is saved. */
int store_forget(const char *root, const char *id,
		 int (*check)(void *arg, const cJSON *doc, struct err *e), void *arg,
		 struct err *e);
/* Atomically write the document (mode 0600), making the directory when
 * it is the first thing saved (and removing it again when that write
 * fails). A document with nothing in it (every member null, false, or an
 * empty array or object) is not written: hook.json and its directory are
 * removed, so a container whose last device went keeps nothing on disk. */
int store_save(struct store *s, struct err *e);
/* Unlock and free. */
void store_close(struct store *s);

/* Check a whole document; used on load and by the unit tests. */
int store_validate(const cJSON *doc, struct err *e);

int store_devices(const struct store *s, struct saved_device **out, size_t *n, struct err *e);
void saved_devices_free(struct saved_device *d, size_t n);
void store_add_device(struct store *s, const struct saved_device *d);
void store_remove_device(struct store *s, size_t index);
/* Replace the saved devices with @n devices (numbers refreshed at a start). */
void store_set_devices(struct store *s, const struct saved_device *d, size_t n);

int store_binds(const struct store *s, struct path_spec **out, size_t *n, struct err *e);
/* The saved lists as they are in the document (NULL when absent). */
const cJSON *store_devices_json(const cJSON *doc);
const cJSON *store_binds_json(const cJSON *doc);
void path_specs_free(struct path_spec *p, size_t n);
void store_add_bind(struct store *s, const struct path_spec *p);
void store_remove_bind(struct store *s, size_t index);

#endif
