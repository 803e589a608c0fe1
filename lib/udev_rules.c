#include "udev_rules.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "container_id.h"
#include "log.h"
#include "progress.h"
#include "store.h"
#include "util.h"

#define MARK "# syscontainer-tools container="
#define PATH_CHARS "_./-+,:@"

const char *udev_rules_path(void)
{
	const char *env = config_get(CONFIG_UDEV_RULES);

	return env ? env : UDEV_RULES_DEFAULT;
}

const char *udev_tool_path(void)
{
	static char path[PATH_MAX];
	const char *env = config_get(CONFIG_TOOLS_BIN);
	ssize_t n;
	char *slash;

	if (env)
		return env;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return "/usr/local/bin/syscontainer-tools";
	path[n] = '\0';
	/* the CLI is installed beside the hook */
	slash = strrchr(path, '/');
	strcpy(slash + 1, "syscontainer-tools");
	return path;
}

/* One lock per rules file, named after it; the hash keeps two files of the
 * same name in different directories apart. */
char *udev_rules_lock_path(const char *rules)
{
	const char *base = strrchr(rules, '/');
	uint64_t h = 14695981039346656037ull;   /* FNV-1a */

	for (const char *c = rules; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	return xasprintf(UDEV_LOCK_DIR "/%.64s.%016llx.lock", base ? base + 1 : rules,
			 (unsigned long long)h);
}

static bool word_ok(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

bool udev_kernel_name_ok(const char *s)
{
	return strlen(s) < sizeof(((struct udev_rule *)NULL)->disk) && word_ok(s, "_.-");
}

bool udev_path_ok(const char *s)
{
	return s[0] == '/' && strlen(s) < PATH_MAX && word_ok(s, PATH_CHARS);
}

/* @p made absolute: resolved when it exists (the hook and the CLI then
 * name one store alike), else joined to the working directory. */
static void abs_path(const char *p, char out[PATH_MAX])
{
	char cwd[PATH_MAX];
	_cleanup_free_ char *joined = NULL, *clean = NULL;

	if (realpath(p, out))
		return;
	if (p[0] != '/' && getcwd(cwd, sizeof(cwd)))
		joined = xasprintf("%s/%s", cwd, p);
	clean = path_clean(joined ? joined : p);
	snprintf(out, PATH_MAX, "%s", clean);
}

static int rule_path(char out[PATH_MAX], const char *p, const char *what, struct err *e)
{
	abs_path(p, out);
	if (!udev_path_ok(out))
		return err_set(e, EINVAL, "%s %.200s cannot go into a udev rule (use only letters, "
			       "digits and %s)", what, out, PATH_CHARS);
	return 0;
}

int udev_rule_paths(struct udev_rule *r, const char *root, const char *rundir, const char *log,
		    struct err *e)
{
	r->log[0] = '\0';
	if (rule_path(r->root, root, "state store", e) < 0 ||
	    rule_path(r->rundir, rundir, "runtime directory", e) < 0 ||
	    rule_path(r->tool, udev_tool_path(), "tool", e) < 0)
		return -1;
	/* "-" and "." (stderr) have no reader under udevd: syslog there */
	if (log && *log && strcmp(log, "-") != 0 && strcmp(log, ".") != 0)
		return rule_path(r->log, log, "log file", e);
	return 0;
}

static int rule_check(const struct udev_rule *r, struct err *e)
{
	const char *paths[] = { r->root, r->rundir, r->log, r->tool };

	if (!container_id_valid(r->id))
		return err_set(e, EINVAL, "udev rule: invalid container id");
	if (!udev_kernel_name_ok(r->disk))
		return err_set(e, EINVAL, "udev rule: invalid disk name '%.64s'", r->disk);
	if (r->ctr_disk[0] != '/' || !word_ok(r->ctr_disk, "_./-"))
		return err_set(e, EINVAL, "container path '%.64s' cannot be used in a udev rule "
			       "(use only letters, digits and _ . - /)", r->ctr_disk);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (paths[i][0] && !udev_path_ok(paths[i]))
			return err_set(e, EINVAL, "path '%.64s' cannot go into a udev rule (use "
				       "only letters, digits and %s)", paths[i], PATH_CHARS);
	return 0;
}

/* " --KEY VALUE" when VALUE is set */
static char *opt(const char *key, const char *value)
{
	return *value ? xasprintf(" --%s %s", key, value) : xstrdup("");
}

char *udev_rule_format(const struct udev_rule *r)
{
	_cleanup_free_ char *root = opt("root", r->root), *log = opt("log", r->log);
	_cleanup_free_ char *run = opt("rundir", r->rundir);
	_cleanup_free_ char *mark = xasprintf(MARK "%s disk=%s ctr=%s%s%s%s%s%s%s%s%s", r->id,
					      r->disk, r->ctr_disk, *r->root ? " root=" : "",
					      r->root, *r->rundir ? " rundir=" : "", r->rundir,
					      *r->tool ? " tool=" : "", r->tool,
					      *r->log ? " log=" : "", r->log);

	return xasprintf("%s\n"
			 "SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"partition\", ACTION==\"add|remove\", "
			 "KERNELS==\"%s\", RUN+=\"%s%s%s udev-partition%s $env{ACTION} %s $kernel "
			 "%s %s\"\n",
			 mark, r->disk, *r->tool ? r->tool : udev_tool_path(), root, log, run, r->id,
			 r->disk, r->ctr_disk);
}

/* One "KEY=VALUE" word of a mark into @r. */
static int mark_field(char *word, struct udev_rule *r)
{
	static const struct { const char *key; size_t off, size; } fields[] = {
#define F(k, m) { k, offsetof(struct udev_rule, m), sizeof(((struct udev_rule *)0)->m) }
		F("container", id), F("disk", disk), F("ctr", ctr_disk), F("root", root),
		F("rundir", rundir), F("log", log), F("tool", tool),
#undef F
	};
	char *eq = strchr(word, '=');

	if (!eq)
		return -1;
	*eq = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *dst = (char *)r + fields[i].off;

		if (strcmp(word, fields[i].key) != 0)
			continue;
		if (*dst || strlen(eq + 1) >= fields[i].size)
			return -1;      /* given twice, or too long */
		strcpy(dst, eq + 1);
		return 0;
	}
	return -1;
}

/* "# syscontainer-tools container=ID disk=D ctr=C [root=R] ..." */
static int parse_mark(const char *line, struct udev_rule *r)
{
	_cleanup_free_ char *buf = xstrdup(line + strlen("# syscontainer-tools "));
	char *save = NULL;

	memset(r, 0, sizeof(*r));
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (mark_field(w, r) < 0)
			return -1;
	return r->id[0] && r->disk[0] && r->ctr_disk[0] ? 0 : -1;
}
int udev_rules_parse(const char *text, struct udev_rule **out, size_t *n, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *save = NULL;
	size_t cap = 8;

	*n = 0;
	*out = xcalloc(cap, sizeof(**out));
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct udev_rule r;
		struct err why;

		if (!str_has_prefix(l, MARK))
			continue;
		if (parse_mark(l, &r) < 0 || rule_check(&r, &why) < 0) {
			free(*out);
			*out = NULL;
			return err_set(e, EINVAL, "malformed line in udev rules: %.80s", l);
		}
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = r;
	}
	return 0;
}

