/* lib/cdi_spec.c, cdi_edits.c, cdi_yaml.c: one CDI spec file, JSON or
 * YAML, every version, read into C data; every bad input one line naming
 * the file and the field. */
#include "unit.h"

#include "cdi_spec.h"
#include "cdi_yaml.h"

#define DEV(edits) "\"devices\":[{\"name\":\"d0\",\"containerEdits\":{" edits "}}]"
#define NODE "\"deviceNodes\":[{\"path\":\"/dev/loop0\"}]"
#define SPEC(v, rest) "{\"cdiVersion\":\"" v "\",\"kind\":\"vendor.com/class\"," rest "}"
/* The same in YAML: @edits indented under the one device d0. */
#define YSPEC(v, rest) "cdiVersion: " v "\nkind: vendor.com/class\n" rest
#define YDEV(edits) "devices:\n- name: d0\n  containerEdits:\n" edits

struct good {
	const char *file, *text;
	size_t devices;
	/* what the first device and the top-level edits hold together */
	size_t nodes, mounts, netdevs, unsupported;
};

static const struct good goods[] = {
	{ "a.json", SPEC("0.3.0", DEV(NODE)), 1, 1, 0, 0, 0 },
	{ "a.json", SPEC("0.4.0", DEV("\"mounts\":[{\"hostPath\":\"/h\",\"containerPath\":"
				   "\"/c\",\"type\":\"none\",\"options\":[\"bind\",\"ro\"]}]")),
	  1, 0, 1, 0, 0 },
	{ "a.json", SPEC("0.5.0", "\"devices\":[{\"name\":\"0\",\"containerEdits\":{"
			 "\"deviceNodes\":[{\"path\":\"/dev/x\",\"hostPath\":\"/dev/loop1\"}]}},"
			 "{\"name\":\"1\",\"containerEdits\":{" NODE "}}]"), 2, 1, 0, 0, 0 },
	{ "a.json", "{\"cdiVersion\":\"0.6.0\",\"kind\":\"vendor.com/cl.ass\","
		    "\"annotations\":{\"a\":\"b\"},\"devices\":[{\"name\":\"d0\","
		    "\"annotations\":{\"x\":\"y\"},\"containerEdits\":{" NODE "}}]}",
	  1, 1, 0, 0, 0 },
	{ "a.json", SPEC("0.7.0", "\"containerEdits\":{\"env\":[\"A=1\"],\"additionalGids\":[5],"
			 "\"intelRdt\":{\"closID\":\"c\",\"enableCMT\":true}}," DEV(NODE)),
	  1, 1, 0, 0, 3 },
	{ "a.json", SPEC("0.8.0", DEV(NODE ",\"hooks\":[{\"hookName\":\"createContainer\","
				  "\"path\":\"/bin/true\",\"args\":[\"true\"],\"env\":[\"A=b\"],"
				  "\"timeout\":5}]")), 1, 1, 0, 0, 1 },
	{ "a.json", SPEC("1.0.0", DEV(NODE)), 1, 1, 0, 0, 0 },
	{ "a.json", SPEC("v1.0.0", DEV(NODE)), 1, 1, 0, 0, 0 },
	{ "a.json", SPEC("1.1.0", "\"containerEdits\":{\"netDevices\":[{\"hostInterfaceName\":"
			 "\"veth1\",\"name\":\"eth1\"}]}," DEV(NODE ",\"netDevices\":["
			 "{\"hostInterfaceName\":\"veth2\",\"name\":\"eth2\"}],\"intelRdt\":"
			 "{\"schemata\":[\"L3:0=f\"],\"enableMonitoring\":true}")), 1, 1, 0, 2, 1 },
	/* null is absent, as Go's decoder has it */
	{ "a.json", SPEC("0.3.0", "\"containerEdits\":null," DEV(NODE ",\"env\":null")),
	  1, 1, 0, 0, 0 },
	{ "a.yaml", YSPEC("0.3.0", YDEV("    deviceNodes:\n    - path: /dev/loop0\n")),
	  1, 1, 0, 0, 0 },
	{ "a.yml", "---\ncdiVersion: \"0.5.0\"\nkind: vendor.com/class\ndevices:\n"
		   "  - name: 0\n    containerEdits:\n      deviceNodes:\n"
		   "        - path: /dev/x\n          hostPath: /dev/loop1\n"
		   "          fileMode: 0640\n...\n", 1, 1, 0, 0, 0 },
	{ "a.yaml", YSPEC("0.7.0", "containerEdits:\n  env: [A=1]\n  additionalGids: [0]\n"
			  YDEV("    mounts:\n    - {hostPath: /h, containerPath: /c}\n"
			       "    intelRdt: {closID: c}\n")), 1, 0, 1, 0, 3 },
	{ "a.yaml", YSPEC("1.1.0", YDEV("    netDevices:\n    - hostInterfaceName: veth1\n"
				   "      name: eth1\n")), 1, 0, 0, 1, 0 },
	{ "a.yaml", YSPEC("0.4.0", YDEV("    mounts:\n    - hostPath: /h\n      containerPath: /c\n"
				   "      type: tmpfs\n")), 1, 0, 1, 0, 0 },
	{ "a.yaml", "cdiVersion: 0.6.0\nkind: vendor.com/cl.ass\nannotations:\n  a: b\n"
		    "devices:\n- name: d0\n  annotations: {x: 1}\n  containerEdits:\n"
		    "    deviceNodes: [{path: /dev/loop0, permissions: none}]\n", 1, 1, 0, 0, 0 },
	{ "a.yaml", YSPEC("0.8.0", YDEV("    deviceNodes: [{path: /dev/loop0}]\n"
			  "    hooks: [{hookName: prestart, path: /bin/x, timeout: 3}]\n")),
	  1, 1, 0, 0, 1 },
	/* anchors and aliases, flow style, comments */
	{ "a.yaml", "# generated\ncdiVersion: 1.0.0\nkind: vendor.com/class\ndevices:\n"
		    "- name: d0\n  containerEdits: &e {deviceNodes: [{path: /dev/loop0}]}\n"
		    "- name: d1\n  containerEdits: *e\n", 2, 1, 0, 0, 0 },
};

