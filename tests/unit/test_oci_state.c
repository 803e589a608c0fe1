/* The OCI state on a hook's stdin. */
#include "unit.h"
#include "unit_json.h"

#include "container_id.h"
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

/* What a failed parse leaves, and what oci_state_free does. */
static void state_empty(const struct oci_state *st)
{
	assert_true(!st->id && !st->bundle && !st->root && !st->status && st->pid == 0);
}

static void state_parse_good(void **state)
{
	UNIT_EACH(t, state_good) {
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
		state_empty(&st);
	}
	unit_case_done();
}

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

UNIT_MAIN("test_oci_state",
	  UNIT_TEST(state_parse_good),
	  UNIT_TEST(state_parse_bad),
	  UNIT_TEST(state_parse_depth),
	  UNIT_TEST(state_parse_unstorable_ids),
	  UNIT_TEST(state_pid_from_env))
