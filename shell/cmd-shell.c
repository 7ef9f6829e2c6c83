/* cmd-shell.c - `kurator shell`: the readline shell (repl.c). */
#include "shell/cmd.h"
#include "shell/repl.h"
#include "shell/session.h"

static int exec_shell(struct session *s, struct cmd_args *a, struct kerr *err)
{
	(void)a;
	if (session_mode(s) != SESSION_SHELL && session_mode(s) != SESSION_ONESHOT)
		return kerr_set(err, KERR_USAGE, "already in the shell");
	if (shell_repl_active())
		return kerr_set(err, KERR_USAGE, "already in the shell");
	shell_repl(s);
	return 0;
}

const struct cmd_entry cmd_shell_entry = {
	.name = "shell",
	.summary = "the same commands in a readline shell (completion, history)",
	.help = "Tab completes commands, flags, contexts, namespaces, kinds and names;\n"
		"Up/Down walk the history; Ctrl-C cancels the running command; exit or\n"
		"Ctrl-D leaves. ~/.inputrc applies ($if kurator sections too).",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_F_MAIN,
	.exec = exec_shell,
};
