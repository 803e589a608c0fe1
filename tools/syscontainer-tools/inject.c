/* inject: put our hook entries into a bundle's config.json, the way iSulad
 * merges a --hook-spec file, so plain runc/crun/containerd users can adopt
 * the hook. The runtime's own hooks stay, in their order; ours are added
 * after them; running it twice adds nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "log.h"
#include "util.h"

static const char *const hook_points[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* Our default hook-spec: prestart and poststop, the hook beside this CLI. */
static cJSON *default_spec(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	const char *const points[] = { "prestart", "poststop" };
	cJSON *spec = cJSON_CreateObject();
	char *slash;

	if (n <= 0)
		strcpy(path, "/usr/local/bin/syscontainer-tools");
	else
		path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash + 1, "syscontainer-hooks");
	for (size_t i = 0; i < ARRAY_SIZE(points); i++) {
		cJSON *arr = cJSON_AddArrayToObject(spec, points[i]);
		cJSON *h = cJSON_CreateObject();
		cJSON *args = cJSON_AddArrayToObject(h, "args");

		cJSON_AddStringToObject(h, "path", path);
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

/* With the global --root, our hook must use that store too: add it to
 * each entry of syscontainer-hooks that does not name one. */
static void add_root(cJSON *spec, const char *root)
{
	cJSON *point, *h;

	cJSON_ArrayForEach(point, spec) cJSON_ArrayForEach(h, point) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(h, "path");
		cJSON *args = cJSON_GetObjectItemCaseSensitive(h, "args"), *a;
		const char *slash = strrchr(path->valuestring, '/');
		bool has_root = false;

		if (strcmp(slash + 1, "syscontainer-hooks") != 0)
			continue;
		if (!args) {
			args = cJSON_AddArrayToObject(h, "args");
			cJSON_AddItemToArray(args, cJSON_CreateString(path->valuestring));
		}
		cJSON_ArrayForEach(a, args)
			has_root = has_root || !strcmp(a->valuestring, "--root") ||
				   str_has_prefix(a->valuestring, "--root=");
		if (has_root)
			continue;
		cJSON_AddItemToArray(args, cJSON_CreateString("--root"));
		cJSON_AddItemToArray(args, cJSON_CreateString(root));
	}
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
			const cJSON *have;
			bool present = false;

			cJSON_ArrayForEach(have, list)
				present = present || cJSON_Compare(have, h, true);
			if (present)
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

static int inject(const char *bundle, const char *spec_file, const char *root, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_cjson_ cJSON *config = NULL;
	_cleanup_cjson_ cJSON *spec = NULL;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	int added;

	if (spec_file ? load_json(spec_file, &spec, e) < 0 : !(spec = default_spec()))
		return -1;
	if (check_spec(spec, e) < 0)
		return err_wrap(e, "hook-spec %s", spec_file ? spec_file : "(built in)");
	if (root)
		add_root(spec, root);
	if (load_json(path, &config, e) < 0 || stat(path, &st) < 0)
		return e->msg[0] ? -1 : err_sys(e, errno, "stat %s", path);
	if (!cJSON_IsObject(config))
		return err_set(e, EINVAL, "%s is not a JSON object", path);
	if (check_config_hooks(config, path, e) < 0)
		return -1;
	added = merge(config, spec);
	if (added) {
		text = cJSON_Print(config);
		char *line = xasprintf("%s\n", text);
		int r = write_file_atomic(path, line, strlen(line), st.st_mode & 07777, WRITE_DURABLE, e);

		free(line);
		if (r < 0)
			return -1;
	}
	cli_printf("%d hook(s) added to %s\n", added, path);
	log_info("inject: %d hook(s) added to %s", added, path);
	return 0;
}

enum { F_BUNDLE = 256, F_HOOKSPEC };

static char *absolute(const char *path)
{
	_cleanup_free_ char *cwd = NULL;

	if (path[0] == '/' || !(cwd = get_current_dir_name()))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static int run_inject(struct cli *cli, const struct cli_args *a)
{
	const char *bundle = cli_value(a, F_BUNDLE);
	struct err e = { 0 };

	_cleanup_free_ char *root = NULL;

	if (!bundle)
		return usage_error(&cmd_inject, "needs --bundle DIR and no container");
	/* the runtime starts the hook from the bundle, not from here */
	if (cli->root_given)
		root = absolute(cli->root);
	if (inject(bundle, cli_value(a, F_HOOKSPEC), root, &e) < 0)
		return fail(&cmd_inject, &e);
	return 0;
}

static const struct cli_flag inject_flags[] = {
	{ "bundle", F_BUNDLE, "DIR", "the bundle whose config.json gets the hooks", 0 },
	{ "hookspec", F_HOOKSPEC, "FILE", "an iSulad hook-spec file (default: built in)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct command cmd_inject = {
	.name = "inject",
	.run = run_inject,
	.args = "--bundle DIR [--hookspec FILE]",
	.help = "Add the hook entries of an iSulad hook-spec FILE (default: syscontainer-hooks\n"
		"beside this program at prestart and poststop) to DIR/config.json. The\n"
		"bundle's own hooks stay, in their order; ours come after them; an entry\n"
		"already there is not added again. The file is replaced atomically. A\n"
		"\"hooks\" that is not an object, or a hook point that is not an array, is\n"
		"refused, never replaced. With the global --root, each syscontainer-hooks\n"
		"entry that names no --root gets it.\n",
	.flags = inject_flags,
	.min_pos = 0,
	.max_pos = 0,
	.pos_error = "needs --bundle DIR and no container",
	.no_container = true,
};
