/* Error messages: a message longer than the buffer loses its middle and
 * keeps its context and its errno text; warn-and-go-on and keep-the-first
 * log what they drop, once. */
#include "unit.h"

#include <stdbool.h>

#include "error.h"
#include "log.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A 4,000-character path through err_sys and two err_wrap: the message
 * holds the outer context at its head and the errno text at its tail. */
static void long_path_keeps_errno(void **state)
{
	char path[4001];
	struct err e = { 0 };

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	err_sys(&e, ENOENT, "open %s", path);
	err_wrap(&e, "add device %s", path);
	err_wrap(&e, "prestart c1");
	assert_err_code(e, ENOENT);
	assert_true(strlen(e.msg) == ERR_MSG_MAX - 1);
	assert_true(ends_with(e.msg, ": No such file or directory"));
	assert_true(strncmp(e.msg, "prestart c1: add device /ppp", 28) == 0);
	assert_non_null(strstr(e.msg, " [...] "));
}

/* Just fitting is left whole; one byte more is cut to the same length. */
static void fit_boundaries(void **state)
{
	char s[ERR_MSG_MAX + 2];
	struct err e = { 0 };

	(void)state;
	memset(s, 'a', sizeof(s));
	s[ERR_MSG_MAX - 1] = '\0';
	err_set(&e, 0, "%s", s);
	assert_string_equal(e.msg, s);
	s[ERR_MSG_MAX - 1] = 'z';
	s[ERR_MSG_MAX] = '\0';
	err_set(&e, 0, "%s", s);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
	assert_true(ends_with(e.msg, "az"));
	assert_non_null(strstr(e.msg, " [...] "));
}

/* A cut never splits a UTF-8 character, and a small buffer gets the
 * tail only. */
static void fit_utf8_and_small(void **state)
{
	char s[3 * 1000 + 1] = "", small[5];
	struct err e = { 0 };
	const char *cut;

	(void)state;
	for (int i = 0; i < 1000; i++)
		strcat(s, "\xc3\xa9");  /* é */
	strcat(s, "\xe2\x82\xac");      /* € */
	err_set(&e, 0, "%s", s);
	assert_true(strlen(e.msg) <= ERR_MSG_MAX - 1);
	assert_true(ends_with(e.msg, "\xc3\xa9\xe2\x82\xac"));
	cut = strstr(e.msg, " [...] ");
	assert_non_null(cut);
	/* the head is whole two-byte characters, the tail starts with one */
	assert_int_equal((cut - e.msg) % 2, 0);
	assert_int_equal((unsigned char)cut[7], 0xc3);
	err_fit(small, sizeof(small), "abcdefgh");
	assert_string_equal(small, "efgh");
}

static void control_characters(void **state)
{
	struct err e = { 0 };

	(void)state;
	err_set(&e, EINVAL, "bad\nname\x7f");
	assert_string_equal(e.msg, "bad?name?");
	err_wrap(&e, "add\tdevice");
	assert_string_equal(e.msg, "add?device: bad?name?");
}

/* Log lines go to a file for these tests; returns what it holds. */
static char *logged(const char *path)
{
	log_close();
	return unit_read(path, NULL);
}

static void warn_and_go_on(void **state)
{
	char *dir = unit_tmpdir(), *file = unit_join(dir, "log"), *text;
	struct err e = { 0 };

	(void)state;
	log_open("sch-test", file);
	err_warn(&e, "nothing to say");
	err_sys(&e, EBUSY, "remove link veth1");
	err_warn(&e, "undo c1");
	assert_string_equal(e.msg, "");
	assert_int_equal(e.code, 0);
	text = logged(file);
	assert_null(strstr(text, "nothing to say"));
	assert_non_null(strstr(text, "warning: undo c1: remove link veth1: "
				     "Device or resource busy\n"));
	unit_rm_rf(dir);
	free(text);
	free(file);
	free(dir);
}

static void keep_first(void **state)
{
	char *dir = unit_tmpdir(), *file = unit_join(dir, "log"), *text;
	struct err e = { 0 }, why = { 0 };
	int r = 0;

	(void)state;
	log_open("sch-test", file);
	err_set(&why, ENOENT, "first");
	r = err_keep_first(&e, r, &why, "c1: poststop");
	assert_int_equal(r, -1);
	err_set(&why, EIO, "second");
	r = err_keep_first(&e, r, &why, "c1: poststop");
	assert_int_equal(r, -1);
	assert_string_equal(e.msg, "first");
	assert_int_equal(e.code, ENOENT);
	text = logged(file);
	assert_null(strstr(text, "first"));
	assert_non_null(strstr(text, "warning: c1: poststop: second\n"));
	unit_rm_rf(dir);
	free(text);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(long_path_keeps_errno),
		UNIT_TEST(fit_boundaries),
		UNIT_TEST(fit_utf8_and_small),
		UNIT_TEST(control_characters),
		UNIT_TEST(warn_and_go_on),
		UNIT_TEST(keep_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
