/* inject: put our hook entries into a bundle's config.json, the way iSulad
 * merges a --hook-spec file, so plain runc/crun/containerd users can adopt
 * the hook. The runtime's own hooks stay, in their order; ours are added
 * after them; running it twice adds nothing. */
#include <unistd.h>

#include "cli.h"
#include "hookspec.h"
#include "log.h"
#include "util.h"

static int inject(const char *bundle, const char *spec_file, const char *root, struct err *e)
{
	_cleanup_free_ char *hook = hookspec_hook_beside_self("/usr/local/bin/syscontainer-hooks");
	_cleanup_hookspec_ struct hookspec spec = { 0 };
	int added;

	if (hookspec_load(spec_file, hook, root, &spec, e) < 0 ||
	    hookspec_inject(bundle, &spec, HOOKSPEC_FOR_OPERATOR, &added, e) < 0)
		return -1;
	cli_printf("%d hook(s) added to %s/config.json\n", added, bundle);
	log_info("inject: %d hook(s) added to %s/config.json", added, bundle);
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
	return inject(bundle, cli_value(a, F_HOOKSPEC), root, &e) < 0 ? fail(&cmd_inject, &e) : 0;
}

const struct command cmd_inject = {
	.help = "Add the hook entries of an iSulad hook-spec FILE (default: syscontainer-hooks\n"
		"beside this program at prestart and poststop) to DIR/config.json. The\n"
		"bundle's own hooks stay, in their order; ours come after them; an entry\n"
		"already there is not added again. The file is replaced atomically. A\n"
		"\"hooks\" that is not an object, or a hook point that is not an array, is\n"
		"refused, never replaced. With the global --root, each syscontainer-hooks\n"
		"entry that names no --root gets it.\n",
	.name = "inject",
	.run = run_inject,
	.args = "--bundle DIR [--hookspec FILE]",
	.flags = CLI_FLAGS(
		{ "bundle", F_BUNDLE, "DIR", "the bundle whose config.json gets the hooks", 0 },
		{ "hookspec", F_HOOKSPEC, "FILE", "an iSulad hook-spec file (default: built in)", 0 }),
	.min_pos = 0,
	.max_pos = 0,
	.pos_error = "needs --bundle DIR and no container",
	.no_container = true,
};
