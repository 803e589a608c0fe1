#include "qos.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "device.h"
#include "util.h"

static const char *const flags[QOS_KINDS] = {
	"device-read-bps", "device-write-bps", "device-read-iops", "device-write-iops",
	"blkio-weight-device",
};

const char *qos_flag(enum qos_kind k)
{
	return flags[k];
}

/* "1.5mb" -> 1572864; digits with an optional fraction, an optional unit
 * letter, an optional b. */
static int parse_rate(const char *s, uint64_t *out)
{
	static const char units[] = "kmgtp";
	const char *p = s;
	double v, mult = 1;
	char *end;

	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtod(p, &end);
	if (errno || end == p)
		return -1;
	for (const char *q = s; q < end; q++)
		if (!isdigit((unsigned char)*q) && *q != '.')
			return -1;
	p = end;
	if (*p) {
		const char *u = strchr(units, tolower((unsigned char)*p));

		if (u && *u) {
			for (const char *x = units; x <= u; x++)
				mult *= 1024;
			p++;
		}
		if (*p == 'b' || *p == 'B')
			p++;
	}
	if (*p || v * mult >= 18446744073709551615.0)
		return -1;
	*out = (uint64_t)(v * mult);
	return 0;
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;

	if (!isdigit((unsigned char)*s) || strlen(s) > 19)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int parse_qos(const char *s, enum qos_kind kind, struct qos_spec *out, struct err *e)
{
	const char *colon = strrchr(s, ':');
	const char *v;
	int r;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if (!colon || colon == s)
		return err_set(e, EINVAL, "invalid --%s '%s': use DEVICE:%s", flags[kind], s,
			       kind == QOS_WEIGHT ? "WEIGHT" : kind >= QOS_READ_IOPS ? "IOPS" : "RATE");
	if (s[0] != '/')
		return err_set(e, EINVAL, "invalid --%s '%s': the device is not an absolute path",
			       flags[kind], s);
	v = colon + 1;
	if (kind == QOS_READ_BPS || kind == QOS_WRITE_BPS)
		r = parse_rate(v, &out->value);
	else
		r = parse_count(v, &out->value);
	if (r < 0)
		return err_set(e, EINVAL, "invalid --%s '%s': %s", flags[kind], s,
			       kind <= QOS_WRITE_BPS
			       ? "a rate is a number with an optional unit kb, mb, gb, tb or pb"
			       : kind == QOS_WEIGHT ? "a weight is 10 to 1000" : "IOPS is a whole number");
	if (kind == QOS_WEIGHT && out->value &&
	    (out->value < QOS_WEIGHT_MIN || out->value > QOS_WEIGHT_MAX))
		return err_set(e, EINVAL, "invalid --%s '%s': a weight is %d to %d", flags[kind], s,
			       QOS_WEIGHT_MIN, QOS_WEIGHT_MAX);
	{
		_cleanup_free_ char *dev = strndup(s, (size_t)(colon - s));

		out->path = path_clean(dev);
	}
	return 0;
}

void qos_spec_free(struct qos_spec *q)
{
	free(q->path);
	q->path = NULL;
}

const char *qos_v1_file(enum qos_kind k, bool bfq)
{
	static const char *const files[QOS_KINDS] = {
		"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
		"blkio.weight_device",
	};

	return k == QOS_WEIGHT && bfq ? "blkio.bfq.weight_device" : files[k];
}

char *qos_v1_line(int64_t major, int64_t minor, uint64_t value)
{
	return xasprintf("%" PRId64 ":%" PRId64 " %" PRIu64, major, minor, value);
}

const char *qos_v2_file(enum qos_kind k, bool bfq)
{
	if (k == QOS_WEIGHT)
		return bfq ? "io.bfq.weight" : "io.weight";
	return "io.max";
}

char *qos_v2_line(enum qos_kind k, int64_t major, int64_t minor, uint64_t value)
{
	static const char *const names[QOS_WEIGHT] = { "rbps", "wbps", "riops", "wiops" };

	if (k == QOS_WEIGHT)
		/* io.weight has no per-device "unset": 100 is the default */
		return xasprintf("%" PRId64 ":%" PRId64 " %" PRIu64, major, minor,
				 value ? value : 100);
	if (!value)
		return xasprintf("%" PRId64 ":%" PRId64 " %s=max", major, minor, names[k]);
	return xasprintf("%" PRId64 ":%" PRId64 " %s=%" PRIu64, major, minor, names[k], value);
}

static bool exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);

	return access(p, F_OK) == 0;
}

