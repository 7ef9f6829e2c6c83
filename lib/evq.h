/* evq.h - the event queue and the job model.
 *
 * The main thread owns the screen, readline and the fleet model. Long or
 * blocking work (HTTP calls, watches, log streams, SSH, installs) runs as a
 * job on its own worker thread, written as plain sequential code. Jobs never
 * touch the model or the screen: they post immutable events to an evq, and
 * the main thread drains the queue when evq_fd() becomes readable (TUI) or
 * blocks in evq_wait() (one-shot CLI, which renders the same events as
 * text).
 *
 * Cancellation is a flag every job checks (job_cancelled); libcurl and
 * libssh2 loops check it through job_current() so a blocked transfer
 * aborts promptly.
 */
#ifndef KURATOR_EVQ_H
#define KURATOR_EVQ_H

#include <jansson.h>

#include "lib/err.h"

enum ev_kind {
	EV_JOB_STARTED,
	EV_JOB_PROGRESS,   /* done/total (-1 unknown) and text: what it does now */
	EV_JOB_LOG,        /* text: one line of output (installer, pod log, ssh)  */
	EV_JOB_DONE,       /* the job returned 0                                  */
	EV_JOB_FAILED,     /* the job returned -1; err says why                   */
	EV_OBJ_ADDED,      /* cluster, resource, obj                              */
	EV_OBJ_MODIFIED,
	EV_OBJ_DELETED,
	EV_OBJ_SYNCED,     /* a (re)list finished: obj is the array of all items;
	                      the receiver replaces what it had for cluster+resource */
	EV_CLUSTER_STATUS, /* cluster reachable (err.kind NONE) or not (err says why) */
	EV_USER,           /* anything else: text + obj, interpreted by the receiver */
};

struct event {
	enum ev_kind kind;
	unsigned long job;   /* id of the posting job, 0 if none           */
	char *cluster;       /* owned; context name, may be NULL            */
	char *resource;      /* owned; "pods", "deployments.apps", may be NULL */
	json_t *obj;         /* owned reference, may be NULL                */
	char *text;          /* owned, may be NULL                          */
	long done, total;    /* progress; -1 when unknown                   */
	struct kerr err;
	struct event *next;  /* queue link, private to evq                  */
};

struct event *event_new(enum ev_kind kind);   /* zeroed, done=total=-1 */
void event_free(struct event *ev);            /* NULL-safe, frees members */

struct evq;
struct evq *evq_create(void);
void evq_free(struct evq *q);                 /* frees pending events */
/* A file descriptor that is readable while events are pending. */
int evq_fd(const struct evq *q);
/* Takes ownership of ev. Thread-safe; wakes the fd. */
void evq_push(struct evq *q, struct event *ev);
/* Next event (caller owns it) or NULL when empty. Main thread only. */
struct event *evq_pop(struct evq *q);
/* Like evq_pop but waits up to timeout_ms (-1 forever). */
struct event *evq_wait(struct evq *q, int timeout_ms);

struct job;
/* A job body: plain sequential code; returns 0 or -1 with err filled. */
typedef int (*job_fn)(struct job *job, void *arg, struct kerr *err);

/* Start fn(arg) on a worker thread. Posts EV_JOB_STARTED, then
 * EV_JOB_DONE or EV_JOB_FAILED. free_arg (may be NULL) runs on the worker
 * after fn returns. The returned handle is the caller's reference: release
 * it with job_release (the job keeps running) or job_join + job_release. */
struct job *job_start(struct evq *q, const char *name, const char *cluster,
		      job_fn fn, void *arg, void (*free_arg)(void *));
void job_release(struct job *job);            /* NULL-safe */
/* Wait for the job to finish; returns its result (0 / -1). */
int job_join(struct job *job);
void job_cancel(struct job *job);
unsigned long job_id(const struct job *job);
const char *job_name(const struct job *job);
const char *job_cluster(const struct job *job);
int job_finished(const struct job *job);

/* From inside a job (any thread may call them with job == NULL: no-op). */
int job_cancelled(const struct job *job);     /* also true after job_cancel_all */
struct job *job_current(void);                /* job on this thread, or NULL */
void job_post(struct job *job, struct event *ev);   /* stamps id/cluster, takes ev */
void job_progress(struct job *job, long done, long total, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void job_log(struct job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sleep up to ms, returning early (and -1) if the job is cancelled. */
int job_sleep(struct job *job, long ms);

/* Cancel every running job (Ctrl-C in the one-shot CLI, quit in the TUI). */
void job_cancel_all(void);
/* Reset the global cancel flag (the shell does this before each command). */
void job_cancel_reset(void);
/* Number of jobs currently running (status line). */
int job_running_count(void);

#endif
