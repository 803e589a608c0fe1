/* The udev rules file that follows a disk's partitions into a container:
 * one rule per (container, disk), each preceded by a comment line naming
 * them. The rule matches partitions of exactly that disk (KERNELS=="<disk>"
 * compares the parent's whole kernel name, unlike a KERNEL=="sdb*" prefix
 * that also catches sdba1) and runs our CLI with the full container id.
 * Updates are locked and atomic; the file never holds a duplicate. */
#ifndef SCH_UDEV_RULES_H
#define SCH_UDEV_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define UDEV_RULES_DEFAULT "/etc/udev/rules.d/99-syscontainer-tools.rules"

struct udev_rule {
	char id[129];           /* container id */
	char disk[64];          /* kernel name of the disk */
	char ctr_disk[4096];    /* container path of the disk */
};

/* $SYSCONTAINER_HOOKS_UDEV_RULES, else UDEV_RULES_DEFAULT. */
const char *udev_rules_path(void);
/* The CLI that rules run: $SYSCONTAINER_TOOLS_BIN, else our own executable. */
const char *udev_tool_path(void);

/* A kernel device name as a rule carries it: 1 to 63 letters, digits,
 * '_', '.' or '-'. */
bool udev_kernel_name_ok(const char *s);

/* Pure: the two lines of a rule, and a parse of a whole file. */
char *udev_rule_format(const struct udev_rule *r, const char *tool);
int udev_rules_parse(const char *text, struct udev_rule **out, size_t *n, struct err *e);

/* Add the rule, replacing one of the same container and container disk
 * path (the disk's kernel name may change across reboots). */
int udev_rules_add(const struct udev_rule *r, struct err *e);
/* Remove @id's rule for the disk at container path @ctr_disk, or all of
 * @id's rules when @ctr_disk is NULL. Works when the disk is gone. */
int udev_rules_remove(const char *id, const char *ctr_disk, size_t *removed, struct err *e);

#endif
