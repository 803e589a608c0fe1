/* prestart / createRuntime: the container's namespaces exist, its init
 * waits, its rootfs is mounted: not yet its root under runc and crun,
 * already its root under openEuler lxc (container_root_in_ns tells
 * which). Re-create every saved
 * device node and bind mount inside it in one pass through its mount
 * namespace, grant the devices in its cgroup, bring its network up, then
 * write the runtime record the CLI uses to find it.
 *
 * The pass through the mount namespace runs in a worker thread while we
 * set QoS and the network: the two do not depend on each other, and the
 * start path gets the shorter of them, not their sum.
 *
 * Devices, binds and cgroup grants live and die with the container, so
 * their failure needs no undo: the runtime tears the half-made container
 * down. The network does not (a pinned namespace, eth links moved out of
 * the host), so when a later step fails it is taken down here. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bind.h"
#include "device.h"
#include "device_cgroup.h"
#include "cgroup.h"
#include "container.h"
#include "hook.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "store_net.h"
#include "store_qos.h"
#include "partition.h"
#include "progress.h"
#include "modules.h"
#include "relabel.h"
#include <fcntl.h>
#include "udev_rules.h"
#include <stdio.h>
#include "util.h"

struct prestart {
	const struct oci_state *st;
	struct oci_spec spec;
	char *rootfs;
	int pidfd, mntns_fd;
	struct store store;
	struct saved_device *devs;
	size_t n_devs;
	struct path_spec *binds;
	size_t n_binds;
	struct ns_op *ops;
	size_t n_ops;
	bool *dev_present;      /* devices whose host node exists now */
	bool *dev_hint;         /* saved, but not to be applied (derive_partitions) */
	char *cgroup;           /* v1 devices cgroup */
	char *cgroup_v2;        /* or the cgroup2 directory, device programs */
	char **baseline;
	size_t n_baseline;
	bool dirty;
	const struct hook_opts *o;
	struct relabel_owner owner;
	struct ns_op *relabel;  /* the relabel step among ops, when asked for */
	struct ns_job job;      /* the worker in the mount namespace */
	bool net_up;
	struct instance now;    /* the instance starting (hook_instance_check) */
	size_t n_qos, n_qos_skipped;
};

static int load(struct prestart *p, const struct hook_opts *o, struct err *e)
{
	_cleanup_free_ char *rootfs = NULL;

	if (p->st->pid <= 0)
		return err_set(e, EINVAL, "the OCI state has no pid");
	progress_path(PROGRESS_MAIN, "reading config.json in", p->st->bundle);
	if (oci_spec_load(p->st->bundle, &p->spec, e) < 0)
		return -1;
	rootfs = oci_rootfs_path(p->st, &p->spec);
	if (pid_open_mntns(p->st->pid, &p->pidfd, &p->mntns_fd, e) < 0 ||
	    container_root_in_ns(p->pidfd, p->st->pid, rootfs, &p->rootfs, e) < 0)
		return -1;
	/* STORE_CREATE: the lock is held for the whole prestart even for a
	 * container with nothing saved yet, so a concurrent add-device either
	 * finishes before we read the state or finds the record we write;
	 * and the container is known from now on, even while it is stopped */
	if (store_open(store_root(o->root), p->st->id, STORE_CREATE, &p->store, e) < 0 ||
	    store_devices(&p->store, &p->devs, &p->n_devs, e) < 0 ||
	    store_binds(&p->store, &p->binds, &p->n_binds, e) < 0)
		return -1;
	return 0;
}

/* The devices cgroup and the rules the runtime set, before ours. */
static int read_cgroup(struct prestart *p, struct err *e)
{
	struct err v1 = { 0 }, v2 = { 0 };

	if (cgroup_dir(p->st->pid, "devices", &p->cgroup, &v1) == 0)
		return cgroup_device_list(p->cgroup, &p->baseline, &p->n_baseline, e);
	if (cgroup_v2_dir(p->st->pid, &p->cgroup_v2, &v2) == 0)
		return 0;
	if (p->n_devs) {
		*e = v1;
		return -1;
	}
	return 0;
}

static struct saved_device copy_device(const struct saved_device *d)
{
	struct saved_device c = *d;

	c.host = xstrdup(d->host);
	c.ctr = xstrdup(d->ctr);
	c.parent = xstrdup(d->parent);
	return c;
}

/* A saved disk whose partitions follow it, at host path @host (any). */
static bool followed(const struct saved_device *d, size_t n, const char *host)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].follow && !d[i].parent[0] && (!host || !strcmp(d[i].host, host)))
			return true;
	return false;
}

