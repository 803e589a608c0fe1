/* Disks and their partitions, as the kernel shows them in sysfs (read
 * through libudev; no udev daemon needed). */
#ifndef SCH_PARTITION_H
#define SCH_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

struct block_info {
	char name[64];          /* kernel name: "sdb", "loop0p1" */
	char devtype[16];       /* "disk" or "partition" */
};

/* What the block device at @path is. */
int block_info(const char *path, struct block_info *out, struct err *e);

struct partition {
	char name[64];          /* kernel name */
	int64_t major, minor;   /* as sysfs has them now */
};

/* The partitions of the disk at @path, sorted by name, and what the disk
 * itself is (@disk may be NULL). */
int disk_partitions(const char *path, struct block_info *disk, struct partition **parts,
		    size_t *n, struct err *e);

/* Check the identity of a partition's node before it goes to a container:
 * @node must be a block node whose numbers are, in sysfs, a partition named
 * like the node (after symlinks) whose disk is the block device at
 * @disk_path now. A stale node, another disk's partition or a disk that
 * was renumbered under the same name fail with a line saying which. */
int partition_check(const char *node, const char *disk_path, struct err *e);

/* Pure: the saved entries of the partitions @parts of the followed disk
 * @disk, whose kernel name is now @kname: host node /dev/NAME, container
 * path after the disk's (partition_ctr_path, else "CTRDISK-NAME"), numbers
 * from sysfs, the disk's permissions, Parent the disk's host path. */
struct saved_device *partition_devices(const struct saved_device *disk, const char *kname,
				       const struct partition *parts, size_t n);

/* The container path of partition @part of a disk whose kernel name is
 * @disk and whose container path is @ctr_disk: the disk's name in @part is
 * replaced ("sdb1" of "sdb" at "/dev/sdx" -> "/dev/sdx1"). NULL when @part
 * is not named after @disk. */
char *partition_ctr_path(const char *disk, const char *part, const char *ctr_disk);

/* The udev rule that makes the partitions of @disk (saved with partition
 * following) follow it into container @id, for the disk's kernel name
 * now; the rule names the store @root, records @rundir and @log. */
int partition_follow_rule(const char *id, const struct saved_device *disk, const char *root,
			  const char *rundir, const char *log, struct err *e);

#endif
