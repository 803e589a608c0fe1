/* What the CLI's CONTAINER argument designates: a container id, a name
 * the engine knows, or a unique id prefix, in the order Docker resolves
 * them (exact id, then the engine's answer for a name or prefix, then a
 * prefix of the ids we keep). */
#ifndef SCH_CONTAINER_NAME_H
#define SCH_CONTAINER_NAME_H

#include <stddef.h>

#include "engine.h"
#include "error.h"

/* The engines whose bundle layout the runtime records in @rundir show, as
 * a bit mask of (1 << enum engine_kind). */
unsigned engine_from_records(const char *rundir);

/* Resolve @arg to a container id in *@id. @engine is the engine given
 * (--engine, $SYSCONTAINER_ENGINE), or ENGINE_NONE to ask the engines the
 * runtime records show. An id nobody knows is kept as it is (a new
 * container may have state saved for it); @note then says what the
 * engines answered, for the caller's "unknown" message ("" when none was
 * asked). An engine that cannot be asked is an error only when nothing
 * here matches @arg either. */
int container_resolve(const char *rundir, const char *root, const char *arg,
		      enum engine_kind engine, char **id, char *note, size_t note_len,
		      struct err *e);

#endif
