#include "udev_rules.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "container_id.h"
#include "util.h"

#define MARK "# syscontainer-tools container="

const char *udev_rules_path(void)
{
	const char *env = getenv("SYSCONTAINER_HOOKS_UDEV_RULES");

	return env && *env ? env : UDEV_RULES_DEFAULT;
}

const char *udev_tool_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SYSCONTAINER_TOOLS_BIN");
	ssize_t n;
	char *slash;

	if (env && *env)
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

static int rule_check(const struct udev_rule *r, struct err *e)
{
	if (!container_id_valid(r->id))
		return err_set(e, EINVAL, "udev rule: invalid container id");
	if (!udev_kernel_name_ok(r->disk))
		return err_set(e, EINVAL, "udev rule: invalid disk name '%.64s'", r->disk);
	if (r->ctr_disk[0] != '/' || !word_ok(r->ctr_disk, "_./-"))
		return err_set(e, EINVAL, "container path '%.64s' cannot be used in a udev rule "
			       "(use only letters, digits and _ . - /)", r->ctr_disk);
	return 0;
}

char *udev_rule_format(const struct udev_rule *r, const char *tool)
{
	return xasprintf(MARK "%s disk=%s ctr=%s\n"
			 "SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"partition\", ACTION==\"add|remove\", "
			 "KERNELS==\"%s\", RUN+=\"%s udev-partition $env{ACTION} %s $kernel %s %s\"\n",
			 r->id, r->disk, r->ctr_disk, r->disk, tool, r->id, r->disk, r->ctr_disk);
}

/* "container=ID disk=D ctr=C" after MARK. */
static int parse_mark(const char *line, struct udev_rule *r)
{
	char id[130], disk[65], ctr[4097];

	if (sscanf(line + strlen(MARK), "%129s disk=%64s ctr=%4096s", id, disk, ctr) != 3)
		return -1;
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->disk, sizeof(r->disk), "%s", disk);
	snprintf(r->ctr_disk, sizeof(r->ctr_disk), "%s", ctr);
	return 0;
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

/* Rewrite the file: the lines that are not ours stay, then our rules. */
static int rewrite(const char *path, const char *old, const struct udev_rule *rules, size_t n,
		   struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(old ? old : "");
	char *out = xstrdup(""), *save = NULL;
	bool skip_next = false;
	int r;

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
		_cleanup_free_ char *rule = udev_rule_format(&rules[i], udev_tool_path());
		char *grown = xasprintf("%s%s", out, rule);

		free(out);
		out = grown;
	}
	r = write_file_atomic(path, out, strlen(out), 0644, WRITE_DURABLE, e);
	free(out);
	return r;
}

/* Lock, read, let @edit change the list, write back if it changed. */
static int update(int (*edit)(struct udev_rule **rules, size_t *n, const void *arg),
		  const void *arg, struct err *e)
{
	const char *path = udev_rules_path();
	_cleanup_free_ char *lock = xasprintf("%s.lock", path);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct udev_rule *rules = NULL;
	size_t n = 0;
	int r = -1, changed;

	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_sys(e, errno, "open %s", lock);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_sys(e, errno, "lock %s", lock);
	if (read_file_at(AT_FDCWD, path, MAX_FILE_SIZE, &text, NULL, e) < 0) {
		if (e->code != ENOENT)
			return -1;
		text = NULL;
	}
	if (udev_rules_parse(text ? text : "", &rules, &n, e) < 0)
		return err_wrap(e, "%s", path);
	changed = edit(&rules, &n, arg);
	r = changed ? rewrite(path, text, rules, n, e) : 0;
	free(rules);
	return r;
}

static int edit_add(struct udev_rule **rules, size_t *n, const void *arg)
{
	const struct udev_rule *r = arg;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*rules)[i].id, r->id) && !strcmp((*rules)[i].ctr_disk, r->ctr_disk)) {
			if (!strcmp((*rules)[i].disk, r->disk))
				return 0;       /* already there */
			(*rules)[i] = *r;
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
	return update(edit_add, r, e);
}

struct remove_arg {
	const char *id, *ctr_disk;
	size_t removed;
};

static int edit_remove(struct udev_rule **rules, size_t *n, const void *arg)
{
	struct remove_arg *a = (struct remove_arg *)arg;
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*rules)[i].id, a->id) &&
		    (!a->ctr_disk || !strcmp((*rules)[i].ctr_disk, a->ctr_disk)))
			a->removed++;
		else
			(*rules)[k++] = (*rules)[i];
	}
	*n = k;
	return a->removed > 0;
}

int udev_rules_remove(const char *id, const char *ctr_disk, size_t *removed, struct err *e)
{
	struct remove_arg a = { id, ctr_disk, 0 };
	int r = 0;

	/* no file, no rules: do not create a lock file for nothing */
	if (access(udev_rules_path(), F_OK) == 0)
		r = update(edit_remove, &a, e);
	if (removed)
		*removed = a.removed;
	return r;
}
