#include "store_qos.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

static const char *const keys[QOS_KINDS] = {
	"readBps", "writeBps", "readIops", "writeIops", "blkioWeight",
};

const char *store_qos_key(enum qos_kind k)
{
	return keys[k];
}

static int entry(const cJSON *o, void *out, void *arg, struct err *e)
{
	struct saved_qos *q = out;
	const cJSON *maj = cJSON_GetObjectItemCaseSensitive(o, "major");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(o, "minor");
	const char *path, *value;
	char *end;

	(void)arg;
	if (!cJSON_IsObject(o))
		return err_set(e, EINVAL, "not an object");
	if (json_opt_string(o, "path", &path, e) < 0 || json_opt_string(o, "value", &value, e) < 0)
		return -1;
	if (!cJSON_IsNumber(maj) || maj->valuedouble < 0 || maj->valuedouble > 0xfffff ||
	    maj->valuedouble != (int)maj->valuedouble || !cJSON_IsNumber(min) ||
	    min->valuedouble < 0 || min->valuedouble > 0xfffff ||
	    min->valuedouble != (int)min->valuedouble)
		return err_set(e, EINVAL, "major/minor missing or out of range");
	if (!path || path[0] != '/' || strlen(path) >= sizeof(q->path))
		return err_set(e, EINVAL, "path is not an absolute path");
	if (!value || !*value || value[0] == '-' || value[0] == '+')
		return err_set(e, EINVAL, "value is not a decimal string");
	errno = 0;
	q->value = strtoull(value, &end, 10);
	if (errno || *end)
		return err_set(e, EINVAL, "value '%.32s' is not a decimal number", value);
	q->major = (int64_t)maj->valuedouble;
	q->minor = (int64_t)min->valuedouble;
	strcpy(q->path, path);
	return 0;
}

int store_qos(const cJSON *doc, enum qos_kind k, struct saved_qos **out, size_t *n,
	      struct err *e)
{
	const struct json_array_reader r = { .what = store_qos_key(k), .size = sizeof(**out),
					     .elem = entry };

	return json_array_read(cJSON_GetObjectItemCaseSensitive(doc, r.what), &r, out, n, e);
}

int store_qos_validate(const cJSON *doc, struct err *e)
{
	for (int k = 0; k < QOS_KINDS; k++) {
		struct saved_qos *q;
		size_t n;

		if (store_qos(doc, (enum qos_kind)k, &q, &n, e) < 0)
			return -1;
		free(q);
	}
	return 0;
}

static bool same(const cJSON *o, int64_t major, int64_t minor)
{
	const cJSON *maj = cJSON_GetObjectItemCaseSensitive(o, "major");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(o, "minor");

	return cJSON_IsNumber(maj) && cJSON_IsNumber(min) && maj->valuedouble == (double)major &&
	       min->valuedouble == (double)minor;
}

void store_qos_set(cJSON *doc, enum qos_kind k, const char *path, int64_t major,
		   int64_t minor, uint64_t value)
{
	const char *key = store_qos_key(k);
	cJSON *arr = json_array_member(doc, key), *o;
	char text[24];
	int i = 0;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "major", (double)major);
	cJSON_AddNumberToObject(o, "minor", (double)minor);
	cJSON_AddStringToObject(o, "path", path);
	snprintf(text, sizeof(text), "%" PRIu64, value);
	cJSON_AddStringToObject(o, "value", text);
	for (cJSON *it = arr->child; it; it = it->next, i++)
		if (same(it, major, minor)) {
			cJSON_ReplaceItemInArray(arr, i, o);
			return;
		}
	cJSON_AddItemToArray(arr, o);
}

int store_qos_remove(cJSON *doc, enum qos_kind k, int64_t major, int64_t minor)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, store_qos_key(k));
	int removed = 0;

	if (!cJSON_IsArray(arr))
		return 0;
	for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--)
		if (same(cJSON_GetArrayItem(arr, i), major, minor)) {
			cJSON_DeleteItemFromArray(arr, i);
			removed++;
		}
	return removed;
}
