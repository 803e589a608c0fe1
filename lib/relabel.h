/* --with-relabel: prepare a container whose own SELinux is on to relabel its
 * files at its first boot, when the host has SELinux. All files are written
 * inside the container root through the symlink-refusing path; the host's
 * SELinux mode and configuration are never changed (the relabel script does
 * not call setenforce either). */
#ifndef SCH_RELABEL_H
#define SCH_RELABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define SELINUX_CONFIG_DEFAULT "/etc/selinux/config"

/* $SYSCONTAINER_HOOKS_SELINUX_CONFIG, else SELINUX_CONFIG_DEFAULT. */
const char *relabel_host_config(void);

/* The SELINUX= value of a config text ("enforcing", "permissive",
 * "disabled"), or "" when it has none. */
void selinux_config_mode(const char *text, char *mode, size_t len);

/* 1 when the host has SELinux: its config says enforcing or permissive, or
 * the kernel reports it on; 0 when not or when it has no config; -1 when
 * its config cannot be read (a FIFO there is refused, not waited on). */
int relabel_host_enabled(struct err *e);

/* Owner of what relabel_prepare writes: the container's root on the host. */
struct relabel_owner {
	unsigned uid, gid;
};

/* In the container's mount namespace, with the container root @rootfd
 * (the ns_call_fn signature; @arg is a struct relabel_owner). On success
 * e->msg tells what was done, for the log. */
int relabel_prepare(int rootfd, void *arg, struct err *e);
/* Remove the relabel unit (poststop); works on the host path of the root.
 * What is not a regular file there is not ours and stays: then e->msg
 * says so, for the log, and 0 is returned. */
int relabel_cleanup(int rootfd, struct err *e);

/* Pure: is the init at @target (the link text of /sbin/init) systemd? */
bool init_is_systemd(const char *target);

#endif
