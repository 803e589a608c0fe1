/* Kernel modules a container asks for with KERNEL_MODULES=a,b in its
 * environment. Loading a module changes the host, so a module is loaded
 * only when the host's allow-list names it (one name per line; no file or
 * an empty one allows nothing). Loading goes through libkmod, which
 * resolves dependencies as modprobe does; nothing is executed. */
#ifndef SCH_MODULES_H
#define SCH_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define MODULES_ALLOW_DEFAULT "/etc/syscontainer-hooks/modules.allow"
#define MODULE_NAME_MAX 64

/* $SYSCONTAINER_HOOKS_MODULES_ALLOW, else MODULES_ALLOW_DEFAULT. */
const char *modules_allow_path(void);

/* [A-Za-z0-9_-]{1,64} */
bool module_name_valid(const char *name);

/* The names in the first KERNEL_MODULES= entry of @env (none: n = 0). */
int modules_from_env(char *const *env, size_t n_env, char ***names, size_t *n, struct err *e);

/* The allow-list text: names, '#' comments, blank lines. */
int modules_allow_parse(const char *text, char ***names, size_t *n, struct err *e);

/* Every name must be in @allow; then load them all. */
int modules_check_allowed(char *const *names, size_t n, char *const *allow, size_t n_allow,
			  const char *allow_path, struct err *e);
/* A module that the kernel has already, loaded or built in (it has
 * /sys/module/NAME), is not looked up: a kernel without /lib/modules has
 * its built-in modules all the same. @present[i] (may be NULL) says which
 * were there already. */
int modules_load(char *const *names, size_t n, bool *present, struct err *e);

#define MODULES_SYS_DIR "/sys/module"
/* Whether the kernel has module @name now, loaded or built in (a
 * directory in @sys_dir, MODULES_SYS_DIR; '-' and '_' alike). */
bool module_present(const char *sys_dir, const char *name);

#endif
