/* cmd-plan.c - `plan`: show what install or upgrade would create or change, as a diff against the cluster */
#include "shell/cmd-comp.h"

static int exec_plan(struct session *s, struct cmd_args *a, struct kerr *err)
{
	return comp_cmd_exec(s, a, COMP_PLAN, err);
}

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.usage = "NAME [--version V] [--set K=V]... [--context C | --clusters A,B]",
	.summary = "show what install or upgrade would create or change, as a diff against the cluster",
	.help = "Compares every object of the recipe with the live cluster (a server-side\n"
		"dry-run apply) and prints the objects to create, the fields that would change\n"
		"and the objects an upgrade would remove. Nothing is applied.",
	.opts = comp_opts_plan,
	.args = comp_pos_name,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_F_CLUSTER | CMD_F_READONLY,
	.exec = exec_plan,
};
