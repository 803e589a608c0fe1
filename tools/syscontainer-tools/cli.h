/* syscontainer-tools: shared pieces of the command implementations. */
#ifndef SCH_CLI_H
#define SCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "container.h"
#include "engine.h"
#include "qos.h"
#include "error.h"
#include "store.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli {
	const char *root;       /* state store */
	bool root_given;        /* by the global --root flag */
	const char *rundir;     /* runtime records */
	const char *log;        /* --log, or NULL for syslog */
	enum engine_kind engine; /* --engine or $SYSCONTAINER_ENGINE; ENGINE_NONE:
				  * the engines the runtime records show */
};

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;       /* usage line after the command name */
	const char *help;       /* flags and notes, printed by --help */
};

/* Print "syscontainer-tools CMD: message" and a hint; returns EXIT_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the one-line error; returns EXIT_FAIL. */
int fail(const struct command *cmd, const struct err *e);
void command_help(const struct command *cmd, FILE *f);

/* The container a command works on, locked for the whole command. */
struct target {
	char *id;
	bool running;
	struct container c;     /* valid when running */
	struct store store;
	char *doc_before;       /* the saved state as opened, when not running */
};

enum { TARGET_MUST_RUN = 0, TARGET_MAY_BE_STOPPED = 1 };

/* Resolve @arg (an id, a name the engine knows, an id prefix) to a
 * container id, take its state lock (creating its state
 * directory with @create) and attach to it if it runs. TARGET_MUST_RUN
 * fails when it is not running, unless it has saved state: then the
 * change is saved only (say, between the stop and start of a restart).
 * Without @create, a container that neither runs nor has saved state is
 * unknown: an error. */
int target_open(struct cli *cli, const char *arg, int need, int create, struct target *t,
		struct err *e);
/* When the saved state of a container that is not running was changed,
 * note it for cli_report_saved_only. */
void target_close(struct target *t);
/* @arg as a container id (cli_resolve_id; container_name.h). */
int cli_resolve_id(const struct cli *cli, const char *arg, char **id, char *note, size_t len,
		   struct err *e);
/* After a command succeeded: a line on stdout for each container whose
 * change was only saved, saying it applies at its next start. */
void cli_report_saved_only(void);

struct net_ctx;
/* Netlink sockets in the host and in the running container's network
 * namespace (checked against the container's pidfd). */
int target_net_open(const struct target *t, struct net_ctx *c, int *netns, struct err *e);
void target_net_close(struct net_ctx *c, int netns);
/* Refuse to change the network of a running container in the host's
 * network namespace, or in one it joins by path without consent; @allow
 * (--allow-shared-netns) gives that consent, saved in the state. A stopped
 * container passes: the hook checks at its next start. */
int target_net_guard(struct target *t, bool allow, struct err *e);

/* QoS settings of a command (qos.c). */
struct qos_req {
	struct qos_spec *q;
	size_t n;
	int64_t *major, *minor;         /* of each device, after resolve */
};
struct saved_device;
struct cJSON;
int qos_req_add(struct qos_req *r, enum qos_kind k, const char *arg, struct err *e);
void qos_req_free(struct qos_req *r);
/* Each device must be a block device (a disk) that is in @a or @b. */
int qos_req_resolve(struct qos_req *r, const struct saved_device *a, size_t na,
		    const struct saved_device *b, size_t nb, const char *id, struct err *e);
/* Write the settings into the running container's cgroup; on failure the
 * ones already written get their saved value back. */
int qos_req_apply(const struct target *t, const struct qos_req *r, struct err *e);
void qos_req_save(struct cJSON *doc, const struct qos_req *r);
void qos_req_report(const char *id, const struct qos_req *r, bool live);
/* Forget (and, live, lift) every QoS setting of major:minor. */
void qos_clear_device(const struct target *t, struct cJSON *doc, int64_t maj, int64_t min,
		      bool live);

struct option;
/* Parse the flags of @cmd (anywhere on the line); --help is handled here.
 * @on_flag gets each other flag with its long name; when it refuses one it
 * may explain why in @e. Returns -1 to go on, or an exit status
 * to return at once. On -1, argv[1] .. argv[*end - 1] are the
 * positional arguments. */
int parse_flags(const struct command *cmd, int argc, char **argv, const struct option *opts,
		int (*on_flag)(int c, const char *name, const char *arg, void *ctx,
			       struct err *e),
		void *ctx, int *end);

/* Print a JSON value, indented with @pretty. */
void print_json(const void *cjson, bool pretty);

extern const struct command cmd_add_device, cmd_remove_device, cmd_list_device,
	cmd_add_path, cmd_remove_path, cmd_list_path, cmd_list, cmd_add_nic, cmd_remove_nic,
	cmd_update_nic, cmd_list_nic, cmd_update_device, cmd_udev_partition, cmd_inject,
	cmd_import, cmd_add_route, cmd_remove_route, cmd_list_route, cmd_forget;

/* Print the entries of the array @key of the saved state that match the
 * JSON object @filter (all when NULL). */
int list_filtered(const struct command *cmd, struct cli *cli, const char *arg, const char *key,
		  const char *filter, bool pretty);

#endif
