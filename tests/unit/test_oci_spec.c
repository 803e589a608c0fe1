/* The bundle's config.json: the rootfs path and id mappings from it. */
#include "unit.h"
#include "unit_json.h"

#include "oci_spec.h"

/* ---- oci_spec_parse ---- */

static const char full_spec[] =
	"{\"ociVersion\":\"1.0.2\","
	"\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
	"\"args\":[\"sh\"],\"env\":[\"PATH=/usr/sbin:/usr/bin\",\"TERM=xterm\",\"A=\"],\"cwd\":\"/\"},"
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"c1\",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
	"\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/syscontainer-hooks\"}]},"
	"\"linux\":{\"cgroupsPath\":\"/machine/c1\","
	"\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
	"\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1000},"
	"{\"containerID\":1000,\"hostID\":4294967295,\"size\":1}],"
	"\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}]}}";

static void spec_parse_full(void **state)
{
	struct oci_spec sp;
	struct err e = { 0 };

	assert_int_equal(oci_spec_parse(full_spec, strlen(full_spec), &sp, &e), 0);
	assert_string_equal(sp.root_path, "rootfs");
	assert_string_equal(sp.cgroups_path, "/machine/c1");
	assert_int_equal(sp.n_uid_maps, 1);
	assert_int_equal(sp.uid_maps[0].ctr, 0);
	assert_int_equal(sp.uid_maps[0].host, 100000);
	assert_int_equal(sp.uid_maps[0].size, 65536);
	assert_int_equal(sp.n_gid_maps, 2);
	assert_int_equal(sp.gid_maps[0].host, 200000);
	assert_int_equal(sp.gid_maps[0].size, 1000);
	assert_int_equal(sp.gid_maps[1].ctr, 1000);
	assert_true(sp.gid_maps[1].host == UINT32_MAX);
	assert_int_equal(sp.gid_maps[1].size, 1);
	assert_int_equal(sp.n_env, 3);
	assert_string_equal(sp.env[0], "PATH=/usr/sbin:/usr/bin");
	assert_string_equal(sp.env[1], "TERM=xterm");
	assert_string_equal(sp.env[2], "A=");
	oci_spec_free(&sp);
	assert_null(sp.root_path);
	assert_null(sp.env);
}

static void spec_parse_minimal(void **state)
{
	static const char *const docs[] = {
		"{\"root\":{\"path\":\"/var/lib/r\"}}",
		"{\"root\":{\"path\":\"/var/lib/r\"},\"linux\":null,\"process\":null}",
		"{\"root\":{\"path\":\"/var/lib/r\"},\"linux\":{\"cgroupsPath\":null,"
		"\"uidMappings\":null,\"gidMappings\":[]},\"process\":{\"env\":null}}",
		"{\"root\":{\"path\":\"/var/lib/r\"},\"linux\":{},\"process\":{\"env\":[]}}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct oci_spec sp;
		struct err e = { 0 };

		unit_case("%s", docs[i]);
		assert_int_equal(oci_spec_parse(docs[i], strlen(docs[i]), &sp, &e), 0);
		assert_string_equal(sp.root_path, "/var/lib/r");
		assert_null(sp.cgroups_path);
		assert_int_equal(sp.n_uid_maps, 0);
		assert_int_equal(sp.n_gid_maps, 0);
		assert_int_equal(sp.n_env, 0);
		oci_spec_free(&sp);
	}
	unit_case_done();
}

/* A spec with root.path "r" and the members @m. */
#define SPEC(m) "{\"root\":{\"path\":\"r\"}," m "}"
/* A spec whose linux.uidMappings (@ug "uid") or gidMappings ("gid") is @v. */
#define MAPS(ug, v) SPEC("\"linux\":{\"" ug "Mappings\":" v "}")
/* One mapping, with @size the text of its size member (SIZE) or "" */
#define MAP(ctr, host, size) "{\"containerID\":" ctr ",\"hostID\":" host size "}"
#define SIZE(n) ",\"size\":" n

