/* syscontainer-runtime: stands in for runc where the engine regenerates
 * config.json at every start (Docker, containerd, Kubernetes nodes), so
 * that our hooks are in every bundle the runtime creates. It puts them in
 * at "create" and "run", the way `syscontainer-tools inject` does, then
 * execs the real runtime with the same argv; every other command goes
 * through untouched. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hookspec.h"
#include "runtime_args.h"
#include "runtime_conf.h"
#include "util.h"

static int inject(const struct runtime_call *call, const struct runtime_conf *conf,
		  struct err *e)
{
	/* where our hook is matters only for the built-in hook-spec */
	_cleanup_free_ char *hook = conf->hookspec ? NULL :
		hookspec_hook_beside_self("/usr/local/bin/syscontainer-hooks");
	_cleanup_hookspec_ struct hookspec spec = { 0 };
	const char *bundle = call->bundle ? call->bundle : ".";
	int added;

	if (hookspec_load(conf->hookspec, hook, conf->root, &spec, e) < 0 ||
	    hookspec_inject(bundle, &spec, HOOKSPEC_FOR_RUNTIME, &added, e) < 0)
		return err_wrap(e, "put the hooks into bundle %s", bundle);
	return 0;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "syscontainer-runtime: %s\n", e->msg);
	return 1;
}

int main(int argc, char **argv)
{
	/* freed on every way out: the sanitizer builds report a leak otherwise */
	__attribute__((cleanup(runtime_conf_free))) struct runtime_conf conf = { 0 };
	struct runtime_call call;
	struct err e = { 0 };
	_cleanup_free_ char *real = NULL;

	if (config_load(&e) < 0 || runtime_conf_load(&conf, &e) < 0 ||
	    runtime_conf_resolve(conf.runtime, &real, &e) < 0)
		return fail(&e);
	runtime_args_parse(argc, argv, &call);
	/* with a flag runc does not have, runc refuses the command itself */
	if (call.creates && !call.unknown) {
		if (inject(&call, &conf, &e) < 0)
			return fail(&e);
	}
	runtime_conf_free(&conf);
	execv(real, argv);
	err_sys(&e, errno, "exec %s", real);
	return fail(&e);
}