static void good_specs(void **state)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct cdi_spec s;
		struct err e = { 0 };
		size_t n;

		unit_case("#%zu %s", i, g->text);
		if (cdi_spec_parse(g->file, g->text, strlen(g->text), &s, &e) < 0)
			fail_msg("%s", e.msg);
		assert_int_equal(strncmp(s.kind, "vendor.com/", 11), 0);
		assert_int_equal(s.n_devices, g->devices);
		n = s.edits.n_nodes + s.devices[0].edits.n_nodes;
		assert_int_equal(n, g->nodes);
		assert_int_equal(s.edits.n_mounts + s.devices[0].edits.n_mounts, g->mounts);
		assert_int_equal(s.edits.n_netdevs + s.devices[0].edits.n_netdevs, g->netdevs);
		assert_int_equal(s.edits.n_unsupported + s.devices[0].edits.n_unsupported,
				 g->unsupported);
		cdi_spec_free(&s);
	}
	unit_case_done();
}

/* Every field of a node, a mount and a net device, the same from JSON
 * and from YAML. */
static const char full_json[] =
	"{\"cdiVersion\":\"1.1.0\",\"kind\":\"vendor.com/class\",\"containerEdits\":{"
	"\"deviceNodes\":[{\"path\":\"/dev/top\"}],\"env\":[\"A=1\"]},\"devices\":[{"
	"\"name\":\"d0\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev//x/../loop7\","
	"\"hostPath\":\"/dev/loop3\",\"type\":\"b\",\"major\":7,\"minor\":3,\"fileMode\":"
	"8630,\"permissions\":\"wr\",\"uid\":1000,\"gid\":6}],\"mounts\":[{\"hostPath\":"
	"\"/srv/data/\",\"containerPath\":\"/data/./x\",\"type\":\"none\",\"options\":"
	"[\"rbind\",\"ro\"]}],\"netDevices\":[{\"hostInterfaceName\":\"veth9\",\"name\":"
	"\"eth9\"}],\"hooks\":[{\"hookName\":\"poststop\",\"path\":\"/bin/true\"}]}}]}";