static const struct bad_json spec_bad[] = {
	{ "no root", "{\"process\":{}}", 0, "root" },
	{ "root not an object", "{\"root\":\"rootfs\"}", 0, "root" },
	{ "no root.path", "{\"root\":{\"readonly\":true}}", 0, "root" },
	{ "root.path empty", "{\"root\":{\"path\":\"\"}}", 0, "root" },
	{ "root.path a number", "{\"root\":{\"path\":1}}", 0, "path" },
	{ "linux not an object", SPEC("\"linux\":[]"), 0, "linux" },
	{ "cgroupsPath a number", SPEC("\"linux\":{\"cgroupsPath\":5}"), 0,
	  "cgroupsPath" },
	{ "uidMappings not an array", MAPS("uid", "{}"), 0, "uidMappings" },
	{ "uidMappings entry without size", MAPS("uid", "[" MAP("0", "1000", "") "]"), 0, "size" },
	{ "uidMappings entry not an object", MAPS("uid", "[5]"), 0, "uidMappings[0]" },
	{ "uidMappings second entry hostID negative",
	  MAPS("uid", "[" MAP("0", "1000", SIZE("1")) "," MAP("1", "-5", SIZE("1")) "]"), 0,
	  "uidMappings[1]: hostID" },
	{ "gidMappings containerID above 2^32-1",
	  MAPS("gid", "[" MAP("4294967296", "0", SIZE("1")) "]"), 0, "gidMappings[0]: containerID" },
	{ "gidMappings size a string", MAPS("gid", "[" MAP("0", "0", SIZE("\"1\"")) "]"), 0, "size" },
	{ "env not an array",
	  SPEC("\"process\":{\"env\":\"A=b\"}"), 0, "env" },
	{ "env entry a number",
	  SPEC("\"process\":{\"env\":[\"A=b\",3]}"), 0, "env[1]" },
};

static void spec_empty(const struct oci_spec *sp)
{
	assert_true(!sp->root_path && !sp->cgroups_path && !sp->uid_maps && !sp->gid_maps &&
		    !sp->env && sp->n_env == 0);
}

static void spec_parse_bad(void **state)
{
	struct oci_spec sp;

	parse_bad(json_bad, oci_spec_parse, &sp, spec_empty);
	parse_bad(spec_bad, oci_spec_parse, &sp, spec_empty);
}

static void spec_parse_depth(void **state)
{
	struct oci_spec sp;

	parse_depth("{\"root\":{\"path\":\"r\"},\"x\":", oci_spec_parse, &sp, oci_spec_free,
		    spec_empty);
}

/* ---- oci_rootfs_path ---- */

struct rootfs_row {
	const char *what, *st_root, *bundle, *spec_root, *want;
};

/* Each row's state root, bundle and root.path give @want through @fn. */
static void rootfs_rows(const struct rootfs_row *t, size_t n,
			char *(*fn)(const struct oci_state *, const struct oci_spec *))
{
	for (size_t i = 0; i < n; i++) {
		struct oci_state st = { .root = (char *)t[i].st_root, .bundle = (char *)t[i].bundle };
		struct oci_spec sp = { .root_path = (char *)t[i].spec_root };
		char *got;

		unit_case("%s", t[i].what);
		got = fn(&st, &sp);
		assert_str_or_null(got, t[i].want);
		free(got);
	}
	unit_case_done();
}

static void rootfs_path(void **state)
{
	static const struct rootfs_row t[] = {
		{ "absolute state root (iSulad)", "/var/lib/isulad/m", "/b", "rootfs", "/var/lib/isulad/m" },
		{ "relative state root (crun)", "rootfs", "/run/b", "other", "/run/b/rootfs" },
		{ "no state root (runc): spec, relative", NULL, "/run/b", "rootfs", "/run/b/rootfs" },
		{ "no state root: spec, absolute", NULL, "/run/b", "/srv/r", "/srv/r" },
		{ "cleaned", "./rootfs/", "/run//b/", NULL, "/run/b/rootfs" },
		{ "relative with ..", NULL, "/run/b", "../r", "/run/r" },
		{ "absolute, cleaned", "//srv/./r/", "/b", NULL, "/srv/r" },
		{ "nothing", NULL, "/b", NULL, NULL },
	};

	rootfs_rows(t, sizeof(t) / sizeof(t[0]), oci_rootfs_path);
}