/* The partitions saved with @disk, in order, are exactly @now? */
static bool same_partitions(const struct saved_device *d, size_t n, const char *disk,
			    const struct saved_device *now, size_t n_now)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(d[i].parent, disk) != 0)
			continue;
		if (k == n_now || strcmp(d[i].host, now[k].host) || strcmp(d[i].ctr, now[k].ctr) ||
		    d[i].major != now[k].major || d[i].minor != now[k].minor ||
		    strcmp(d[i].perms, now[k].perms))
			return false;
		k++;
	}
	return k == n_now;
}

struct dev_list {
	struct saved_device *d;
	bool *hint;
	size_t n, cap;
};

static void dev_list_push(struct dev_list *l, struct saved_device d, bool hint)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->d = xrealloc(l->d, l->cap * sizeof(*l->d));
		l->hint = xrealloc(l->hint, l->cap * sizeof(*l->hint));
	}
	l->d[l->n] = d;
	l->hint[l->n++] = hint;
}

/* Append the partitions of followed disk @disk as sysfs has them now;
 * when the disk is not there, its saved partitions stay, as hints. */
static void disk_now(struct prestart *p, const struct saved_device *disk, struct dev_list *out)
{
	_cleanup_free_ struct partition *parts = NULL;
	_cleanup_free_ struct saved_device *now = NULL;
	struct block_info info;
	struct err why = { 0 };
	size_t np = 0;

	if (disk_partitions(disk->host, &info, &parts, &np, &why) < 0) {
		log_warn("%s: partitions of %s skipped: %s", p->st->id, disk->host, why.msg);
		for (size_t i = 0; i < p->n_devs; i++)
			if (!strcmp(p->devs[i].parent, disk->host))
				dev_list_push(out, copy_device(&p->devs[i]), true);
		return;
	}
	now = partition_devices(disk, info.name, parts, np);
	if (!same_partitions(p->devs, p->n_devs, disk->host, now, np)) {
		log_info("%s: partitions of %s (%s) are now %zu", p->st->id, disk->host, info.name,
			 np);
		p->dirty = true;
	}
	for (size_t i = 0; i < np; i++)
		dev_list_push(out, now[i], false);
}

/* Saved partition names are hints only: the kernel may have given them to
 * another disk's partitions since (a disk detached and another attached
 * under its name). The partitions of each followed disk are listed again
 * from sysfs at every start, those that came while it was stopped
 * included, and replace the saved ones. */
static void derive_partitions(struct prestart *p)
{
	struct dev_list out = { 0 };

	if (!followed(p->devs, p->n_devs, NULL))
		return;
	for (size_t i = 0; i < p->n_devs; i++) {
		const struct saved_device *d = &p->devs[i];

		if (d->parent[0] && followed(p->devs, p->n_devs, d->parent))
			continue;       /* derived again, with its disk */
		dev_list_push(&out, copy_device(d), false);
		if (d->follow && !d->parent[0])
			disk_now(p, d, &out);
	}
	saved_devices_free(p->devs, p->n_devs);
	p->devs = out.d;
	p->n_devs = out.n;
	p->dev_hint = out.hint;
}

/* A partition goes to the container only when its node is, in sysfs, a
 * partition of the disk it was saved with, as that disk is now. */
static bool partition_ok(struct prestart *p, const struct saved_device *d)
{
	struct err why = { 0 };

	if (!d->parent[0] || partition_check(d->host, d->parent, &why) == 0)
		return true;
	log_warn("%s: partition %s skipped: %s", p->st->id, d->host, why.msg);
	return false;
}

/* A saved device whose host node is gone (an unplugged disk) is skipped
 * with a warning so that the container still starts; it stays saved. */
static int add_device_ops(struct prestart *p, struct err *e)
{
	p->dev_present = xcalloc(p->n_devs, sizeof(bool));
	for (size_t i = 0; i < p->n_devs; i++) {
		struct saved_device *d = &p->devs[i];
		struct host_device h;
		struct err why = { 0 };

		if ((p->dev_hint && p->dev_hint[i]) || !partition_ok(p, d))
			continue;
		if (host_device_stat(d->host, &h, &why) < 0) {
			log_warn("%s: device %s skipped: %s", p->st->id, d->host, why.msg);
			continue;
		}
		if (device_refresh(d, &h)) {
			log_info("%s: device %s is now %c %lld:%lld", p->st->id, d->host, d->type,
				 (long long)d->major, (long long)d->minor);
			p->dirty = true;
		}
		device_mknod_op(&p->ops[p->n_ops++], d, &h, &p->spec, true);
		p->dev_present[i] = true;
	}
	(void)e;
	return 0;
}

