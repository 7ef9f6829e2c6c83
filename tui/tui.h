/* tui.h - the full-screen TUI (tree, details, metrics, logs, shell panes).
 *
 * tui_main takes over the terminal until the user quits: it runs the
 * session's commands in its shell pane and shows the fleet of the
 * session's kubeconfig live. It restores the terminal on every exit path
 * (quit, Ctrl-C, SIGTERM/SIGHUP, fatal signals). Returns the exit code.
 * The session stays the caller's.
 */
#ifndef KURATOR_TUI_TUI_H
#define KURATOR_TUI_TUI_H

struct session;

int tui_main(struct session *s);

#endif
