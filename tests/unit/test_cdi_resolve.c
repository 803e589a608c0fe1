/* lib/cdi_resolve.c: a device looked up in the spec directories: the
 * later directory wins, one directory declaring a device twice is an
 * error naming both files, a broken file of another vendor is no
 * obstacle, the edits come as the spec's followed by the device's. */
#include "unit.h"

#include "cdi.h"

#define SPEC(kind, body) "{\"cdiVersion\":\"0.5.0\",\"kind\":\"" kind "\"," body "}"
#define DEV(name, path) "{\"name\":\"" name "\",\"containerEdits\":{\"deviceNodes\":" \
	"[{\"path\":\"" path "\"}]}}"

/* The fixture's "root" and "run" directories stand for /etc/cdi and
 * /var/run/cdi, in that order. */
static void put(const char *dir, const char *name, const char *text)
{
	char *path = unit_join(dir, name);

	unit_write(path, text, strlen(text));
	free(path);
}

static int resolve(struct unit_fixture *d, const char *name, struct cdi_device *out,
		   struct err *e)
{
	const char *dirs[] = { d->root, d->run };

	return cdi_resolve(dirs, 2, name, out, e);
}

/* @name found in the @n directories @dirs, or the test fails with the
 * error. */
static void found_in(const char *const *dirs, size_t n, const char *name,
		     struct cdi_device *out)
{
	struct err e = { 0 };

	if (cdi_resolve(dirs, n, name, out, &e) < 0)
		fail_msg("%s", e.msg);
}

static void found(struct unit_fixture *d, const char *name, struct cdi_device *out)
{
	found_in((const char *[]){ d->root, d->run }, 2, name, out);
}

/* @name is found, and its first node is @path. */
static void assert_first_node(struct unit_fixture *d, const char *name, const char *path)
{
	struct cdi_device dev;

	unit_case("%s", name);
	found(d, name, &dev);
	assert_string_equal(dev.nodes[0].path, path);
	cdi_device_free(&dev);
	unit_case_done();
}

/* @file in @dir: a spec of cdiVersion @version declaring the one device
 * @qname (KIND=NAME) of the node @path, as YAML when @file ends in .yaml
 * and as JSON otherwise. */
static void put_one(const char *dir, const char *file, const char *version,
		    const char *qname, const char *path)
{
	const char *eq = strchr(qname, '=');
	size_t n = strlen(file);
	char text[512];

	assert_non_null(eq);
	if (n > 5 && !strcmp(file + n - 5, ".yaml"))
		snprintf(text, sizeof(text), "cdiVersion: %s\nkind: %.*s\ndevices:\n- name: %s\n"
			 "  containerEdits:\n    deviceNodes: [{path: %s}]\n", version,
			 (int)(eq - qname), qname, eq + 1, path);
	else
		snprintf(text, sizeof(text), "{\"cdiVersion\":\"%s\",\"kind\":\"%.*s\",\"devices\":"
			 "[{\"name\":\"%s\",\"containerEdits\":{\"deviceNodes\":[{\"path\":"
			 "\"%s\"}]}}]}", version, (int)(eq - qname), qname, eq + 1, path);
	put(dir, file, text);
}

static void found_with_spec_edits_first(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	char *file = unit_join(d->root, "v.json");

	put(d->root, "v.json", SPEC("vendor.com/disk", "\"containerEdits\":{\"deviceNodes\":"
				   "[{\"path\":\"/dev/common\"}],\"env\":[\"A=1\"]},\"devices\":["
				   DEV("a", "/dev/loop1") "," DEV("b", "/dev/loop2") "]"));
	found(d, "vendor.com/disk=b", &dev);
	assert_string_equal(dev.name, "vendor.com/disk=b");
	assert_string_equal(dev.spec_file, file);
	assert_string_equal(dev.cdi_version, "0.5.0");
	assert_int_equal(dev.n_nodes, 2);
	assert_string_equal(dev.nodes[0].path, "/dev/common");
	assert_string_equal(dev.nodes[1].path, "/dev/loop2");
	assert_int_equal(dev.n_unsupported, 1);
	assert_non_null(strstr(dev.unsupported[0], "v.json: containerEdits.env"));
	cdi_device_free(&dev);
	free(file);
}

