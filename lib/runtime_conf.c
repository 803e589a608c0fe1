#include "runtime_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "json_scan.h"
#include "json_string.h"
#include "util.h"

/* Set in the environment of the runtime the wrapper runs: a copy of the
 * wrapper installed under the runtime's name finds it (CONFIG_RUNTIME_WRAPPED)
 * and stops, where comparing files cannot tell a copy from the real
 * runtime. */
#define WRAPPED_ENV "SYSCONTAINER_RUNTIME_WRAPPED"
#define PATH_DEFAULT "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct conf_reader {
	struct runtime_conf *c;
	struct err *e;
};

static int conf_member(struct json_span name, struct json_span v, void *arg)
{
	static const struct {
		const char *key;
		bool absolute;
		size_t at;
	} keys[] = {
		{ "runtime", false, offsetof(struct runtime_conf, runtime) },
		{ "hookspec", true, offsetof(struct runtime_conf, hookspec) },
		{ "root", true, offsetof(struct runtime_conf, root) },
	};
	struct conf_reader *r = arg;
	_cleanup_free_ char *key = json_span_string(name);
	char *s, **slot;
	size_t i = 0;

	while (i < ARRAY_SIZE(keys) && strcmp(key, keys[i].key))
		i++;
	if (i == ARRAY_SIZE(keys))
		return err_set(r->e, EINVAL, "unknown key \"%.40s\"", key);
	slot = (char **)((char *)r->c + keys[i].at);
	if (v.p[0] == 'n')      /* null: the default */
		return 0;
	if (*slot)
		return err_set(r->e, EINVAL, "\"%s\" is there twice", key);
	if (!(s = json_span_string(v)))
		return err_set(r->e, EINVAL, "\"%s\" is not a string", key);
	*slot = s;
	if (!s[0] || (keys[i].absolute && s[0] != '/'))
		return err_set(r->e, EINVAL, "\"%s\" is not %s", key,
			       keys[i].absolute ? "an absolute path" : "a non-empty string");
	return 0;
}

int runtime_conf_parse(const char *text, size_t len, struct runtime_conf *c, struct err *e)
{
	struct conf_reader r = { c, e };
	struct json_member m;
	enum json_scan_fault fault;

	if (json_scan_member(text, len, NULL, &m, &fault) < 0)
		return json_scan_error(e, fault, &m, len, NULL);
	if (json_span_each((struct json_span){ text + m.open, m.close + 1 - m.open }, conf_member,
			   &r)) {
		runtime_conf_free(c);
		return -1;
	}
	return 0;
}

static int conf_file(const char *path, struct runtime_conf *c, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, 1 << 16, &text, &len, e) < 0) {
		if (e->code != ENOENT)
			return -1;
		err_clear(e);   /* no file: every key has its default */
		return 0;
	}
	if (runtime_conf_parse(text, len, c, e) < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

int runtime_conf_load(struct runtime_conf *c, struct err *e)
{
	const char *file = config_get(CONFIG_RUNTIME_CONFIG);
	const char *runtime = config_get(CONFIG_RUNTIME);

	memset(c, 0, sizeof(*c));
	if (config_get(CONFIG_RUNTIME_WRAPPED))
		return err_set(e, ELOOP, "started by syscontainer-runtime: the runtime it runs is a copy "
			       "of it; name the real one in %s or $SYSCONTAINER_RUNTIME",
			       RUNTIME_CONF_DEFAULT);
	if (conf_file(file ? file : RUNTIME_CONF_DEFAULT, c, e) < 0)
		return -1;
	if (runtime) {
		free(c->runtime);
		c->runtime = xstrdup(runtime);
	}
	if (!c->runtime)
		c->runtime = xstrdup("runc");
	return setenv(WRAPPED_ENV, "1", 1) < 0 ? err_sys(e, errno, "setenv") : 0;
}

void runtime_conf_free(struct runtime_conf *c)
{
	free(c->runtime);
	free(c->hookspec);
	free(c->root);
	memset(c, 0, sizeof(*c));
}

static bool executable(const char *path, struct stat *st)
{
	return stat(path, st) == 0 && S_ISREG(st->st_mode) && access(path, X_OK) == 0;
}

static char *path_lookup(const char *name, struct stat *st)
{
	const char *dirs = getenv("PATH");

	if (!dirs || !*dirs)
		dirs = PATH_DEFAULT;
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		char *path = xasprintf("%.*s/%s", (int)n, n ? dirs : ".", name);

		if (executable(path, st))
			return path;
		free(path);
		dirs += n + (dirs[n] == ':');
	}
	return NULL;
}

int runtime_conf_resolve(const char *name, char **path, struct err *e)
{
	struct stat st, self;

	*path = strchr(name, '/') ? (executable(name, &st) ? xstrdup(name) : NULL)
				  : path_lookup(name, &st);
	if (!*path)
		return err_set(e, ENOENT, "runtime %s: no executable file of that name%s", name,
			       strchr(name, '/') ? "" : " on PATH");
	if (stat("/proc/self/exe", &self) == 0 && self.st_dev == st.st_dev &&
	    self.st_ino == st.st_ino) {
		free(*path);
		*path = NULL;
		return err_set(e, ELOOP, "runtime %s is syscontainer-runtime itself; name the real "
			       "one in %s or $SYSCONTAINER_RUNTIME", name, RUNTIME_CONF_DEFAULT);
	}
	return 0;
}
