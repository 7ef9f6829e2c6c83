/* cmd-status.c - `status`: show whether components are installed and every piece is ready */
#include "shell/cmd-comp.h"

static int exec_status(struct session *s, struct cmd_args *a, struct kerr *err)
{
	return comp_cmd_exec(s, a, COMP_STATUS, err);
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "[NAME] [--context C | --clusters A,B]",
	.summary = "show whether components are installed and every piece is ready",
	.help = "Without NAME, every component that is present. Components installed by other\n"
		"tools are detected too (for example an existing volcano-system/volcano-scheduler).",
	.opts = comp_opts_status,
	.args = comp_pos_name,
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_F_CLUSTER | CMD_F_READONLY,
	.exec = exec_status,
};
