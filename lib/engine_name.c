/* Engine names apart from the engine client: config.c checks
 * $SYSCONTAINER_ENGINE with them, and syscontainer-runtime, which links
 * config.c, links with libc alone. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "util.h"

static const char *const names[] = { "", "isula", "docker", "podman" };

int engine_parse(const char *name, enum engine_kind *k, struct err *e)
{
	for (size_t i = 1; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*k = (enum engine_kind)i;
			return 0;
		}
	if (strcasecmp(name, "isulad") == 0) {
		*k = ENGINE_ISULA;
		return 0;
	}
	return err_set(e, EINVAL, "unknown engine '%.40s' (isula, docker or podman)", name);
}

const char *engine_name(enum engine_kind k)
{
	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "";
}
