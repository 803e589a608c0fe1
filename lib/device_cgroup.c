#include "device_cgroup.h"

#include <string.h>

#include "ebpf.h"
#include "util.h"

int devices_v2_set(const char *dir, const struct saved_device *d, size_t n, const bool *present,
		   struct err *e)
{
	_cleanup_free_ struct dev_rule *rules = xcalloc(n ? n : 1, sizeof(*rules));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (present && !present[i])
			continue;
		rules[k].type = d[i].type;
		rules[k].major = d[i].major;
		rules[k].minor = d[i].minor;
		strcpy(rules[k].perms, d[i].perms);
		rules[k].allow = true;
		k++;
	}
	return ebpf_set_allowed(dir, rules, k, e);
}