/* The shape a GPU driver's generator writes (YAML, 0.5.0, spec-wide
 * nodes, env, hooks and bind mounts, devices by index, UUID and "all"). */
static const char gpu_yaml[] =
	"---\n"
	"cdiVersion: 0.5.0\n"
	"containerEdits:\n"
	"  deviceNodes:\n"
	"  - path: /dev/gpuctl\n"
	"  - path: /dev/gpu-uvm\n"
	"  env:\n"
	"  - GPU_VISIBLE_DEVICES=void\n"
	"  hooks:\n"
	"  - args:\n"
	"    - gpu-ctk\n"
	"    - hook\n"
	"    - update-ldcache\n"
	"    - --folder\n"
	"    - /usr/lib/x86_64-linux-gnu\n"
	"    hookName: createContainer\n"
	"    path: /usr/bin/gpu-ctk\n"
	"  mounts:\n"
	"  - containerPath: /usr/lib/x86_64-linux-gnu/libgpu.so.535.1\n"
	"    hostPath: /usr/lib/x86_64-linux-gnu/libgpu.so.535.1\n"
	"    options:\n"
	"    - ro\n"
	"    - nosuid\n"
	"    - nodev\n"
	"    - bind\n"
	"devices:\n"
	"- containerEdits:\n"
	"    deviceNodes:\n"
	"    - path: /dev/gpu0\n"
	"  name: \"0\"\n"
	"- containerEdits:\n"
	"    deviceNodes:\n"
	"    - path: /dev/gpu1\n"
	"  name: 1\n"
	"- containerEdits:\n"
	"    deviceNodes:\n"
	"    - path: /dev/gpu0\n"
	"    - path: /dev/gpu1\n"
	"  name: all\n"
	"- containerEdits:\n"
	"    deviceNodes:\n"
	"    - path: /dev/gpu0\n"
	"  name: GPU-4a1c2d9e-0000-1111-2222-333344445555\n"
	"kind: example.com/gpu\n";

static void generator_shaped_spec(void **state)
{
	struct unit_fixture *d = *state;
	static const struct {
		const char *name;
		size_t nodes;
		const char *last;
	} t[] = {
		{ "example.com/gpu=0", 3, "/dev/gpu0" },
		{ "example.com/gpu=1", 3, "/dev/gpu1" },
		{ "example.com/gpu=all", 4, "/dev/gpu1" },
		{ "example.com/gpu=GPU-4a1c2d9e-0000-1111-2222-333344445555", 3, "/dev/gpu0" },
	};

	put(d->run, "gpu.yaml", gpu_yaml);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cdi_device dev;

		unit_case("%s", t[i].name);
		found(d, t[i].name, &dev);
		assert_int_equal(dev.n_nodes, t[i].nodes);
		assert_string_equal(dev.nodes[0].path, "/dev/gpuctl");
		assert_string_equal(dev.nodes[t[i].nodes - 1].path, t[i].last);
		assert_int_equal(dev.n_mounts, 1);
		assert_string_equal(dev.mounts[0].options[3], "bind");
		assert_null(dev.mounts[0].options[4]);
		assert_int_equal(dev.n_unsupported, 2);
		assert_non_null(strstr(dev.unsupported[0], "gpu.yaml: containerEdits.env"));
		assert_non_null(strstr(dev.unsupported[1], "gpu.yaml: containerEdits.hooks"));
		cdi_device_free(&dev);
	}
	unit_case_done();
}

/* The same device in both directories: the later one is taken... */
static void later_directory_wins(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;

	put_one(d->root, "v.json", "0.5.0", "vendor.com/disk=a", "/dev/old");
	put_one(d->run, "v.yaml", "0.6.0", "vendor.com/disk=a", "/dev/new");
	found(d, "vendor.com/disk=a", &dev);
	assert_string_equal(dev.nodes[0].path, "/dev/new");
	assert_string_equal(dev.cdi_version, "0.6.0");
	assert_non_null(strstr(dev.spec_file, "/run/v.yaml"));
	cdi_device_free(&dev);
	/* ...the other order gives the other one */
	found_in((const char *[]){ d->run, d->root }, 2, "vendor.com/disk=a", &dev);
	assert_string_equal(dev.nodes[0].path, "/dev/old");
	cdi_device_free(&dev);
}

