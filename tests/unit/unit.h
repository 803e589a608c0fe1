/* Shared by every unit test: cmocka and its prerequisites, and a few
 * helpers for tests that need a scratch directory on the host. */
#ifndef SCH_UNIT_H
#define SCH_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* A container id of the longest length allowed (CONTAINER_ID_MAX), and
 * one of a character more. */
#define UNIT_ID128 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define UNIT_ID129 UNIT_ID128 "a"

/* Set (@value) or unset (NULL) an environment setting and read the
 * settings again, as a program does when it starts; returns what
 * config_load() does. */
static inline int unit_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
	return config_load(ERR_DISCARD);
}

/* An error message the top of the program can print as one line. */
#define assert_err_line(e) do {					\
		assert_true((e).msg[0] != '\0');			\
		assert_null(strchr((e).msg, '\n'));			\
	} while (0)

/* @needle (when not NULL) appears in the message. */
#define assert_err_mentions(e, needle) do {				\
		if ((needle) && !strstr((e).msg, (needle)))		\
			fail_msg("message \"%s\" does not mention \"%s\"",	\
				 (e).msg, (needle));			\
	} while (0)

/* A refusal: errno @code and a one-line message (mentioning @needle). */
#define assert_err_code(e, code_) do {					\
		assert_int_equal((e).code, (code_));			\
		assert_err_line(e);					\
	} while (0)
#define assert_err(e, code_, needle) do {				\
		assert_err_code(e, code_);				\
		assert_err_mentions(e, needle);				\
	} while (0)

/* @got is @want, or NULL when @want is. */
static inline void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

/* The table row being checked, printed by the teardown when a test fails
 * so that a failure names its row. unit_case_done() after a loop. */
static char unit_case_buf[512];

static inline void unit_case(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void unit_case(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_case_buf, sizeof(unit_case_buf), fmt, ap);
	va_end(ap);
}

static inline void unit_case_done(void)
{
	unit_case_buf[0] = '\0';
}

static inline int unit_case_teardown(void **state)
{
	(void)state;
	if (unit_case_buf[0])
		print_error("# in case: %s\n", unit_case_buf);
	unit_case_buf[0] = '\0';
	return 0;
}

#define UNIT_TEST(f) cmocka_unit_test_teardown(f, unit_case_teardown)

/* The main() of a test program: runs the tests given (UNIT_TEST and the
 * like) as the group @name. */
#define UNIT_MAIN(name, ...)							\
	int main(void)								\
	{									\
		const struct CMUnitTest tests[] = { __VA_ARGS__ };		\
										\
		return cmocka_run_group_tests_name(name, tests, NULL, NULL);	\
	}

/* Each row of the array @table in turn, as the pointer @t. */
#define UNIT_EACH(t, table)							\
	for (const __typeof__((table)[0]) *t = (table);				\
	     t < (table) + sizeof(table) / sizeof((table)[0]); t++)

/* The state a setup left in *@state for a test that needs a network
 * namespace of its own; NULL (the setup could not unshare one: not root)
 * skips the test. */
static inline void *unit_netns_state(void **state)
{
	if (!*state) {
		print_message("# no network namespace of our own: not root?\n");
		skip();
	}
	return *state;
}

/* The predicate @ok says yes to each of the @n_good strings @good and no to
 * each of the @n_bad strings @bad; a failure names the string. */
static inline void unit_assert_predicate(bool (*ok)(const char *), const char *const *good,
					 size_t n_good, const char *const *bad, size_t n_bad)
{
	for (size_t i = 0; i < n_good; i++) {
		unit_case("good '%s'", good[i]);
		assert_true(ok(good[i]));
	}
	for (size_t i = 0; i < n_bad; i++) {
		unit_case("bad '%s'", bad[i]);
		assert_false(ok(bad[i]));
	}
	unit_case_done();
}

#define unit_assert_accepts(ok, good, bad)					\
	unit_assert_predicate(ok, good, sizeof(good) / sizeof((good)[0]), bad,	\
			      sizeof(bad) / sizeof((bad)[0]))

