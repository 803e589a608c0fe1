/* The OCI state on a hook's stdin and the bundle's config.json. */
#include "unit.h"

#include "container_id.h"
#include "json.h"
#include "oci_spec.h"
#include "oci_state.h"

/* ---- oci_state_parse ---- */

struct state_good {
	const char *what;
	const char *json;
	const char *id, *bundle, *root, *status;
	int pid;
};

static const struct state_good state_good[] = {
	{ "runc: no root",
	  "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"created\",\"pid\":4242,"
	  "\"bundle\":\"/run/bundles/c1\",\"annotations\":{\"a\":\"b\"}}",
	  "c1", "/run/bundles/c1", NULL, "created", 4242 },
	{ "crun: root relative to the bundle",
	  "{\"ociVersion\":\"1.0.0\",\"id\":\"web-1\",\"status\":\"created\",\"pid\":17,"
	  "\"root\":\"rootfs\",\"bundle\":\"/var/lib/b\",\"created\":\"2024-01-01T00:00:00Z\"}",
	  "web-1", "/var/lib/b", "rootfs", "created", 17 },
	{ "iSulad: absolute root",
	  "{\"id\":\"0123456789abcdef\",\"pid\":1,\"root\":\"/var/lib/isulad/x/merged\","
	  "\"bundle\":\"/var/lib/isulad/engines/lcr/0123456789abcdef\"}",
	  "0123456789abcdef", "/var/lib/isulad/engines/lcr/0123456789abcdef",
	  "/var/lib/isulad/x/merged", NULL, 1 },
	{ "lcr prestart: empty ociVersion, no status, rootfs.mount as root",
	  "{\"ociVersion\":\"\",\"id\":\"0123abc\",\"pid\":4711,"
	  "\"root\":\"/usr/lib/x86_64-linux-gnu/lxc/rootfs\","
	  "\"bundle\":\"/var/lib/isulad/engines/lcr/0123abc\"}",
	  "0123abc", "/var/lib/isulad/engines/lcr/0123abc", "/usr/lib/x86_64-linux-gnu/lxc/rootfs",
	  NULL, 4711 },
	{ "lcr poststop: pid -1 is no pid",
	  "{\"ociVersion\":\"\",\"id\":\"0123abc\",\"pid\":-1,"
	  "\"root\":\"/var/lib/isulad/mnt/rootfs\",\"bundle\":\"/var/lib/isulad/engines/lcr/0123abc\"}",
	  "0123abc", "/var/lib/isulad/engines/lcr/0123abc", "/var/lib/isulad/mnt/rootfs", NULL, 0 },
	{ "older lcr: bundlePath, empty ociVersion, pid -1",
	  "{\"ociVersion\":\"\",\"id\":\"c3\",\"pid\":-1,\"root\":\"/r\",\"bundlePath\":\"/b/c3\"}",
	  "c3", "/b/c3", "/r", NULL, 0 },
	{ "older iSulad: bundlePath",
	  "{\"id\":\"c2\",\"pid\":99,\"bundlePath\":\"/b/c2\"}",
	  "c2", "/b/c2", NULL, NULL, 99 },
	{ "bundle wins over bundlePath",
	  "{\"id\":\"c2\",\"bundle\":\"/b/new\",\"bundlePath\":\"/b/old\"}",
	  "c2", "/b/new", NULL, NULL, 0 },
	{ "poststop: no pid",
	  "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"stopped\",\"bundle\":\"/b\"}",
	  "c1", "/b", NULL, "stopped", 0 },
	{ "poststop: null pid, null root",
	  "{\"id\":\"c1\",\"status\":\"stopped\",\"pid\":null,\"root\":null,\"bundle\":\"/b\"}",
	  "c1", "/b", NULL, "stopped", 0 },
	{ "pid 0",
	  "{\"id\":\"c1\",\"pid\":0,\"bundle\":\"/b\"}", "c1", "/b", NULL, NULL, 0 },
	{ "pid as exponent",
	  "{\"id\":\"c1\",\"pid\":1e3,\"bundle\":\"/b\"}", "c1", "/b", NULL, NULL, 1000 },
	{ "largest pid", "{\"id\":\"c1\",\"pid\":4194304,\"bundle\":\"/b\"}",
	  "c1", "/b", NULL, NULL, 4194304 },
	{ "status not a string is ignored",
	  "{\"id\":\"c1\",\"status\":3,\"bundle\":\"/b\"}", "c1", "/b", NULL, NULL, 0 },
	{ "whitespace around",
	  " \n\t{\"id\":\"c1\",\"bundle\":\"/b\"}\r\n ", "c1", "/b", NULL, NULL, 0 },
	{ "128-char id",
	  "{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"bundle\":\"/b\"}",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/b", NULL, NULL, 0 },
};

static void state_parse_good(void **state)
{
	for (size_t i = 0; i < sizeof(state_good) / sizeof(state_good[0]); i++) {
		const struct state_good *t = &state_good[i];
		struct oci_state st;
		struct err e = { 0 };

		unit_case("%s", t->what);
		assert_int_equal(oci_state_parse(t->json, strlen(t->json), &st, &e), 0);
		assert_string_equal(st.id, t->id);
		assert_string_equal(st.bundle, t->bundle);
		assert_str_or_null(st.root, t->root);
		assert_str_or_null(st.status, t->status);
		assert_int_equal(st.pid, t->pid);
		oci_state_free(&st);
		assert_null(st.id);
		assert_null(st.bundle);
	}
	unit_case_done();
}

/* Bytes with a length: some rows hold a NUL. len 0 means strlen. */
struct bad_json {
	const char *what;
	const char *json;
	size_t len;
	const char *needle;
};

#define WITH_LEN(s) s, sizeof(s) - 1

/* JSON_MAX_DEPTH opening and closing brackets, for table rows. */
_Static_assert(JSON_MAX_DEPTH == 64, "update OPEN64/CLOSE64");
#define OPEN8 "[[[[[[[["
#define OPEN64 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8 OPEN8
#define CLOSE8 "]]]]]]]]"
#define CLOSE64 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8 CLOSE8

/* Refused by both parsers, before they look at a member. */
static const struct bad_json json_bad[] = {
	{ "not JSON", "hello", 0, NULL },
	{ "empty", "", 0, NULL },
	{ "only blanks", "  \n", 0, NULL },
	{ "truncated", "{\"id\":\"c1\",\"root\":{\"path\":\"/b", 0, "truncated" },
	{ "truncated after key", "{\"id\":", 0, NULL },
	{ "trailing garbage", "{\"id\":\"c1\",\"bundle\":\"/b\"} x", 0, "trailing" },
	{ "trailing bracket", "{\"root\":{\"path\":\"r\"}}]", 0, "trailing" },
	{ "two objects", "{\"id\":\"c1\",\"bundle\":\"/b\"}{}", 0, "trailing" },
	{ "NUL byte inside", WITH_LEN("{\"id\":\"c1\0\",\"root\":{\"path\":\"r\"}}"), "NUL" },
	{ "NUL byte after", WITH_LEN("{\"id\":\"c1\",\"bundle\":\"/b\"}\0"), "NUL" },
	{ "nested deeper than JSON_MAX_DEPTH",
	  "{\"id\":\"c1\",\"bundle\":\"/b\",\"x\":" OPEN64 CLOSE64 "}", 0, "deeper" },
	{ "not an object", "[\"c1\"]", 0, NULL },
	{ "a string", "\"c1\"", 0, NULL },
	{ "null", "null", 0, NULL },
};

static const struct bad_json state_bad[] = {
	{ "id missing", "{\"bundle\":\"/b\"}", 0, "id" },
	{ "id not a string", "{\"id\":12,\"bundle\":\"/b\"}", 0, "id" },
	{ "id null", "{\"id\":null,\"bundle\":\"/b\"}", 0, "id" },
	{ "id empty", "{\"id\":\"\",\"bundle\":\"/b\"}", 0, "empty" },
	{ "id with an escaped NUL", "{\"id\":\"c1\\u0000/../x\",\"bundle\":\"/b\"}", 0, "NUL" },
	{ "bundle with an escaped NUL", "{\"id\":\"c1\",\"bundle\":\"/b\\u0000x\"}", 0, "NUL" },
	{ "id with a newline", "{\"id\":\"a\\nb\",\"bundle\":\"/b\"}", 0, "control" },
	{ "id with an escape character", "{\"id\":\"a\\u001b[2J\",\"bundle\":\"/b\"}", 0,
	  "control" },
	{ "bundle missing", "{\"id\":\"c1\",\"pid\":3}", 0, "bundle" },
	{ "bundle relative", "{\"id\":\"c1\",\"bundle\":\"b/c1\"}", 0, "bundle" },
	{ "bundle empty", "{\"id\":\"c1\",\"bundle\":\"\"}", 0, "bundle" },
	{ "bundle a number", "{\"id\":\"c1\",\"bundle\":7}", 0, "bundle" },
	{ "bundlePath relative", "{\"id\":\"c1\",\"bundlePath\":\"b\"}", 0, "bundle" },
	{ "pid below -1", "{\"id\":\"c1\",\"pid\":-2,\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid -1.5", "{\"id\":\"c1\",\"pid\":-1.5,\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid float", "{\"id\":\"c1\",\"pid\":1.5,\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid string", "{\"id\":\"c1\",\"pid\":\"42\",\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid huge", "{\"id\":\"c1\",\"pid\":99999999999999999999,\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid above pid_max", "{\"id\":\"c1\",\"pid\":4194305,\"bundle\":\"/b\"}", 0, "pid" },
	{ "pid true", "{\"id\":\"c1\",\"pid\":true,\"bundle\":\"/b\"}", 0, "pid" },
	{ "root empty", "{\"id\":\"c1\",\"root\":\"\",\"bundle\":\"/b\"}", 0, "root" },
	{ "root a number", "{\"id\":\"c1\",\"root\":1,\"bundle\":\"/b\"}", 0, "root" },
};

/* {"a":[[[...]]]} nested @depth levels deep in all. */
static char *nested(const char *prefix, int depth)
{
	size_t plen = strlen(prefix);
	char *s = malloc(plen + 2 * (size_t)depth + 1);
	char *p = s;

	memcpy(p, prefix, plen);
	p += plen;
	for (int i = 1; i < depth; i++)
		*p++ = '[';
	for (int i = 1; i < depth; i++)
		*p++ = ']';
	*p++ = '}';
	*p = '\0';
	return s;
}

/* parse_bad(ROWS, PARSE, OUT, EMPTY): each row fails with EINVAL and one
 * line naming its needle, and leaves *OUT empty as EMPTY checks it. */
#define parse_bad(rows, parse, out, empty)						\
	do {										\
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {		\
			const struct bad_json *t = &rows[i];				\
			struct err e = { 0 };						\
											\
			unit_case("%s", t->what);					\
			memset(out, 0xa5, sizeof(*out));				\
			assert_int_equal(parse(t->json, t->len ? t->len : strlen(t->json),	\
					       out, &e), -1);				\
			assert_int_equal(e.code, EINVAL);				\
			assert_err_line(e);						\
			assert_err_mentions(e, t->needle);				\
			empty(out);							\
		}									\
		unit_case_done();							\
	} while (0)

static void state_empty(const struct oci_state *st)
{
	assert_true(!st->id && !st->bundle && !st->root && !st->status && st->pid == 0);
}

static void state_parse_bad(void **state)
{
	struct oci_state st;

	parse_bad(json_bad, oci_state_parse, &st, state_empty);
	parse_bad(state_bad, oci_state_parse, &st, state_empty);
}

/* Ids a runtime accepts (runc takes "a+b" and ids of any length) but
 * that cannot name saved state: the state parses, and container_id_valid
 * says no, so the hook lets the container start untouched. */
static void state_parse_unstorable_ids(void **state)
{
	static const char *const ids[] = { "a+b", "../x", "a/b", ".", "a b", "-a", "_a", "é" };
	static const size_t lens[] = { CONTAINER_ID_MAX + 1, CONTAINER_ID_OCI_MAX,
				       CONTAINER_ID_OCI_MAX + 1 };
	char json[2048], long_id[CONTAINER_ID_OCI_MAX + 2];
	struct oci_state st;
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unit_case("%s", ids[i]);
		snprintf(json, sizeof(json), "{\"id\":\"%s\",\"bundle\":\"/b\"}", ids[i]);
		assert_int_equal(oci_state_parse(json, strlen(json), &st, &e), 0);
		assert_string_equal(st.id, ids[i]);
		assert_false(container_id_valid(st.id));
		oci_state_free(&st);
	}
	unit_case_done();
	/* 129 characters parse; 1024 bytes is the most a runtime may give */
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t len = lens[k];

		memset(long_id, 'a', len);
		long_id[len] = '\0';
		snprintf(json, sizeof(json), "{\"id\":\"%s\",\"bundle\":\"/b\"}", long_id);
		if (len <= CONTAINER_ID_OCI_MAX) {
			assert_int_equal(oci_state_parse(json, strlen(json), &st, &e), 0);
			assert_false(container_id_valid(st.id));
			oci_state_free(&st);
		} else {
			assert_int_equal(oci_state_parse(json, strlen(json), &st, &e), -1);
			assert_err_mentions(e, "1024");
		}
	}
}

