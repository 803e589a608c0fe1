/* libFuzzer target: a CDI spec file, JSON or YAML (the first byte picks
 * which). Round trips: a YAML document printed as JSON parses back to the
 * same tree; a spec read into C data and written back as JSON reads back
 * the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cdi_spec.h"
#include "cdi_yaml.h"
#include "fuzz.h"
#include "json.h"

/* Compared as text: a mapping may give a key twice, which cJSON_Compare
 * (matching members by name) would call a difference. */
static void yaml_as_json(const cJSON *doc)
{
	char *text = cJSON_PrintUnformatted(doc), *text2;
	cJSON *again = NULL;
	struct err e = { 0 };

	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(json_parse(text, strlen(text), &again, &e) == 0);
	text2 = cJSON_PrintUnformatted(again);
	FUZZ_CHECK(text2 && !strcmp(text, text2));
	cJSON_Delete(again);
	cJSON_free(text);
	cJSON_free(text2);
}

static cJSON *node_json(const struct cdi_node *n)
{
	cJSON *o = cJSON_CreateObject();
	char type[2] = { n->type, 0 };

	cJSON_AddStringToObject(o, "path", n->path);
	if (strcmp(n->host_path, n->path))
		cJSON_AddStringToObject(o, "hostPath", n->host_path);
	if (n->type)
		cJSON_AddStringToObject(o, "type", type);
	if (n->major >= 0)
		cJSON_AddNumberToObject(o, "major", (double)n->major);
	if (n->minor >= 0)
		cJSON_AddNumberToObject(o, "minor", (double)n->minor);
	if (n->has_file_mode)
		cJSON_AddNumberToObject(o, "fileMode", n->file_mode);
	cJSON_AddStringToObject(o, "permissions", n->permissions[0] ? n->permissions : "none");
	if (n->uid >= 0)
		cJSON_AddNumberToObject(o, "uid", (double)n->uid);
	if (n->gid >= 0)
		cJSON_AddNumberToObject(o, "gid", (double)n->gid);
	return o;
}

static cJSON *mount_json(const struct cdi_mount *m)
{
	cJSON *o = cJSON_CreateObject(), *opts = cJSON_AddArrayToObject(o, "options");

	cJSON_AddStringToObject(o, "hostPath", m->host_path);
	cJSON_AddStringToObject(o, "containerPath", m->container_path);
	if (m->type)
		cJSON_AddStringToObject(o, "type", m->type);
	for (char **p = m->options; *p; p++)
		cJSON_AddItemToArray(opts, cJSON_CreateString(*p));
	return o;
}

static cJSON *edits_json(const struct cdi_edits *ed)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *nodes = cJSON_AddArrayToObject(o, "deviceNodes");
	cJSON *mounts = cJSON_AddArrayToObject(o, "mounts");
	cJSON *nets = ed->n_netdevs ? cJSON_AddArrayToObject(o, "netDevices") : NULL;

	for (size_t i = 0; i < ed->n_nodes; i++)
		cJSON_AddItemToArray(nodes, node_json(&ed->nodes[i]));
	for (size_t i = 0; i < ed->n_mounts; i++)
		cJSON_AddItemToArray(mounts, mount_json(&ed->mounts[i]));
	for (size_t i = 0; i < ed->n_netdevs; i++) {
		cJSON *n = cJSON_CreateObject();

		cJSON_AddStringToObject(n, "hostInterfaceName", ed->netdevs[i].host_interface_name);
		cJSON_AddStringToObject(n, "name", ed->netdevs[i].name);
		cJSON_AddItemToArray(nets, n);
	}
	return o;
}

static int same_node(const struct cdi_node *a, const struct cdi_node *b)
{
	return !strcmp(a->path, b->path) && !strcmp(a->host_path, b->host_path) &&
	       a->type == b->type && a->major == b->major && a->minor == b->minor &&
	       a->has_file_mode == b->has_file_mode && a->file_mode == b->file_mode &&
	       !strcmp(a->permissions, b->permissions) && a->uid == b->uid && a->gid == b->gid;
}

