/* The flags of the command line, one table per command: parsed with
 * getopt_long_only (the original tool took -pretty as well as --pretty),
 * and --help is made from the same table. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "container_id.h"
#include "record.h"
#include "util.h"

/* getopt's value for the flag at index i of a command's own table, and of
 * its shared one. */
enum { OWN_BASE = 0x10000, SHARED_BASE = 0x20000 };

const struct cli_flag cli_global_flags[] = {
	{ "root", 'r', "DIR", "state store (default $SYSCONTAINER_HOOKS_ROOT or\n"
	  STORE_ROOT_DEFAULT ")", 0 },
	{ "log", 'l', "FILE", "append log lines to FILE ('-' or '.' = stderr;\n"
	  "default: syslog); an unusable FILE is warned\nabout, the lines then go to syslog or\n"
	  RECORD_DIR_DEFAULT ".log", 0 },
	{ "engine", 'E', "isula|docker|podman", "the engine that resolves container names (default\n"
	  "$SYSCONTAINER_ENGINE, else the engines of the\nrunning containers); docker and podman are asked\n"
	  "on $SYSCONTAINER_ENGINE_SOCKET or their default\nsocket, iSulad with 'isula inspect'", 0 },
	{ "log-level", 'L', "L", "accepted for compatibility with the original tool", 0 },
	{ "log-format", 'F', "F", "accepted for compatibility with the original tool", 0 },
	{ "syslog-service", 'S', "S", "accepted for compatibility with the original tool", 0 },
	{ "version", 'v', NULL, "print the version", 'v' },
	{ NULL, 0, NULL, NULL, 0 },
};

static size_t table_len(const struct cli_flag *t)
{
	size_t n = 0;

	while (t && t[n].name)
		n++;
	return n;
}

size_t cli_getopt_table(const struct cli_flag *own, const struct cli_flag *shared,
			struct option **opts, char *optstring, size_t len)
{
	size_t n1 = table_len(own), n2 = table_len(shared), k = strlen(optstring);
	struct option *o = xcalloc(n1 + n2 + 2, sizeof(*o));

	for (size_t i = 0; i < n1 + n2; i++) {
		const struct cli_flag *f = i < n1 ? &own[i] : &shared[i - n1];

		o[i] = (struct option){ f->name, f->value ? required_argument : no_argument, NULL,
					(i < n1 ? OWN_BASE + (int)i : SHARED_BASE + (int)(i - n1)) };
		if (f->letter && k + 3 < len) {
			optstring[k++] = f->letter;
			if (f->value)
				optstring[k++] = ':';
		}
	}
	optstring[k] = '\0';
	o[n1 + n2] = (struct option){ "help", no_argument, NULL, 'h' };
	*opts = o;
	return n1 + n2;
}

const struct cli_flag *cli_getopt_flag(const struct cli_flag *own, const struct cli_flag *shared,
				       int c)
{
	if (c >= SHARED_BASE)
		return &shared[c - SHARED_BASE];
	if (c >= OWN_BASE)
		return &own[c - OWN_BASE];
	for (const struct cli_flag *t = own; t && t->name; t++)
		if (t->letter == c)
			return t;
	for (const struct cli_flag *t = shared; t && t->name; t++)
		if (t->letter == c)
			return t;
	return NULL;
}

/* The one line for a flag the command does not take; a global flag given
 * after the command is told where it goes. */
static int bad_flag(const struct command *cmd, const char *arg)
{
	const char *name = arg + (arg[0] == '-');
	size_t len;

	name += name[0] == '-';
	len = strcspn(name, "=");
	for (const struct cli_flag *g = cli_global_flags; g->name; g++)
		if (strlen(g->name) == len && strncmp(name, g->name, len) == 0)
			return usage_error(cmd, "'%s' is a global flag: give it before the command, "
					   "as in 'syscontainer-tools --%s%s%s %s ...'", arg, g->name,
					   g->value ? " " : "", g->value ? g->value : "", cmd->name);
	return usage_error(cmd, "unknown flag '%s'", arg);
}

/* getopt_long_only also takes any unique abbreviation ("--upd" for
 * --update-config-only); a command takes only the names in its table, and
 * their letters, as the original tool did. @text is the flag as given. */
bool cli_spelled_out(const char *name, char letter, const char *text)
{
	bool one_dash = text[0] == '-' && text[1] != '-';
	size_t len;

	text += text[0] == '-';
	text += text[0] == '-';
	len = strcspn(text, "=");
	return (len == strlen(name) && strncmp(text, name, len) == 0) ||
	       (letter && one_dash && len == 1 && text[0] == letter);
}

/* The word of the command line that held the flag getopt returned last. */
const char *cli_flag_text(char **argv)
{
	/* a value given as the next word: the flag is the word before it */
	if (optarg && optarg == argv[optind - 1] && optind >= 2)
		return argv[optind - 2];
	return argv[optind - 1];
}