static void duplicate_in_one_directory(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };

	put_one(d->run, "a.json", "0.5.0", "vendor.com/disk=x", "/dev/a");
	put_one(d->run, "b.yaml", "0.5.0", "vendor.com/disk=x", "/dev/b");
	assert_int_equal(resolve(d, "vendor.com/disk=x", &dev, &e), -1);
	assert_err(e, EINVAL, "cdi device vendor.com/disk=x: ");
	assert_err_mentions(e, "/run/a.json and ");
	assert_err_mentions(e, "/run/b.yaml both declare it, in one directory");
	assert_null(dev.nodes);
	/* another device of those files is not in conflict */
	put_one(d->run, "c.json", "0.5.0", "vendor.com/disk=y", "/dev/y");
	assert_first_node(d, "vendor.com/disk=y", "/dev/y");
	/* nor is the same name in another directory */
	put_one(d->root, "a.json", "0.5.0", "vendor.com/disk=y", "/dev/old");
	assert_first_node(d, "vendor.com/disk=y", "/dev/y");
}

/* Another vendor's broken file, and files that are not specs at all, do
 * not stop ours. */
static void broken_files_of_others(void **state)
{
	struct unit_fixture *d = *state;
	char *fifo = unit_join(d->root, "fifo.json"), *dir = unit_join(d->root, "dir.yaml");

	put(d->root, "0-other.json", SPEC("other.com/gpu", "\"devices\":[{\"name\":\"-bad\"}],"
					 "\"unknown\":1"));
	put(d->root, "1-garbage.yaml", "a: [\n");
	put(d->root, "2-garbage.json", "{");
	put(d->root, "README", "not a spec");
	put(d->root, "v.json.bak", "{");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	put_one(d->root, "v.json", "0.5.0", "vendor.com/disk=a", "/dev/a");
	assert_first_node(d, "vendor.com/disk=a", "/dev/a");
	free(fifo);
	free(dir);
}

/* A spec of the kind asked for is validated whole: its error is the
 * answer, naming the file and the field. */
static void our_broken_spec(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };

	put(d->root, "v.json", SPEC("vendor.com/disk", "\"devices\":[" DEV("a", "/dev/a") ","
				   "{\"name\":\"b\",\"containerEdits\":{\"deviceNodes\":[{"
				   "\"path\":\"/dev/b\",\"type\":\"q\"}]}}]"));
	assert_int_equal(resolve(d, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "cdi device vendor.com/disk=a: ");
	assert_err_mentions(e, "/root/v.json: devices[1].containerEdits.deviceNodes[0].type: "
			    "must be one of b, c, u, p");
}

