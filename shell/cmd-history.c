/* cmd-history.c - `history [N]`: the shell's history (already redacted),
 * numbered like bash's. */
#include <stdlib.h>

#include <readline/history.h>

#include "shell/cmd.h"
#include "shell/history.h"
#include "shell/session.h"

static int exec_history(struct session *s, struct cmd_args *a, struct kerr *err)
{
	long n = -1;
	int first;

	if (a->argc) {
		char *end;

		n = strtol(a->argv[0], &end, 10);
		if (*end || n < 0) {
			kerr_set(err, KERR_USAGE, "history: \"%s\" is not a count", a->argv[0]);
			return kerr_hint(err, "history [N]");
		}
	}
	if (history_length == 0) {
		/* one-shot: read the file without keeping anything */
		struct kerr ignored = { 0 };

		history_open(&ignored);
	}
	first = n >= 0 && n < history_length ? history_length - (int)n : 0;
	for (int i = first; i < history_length; i++) {
		HIST_ENTRY *h = history_get(history_base + i);

		if (h)
			session_out(s, "%5d  %s\n", history_base + i, h->line);
	}
	return 0;
}

static const struct cmd_pos history_pos[] = {
	{ .name = "N" },
	{ 0 },
};

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.usage = "[N]",
	.summary = "show the shell's command history (secrets redacted)",
	.help = "Kept in $XDG_STATE_HOME/kurator/history (mode 0600). Tokens, passwords and\n"
		"keys given as flags are stored as <redacted>.",
	.args = history_pos,
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_F_MAIN | CMD_F_READONLY,
	.exec = exec_history,
};
