/* syscontainer-tools: add devices and host paths to a running system
 * container and save them, so the syscontainer-hooks prestart hook puts
 * them back at every restart. The command line is that of the original
 * syscontainer-tools, so existing operator scripts keep working. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "util.h"

static const struct command *const commands[] = {
	&cmd_add_device, &cmd_remove_device, &cmd_update_device, &cmd_list_device,
	&cmd_add_path, &cmd_remove_path, &cmd_list_path, &cmd_add_nic, &cmd_remove_nic,
	&cmd_update_nic, &cmd_list_nic, &cmd_add_route, &cmd_remove_route, &cmd_list_route,
	&cmd_list, &cmd_check, &cmd_inject, &cmd_import, &cmd_forget, &cmd_gc, &cmd_udev_partition,
};

static void usage(FILE *f)
{
	fputs("Usage: syscontainer-tools [GLOBAL FLAGS] COMMAND CONTAINER [ARGS...] [FLAGS]\n"
	      "\n"
	      "Add devices, host paths, network interfaces and routes to a running system\n"
	      "container and save them so that the syscontainer-hooks prestart hook\n"
	      "re-applies them at every restart.\n"
	      "CONTAINER is a container id, a container name the engine knows, or a\n"
	      "unique prefix of an id.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->args);
	static const struct cli_flag help[] = {
		{ "help", 'h', NULL, "print this text", 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};

	fputs("\nGlobal flags (before the command):\n", f);
	cli_flags_help(cli_global_flags, help, f);
	fputs("\n"
	      "Runtime records are read from $SYSCONTAINER_HOOKS_RUNDIR or " RECORD_DIR_DEFAULT ".\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n"
	      "'syscontainer-tools COMMAND --help' describes each command.\n", f);
}

/* One line, as every other usage error: the full usage is --help. */
static int __attribute__((format(printf, 1, 2))) global_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("syscontainer-tools: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'syscontainer-tools --help')\n", stderr);
	return EXIT_USAGE;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* The global flags, up to the command; 0 to go on, else 1 + the exit
 * status. @engine gets the value of --engine. */
static int global_flags(int argc, char **argv, struct cli *cli, const char **engine)
{
	_cleanup_free_ struct option *opts = NULL;
	char optstring[16] = "+:h";
	const struct cli_flag *f;
	int c, li = -1;

	/* "+": stop at the command; its own flags are parsed by the command */
	cli_getopt_table(cli_global_flags, NULL, &opts, optstring, sizeof(optstring));
	opterr = 0;
	for (; (c = getopt_long_only(argc, argv, optstring, opts, &li)) != -1; li = -1) {
		f = cli_getopt_flag(cli_global_flags, NULL, c);
		if (li >= 0 && !cli_spelled_out(opts[li].name, f ? f->letter : 'h', cli_flag_text(argv)))
			return 1 + global_usage_error("unknown global flag: '%s'", cli_flag_text(argv));
		if (c == 'h' || (f && f->id == 'v')) {
			if (c == 'h')
				usage(stdout);
			else
				printf("syscontainer-tools %s\n", VERSION);
			return 1;
		}
		if (c == ':' && (f = cli_getopt_flag(cli_global_flags, NULL, optopt)) &&
		    !cli_spelled_out(f->name, f->letter, argv[optind - 1]))
			return 1 + global_usage_error("unknown global flag: '%s'", argv[optind - 1]);
		if (c == ':')
			return 1 + global_usage_error("missing value: '%s'", argv[optind - 1]);
		if (!f)
			return 1 + global_usage_error("unknown global flag: '%s'", argv[optind - 1]);
		if (f->id == 'r') {
			cli->root = optarg;
			cli->root_given = true;
		}
		if (f->id == 'l')
			cli->log = optarg;
		if (f->id == 'E')
			*engine = optarg;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	const char *engine = NULL;
	const struct command *cmd;
	struct err e = { 0 };
	int r;

	r = global_flags(argc, argv, &cli, &engine);
	if (r)
		return r - 1;
	if (optind >= argc)
		return global_usage_error("no command given");
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "syscontainer-tools: unknown command '%s' (see 'syscontainer-tools --help')\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	/* the SYSCONTAINER_* settings, checked before any work */
	if (config_load(&e) < 0)
		return global_usage_error("%s", e.msg);
	if (engine ? engine_parse(engine, &cli.engine, &e) : engine_from_env(&cli.engine, &e))
		return global_usage_error("%s", e.msg);
	cli.root = store_root(cli.root);
	cli.rundir = record_dir();
	log_open("syscontainer-tools", cli.log);
	r = command_main(cmd, &cli, argc - optind, argv + optind);
	if (r == 0)
		cli_report_saved_only();
	cli_output_end(r == 0);
	log_close();
	return r;
}
