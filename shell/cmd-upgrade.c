/* cmd-upgrade.c - `upgrade`: move an installed component to another version or parameters */
#include "shell/cmd-comp.h"

static int exec_upgrade(struct session *s, struct cmd_args *a, struct kerr *err)
{
	return comp_cmd_exec(s, a, COMP_UPGRADE, err);
}

const struct cmd_entry cmd_upgrade_entry = {
	.name = "upgrade",
	.usage = "NAME [--version V] [--set K=V]... [--context C | --clusters A,B]",
	.summary = "move an installed component to another version or parameters",
	.help = "Applies the new version's objects, waits for them, then removes the objects\n"
		"the old version had and the new one does not (CRDs only with --purge-crds).\n"
		"Parameters set earlier are kept unless --set changes them.",
	.opts = comp_opts_upgrade,
	.args = comp_pos_name,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_F_CLUSTER,
	.exec = exec_upgrade,
};