/* The new text: the lines that are not ours stay, then our rules. */
static char *render(const char *old, const struct udev_rule *rules, size_t n)
{
	_cleanup_free_ char *buf = xstrdup(old ? old : "");
	char *out = xstrdup(""), *save = NULL;
	bool skip_next = false;

	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *grown;

		if (skip_next) {
			skip_next = false;
			continue;
		}
		if (str_has_prefix(l, MARK)) {
			skip_next = true;       /* and its rule line */
			continue;
		}
		grown = xasprintf("%s%s\n", out, l);
		free(out);
		out = grown;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *rule = udev_rule_format(&rules[i]);
		char *grown = xasprintf("%s%s", out, rule);

		free(out);
		out = grown;
	}
	return out;
}

/* A file left with nothing in it goes: no empty file stays among the
 * system's rules. */
static int rewrite(const char *path, const char *old, const struct udev_rule *rules, size_t n,
		   struct err *e)
{
	_cleanup_free_ char *text = render(old, rules, n);

	if (*text)
		return write_file_atomic(path, text, strlen(text), 0644, WRITE_DURABLE, e);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", path);
	return 0;
}

/* udevd checks its rules for changes at most every 3 s: without a reload
 * the event right after a new rule could miss it. Only when a udevd runs;
 * its failure costs nothing but that delay. */
static void reload_udevd(void)
{
	static const char *const paths[] = { "/usr/bin/udevadm", "/bin/udevadm", "/sbin/udevadm" };
	char *argv[] = { "udevadm", "control", "--reload", "--timeout=2", NULL };
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	const char *tool = NULL;
	int status;
	pid_t pid;

	if (access("/run/udev/control", F_OK) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(paths) && !tool; i++)
		if (access(paths[i], X_OK) == 0)
			tool = paths[i];
	if (!tool || posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, tool, &fa, NULL, argv, envp) == 0) {
		pid_t w;

		while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (w == pid && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			log_warn("udevadm control --reload failed; udevd picks up the rules "
				 "within seconds");
	}
	posix_spawn_file_actions_destroy(&fa);
}

