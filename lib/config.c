#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "util.h"

#define DEADLINE_NAME "SYSCONTAINER_HOOKS_DEADLINE"

enum kind { PATH, PATH_LIST, SOCKET, ENGINE, TEXT };

static const struct setting {
	const char *name;
	enum kind kind;
	const char *prefix;     /* SOCKET: the scheme its users may write */
} settings[CONFIG_KEYS] = {
	[CONFIG_ROOT] = { "SYSCONTAINER_HOOKS_ROOT", PATH, NULL },
	[CONFIG_RUNDIR] = { "SYSCONTAINER_HOOKS_RUNDIR", PATH, NULL },
	[CONFIG_UDEV_RULES] = { "SYSCONTAINER_HOOKS_UDEV_RULES", PATH, NULL },
	[CONFIG_TOOLS_BIN] = { "SYSCONTAINER_TOOLS_BIN", PATH, NULL },
	[CONFIG_MODULES_ALLOW] = { "SYSCONTAINER_HOOKS_MODULES_ALLOW", PATH, NULL },
	[CONFIG_SELINUX_CONFIG] = { "SYSCONTAINER_HOOKS_SELINUX_CONFIG", PATH, NULL },
	/* ovs-vsctl --db's form, and docker -H's */
	[CONFIG_OVSDB] = { "SYSCONTAINER_HOOKS_OVSDB", SOCKET, "unix:" },
	[CONFIG_ENGINE_SOCKET] = { "SYSCONTAINER_ENGINE_SOCKET", SOCKET, "unix://" },
	[CONFIG_ENGINE] = { "SYSCONTAINER_ENGINE", ENGINE, NULL },
	[CONFIG_RUNTIME_CONFIG] = { "SYSCONTAINER_RUNTIME_CONFIG", PATH, NULL },
	[CONFIG_RUNTIME] = { "SYSCONTAINER_RUNTIME", TEXT, NULL },
	[CONFIG_RUNTIME_WRAPPED] = { "SYSCONTAINER_RUNTIME_WRAPPED", TEXT, NULL },
	[CONFIG_CDI_SPEC_DIRS] = { "SYSCONTAINER_CDI_SPEC_DIRS", PATH_LIST, NULL },
};

static struct {
	bool loaded;
	char *value[CONFIG_KEYS];
	int deadline;
} cfg;

/* A relative path would mean one thing in the hook, whose working
 * directory is the bundle, and another in the CLI. */
static int check_path(const char *name, const char *v, struct err *e)
{
	if (v[0] != '/')
		return err_set(e, EINVAL, "%s='%s' is not an absolute path", name, v);
	if (strlen(v) >= PATH_MAX)
		return err_set(e, ENAMETOOLONG, "%s is longer than %d bytes", name, PATH_MAX - 1);
	return 0;
}

/* Colon-separated absolute paths, as $PATH is written; an empty entry
 * would be a relative path. */
static int check_path_list(const char *name, const char *v, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(v);
	char *save = NULL;
	int n = 0;

	if (v[0] == ':' || v[strlen(v) - 1] == ':' || strstr(v, "::"))
		return err_set(e, EINVAL, "%s='%s' has an empty entry", name, v);
	for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
		if (check_path(name, p, e) < 0)
			return -1;
		else if (++n > CONFIG_CDI_SPEC_DIRS_MAX)
			return err_set(e, EINVAL, "%s lists more than %d directories", name,
				       CONFIG_CDI_SPEC_DIRS_MAX);
	return 0;
}

/* The value @v of setting @s as its users see it, or NULL and @e. */
static const char *check(const struct setting *s, const char *v, struct err *e)
{
	enum engine_kind k;

	switch (s->kind) {
	case SOCKET:
		if (str_has_prefix(v, s->prefix))
			v += strlen(s->prefix);
		/* fall through */
	case PATH:
		return check_path(s->name, v, e) < 0 ? NULL : v;
	case PATH_LIST:
		return check_path_list(s->name, v, e) < 0 ? NULL : v;
	case ENGINE:
		if (engine_parse(v, &k, e) < 0) {
			err_wrap(e, "$%s", s->name);
			return NULL;
		}
		return v;
	case TEXT:
		return v;
	}
	return NULL;
}

static int parse_deadline(const char *v, int *seconds, struct err *e)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || !(*v >= '0' && *v <= '9') || n < 1 || n > CONFIG_DEADLINE_MAX)
		return err_set(e, EINVAL, DEADLINE_NAME "='%s' is not a number of seconds from 1 "
			       "to %d", v, CONFIG_DEADLINE_MAX);
	*seconds = (int)n;
	return 0;
}

/* The value of @name, NULL when unset or empty: both mean the default. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int config_load(struct err *e)
{
	const char *v;
	int r = 0;

	cfg.loaded = true;
	/* every setting is read; the first bad one is the one told */
	for (int i = 0; i < CONFIG_KEYS; i++) {
		const char *ok = NULL;

		free(cfg.value[i]);
		v = env(settings[i].name);
		if (v)
			ok = check(&settings[i], v, r ? ERR_DISCARD : e);
		if (v && !ok)
			r = -1;
		cfg.value[i] = ok ? xstrdup(ok) : NULL;
	}
	cfg.deadline = CONFIG_DEADLINE_DEFAULT;
	v = env(DEADLINE_NAME);
	if (v && parse_deadline(v, &cfg.deadline, r ? ERR_DISCARD : e) < 0)
		r = -1;
	return r;
}

/* Code run without config_load() first (a library user, a unit test)
 * reads the environment at first use; there, a bad value is unset. */
static void ensure_loaded(void)
{
	if (!cfg.loaded)
		config_load(ERR_DISCARD);
}

const char *config_get(enum config_key k)
{
	ensure_loaded();
	return cfg.value[k];
}

int config_deadline(void)
{
	ensure_loaded();
	return cfg.deadline;
}
