/* After a device change on a running container: tell its systemd unit,
 * so that the next `systemctl daemon-reload` keeps what we granted. The
 * change is made and saved already; a unit that cannot be told is a
 * warning, not a failure. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"
#include "systemd_devices.h"
#include "util.h"

void cli_systemd_devices(const struct cli *cli, const char *cmd, struct target *t,
			 const struct saved_device *changed, size_t n, const bool *which)
{
	_cleanup_free_ struct saved_device *some = xcalloc(n + 1, sizeof(*some));
	struct saved_device *saved = NULL;
	struct err why = { 0 };
	size_t n_saved = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		if (!which || which[i])
			some[k++] = changed[i];         /* shallow: @changed owns them */
	if (!t->running || k == 0)
		return;
	if (store_devices(&t->store, &saved, &n_saved, &why) < 0 ||
	    systemd_devices_sync(cli->rundir, &t->c.rec, saved, n_saved, some, k, &why) > 0) {
		fprintf(stderr, "syscontainer-tools %s: warning: %s: systemd will take the devices "
			"back at its next daemon-reload: %s\n", cmd, t->id, why.msg);
		log_warn("%s: systemd will take the devices back at its next daemon-reload: %s",
			 t->id, why.msg);
	}
	saved_devices_free(saved, n_saved);
}
