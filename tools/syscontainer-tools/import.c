/* import: take an existing iSulad device_hook.json (the original tool's
 * saved state), or our own list --json, into our store, so operators
 * switch without re-adding anything. The original wrote Go field names
 * and read them without regard to case; the store puts them in its
 * spelling (store_import.h) and checks them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_import.h"
#include "util.h"

static int import(struct cli *cli, const char *id, const char *file, bool force, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_cjson_ cJSON *in = NULL;
	cJSON *doc;
	struct store s;
	size_t len;
	int r = -1;

	if (read_file_at(AT_FDCWD, file, MAX_FILE_SIZE, &buf, &len, e) < 0)
		return -1;
	if (json_parse(buf, len, &in, e) < 0)
		return err_wrap(e, "%s", file);
	doc = store_respell(in, e);
	if (!doc || store_validate(doc, e) < 0 || store_check_unique(doc, e) < 0) {
		cJSON_Delete(doc);
		return err_wrap(e, "%s", file);
	}
	if (store_open(cli->root, id, STORE_LAZY, &s, e) < 0) {
		cJSON_Delete(doc);
		return -1;
	}
	if (s.doc->child && !force) {
		err_set(e, EEXIST, "container %s already has saved state in %s (--force replaces it)",
			id, s.path);
		cJSON_Delete(doc);
		goto out;
	}
	cJSON_Delete(s.doc);
	s.doc = doc;
	if (store_save(&s, e) < 0)
		goto out;
	cli_printf("Imported %s into %s\n", file, s.path);
	log_info("%s: imported %s", id, file);
	r = 0;
out:
	store_close(&s);
	return r;
}

enum { F_FORCE = 256 };

static int run_import(struct cli *cli, const struct cli_args *a)
{
	struct err e = { 0 };

	return import(cli, a->pos[0], a->pos[1], cli_has(a, F_FORCE), &e) < 0 ?
	       fail(&cmd_import, &e) : 0;
}

const struct command cmd_import = {
	.help = "Take FILE, a device_hook.json saved by the original syscontainer-tools\n"
		"(<isulad root>/engines/lcr/<id>/device_hook.json) or the output of\n"
		"'list --json', as the saved state of CONTAINER: devices, paths, QoS,\n"
		"interfaces and routes are re-applied by the hook from the container's next\n"
		"start. Field names are matched without regard to case, as the original tool\n"
		"read them; everything is checked first. Two entries for one container path,\n"
		"or for one interface name in the container, are refused.\n",
	.name = "import",
	.run = run_import,
	.args = "CONTAINER FILE [--force]",
	.flags = CLI_FLAGS(
		{ "force", F_FORCE, NULL, "replace state already saved for CONTAINER", 0 }),
	.min_pos = 2,
	.max_pos = 2,
	.pos_error = "needs a container id and a file",
};
