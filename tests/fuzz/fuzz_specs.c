/* libFuzzer target: every spec string of the command line. The first byte
 * picks the parser (and a flag for some), the rest is the string. Where a
 * writer exists the text makes a round trip: parse, write, parse again,
 * and the result is equal (paths, addresses, routes, udev rules; path
 * cleaning is idempotent). Device, QoS, nic-name, MAC/MTU/qlen, module
 * list and cgroup texts have no writer: only the sanitizers watch them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "device.h"
#include "fuzz.h"
#include "json.h"
#include "modules.h"
#include "net_spec.h"
#include "qos.h"
#include "spec_parse.h"
#include "store_net.h"
#include "udev_rules.h"
#include "util.h"

static void device(const char *s, int flag)
{
	struct device_spec d;
	struct err e = { 0 };

	if (parse_device_spec(s, flag & 1 ? SPEC_DEVICE_REMOVE : SPEC_DEVICE_ADD, &d, &e) == 0)
		device_spec_free(&d);
}

static void path(const char *s, int flag)
{
	struct path_spec a, b;
	struct err e = { 0 };
	char *t1, *t2;

	(void)flag;
	if (parse_path_spec(s, &a, &e) < 0)
		return;
	t1 = path_spec_format(&a);
	FUZZ_CHECK(parse_path_spec(t1, &b, &e) == 0);
	FUZZ_CHECK(fuzz_same(a.host, b.host) && fuzz_same(a.ctr, b.ctr) &&
		   fuzz_same(a.options, b.options) && a.ro == b.ro);
	t2 = path_spec_format(&b);
	FUZZ_CHECK(strcmp(t1, t2) == 0);
	free(t1);
	free(t2);
	path_spec_free(&a);
	path_spec_free(&b);
}

static void qos(const char *s, int flag)
{
	struct qos_spec q;
	struct err e = { 0 };

	if (parse_qos(s, (enum qos_kind)(flag % QOS_KINDS), &q, &e) == 0)
		qos_spec_free(&q);
}

static void nic_name(const char *s, int flag)
{
	char host[IFNAMSIZ], ctr[IFNAMSIZ];
	struct err e = { 0 };

	(void)flag;
	parse_nic_name(s, host, ctr, &e);
}

/* With a prefix, else a bare address. */
static void address(const char *s, int flag)
{
	int (*parse)(const char *, struct ip_addr *, struct err *) = parse_cidr;
	struct ip_addr a = { 0 }, b = { 0 };
	struct err e = { 0 };
	char buf[80];

	(void)flag;
	if (parse(s, &a, &e) < 0) {
		parse = parse_ip;
		if (parse(s, &a, &e) < 0)
			return;
	}
	ip_addr_format(&a, buf, sizeof(buf));
	FUZZ_CHECK(parse(buf, &b, &e) == 0);
	FUZZ_CHECK(a.family == b.family && a.prefix == b.prefix &&
		   memcmp(a.bytes, b.bytes, a.family == AF_INET ? 4 : 16) == 0);
}

static void link_numbers(const char *s, int flag)
{
	unsigned char mac[6];
	struct err e = { 0 };
	int v;

	(void)flag;
	parse_mac(s, mac, &e);
	parse_mtu(s, &v, &e);
	parse_qlen(s, &v, &e);
}

static void routes(const char *s, int flag)
{
	struct route_spec *a, *b;
	struct err e = { 0 };
	size_t na, nb;
	const cJSON *arr;
	cJSON *doc;
	char *text;

	if (parse_routes_json(s, flag & 1, &a, &na, &e) < 0)
		return;
	/* written as hook.json keeps them */
	doc = cJSON_CreateObject();
	for (size_t i = 0; i < na; i++)
		store_add_route(doc, &a[i]);
	arr = store_routes_json(doc);
	text = arr ? cJSON_PrintUnformatted(arr) : xstrdup("[]");
	cJSON_Delete(doc);
	FUZZ_CHECK(parse_routes_json(text, flag & 1, &b, &nb, &e) == 0);
	FUZZ_CHECK(na == nb && memcmp(a, b, na * sizeof(*a)) == 0);
	free(text);
	free(a);
	free(b);
}

static void module_allow(const char *s, int flag)
{
	char **names;
	struct err e = { 0 };
	size_t n;

	(void)flag;
	if (modules_allow_parse(s, &names, &n, &e) == 0)
		str_list_free(names, n);
}

static void module_env(const char *s, int flag)
{
	char *env[] = { (char *)s };
	char **names;
	struct err e = { 0 };
	size_t n;

	(void)flag;
	if (modules_from_env(env, 1, &names, &n, &e) == 0)
		str_list_free(names, n);
}

static void udev_rules(const char *s, int flag)
{
	struct udev_rule *a, *b;
	struct err e = { 0 };
	size_t na, nb;
	char *text = xstrdup("");

	(void)flag;
	if (udev_rules_parse(s, &a, &na, &e) < 0) {
		free(text);
		return;
	}
	for (size_t i = 0; i < na; i++) {
		char *line = udev_rule_format(&a[i]), *more = xasprintf("%s%s", text, line);

		free(line);
		free(text);
		text = more;
	}
	FUZZ_CHECK(udev_rules_parse(text, &b, &nb, &e) == 0);
	FUZZ_CHECK(na == nb);
	for (size_t i = 0; i < na; i++)
		FUZZ_CHECK(!strcmp(a[i].id, b[i].id) && !strcmp(a[i].disk, b[i].disk) &&
			   !strcmp(a[i].ctr_disk, b[i].ctr_disk) && !strcmp(a[i].root, b[i].root) &&
			   !strcmp(a[i].rundir, b[i].rundir) && !strcmp(a[i].log, b[i].log) &&
			   !strcmp(a[i].tool, b[i].tool));
	free(text);
	free(a);
	free(b);
}

static void cgroup_text(const char *s, int flag)
{
	char *path = NULL, *mnt = NULL, *root = NULL;
	struct err e = { 0 };

	(void)flag;
	if (cgroup_proc_path(s, "devices", &path, &e) == 0)
		free(path);
	if (cgroup_mount_of(s, "blkio", &mnt, &root, &e) == 0) {
		free(mnt);
		free(root);
	}
}

/* A devices.list line; cleaning a clean path changes nothing. */
static void list_and_clean(const char *s, int flag)
{
	char *once, *twice, *lines[] = { (char *)s };

	(void)flag;
	cgroup_list_access(lines, 1, 'b', 8, 0);
	once = path_clean(s[0] == '/' ? s : "/");
	twice = path_clean(once);
	FUZZ_CHECK(strcmp(once, twice) == 0);
	free(once);
	free(twice);
}

/* Indexed by the first byte modulo 12 (the seed corpus starts so); the
 * flag is that byte's high half. */
static void (*const targets[12])(const char *s, int flag) = {
	device, path, qos, nic_name, address, link_numbers, routes, module_allow, module_env,
	udev_rules, cgroup_text, list_and_clean,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	targets[data[0] % 12](s, data[0] >> 4);
	free(s);
	return 0;
}
