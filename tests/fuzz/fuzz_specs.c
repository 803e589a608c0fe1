/* libFuzzer target: every spec string of the command line. The first byte
 * picks the parser, the rest is the string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "net_spec.h"
#include "qos.h"
#include "spec_parse.h"
#include "udev_rules.h"
#include "cgroup.h"
#include "device.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { 0 };
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 12) {
	case 0: {
		struct device_spec d;

		if (parse_device_spec(s, data[0] & 0x10 ? SPEC_DEVICE_REMOVE : SPEC_DEVICE_ADD, &d, &e) == 0)
			device_spec_free(&d);
		break;
	}
	case 1: {
		struct path_spec p;

		if (parse_path_spec(s, &p, &e) == 0) {
			free(path_spec_format(&p));
			path_spec_free(&p);
		}
		break;
	}
	case 2: {
		struct qos_spec q;

		if (parse_qos(s, (enum qos_kind)((data[0] >> 4) % QOS_KINDS), &q, &e) == 0)
			qos_spec_free(&q);
		break;
	}
	case 3: {
		char host[IFNAMSIZ], ctr[IFNAMSIZ];

		parse_nic_name(s, host, ctr, &e);
		break;
	}
	case 4: {
		struct ip_addr a;
		char buf[80];

		if (parse_cidr(s, &a, &e) == 0 || parse_ip(s, &a, &e) == 0)
			ip_addr_format(&a, buf, sizeof(buf));
		break;
	}
	case 5: {
		unsigned char mac[6];
		int v;

		parse_mac(s, mac, &e);
		parse_mtu(s, &v, &e);
		parse_qlen(s, &v, &e);
		break;
	}
	case 6: {
		struct route_spec *r;
		size_t n;

		if (parse_routes_json(s, data[0] & 0x10, &r, &n, &e) == 0)
			free(r);
		break;
	}
	case 7: {
		char **names;
		size_t n;

		if (modules_allow_parse(s, &names, &n, &e) == 0)
			str_list_free(names, n);
		break;
	}
	case 8: {
		char *env[] = { s };
		char **names;
		size_t n;

		if (modules_from_env(env, 1, &names, &n, &e) == 0)
			str_list_free(names, n);
		break;
	}
	case 9: {
		struct udev_rule *r;
		size_t n;

		if (udev_rules_parse(s, &r, &n, &e) == 0)
			free(r);
		break;
	}
	case 10: {
		char *path = NULL, *mnt = NULL, *root = NULL;

		if (cgroup_proc_path(s, "devices", &path, &e) == 0)
			free(path);
		if (cgroup_mount_of(s, "blkio", &mnt, &root, &e) == 0) {
			free(mnt);
			free(root);
		}
		break;
	}
	case 11: {
		char *lines[] = { s };

		cgroup_list_access(lines, 1, 'b', 8, 0);
		free(path_clean(s[0] == '/' ? s : "/"));
		break;
	}
	}
	free(s);
	return 0;
}
