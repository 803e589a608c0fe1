/* Which run of a container a runtime record describes. A hook stage may
 * run twice for one container start (iSulad appends a container's hooks
 * after the daemon's own without removing duplicates), and a record may
 * be left by a run that crashed before its poststop. An instance is its
 * init's pid, that process's start time and its mount namespace: a pid
 * alone can be reused, and so can the inode number of a namespace that
 * has died; the three together cannot. */
#ifndef SCH_INSTANCE_H
#define SCH_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct instance {
	int pid;
	uint64_t start_time;    /* clock ticks after boot; 0 when not known */
	uint64_t mntns_dev, mntns_ino;
};

enum instance_match {
	INSTANCE_SAME,          /* the record is of the instance starting now */
	INSTANCE_STALE,         /* of an instance that is gone */
	INSTANCE_OTHER,         /* of another instance that still runs */
};

/* @now: the instance starting now; @rec: the one recorded; @rec_now: what
 * /proc says of the recorded pid now, NULL when it is gone or a zombie. */
enum instance_match instance_match(const struct instance *rec, const struct instance *now,
				   const struct instance *rec_now);

/* State letter and start time (field 22) from the text of /proc/PID/stat;
 * the command name may hold spaces and parentheses. */
int proc_stat_parse(const char *text, char *state, uint64_t *start_time, struct err *e);

/* What /proc says of @pid now. ESRCH in e->code when it is gone or a
 * zombie (its namespaces are gone with it). With @mntns_fd >= 0 that fd is
 * taken as its mount namespace instead of /proc/PID/ns/mnt. */
int instance_probe(int pid, int mntns_fd, struct instance *out, struct err *e);

#endif
