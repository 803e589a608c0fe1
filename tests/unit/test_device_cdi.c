/* CDI devices as our own items (device_cdi.h) and their entries in
 * hook.json (store_cdi.h). */
#include "unit.h"

#include <cJSON.h>

#include "device.h"
#include "device_cdi.h"
#include "json.h"
#include "store.h"
#include "store_cdi.h"
#include "util.h"

struct opts_case {
	const char *in[6];      /* NULL-terminated */
	const char *want;       /* path_spec options, or NULL: refused */
	const char *bad;        /* the option refused */
};

static const struct opts_case opts_cases[] = {
	{ { NULL }, "rw", NULL },
	{ { "bind", NULL }, "rw", NULL },
	{ { "ro", "nosuid", "nodev", "bind", NULL }, "ro,nosuid,nodev", NULL },
	{ { "rbind", "rprivate", "noexec", NULL }, "rw,noexec", NULL },
	{ { "nodev", "nosuid", "ro", NULL }, "ro,nosuid,nodev", NULL },
	{ { "rw", "rslave", NULL }, "rw", NULL },
	{ { "ro", "rw", NULL }, NULL, "rw" },
	{ { "bind", "relatime", NULL }, NULL, "relatime" },
	{ { "size=10m", NULL }, NULL, "size=10m" },
	{ { "suid", NULL }, NULL, "suid" },
};

static void mount_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(opts_cases); i++) {
		const struct opts_case *c = &opts_cases[i];
		const char *bad = NULL;
		char *got = cdi_mount_options((char *const *)c->in, &bad);

		if (c->want) {
			assert_non_null(got);
			assert_string_equal(got, c->want);
			assert_null(bad);
		} else {
			assert_null(got);
			assert_string_equal(bad, c->bad);
		}
		free(got);
	}
}

static void mount_types(void **state)
{
	(void)state;
	assert_true(cdi_mount_is_bind(NULL, NULL));
	assert_true(cdi_mount_is_bind("", NULL));
	assert_true(cdi_mount_is_bind("bind", NULL));
	assert_true(cdi_mount_is_bind("none", NULL));
	assert_false(cdi_mount_is_bind("tmpfs", NULL));
	assert_false(cdi_mount_is_bind("proc", NULL));
}

/* A device of the spec file "f.json" with a node, a mount, an interface
 * and an env edit. */
static void items_from_device(void **state)
{
	static char *opts[] = { "ro", "bind", NULL };
	struct cdi_node node = { .path = "/dev/x", .host_path = "/dev/null", .type = 'c',
				 .major = 1, .minor = 3, .permissions = "rw", .uid = -1,
				 .gid = -1 };
	struct cdi_mount mount = { .host_path = "/", .container_path = "/mnt/root",
				   .options = opts };
	struct cdi_netdev nic = { .host_interface_name = "cdi0", .name = "eth5" };
	char *unsupported[] = { "f.json: devices[0].containerEdits.env" };
	struct cdi_device d = { .name = "a.com/b=c", .spec_file = "f.json", .nodes = &node,
				.n_nodes = 1, .mounts = &mount, .n_mounts = 1, .netdevs = &nic,
				.n_netdevs = 1, .unsupported = unsupported, .n_unsupported = 1 };
	struct cdi_items it;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cdi_items_from(&d, &it, &e), 0);
	assert_int_equal(it.n_nodes, 1);
	assert_string_equal(it.nodes[0].host, "/dev/null");
	assert_string_equal(it.nodes[0].ctr, "/dev/x");
	assert_string_equal(it.nodes[0].perms, "rw");
	assert_int_equal(it.n_mounts, 1);
	assert_string_equal(it.mounts[0].options, "ro");
	assert_true(it.mounts[0].ro);
	assert_int_equal(it.n_netdevs, 1);
	assert_string_equal(it.netdevs[0].type, "eth");
	assert_string_equal(it.netdevs[0].host, "cdi0");
	assert_string_equal(it.netdevs[0].ctr, "eth5");
	/* lent as it is: valid as a saved interface without an address */
	assert_int_equal(it.netdevs[0].mtu, 0);
	assert_int_equal(it.netdevs[0].qlen, -1);
	assert_int_equal(nic_validate(&it.netdevs[0], &e), 0);
	assert_int_equal(it.n_unsupported, 1);
	assert_non_null(strstr(it.unsupported[0], "containerEdits.env: cannot apply"));
	cdi_items_free(&it);

	/* the spec's numbers are not the host node's: refused, naming both */
	node.minor = 5;
	assert_int_equal(cdi_items_from(&d, &it, &e), -1);
	assert_err_line(e);
	assert_err_mentions(e, "f.json: deviceNodes /dev/x: the spec says c 1:5, host node /dev/null is c 1:3");
	node.minor = 3;
	/* a place edited twice */
	mount.container_path = "/dev/x";
	assert_int_equal(cdi_items_from(&d, &it, &e), -1);
	assert_err_mentions(e, "container path /dev/x is edited twice");
	mount.container_path = "/mnt/root";
	/* a fifo and "none" permissions cannot apply: listed, not refused */
	node.type = 'p';
	assert_int_equal(cdi_items_from(&d, &it, &e), 0);
	assert_int_equal(it.n_nodes, 0);
	assert_int_equal(it.n_unsupported, 2);
	cdi_items_free(&it);
}

