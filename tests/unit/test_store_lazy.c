/* STORE_LAZY (as STORE_CREATE): the state directory of a container is
 * made by the first save, never by an open that saves nothing; the lock
 * is the container's own, under the runtime records, for the hook and the
 * CLI alike. */
#include <signal.h>
#include <sys/wait.h>

#include "unit.h"

#include "store.h"

static const struct saved_device dev = {
	.type = 'c', .major = 1, .minor = 5, .host = "/dev/zero", .ctr = "/dev/z",
	.perms = "rwm", .parent = "",
};

static int setup(void **state)
{
	char *run;

	*state = unit_tmpdir();
	run = unit_join(*state, "run");
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", run);
	free(run);
	return 0;
}

static int teardown(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_RUNDIR", NULL);
	unit_rm_rf(*state);
	free(*state);
	return 0;
}

static char *dir_of(const char *root, const char *id)
{
	return unit_join(root, id);
}

/* Opened, nothing saved, closed: nothing on disk, not even the root. */
static void open_close_leaves_nothing(void **state)
{
	char *root = unit_join(*state, "store");
	char *dir = dir_of(root, "c1");
	struct err e = { 0 };
	struct store s;

	assert_int_equal(store_open(root, "c1", STORE_LAZY, &s, &e), 0);
	assert_non_null(s.doc);
	assert_null(s.doc->child);
	store_add_device(&s, &dev);     /* changed in memory only */
	store_close(&s);
	assert_false(unit_exists(root));
	/* with the root there: no directory for c1 in it */
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(store_open(root, "c1", STORE_LAZY, &s, &e), 0);
	store_close(&s);
	assert_false(unit_exists(dir));
	assert_int_equal(unit_count_entries(root), 0);
	free(dir);
	free(root);
}

static void save_makes_the_directory(void **state)
{
	char *root = unit_join(*state, "store");
	char *dir = dir_of(root, "c1");
	char *lock = unit_join(dir, ".lock");
	struct saved_device *got = NULL;
	struct err e = { 0 };
	struct store s;
	struct stat st;
	size_t n = 0;

	assert_int_equal(store_open(root, "c1", STORE_LAZY, &s, &e), 0);
	store_add_device(&s, &dev);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_false(unit_exists(lock));      /* no lock in the store: it is under the records */
	/* opened again, lazily or not, it is the saved state */
	assert_int_equal(store_open(root, "c1", STORE_LAZY, &s, &e), 0);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].ctr, "/dev/z");
	saved_devices_free(got, n);
	store_add_device(&s, &(struct saved_device){ .type = 'c', .major = 1, .minor = 3,
		.host = "/dev/null", .ctr = "/dev/n", .perms = "rw", .parent = "" });
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);
	assert_int_equal(store_open(root, "c1", STORE_READ, &s, &e), 0);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 2);
	saved_devices_free(got, n);
	store_close(&s);
	free(lock);
	free(dir);
	free(root);
}

/* A lazy open (the CLI) and the hook's STORE_CREATE of a container
 * without a directory take turns: the second waits for the first, then
 * finds what it saved. */
static void lazy_opens_take_turns(void **state)
{
	char *root = unit_join(*state, "store");
	int ready[2], status;
	struct saved_device *got = NULL;
	struct err e = { 0 };
	struct store s;
	size_t n = 0;
	pid_t pid;
	char c;

	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store first;

		if (store_open(root, "c1", STORE_LAZY, &first, &e) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(300 * 1000);     /* the parent's open must wait for this */
		store_add_device(&first, &dev);
		_exit(store_save(&first, &e) < 0 ? 1 : 0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	alarm(5);               /* a lock never released fails the test, not hangs it */
	assert_int_equal(store_open(root, "c1", STORE_CREATE, &s, &e), 0);
	alarm(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	saved_devices_free(got, n);
	store_close(&s);
	close(ready[0]);
	free(root);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(open_close_leaves_nothing), T(save_makes_the_directory),
		T(lazy_opens_take_turns),
	};

	return cmocka_run_group_tests_name("test_store_lazy", tests, NULL, NULL);
}
