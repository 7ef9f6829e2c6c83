/* session.h - the state one run of kurator owns (one-shot, shell or TUI).
 *
 * A session holds the global flags (--kubeconfig, --context, -n), the
 * kubeconfig (loaded lazily on first use), the current context and
 * namespace (`use` changes them), one kube client pool, the event queue,
 * where output goes (a sink) and how job events are shown (a renderer).
 *
 * Threads. The session is created and driven by the main thread. A command
 * line runs as a "command job" on a worker thread (unless its entry has
 * CMD_F_MAIN), so the main thread keeps draining the event queue, drawing
 * progress and noticing Ctrl-C. Inside exec:
 *   - session_out()/session_write() may be called from any thread: on the
 *     terminal they write stdout directly (erasing a progress bar first);
 *     with the TUI sink they travel as EV_JOB_LOG events of the command
 *     job and reach the sink on the main thread, in order;
 *   - session_client()/session_kubeconfig() are thread-safe;
 *   - longer work is split into jobs (job_start on session_evq(s)) and
 *     awaited with session_run_job(), which renders their events (progress
 *     bar with counts and elapsed on a tty, timestamped lines otherwise, or
 *     the TUI's renderer) and cancels them when the command is cancelled.
 * Cancelling (Ctrl-C in the shell/one-shot, glue_cancel in the TUI)
 * cancels the command job; session_run_job passes that on to sub-jobs.
 *
 * Faces:
 *   one-shot:  session_new, session_set_globals, session_run_argv -> exit code
 *   shell:     session_run_line per line (blocking; Ctrl-C = cancel)
 *   TUI:       session_set_sink + session_set_renderer, then
 *              session_start_line (returns at once), session_event for
 *              each queue event that is not the fleet's, session_busy,
 *              session_cancel.
 *
 * Ownership: session_free releases everything the session made (pool,
 * kubeconfig, queue, pending jobs are cancelled and joined). Strings
 * returned by getters are owned by the session and valid until the next
 * change on the main thread (copy them to keep them).
 *
 * Owner: shell/session.c, shell/session-run.c, shell/render.c.
 */
#ifndef KURATOR_SHELL_SESSION_H
#define KURATOR_SHELL_SESSION_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/evq.h"

struct kubeconfig;
struct kube_client;
struct kube_clients;
struct session;

enum session_mode {
	SESSION_ONESHOT,    /* kurator <command> ...     */
	SESSION_SHELL,      /* kurator shell (readline)  */
	SESSION_TUI,        /* the full-screen TUI       */
};

/* Where command output goes. flags: SESSION_OUT_* */
enum {
	SESSION_OUT_ERR  = 1 << 0,   /* an error line ("error: ...") */
	SESSION_OUT_NOTE = 1 << 1,   /* secondary text (hints, "no resources found") */
};
struct session_sink {
	/* Main thread only (the session hops threads for you). text is not
	 * NUL-terminated and may hold several lines or half of one. */
	void (*write)(void *arg, const char *text, size_t len, unsigned flags);
	void *arg;
};

/* How job events (progress, logs, start/end of sub-jobs) are shown.
 * Called on the main thread for every event of a job started by the
 * running command (not for the command job's own output). */
struct session_renderer {
	void (*event)(void *arg, const struct event *ev);
	/* Called about every 100 ms while a command runs (redraw elapsed
	 * time); may be NULL. */
	void (*tick)(void *arg);
	/* The command finished: tear down any progress display; may be NULL. */
	void (*done)(void *arg);
	void *arg;
};

struct session *session_new(enum session_mode mode);
void session_free(struct session *s);            /* NULL-safe */

enum session_mode session_mode(const struct session *s);
/* stdout is a terminal (progress bars, colours) / a person is there to
 * answer questions (shell, TUI, one-shot on a tty). */
int session_is_tty(const struct session *s);
int session_interactive(const struct session *s);
void session_set_tty(struct session *s, int is_tty, int interactive);

/* Global flags (NULL leaves a value alone). A new kubeconfig path drops
 * the loaded kubeconfig and the pool. */
void session_set_globals(struct session *s, const char *kubeconfig_path,
			 const char *context, const char *ns);

/* ---- kubeconfig, context, namespace, clients (thread-safe) ------------- */

