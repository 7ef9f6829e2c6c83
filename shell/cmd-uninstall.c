/* cmd-uninstall.c - `uninstall`: remove a component kurator installed */
#include "shell/cmd-comp.h"

static int exec_uninstall(struct session *s, struct cmd_args *a, struct kerr *err)
{
	return comp_cmd_exec(s, a, COMP_UNINSTALL, err);
}

const struct cmd_entry cmd_uninstall_entry = {
	.name = "uninstall",
	.usage = "NAME [--purge-crds] [--context C | --clusters A,B]",
	.summary = "remove a component kurator installed",
	.help = "Removes, in the recipe's uninstall order, every object the install created\n"
		"(and what the component made for itself), and waits until they are gone.\n"
		"Objects that existed before the install stay. CRDs stay unless --purge-crds:\n"
		"deleting a CRD deletes every object of its kind.",
	.opts = comp_opts_uninstall,
	.args = comp_pos_name,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_F_CLUSTER,
	.exec = exec_uninstall,
};