int qos_cgroup_find(int pid, struct qos_cgroup *c, struct err *e)
{
	struct err v1 = { 0 };

	c->dir = NULL;
	c->v2 = false;
	if (cgroup_dir(pid, "blkio", &c->dir, &v1) == 0)
		return 0;
	c->v2 = true;
	return cgroup_v2_dir(pid, &c->dir, e);
}

void qos_cgroup_free(struct qos_cgroup *c)
{
	free(c->dir);
	c->dir = NULL;
}

int qos_write(const struct qos_cgroup *c, enum qos_kind k, int64_t major, int64_t minor,
	      uint64_t value, struct err *e)
{
	_cleanup_free_ char *path = NULL, *line = NULL;
	const char *dir = c->dir, *file;

	if (!c->v2) {
		file = qos_v1_file(k, false);
		if (k == QOS_WEIGHT && !exists(dir, file)) {
			file = qos_v1_file(k, true);
			if (!exists(dir, file))
				return err_set(e, ENOTSUP, "neither blkio.weight_device nor "
					       "blkio.bfq.weight_device exists in %s (no cfq or bfq "
					       "scheduler in the kernel)", dir);
		}
		line = qos_v1_line(major, minor, value);
	} else {
		file = qos_v2_file(k, false);
		if (k == QOS_WEIGHT && !exists(dir, file))
			file = qos_v2_file(k, true);
		if (!exists(dir, file))
			return err_set(e, ENOTSUP, "%s does not exist in %s (io controller not enabled)",
				       file, dir);
		line = qos_v2_line(k, major, minor, value);
	}
	path = xasprintf("%s/%s", dir, file);
	if (write_file(path, line, e) < 0) {
		if (k == QOS_WEIGHT && e->code == EOPNOTSUPP)
			return err_wrap(e, "the I/O scheduler of %" PRId64 ":%" PRId64
					" is not bfq or cfq (see /sys/dev/block/%" PRId64 ":%" PRId64
					"/queue/scheduler)", major, minor, major, minor);
		return -1;
	}
	return 0;
}

int qos_scheduler_parse(const char *text, char *out, size_t len)
{
	const char *open = strchr(text, '['), *word;
	size_t n;

	if (open) {
		word = open + 1;
		n = strcspn(word, "]");
		if (word[n] != ']')
			return -1;
	} else {
		/* one scheduler only (or "none" and nothing to choose) */
		word = text + strspn(text, " \t\n");
		n = strcspn(word, " \t\n");
		if (word[n + strspn(word + n, " \t\n")])
			return -1;
	}
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, word, n);
	out[n] = '\0';
	return 0;
}

bool qos_scheduler_weights(const char *sched)
{
	return strcmp(sched, "bfq") == 0 || strcmp(sched, "cfq") == 0;
}

bool qos_weight_possible(int64_t major, int64_t minor, char *why, size_t len)
{
	_cleanup_free_ char *path = xasprintf("/sys/dev/block/%" PRId64 ":%" PRId64
					      "/queue/scheduler", major, minor);
	_cleanup_free_ char *text = NULL;
	struct err e = { 0 };
	char sched[64];

	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, &e) < 0) {
		snprintf(why, len, "no block device %" PRId64 ":%" PRId64 " with a scheduler",
			 major, minor);
		return false;
	}
	if (qos_scheduler_parse(text, sched, sizeof(sched)) < 0)
		snprintf(sched, sizeof(sched), "unknown");
	if (qos_scheduler_weights(sched))
		return true;
	snprintf(why, len, "the I/O scheduler of %" PRId64 ":%" PRId64 " is %s, not bfq", major,
		 minor, sched);
	return false;
}

int qos_check_device(const char *path, int64_t *major, int64_t *minor, struct err *e)
{
	_cleanup_free_ char *part = NULL;
	struct host_device d;

	if (host_device_stat(path, &d, e) < 0)
		return -1;
	if (d.type != 'b')
		return err_set(e, EINVAL, "%s is not a block device; QoS applies to block devices", path);
	part = xasprintf("/sys/dev/block/%lld:%lld/partition", (long long)d.major,
			 (long long)d.minor);
	if (access(part, F_OK) == 0)
		return err_set(e, EINVAL, "%s is a partition; set QoS on its disk", path);
	*major = d.major;
	*minor = d.minor;
	return 0;
}
