#include "oci_state.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_id.h"
#include "json.h"
#include "util.h"

int oci_state_parse(const char *json, size_t len, struct oci_state *st, struct err *e)
{
	_cleanup_cjson_ cJSON *doc = NULL;
	const cJSON *id, *pid, *bundle, *root, *status;

	memset(st, 0, sizeof(*st));
	if (json_parse(json, len, &doc, e) < 0)
		return err_wrap(e, "malformed OCI state");
	if (!cJSON_IsObject(doc))
		return err_set(e, EINVAL, "malformed OCI state: not a JSON object");

	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (!cJSON_IsString(id))
		return err_set(e, EINVAL, "malformed OCI state: no string \"id\"");
	if (container_id_check_oci(id->valuestring, e) < 0)
		return err_wrap(e, "OCI state");

	bundle = cJSON_GetObjectItemCaseSensitive(doc, "bundle");
	if (!bundle)    /* older iSulad */
		bundle = cJSON_GetObjectItemCaseSensitive(doc, "bundlePath");
	if (!cJSON_IsString(bundle) || bundle->valuestring[0] != '/')
		return err_set(e, EINVAL, "malformed OCI state: no absolute \"bundle\" path");

	/* -1 is lcr's "no pid" (openEuler lxc at poststop) */
	pid = cJSON_GetObjectItemCaseSensitive(doc, "pid");
	if (pid && !cJSON_IsNull(pid)) {
		if (!cJSON_IsNumber(pid) || pid->valuedouble < -1 ||
		    pid->valuedouble > PID_MAX || pid->valuedouble != (int)pid->valuedouble)
			return err_set(e, EINVAL, "malformed OCI state: \"pid\" is not a valid pid");
		st->pid = pid->valuedouble > 0 ? (int)pid->valuedouble : 0;
	}

	root = cJSON_GetObjectItemCaseSensitive(doc, "root");
	if (root && !cJSON_IsNull(root)) {
		if (!cJSON_IsString(root) || !root->valuestring[0])
			return err_set(e, EINVAL, "malformed OCI state: \"root\" is not a path");
		st->root = xstrdup(root->valuestring);
	}
	status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (cJSON_IsString(status))
		st->status = xstrdup(status->valuestring);

	st->id = xstrdup(id->valuestring);
	st->bundle = xstrdup(bundle->valuestring);
	return 0;
}

int oci_state_pid_from_env(struct oci_state *st, const char *lxc_pid, struct err *e)
{
	char *end;
	long v;

	if (st->pid > 0 || !lxc_pid)
		return 0;
	errno = 0;
	v = strtol(lxc_pid, &end, 10);
	if (errno || end == lxc_pid || *end || lxc_pid[0] < '0' || lxc_pid[0] > '9' || v > PID_MAX)
		return err_set(e, EINVAL, "malformed LXC_PID '%.32s': not a pid", lxc_pid);
	/* 0: lxc's value after a failed start; the pid stays unknown */
	st->pid = (int)v;
	return 0;
}

void oci_state_free(struct oci_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->root);
	free(st->status);
	memset(st, 0, sizeof(*st));
}
