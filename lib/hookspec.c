#include "hookspec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

static const char *const hook_points[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

char *hookspec_hook_beside_self(const char *fallback)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0)
		return xstrdup(fallback);
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash + 1, "syscontainer-hooks");
	return xstrdup(path);
}

/* Our default hook-spec: prestart and poststop, the hook at @hook. */
static cJSON *default_spec(const char *hook)
{
	const char *const points[] = { "prestart", "poststop" };
	cJSON *spec = cJSON_CreateObject();

	for (size_t i = 0; i < ARRAY_SIZE(points); i++) {
		cJSON *arr = cJSON_AddArrayToObject(spec, points[i]);
		cJSON *h = cJSON_CreateObject();
		cJSON *args = cJSON_AddArrayToObject(h, "args");

		cJSON_AddStringToObject(h, "path", hook);
		cJSON_AddItemToArray(args, cJSON_CreateString("syscontainer-hooks"));
		cJSON_AddItemToArray(args, cJSON_CreateString("--state"));
		cJSON_AddItemToArray(args, cJSON_CreateString(points[i]));
		cJSON_AddItemToArray(arr, h);
	}
	return spec;
}

static int check_strings(const cJSON *h, const char *key, struct err *e)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(h, key), *it;

	if (!arr)
		return 0;
	if (!cJSON_IsArray(arr))
		return err_set(e, EINVAL, "\"%s\" is not an array", key);
	cJSON_ArrayForEach(it, arr)
		if (!cJSON_IsString(it))
			return err_set(e, EINVAL, "\"%s\" holds a non-string", key);
	return 0;
}

/* A hook entry of the OCI runtime spec: absolute path, string args/env. */
static int check_hook(const cJSON *h, struct err *e)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(h, "path");
	const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(h, "timeout");

	if (!cJSON_IsObject(h))
		return err_set(e, EINVAL, "a hook is not an object");
	if (!cJSON_IsString(path) || path->valuestring[0] != '/')
		return err_set(e, EINVAL, "a hook has no absolute \"path\"");
	if (timeout && (!cJSON_IsNumber(timeout) || timeout->valuedouble <= 0))
		return err_set(e, EINVAL, "hook %s: \"timeout\" is not a positive number",
			       path->valuestring);
	if (check_strings(h, "args", e) < 0 || check_strings(h, "env", e) < 0)
		return err_wrap(e, "hook %s", path->valuestring);
	return 0;
}

static int check_spec(const cJSON *spec, struct err *e)
{
	const cJSON *it;

	if (!cJSON_IsObject(spec))
		return err_set(e, EINVAL, "not a JSON object");
	cJSON_ArrayForEach(it, spec) {
		const cJSON *h;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(hook_points); i++)
			if (!strcmp(it->string, hook_points[i]))
				break;
		if (i == ARRAY_SIZE(hook_points))
			return err_set(e, EINVAL, "unknown hook point \"%.40s\"", it->string);
		if (!cJSON_IsArray(it) && !cJSON_IsNull(it))
			return err_set(e, EINVAL, "\"%s\" is not an array", it->string);
		cJSON_ArrayForEach(h, it)
			if (check_hook(h, e) < 0)
				return err_wrap(e, "%s", it->string);
	}
	return 0;
}

/* The bundle's own hooks are the user's: one we cannot read is refused,
 * never replaced. */
static int check_config_hooks(const cJSON *config, const char *path, struct err *e)
{
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(config, "hooks"), *it;

	if (!hooks || cJSON_IsNull(hooks))
		return 0;
	if (!cJSON_IsObject(hooks))
		return err_set(e, EINVAL, "%s: \"hooks\" is not an object; left as it is", path);
	cJSON_ArrayForEach(it, hooks)
		if (!cJSON_IsArray(it) && !cJSON_IsNull(it))
			return err_set(e, EINVAL, "%s: \"hooks.%.40s\" is not an array; left as it is",
				       path, it->string);
	return 0;
}

static bool names_root(const cJSON *args)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, args)
		if (!strcmp(a->valuestring, "--root") || str_has_prefix(a->valuestring, "--root="))
			return true;
	return false;
}

/* Our hook must use the store the caller names: add it to each entry of
 * syscontainer-hooks that does not name one. */
