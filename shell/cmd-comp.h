/* cmd-comp.h - what install, upgrade, uninstall, status and plan share.
 *
 * Each of those commands is a thin entry (shell/cmd-install.c ...) whose
 * exec calls comp_cmd_exec: it resolves the target clusters (--context or
 * --clusters a,b), loads the recipes (embedded, or --recipes DIR), starts
 * one job per cluster (backends/components/run.h) whose progress the
 * session renders, and prints the results as text or with -o json|yaml.
 *
 * Owner: shell/cmd-comp.c. The option arrays are shared static data.
 */
#ifndef KURATOR_SHELL_CMD_COMP_H
#define KURATOR_SHELL_CMD_COMP_H

#include "backends/components/run.h"
#include "shell/cmd.h"
#include "shell/session.h"

/* Options, by command (all-zero terminated). */
extern const struct cmd_opt comp_opts_install[];
extern const struct cmd_opt comp_opts_upgrade[];
extern const struct cmd_opt comp_opts_uninstall[];
extern const struct cmd_opt comp_opts_status[];
extern const struct cmd_opt comp_opts_plan[];
/* NAME positional (component names completed). */
extern const struct cmd_pos comp_pos_name[];

int comp_cmd_exec(struct session *s, struct cmd_args *a, enum comp_op op, struct kerr *err);

/* "90", "90s", "5m", "1h", "1500ms" -> milliseconds; -1 when invalid. */
long comp_parse_duration(const char *s);

#endif