static void not_found(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };
	const char *dirs[] = { "/nonexistent/cdi", NULL };
	char want[512];

	put_one(d->root, "v.json", "0.5.0", "vendor.com/disk=a", "/dev/a");
	assert_int_equal(resolve(d, "vendor.com/disk=b", &dev, &e), -1);
	snprintf(want, sizeof(want), "cdi device vendor.com/disk=b: not found in %s, %s",
		 d->root, d->run);
	assert_err_code(e, ENOENT);
	assert_string_equal(e.msg, want);
	assert_int_equal(resolve(d, "other.com/disk=a", &dev, &e), -1);
	assert_err(e, ENOENT, "not found");
	/* absent directories are no error, only empty */
	dirs[1] = d->run;
	assert_int_equal(cdi_resolve(dirs, 2, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, ENOENT, "cdi device vendor.com/disk=a: not found in /nonexistent/cdi, ");
	/* a file whose kind cannot be read may have been the one: told */
	put(d->run, "mine.yaml", "cdiVersion: 0.5.0\nkind: vendor.com/disk\ndevices: [\n");
	assert_int_equal(cdi_resolve(dirs, 2, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "cdi device vendor.com/disk=a: not found in ");
	assert_err_mentions(e, "/run/mine.yaml: line 4 column 1: did not find expected node "
			    "content");
}

/* Several names in one pass: each gets what cdi_resolve would give it. */
static void many_names(void **state)
{
	struct unit_fixture *d = *state;
	const char *dirs[] = { d->root, d->run };
	const char *names[] = {
		"vendor.com/disk=b", "vendor.com/disk=zz", "not a name", "vendor.com/disk=a",
		"vendor.com/dup=x", "other.com/net=n",
	};
	struct cdi_device out[6];
	struct err errs[6];

	put(d->root, "v.json", SPEC("vendor.com/disk", "\"devices\":[" DEV("a", "/dev/old-a") ","
				    DEV("b", "/dev/b") "]"));
	put_one(d->run, "v.yaml", "0.5.0", "vendor.com/disk=a", "/dev/a");
	put_one(d->run, "dup1.json", "0.5.0", "vendor.com/dup=x", "/dev/x");
	put_one(d->run, "dup2.json", "0.5.0", "vendor.com/dup=x", "/dev/x");
	put(d->run, "net.json", "{\"cdiVersion\":\"1.1.0\",\"kind\":\"other.com/net\",\"devices\":"
	    "[{\"name\":\"n\",\"containerEdits\":{\"netDevices\":[{\"hostInterfaceName\":"
	    "\"veth7\",\"name\":\"eth7\"}]}}]}");
	assert_int_equal(cdi_resolve_many(dirs, 2, names, 6, out, errs), -1);
	assert_string_equal(out[0].nodes[0].path, "/dev/b");
	assert_int_equal(errs[0].code, 0);
	assert_err(errs[1], ENOENT, "cdi device vendor.com/disk=zz: not found in ");
	assert_null(out[1].nodes);
	assert_err(errs[2], EINVAL, "cdi device 'not a name': not a name");
	assert_string_equal(out[3].nodes[0].path, "/dev/a");
	assert_string_equal(out[3].name, "vendor.com/disk=a");
	assert_err(errs[4], EINVAL, "dup1.json and ");
	assert_null(out[4].spec_file);
	assert_string_equal(out[5].netdevs[0].host_interface_name, "veth7");
	for (size_t i = 0; i < 6; i++)
		cdi_device_free(&out[i]);
	/* all found: 0 */
	assert_int_equal(cdi_resolve_many(dirs, 2, (const char *[]){ names[5], names[0] }, 2,
					  out, errs), 0);
	assert_string_equal(out[1].nodes[0].path, "/dev/b");
	cdi_device_free(&out[0]);
	cdi_device_free(&out[1]);
}

/* A file whose kind has the wrong syntax may be the one meant: named
 * when the device is not found. */
static void bad_kind_told(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };

	put_one(d->run, "typo.json", "0.5.0", "bad.example.com/x/y=x", "/dev/x");
	assert_int_equal(resolve(d, "bad.example.com/x=x", &dev, &e), -1);
	assert_err(e, EINVAL, "cdi device bad.example.com/x=x: not found in ");
	assert_err_mentions(e, "/run/typo.json: kind: must be vendor.com/class");
}

static void bad_names(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };

	assert_int_equal(resolve(d, "vendor.com/disk", &dev, &e), -1);
	assert_err(e, EINVAL, "cdi device 'vendor.com/disk': not a name vendor.com/class=name");
	assert_int_equal(resolve(d, "/dev/sdb", &dev, &e), -1);
	assert_err(e, EINVAL, "'/dev/sdb'");
	assert_int_equal(resolve(d, "a.com/b=c\nd", &dev, &e), -1);
	assert_err(e, EINVAL, "'a.com/b=c?d'");
}

/* A spec file that is too big, or not a regular file, is refused with a
 * clear reason; a symlink to a spec is followed (the directories are the
 * host's). */