static int same_mount(const struct cdi_mount *a, const struct cdi_mount *b)
{
	size_t i = 0;

	if (strcmp(a->host_path, b->host_path) || strcmp(a->container_path, b->container_path) ||
	    !fuzz_same(a->type, b->type))
		return 0;
	for (; a->options[i] && b->options[i]; i++)
		if (strcmp(a->options[i], b->options[i]))
			return 0;
	return !a->options[i] && !b->options[i];
}

static int same_edits(const struct cdi_edits *a, const struct cdi_edits *b)
{
	if (a->n_nodes != b->n_nodes || a->n_mounts != b->n_mounts || a->n_netdevs != b->n_netdevs)
		return 0;
	for (size_t i = 0; i < a->n_nodes; i++)
		if (!same_node(&a->nodes[i], &b->nodes[i]))
			return 0;
	for (size_t i = 0; i < a->n_mounts; i++)
		if (!same_mount(&a->mounts[i], &b->mounts[i]))
			return 0;
	for (size_t i = 0; i < a->n_netdevs; i++)
		if (!fuzz_same(a->netdevs[i].name, b->netdevs[i].name) ||
		    !fuzz_same(a->netdevs[i].host_interface_name, b->netdevs[i].host_interface_name))
			return 0;
	return 1;
}

static cJSON *spec_json(const struct cdi_spec *s, int *writable)
{
	cJSON *o = cJSON_CreateObject(), *devs;

	cJSON_AddStringToObject(o, "cdiVersion", s->version);
	cJSON_AddStringToObject(o, "kind", s->kind);
	cJSON_AddItemToObject(o, "containerEdits", edits_json(&s->edits));
	devs = cJSON_AddArrayToObject(o, "devices");
	*writable = 1;
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct cdi_edits *ed = &s->devices[i].edits;
		cJSON *d = cJSON_CreateObject();

		/* env, hooks... are checked, not kept: a device with only
		 * those cannot be written back */
		if (!ed->n_nodes && !ed->n_mounts && !ed->n_netdevs)
			*writable = 0;
		cJSON_AddStringToObject(d, "name", s->devices[i].name);
		cJSON_AddItemToObject(d, "containerEdits", edits_json(ed));
		cJSON_AddItemToArray(devs, d);
	}
	return o;
}

static void write_back(const struct cdi_spec *s)
{
	int writable;
	cJSON *doc = spec_json(s, &writable);
	struct cdi_spec again;
	struct err e = { 0 };

	if (cdi_spec_from_tree("w.json", doc, &again, &e) < 0) {
		FUZZ_CHECK(!writable);
		cJSON_Delete(doc);
		return;
	}
	FUZZ_CHECK(!strcmp(again.version, s->version) && !strcmp(again.kind, s->kind));
	FUZZ_CHECK(again.n_devices == s->n_devices);
	FUZZ_CHECK(same_edits(&again.edits, &s->edits));
	for (size_t i = 0; i < s->n_devices; i++) {
		FUZZ_CHECK(!strcmp(again.devices[i].name, s->devices[i].name));
		FUZZ_CHECK(same_edits(&again.devices[i].edits, &s->devices[i].edits));
	}
	cdi_spec_free(&again);
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *file;
	cJSON *doc = NULL;
	struct cdi_spec s;
	struct err e = { 0 };

	if (size < 1)
		return 0;
	file = data[0] & 1 ? "/etc/cdi/f.yaml" : "/etc/cdi/f.json";
	if (cdi_doc_parse(file, (const char *)data + 1, size - 1, &doc, &e) < 0) {
		FUZZ_CHECK(e.msg[0] && !strchr(e.msg, '\n'));
		return 0;
	}
	if (data[0] & 1)
		yaml_as_json(doc);
	if (cdi_spec_from_tree(file, doc, &s, &e) == 0) {
		write_back(&s);
		cdi_spec_free(&s);
	} else {
		FUZZ_CHECK(e.msg[0] && !strchr(e.msg, '\n'));
		FUZZ_CHECK(!strncmp(e.msg, file, strlen(file)));
	}
	cJSON_Delete(doc);
	return 0;
}
