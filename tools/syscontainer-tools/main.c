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
#include "log.h"
#include "record.h"
#include "store.h"

static const struct command *const commands[] = {
	&cmd_add_device, &cmd_remove_device, &cmd_update_device, &cmd_list_device,
	&cmd_add_path, &cmd_remove_path, &cmd_list_path, &cmd_add_nic, &cmd_remove_nic,
	&cmd_update_nic, &cmd_list_nic, &cmd_add_route, &cmd_remove_route, &cmd_list_route,
	&cmd_list, &cmd_inject, &cmd_import, &cmd_forget, &cmd_udev_partition,
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->args);
	fputs("\n"
	      "Global flags (before the command):\n"
	      "  --root DIR            state store (default $SYSCONTAINER_HOOKS_ROOT or\n"
	      "                        " STORE_ROOT_DEFAULT ")\n"
	      "  --log FILE            append log lines to FILE ('-' or '.' = stderr;\n"
	      "                        default: syslog); an unusable FILE is warned\n"
	      "                        about, the lines then go to syslog or\n"
	      "                        " RECORD_DIR_DEFAULT ".log\n"
	      "  --engine isula|docker|podman\n"
	      "                        the engine that resolves container names (default\n"
	      "                        $SYSCONTAINER_ENGINE, else the engines of the\n"
	      "                        running containers); docker and podman are asked\n"
	      "                        on $SYSCONTAINER_ENGINE_SOCKET or their default\n"
	      "                        socket, iSulad with 'isula inspect'\n"
	      "  --log-level L, --log-format F, --syslog-service S\n"
	      "                        accepted for compatibility with the original tool\n"
	      "  --version, --help\n"
	      "\n"
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "syslog-service", required_argument, NULL, 'S' },
		{ "engine", required_argument, NULL, 'E' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	const char *log = NULL, *engine = NULL;
	const struct command *cmd;
	struct err e = { 0 };
	int c, r;

	/* "+": stop at the command; its own flags are parsed by the command */
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': cli.root = optarg; cli.root_given = true; break;
		case 'l': log = optarg; break;
		case 'L': case 'F': case 'S': break;
		case 'E': engine = optarg; break;
		case 'v': printf("syscontainer-tools %s\n", VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: return global_usage_error("unknown global flag or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return global_usage_error("no command given");
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "syscontainer-tools: unknown command '%s' (see 'syscontainer-tools --help')\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (engine ? engine_parse(engine, &cli.engine, &e) : engine_from_env(&cli.engine, &e))
		return global_usage_error("%s", e.msg);
	cli.root = store_root(cli.root);
	cli.rundir = record_dir();
	cli.log = log;
	log_open("syscontainer-tools", log);
	argc -= optind;
	argv += optind;
	optind = 0;     /* re-initialise getopt for the command's flags */
	r = cmd->run(&cli, argc, argv);
	if (r == 0)
		cli_report_saved_only();
	log_close();
	return r;
}
