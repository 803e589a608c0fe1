#include "runtime_args.h"

#include <stddef.h>
#include <string.h>

#include "util.h"

/* runc 1.1's and crun 1.8's global flags that take a value. */
static const char *const global_values[] = {
	"log", "log-format", "log-level", "root", "criu", "rootless", "cgroup-manager",
};
static const char *const global_bools[] = {
	"debug", "systemd-cgroup", "help", "h", "version", "v", "V",
};
/* create's and run's flags that take a value; the others are bools. */
static const char *const create_values[] = {
	"bundle", "b", "console-socket", "pid-file", "preserve-fds",
};

static bool in(const char *const *list, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], name, len))
			return true;
	return false;
}

/* "-name", "--name" or either with "=value": the name and its length, and
 * whether a value came with it. NULL when @arg is not a flag. */
static const char *flag_name(const char *arg, size_t *len, bool *inline_value)
{
	const char *eq;

	if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--"))
		return NULL;
	arg += arg[1] == '-' ? 2 : 1;
	eq = strchr(arg, '=');
	*len = eq ? (size_t)(eq - arg) : strlen(arg);
	*inline_value = eq != NULL;
	return arg;
}

/* The global flags: returns the index of the command (argc: none). */
static int skip_globals(int argc, char *const argv[], struct runtime_call *c)
{
	int i = 1;

	while (i < argc) {
		size_t len;
		bool has_value;
		const char *name = flag_name(argv[i], &len, &has_value);

		if (!name)
			return strcmp(argv[i], "--") ? i : i + 1;
		if (in(global_values, ARRAY_SIZE(global_values), name, len))
			i += has_value ? 1 : 2;
		else if (in(global_bools, ARRAY_SIZE(global_bools), name, len))
			i++;
		else {
			c->unknown = argv[i];
			return argc;
		}
	}
	return argc;
}

static bool is_bundle(const char *name, size_t len)
{
	return (len == 1 && name[0] == 'b') || (len == 6 && !strncmp(name, "bundle", 6));
}

static void find_bundle(int argc, char *const argv[], int from, struct runtime_call *c)
{
	for (int i = from; i < argc && strcmp(argv[i], "--"); i++) {
		size_t len;
		bool has_value;
		const char *name = flag_name(argv[i], &len, &has_value);

		if (!name || !in(create_values, ARRAY_SIZE(create_values), name, len))
			continue;
		const char *value = has_value ? name + len + 1 : i + 1 < argc ? argv[i + 1] : NULL;

		if (value && is_bundle(name, len))
			c->bundle = value;
		if (!has_value)
			i++;
	}
}

void runtime_args_parse(int argc, char *const argv[], struct runtime_call *c)
{
	int cmd;

	memset(c, 0, sizeof(*c));
	c->command = -1;
	cmd = skip_globals(argc, argv, c);
	if (cmd >= argc)
		return;
	c->command = cmd;
	c->creates = !strcmp(argv[cmd], "create") || !strcmp(argv[cmd], "run");
	if (c->creates)
		find_bundle(argc, argv, cmd + 1, c);
}