static const char full_yaml[] =
	"cdiVersion: 1.1.0\n"
	"kind: vendor.com/class\n"
	"containerEdits:\n"
	"  deviceNodes: [{path: /dev/top}]\n"
	"  env:\n  - A=1\n"
	"devices:\n"
	"- name: d0\n"
	"  containerEdits:\n"
	"    deviceNodes:\n"
	"    - path: /dev//x/../loop7\n"
	"      hostPath: '/dev/loop3'\n"
	"      type: b\n"
	"      major: 7\n"
	"      minor: 0x3\n"
	"      fileMode: 020666   # S_IFCHR | 0666, as Go writes os.FileMode's octal\n"
	"      permissions: wr\n"
	"      uid: 1000\n"
	"      gid: 0o6\n"
	"    mounts:\n"
	"    - hostPath: /srv/data/\n"
	"      containerPath: \"/data/./x\"\n"
	"      type: none\n"
	"      options: [rbind, ro]\n"
	"    netDevices:\n"
	"    - {hostInterfaceName: veth9, name: eth9}\n"
	"    hooks:\n"
	"    - hookName: poststop\n"
	"      path: /bin/true\n";

static void check_full(const struct cdi_spec *s, const char *file)
{
	const struct cdi_edits *ed = &s->devices[0].edits;
	const struct cdi_node *n = &ed->nodes[0];
	const struct cdi_mount *m = &ed->mounts[0];
	char want[128];

	assert_string_equal(s->version, "1.1.0");
	assert_int_equal(s->edits.n_nodes, 1);
	assert_string_equal(s->edits.nodes[0].path, "/dev/top");
	assert_string_equal(s->edits.nodes[0].host_path, "/dev/top");
	assert_int_equal(s->edits.nodes[0].type, 0);
	assert_int_equal(s->edits.nodes[0].major, -1);
	assert_int_equal(s->edits.nodes[0].uid, -1);
	assert_false(s->edits.nodes[0].has_file_mode);
	assert_string_equal(s->edits.nodes[0].permissions, "rwm");
	assert_int_equal(s->edits.n_unsupported, 1);
	snprintf(want, sizeof(want), "%s: containerEdits.env", file);
	assert_string_equal(s->edits.unsupported[0], want);
	assert_int_equal(ed->n_nodes, 1);
	assert_string_equal(n->path, "/dev/loop7");
	assert_string_equal(n->host_path, "/dev/loop3");
	assert_int_equal(n->type, 'b');
	assert_int_equal(n->major, 7);
	assert_int_equal(n->minor, 3);
	assert_true(n->has_file_mode);
	assert_int_equal(n->file_mode, 0666);
	assert_string_equal(n->permissions, "rw");
	assert_int_equal(n->uid, 1000);
	assert_int_equal(n->gid, 6);
	assert_int_equal(ed->n_mounts, 1);
	assert_string_equal(m->host_path, "/srv/data");
	assert_string_equal(m->container_path, "/data/x");
	assert_string_equal(m->type, "none");
	assert_string_equal(m->options[0], "rbind");
	assert_string_equal(m->options[1], "ro");
	assert_null(m->options[2]);
	assert_int_equal(ed->n_netdevs, 1);
	assert_string_equal(ed->netdevs[0].host_interface_name, "veth9");
	assert_string_equal(ed->netdevs[0].name, "eth9");
	assert_int_equal(ed->n_unsupported, 1);
	snprintf(want, sizeof(want), "%s: devices[0].containerEdits.hooks", file);
	assert_string_equal(ed->unsupported[0], want);
}

