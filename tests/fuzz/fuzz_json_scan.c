/* libFuzzer target: the strict reading that syscontainer-runtime merges
 * our hooks with (lib/json_scan.c). What it accepts, cJSON accepts; the
 * member it finds is a whole value; each member and string of it can be
 * walked and decoded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "json_scan.h"

static int walk(struct json_span name, struct json_span v, void *arg)
{
	free(name.p ? json_span_string(name) : NULL);
	free(json_span_string(v));
	if (v.p[0] == '{' || v.p[0] == '[')
		json_span_each(v, walk, arg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct json_member m;
	enum json_scan_fault fault;
	struct err e = { 0 };
	cJSON *doc = NULL, *member = NULL;

	if (json_scan_member(text, size, "hooks", &m, &fault) < 0) {
		json_scan_error(&e, fault, &m, size, "hooks");
		return 0;
	}
	/* accepted here, so by cJSON; the member is one value, the same */
	FUZZ_CHECK(json_parse(text, size, &doc, &e) == 0);
	FUZZ_CHECK(!m.found || json_parse(text + m.start, m.end - m.start, &member, &e) == 0);
	FUZZ_CHECK(m.found == (cJSON_GetObjectItemCaseSensitive(doc, "hooks") != NULL));
	json_span_each((struct json_span){ text + m.open, m.close + 1 - m.open }, walk, NULL);
	cJSON_Delete(member);
	cJSON_Delete(doc);
	return 0;
}
