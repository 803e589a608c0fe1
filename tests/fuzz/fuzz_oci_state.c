/* libFuzzer target: the OCI state a runtime writes on the hook's stdin. */
#include <stddef.h>
#include <stdint.h>

#include "oci_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state st;
	struct err e = { 0 };

	if (oci_state_parse((const char *)data, size, &st, &e) == 0)
		oci_state_free(&st);
	return 0;
}