static void full_spec_json_and_yaml(void **state)
{
	struct cdi_spec s;
	struct err e = { 0 };

	if (cdi_spec_parse("/etc/cdi/full.json", full_json, strlen(full_json), &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_full(&s, "/etc/cdi/full.json");
	cdi_spec_free(&s);
	if (cdi_spec_parse("/etc/cdi/full.yaml", full_yaml, strlen(full_yaml), &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_full(&s, "/etc/cdi/full.yaml");
	cdi_spec_free(&s);
}

#define NODE_WITH(f) "\"deviceNodes\":[{\"path\":\"/dev/loop0\"," f "}]"
#define MOUNT_WITH(f) "\"mounts\":[{\"hostPath\":\"/a\",\"containerPath\":\"/b\"," f "}]"
/* A bad row whose error is in the edits of the one device d0. */
#define BAD_EDIT(v, edits, needle) \
	{ "x.json", SPEC(v, DEV(edits)), "x.json: devices[0].containerEdits." needle }
/* ...in the fields of its one node. */
#define BAD_NODE(v, field, needle) BAD_EDIT(v, NODE_WITH(field), "deviceNodes[0]." needle)

static const struct bad {
	const char *file, *text, *needle;
} bads[] = {
	/* syntax */
	{ "x.json", "{\"cdiVersion\":\"0.3.0\",", "x.json: truncated JSON" },
	{ "x.json", "{\"cdiVersion\" \"0.3.0\"}", "x.json: invalid JSON at byte 14" },
	{ "x.json", "", "x.json: empty input" },
	{ "x.yaml", "cdiVersion: 0.3.0\nkind: [a\n", "x.yaml: line 3 column 1: did not find "
	  "expected ',' or ']' while parsing a flow sequence" },
	{ "x.yaml", "a: 1\n b: 2\n", "x.yaml: line 2 column 3: mapping values are not allowed" },
	{ "x.yaml", "", "x.yaml: empty YAML document" },
	{ "x.yaml", "a: 1\n---\nb: 2\n", "x.yaml: line 2 column 1: more than one YAML document" },
	{ "x.yaml", "? [a]\n: 1\n", "x.yaml: line 1 column 3: a mapping key must be a scalar" },
	{ "x.yaml", "a: *nope\n", "x.yaml: line 1 column 4: alias to an unknown anchor" },
	{ "x.yaml", "a: !custom 1\n", "x.yaml: line 1 column 4: unsupported YAML tag" },
	{ "x.yaml", "a: !!set {b}\n", "x.yaml: line 1 column 4: unsupported YAML tag" },
	{ "x.json", "[]", "x.json: a spec must be an object" },
	{ "x.yaml", "- a\n", "x.yaml: a spec must be an object" },
	/* version */
	{ "x.json", "{\"kind\":\"vendor.com/class\"," DEV(NODE) "}", "x.json: cdiVersion: is required" },
	{ "x.json", SPEC("0.2.0", DEV(NODE)), "x.json: cdiVersion: must be a released CDI "
	  "version from 0.3.0 to 1.1.0" },
	{ "x.json", SPEC("1.2.0", DEV(NODE)), "x.json: cdiVersion: must be a released" },
	{ "x.json", SPEC("1.0", DEV(NODE)), "x.json: cdiVersion: must be a released" },
	{ "x.json", "{\"cdiVersion\":1.0,\"kind\":\"vendor.com/class\"," DEV(NODE) "}",
	  "x.json: cdiVersion: must be a string" },
	/* fields newer than the version */
	BAD_EDIT("0.5.0", NODE ",\"netDevices\":[{\"hostInterfaceName\":\"a\",\"name\":\"b\"}]",
		 "netDevices: needs cdiVersion 1.1.0 or later, the file declares 0.5.0"),
	BAD_EDIT("0.4.0", "\"deviceNodes\":[{\"path\":\"/dev/x\",\"hostPath\":\"/a\"}]",
		 "deviceNodes[0].hostPath: needs cdiVersion 0.5.0"),
	BAD_EDIT("0.3.0", MOUNT_WITH("\"type\":\"none\""), "mounts[0].type: needs cdiVersion 0.4.0"),
	{ "x.json", SPEC("0.5.0", "\"annotations\":{\"a\":\"b\"}," DEV(NODE)),
	  "x.json: annotations: needs cdiVersion 0.6.0" },
	BAD_EDIT("0.6.0", NODE ",\"additionalGids\":[1]", "additionalGids: needs cdiVersion 0.7.0"),
	BAD_EDIT("1.0.0", NODE ",\"intelRdt\":{\"enableMonitoring\":true}",
		 "intelRdt.enableMonitoring: needs cdiVersion 1.1.0"),
	BAD_EDIT("1.1.0", NODE ",\"intelRdt\":{\"enableCMT\":true}",
		 "intelRdt.enableCMT: unknown field in cdiVersion 1.1.0"),
	{ "x.json", SPEC("0.4.0", "\"devices\":[{\"name\":\"0\",\"containerEdits\":{" NODE "}}]"),
	  "x.json: devices[0].name: a name starting with a digit needs cdiVersion 0.5.0" },
	{ "x.json", "{\"cdiVersion\":\"0.5.0\",\"kind\":\"vendor.com/a.b\"," DEV(NODE) "}",
	  "x.json: kind: a '.' in the class needs cdiVersion 0.6.0" },
	/* unknown fields at every level */
	{ "x.json", SPEC("0.3.0", "\"extra\":1," DEV(NODE)), "x.json: extra: unknown field" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"d\",\"x\":{},\"containerEdits\":{"
			 NODE "}}]"), "x.json: devices[0].x: unknown field" },
	BAD_EDIT("0.3.0", NODE ",\"devices\":[]", "devices: unknown field"),
	BAD_NODE("0.3.0", "\"Type\":\"c\"", "Type: unknown field"),
	BAD_EDIT("0.3.0", MOUNT_WITH("\"readonly\":true"), "mounts[0].readonly: unknown field"),
	BAD_EDIT("0.3.0", NODE ",\"hooks\":[{\"hookName\":\"poststop\",\"path\":\"/x\",\"when\":1}]",
		 "hooks[0].when: unknown field"),
	{ "x.yaml", "cdiVersion: 0.3.0\nkind: vendor.com/class\ndevices:\n- name: d\n"
		    "  containerEdits:\n    deviceNodes:\n    - path: /dev/x\n      mode: 1\n",
	  "x.yaml: devices[0].containerEdits.deviceNodes[0].mode: unknown field" },
	{ "x.json", SPEC("0.3.0", "\"kind\":\"vendor.com/class\"," DEV(NODE)),
	  "x.json: kind: given twice" },
	/* kind */
	{ "x.json", "{\"cdiVersion\":\"0.3.0\"," DEV(NODE) "}", "x.json: kind: is required" },
	{ "x.json", "{\"cdiVersion\":\"0.3.0\",\"kind\":\"vendor.com\"," DEV(NODE) "}",
	  "x.json: kind: must be vendor.com/class" },
	{ "x.json", "{\"cdiVersion\":\"0.3.0\",\"kind\":\"vendor.com/a/b\"," DEV(NODE) "}",
	  "x.json: kind: must be vendor.com/class" },
	{ "x.json", "{\"cdiVersion\":\"0.3.0\",\"kind\":\"1vendor.com/a\"," DEV(NODE) "}",
	  "x.json: kind: must be vendor.com/class" },
	/* devices and names */
	{ "x.json", SPEC("0.3.0", "\"devices\":[]"), "x.json: devices: is required and must "
	  "list at least one device" },
	{ "x.json", SPEC("0.3.0", "\"containerEdits\":{" NODE "}"), "x.json: devices: is required" },
	{ "x.json", SPEC("0.3.0", "\"devices\":{}"), "x.json: devices: must be an array" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"containerEdits\":{" NODE "}}]"),
	  "x.json: devices[0].name: is required" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"\",\"containerEdits\":{" NODE "}}]"),
	  "x.json: devices[0].name: must not be empty" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"a b\",\"containerEdits\":{" NODE "}}]"),
	  "x.json: devices[0].name: must be letters, digits" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"a\",\"containerEdits\":{" NODE "}},"
			 "{\"name\":\"a\",\"containerEdits\":{" NODE "}}]"),
	  "x.json: devices[1].name: device a is given twice" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"a\"}]"),
	  "x.json: devices[0].containerEdits: is required and must hold at least one edit" },
	{ "x.json", SPEC("0.3.0", "\"devices\":[{\"name\":\"a\",\"containerEdits\":{\"env\":[]}}]"),
	  "x.json: devices[0].containerEdits: is required and must hold" },
	/* device nodes */
	BAD_EDIT("0.3.0", "\"deviceNodes\":[{\"type\":\"c\"}]", "deviceNodes[0].path: is required"),
	BAD_EDIT("0.3.0", "\"deviceNodes\":[{\"path\":\"dev/x\"}]",
		 "deviceNodes[0].path: must be an absolute path"),
	BAD_NODE("0.5.0", "\"hostPath\":\"loop0\"", "hostPath: must be an absolute path"),
	BAD_NODE("0.3.0", "\"type\":\"x\"", "type: must be one of b, c, u, p"),
	BAD_NODE("0.3.0", "\"type\":\"bc\"", "type: must be one of b, c, u, p"),
	BAD_NODE("0.3.0", "\"permissions\":\"rwx\"",
		 "permissions: must be letters of rwm, or none"),
	BAD_NODE("0.3.0", "\"major\":-1", "major: must be an integer from 0 to 4294967295"),
	BAD_NODE("0.3.0", "\"minor\":1.5", "minor: must be an integer from 0"),
	BAD_NODE("0.3.0", "\"uid\":\"0\"", "uid: must be an integer"),
	BAD_NODE("0.3.0", "\"gid\":4294967296", "gid: must be an integer from 0"),
	BAD_EDIT("0.3.0", "\"deviceNodes\":{}", "deviceNodes: must be an array"),
	BAD_EDIT("0.3.0", "\"deviceNodes\":[\"/dev/x\"]", "deviceNodes[0]: must be an object"),
	/* mounts */
	BAD_EDIT("0.3.0", "\"mounts\":[{\"containerPath\":\"/b\"}]",
		 "mounts[0].hostPath: is required"),
	BAD_EDIT("0.3.0", "\"mounts\":[{\"hostPath\":\"/a\"}]",
		 "mounts[0].containerPath: is required"),
	BAD_EDIT("0.3.0", "\"mounts\":[{\"hostPath\":\"/a\",\"containerPath\":\"b\"}]",
		 "mounts[0].containerPath: must be an absolute path"),
	BAD_EDIT("0.3.0", MOUNT_WITH("\"options\":[1]"), "mounts[0].options[0]: must be a string"),
	/* net devices */
	BAD_EDIT("1.1.0", "\"netDevices\":[{\"name\":\"eth1\"}]",
		 "netDevices[0].hostInterfaceName: is required"),
	BAD_EDIT("1.1.0", "\"netDevices\":[{\"hostInterfaceName\":\"v\"}]",
		 "netDevices[0].name: is required"),
	BAD_EDIT("1.1.0", "\"netDevices\":[{\"hostInterfaceName\":\"v\",\"name\":"
		 "\"eth1234567890123\"}]", "netDevices[0].name: must be an interface name"),
	BAD_EDIT("1.1.0", "\"netDevices\":[{\"hostInterfaceName\":\"a/b\",\"name\":\"e\"}]",
		 "netDevices[0].hostInterfaceName: must be an interface name"),
	BAD_EDIT("1.1.0", "\"netDevices\":[{\"hostInterfaceName\":\"a\",\"name\":\"e\"},"
		 "{\"hostInterfaceName\":\"b\",\"name\":\"e\"}]",
		 "netDevices[1]: name e is also netDevices[0]'s"),
	/* the edits that cannot apply live are still checked */
	BAD_EDIT("0.3.0", NODE ",\"env\":[\"=x\"]", "env[0]: must be NAME=VALUE"),
	BAD_EDIT("0.3.0", NODE ",\"hooks\":[{\"hookName\":\"later\",\"path\":\"/x\"}]",
		 "hooks[0].hookName: must be one of prestart"),
	BAD_EDIT("0.7.0", NODE ",\"additionalGids\":[-1]", "additionalGids[0]: must be an integer"),
	BAD_EDIT("0.7.0", NODE ",\"intelRdt\":{\"closID\":1}", "intelRdt.closID: must be a string"),
	/* the top-level edits too */
	{ "x.json", SPEC("0.3.0", "\"containerEdits\":{\"deviceNodes\":[{\"path\":\"x\"}]},"
			 DEV(NODE)), "x.json: containerEdits.deviceNodes[0].path: must be an "
	  "absolute path" },
	/* a key from the input is printed on one line */
	{ "x.json", SPEC("0.3.0", "\"a\\nb\":1," DEV(NODE)), "x.json: a?b: unknown field" },
};