static void entries_round_trip(void **state)
{
	_cleanup_cjson_ cJSON *doc = cJSON_CreateObject();
	char *dirs[] = { "/etc/x" }, *nodes[] = { "/dev/a", "/dev/b" }, *mounts[] = { "/mnt/m" };
	struct saved_cdi a = { .name = "a.com/b=c", .dirs = dirs, .n_dirs = 1,
			       .ignore_unsupported = true, .nodes = nodes, .n_nodes = 2,
			       .mounts = mounts, .n_mounts = 1 };
	struct saved_cdi b = { .name = "a.com/b=d" };
	struct saved_cdi *got = NULL;
	size_t n = 0;
	struct err e = { 0 };

	(void)state;
	store_set_cdi(doc, -1, &a);
	store_set_cdi(doc, -1, &b);
	assert_int_equal(store_validate(doc, &e), 0);
	assert_int_equal(store_cdi(doc, &got, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].name, "a.com/b=c");
	assert_int_equal(got[0].n_dirs, 1);
	assert_true(got[0].ignore_unsupported);
	assert_int_equal(got[0].n_nodes, 2);
	assert_string_equal(got[0].nodes[1], "/dev/b");
	assert_int_equal(got[1].n_dirs, 0);
	assert_false(got[1].ignore_unsupported);
	assert_ptr_equal(saved_cdi_owner(got, n, CDI_NODES, "/dev/b"), &got[0]);
	assert_null(saved_cdi_owner(got, n, CDI_MOUNTS, "/dev/b"));
	assert_int_equal(saved_cdi_find(got, n, "a.com/b=d"), 1);
	assert_int_equal(saved_cdi_find(got, n, "a.com/b=e"), -1);
	saved_cdi_free(got, n);
	store_set_cdi(doc, 0, &b);
	assert_int_equal(store_cdi(doc, &got, &n, &e), -1);
	assert_err_mentions(e, "a.com/b=d is there twice");
	store_set_cdi(doc, 0, NULL);
	assert_int_equal(store_cdi(doc, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	saved_cdi_free(got, n);
}

/* A CDI node's fileMode, uid and gid are saved with it and read back;
 * absent, the host node's apply. */
static void node_attrs_saved(void **state)
{
	struct store s = { .doc = cJSON_CreateObject() };
	struct saved_device a = { .type = 'c', .major = 1, .minor = 3, .host = "/dev/null",
				  .ctr = "/dev/a", .perms = "rw", .parent = "",
				  .node = { .has_mode = true, .mode = 0640, .has_gid = true, .gid = 5 } };
	struct saved_device b = a, *got = NULL;
	struct host_device h;
	size_t n = 0;
	struct err e = { 0 };

	(void)state;
	b.ctr = "/dev/b";
	b.node = (struct node_attrs){ 0 };
	store_add_device(&s, &a);
	store_add_device(&s, &b);
	assert_int_equal(store_devices(&s, &got, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(&got[0].node, &a.node, sizeof(a.node));
	assert_memory_equal(&got[1].node, &b.node, sizeof(b.node));
	assert_int_equal(saved_device_host(&got[0], &h, &e), 0);
	assert_int_equal(h.perm, 0640);
	assert_int_equal(h.gid, 5);
	assert_int_equal(h.uid, 0);
	assert_int_equal(saved_device_host(&got[1], &h, &e), 0);
	assert_int_equal(h.perm, 0666);
	saved_devices_free(got, n);
	cJSON_Delete(s.doc);
}

static const char *const bad_docs[][2] = {
	{ "{\"deviceToAdd\":[{\"Type\":\"c\",\"Major\":1,\"Minor\":3,\"PathOnHost\":\"/dev/null\","
	  "\"PathInContainer\":\"/dev/n\",\"CgroupPermissions\":\"rw\",\"FileMode\":4096}]}",
	  "FileMode is not a number from 0 to 4095" },
	{ "{\"deviceToAdd\":[{\"Type\":\"c\",\"Major\":1,\"Minor\":3,\"PathOnHost\":\"/dev/null\","
	  "\"PathInContainer\":\"/dev/n\",\"CgroupPermissions\":\"rw\",\"Uid\":-1}]}",
	  "Uid is not a number" },
	{ "{\"cdiDevices\":{}}", "not an array" },
	{ "{\"cdiDevices\":[1]}", "not an object" },
	{ "{\"cdiDevices\":[{}]}", "Name is not a CDI device name" },
	{ "{\"cdiDevices\":[{\"Name\":\"a.com/b\"}]}", "Name is not a CDI device name" },
	{ "{\"cdiDevices\":[{\"Name\":\"a.com/b=c\",\"DeviceNodes\":\"x\"}]}", "DeviceNodes" },
	{ "{\"cdiDevices\":[{\"Name\":\"a.com/b=c\",\"Mounts\":[1]}]}", "Mounts" },
	{ "{\"cdiDevices\":[{\"Name\":\"a.com/b=c\",\"NetDevices\":[\"\"]}]}", "NetDevices[0] is empty" },
};

static void bad_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_docs); i++) {
		_cleanup_cjson_ cJSON *doc = NULL;
		struct err e = { 0 };

		assert_int_equal(json_parse(bad_docs[i][0], strlen(bad_docs[i][0]), &doc, &e), 0);
		assert_int_equal(store_validate(doc, &e), -1);
		assert_err_line(e);
		assert_err_mentions(e, bad_docs[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mount_options),
		cmocka_unit_test(mount_types),
		cmocka_unit_test(items_from_device),
		cmocka_unit_test(entries_round_trip),
		cmocka_unit_test(node_attrs_saved),
		cmocka_unit_test(bad_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
