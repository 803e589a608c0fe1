/* check: QoS lines in the container's cgroup, and the udev rule of each
 * disk whose partitions follow it. --fix writes the line again
 * (qos_write) and the rule again (the hook's partition_follow_rule). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drift.h"
#include "partition.h"
#include "qos.h"
#include "record.h"
#include "store_qos.h"
#include "udev_rules.h"
#include "util.h"

/* The text of the file that holds setting @k in @cg, and the line it
 * should hold. Weights: the bfq file when the other is absent. */
static int qos_now(const struct qos_cgroup *cg, enum qos_kind k, const struct saved_qos *q,
		   char **text, char **want, struct err *e)
{
	const char *file = cg->v2 ? qos_v2_file(k, false) : qos_v1_file(k, false);
	_cleanup_free_ char *path = xasprintf("%s/%s", cg->dir, file);

	if (k == QOS_WEIGHT && access(path, F_OK) < 0) {
		free(path);
		file = cg->v2 ? qos_v2_file(k, true) : qos_v1_file(k, true);
		path = xasprintf("%s/%s", cg->dir, file);
	}
	*want = cg->v2 ? qos_v2_line(k, q->major, q->minor, q->value)
		       : qos_v1_line(q->major, q->minor, q->value);
	return read_file_at(AT_FDCWD, path, 1 << 20, text, NULL, e);
}

static void check_one_qos(const struct qos_cgroup *cg, enum qos_kind k, const struct saved_qos *q,
			  struct check_report *r)
{
	struct check_item *it = check_add(r, "qos", xasprintf("%s %s", qos_flag(k), q->path), NULL);
	_cleanup_free_ char *text = NULL, *want = NULL;
	struct err why = { 0 };

	if (qos_now(cg, k, q, &text, &want, &why) < 0)
		check_drift(it, xasprintf("cannot read: %s", why.msg));
	else if (!drift_qos(text, want, cg->v2))
		check_drift(it, xasprintf("line \"%s\" missing", want));
	if (it->drift && r->fix)
		check_fixed(it, qos_write(cg, k, q->major, q->minor, q->value, &why), &why);
}

int check_qos(struct target *t, struct check_report *r, struct err *e)
{
	struct qos_cgroup cg = { NULL, false };
	int ret = 0;

	for (int k = 0; k < QOS_KINDS && ret == 0; k++) {
		struct saved_qos *q = NULL;
		size_t n = 0;

		if (store_qos(t->store.doc, (enum qos_kind)k, &q, &n, e) < 0 ||
		    (n && !cg.dir && qos_cgroup_find(t->c.rec.pid, &cg, e) < 0))
			ret = -1;
		for (size_t i = 0; i < n && ret == 0; i++)
			check_one_qos(&cg, (enum qos_kind)k, &q[i], r);
		free(q);
	}
	qos_cgroup_free(&cg);
	return ret;
}

/* Is there a rule of container @id for its disk at @ctr_disk in @text? */
static bool has_rule(const char *text, const char *id, const char *ctr_disk)
{
	struct udev_rule *rules = NULL;
	struct err e = { 0 };
	bool found = false;
	size_t n = 0;

	if (udev_rules_parse(text, &rules, &n, &e) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = !strcmp(rules[i].id, id) && !strcmp(rules[i].ctr_disk, ctr_disk);
	free(rules);
	return found;
}

int check_udev(struct cli *cli, struct target *t, struct check_report *r, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	struct saved_device *d = NULL;
	size_t n = 0;

	if (store_devices(&t->store, &d, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct check_item *it;
		struct err why = { 0 };

		if (!d[i].follow || d[i].parent[0])
			continue;
		if (!text && read_file_at(AT_FDCWD, udev_rules_path(), 16 << 20, &text, NULL, &why) < 0)
			text = xstrdup("");
		it = check_add(r, "udev-rule", xasprintf("partitions of %s", d[i].ctr), NULL);
		if (has_rule(text, t->id, d[i].ctr))
			continue;
		check_drift(it, xasprintf("no rule in %s", udev_rules_path()));
		if (r->fix)
			check_fixed(it, partition_follow_rule(t->id, &d[i], cli->root, cli->rundir,
							      cli->log, &why), &why);
	}
	saved_devices_free(d, n);
	return 0;
}
