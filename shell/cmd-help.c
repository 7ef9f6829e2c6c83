/* cmd-help.c - `help [COMMAND [SUBCOMMAND]]`: the command list, or one
 * command's generated help (the same text as COMMAND -h). */
#include <string.h>

#include "lib/strbuf.h"
#include "shell/cmd.h"
#include "shell/session.h"

static int exec_help(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cmd_entry *const *table = cmd_table;
	const struct cmd_entry *e = NULL;

	if (a->argc == 0) {
		strbuf_addstr(&sb, "Commands:\n");
		for (size_t i = 0; cmd_table[i]; i++) {
			if (cmd_table[i]->flags & CMD_F_HIDDEN)
				continue;
			strbuf_addf(&sb, "  %-12s %s\n", cmd_table[i]->name,
				    cmd_table[i]->summary ? cmd_table[i]->summary : "");
		}
		strbuf_addstr(&sb, "\nhelp COMMAND (or COMMAND -h) shows its options; "
			      "Tab completes commands, flags and names.\n");
		session_write(s, sb.buf, sb.len, 0);
		strbuf_release(&sb);
		return 0;
	}
	struct strbuf path = STRBUF_INIT;

	for (int i = 0; i < a->argc; i++) {
		int ambiguous = 0;

		e = table ? cmd_lookup(table, a->argv[i], &ambiguous) : NULL;
		if (!e) {
			kerr_set(err, KERR_USAGE, "no %s \"%s\"", i ? "subcommand" : "command",
				 a->argv[i]);
			strbuf_release(&path);
			return kerr_hint(err, "help");
		}
		strbuf_addf(&path, "%s%s", i ? " " : "", e->name);
		table = e->subcmds;
	}
	cmd_help(&sb, e, path.buf);
	session_write(s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
	strbuf_release(&path);
	return 0;
}

static const struct cmd_pos help_pos[] = {
	{ .name = "COMMAND", .comp = COMP_COMMAND },
	{ 0 },
};

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND [SUBCOMMAND]]",
	.summary = "list the commands, or show one command's help",
	.args = help_pos,
	.min_args = 0,
	.max_args = 2,
	.flags = CMD_F_MAIN | CMD_F_READONLY,
	.exec = exec_help,
};