static int add_bind_ops(struct prestart *p, struct err *e)
{
	for (size_t i = 0; i < p->n_binds; i++) {
		struct ns_op *op = &p->ops[p->n_ops];

		if (bind_op(op, &p->binds[i], &p->spec, e) < 0) {
			if (e->code != ENOENT)
				return err_wrap(e, "path %s", p->binds[i].ctr);
			log_warn("%s: path %s skipped: %s", p->st->id, p->binds[i].ctr, e->msg);
			err_clear(e);
			continue;
		}
		p->n_ops++;
	}
	return 0;
}

/* --with-relabel: one more step in the same pass through the namespace. */
static int add_relabel_op(struct prestart *p, struct err *e)
{
	struct ns_op *op;
	int on;

	if (!p->o->with_relabel)
		return 0;
	on = relabel_host_enabled(e);
	if (on < 0)
		return -1;
	if (!on) {
		log_info("%s: SELinux is disabled on this host; no relabel", p->st->id);
		return 0;
	}
	container_root_ids(&p->spec, &p->owner.uid, &p->owner.gid);
	op = &p->ops[p->n_ops++];
	memset(op, 0, sizeof(*op));
	op->kind = NS_OP_CALL;
	op->call = relabel_prepare;
	op->arg = &p->owner;
	op->tree_fd = -1;
	p->relabel = op;
	return 0;
}

/* Start the pass through the mount namespace (finish_devices waits). */
static int start_devices(struct prestart *p, struct err *e)
{
	derive_partitions(p);
	p->ops = xcalloc(p->n_devs + p->n_binds + 1, sizeof(*p->ops));
	if (add_device_ops(p, e) < 0 || add_bind_ops(p, e) < 0 || add_relabel_op(p, e) < 0)
		return -1;
	if (p->n_ops == 0)
		return 0;
	return ns_start(p->mntns_fd, p->rootfs, p->ops, p->n_ops, true, &p->job, e);
}

/* Wait for the pass, then grant the devices in the cgroup. */
static int finish_devices(struct prestart *p, struct err *e)
{
	_cleanup_close_ int allow = -1;

	if (ns_wait(&p->job, e) < 0 || ns_ops_check(p->ops, p->n_ops, e) < 0)
		return -1;
	if (p->relabel)
		log_info("%s: %s", p->st->id, p->relabel->err.msg);
	/* nothing saved: the runtime's device program is left as it is */
	if (p->cgroup_v2)
		return p->n_devs ? devices_v2_set(p->cgroup_v2, p->devs, p->n_devs, p->dev_present, e) : 0;
	for (size_t i = 0; i < p->n_devs; i++) {
		const struct saved_device *d = &p->devs[i];

		if (!p->dev_present[i])
			continue;
		if (allow < 0 && (allow = cgroup_rules_open(p->cgroup, "devices.allow", e)) < 0)
			return -1;
		if (cgroup_rule_write(allow, d->type, d->major, d->minor, d->perms, e) < 0)
			return err_wrap(e, "device %s", d->ctr);
	}
	return 0;
}

/* One QoS setting: 0 applied, 1 skipped with a warning, -1 failed. Like a
 * missing device, a weight that the device's scheduler cannot take now
 * (bfq was set by hand and a reboot reset it) is skipped: the container
 * still starts, the setting stays saved, and `list` says it is not in
 * effect. */
static int apply_one_qos(struct prestart *p, struct qos_cgroup *cg, enum qos_kind k,
			 const struct saved_qos *q, struct err *e)
{
	struct err why = { 0 };
	char reason[128];
	int64_t maj, min;

	if (qos_check_device(q->path, &maj, &min, &why) < 0) {
		log_warn("%s: %s of %s skipped: %s", p->st->id, qos_flag(k), q->path, why.msg);
		return 1;
	}
	if (maj != q->major || min != q->minor) {
		store_qos_remove(p->store.doc, k, q->major, q->minor);
		store_qos_set(p->store.doc, k, q->path, maj, min, q->value);
		p->dirty = true;
	}
	/* the cgroup is looked up once, for the first setting */
	if (!cg->dir && qos_cgroup_find(p->st->pid, cg, e) < 0)
		return err_wrap(e, "%s of %s", qos_flag(k), q->path);
	if (qos_write(cg, k, maj, min, q->value, e) == 0)
		return 0;
	if (k != QOS_WEIGHT || (e->code != EOPNOTSUPP && e->code != ENOTSUP))
		return err_wrap(e, "%s of %s", qos_flag(k), q->path);
	/* the scheduler allows weights: the kernel's refusal says why */
	log_warn("%s: %s of %s skipped: %s", p->st->id, qos_flag(k), q->path,
		 qos_weight_possible(maj, min, reason, sizeof(reason)) ? e->msg : reason);
	err_clear(e);
	return 1;
}

