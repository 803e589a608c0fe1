/* Device QoS on the command line: the --device-*-bps/iops and
 * --blkio-weight-device flags of add-device and update-device, and the
 * update-device command. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "store_qos.h"
#include "util.h"

int qos_req_add(struct qos_req *r, enum qos_kind k, const char *arg, struct err *e)
{
	struct qos_spec q;

	if (parse_qos(arg, k, &q, e) < 0)
		return -1;
	r->q = xrealloc(r->q, (r->n + 1) * sizeof(*r->q));
	r->q[r->n++] = q;
	return 0;
}

void qos_req_free(struct qos_req *r)
{
	for (size_t i = 0; i < r->n; i++)
		qos_spec_free(&r->q[i]);
	free(r->q);
	free(r->major);
	free(r->minor);
	memset(r, 0, sizeof(*r));
}

static bool known(const struct saved_device *d, size_t n, const char *path, int64_t maj,
		  int64_t min)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].host, path) || (d[i].type == 'b' && d[i].major == maj &&
						  d[i].minor == min))
			return true;
	return false;
}

int qos_req_resolve(struct qos_req *r, const struct saved_device *a, size_t na,
		    const struct saved_device *b, size_t nb, const char *id, struct err *e)
{
	r->major = xcalloc(r->n ? r->n : 1, sizeof(int64_t));
	r->minor = xcalloc(r->n ? r->n : 1, sizeof(int64_t));
	for (size_t i = 0; i < r->n; i++) {
		const struct qos_spec *q = &r->q[i];

		if (qos_check_device(q->path, &r->major[i], &r->minor[i], e) < 0)
			return err_wrap(e, "--%s", qos_flag(q->kind));
		if (!known(a, na, q->path, r->major[i], r->minor[i]) &&
		    !known(b, nb, q->path, r->major[i], r->minor[i]))
			return err_set(e, ENOENT, "--%s: device %s was not added to container %s",
				       qos_flag(q->kind), q->path, id);
	}
	return 0;
}

/* The saved value of a setting, 0 when none. */
static uint64_t saved_value(const cJSON *doc, enum qos_kind k, int64_t maj, int64_t min)
{
	struct saved_qos *s;
	uint64_t v = 0;
	size_t n;

	/* the command read this state already: a failure here is "none" */
	if (store_qos(doc, k, &s, &n, ERR_DISCARD) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].major == maj && s[i].minor == min)
			v = s[i].value;
	free(s);
	return v;
}

int qos_req_apply(const struct target *t, const struct qos_req *r, struct err *e)
{
	struct qos_cgroup cg;
	int rc = 0;

	if (r->n == 0)
		return 0;
	if (qos_cgroup_find(t->c.rec.pid, &cg, e) < 0)
		return -1;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		if (qos_write(&cg, r->q[i].kind, r->major[i], r->minor[i], r->q[i].value, e) == 0)
			continue;
		/* put back what was there before this command */
		for (size_t j = i; j-- > 0;) {
			struct err undo = { 0 };

			if (qos_write(&cg, r->q[j].kind, r->major[j], r->minor[j],
				      saved_value(t->store.doc, r->q[j].kind, r->major[j], r->minor[j]),
				      &undo) < 0)
				err_warn(&undo, "%s: undo: --%s %s", t->id, qos_flag(r->q[j].kind),
					 r->q[j].path);
		}
		rc = err_wrap(e, "--%s %s", qos_flag(r->q[i].kind), r->q[i].path);
	}
	qos_cgroup_free(&cg);
	return rc;
}

void qos_req_save(cJSON *doc, const struct qos_req *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->q[i].value)
			store_qos_set(doc, r->q[i].kind, r->q[i].path, r->major[i], r->minor[i],
				      r->q[i].value);
		else
			store_qos_remove(doc, r->q[i].kind, r->major[i], r->minor[i]);
	}
}

void qos_req_report(const char *id, const struct qos_req *r, bool live)
{
	static const char *const what[QOS_KINDS] = {
		"read bps", "write bps", "read iops", "write iops", "blkio weight",
	};

	for (size_t i = 0; i < r->n; i++) {
		cli_printf("Update %s for device (%s,%" PRIu64 ") done.\n", what[r->q[i].kind],
		           r->q[i].path, r->q[i].value);
		log_info("%s: %s of %s (%" PRId64 ":%" PRId64 ") set to %" PRIu64 "%s", id,
			 what[r->q[i].kind], r->q[i].path, r->major[i], r->minor[i], r->q[i].value,
			 live ? "" : ", saved only");
	}
}

