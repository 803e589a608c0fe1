#include "relabel.h"

#include <errno.h>
#include <fcntl.h>
#include <selinux/context.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dynlib.h"
#include "progress.h"
#include "safe_path.h"
#include "util.h"

#define SCRIPT "/usr/bin/autorelabel_container"
#define SYSTEMD_UNIT "/etc/systemd/system/multi-user.target.wants/autorelabel.service"
#define UPSTART_JOB "/etc/init/autorelabel.conf"
#define FIRST_START "/.container_autorelabel"
#define AUTORELABEL "/.autorelabel"
#define IN_CONTAINER "/.autorelabel_in_container"

static const char script[] =
	"#!/bin/sh\n"
	"# Written by syscontainer-hooks --with-relabel: at the container's first\n"
	"# boot, relabel its files and reboot it once. The SELinux mode is left\n"
	"# alone: it is the host's.\n"
	"[ -e /.autorelabel_in_container ] || exit 0\n"
	"semodule -R\n"
	"restorecon -R /\n"
	"rm -f /.autorelabel_in_container\n"
	"reboot -f\n";

static const char systemd_unit[] =
	"[Unit]\n"
	"Description=Relabel the container's files for SELinux\n"
	"DefaultDependencies=no\n"
	"Requires=local-fs.target\n"
	"After=local-fs.target\n"
	"Conflicts=shutdown.target\n"
	"Before=sysinit.target shutdown.target\n"
	"ConditionPathExists=/.autorelabel_in_container\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=" SCRIPT "\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char upstart_job[] =
	"# Relabel the container's files for SELinux at its first boot\n"
	"start on startup\n"
	"task\n"
	"console output\n"
	"exec " SCRIPT "\n";

/* libselinux, loaded for --with-relabel only */
static struct {
	__typeof__(&is_selinux_enabled) enabled;
	__typeof__(&fgetfilecon) fget;
	__typeof__(&fsetfilecon) fset;
	__typeof__(&freecon) freecon;
	__typeof__(&context_new) ctx_new;
	__typeof__(&context_type_set) ctx_type_set;
	__typeof__(&context_str) ctx_str;
	__typeof__(&context_free) ctx_free;
} se;

static int load_selinux(struct err *e)
{
	static const char *const names[] = {
		"is_selinux_enabled", "fgetfilecon", "fsetfilecon", "freecon", "context_new",
		"context_type_set", "context_str", "context_free",
	};

	if (se.enabled)
		return 0;
	return dyn_load("libselinux.so.1", names, (void **)&se, ARRAY_SIZE(names), e);
}

const char *relabel_host_config(void)
{
	const char *env = config_get(CONFIG_SELINUX_CONFIG);

	return env ? env : SELINUX_CONFIG_DEFAULT;
}

void selinux_config_mode(const char *text, char *mode, size_t len)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *save = NULL;

	snprintf(mode, len, "%s", "");
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (str_has_prefix(l, "SELINUX=")) {
			char *v = l + 8, *end = v + strcspn(v, " \t\r#");

			*end = '\0';
			if (*v == '"' && end > v + 1 && end[-1] == '"') {
				v++;
				end[-1] = '\0';
			}
			snprintf(mode, len, "%s", v);
		}
	}
}

int relabel_host_enabled(struct err *e)
{
	_cleanup_free_ char *text = NULL;
	const char *path = relabel_host_config();
	char mode[32];

	/* without libselinux, the config file tells */
	if (load_selinux(ERR_DISCARD) == 0 && se.enabled() > 0)
		return 1;
	if (read_file_at(AT_FDCWD, path, 1 << 16, &text, NULL, e) < 0) {
		if (e->code == ENOENT) {
			err_clear(e);
			return 0;
		}
		return err_wrap(e, "the host's SELinux config");
	}
	selinux_config_mode(text, mode, sizeof(mode));
	return !strcmp(mode, "enforcing") || !strcmp(mode, "permissive");
}

bool init_is_systemd(const char *target)
{
	return target && strstr(target, "systemd") != NULL;
}

