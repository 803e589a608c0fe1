/* lib/store_cdi_resolve.c: the saved CDI devices resolved together give,
 * entry by entry, what cdi_resolve gives each alone: entries saved with
 * other spec directories find what those directories hold, a name that
 * no longer resolves fails alone and names why, the others resolve. */
#include "unit.h"

#include "cdi.h"
#include "device_cdi.h"
#include "store_cdi.h"
#include "util.h"

/* @dir/v.json: a spec of @kind whose devices, named in @names (a
 * NULL-terminated list), are each one node /dev/loopN, N its index + @first. */
static void spec_file(const char *dir, const char *kind, const char *const *names, int first)
{
	char text[1024], *file = unit_join(dir, "v.json");
	int len = snprintf(text, sizeof(text), "{\"cdiVersion\":\"0.5.0\",\"kind\":\"%s\","
			   "\"devices\":[", kind);

	for (int i = 0; names[i]; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%s{\"name\":\"%s\","
				"\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/loop%d\"}]}}",
				i ? "," : "", names[i], first + i);
	snprintf(text + len, sizeof(text) - (size_t)len, "]}");
	unit_write(file, text, strlen(text));
	free(file);
}

/* The entry of @name searching @dir (NULL: the defaults). */
static struct saved_cdi entry(const char *name, char *dir)
{
	struct saved_cdi c = { .name = strdup(name) };

	if (dir) {
		c.dirs = calloc(2, sizeof(char *));
		c.dirs[0] = strdup(dir);
		c.n_dirs = 1;
	}
	return c;
}

/* out[i] and errs[i] against cdi_resolve of entry @c alone. */
static void same_as_alone(const struct saved_cdi *c, const struct cdi_device *out,
			  const struct err *why)
{
	struct cdi_device d;
	struct err e = { 0 };
	size_t nd;
	const char *const *dirs = cdi_dirs_or_default(c->dirs, c->n_dirs, &nd);
	int r = cdi_resolve(dirs, nd, c->name, &d, &e);

	assert_int_equal(r < 0, out->spec_file == NULL);
	if (r < 0) {
		assert_int_equal(why->code, e.code);
		assert_string_equal(why->msg, e.msg);
	} else {
		assert_string_equal(out->name, d.name);
		assert_string_equal(out->spec_file, d.spec_file);
		assert_int_equal(out->n_nodes, d.n_nodes);
		assert_string_equal(out->nodes[0].path, d.nodes[0].path);
	}
	cdi_device_free(&d);
}

static void grouped_like_alone(void **state)
{
	struct unit_fixture *f = *state;
	struct saved_cdi c[5];
	struct cdi_device out[5];
	struct err why[5];
	char *other = unit_join(f->top, "other");
	char *broken = unit_join(other, "broken.json");
	const char *bad = "{\"cdiVersion\":\"0.5.0\",\"kind\":\"vendor.com/bad\",\"devices\":[";

	assert_int_equal(mkdir(other, 0755), 0);
	spec_file(f->root, "vendor.com/disk", (const char *[]){ "a", "b", NULL }, 1);
	spec_file(f->run, "vendor.com/disk", (const char *[]){ "a", NULL }, 7);
	unit_write(broken, bad, strlen(bad));
	c[0] = entry("vendor.com/disk=a", f->root);
	c[1] = entry("vendor.com/disk=a", f->run);   /* the same name, another dir */
	c[2] = entry("vendor.com/disk=gone", f->root);
	c[3] = entry("vendor.com/bad=x", other);
	c[4] = entry("vendor.com/disk=b", f->root);
	assert_int_equal(saved_cdi_resolve(c, 5, out, why), -1);
	assert_string_equal(out[0].nodes[0].path, "/dev/loop1");
	assert_string_equal(out[1].nodes[0].path, "/dev/loop7");
	assert_null(out[2].spec_file);
	assert_non_null(strstr(why[2].msg, "vendor.com/disk=gone: not found in"));
	assert_null(out[3].spec_file);
	assert_non_null(strstr(why[3].msg, "broken.json"));
	assert_string_equal(out[4].nodes[0].path, "/dev/loop2");
	for (size_t i = 0; i < 5; i++)
		same_as_alone(&c[i], &out[i], &why[i]);
	for (size_t i = 0; i < 5; i++)
		cdi_device_free(&out[i]);
	for (size_t i = 0; i < 5; i++) {
		free(c[i].name);
		str_list_free(c[i].dirs, c[i].n_dirs);
	}
	free(other);
	free(broken);
}

static void all_resolve(void **state)
{
	struct unit_fixture *f = *state;
	struct saved_cdi c[2] = { entry("vendor.com/disk=a", f->root),
				  entry("vendor.com/disk=a", f->root) };
	struct cdi_device *out = calloc(2, sizeof(*out));
	struct err why[2];

	spec_file(f->root, "vendor.com/disk", (const char *[]){ "a", NULL }, 3);
	assert_int_equal(saved_cdi_resolve(c, 2, out, why), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(out[i].nodes[0].path, "/dev/loop3");
		same_as_alone(&c[i], &out[i], &why[i]);
		free(c[i].name);
		str_list_free(c[i].dirs, c[i].n_dirs);
	}
	cdi_devices_free(out, 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, unit_fixture_setup_dirs, unit_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(grouped_like_alone),
		T(all_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
