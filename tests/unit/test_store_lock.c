/* The store's locks (one per container, held across a process), its root,
 * and forgetting a container's saved state. */
#include "unit.h"
#include "unit_store.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

/* The child holds the lock, then saves and closes. */
static void lock_holder(const char *root, int ready, int parent_done)
{
	struct pollfd pfd = { .fd = parent_done, .events = POLLIN };
	struct err e = { 0 };
	struct path_spec p;
	struct store s;
	int rc = 0;

	if (store_open(root, "c1", STORE_CREATE, &s, &e) < 0)
		_exit(10);
	if (write(ready, "x", 1) != 1)
		_exit(11);
	/* time for the parent to reach its store_open, which must not return */
	usleep(300 * 1000);
	if (poll(&pfd, 1, 0) != 0)
		rc = 12;
	if (parse_path_spec("/from/child:/x", &p, &e) == 0) {
		store_add_bind(&s, &p);
		path_spec_free(&p);
		if (store_save(&s, &e) < 0)
			rc = 13;
	}
	store_close(&s);
	_exit(rc);
}

/* A second store_open of the same container waits until the first one
 * closes, and then sees what the first one saved. */
static void lock_blocks(void **state)
{
	struct unit_fixture *f = *state;
	int ready[2], done[2];
	struct store s;
	struct err e = { 0 };
	struct path_spec *b;
	size_t n;
	int status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		lock_holder(f->root, ready[1], done[0]);
	}
	close(ready[1]);
	close(done[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	/* STORE_CREATE: with nothing saved yet, STORE_READ does not lock */
	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	/* tells the child we returned; it may have exited already (EPIPE) */
	signal(SIGPIPE, SIG_IGN);
	if (write(done[1], "x", 1) < 0)
		assert_int_equal(errno, EPIPE);
	close(done[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 12)
		fail_msg("second store_open returned while the first still held the lock");
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(store_binds(&s, &b, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(b[0].host, "/from/child");
	path_specs_free(b, n);
	store_close(&s);
}

/* Different containers do not wait for each other: with c1 held here, a
 * child opens c2; if that waits for c1's lock the test fails after 5 s
 * instead of hanging the suite. */
static void lock_per_container(void **state)
{
	struct unit_fixture *f = *state;
	struct store a, b;
	struct err e = { 0 };
	int status = 0, waited;
	pid_t pid;

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &a, &e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (store_open(f->root, "c2", STORE_CREATE, &b, &e) < 0)
			_exit(1);
		store_close(&b);
		_exit(0);
	}
	for (waited = 0; waited < 500; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	store_close(&a);
	if (waited == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("opening c2 waited 5 s for the lock c1 holds");
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void root_choice(void **state)
{
	unit_env("SYSCONTAINER_HOOKS_ROOT", "/env/root");
	assert_string_equal(store_root("/flag/root"), "/flag/root");
	assert_string_equal(store_root(NULL), "/env/root");
	assert_string_equal(store_root(""), "/env/root");
	unit_env("SYSCONTAINER_HOOKS_ROOT", "");
	assert_string_equal(store_root(NULL), STORE_ROOT_DEFAULT);
	unit_env("SYSCONTAINER_HOOKS_ROOT", NULL);
	assert_string_equal(store_root(NULL), STORE_ROOT_DEFAULT);
}

static int refuse(void *arg, const cJSON *doc, struct err *e)
{
	(void)doc;
	(*(int *)arg)++;
	return err_set(e, EBUSY, "container c1 is running");
}

/* Counts its calls; the document it gets must hold the saved device. */
static int allow(void *arg, const cJSON *doc, struct err *e)
{
	(void)e;
	assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "deviceToAdd"));
	(*(int *)arg)++;
	return 0;
}

static int allow_unreadable(void *arg, const cJSON *doc, struct err *e)
{
	(void)e;
	assert_null(doc);
	(*(int *)arg)++;
	return 0;
}

/* c1 with a device saved; its state directory. */
static char *saved_c1(const struct unit_fixture *f)
{
	struct store s;
	struct err e = { 0 };

	assert_int_equal(store_open(f->root, "c1", STORE_CREATE, &s, &e), 0);
	store_add_device(&s, &loop0);
	assert_int_equal(store_save(&s, &e), 0);
	store_close(&s);
	return unit_join(f->root, "c1");
}

static void forget_refused(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = saved_c1(f);
	char *foreign = unit_join(dir, "notes.txt");
	char *stale = unit_join(dir, "hook.json.tmpAbC123");
	struct err e = { 0 };
	int calls = 0;

	/* the check refuses: nothing removed */
	assert_int_equal(store_forget(f->root, "c1", refuse, &calls, &e), -1);
	assert_int_equal(e.code, EBUSY);
	assert_int_equal(calls, 1);
	assert_int_equal(unit_count_entries(dir), 1);

	/* a file the store did not write: refused before the check runs (it
	 * may give back what the container holds), nothing removed */
	unit_write(foreign, "x", 1);
	unit_write(stale, "{", 1);
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), -1);
	assert_err(e, ENOTEMPTY, "notes.txt");
	assert_int_equal(calls, 1);
	assert_int_equal(unit_count_entries(dir), 3);
	free(stale);
	free(foreign);
	free(dir);
}

static void forget(void **state)
{
	struct unit_fixture *f = *state;
	char *dir = saved_c1(f);
	char *stale = unit_join(dir, "hook.json.tmpAbC123");
	char *old_lock = unit_join(dir, ".lock");
	char *corrupt = unit_join(dir, "hook.json");
	struct err e = { 0 };
	int calls = 0;

	/* state, temp file, the lock of older versions and the directory
	 * go; the root stays */
	unit_write(stale, "{", 1);
	unit_write(old_lock, "", 0);
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), 0);
	assert_int_equal(calls, 1);
	assert_false(unit_exists(dir));
	assert_true(unit_exists(f->root));

	/* a corrupt hook.json: the check gets no document, and it all goes */
	assert_int_equal(mkdir(dir, 0700), 0);
	unit_write(corrupt, "{\"deviceToAdd\": [", 16);
	assert_int_equal(store_forget(f->root, "c1", allow_unreadable, &calls, &e), 0);
	assert_int_equal(calls, 2);
	assert_false(unit_exists(dir));

	/* nothing saved: ENOENT, the check is not run */
	calls = 0;
	assert_int_equal(store_forget(f->root, "c1", allow, &calls, &e), -1);
	assert_int_equal(e.code, ENOENT);
	assert_int_equal(calls, 0);
	/* ids are checked before any path is made of them */
	assert_int_equal(store_forget(f->root, "../c1", NULL, NULL, &e), -1);
	assert_int_equal(e.code, EINVAL);
	free(corrupt);
	free(old_lock);
	free(stale);
	free(dir);
}

UNIT_MAIN("test_store_lock",
	  STORE_TEST(lock_blocks),
	  STORE_TEST(lock_per_container),
	  UNIT_TEST(root_choice),
	  STORE_TEST(forget_refused),
	  STORE_TEST(forget))
