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
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bind.h"
#include "cgroup.h"
#include "container.h"
#include "hook.h"
#include "log.h"
#include "modules.h"
#include "prestart.h"
#include "progress.h"
#include "record.h"
#include "relabel.h"
#include "store_net.h"
#include "store_qos.h"
#include "systemd_devices.h"
#include "util.h"

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
	 * container with nothing saved, so a concurrent add-device either
	 * finishes before we read the state or finds the record we write.
	 * It makes nothing in the store: the lock lives under the records */
	if (store_open(store_root(o->root), p->st->id, STORE_CREATE, &p->store, e) < 0 ||
	    prestart_cdi(p, e) < 0 ||
	    store_devices(&p->store, &p->devs, &p->n_devs, e) < 0 ||
	    store_binds(&p->store, &p->binds, &p->n_binds, e) < 0)
		return -1;
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

/* Start the pass through the mount namespace (prestart_grant waits). */
static int start_devices(struct prestart *p, struct err *e)
{
	prestart_derive_partitions(p);
	p->ops = xcalloc(p->n_devs + p->n_binds + 1, sizeof(*p->ops));
	prestart_device_ops(p);
	if (add_bind_ops(p, e) < 0 || add_relabel_op(p, e) < 0)
		return -1;
	if (p->n_ops == 0)
		return 0;
	return ns_start(p->mntns_fd, p->rootfs, p->ops, p->n_ops, true, &p->job, e);
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
	if (!p->dirty && !p->cdi_changed)
		return 0;
	store_set_devices(&p->store, p->devs, p->n_devs);
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

/* The cgroup grants above are lost at systemd's next daemon-reload unless
 * the container's unit lists the devices too. */
static void tell_systemd(struct prestart *p, struct record *r)
{
	struct err why = { 0 };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (systemd_devices_start(p->st->id, p->st->pid, p->devs, p->n_devs, p->dev_present, r,
				  &why) > 0) {
		log_warn("%s: systemd will take the devices away at its next daemon-reload: %s",
			 p->st->id, why.msg);
		return;
	}
	if (!r->sd_known)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("%s: prestart: systemd unit %s allows %zu device(s) (%ld us)", p->st->id,
		 r->sd_unit, p->n_devs, (long)((t1.tv_sec - t0.tv_sec) * 1000000 +
					       (t1.tv_nsec - t0.tv_nsec) / 1000));
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
	tell_systemd(p, &r);
	r.mntns_dev = st.st_dev;
	r.mntns_ino = st.st_ino;
	ret = record_instance(p, &r, e);
	if (ret == 0)
		ret = record_write(record_dir(), &r, e);
	free(r.nics);
	str_list_free(r.sd_baseline, r.n_sd_baseline);
	free(r.sd_unit);
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

/* One step of the start: the progress line says @what (when given) even
 * after a failure, so that a hang is placed; @fn runs only while nothing
 * has failed (@r is 0). Returns the result so far. */
static int step(int r, struct prestart *p, const char *what,
		int (*fn)(struct prestart *p, struct err *e), struct err *e)
{
	if (what)
		progress_set(PROGRESS_MAIN, what);
	return r == 0 ? fn(p, e) : r;
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
	r = step(r, &p, "reading the container's cgroup", prestart_read_cgroup, e);
	r = step(r, &p, NULL, start_devices, e);
	/* while the worker is in the mount namespace */
	r = step(r, &p, "setting the devices' I/O limits", apply_qos, e);
	r = step(r, &p, "loading kernel modules", load_modules, e);
	progress_set(PROGRESS_MAIN, "bringing the network up");
	if (r == 0) {
		r = hook_network_up(st, p.pidfd, p.store.doc, e);
		p.net_up = r == 0;
	}
	/* the worker is joined whatever happened above */
	progress_set(PROGRESS_MAIN, "waiting for the work in the container's mount namespace");
	w = r == 0 ? prestart_grant(&p, e) : ns_wait(&p.job, &undo);
	err_warn(&undo, "%s: prestart failed; the work in its mount namespace", st->id);
	if (r == 0)
		r = w;
	if (r == 0)
		prestart_follow_disks(&p);
	r = step(r, &p, "saving the state and the runtime record", save_refreshed, e);
	r = step(r, &p, NULL, write_record, e);
	progress_set(PROGRESS_MAIN, "finishing");
	if (r < 0 && p.net_up && hook_network_down(st->id, p.store.doc, &undo) < 0)
		err_warn(&undo, "%s: prestart failed; taking its network down", st->id);
	if (r == 0)
		log_done(&p);
	cleanup(&p);
	return r;
}