static void bad_specs(void **state)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct cdi_spec s;
		struct err e = { 0 };

		unit_case("#%zu %s %s", i, bads[i].file, bads[i].text);
		assert_int_equal(cdi_spec_parse(bads[i].file, bads[i].text, strlen(bads[i].text),
						&s, &e), -1);
		assert_err(e, EINVAL, bads[i].needle);
		assert_int_equal(strncmp(e.msg, bads[i].file, strlen(bads[i].file)), 0);
		assert_null(s.devices);
		assert_null(s.kind);
	}
	unit_case_done();
}

/* How YAML scalars become JSON values. */
static void yaml_scalars(void **state)
{
	static const char text[] =
		"a: 0644\nb: 0o17\nc: 0x1F\nd: -12\ne: 1.5\nf: yes\ng: Off\nh: ~\ni:\n"
		"j: '0644'\nk: !!str 12\nl: text\nm: 1e3\nn: 08\no: +7\n";
	cJSON *doc, *it;
	struct err e = { 0 };

	if (cdi_yaml_parse(text, strlen(text), &doc, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(cJSON_GetObjectItem(doc, "a")->valuedouble, 0644);
	/* a field that wants a string reads the text as written */
	assert_string_equal(cdi_string_of(cJSON_GetObjectItem(doc, "a")), "0644");
	assert_int_equal(cJSON_GetObjectItem(doc, "b")->valuedouble, 017);
	assert_int_equal(cJSON_GetObjectItem(doc, "c")->valuedouble, 31);
	assert_int_equal(cJSON_GetObjectItem(doc, "d")->valuedouble, -12);
	assert_true(cJSON_GetObjectItem(doc, "e")->valuedouble == 1.5);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "f")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(doc, "g")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "h")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "i")));
	assert_string_equal(cJSON_GetObjectItem(doc, "j")->valuestring, "0644");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(doc, "k")));
	assert_string_equal(cJSON_GetObjectItem(doc, "l")->valuestring, "text");
	assert_int_equal(cJSON_GetObjectItem(doc, "m")->valuedouble, 1000);
	/* not octal: a string, as YAML 1.1 has it */
	it = cJSON_GetObjectItem(doc, "n");
	assert_true(cJSON_IsString(it) || cJSON_IsNumber(it));
	assert_string_equal(cdi_string_of(it), "08");
	assert_int_equal(cJSON_GetObjectItem(doc, "o")->valuedouble, 7);
	cJSON_Delete(doc);
}

