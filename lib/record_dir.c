/* Where the runtime records are, apart from record.c: the logger names
 * its fallback file after it, and syscontainer-runtime, which links the
 * logger, links with libc alone. */
#include "config.h"
#include "record.h"

const char *record_dir(void)
{
	const char *env = config_get(CONFIG_RUNDIR);

	return env ? env : RECORD_DIR_DEFAULT;
}