/* parse_depth(PREFIX, PARSE, OUT, FREE, EMPTY): PREFIX and then nesting
 * up to JSON_MAX_DEPTH levels in all parses; one level more is refused. */
#define parse_depth(prefix, parse, out, free_out, empty)				\
	do {										\
		char *ok = nested(prefix, JSON_MAX_DEPTH);				\
		char *deep = nested(prefix, JSON_MAX_DEPTH + 1);			\
		struct err e = { 0 };							\
											\
		assert_int_equal(parse(ok, strlen(ok), out, &e), 0);			\
		free_out(out);								\
		assert_int_equal(parse(deep, strlen(deep), out, &e), -1);		\
		assert_err_line(e);							\
		assert_err_mentions(e, "deeper");					\
		empty(out);								\
		free(ok);								\
		free(deep);								\
	} while (0)

static void state_parse_depth(void **state)
{
	struct oci_state st;

	parse_depth("{\"id\":\"c1\",\"bundle\":\"/b\",\"x\":", oci_state_parse, &st,
		    oci_state_free, state_empty);
}

/* ---- oci_state_pid_from_env (LXC_PID) ---- */

static void state_pid_from_env(void **state)
{
	static const struct {
		const char *what;
		int pid;                /* in the state */
		const char *env;        /* LXC_PID */
		int rc, want;
	} t[] = {
		{ "no LXC_PID: the pid stays unknown", 0, NULL, 0, 0 },
		{ "lcr poststop: pid -1 in the state, LXC_PID set", 0, "4711", 0, 4711 },
		{ "the state's pid wins", 17, "4711", 0, 17 },
		{ "LXC_PID 0 after a failed start", 0, "0", 0, 0 },
		{ "largest pid", 0, "4194304", 0, 4194304 },
		{ "above pid_max", 0, "4194305", -1, 0 },
		{ "empty", 0, "", -1, 0 },
		{ "negative", 0, "-1", -1, 0 },
		{ "leading space", 0, " 12", -1, 0 },
		{ "plus sign", 0, "+12", -1, 0 },
		{ "trailing junk", 0, "12x", -1, 0 },
		{ "huge", 0, "99999999999999999999999", -1, 0 },
		{ "not a number", 0, "abc", -1, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct oci_state st = { .pid = t[i].pid };
		struct err e = { 0 };

		unit_case("%s", t[i].what);
		assert_int_equal(oci_state_pid_from_env(&st, t[i].env, &e), t[i].rc);
		if (t[i].rc == 0) {
			assert_int_equal(st.pid, t[i].want);
		} else {
			assert_err(e, EINVAL, "LXC_PID");
			assert_int_equal(st.pid, t[i].pid);
		}
	}
	unit_case_done();
}

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

static const struct bad_json spec_bad[] = {
	{ "no root", "{\"process\":{}}", 0, "root" },
	{ "root not an object", "{\"root\":\"rootfs\"}", 0, "root" },
	{ "no root.path", "{\"root\":{\"readonly\":true}}", 0, "root" },
	{ "root.path empty", "{\"root\":{\"path\":\"\"}}", 0, "root" },
	{ "root.path a number", "{\"root\":{\"path\":1}}", 0, "path" },
	{ "linux not an object", SPEC("\"linux\":[]"), 0, "linux" },
	{ "cgroupsPath a number", SPEC("\"linux\":{\"cgroupsPath\":5}"), 0,
	  "cgroupsPath" },
	{ "uidMappings not an array",
	  SPEC("\"linux\":{\"uidMappings\":{}}"), 0, "uidMappings" },
	{ "uidMappings entry without size",
	  SPEC("\"linux\":{\"uidMappings\":"
	  "[{\"containerID\":0,\"hostID\":1000}]}"), 0, "size" },
	{ "uidMappings entry not an object",
	  SPEC("\"linux\":{\"uidMappings\":[5]}"), 0, "uidMappings[0]" },
	{ "uidMappings second entry hostID negative",
	  SPEC("\"linux\":{\"uidMappings\":"
	  "[{\"containerID\":0,\"hostID\":1000,\"size\":1},"
	  "{\"containerID\":1,\"hostID\":-5,\"size\":1}]}"), 0, "uidMappings[1]: hostID" },
	{ "gidMappings containerID above 2^32-1",
	  SPEC("\"linux\":{\"gidMappings\":"
	  "[{\"containerID\":4294967296,\"hostID\":0,\"size\":1}]}"), 0, "gidMappings[0]: containerID" },
	{ "gidMappings size a string",
	  SPEC("\"linux\":{\"gidMappings\":"
	  "[{\"containerID\":0,\"hostID\":0,\"size\":\"1\"}]}"), 0, "size" },
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(state_parse_good),
		UNIT_TEST(state_parse_bad),
		UNIT_TEST(state_parse_depth),
		UNIT_TEST(state_parse_unstorable_ids),
		UNIT_TEST(state_pid_from_env),
		UNIT_TEST(spec_parse_full),
		UNIT_TEST(spec_parse_minimal),
		UNIT_TEST(spec_parse_bad),
		UNIT_TEST(spec_parse_depth),
		UNIT_TEST(rootfs_path),
		UNIT_TEST(rootfs_path_parsed),
		UNIT_TEST(rootfs_host_path),
		UNIT_TEST(idmap),
	};

	return cmocka_run_group_tests_name("test_oci", tests, NULL, NULL);
}
