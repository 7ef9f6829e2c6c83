/* history.h - the shell's persistent history ($XDG_STATE_HOME/kurator/
 * history, 0600, directory 0700), shared by `kurator shell` and the TUI's
 * shell pane through readline's history list.
 *
 * Lines are redacted before they reach the list or the file: log_redact
 * (tokens, passwords, Authorization, PEM keys) plus secret-bearing flags
 * (--token, --password, --client-key, --client-key-data, --secret...)
 * and --set values whose key looks secret (password, token, secret, key).
 *
 * Owner: shell/history.c. Main thread only.
 */
#ifndef KURATOR_SHELL_HISTORY_H
#define KURATOR_SHELL_HISTORY_H

#include "lib/err.h"

/* Load the file into readline's list (a missing file is fine). */
int history_open(struct kerr *err);
/* Redact, add to the list and append to the file. Empty lines and a line
 * equal to the previous one are skipped. */
void history_add_line(const char *line);
/* Trim the file to the last 2000 entries. */
void history_close(void);
/* Redact a copy of line (caller frees). */
char *history_redact(const char *line);
/* The file (malloc'd; caller frees). */
char *history_path(void);

#endif
