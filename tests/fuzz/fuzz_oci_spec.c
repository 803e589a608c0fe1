/* libFuzzer target: a bundle's config.json, and the rootfs path from it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "oci_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state st = { .id = "c1", .bundle = "/b" };
	struct oci_spec sp;
	struct err e = { 0 };

	if (oci_spec_parse((const char *)data, size, &sp, &e) == 0) {
		uint32_t out;

		free(oci_rootfs_path(&st, &sp));
		idmap_to_host(sp.uid_maps, sp.n_uid_maps, 0, &out);
		idmap_to_host(sp.gid_maps, sp.n_gid_maps, 4294967295u, &out);
		oci_spec_free(&sp);
	}
	return 0;
}