/* The kubeconfig, loaded on first call (errors name the file). Borrowed. */
int session_kubeconfig(struct session *s, struct kubeconfig **out, struct kerr *err);
const char *session_kubeconfig_path(const struct session *s);  /* may be NULL */
/* The current context: `use`/--context, else the kubeconfig's current
 * context; NULL when none. Main-thread view (the command job gets a copy
 * in cmd_args). */
const char *session_context(struct session *s);
/* The current namespace: `use -n`/-n, else the context's, else "default". */
const char *session_namespace(struct session *s);
/* Switch context (checked against the kubeconfig) and/or namespace (NULL
 * keeps it). Session only: the kubeconfig file is not touched. */
int session_use(struct session *s, const char *context, const char *ns, struct kerr *err);
/* Point the session at another kubeconfig file (kurator demo): drops
 * clients, loads it, takes its current context. */
int session_switch_kubeconfig(struct session *s, const char *path, struct kerr *err);
/* A client for context (NULL: current), from the session's pool. */
int session_client(struct session *s, const char *context, struct kube_client **out,
		   struct kerr *err);
struct kube_clients *session_pool(struct session *s);   /* NULL until loaded */
/* Bumped whenever the kubeconfig, context or namespace change (the TUI
 * rebuilds its fleet when it moves). */
unsigned session_generation(const struct session *s);

/* ---- output ------------------------------------------------------------- */

struct evq *session_evq(struct session *s);
void session_set_sink(struct session *s, const struct session_sink *sink); /* NULL: stdout */
void session_set_renderer(struct session *s, const struct session_renderer *r); /* NULL: text */
void session_out(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void session_vout(struct session *s, const char *fmt, va_list ap);
void session_write(struct session *s, const char *text, size_t len, unsigned flags);
/* One clear line "error: <msg>" through the sink (SESSION_OUT_ERR). */
void session_error(struct session *s, const struct kerr *err);
/* Output written so far by this command is pushed out (stdout flush). */
void session_flush(struct session *s);

/* ---- running -------------------------------------------------------------- */

/* Wait for a job started on session_evq(s) while its events are rendered;
 * cancels it when the command is cancelled. Takes the job reference (joins
 * and releases it). Returns the job's result; err gets the job's error.
 * Callable from the command job (the usual case) or the main thread. */
int session_run_job(struct session *s, struct job *job, struct kerr *err);
/* job_start + session_run_job; arg is freed by free_arg as with job_start. */
int session_job(struct session *s, const char *name, const char *cluster,
		job_fn fn, void *arg, void (*free_arg)(void *), struct kerr *err);
/* Inside exec: the command was cancelled (Ctrl-C / glue_cancel). */
int session_cancelled(struct session *s);

/* Blocking: run one command (argv[0] = name) or line; prints errors;
 * returns the exit code (0 ok, 1 failure, 2 usage). Ctrl-C (SIGINT while
 * it runs) cancels it: install session_sigint() as the SIGINT handler. */
int session_run_argv(struct session *s, int argc, char **argv);
int session_run_line(struct session *s, const char *line);
/* Async-signal-safe: the SIGINT handler of the shell/one-shot. */
void session_sigint(struct session *s);
/* Forget a pending SIGINT (it was handled at the prompt). */
void session_sigint_clear(struct session *s);

/* TUI: start a line (CMD_F_MAIN commands and errors finish at once);
 * returns 1 when it now runs in the background, 0 when it already
 * finished, -1 when it failed (the error was printed). */
int session_start_line(struct session *s, const char *line);
/* Feed a queue event (main thread). Returns 1 if the session consumed it
 * (its command's output and job events), 0 if it is someone else's. */
int session_event(struct session *s, const struct event *ev);
int session_busy(struct session *s);
void session_cancel(struct session *s);
/* Exit code of the last finished command (0/1/2). */
int session_last_status(const struct session *s);

/* The full-screen UI, when this binary has one (main.c sets tui_main):
 * `kurator demo` opens it on a terminal. session_open_tui switches the
 * session to SESSION_TUI for the duration and returns tui's exit code, or
 * -1 with err when there is none. */
void session_set_tui(struct session *s, int (*tui)(struct session *s));
int session_open_tui(struct session *s, struct kerr *err);

/* The line currently or last run, for history and messages. */
const char *session_last_line(const struct session *s);

#endif