/* Device QoS, with the numbers the devices have on this host now. */
static int apply_qos(struct prestart *p, struct err *e)
{
	struct qos_cgroup cg = { NULL, false };
	int r = 0;

	for (int k = 0; k < QOS_KINDS && r == 0; k++) {
		struct saved_qos *q = NULL;
		size_t n = 0;

		if (store_qos(p->store.doc, (enum qos_kind)k, &q, &n, e) < 0) {
			r = -1;
			break;
		}
		for (size_t i = 0; i < n && r == 0; i++) {
			int one = apply_one_qos(p, &cg, (enum qos_kind)k, &q[i], e);

			if (one < 0)
				r = -1;
			else
				p->n_qos_skipped += (size_t)one;
			p->n_qos++;
		}
		free(q);
	}
	qos_cgroup_free(&cg);
	return r;
}

/* Disks whose partitions follow them get their udev rule (again): the
 * disk's kernel name may have changed since the last start. The rule
 * names this hook's store, runtime directory and log. A failure here
 * costs partition following only, so it is logged, not fatal. */
static void follow_disks(struct prestart *p)
{
	for (size_t i = 0; i < p->n_devs; i++) {
		struct udev_rule rule = { 0 };
		struct block_info info;
		struct err why = { 0 };

		if (!p->devs[i].follow || !p->dev_present[i])
			continue;
		snprintf(rule.id, sizeof(rule.id), "%s", p->st->id);
		snprintf(rule.ctr_disk, sizeof(rule.ctr_disk), "%s", p->devs[i].ctr);
		if (udev_rule_paths(&rule, store_root(p->o->root), record_dir(), p->o->log,
				    &why) == 0 && block_info(p->devs[i].host, &info, &why) == 0) {
			snprintf(rule.disk, sizeof(rule.disk), "%s", info.name);
			if (udev_rules_add(&rule, &why) == 0)
				continue;
		}
		log_warn("%s: partitions of %s will not follow: %s", p->st->id, p->devs[i].host,
			 why.msg);
	}
}

/* KERNEL_MODULES=a,b in the container's environment: loaded on the host
 * only when the host's allow-list names every one of them. */
