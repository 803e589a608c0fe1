/* The command line of an OCI runtime (runc, crun), read as runc reads it:
 * global flags, then the command, then the command's flags and arguments.
 * syscontainer-runtime needs only two answers from it: is this a create
 * (or a run), and which bundle. Pure functions, unit-tested. */
#ifndef SCH_RUNTIME_ARGS_H
#define SCH_RUNTIME_ARGS_H

#include <stdbool.h>

struct runtime_call {
	int command;            /* index in argv of the command, or -1 */
	bool creates;           /* the command is "create" or "run" */
	const char *bundle;     /* its --bundle / -b, or NULL: the current directory */
	const char *unknown;    /* a global flag runc does not have, or NULL */
};

/* argv[0] is the program. Go's flag syntax: "-f" or "--f", a value after
 * "=" or in the next argument (bool flags only with "="); the global flags
 * end at the first non-flag or at "--". The command's flags may come
 * before or after its arguments, as runc's urfave/cli reorders them; the
 * last --bundle wins. */
void runtime_args_parse(int argc, char *const argv[], struct runtime_call *c);

#endif
