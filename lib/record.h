/* The runtime record /run/syscontainer-hooks/<id>/record.json: written by
 * the prestart hook, removed at poststop. It is how the CLI finds a running
 * container, and what it checks before acting: the pid must still have the
 * mount namespace recorded at prestart. */
#ifndef SCH_RECORD_H
#define SCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RECORD_DIR_DEFAULT "/run/syscontainer-hooks"
#define RECORD_FILE "record.json"

struct record {
	char *id;
	int pid;
	char *bundle;
	char *rootfs;           /* host path of the rootfs at prestart */
	uint64_t mntns_dev, mntns_ino;
	char *devices_cgroup;   /* v1 devices cgroup directory, or NULL */
	bool devices_v2;        /* device access is a cgroup v2 program */
	char **baseline;        /* devices.list as the runtime left it */
	size_t n_baseline;
};

/* $SYSCONTAINER_HOOKS_RUNDIR, else RECORD_DIR_DEFAULT. */
const char *record_dir(void);

int record_write(const char *rundir, const struct record *r, struct err *e);
/* ENOENT in e->code when there is no record (container not running). */
int record_read(const char *rundir, const char *id, struct record *r, struct err *e);
int record_remove(const char *rundir, const char *id, struct err *e);
void record_free(struct record *r);

int record_parse(const char *json, size_t len, struct record *r, struct err *e);

#endif
