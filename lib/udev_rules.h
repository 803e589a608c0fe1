/* The udev rules file that follows a disk's partitions into a container:
 * one rule per (state store, container, disk), each preceded by a comment
 * line naming them. The rule matches partitions of exactly that disk
 * (KERNELS=="<disk>" compares the parent's whole kernel name, unlike a
 * KERNEL=="sdb*" prefix that also catches sdba1) and runs our CLI with the
 * full container id.
 *
 * udevd runs the rule's command from / with its own environment, not the
 * one of whoever wrote the rule, so the rule carries everything the
 * command needs to find that state: the store, the runtime records and
 * the log, as absolute paths. Every value that goes into the rule is
 * checked against a small character set: nothing can end the quoted RUN
 * value, split it, or be expanded by udev ($, %).
 *
 * Updates are locked (the lock file lives under /run/lock and goes away
 * after each update) and atomic; the file never holds a duplicate and is
 * removed once nothing is left in it. udevd is told to reload after each
 * change, so a rule works for the very next event. */
#ifndef SCH_UDEV_RULES_H
#define SCH_UDEV_RULES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define UDEV_RULES_DEFAULT "/etc/udev/rules.d/99-syscontainer-tools.rules"
#define UDEV_LOCK_DIR "/run/lock/syscontainer-hooks"

struct udev_rule {
	char id[129];           /* container id */
	char disk[64];          /* kernel name of the disk */
	char ctr_disk[4096];    /* container path of the disk */
	char root[PATH_MAX];    /* state store; "" in rules written before it was kept */
	char rundir[PATH_MAX];  /* runtime records; "" likewise */
	char log[PATH_MAX];     /* log file of the command; "" for syslog */
	char tool[PATH_MAX];    /* the CLI the rule runs; "" likewise */
};

/* $SYSCONTAINER_HOOKS_UDEV_RULES, else UDEV_RULES_DEFAULT. */
const char *udev_rules_path(void);
/* The CLI that rules run: $SYSCONTAINER_TOOLS_BIN, else our own executable. */
const char *udev_tool_path(void);
/* The lock file of the rules file at @rules (under UDEV_LOCK_DIR). */
char *udev_rules_lock_path(const char *rules);

/* A kernel device name as a rule carries it: 1 to 63 letters, digits,
 * '_', '.' or '-'. */
bool udev_kernel_name_ok(const char *s);
/* A path a rule may carry: absolute, letters, digits and _ . / - + , : @ */
bool udev_path_ok(const char *s);

/* Fill the store, runtime record directory, log (NULL or "-": none) and
 * tool of @r from the caller's, made absolute. Fails, naming the path,
 * when one cannot go into a rule. */
int udev_rule_paths(struct udev_rule *r, const char *root, const char *rundir, const char *log,
		    struct err *e);

/* Pure: the two lines of a rule, and a parse of a whole file. */
char *udev_rule_format(const struct udev_rule *r);
int udev_rules_parse(const char *text, struct udev_rule **out, size_t *n, struct err *e);

/* Add the rule, replacing one of the same store, container and container
 * disk path (the disk's kernel name may change across reboots). */
int udev_rules_add(const struct udev_rule *r, struct err *e);
/* Remove the rule of container @id of store @root (as udev_rule_paths
 * makes it absolute) for the disk at container path @ctr_disk, or all of
 * its rules when @ctr_disk is NULL. Works when the disk is gone. */
int udev_rules_remove(const char *root, const char *id, const char *ctr_disk, size_t *removed,
		      struct err *e);

#endif