/* The link text of /sbin/init, "" when it is not a symlink. */
static void init_target(int rootfd, char *buf, size_t len)
{
	_cleanup_close_ int dir = -1;
	const char *name;
	ssize_t n;

	buf[0] = '\0';
	if (safe_open_parent(rootfd, "/sbin/init", false, 0, 0, &dir, &name, ERR_DISCARD) < 0)
		return;
	n = readlinkat(dir, name, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* Give the script the init_exec_t type, where SELinux can. */
static const char *label_script(int rootfd)
{
	_cleanup_close_ int fd = -1;
	char *con = NULL;
	context_t ctx;
	const char *what = "labelled init_exec_t";

	/* the outcome is said in the returned text */
	if (load_selinux(ERR_DISCARD) < 0)
		return "not labelled (libselinux is not available)";
	progress_path(PROGRESS_WORKER, "relabel: labelling", SCRIPT);
	fd = safe_open_file(rootfd, SCRIPT, O_RDONLY, ERR_DISCARD);
	if (fd < 0)
		return "not labelled (cannot open it)";
	if (se.fget(fd, &con) < 0)
		return "not labelled (no SELinux labels on this kernel)";
	ctx = se.ctx_new(con);
	if (!ctx || se.ctx_type_set(ctx, "init_exec_t") != 0 || se.fset(fd, se.ctx_str(ctx)) < 0)
		what = "not labelled (setting init_exec_t failed)";
	if (ctx)
		se.ctx_free(ctx);
	se.freecon(con);
	return what;
}

/* Write one file of the relabel setup into the container. */
static int put(int rootfd, const char *path, const char *text, unsigned mode,
	       const struct relabel_owner *o, struct err *e)
{
	progress_path(PROGRESS_WORKER, "relabel: writing", path);
	if (safe_write_file(rootfd, path, text, strlen(text), mode, o->uid, o->gid, e) < 0)
		return err_wrap(e, "relabel");
	return 0;
}

/* The container's own SELinux mode; "" when it has no config. */
static int container_mode(int rootfd, char *mode, size_t len, struct err *e)
{
	_cleanup_free_ char *config = NULL;

	progress_path(PROGRESS_WORKER, "relabel: reading", "/etc/selinux/config");
	mode[0] = '\0';
	if (safe_read_file(rootfd, "/etc/selinux/config", 1 << 16, &config, e) < 0) {
		if (e->code != ENOENT)
			return err_wrap(e, "relabel");
		err_clear(e);
		return 0;
	}
	selinux_config_mode(config, mode, len);
	if (!mode[0])
		snprintf(mode, len, "%s", "unset");
	return 0;
}

int relabel_prepare(int rootfd, void *arg, struct err *e)
{
	char mode[32], init[256];
	bool systemd, moved = false;
	const struct relabel_owner *o = arg;

	if (container_mode(rootfd, mode, sizeof(mode), e) < 0)
		return -1;
	if (!mode[0]) {
		err_set(e, 0, "relabel: the container has no /etc/selinux/config; nothing to do");
		return 0;
	}
	if (strcmp(mode, "enforcing") && strcmp(mode, "permissive")) {
		err_set(e, 0, "relabel: SELinux is %s in the container; nothing to do", mode);
		return 0;
	}
	if (!safe_exists(rootfd, FIRST_START) &&
	    (put(rootfd, AUTORELABEL, "", 0600, o, e) < 0 ||
	     put(rootfd, FIRST_START, "", 0600, o, e) < 0))
		return -1;
	init_target(rootfd, init, sizeof(init));
	systemd = init_is_systemd(init);
	if (put(rootfd, SCRIPT, script, 0700, o, e) < 0 ||
	    put(rootfd, systemd ? SYSTEMD_UNIT : UPSTART_JOB, systemd ? systemd_unit : upstart_job,
		0644, o, e) < 0)
		return -1;
	if (safe_exists(rootfd, AUTORELABEL)) {
		if (put(rootfd, IN_CONTAINER, "", 0600, o, e) < 0 ||
		    safe_unlink(rootfd, AUTORELABEL, e) < 0)
			return -1;
		moved = true;
	}
	err_set(e, 0, "relabel: %s %s written, script %s%s", systemd ? "systemd unit" : "upstart job",
		systemd ? SYSTEMD_UNIT : UPSTART_JOB, label_script(rootfd),
		moved ? "; relabel at this boot" : "");
	return 0;
}

int relabel_cleanup(int rootfd, struct err *e)
{
	static const char *const files[] = { SYSTEMD_UNIT, UPSTART_JOB };
	struct err why = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (safe_unlink(rootfd, files[i], e) == 0)
			continue;
		/* not ours: the stop goes on, the note goes to the log */
		if (e->code != EINVAL)
			return -1;
		why = *e;
		err_clear(e);
	}
	if (why.msg[0])
		err_set(e, 0, "%s", why.msg);
	return 0;
}