/* 0, or -1 after a usage error line. */
static int parse(const struct command *cmd, int argc, char **argv, struct cli_args *a)
{
	_cleanup_free_ struct option *opts = NULL;
	/* "-": positional arguments come back in order, as 1; ":": a missing
	 * value is told from an unknown flag */
	char optstring[64] = "-:h";
	int c, li = -1;

	cli_getopt_table(cmd->flags, cmd->shared_flags, &opts, optstring, sizeof(optstring));
	a->pos = xcalloc((size_t)argc + 1, sizeof(*a->pos));
	a->given = xcalloc((size_t)argc + 1, sizeof(*a->given));
	opterr = 0;
	optind = 0;
	for (; (c = getopt_long_only(argc, argv, optstring, opts, &li)) != -1; li = -1) {
		const struct cli_flag *f = cli_getopt_flag(cmd->flags, cmd->shared_flags, c);

		if (li >= 0 && !cli_spelled_out(opts[li].name, f ? f->letter : 'h', cli_flag_text(argv)))
			return bad_flag(cmd, cli_flag_text(argv)), -1;
		if (c == 1) {
			a->pos[a->n_pos++] = optarg;
		} else if (c == 'h') {
			a->help = true;
			return 0;
		} else if (c == ':') {
			f = cli_getopt_flag(cmd->flags, cmd->shared_flags, optopt);
			if (f && !cli_spelled_out(f->name, f->letter, argv[optind - 1]))
				return bad_flag(cmd, argv[optind - 1]), -1;
			return usage_error(cmd, "flag '%s' needs a value", argv[optind - 1]), -1;
		} else if (!f) {
			return bad_flag(cmd, argv[optind - 1]), -1;
		} else {
			a->given[a->n_given++] = (struct cli_given){ f, optarg };
		}
	}
	/* after "--" */
	while (optind < argc)
		a->pos[a->n_pos++] = argv[optind++];
	return 0;
}

int command_main(const struct command *cmd, struct cli *cli, int argc, char **argv)
{
	struct cli_args a = { .cmd = cmd };
	struct err e = { 0 };
	int r;

	if (parse(cmd, argc, argv, &a) < 0)
		r = EXIT_USAGE;
	else if (a.help)
		r = (command_help(cmd, stdout), 0);
	else if (!cmd->no_container && a.n_pos && container_id_check(a.pos[0], &e) < 0)
		r = usage_error(cmd, "%s", e.msg);
	else if (a.n_pos < cmd->min_pos || a.n_pos > cmd->max_pos)
		r = usage_error(cmd, "%s", cmd->pos_error);
	else
		r = cmd->run(cli, &a);
	free(a.pos);
	free(a.given);
	return r;
}

int cli_flags_apply(const struct command *cmd, const struct cli_args *a, cli_on_flag on_flag,
		    void *ctx)
{
	for (size_t i = 0; i < a->n_given; i++) {
		const struct cli_flag *f = a->given[i].flag;
		struct err e = { 0 };

		if (on_flag(f->id, f->name, a->given[i].value, ctx, &e) == 0)
			continue;
		if (e.msg[0])
			return usage_error(cmd, "%s", e.msg), -1;
		return usage_error(cmd, "invalid --%s '%s'", f->name,
				   a->given[i].value ? a->given[i].value : ""), -1;
	}
	return 0;
}

bool cli_has(const struct cli_args *a, int id)
{
	for (size_t i = 0; i < a->n_given; i++)
		if (a->given[i].flag->id == id)
			return true;
	return false;
}

const char *cli_value(const struct cli_args *a, int id)
{
	const char *v = NULL;

	for (size_t i = 0; i < a->n_given; i++)
		if (a->given[i].flag->id == id)
			v = a->given[i].value;
	return v;
}

/* The left column of a flag in --help: "-p, --pretty", "--ip ADDR/N". */
static void flag_label(const struct cli_flag *f, char *buf, size_t len)
{
	char letter[8] = "";

	if (f->letter)
		snprintf(letter, sizeof(letter), "-%c, ", f->letter);
	snprintf(buf, len, "%s--%s%s%s", letter, f->name, f->value ? " " : "",
		 f->value ? f->value : "");
}

static void print_table(FILE *out, const struct cli_flag *t, int width)
{
	char label[96];

	for (; t && t->name; t++) {
		const char *h = t->help;
		int indent = width + 4;

		flag_label(t, label, sizeof(label));
		if ((int)strlen(label) > width)
			fprintf(out, "  %s\n%*s", label, indent, "");
		else
			fprintf(out, "  %-*s  ", width, label);
		for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(out, "%.*s\n%*s", (int)(nl - h), h, indent, "");
		fprintf(out, "%s\n", h);
	}
}

/* Column of the help texts: the longest label, within bounds. */
static int label_width(const struct cli_flag *t, int width)
{
	char label[96];

	for (; t && t->name; t++) {
		flag_label(t, label, sizeof(label));
		if ((int)strlen(label) > width && strlen(label) <= 27)
			width = (int)strlen(label);
	}
	return width;
}

void cli_flags_help(const struct cli_flag *own, const struct cli_flag *shared, FILE *out)
{
	int width = label_width(shared, label_width(own, 20));

	print_table(out, own, width);
	print_table(out, shared, width);
}

void command_help(const struct command *cmd, FILE *f)
{
	fprintf(f, "Usage: syscontainer-tools %s %s\n\n%s", cmd->name, cmd->args, cmd->help);
	if (table_len(cmd->flags) + table_len(cmd->shared_flags)) {
		fputc('\n', f);
		cli_flags_help(cmd->flags, cmd->shared_flags, f);
	}
	if (cmd->notes)
		fprintf(f, "\n%s", cmd->notes);
}
