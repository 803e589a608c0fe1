/* Every SYSCONTAINER_* environment setting, read in one place, once, and
 * checked there: a bad value is one line naming the variable, said before
 * any work starts. The rest of the code asks here and never reads the
 * environment itself. */
#ifndef SCH_CONFIG_H
#define SCH_CONFIG_H

#include "error.h"

/* The hook's deadline, in seconds. */
#define CONFIG_DEADLINE_DEFAULT 30
#define CONFIG_DEADLINE_MAX 3600

/* The most directories SYSCONTAINER_CDI_SPEC_DIRS may list. */
#define CONFIG_CDI_SPEC_DIRS_MAX 16

/* Unset or empty, a setting is NULL and its owner's default applies. */
enum config_key {
	CONFIG_ROOT,            /* SYSCONTAINER_HOOKS_ROOT: the state store */
	CONFIG_RUNDIR,          /* SYSCONTAINER_HOOKS_RUNDIR: runtime records */
	CONFIG_UDEV_RULES,      /* SYSCONTAINER_HOOKS_UDEV_RULES: the rules file */
	CONFIG_TOOLS_BIN,       /* SYSCONTAINER_TOOLS_BIN: the CLI that rules run */
	CONFIG_MODULES_ALLOW,   /* SYSCONTAINER_HOOKS_MODULES_ALLOW: modules allowed */
	CONFIG_SELINUX_CONFIG,  /* SYSCONTAINER_HOOKS_SELINUX_CONFIG: the host's */
	CONFIG_OVSDB,           /* SYSCONTAINER_HOOKS_OVSDB: ovsdb-server's socket,
				 * "unix:" taken off */
	CONFIG_ENGINE_SOCKET,   /* SYSCONTAINER_ENGINE_SOCKET: the engine's API
				 * socket, "unix://" taken off */
	CONFIG_ENGINE,          /* SYSCONTAINER_ENGINE: isula, docker or podman */
	CONFIG_RUNTIME_CONFIG,  /* SYSCONTAINER_RUNTIME_CONFIG: the wrapper's file */
	CONFIG_RUNTIME,         /* SYSCONTAINER_RUNTIME: the real runtime, a path
				 * or a name on PATH */
	CONFIG_RUNTIME_WRAPPED, /* SYSCONTAINER_RUNTIME_WRAPPED: set by the wrapper
				 * for the runtime it runs */
	CONFIG_CDI_SPEC_DIRS,   /* SYSCONTAINER_CDI_SPEC_DIRS: the CDI spec
				 * directories, colon-separated, lowest
				 * priority first */
	CONFIG_KEYS,
};

/* Read every setting from the environment (again, when called again) and
 * check it. A bad value: -1, and @e names the first bad variable and says
 * what it must be; a bad setting is unset, the good ones are kept. */
int config_load(struct err *e);

/* The value of @k, or NULL when unset or empty. */
const char *config_get(enum config_key k);

/* SYSCONTAINER_HOOKS_DEADLINE, else CONFIG_DEADLINE_DEFAULT. */
int config_deadline(void);

#endif
