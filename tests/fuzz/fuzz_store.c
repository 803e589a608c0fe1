/* libFuzzer target: hook.json as loaded from disk, everything read out of
 * it (devices, paths, nics, routes, QoS, the network consent), and the
 * runtime record. Round trip: what is read is written into a fresh
 * document with the writers the CLI uses, and that text reads back to the
 * same items. Likewise the record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "json.h"
#include "record.h"
#include "store.h"
#include "store_net.h"
#include "store_qos.h"
#include "util.h"

struct items {
	struct saved_device *d;
	struct path_spec *p;
	struct nic_spec *n;
	struct route_spec *r;
	struct saved_qos *q[QOS_KINDS];
	size_t nd, np, nn, nr, nq[QOS_KINDS];
	char *consent;
};

static void items_read(cJSON *doc, struct items *it)
{
	struct store s = { .doc = doc, .lock_fd = -1 };
	struct err e = { 0 };
	const char *consent;

	FUZZ_CHECK(store_devices(&s, &it->d, &it->nd, &e) == 0);
	FUZZ_CHECK(store_binds(&s, &it->p, &it->np, &e) == 0);
	FUZZ_CHECK(store_nics(doc, &it->n, &it->nn, &e) == 0);
	FUZZ_CHECK(store_routes(doc, &it->r, &it->nr, &e) == 0);
	for (int k = 0; k < QOS_KINDS; k++)
		FUZZ_CHECK(store_qos(doc, (enum qos_kind)k, &it->q[k], &it->nq[k], &e) == 0);
	FUZZ_CHECK(store_net_consent(doc, &consent, &e) == 0);
	it->consent = consent ? xstrdup(consent) : NULL;
}

/* A fresh document written from @it with the writers the CLI uses. */
static char *items_write(const struct items *it)
{
	_cleanup_cjson_ cJSON *out = cJSON_CreateObject();
	struct store s = { .doc = out, .lock_fd = -1 };

	for (size_t i = 0; i < it->nd; i++)
		store_add_device(&s, &it->d[i]);
	for (size_t i = 0; i < it->np; i++)
		store_add_bind(&s, &it->p[i]);
	for (size_t i = 0; i < it->nn; i++)
		store_add_nic(out, &it->n[i]);
	for (size_t i = 0; i < it->nr; i++)
		store_add_route(out, &it->r[i]);
	for (int k = 0; k < QOS_KINDS; k++)
		for (size_t i = 0; i < it->nq[k]; i++)
			store_qos_set(out, (enum qos_kind)k, it->q[k][i].path, it->q[k][i].major,
				      it->q[k][i].minor, it->q[k][i].value);
	if (it->consent)
		store_set_net_consent(out, it->consent);
	return cJSON_PrintUnformatted(out);
}

/* The writer keeps one QoS entry a device: a later one replaces it. */
static size_t qos_collapse(struct saved_qos *q, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		while (j < m && (q[j].major != q[i].major || q[j].minor != q[i].minor))
			j++;
		q[j] = q[i];
		m += j == m;
	}
	return m;
}

static bool device_same(const struct saved_device *a, const struct saved_device *b)
{
	return a->type == b->type && a->major == b->major && a->minor == b->minor &&
	       fuzz_same(a->host, b->host) && fuzz_same(a->ctr, b->ctr) &&
	       fuzz_same(a->perms, b->perms) && fuzz_same(a->parent, b->parent) &&
	       a->follow == b->follow;
}

static void items_check_same(struct items *a, const struct items *b)
{
	FUZZ_CHECK(a->nd == b->nd && a->np == b->np && a->nn == b->nn && a->nr == b->nr);
	for (size_t i = 0; i < a->nd; i++)
		FUZZ_CHECK(device_same(&a->d[i], &b->d[i]));
	for (size_t i = 0; i < a->np; i++)
		FUZZ_CHECK(fuzz_same(a->p[i].host, b->p[i].host) &&
			   fuzz_same(a->p[i].ctr, b->p[i].ctr) &&
			   fuzz_same(a->p[i].options, b->p[i].options) && a->p[i].ro == b->p[i].ro);
	/* both read by the same reader into zeroed memory: bytes compare */
	FUZZ_CHECK(a->nn == 0 || memcmp(a->n, b->n, a->nn * sizeof(*a->n)) == 0);
	FUZZ_CHECK(a->nr == 0 || memcmp(a->r, b->r, a->nr * sizeof(*a->r)) == 0);
	for (int k = 0; k < QOS_KINDS; k++) {
		a->nq[k] = qos_collapse(a->q[k], a->nq[k]);
		FUZZ_CHECK(a->nq[k] == b->nq[k]);
		FUZZ_CHECK(a->nq[k] == 0 || memcmp(a->q[k], b->q[k], a->nq[k] * sizeof(**a->q)) == 0);
	}
	FUZZ_CHECK(fuzz_same(a->consent, b->consent));
}

static void items_free(struct items *it)
{
	saved_devices_free(it->d, it->nd);
	path_specs_free(it->p, it->np);
	free(it->n);
	free(it->r);
	for (int k = 0; k < QOS_KINDS; k++)
		free(it->q[k]);
	free(it->consent);
}

static void store_round_trip(const char *data, size_t size)
{
	_cleanup_cjson_ cJSON *doc = NULL, *again = NULL;
	struct items a = { 0 }, b = { 0 };
	struct err e = { 0 };
	char *text;

	if (json_parse(data, size, &doc, &e) < 0 || store_validate(doc, &e) < 0)
		return;
	items_read(doc, &a);
	text = items_write(&a);
	FUZZ_CHECK(json_parse(text, strlen(text), &again, &e) == 0);
	FUZZ_CHECK(store_validate(again, &e) == 0);
	items_read(again, &b);
	items_check_same(&a, &b);
	items_free(&a);
	items_free(&b);
	free(text);
}

static void record_round_trip(const char *data, size_t size)
{
	struct record a, b;
	struct err e = { 0 };
	char *t1, *t2;

	if (record_parse(data, size, &a, &e) < 0)
		return;
	t1 = record_format(&a);
	FUZZ_CHECK(record_parse(t1, strlen(t1), &b, &e) == 0);
	FUZZ_CHECK(fuzz_same(a.id, b.id) && a.pid == b.pid && fuzz_same(a.bundle, b.bundle) &&
		   fuzz_same(a.rootfs, b.rootfs) && a.mntns_dev == b.mntns_dev &&
		   a.mntns_ino == b.mntns_ino && fuzz_same(a.devices_cgroup, b.devices_cgroup) &&
		   a.devices_v2 == b.devices_v2 && a.start_time == b.start_time &&
		   a.netns_ino == b.netns_ino && (!a.netns_ino || a.netns_dev == b.netns_dev));
	FUZZ_CHECK(a.n_baseline == b.n_baseline && a.nics_known == b.nics_known &&
		   a.n_nics == b.n_nics);
	for (size_t i = 0; i < a.n_baseline; i++)
		FUZZ_CHECK(fuzz_same(a.baseline[i], b.baseline[i]));
	FUZZ_CHECK(a.n_nics == 0 || memcmp(a.nics, b.nics, a.n_nics * sizeof(*a.nics)) == 0);
	/* and the writer is stable: the same text again */
	t2 = record_format(&b);
	FUZZ_CHECK(strcmp(t1, t2) == 0);
	record_free(&a);
	record_free(&b);
	free(t1);
	free(t2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	record_round_trip((const char *)data, size);
	store_round_trip((const char *)data, size);
	return 0;
}
