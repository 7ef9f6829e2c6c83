/* session-int.h - the session's private state, shared by session.c,
 * session-run.c and render.c only. Everything else goes through
 * session.h.
 */
#ifndef KURATOR_SHELL_SESSION_INT_H
#define KURATOR_SHELL_SESSION_INT_H

#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <time.h>

#include "shell/cmd.h"
#include "shell/session.h"

/* Terminal results of sub-jobs, kept until their waiter picks them up
 * (the event may be seen before session_run_job starts waiting). */
#define SESSION_RESULTS 64
struct session_result {
	unsigned long id;     /* 0 = free slot */
	int rc;
	struct kerr err;
};

/* A kubeconfig and the pool made from it; kept until session_free once
 * replaced, because clients handed out may still be in use. */
struct session_kc {
	struct kubeconfig *kc;
	struct kube_clients *pool;
	struct session_kc *next;
};

struct text_renderer;

struct session {
	enum session_mode mode;
	int is_tty, interactive;
	pthread_t main_thread;

	pthread_mutex_t lock;        /* everything below up to `out_lock` */
	char *kc_path;               /* --kubeconfig or demo's */
	char *context;               /* `use` / --context; NULL: kubeconfig's */
	char *ns;                    /* `use -n` / -n; NULL: context's */
	struct session_kc *kcs;      /* head = current */
	int kc_loaded;
	char *view_ctx, *view_ns;    /* storage for session_context/namespace */
	unsigned gen;

	struct evq *q;
	struct session_sink sink;    /* write == NULL: stdout/stderr */
	struct session_renderer rend;
	struct text_renderer *text;  /* the default renderer's state */

	pthread_mutex_t out_lock;    /* stdout writes vs the progress bar */
	FILE *diag;                  /* errors, notes, progress: stderr one-shot,
	                                stdout in the shell (it is the terminal) */

	/* the running command (main thread, except where noted) */
	struct job *cmd_job;
	unsigned long cmd_job_id;    /* read by workers under lock */
	int cmd_running;
	int cmd_status;              /* exit code once finished */
	int last_status;
	char *last_line;
	volatile sig_atomic_t sigint;
	int sigints;

	int (*tui)(struct session *s);

	pthread_cond_t cond;         /* a result arrived (under lock) */
	struct session_result results[SESSION_RESULTS];
};

/* EV_USER events carrying command output posted off the main thread. */
#define SESSION_OUTPUT_EV "kurator.session/output"

/* render.c: the default renderer (progress bar on a tty, lines otherwise). */
struct text_renderer *text_renderer_new(struct session *s, FILE *f);
void text_renderer_free(struct text_renderer *t);
void text_renderer_event(void *arg, const struct event *ev);
void text_renderer_tick(void *arg);
void text_renderer_done(void *arg);
/* Erase the progress bar before other output (out_lock held). */
void text_renderer_erase(struct text_renderer *t);

/* session.c */
int session_on_main(const struct session *s);
/* Copies for a command: context and namespace as the session sees them
 * now (either may come back NULL). */
void session_snapshot(struct session *s, char **kc_path, char **context, char **ns);
/* Run a prepared command on this thread: prepare + exec (or help). */
int session_exec_args(struct session *s, struct cmd_args *a, int help, struct kerr *err);

#endif