/* Take the lock of the rules file. The file is removed after each update
 * (no lock file stays behind), so a waiter that got the lock of a file
 * already removed tries again with the one now at the path. */
static int lock_take(const char *lock, struct err *e)
{
	struct stat a, b;

	if (mkdir_p(UDEV_LOCK_DIR, 0700, e) < 0)
		return -1;
	progress_path(PROGRESS_MAIN, "waiting for the lock on", lock);
	for (;;) {
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return err_sys(e, errno, "open %s", lock);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				close(fd);
				return err_sys(e, errno, "lock %s", lock);
			}
		}
		if (fstat(fd, &a) == 0 && stat(lock, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
}

/* Removed while held: a waiter finds it gone and takes a new one. */
static void lock_release(const char *lock, int fd)
{
	unlink(lock);
	close(fd);
}

/* Lock, read, let @edit change the list, write back if it changed. */
static int update(int (*edit)(struct udev_rule **rules, size_t *n, const void *arg),
		  const void *arg, struct err *e)
{
	const char *path = udev_rules_path();
	_cleanup_free_ char *lock = udev_rules_lock_path(path);
	_cleanup_free_ char *text = NULL;
	struct udev_rule *rules = NULL;
	size_t n = 0;
	int fd, r = -1, changed;

	fd = lock_take(lock, e);
	if (fd < 0)
		return -1;
	progress_path(PROGRESS_MAIN, "updating", path);
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &text, NULL, e) < 0) {
		if (e->code != ENOENT)
			goto out;
		err_clear(e);
		text = NULL;
	}
	if (udev_rules_parse(text ? text : "", &rules, &n, e) < 0) {
		err_wrap(e, "%s", path);
		goto out;
	}
	changed = edit(&rules, &n, arg);
	r = changed ? rewrite(path, text, rules, n, e) : 0;
	if (r == 0 && changed)
		reload_udevd();
out:
	free(rules);
	lock_release(lock, fd);
	return r;
}

/* Rules written before the store was kept in them belong to the default
 * store. */
static bool same_store(const struct udev_rule *a, const char *root)
{
	return strcmp(a->root[0] ? a->root : STORE_ROOT_DEFAULT, root) == 0;
}

static int edit_add(struct udev_rule **rules, size_t *n, const void *arg)
{
	const struct udev_rule *r = arg;

	for (size_t i = 0; i < *n; i++) {
		struct udev_rule *o = &(*rules)[i];

		if (!same_store(o, r->root) || strcmp(o->id, r->id) || strcmp(o->ctr_disk, r->ctr_disk))
			continue;
		if (!strcmp(o->disk, r->disk) && !strcmp(o->rundir, r->rundir) &&
		    !strcmp(o->log, r->log) && !strcmp(o->tool, r->tool))
			return 0;       /* already there */
		*o = *r;
		return 1;
	}
	*rules = xrealloc(*rules, (*n + 1) * sizeof(**rules));
	(*rules)[(*n)++] = *r;
	return 1;
}

int udev_rules_add(const struct udev_rule *r, struct err *e)
{
	if (rule_check(r, e) < 0)
		return -1;
	if (!r->root[0])
		return err_set(e, EINVAL, "udev rule: no state store");
	return update(edit_add, r, e);
}

struct remove_arg {
	const char *root, *id, *ctr_disk;
	size_t removed;
};

static int edit_remove(struct udev_rule **rules, size_t *n, const void *arg)
{
	struct remove_arg *a = (struct remove_arg *)arg;
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		const struct udev_rule *o = &(*rules)[i];

		if (same_store(o, a->root) && !strcmp(o->id, a->id) &&
		    (!a->ctr_disk || !strcmp(o->ctr_disk, a->ctr_disk)))
			a->removed++;
		else
			(*rules)[k++] = *o;
	}
	*n = k;
	return a->removed > 0;
}

int udev_rules_remove(const char *root, const char *id, const char *ctr_disk, size_t *removed,
		      struct err *e)
{
	char abs_root[PATH_MAX];
	struct remove_arg a = { abs_root, id, ctr_disk, 0 };
	int r = 0;

	abs_path(root, abs_root);
	/* no file, no rules: do not take a lock for nothing */
	if (access(udev_rules_path(), F_OK) == 0)
		r = update(edit_remove, &a, e);
	if (removed)
		*removed = a.removed;
	return r;
}