void qos_clear_device(const struct target *t, cJSON *doc, int64_t maj, int64_t min, bool live)
{
	struct qos_cgroup cg = { NULL, false };

	for (int k = 0; k < QOS_KINDS; k++) {
		struct err why = { 0 };

		if (!store_qos_remove(doc, (enum qos_kind)k, maj, min) || !live)
			continue;
		if ((!cg.dir && qos_cgroup_find(t->c.rec.pid, &cg, &why) < 0) ||
		    qos_write(&cg, (enum qos_kind)k, maj, min, 0, &why) < 0)
			log_warn("%s: clear %s of %" PRId64 ":%" PRId64 ": %s", t->id,
				 qos_flag((enum qos_kind)k), maj, min, why.msg);
	}
	qos_cgroup_free(&cg);
}

const struct cli_flag qos_flags[] = {
	{ "device-read-bps", CLI_F_QOS + QOS_READ_BPS, "DEV:RATE",
	  "read limit in bytes/s; units kb, mb, gb, tb, pb\n(powers of 1024); 0 removes the limit", 0 },
	{ "device-write-bps", CLI_F_QOS + QOS_WRITE_BPS, "DEV:RATE", "write limit", 0 },
	{ "device-read-iops", CLI_F_QOS + QOS_READ_IOPS, "DEV:N",
	  "read operations per second; 0 removes", 0 },
	{ "device-write-iops", CLI_F_QOS + QOS_WRITE_IOPS, "DEV:N", "write operations per second", 0 },
	{ "blkio-weight-device", CLI_F_QOS + QOS_WEIGHT, "DEV:W",
	  "proportional weight 10..1000 (needs the cfq or\nbfq scheduler); 0 removes", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

struct update_flags {
	struct qos_req req;
	bool config_only;
};

static int update_flag(int id, const char *name, const char *arg, void *ctx, struct err *e)
{
	struct update_flags *f = ctx;

	(void)name;
	if (id == CLI_F_CONFIG_ONLY) {
		f->config_only = true;
		return 0;
	}
	return qos_req_add(&f->req, (enum qos_kind)(id - CLI_F_QOS), arg, e);
}

static const struct cli_flag update_flags[] = {
	{ "update-config-only", CLI_F_CONFIG_ONLY, NULL, "only save", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static int update_devices(struct cli *cli, const char *arg, struct update_flags *f,
			  struct err *e)
{
	struct saved_device *saved = NULL;
	size_t n_saved = 0;
	struct target t;
	bool live;
	int r = -1;

	if (target_open(cli, arg, TARGET_MAY_BE_STOPPED, STORE_READ, &t, e) < 0)
		return -1;
	live = t.running && !f->config_only;
	if (store_devices(&t.store, &saved, &n_saved, e) < 0 ||
	    qos_req_resolve(&f->req, saved, n_saved, NULL, 0, t.id, e) < 0 ||
	    (live && qos_req_apply(&t, &f->req, e) < 0))
		goto out;
	qos_req_save(t.store.doc, &f->req);
	if (store_save(&t.store, e) < 0)
		goto out;
	qos_req_report(t.id, &f->req, live);
	r = 0;
out:
	saved_devices_free(saved, n_saved);
	target_close(&t);
	return r;
}

static int run_update_device(struct cli *cli, const struct cli_args *a)
{
	const struct command *cmd = &cmd_update_device;
	struct update_flags f = { 0 };
	struct err e = { 0 };
	int r;

	if (cli_flags_apply(cmd, a, update_flag, &f) < 0)
		r = EXIT_USAGE;
	else if (f.req.n == 0)
		r = usage_error(cmd, "update device should specify at least one device QoS setting");
	else
		r = update_devices(cli, a->pos[0], &f, &e) < 0 ? fail(cmd, &e) : 0;
	qos_req_free(&f.req);
	return r;
}

const struct command cmd_update_device = {
	.help = "Change the QoS of devices added with add-device, live and in the saved\n"
		"state; the prestart hook applies them at every start with the device's\n"
		"current major:minor. Each flag may be repeated.\n",
	.name = "update-device",
	.run = run_update_device,
	.args = "CONTAINER [--device-read-bps DEV:RATE] [--device-write-bps DEV:RATE] "
		"[--device-read-iops DEV:N] [--device-write-iops DEV:N] [--blkio-weight-device "
		"DEV:W] [--update-config-only]",
	.flags = update_flags,
	.shared_flags = qos_flags,
	.notes = "cgroup v1 uses blkio.throttle.*_device and blkio.weight_device or\n"
		 "blkio.bfq.weight_device; cgroup v2 uses io.max and io.weight or io.bfq.weight.\n",
	CLI_ONE_CONTAINER,
};
