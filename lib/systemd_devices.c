#include "systemd_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "systemd_bus.h"
#include "systemd_unit.h"
#include "util.h"

/* The unit @pid's cgroup is in (UNIT_NONE, UNIT_OWN, UNIT_OTHER), or -1
 * when that cannot be read (@why). */
static int unit_of_pid(const char *id, int pid, char unit[UNIT_NAME_MAX], struct err *why)
{
	_cleanup_free_ char *proc = xasprintf("/proc/%d/cgroup", pid);
	_cleanup_free_ char *text = NULL, *path = NULL;

	struct statfs fs;
	bool unified;

	unit[0] = '\0';
	/* as systemd itself tells the two apart */
	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return err_sys(why, errno, "statfs /sys/fs/cgroup");
	unified = fs.f_type == CGROUP2_SUPER_MAGIC;
	if (read_file_at(AT_FDCWD, proc, MAX_FILE_SIZE, &text, NULL, why) < 0 ||
	    systemd_cgroup_path(text, unified, &path, why) < 0)
		return -1;
	if (!path)
		return UNIT_NONE;
	return (int)systemd_unit_of(path, id, unit);
}

/* The unit to tell: 1 and its name when it is the container's own, 0
 * when there is none, -1 when it cannot be told (@why). */
static int own_unit(const char *id, int pid, char unit[UNIT_NAME_MAX], struct err *why)
{
	switch (unit_of_pid(id, pid, unit, why)) {
	case -1:
		return -1;
	case UNIT_NONE:
		return 0;
	case UNIT_OWN:
		return 1;
	default:
		return err_set(why, EPERM, "its cgroup is inside %s, which is not the "
			       "container's: its DeviceAllow= is left as it is", unit);
	}
}

static struct unit_device *parse_list(char *const *s, size_t n)
{
	struct unit_device *l = xcalloc(n + 1, sizeof(*l));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (unit_device_parse(s[i], &l[k]) == 0)
			k++;
	return l;
}

static void keep_baseline(struct record *r, const char *unit, const struct unit_device *l,
			  size_t n)
{
	free(r->sd_unit);
	r->sd_unit = xstrdup(unit);
	str_list_free(r->sd_baseline, r->n_sd_baseline);
	r->sd_baseline = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r->sd_baseline[i] = unit_device_format(&l[i]);
	r->n_sd_baseline = n;
	r->sd_known = true;
}

/* Tell the unit: @want's entries, over @r's baseline (learnt now when
 * unknown). 1 when the unit does not restrict devices: nothing to keep. */
static int tell(struct sdbus *b, struct record *r, const struct unit_device *want, size_t n_want,
		struct err *e)
{
	_cleanup_free_ struct unit_device *cur = NULL, *base = NULL, *send = NULL;
	size_t n_cur, n_send;
	char policy[16];
	bool reset;

	if (sdbus_devices_get(b, policy, &cur, &n_cur, e) < 0)
		return -1;
	if (!r->sd_known)
		keep_baseline(r, sdbus_unit(b), cur, n_cur);
	/* an "auto" unit with no list restricts nothing: a first entry
	 * would make it deny everything else */
	if (!strcmp(policy, "auto") && n_cur == 0)
		return 1;
	base = parse_list(r->sd_baseline, r->n_sd_baseline);
	send = unit_devices_plan(cur, n_cur, base, r->n_sd_baseline, want, n_want, &reset,
				 &n_send);
	if (n_send == 0 && !reset)
		return 0;
	return sdbus_devices_set(b, send, n_send, reset, e);
}

static int sync_unit(const char *id, int pid, struct record *r, const struct unit_device *want,
		     size_t n_want, struct err *why)
{
	struct sdbus *b = NULL;
	char unit[UNIT_NAME_MAX];
	int own, ret;

	own = own_unit(id, pid, unit, why);
	if (own <= 0)
		return own < 0 ? 1 : 0;
	if (sdbus_open(unit, &b, why) < 0)
		return 1;
	ret = tell(b, r, want, n_want, why);
	sdbus_close(b);
	if (ret < 0)
		return 1;
	return 0;
}

int systemd_devices_start(const char *id, int pid, const struct saved_device *devs, size_t n,
			  const bool *present, struct record *r, struct err *why)
{
	_cleanup_free_ struct unit_device *want = NULL;
	size_t n_want;

	if (n == 0)
		return 0;
	want = unit_devices_wanted(devs, n, present, devs, n, &n_want);
	r->sd_known = false;
	return sync_unit(id, pid, r, want, n_want, why);
}

int systemd_devices_sync(const char *rundir, struct record *r, const struct saved_device *saved,
			 size_t n_saved, const struct saved_device *changed, size_t n_changed,
			 struct err *why)
{
	_cleanup_free_ struct unit_device *want = NULL;
	bool known = r->sd_known;
	size_t n_want;
	int ret;

	if (n_changed == 0)
		return 0;
	want = unit_devices_wanted(saved, n_saved, NULL, changed, n_changed, &n_want);
	ret = sync_unit(r->id, r->pid, r, want, n_want, why);
	if (!known && r->sd_known && record_sd_baseline_set(rundir, r, why) < 0)
		return 1;
	return ret;
}

int systemd_devices_drift(const struct record *r, const struct saved_device *saved, size_t n,
			  const bool *present, char unit[UNIT_NAME_MAX], char **drift,
			  struct err *e)
{
	_cleanup_free_ struct unit_device *want = NULL, *cur = NULL;
	struct sdbus *b = NULL;
	size_t n_want, n_cur;
	char policy[16];
	int ret;

	*drift = NULL;
	if (n == 0 || unit_of_pid(r->id, r->pid, unit, e) != UNIT_OWN) {
		unit[0] = '\0';
		return 0;
	}
	if (sdbus_open(unit, &b, e) < 0)
		return -1;
	ret = sdbus_devices_get(b, policy, &cur, &n_cur, e);
	sdbus_close(b);
	if (ret < 0)
		return -1;
	/* an "auto" unit with no list restricts nothing (tell()): the
	 * devices are not its to grant */
	if (!strcmp(policy, "auto") && n_cur == 0) {
		unit[0] = '\0';
		return 0;
	}
	want = unit_devices_wanted(saved, n, present, saved, n, &n_want);
	*drift = unit_devices_drift(cur, n_cur, want, n_want);
	return 0;
}
