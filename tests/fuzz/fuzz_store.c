/* libFuzzer target: hook.json as loaded from disk, and everything read
 * out of it (devices, paths, nics, routes, QoS), and the runtime record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "record.h"
#include "store.h"
#include "store_net.h"
#include "store_qos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store s = { .lock_fd = -1 };
	struct err e = { 0 };
	struct record r;

	if (record_parse((const char *)data, size, &r, &e) == 0)
		record_free(&r);
	if (json_parse((const char *)data, size, &s.doc, &e) < 0)
		return 0;
	if (store_validate(s.doc, &e) == 0) {
		struct saved_device *d;
		struct path_spec *p;
		struct nic_spec *n;
		struct route_spec *rt;
		struct saved_qos *q;
		size_t nd, np, nn, nr, nq;

		if (store_devices(&s, &d, &nd, &e) == 0)
			saved_devices_free(d, nd);
		if (store_binds(&s, &p, &np, &e) == 0)
			path_specs_free(p, np);
		if (store_nics(s.doc, &n, &nn, &e) == 0)
			free(n);
		if (store_routes(s.doc, &rt, &nr, &e) == 0)
			free(rt);
		if (store_qos(s.doc, QOS_READ_BPS, &q, &nq, &e) == 0)
			free(q);
	}
	cJSON_Delete(s.doc);
	return 0;
}