static int load_modules(struct prestart *p, struct err *e)
{
	const char *allow_path = modules_allow_path();
	_cleanup_free_ char *text = NULL;
	char **names = NULL, **allow = NULL;
	_cleanup_free_ bool *present = NULL;
	size_t n = 0, n_allow = 0;
	int r = -1;

	if (modules_from_env(p->spec.env, p->spec.n_env, &names, &n, e) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (read_file_at(AT_FDCWD, allow_path, MAX_FILE_SIZE, &text, NULL, e) < 0) {
		if (e->code != ENOENT)
			goto out;
		err_clear(e);
	}
	if (modules_allow_parse(text ? text : "", &allow, &n_allow, e) < 0) {
		err_wrap(e, "%s", allow_path);
		goto out;
	}
	present = xcalloc(n, sizeof(bool));
	if (modules_check_allowed(names, n, allow, n_allow, allow_path, e) < 0 ||
	    modules_load(names, n, present, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		log_info("%s: kernel module %s %s", p->st->id, names[i],
			 present[i] ? "is there already (loaded or built in)" : "loaded");
	r = 0;
out:
	str_list_free(names, n);
	str_list_free(allow, n_allow);
	return r;
}

/* Write refreshed device numbers back (hosts renumber across reboots). */
static int save_refreshed(struct prestart *p, struct err *e)
{
	if (!p->dirty)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(p->store.doc, "deviceToAdd");
	for (size_t i = 0; i < p->n_devs; i++)
		store_add_device(&p->store, &p->devs[i]);
	return store_save(&p->store, e);
}

/* What the record holds to know this instance again and to clean up
 * after it without hook.json: its pid's start time, its network namespace,
 * the interfaces made in it. */
static int record_instance(struct prestart *p, struct record *r, struct err *e)
{
	_cleanup_close_ int netns = -1;
	struct stat st;

	r->start_time = p->now.start_time;
	if (pid_open_ns(p->pidfd, p->st->pid, "net", &netns, e) < 0)
		return -1;
	if (fstat(netns, &st) < 0)
		return err_sys(e, errno, "stat network namespace");
	r->netns_dev = st.st_dev;
	r->netns_ino = st.st_ino;
	r->nics_known = true;
	return store_nics(p->store.doc, &r->nics, &r->n_nics, e);
}

static int write_record(struct prestart *p, struct err *e)
{
	struct record r = {
		.id = p->st->id,
		.pid = p->st->pid,
		.bundle = p->st->bundle,
		.rootfs = p->rootfs,
		.devices_cgroup = p->cgroup,
		.devices_v2 = p->cgroup_v2 != NULL,
		.baseline = p->baseline,
		.n_baseline = p->n_baseline,
	};
	struct stat st;
	int ret;

	if (fstat(p->mntns_fd, &st) < 0)
		return err_sys(e, errno, "stat mount namespace");
	r.mntns_dev = st.st_dev;
	r.mntns_ino = st.st_ino;
	ret = record_instance(p, &r, e);
	if (ret == 0)
		ret = record_write(record_dir(), &r, e);
	free(r.nics);
	return ret;
}

/* What was applied and what was skipped (each skip has its warning). */
static void log_done(const struct prestart *p)
{
	size_t devs = 0, binds = 0, skipped;

	for (size_t i = 0; i < p->n_devs; i++)
		devs += p->dev_present[i];
	for (size_t i = 0; i < p->n_ops; i++)
		binds += p->ops[i].kind == NS_OP_BIND;
	skipped = p->n_devs - devs + p->n_binds - binds + p->n_qos_skipped;
	log_info("%s: prestart: %zu device(s), %zu path(s) and %zu QoS setting(s) applied, "
		 "%zu skipped (pid %d)", p->st->id, devs, binds, p->n_qos - p->n_qos_skipped,
		 skipped, p->st->pid);
}

static void cleanup(struct prestart *p)
{
	ns_ops_close(p->ops, p->n_ops);
	free(p->ops);
	free(p->dev_present);
	free(p->dev_hint);
	saved_devices_free(p->devs, p->n_devs);
	path_specs_free(p->binds, p->n_binds);
	store_close(&p->store);
	oci_spec_free(&p->spec);
	str_list_free(p->baseline, p->n_baseline);
	free(p->cgroup);
	free(p->cgroup_v2);
	free(p->rootfs);
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->mntns_fd >= 0)
		close(p->mntns_fd);
}

int hook_prestart(const struct hook_opts *o, const struct oci_state *st, struct err *e)
{
	struct prestart p = { .st = st, .pidfd = -1, .mntns_fd = -1, .o = o };
	struct err undo = { 0 };
	int r, w;

	p.store.lock_fd = -1;
	if (hook_id_unstorable(st, o->state))
		return 0;
	r = hook_instance_check(o, st, &p.now, e);
	if (r != 0)
		return r > 0 ? 0 : -1;
	r = load(&p, o, e);
	progress_set(PROGRESS_MAIN, "reading the container's cgroup");
	if (r == 0)
		r = read_cgroup(&p, e);
	if (r == 0)
		r = start_devices(&p, e);
	/* while the worker is in the mount namespace */
	progress_set(PROGRESS_MAIN, "setting the devices' I/O limits");
	if (r == 0)
		r = apply_qos(&p, e);
	progress_set(PROGRESS_MAIN, "loading kernel modules");
	if (r == 0)
		r = load_modules(&p, e);
	progress_set(PROGRESS_MAIN, "bringing the network up");
	if (r == 0) {
		r = hook_network_up(st, p.pidfd, p.store.doc, e);
		p.net_up = r == 0;
	}
	/* the worker is joined whatever happened above */
	progress_set(PROGRESS_MAIN, "waiting for the work in the container's mount namespace");
	w = r == 0 ? finish_devices(&p, e) : ns_wait(&p.job, &undo);
	err_warn(&undo, "%s: prestart failed; the work in its mount namespace", st->id);
	if (r == 0)
		r = w;
	if (r == 0)
		follow_disks(&p);
	progress_set(PROGRESS_MAIN, "saving the state and the runtime record");
	if (r == 0)
		r = save_refreshed(&p, e);
	if (r == 0)
		r = write_record(&p, e);
	progress_set(PROGRESS_MAIN, "finishing");
	if (r < 0 && p.net_up && hook_network_down(st->id, p.store.doc, &undo) < 0)
		err_warn(&undo, "%s: prestart failed; taking its network down", st->id);
	if (r == 0)
		log_done(&p);
	cleanup(&p);
	return r;
}