/* At poststop, on the host: root.path first (lcr's "root" is a mount
 * point that is empty on the host). */
static void rootfs_host_path(void **state)
{
	static const struct rootfs_row t[] = {
		{ "lcr: root.path, not rootfs.mount", "/usr/lib/x86_64-linux-gnu/lxc/rootfs",
		  "/var/lib/isulad/engines/lcr/c1", "/var/lib/isulad/storage/c1/merged",
		  "/var/lib/isulad/storage/c1/merged" },
		{ "runc: spec, relative", NULL, "/run/b", "rootfs", "/run/b/rootfs" },
		{ "crun: both relative", "rootfs", "/run/b", "rootfs", "/run/b/rootfs" },
		{ "no root.path: the state's root", "/srv/r", "/b", NULL, "/srv/r" },
		{ "nothing", NULL, "/b", NULL, NULL },
	};

	rootfs_rows(t, sizeof(t) / sizeof(t[0]), oci_rootfs_host_path);
}

/* From the parsers rather than hand-built structs. */
static void rootfs_path_parsed(void **state)
{
	static const char state_json[] = "{\"id\":\"c1\",\"pid\":5,\"bundle\":\"/run/b/c1\"}";
	struct oci_state st;
	struct oci_spec sp;
	struct err e = { 0 };
	char *got;

	assert_int_equal(oci_state_parse(state_json, strlen(state_json), &st, &e), 0);
	assert_int_equal(oci_spec_parse(full_spec, strlen(full_spec), &sp, &e), 0);
	got = oci_rootfs_path(&st, &sp);
	assert_string_equal(got, "/run/b/c1/rootfs");
	free(got);
	oci_state_free(&st);
	oci_spec_free(&sp);
}

/* ---- idmap_to_host ---- */

static void idmap(void **state)
{
	static const struct id_map one[] = { { 0, 100000, 65536 } };
	static const struct id_map two[] = { { 0, 1000, 1 }, { 1, 100000, 65535 } };
	static const struct id_map top[] = { { 1000, 4294967290u, 5 } };
	static const struct {
		const char *what;
		const struct id_map *maps;
		size_t n;
		uint32_t id;
		int rc;
		uint32_t want;
	} t[] = {
		{ "no maps", NULL, 0, 0, 0, 0 },
		{ "no maps, large id", NULL, 0, 4294967295u, 0, 4294967295u },
		{ "first of range", one, 1, 0, 0, 100000 },
		{ "inside range", one, 1, 1000, 0, 101000 },
		{ "last of range", one, 1, 65535, 0, 165535 },
		{ "one past the range", one, 1, 65536, -1, 0 },
		{ "far past the range", one, 1, 4294967295u, -1, 0 },
		{ "root maps alone", two, 2, 0, 0, 1000 },
		{ "second map, first id", two, 2, 1, 0, 100000 },
		{ "second map, last id", two, 2, 65535, 0, 165534 },
		{ "past both maps", two, 2, 65536, -1, 0 },
		{ "below a map that does not start at 0", top, 1, 999, -1, 0 },
		{ "top of the host range", top, 1, 1004, 0, 4294967294u },
		{ "past the top map", top, 1, 1005, -1, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t out = 12345;

		unit_case("%s", t[i].what);
		assert_int_equal(idmap_to_host(t[i].maps, t[i].n, t[i].id, &out), t[i].rc);
		if (t[i].rc == 0)
			assert_true(out == t[i].want);
	}
	unit_case_done();
}

UNIT_MAIN("test_oci_spec",
	  UNIT_TEST(spec_parse_full),
	  UNIT_TEST(spec_parse_minimal),
	  UNIT_TEST(spec_parse_bad),
	  UNIT_TEST(spec_parse_depth),
	  UNIT_TEST(rootfs_path),
	  UNIT_TEST(rootfs_path_parsed),
	  UNIT_TEST(rootfs_host_path),
	  UNIT_TEST(idmap))