static void add_root(cJSON *spec, const char *root)
{
	cJSON *point, *h;

	cJSON_ArrayForEach(point, spec) cJSON_ArrayForEach(h, point) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(h, "path");
		cJSON *args = cJSON_GetObjectItemCaseSensitive(h, "args");
		const char *slash = strrchr(path->valuestring, '/');

		if (strcmp(slash + 1, "syscontainer-hooks") != 0)
			continue;
		if (!args) {
			args = cJSON_AddArrayToObject(h, "args");
			cJSON_AddItemToArray(args, cJSON_CreateString(path->valuestring));
		}
		if (names_root(args))
			continue;
		cJSON_AddItemToArray(args, cJSON_CreateString("--root"));
		cJSON_AddItemToArray(args, cJSON_CreateString(root));
	}
}

static bool listed(const cJSON *list, const cJSON *h)
{
	const cJSON *have;

	cJSON_ArrayForEach(have, list)
		if (cJSON_Compare(have, h, true))
			return true;
	return false;
}

/* Merge @spec into @config; returns how many hooks were added. */
static int merge(cJSON *config, const cJSON *spec)
{
	cJSON *hooks = cJSON_GetObjectItemCaseSensitive(config, "hooks");
	const cJSON *point;
	int added = 0;

	if (!cJSON_IsObject(hooks)) {
		cJSON_DeleteItemFromObjectCaseSensitive(config, "hooks");   /* absent or null */
		hooks = cJSON_AddObjectToObject(config, "hooks");
	}
	cJSON_ArrayForEach(point, spec) {
		cJSON *list = cJSON_GetObjectItemCaseSensitive(hooks, point->string);
		const cJSON *h;

		cJSON_ArrayForEach(h, point) {
			if (listed(list, h))
				continue;
			if (!cJSON_IsArray(list)) {
				cJSON_DeleteItemFromObjectCaseSensitive(hooks, point->string);
				list = cJSON_AddArrayToObject(hooks, point->string);
			}
			cJSON_AddItemToArray(list, cJSON_Duplicate(h, true));
			added++;
		}
	}
	return added;
}

static int load_json(const char *path, cJSON **out, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &buf, &len, e) < 0)
		return -1;
	if (json_parse(buf, len, out, e) < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

int hookspec_load(const char *file, const char *hook_path, const char *root, cJSON **out,
		  struct err *e)
{
	_cleanup_cjson_ cJSON *spec = NULL;

	if (file ? load_json(file, &spec, e) < 0 : !(spec = default_spec(hook_path)))
		return -1;
	if (check_spec(spec, e) < 0)
		return err_wrap(e, "hook-spec %s", file ? file : "(built in)");
	if (root)
		add_root(spec, root);
	*out = steal_ptr(&spec);
	return 0;
}

static int write_config(const char *path, const cJSON *config, size_t size_hint, unsigned mode,
			int how, struct err *e)
{
	bool runtime = how == HOOKSPEC_FOR_RUNTIME;
	/* one buffer of about the right size: no growing copies of a file
	 * that holds a whole seccomp profile */
	_cleanup_cjson_text_ char *text = cJSON_PrintBuffered(config, (int)size_hint + 4096, !runtime);
	_cleanup_free_ char *line = NULL;

	if (!text)
		return err_set(e, ENOMEM, "%s: cannot print it", path);
	if (runtime)
		return write_file_atomic(path, text, strlen(text), mode, WRITE_VOLATILE, e);
	line = xasprintf("%s\n", text);
	return write_file_atomic(path, line, strlen(line), mode, WRITE_DURABLE, e);
}

int hookspec_inject(const char *bundle, const cJSON *spec, int how, int *added, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_cjson_ cJSON *config = NULL;
	struct stat st;

	*added = 0;
	if (load_json(path, &config, e) < 0)
		return -1;
	if (stat(path, &st) < 0)
		return err_sys(e, errno, "stat %s", path);
	if (!cJSON_IsObject(config))
		return err_set(e, EINVAL, "%s is not a JSON object", path);
	if (check_config_hooks(config, path, e) < 0)
		return -1;
	*added = merge(config, spec);
	if (*added && write_config(path, config, (size_t)st.st_size, st.st_mode & 07777, how, e) < 0)
		return -1;
	return 0;
}
