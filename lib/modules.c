#include "modules.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "dynlib.h"
#include "util.h"

const char *modules_allow_path(void)
{
	const char *env = config_get(CONFIG_MODULES_ALLOW);

	return env ? env : MODULES_ALLOW_DEFAULT;
}

bool module_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MODULE_NAME_MAX)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '_' && *name != '-')
			return false;
	return true;
}

static void push(char ***list, size_t *n, const char *s)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = xstrdup(s);
}

int modules_from_env(char *const *env, size_t n_env, char ***names, size_t *n, struct err *e)
{
	static const char key[] = "KERNEL_MODULES=";
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;

	*names = NULL;
	*n = 0;
	for (size_t i = 0; i < n_env && !buf; i++)
		if (str_has_prefix(env[i], key))
			buf = xstrdup(env[i] + strlen(key));
	if (!buf)
		return 0;
	for (char *m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (!module_name_valid(m)) {
			str_list_free(*names, *n);
			*names = NULL;
			*n = 0;
			return err_set(e, EINVAL, "KERNEL_MODULES: invalid module name '%.64s' "
				       "(only letters, digits, _ and -)", m);
		}
		push(names, n, m);
	}
	return 0;
}

int modules_allow_parse(const char *text, char ***names, size_t *n, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *save = NULL;

	*names = NULL;
	*n = 0;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *end;

		while (isspace((unsigned char)*l))
			l++;
		end = l + strlen(l);
		while (end > l && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*l || *l == '#')
			continue;
		if (!module_name_valid(l)) {
			str_list_free(*names, *n);
			*names = NULL;
			*n = 0;
			return err_set(e, EINVAL, "invalid module name '%.64s' in the allow-list", l);
		}
		push(names, n, l);
	}
	return 0;
}

/* Module names compare with '-' and '_' the same, as the kernel does. */
static bool same_module(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

int modules_check_allowed(char *const *names, size_t n, char *const *allow, size_t n_allow,
			  const char *allow_path, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		bool ok = false;

		for (size_t k = 0; k < n_allow && !ok; k++)
			ok = same_module(names[i], allow[k]);
		if (!ok)
			return err_set(e, EPERM, "kernel module %s is not in the allow-list %s; "
				       "not loaded", names[i], allow_path);
	}
	return 0;
}

/* libkmod, loaded when a container asks for modules */
static struct {
	__typeof__(&kmod_new) new_ctx;
	__typeof__(&kmod_unref) unref;
	__typeof__(&kmod_module_new_from_lookup) lookup;
	__typeof__(&kmod_list_next) list_next;
	__typeof__(&kmod_module_get_module) get_module;
	__typeof__(&kmod_module_probe_insert_module) probe;
	__typeof__(&kmod_module_unref) mod_unref;
	__typeof__(&kmod_module_unref_list) list_unref;
} kmod;

static int load_kmod(struct err *e)
{
	static const char *const names[] = {
		"kmod_new", "kmod_unref", "kmod_module_new_from_lookup", "kmod_list_next",
		"kmod_module_get_module", "kmod_module_probe_insert_module", "kmod_module_unref",
		"kmod_module_unref_list",
	};

	if (kmod.new_ctx)
		return 0;
	return dyn_load("libkmod.so.2", names, (void **)&kmod, ARRAY_SIZE(names), e);
}

bool module_present(const char *sys_dir, const char *name)
{
	char canon[MODULE_NAME_MAX + 1];
	_cleanup_free_ char *path = NULL;
	size_t i;

	/* the kernel names them with '_' */
	for (i = 0; name[i] && i < MODULE_NAME_MAX; i++)
		canon[i] = name[i] == '-' ? '_' : name[i];
	canon[i] = '\0';
	path = xasprintf("%s/%s", sys_dir, canon);
	return access(path, F_OK) == 0;
}

int modules_load(char *const *names, size_t n, bool *present, struct err *e)
{
	struct kmod_ctx *ctx;
	size_t missing = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		bool here = module_present(MODULES_SYS_DIR, names[i]);

		if (present)
			present[i] = here;
		missing += !here;
	}
	if (missing == 0)
		return 0;
	if (load_kmod(e) < 0)
		return err_wrap(e, "kernel modules");
	ctx = kmod.new_ctx(NULL, NULL);
	if (!ctx)
		return err_set(e, ENOMEM, "kernel modules: cannot start libkmod");
	for (size_t i = 0; i < n && r == 0; i++) {
		struct kmod_list *list = NULL, *it;
		int found = 0;

		if (present && present[i])
			continue;
		if (kmod.lookup(ctx, names[i], &list) < 0) {
			r = err_set(e, EINVAL, "kernel module %s: lookup failed", names[i]);
			break;
		}
		for (it = list; it; it = kmod.list_next(list, it)) {
			struct kmod_module *m = kmod.get_module(it);
			int rc = kmod.probe(m, 0, NULL, NULL, NULL, NULL);

			kmod.mod_unref(m);
			found = 1;
			if (rc < 0) {
				r = err_sys(e, -rc, "load kernel module %s", names[i]);
				break;
			}
		}
		kmod.list_unref(list);
		if (!found && r == 0)
			r = err_set(e, ENOENT, "kernel module %s not found in /lib/modules of this "
				    "kernel", names[i]);
	}
	kmod.unref(ctx);
	return r;
}