/* A fresh directory under /tmp; free() the result after unit_rm_rf(). */
static inline char *unit_tmpdir(void)
{
	char tmpl[] = "/tmp/sch-unit-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

static inline int unit_rm_one(const char *path, const struct stat *st, int flag,
			      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* rm -rf, never following symlinks out of @path. */
static inline void unit_rm_rf(const char *path)
{
	nftw(path, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *unit_join(const char *dir, const char *name)
{
	char *r = NULL;

	assert_true(asprintf(&r, "%s/%s", dir, name) >= 0);
	return r;
}

/* The fixture of the tests that work in a scratch directory: a fresh @top,
 * the paths @root and @run in it (made as directories when asked: a test
 * of how they are made wants them absent), and an @fd of the test's own. */
struct unit_fixture {
	char *top, *root, *run;
	int fd;                 /* closed by the teardown when >= 0 */
};

static inline struct unit_fixture *unit_fixture_new(void **state, bool make_root,
						     bool make_run)
{
	struct unit_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->top = unit_tmpdir();
	f->root = unit_join(f->top, "root");
	f->run = unit_join(f->top, "run");
	f->fd = -1;
	if (make_root)
		assert_int_equal(mkdir(f->root, 0755), 0);
	if (make_run)
		assert_int_equal(mkdir(f->run, 0755), 0);
	*state = f;
	return f;
}

static inline int unit_fixture_setup(void **state)
{
	unit_fixture_new(state, false, false);
	return 0;
}

static inline int unit_fixture_setup_dirs(void **state)
{
	unit_fixture_new(state, true, true);
	return 0;
}

/* The scratch directory of a test run with UNIT_TEST_DIR. */
static inline char *unit_fixture_top(void **state)
{
	return ((struct unit_fixture *)*state)->top;
}

static inline int unit_fixture_teardown(void **state)
{
	struct unit_fixture *f = *state;

	unit_case_teardown(state);
	if (f->fd >= 0)
		close(f->fd);
	unit_rm_rf(f->top);
	free(f->top);
	free(f->root);
	free(f->run);
	free(f);
	return 0;
}

static inline void unit_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static inline char *unit_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = n + 4096 + 1;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* The file @path holds exactly the @len bytes @data. */
static inline void unit_assert_file(const char *path, const char *data, size_t len)
{
	size_t n;
	char *got = unit_read(path, &n);

	assert_non_null(got);
	assert_int_equal(n, len);
	assert_memory_equal(got, data, len);
	free(got);
}

static inline int unit_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Number of entries in @dir other than "." and ".."; -1 if unreadable. */
static inline int unit_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* <root>/@rel of the fixture; free() it. */
static inline char *unit_at(const struct unit_fixture *f, const char *rel)
{
	return unit_join(f->root, rel);
}

static inline int unit_count_at(const struct unit_fixture *f, const char *rel)
{
	char *p = unit_at(f, rel);
	int n = unit_count_entries(p);

	free(p);
	return n;
}

static inline void unit_make_dir(const struct unit_fixture *f, const char *rel)
{
	char *p = unit_at(f, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static inline void unit_make_file(const struct unit_fixture *f, const char *rel)
{
	char *p = unit_at(f, rel);

	unit_write(p, "x", 1);
	free(p);
}

static inline void unit_make_link(const struct unit_fixture *f, const char *target, const char *rel)
{
	char *p = unit_at(f, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* The entries @items (NULL-terminated) made in order under the root:
 * "name/" a directory, "name -> target" a symlink, anything else a file. */
static inline void unit_make_tree(const struct unit_fixture *f, const char *const items[])
{
	for (size_t i = 0; items[i]; i++) {
		const char *arrow = strstr(items[i], " -> ");
		size_t len = strlen(items[i]);

		if (arrow) {
			char *name = strndup(items[i], (size_t)(arrow - items[i]));

			unit_make_link(f, arrow + 4, name);
			free(name);
		} else if (items[i][len - 1] == '/') {
			unit_make_dir(f, items[i]);
		} else {
			unit_make_file(f, items[i]);
		}
	}
}

#define UNIT_TEST_DIR(f) cmocka_unit_test_setup_teardown(f, unit_fixture_setup, unit_fixture_teardown)

#endif
