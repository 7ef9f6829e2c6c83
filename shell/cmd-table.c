/* cmd-table.c - the one table of top-level commands, in `help` order. */
#include <stddef.h>

#include "shell/cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_help_entry,
	&cmd_clusters_entry,
	&cmd_use_entry,
	&cmd_get_entry,
	&cmd_describe_entry,
	&cmd_apply_entry,
	&cmd_delete_entry,
	&cmd_logs_entry,
	&cmd_install_entry,
	&cmd_upgrade_entry,
	&cmd_uninstall_entry,
	&cmd_status_entry,
	&cmd_plan_entry,
	&cmd_config_entry,
	&cmd_demo_entry,
	&cmd_theme_entry,
	&cmd_history_entry,
	&cmd_shell_entry,
	NULL,
};
