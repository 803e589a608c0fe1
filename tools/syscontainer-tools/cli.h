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

/* One flag of a command. --help is made from the table, the man page and
 * the bash completion are checked against it (tests/e2e/test_cli_flags.sh),
 * and a command accepts exactly the flags of its table (and --help). */
struct cli_flag {
	const char *name;       /* long name; NULL ends a table */
	int id;                 /* what the command's on_flag gets */
	const char *value;      /* name of its value in --help; NULL: it takes none */
	const char *help;       /* --help text; each "\n" starts an indented line */
	char letter;            /* short form kept from the original tool, or 0 */
};

/* Ids of the flags several commands share (commands number theirs from 256). */
enum { CLI_F_PRETTY = 1000, CLI_F_FILTER, CLI_F_CONFIG_ONLY, CLI_F_ALLOW_SHARED,
       CLI_F_QOS = 1100 /* + enum qos_kind */ };

/* A table of flags in place: the entries, then the end. */
#define CLI_FLAGS(...) ((const struct cli_flag[]){ __VA_ARGS__, { NULL, 0, NULL, NULL, 0 } })
#define CLI_FLAG_PRETTY { "pretty", CLI_F_PRETTY, NULL, "indent the JSON", 'p' }
#define CLI_FLAG_FILTER(example) \
	{ "filter", CLI_F_FILTER, "JSON", "only entries whose fields equal those of the object,\n" \
	  "e.g. '" example "'", 'f' }

/* A command line checked against the command's table. */
struct cli_args {
	const struct command *cmd;
	char **pos;             /* positional arguments; pos[0] is the container */
	size_t n_pos;
	struct cli_given {
		const struct cli_flag *flag;
		const char *value;
	} *given;               /* the flags, in the order given */
	size_t n_given;
	bool help;
};

enum { CLI_MANY = 1u << 30 };
/* The positional arguments of a command that takes only the container. */
#define CLI_ONE_CONTAINER .min_pos = 1, .max_pos = 1, .pos_error = "needs exactly one container"

/* A command. Its definition opens with .help, what it does, and gives its
 * flags in place with CLI_FLAGS. */
struct command {
	const char *name;
	/* Returns the exit status. */
	int (*run)(struct cli *cli, const struct cli_args *a);
	const char *args;       /* usage line after the command name */
	const char *help;       /* what it does, printed by --help before the flags */
	const struct cli_flag *flags;           /* its own flags, or NULL */
	const struct cli_flag *shared_flags;    /* a table it shares with others, or NULL */
	const char *notes;      /* printed after the flags, or NULL */
	unsigned min_pos, max_pos;              /* how many positional arguments */
	const char *pos_error;  /* the usage error when that number is wrong */
	bool no_container;      /* the first positional argument is not a container */
};

/* Print "syscontainer-tools CMD: message" and a hint; returns EXIT_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop everything kept for container @arg that no longer runs (forget.c;
 * gc uses it too). */
int cli_forget(struct cli *cli, const char *arg, struct err *e);
/* Print the one-line error; returns EXIT_FAIL. */
int fail(const struct command *cmd, const struct err *e);
void command_help(const struct command *cmd, FILE *f);

/* Check the command line of @cmd against its table (--help, the number of
 * positional arguments, the container id) and run it; the exit status. */
int command_main(const struct command *cmd, struct cli *cli, int argc, char **argv);

typedef int (*cli_on_flag)(int id, const char *name, const char *value, void *ctx,
			   struct err *e);
/* Hand each given flag to @on_flag, in order: 0, or -1 after a usage
 * error line (@on_flag may say why in @e). */
int cli_flags_apply(const struct command *cmd, const struct cli_args *a, cli_on_flag on_flag,
		    void *ctx);
/* The flags main() takes before the command. */
extern const struct cli_flag cli_global_flags[];
struct option;
/* The getopt_long table of the flags of @own and @shared, and --help
 * ('h'); their letters are appended to @optstring. Returns how many. */
size_t cli_getopt_table(const struct cli_flag *own, const struct cli_flag *shared,
			struct option **opts, char *optstring, size_t len);
/* The flag getopt_long returned as @c, or NULL. */
const struct cli_flag *cli_getopt_flag(const struct cli_flag *own, const struct cli_flag *shared,
				       int c);
/* The word of the command line that held the flag getopt_long_only gave
 * last, and whether it spells @name (or @letter) in full: getopt takes any
 * unique abbreviation, the original tool took none. */
const char *cli_flag_text(char **argv);
bool cli_spelled_out(const char *name, char letter, const char *text);
/* The lines of --help for the flags of the two tables. */
void cli_flags_help(const struct cli_flag *own, const struct cli_flag *shared, FILE *out);

/* Whether flag @id was given; its last value, or NULL. */
bool cli_has(const struct cli_args *a, int id);
const char *cli_value(const struct cli_args *a, int id);

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
 * note it for cli_report_saved_only. A closed target may be closed again. */
void target_close(struct target *t);
#define _cleanup_target_ __attribute__((cleanup(target_close)))
/* @arg as a container id (cli_resolve_id; container_name.h). */
int cli_resolve_id(const struct cli *cli, const char *arg, char **id, char *note, size_t len,
		   struct err *e);
/* After a command succeeded: a line on stdout for each container whose
 * change was only saved, saying it applies at its next start. */
void cli_report_saved_only(void);

struct saved_device;
/* After @changed (those with which[i], or all when @which is NULL) were
 * added to or removed from running @t (and saved): their DeviceAllow=
 * entries in its systemd unit follow (systemd.c). */
void cli_systemd_devices(const struct cli *cli, const char *cmd, struct target *t,
			 const struct saved_device *changed, size_t n, const bool *which);

struct path_spec;
/* Bind @specs into running @t, as add-path does (path.c). */
int paths_live_add(const struct target *t, const struct path_spec *specs, size_t n,
		   struct err *e);

/* Unmount the paths of @saved marked @gone from running @t, as
 * remove-path does; @absent gets those that were not mounted (path.c). */
int paths_live_remove(const struct target *t, const struct path_spec *saved, size_t n_saved,
		      const bool *gone, bool *absent, struct err *e);

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
/* The QoS flags of add-device and update-device. */
extern const struct cli_flag qos_flags[];
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

/* Where a command prints what it did (cli_printf); it reaches stdout at
 * cli_output_end, and only when the command succeeded. */
FILE *cli_out(void);
int cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_output_end(bool success);
/* @s for a line of text output: paths and names are any bytes but NUL,
 * and one with a newline would read as two entries. Control characters
 * and the backslash are escaped the C way (--json output is exact); the
 * caller frees. */
char *cli_text(const char *s);

/* Print a JSON value, indented with @pretty. */
void print_json(const void *cjson, bool pretty);

extern const struct command cmd_add_device, cmd_remove_device, cmd_list_device,
	cmd_add_path, cmd_remove_path, cmd_list_path, cmd_list, cmd_add_nic, cmd_remove_nic,
	cmd_update_nic, cmd_list_nic, cmd_update_device, cmd_udev_partition, cmd_inject,
	cmd_import, cmd_add_route, cmd_remove_route, cmd_list_route, cmd_forget, cmd_check, cmd_gc;

#endif
