/* Disks and their partitions, as the kernel shows them in sysfs (read
 * through libudev; no udev daemon needed). */
#ifndef SCH_PARTITION_H
#define SCH_PARTITION_H

#include <stddef.h>

#include "error.h"

struct block_info {
	char name[64];          /* kernel name: "sdb", "loop0p1" */
	char devtype[16];       /* "disk" or "partition" */
};

/* What the block device at @path is. */
int block_info(const char *path, struct block_info *out, struct err *e);

/* Kernel names of the partitions of the disk at @path, sorted. */
int disk_partitions(const char *path, char ***names, size_t *n, struct err *e);

/* The container path of partition @part of a disk whose kernel name is
 * @disk and whose container path is @ctr_disk: the disk's name in @part is
 * replaced ("sdb1" of "sdb" at "/dev/sdx" -> "/dev/sdx1"). NULL when @part
 * is not named after @disk. */
char *partition_ctr_path(const char *disk, const char *part, const char *ctr_disk);

#endif
