/* cmd-install.c - `install`: install a component (volcano, prometheus ...) and wait until it is ready */
#include "shell/cmd-comp.h"

static int exec_install(struct session *s, struct cmd_args *a, struct kerr *err)
{
	return comp_cmd_exec(s, a, COMP_INSTALL, err);
}

const struct cmd_entry cmd_install_entry = {
	.name = "install",
	.usage = "NAME [--version V] [--set K=V]... [--context C | --clusters A,B]",
	.summary = "install a component (volcano, prometheus ...) and wait until it is ready",
	.help = "Lays down the upstream release files of the component's recipe with server-side\n"
		"apply, phase by phase, waiting for readiness (Deployments available, CRDs\n"
		"established, Jobs complete, webhooks reachable). Running it again converges:\n"
		"after a failure or an interruption it picks up where it stopped, and on a\n"
		"finished install it changes nothing. --dry-run shows the plan instead.",
	.opts = comp_opts_install,
	.args = comp_pos_name,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_F_CLUSTER,
	.exec = exec_install,
};
