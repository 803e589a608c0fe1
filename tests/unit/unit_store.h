/* For the unit tests of the store: each STORE_TEST gets a fresh store root
 * (not yet created), and records (where the locks are) in their own
 * directory; paths and checks of the store, and a saved device. */
#ifndef SCH_UNIT_STORE_H
#define SCH_UNIT_STORE_H

#include "store.h"

static inline int unit_store_setup(void **state)
{
	struct unit_fixture *f = unit_fixture_new(state, false, false);

	unit_env("SYSCONTAINER_HOOKS_RUNDIR", f->run);
	return 0;
}

static inline int unit_store_teardown(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	return unit_fixture_teardown(state);
}

#define STORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_store_setup, unit_store_teardown)

/* the path of @id's hook.json */
static inline char *hook_json(const struct unit_fixture *f, const char *id)
{
	char *dir = unit_join(f->root, id);
	char *path = unit_join(dir, STORE_FILE);

	free(dir);
	return path;
}

/* a store closed, or left closed by a failed open */
static inline void assert_closed(const struct store *s)
{
	assert_null(s->dir);
	assert_null(s->path);
	assert_null(s->doc);
	assert_int_equal(s->lock_fd, -1);
}

static const struct saved_device loop0 __attribute__((unused)) = {
	.type = 'b', .major = 7, .minor = 0, .host = "/dev/loop0",
	.ctr = "/dev/loop0", .perms = "rwm", .parent = "",
};

#endif
