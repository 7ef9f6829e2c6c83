/* repl.h - `kurator shell`: the readline REPL over the session.
 *
 * readline's callback interface in a poll loop, so Ctrl-C at the prompt
 * clears the line and Ctrl-C during a command cancels that command (not
 * the shell). ~/.inputrc is honoured (rl_readline_name "kurator": `$if
 * kurator` sections apply). History: shell/history.h. Completion:
 * shell/complete.h. With stdin not a terminal it reads lines plainly (no
 * prompt), so scripts can pipe commands in; the exit code is the last
 * command's.
 *
 * Owner: shell/repl.c.
 */
#ifndef KURATOR_SHELL_REPL_H
#define KURATOR_SHELL_REPL_H

struct session;

int shell_repl(struct session *s);
/* The REPL is running (nested `shell` is refused). */
int shell_repl_active(void);
/* The prompt for the session's context and namespace (malloc'd). */
char *shell_prompt(struct session *s);

#endif