static void odd_files(void **state)
{
	struct unit_fixture *d = *state;
	struct cdi_device dev;
	struct err e = { 0 };
	char *big = malloc((1 << 20) + 2), *link = unit_join(d->run, "link.json");
	char *target = unit_join(d->top, "target.json"), *fifo = unit_join(d->root, "fifo.json");

	assert_non_null(big);
	memset(big, ' ', (1 << 20) + 1);
	big[(1 << 20) + 1] = '\0';
	put(d->root, "big.json", big);
	assert_int_equal(resolve(d, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "big.json: input larger than 1048576 bytes");
	unit_rm_rf(d->root);
	assert_int_equal(mkdir(d->root, 0755), 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(resolve(d, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "fifo.json is a FIFO, not a regular file; refused");
	assert_int_equal(unlink(fifo), 0);
	assert_int_equal(symlink("/dev/null", fifo), 0);
	assert_int_equal(resolve(d, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "fifo.json is a character device, not a regular file; refused");
	put(d->root, "a\nb.json", "{}");
	assert_int_equal(resolve(d, "vendor.com/disk=a", &dev, &e), -1);
	assert_err(e, EINVAL, "/a?b.json: a control character in the file name; refused");
	put_one(d->top, "target.json", "0.5.0", "vendor.com/disk=a", "/dev/t");
	assert_int_equal(symlink(target, link), 0);
	assert_first_node(d, "vendor.com/disk=a", "/dev/t");
	free(big);
	free(link);
	free(target);
	free(fifo);
}

/* SYSCONTAINER_CDI_SPEC_DIRS replaces the default directories. */
static void default_dirs(void **state)
{
	const char *const *dirs;
	struct err e = { 0 };

	assert_int_equal(unit_env("SYSCONTAINER_CDI_SPEC_DIRS", NULL), 0);
	dirs = cdi_default_dirs();
	assert_string_equal(dirs[0], "/etc/cdi");
	assert_string_equal(dirs[1], "/var/run/cdi");
	assert_null(dirs[2]);
	assert_int_equal(unit_env("SYSCONTAINER_CDI_SPEC_DIRS", "/a:/b/c:/d"), 0);
	dirs = cdi_default_dirs();
	assert_string_equal(dirs[0], "/a");
	assert_string_equal(dirs[1], "/b/c");
	assert_string_equal(dirs[2], "/d");
	assert_null(dirs[3]);
	assert_true(cdi_default_dirs() == dirs);
	setenv("SYSCONTAINER_CDI_SPEC_DIRS", "/a:rel", 1);
	assert_int_equal(config_load(&e), -1);
	assert_err(e, EINVAL, "SYSCONTAINER_CDI_SPEC_DIRS='rel' is not an absolute path");
	setenv("SYSCONTAINER_CDI_SPEC_DIRS", "/a::/b", 1);
	assert_int_equal(config_load(&e), -1);
	assert_err(e, EINVAL, "SYSCONTAINER_CDI_SPEC_DIRS='/a::/b' has an empty entry");
	assert_string_equal(cdi_default_dirs()[0], "/etc/cdi");
	setenv("SYSCONTAINER_CDI_SPEC_DIRS", "/1:/2:/3:/4:/5:/6:/7:/8:/9:/10:/11:/12:/13:/14:/15:"
	       "/16", 1);
	assert_int_equal(config_load(&e), 0);
	assert_string_equal(cdi_default_dirs()[15], "/16");
	setenv("SYSCONTAINER_CDI_SPEC_DIRS", "/1:/2:/3:/4:/5:/6:/7:/8:/9:/10:/11:/12:/13:/14:/15:"
	       "/16:/17", 1);
	assert_int_equal(config_load(&e), -1);
	assert_err(e, EINVAL, "SYSCONTAINER_CDI_SPEC_DIRS lists more than 16 directories");
	assert_int_equal(unit_env("SYSCONTAINER_CDI_SPEC_DIRS", NULL), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, unit_fixture_setup_dirs, unit_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(found_with_spec_edits_first),
		T(generator_shaped_spec),
		T(later_directory_wins),
		T(duplicate_in_one_directory),
		T(broken_files_of_others),
		T(our_broken_spec),
		T(not_found),
		T(many_names),
		T(bad_kind_told),
		T(bad_names),
		T(odd_files),
		UNIT_TEST(default_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
