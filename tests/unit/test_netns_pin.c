/* The pin of a container's network namespace: made, found, idempotent,
 * dropped; and whatever else sits where the pin goes is refused at once,
 * never waited on (a FIFO opened for writing blocks until a reader comes).
 * An alarm turns a hang into a failure. The mounts are made in a mount
 * namespace of the test's own. */
#include "unit.h"

#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "netns_pin.h"
#include "util.h"

#define ID "c1"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = unit_tmpdir();
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	_cleanup_free_ char *pin = unit_join(dir, ID "/netns");

	(void)state;
	alarm(0);
	umount2(pin, MNT_DETACH | UMOUNT_NOFOLLOW);
	unit_rm_rf(dir);
	free(dir);
	return 0;
}

static char *pin_path(void)
{
	char *sub = unit_join(dir, ID);

	mkdir(sub, 0700);
	free(sub);
	return unit_join(dir, ID "/netns");
}

static void fifo_refused_at_once(void **state)
{
	_cleanup_free_ char *pin = pin_path();
	struct err e = { 0 };
	int fd = -1;

	(void)state;
	assert_int_equal(mkfifo(pin, 0600), 0);
	assert_int_equal(netns_pin(dir, ID, getpid(), &e), -1);
	assert_int_equal(e.code, EEXIST);
	assert_err_mentions(e, "not a regular file");
	assert_err_line(e);
	err_clear(&e);
	assert_int_equal(netns_pin_open(dir, ID, &fd, &e), -1);
	assert_int_equal(e.code, ENOENT);
	assert_int_equal(fd, -1);
}

static void symlink_refused(void **state)
{
	_cleanup_free_ char *pin = pin_path();
	_cleanup_free_ char *target = unit_join(dir, "elsewhere");
	struct err e = { 0 };

	(void)state;
	assert_int_equal(symlink(target, pin), 0);
	assert_int_equal(netns_pin(dir, ID, getpid(), &e), -1);
	assert_err_mentions(e, "not a regular file");
	assert_false(unit_exists(target));
}

static void pin_open_unpin(void **state)
{
	_cleanup_free_ char *pin = NULL;
	struct err e = { 0 };
	struct statfs sfs;
	int fd = -1;

	(void)state;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		print_message("# no mount namespace of our own (%s): not root?\n", strerror(errno));
		skip();
	}
	assert_int_equal(netns_pin(dir, ID, getpid(), &e), 0);
	assert_int_equal(netns_pin(dir, ID, getpid(), &e), 0);     /* again: nothing to do */
	assert_int_equal(netns_pin_open(dir, ID, &fd, &e), 0);
	assert_int_equal(fstatfs(fd, &sfs), 0);
	assert_true(sfs.f_type == NSFS_MAGIC);
	close(fd);
	assert_int_equal(netns_unpin(dir, ID, &e), 0);
	pin = unit_join(dir, ID "/netns");
	assert_false(unit_exists(pin));
	assert_int_equal(netns_pin_open(dir, ID, &fd, &e), -1);
	assert_int_equal(e.code, ENOENT);
	assert_int_equal(netns_unpin(dir, ID, &e), 0);              /* twice: no error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fifo_refused_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_open_unpin, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_netns_pin", tests, NULL, NULL);
}
