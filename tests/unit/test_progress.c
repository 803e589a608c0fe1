/* The current-step texts read by the hook's deadline handler. */
#include "unit.h"

#include "progress.h"

static void lanes(void **state)
{
	assert_string_equal(progress_now(PROGRESS_MAIN), "");
	assert_string_equal(progress_now(PROGRESS_WORKER), "");
	progress_set(PROGRESS_MAIN, "waiting for the lock on %s", "/x/.lock");
	assert_string_equal(progress_now(PROGRESS_MAIN), "waiting for the lock on /x/.lock");
	assert_string_equal(progress_now(PROGRESS_WORKER), "");
	progress_path(PROGRESS_WORKER, "making the node", "/dev/sdb");
	assert_string_equal(progress_now(PROGRESS_WORKER), "making the node /dev/sdb");
	assert_string_equal(progress_now(PROGRESS_MAIN), "waiting for the lock on /x/.lock");
	progress_clear(PROGRESS_WORKER);
	assert_string_equal(progress_now(PROGRESS_WORKER), "");
}

/* A text held by a reader stays whole while the next steps are written:
 * each step goes to another slot of the ring. */
static void ring(void **state)
{
	const char *held;

	progress_set(PROGRESS_MAIN, "step %d", 1);
	held = progress_now(PROGRESS_MAIN);
	for (int i = 2; i <= 3; i++) {
		progress_set(PROGRESS_MAIN, "step %d", i);
		assert_string_equal(held, "step 1");
	}
	for (int i = 4; i < 100; i++) {
		char want[32];

		progress_set(PROGRESS_MAIN, "step %d", i);
		snprintf(want, sizeof(want), "step %d", i);
		assert_string_equal(progress_now(PROGRESS_MAIN), want);
	}
}

/* Long texts are cut, never overflow, and stay NUL-terminated. */
static void bounded(void **state)
{
	char big[PROGRESS_MAX * 2], buf[8];
	size_t n;

	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	progress_path(PROGRESS_WORKER, "making the node", big);
	assert_int_equal(strlen(progress_now(PROGRESS_WORKER)), PROGRESS_MAX - 1);
	progress_set(PROGRESS_MAIN, "%s", big);
	assert_int_equal(strlen(progress_now(PROGRESS_MAIN)), PROGRESS_MAX - 1);
	n = progress_append(buf, sizeof(buf), 0, "abc");
	assert_int_equal(n, 3);
	n = progress_append(buf, sizeof(buf), n, "defghij");
	assert_int_equal(n, 7);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(progress_append(buf, sizeof(buf), n, "x"), 7);
	assert_string_equal(buf, "abcdefg");
}

UNIT_MAIN("test_progress",
	  UNIT_TEST(lanes),
	  UNIT_TEST(ring),
	  UNIT_TEST(bounded))