/* Aliases cannot make a small file a huge tree, nor a deep one. */
static void yaml_limits(void **state)
{
	char *text = malloc(64 * 1024), *p = text;
	cJSON *doc = NULL;
	struct err e = { 0 };

	assert_non_null(text);
	p += sprintf(p, "a0: &a0 [x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		p += sprintf(p, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
			     i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	assert_int_equal(cdi_yaml_parse(text, strlen(text), &doc, &e), -1);
	assert_err(e, EINVAL, "aliases make more than 262144 nodes");
	assert_null(doc);
	p = text;
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "[");
	p += sprintf(p, "&d [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	p += sprintf(p, ", *d");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "]");
	assert_int_equal(cdi_yaml_parse(text, strlen(text), &doc, &e), -1);
	assert_err(e, EINVAL, "nested deeper than 64 levels");
	p = text;
	for (int i = 0; i < 65; i++)
		p += sprintf(p, "- ");
	sprintf(p, "x\n");
	assert_int_equal(cdi_yaml_parse(text, strlen(text), &doc, &e), -1);
	assert_err(e, EINVAL, "nested deeper than 64 levels");
	assert_int_equal(cdi_yaml_parse("a: \"\\0\"\n", 8, &doc, &e), -1);
	assert_err(e, EINVAL, "NUL");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(good_specs),
		UNIT_TEST(full_spec_json_and_yaml),
		UNIT_TEST(bad_specs),
		UNIT_TEST(yaml_scalars),
		UNIT_TEST(yaml_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
