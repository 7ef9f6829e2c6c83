/* glue.h - the TUI's side of the shell session (shell/session.h): where
 * commands run, where their output goes, which queue events arrive on,
 * which kubeconfig and context the session uses. Main thread only.
 */
#ifndef KURATOR_TUI_GLUE_H
#define KURATOR_TUI_GLUE_H

#include "lib/err.h"
#include "lib/evq.h"

struct tui;

/* Before the screen: the event queue, the fleet (from the session's
 * kubeconfig), the component list. */
int glue_prepare(struct tui *app, struct kerr *err);
/* After the panes exist: send session output into the shell pane. */
void glue_start(struct tui *app);
/* Before the panes go: output back to the terminal, jobs cancelled. */
void glue_stop(struct tui *app);
/* After the screen: free what glue_prepare made. */
void glue_finish(struct tui *app);

/* Run a command line through the session (TUI-only words first: exit,
 * quit, install with no component -> the wizard). */
void glue_run_line(struct tui *app, const char *line);
/* An event that is not the fleet's: the session takes its command's
 * output and its jobs' events (rendered into the panes). 1 if used. */
int glue_event(struct tui *app, const struct event *ev);
/* A command is running (returned WAIT and has not finished). */
int glue_busy(struct tui *app);
void glue_cancel(struct tui *app);
/* The prompt and the current context. */
const char *glue_prompt(struct tui *app);
const char *glue_context(struct tui *app);
/* Completion (the shell's) for readline in the shell pane. */
void glue_readline_setup(struct tui *app);

#endif
