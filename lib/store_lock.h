/* The locks of the state store: a container's own (<root>/<id>/.lock),
 * and the root's, which stands for it while STORE_LAZY has not made the
 * container's directory yet. Internal to store.c. */
#ifndef SCH_STORE_LOCK_H
#define SCH_STORE_LOCK_H

#include <stdbool.h>

#include "store.h"

/* Open (creating) and flock <dir>/.lock into s->lock_fd. */
int store_take_lock(struct store *s, struct err *e);
/* STORE_LAZY on a container without a directory: lock @root and give an
 * empty document; 1 when the directory is there after all. */
int store_lazy_open(const char *root, struct store *s, struct err *e);
void store_root_unlock(struct store *s);
/* The first save of STORE_LAZY: make the directory (@made when this call
 * did), take its lock; EAGAIN when another writer saved meanwhile. */
int store_lazy_make(struct store *s, bool *made, struct err *e);
/* Remove what store_lazy_make made. */
void store_lazy_unmake(struct store *s);

/* store.c */
int store_load(struct store *s, struct err *e);
void store_remove_stale_tmp(const char *dir);

#endif
