/* session-run.c - running command lines: the command job, its events,
 * sub-jobs, cancellation, and what the dispatcher prepares (cmd_prepare).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/kube/kubeconfig.h"
#include "backends/kube/pool.h"
#include "lib/xalloc.h"
#include "shell/session-int.h"

/* ---- what the dispatcher prepares --------------------------------------- */

struct own_kc {
	struct kubeconfig *kc;
	struct kube_clients *pool;
};

static void release_own(struct cmd_args *a)
{
	struct own_kc *o = a->priv_;

	if (!o)
		return;
	kube_clients_free(o->pool);
	kubeconfig_free(o->kc);
	free(o);
	a->priv_ = NULL;
}

int cmd_prepare(struct session *s, struct cmd_args *a, struct kerr *err)
{
	unsigned flags = a->entry->flags;
	const char *opt_kc = cmd_opt_str(a, "kubeconfig");
	const char *opt_ctx = cmd_opt_str(a, "context");
	const char *opt_ns = cmd_opt_str(a, "namespace");
	struct kube_clients *pool = NULL;
	char *snap_ctx = NULL, *snap_ns = NULL;

	if (flags & CMD_F_CLUSTER)
		flags |= CMD_F_KUBECONFIG;
	a->ns_explicit = opt_ns != NULL;
	if (opt_ns && !*opt_ns) {
		kerr_set(err, KERR_USAGE, "empty namespace");
		return kerr_hint(err, "-n NAME");
	}
	a->kubeconfig_path = opt_kc ? opt_kc : session_kubeconfig_path(s);
	if (!(flags & CMD_F_KUBECONFIG)) {
		/* still tell the command what the user asked for */
		a->context = opt_ctx;
		a->ns = opt_ns ? opt_ns : "default";
		return 0;
	}
	if (opt_kc && (!session_kubeconfig_path(s) || strcmp(opt_kc, session_kubeconfig_path(s)))) {
		struct own_kc *o = xcalloc(1, sizeof(*o));

		if (kubeconfig_load(opt_kc, &o->kc, err) < 0) {
			free(o);
			return -1;
		}
		o->pool = kube_clients_new(o->kc, NULL);
		a->priv_ = o;
		a->release_ = release_own;
		a->kc = o->kc;
		pool = o->pool;
		snap_ctx = xstrdup(kubeconfig_current_context(o->kc));
	} else {
		if (session_kubeconfig(s, &a->kc, err) < 0)
			return -1;
		pool = session_pool(s);
		session_snapshot(s, NULL, &snap_ctx, &snap_ns);
	}
	if (opt_ctx) {
		if (!kubeconfig_has_context(a->kc, opt_ctx)) {
			free(snap_ctx);
			free(snap_ns);
			kerr_set(err, KERR_NOTFOUND, "context \"%s\" not found in %s", opt_ctx,
				 a->kubeconfig_path ? a->kubeconfig_path : "the kubeconfig");
			return kerr_hint(err, "clusters");
		}
		if (!snap_ctx || strcmp(snap_ctx, opt_ctx)) {
			/* another context: its own namespace, not the session's */
			free(snap_ns);
			snap_ns = NULL;
		}
		free(snap_ctx);
		snap_ctx = xstrdup(opt_ctx);
	}
	if (!snap_ns && snap_ctx) {
		const char *cns = kubeconfig_context_field(a->kc, snap_ctx, "namespace");

		snap_ns = xstrdup(cns && *cns ? cns : "default");
	}
	a->ctx_buf_ = snap_ctx;
	a->context = snap_ctx;
	if (opt_ns) {
		free(snap_ns);
		snap_ns = NULL;
		a->ns = opt_ns;
	} else {
		a->ns_buf_ = snap_ns ? snap_ns : xstrdup("default");
		a->ns = a->ns_buf_;
	}
	if (!(flags & CMD_F_CLUSTER) || a->all_clusters)
		return 0;
	if (!a->context) {
		kerr_set(err, KERR_NOTFOUND, "no cluster to talk to: %s has no current context",
			 a->kubeconfig_path ? a->kubeconfig_path : "the kubeconfig");
		return kerr_hint(err, "use --context NAME, `use CONTEXT`, or start `kurator demo`");
	}
	return kube_clients_get(pool, a->context, &a->client, err);
}

int session_exec_args(struct session *s, struct cmd_args *a, int help, struct kerr *err)
{
	if (help || !a->entry->exec) {
		struct strbuf sb = STRBUF_INIT;

		cmd_help(&sb, a->entry, a->path);
		session_write(s, sb.buf, sb.len, 0);
		strbuf_release(&sb);
		return 0;
	}
	if (cmd_prepare(s, a, err) < 0)
		return -1;
	return a->entry->exec(s, a, err);
}

int cmd_run(struct session *s, int argc, char **argv, struct kerr *err)
{
	struct cmd_args *a = NULL;
	int help = 0, rc;

	if (cmd_parse(cmd_table, argc, argv, &a, &help, err) < 0)
		return -1;
	rc = session_exec_args(s, a, help, err);
	cmd_args_free(a);
	return rc;
}

/* ---- the command job ------------------------------------------------------ */

struct cmd_job_arg {
	struct session *s;
	struct cmd_args *a;
};

static int cmd_job_fn(struct job *job, void *arg, struct kerr *err)
{
	struct cmd_job_arg *c = arg;
	int rc;

	(void)job;
	rc = session_exec_args(c->s, c->a, 0, err);
	session_flush(c->s);
	return rc;
}

static void cmd_job_free(void *arg)
{
	struct cmd_job_arg *c = arg;

	cmd_args_free(c->a);
	free(c);
}

static int exit_code(int rc, const struct kerr *err)
{
	if (rc == 0)
		return 0;
	return err && err->kind == KERR_USAGE ? 2 : 1;
}

static void finish(struct session *s, int rc, const struct kerr *err)
{
	if (s->rend.done)
		s->rend.done(s->rend.arg);
	if (rc < 0 && !(err && err->kind == KERR_CANCELLED && s->sigints))
		session_error(s, err);
	s->cmd_status = exit_code(rc, err);
	s->last_status = s->cmd_status;
	s->cmd_running = 0;
	if (s->cmd_job) {
		job_join(s->cmd_job);
		job_release(s->cmd_job);
		s->cmd_job = NULL;
	}
	pthread_mutex_lock(&s->lock);
	s->cmd_job_id = 0;
	pthread_mutex_unlock(&s->lock);
	session_flush(s);
}

static void record_result(struct session *s, const struct event *ev)
{
	size_t slot = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < SESSION_RESULTS; i++) {
		if (!s->results[i].id) {
			slot = i;
			break;
		}
		/* all taken: overwrite the oldest (lowest id) */
		if (s->results[i].id < s->results[slot].id)
			slot = i;
	}
	s->results[slot].id = ev->job;
	s->results[slot].rc = ev->kind == EV_JOB_DONE ? 0 : -1;
	s->results[slot].err = ev->err;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int session_event(struct session *s, const struct event *ev)
{
	switch (ev->kind) {
	case EV_USER:
		if (!ev->resource || strcmp(ev->resource, SESSION_OUTPUT_EV))
			return 0;
		if (ev->text) {
			struct session_sink sink = s->sink;

			if (sink.write)
				sink.write(sink.arg, ev->text, strlen(ev->text), (unsigned)ev->done);
			else
				session_write(s, ev->text, strlen(ev->text), (unsigned)ev->done);
		}
		return 1;
	case EV_OBJ_ADDED:
	case EV_OBJ_MODIFIED:
	case EV_OBJ_DELETED:
	case EV_OBJ_SYNCED:
	case EV_CLUSTER_STATUS:
		return 0;
	default:
		break;
	}
	if (s->cmd_running && ev->job && ev->job == s->cmd_job_id) {
		switch (ev->kind) {
		case EV_JOB_DONE:
			finish(s, 0, NULL);
			break;
		case EV_JOB_FAILED:
			finish(s, -1, &ev->err);
			break;
		case EV_JOB_LOG:
		case EV_JOB_PROGRESS:
			if (s->rend.event)
				s->rend.event(s->rend.arg, ev);
			break;
		default:
			break;
		}
		return 1;
	}
	if (ev->kind == EV_JOB_DONE || ev->kind == EV_JOB_FAILED)
		record_result(s, ev);
	if (s->rend.event)
		s->rend.event(s->rend.arg, ev);
	return 1;
}

static void drain_once(struct session *s, int timeout_ms)
{
	struct event *ev = evq_wait(s->q, timeout_ms);

	while (ev) {
		session_event(s, ev);
		event_free(ev);
		ev = evq_pop(s->q);
	}
	if (s->sigint) {
		s->sigint = 0;
		session_cancel(s);
	}
	if (s->rend.tick)
		s->rend.tick(s->rend.arg);
}

static void wait_command(struct session *s)
{
	while (s->cmd_running)
		drain_once(s, 100);
}

/* Start argv: 1 = running as a job, 0 = finished (status in cmd_status). */
static int start_argv(struct session *s, int argc, char **argv)
{
	struct cmd_args *a = NULL;
	struct kerr err = { 0 };
	struct cmd_job_arg *c;
	int help = 0;

	s->sigint = 0;
	s->sigints = 0;
	if (s->cmd_running) {
		kerr_set(&err, KERR_USAGE, "a command is still running");
		kerr_hint(&err, "wait for it or press Ctrl-C to cancel it");
		session_error(s, &err);
		return 0;
	}
	if (s->mode != SESSION_TUI)
		job_cancel_reset();
	if (cmd_parse(cmd_table, argc, argv, &a, &help, &err) < 0) {
		session_error(s, &err);
		s->cmd_status = s->last_status = exit_code(-1, &err);
		return 0;
	}
	if (help || !a->entry->exec || (a->entry->flags & CMD_F_MAIN)) {
		int rc = session_exec_args(s, a, help, &err);

		if (rc < 0)
			session_error(s, &err);
		if (s->rend.done)
			s->rend.done(s->rend.arg);
		session_flush(s);
		cmd_args_free(a);
		s->cmd_status = s->last_status = exit_code(rc, &err);
		return 0;
	}
	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->a = a;
	s->cmd_running = 1;
	s->cmd_job = job_start(s->q, a->path, a->context, cmd_job_fn, c, cmd_job_free);
	pthread_mutex_lock(&s->lock);
	s->cmd_job_id = job_id(s->cmd_job);
	pthread_mutex_unlock(&s->lock);
	return 1;
}

static void set_last_line(struct session *s, int argc, char **argv, const char *line)
{
	struct strbuf sb = STRBUF_INIT;

	if (line) {
		strbuf_addstr(&sb, line);
	} else {
		for (int i = 0; i < argc; i++)
			strbuf_addf(&sb, "%s%s", i ? " " : "", argv[i]);
	}
	free(s->last_line);
	s->last_line = strbuf_detach(&sb, NULL);
}

int session_run_argv(struct session *s, int argc, char **argv)
{
	set_last_line(s, argc, argv, NULL);
	if (start_argv(s, argc, argv))
		wait_command(s);
	return s->cmd_status;
}

/* Split the line; 0 words = nothing to do (status 0). */
static int split(struct session *s, const char *line, int *argc, char ***argv)
{
	struct kerr err = { 0 };

	set_last_line(s, 0, NULL, line);
	if (cmd_split_line(line, argc, argv, &err) < 0) {
		session_error(s, &err);
		s->cmd_status = s->last_status = 2;
		return -1;
	}
	if (!*argc) {
		cmd_argv_free(*argv);
		s->cmd_status = 0;
		return -1;
	}
	return 0;
}

int session_run_line(struct session *s, const char *line)
{
	char **argv;
	int argc;

	if (split(s, line, &argc, &argv) < 0)
		return s->cmd_status;
	if (start_argv(s, argc, argv))
		wait_command(s);
	cmd_argv_free(argv);
	return s->cmd_status;
}

int session_start_line(struct session *s, const char *line)
{
	char **argv;
	int argc, running;

	if (split(s, line, &argc, &argv) < 0)
		return s->cmd_status ? -1 : 0;
	running = start_argv(s, argc, argv);
	cmd_argv_free(argv);
	if (running)
		return 1;
	return s->cmd_status ? -1 : 0;
}

int session_busy(struct session *s)
{
	return s->cmd_running;
}

void session_cancel(struct session *s)
{
	s->sigints++;
	if (s->cmd_job)
		job_cancel(s->cmd_job);
}

void session_sigint(struct session *s)
{
	s->sigint = 1;
}

void session_sigint_clear(struct session *s)
{
	s->sigint = 0;
}

int session_cancelled(struct session *s)
{
	struct job *cur = job_current();

	if (cur)
		return job_cancelled(cur);
	return session_on_main(s) && s->sigint;
}

/* ---- sub-jobs ---------------------------------------------------------------- */

static int take_result(struct session *s, unsigned long id, int *rc, struct kerr *err)
{
	for (size_t i = 0; i < SESSION_RESULTS; i++) {
		if (s->results[i].id == id) {
			*rc = s->results[i].rc;
			if (err && *rc < 0)
				*err = s->results[i].err;
			s->results[i].id = 0;
			return 1;
		}
	}
	return 0;
}

int session_run_job(struct session *s, struct job *job, struct kerr *err)
{
	unsigned long id;
	struct job *self = job_current();
	int rc = -1, cancelled = 0;
	struct timespec finished_at = { 0 };

	if (!job)
		return kerr_set(err, KERR_FAIL, "no job to wait for");
	id = job_id(job);
	if (session_on_main(s) && !self) {
		for (;;) {
			int got;

			pthread_mutex_lock(&s->lock);
			got = take_result(s, id, &rc, err);
			pthread_mutex_unlock(&s->lock);
			if (got)
				break;
			if (s->sigint && !cancelled) {
				s->sigints++;
				job_cancel(job);
				cancelled = 1;
			}
			drain_once(s, 100);
		}
		job_join(job);
		job_release(job);
		return rc;
	}
	/* On a worker: the main thread delivers the result (session_event). */
	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct timespec ts;

		if (take_result(s, id, &rc, err))
			break;
		if (!cancelled && self && job_cancelled(self)) {
			job_cancel(job);
			cancelled = 1;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		if (job_finished(job)) {
			/* Nobody drains the queue any more (the UI is going away):
			 * give it a second, then take the bare result. */
			if (!finished_at.tv_sec)
				finished_at = ts;
			else if (ts.tv_sec - finished_at.tv_sec >= 2) {
				pthread_mutex_unlock(&s->lock);
				rc = job_join(job);
				if (rc < 0)
					kerr_set(err, cancelled ? KERR_CANCELLED : KERR_FAIL,
						 "%s failed", job_name(job));
				job_release(job);
				return rc;
			}
		}
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	}
	pthread_mutex_unlock(&s->lock);
	job_join(job);
	job_release(job);
	return rc;
}

int session_job(struct session *s, const char *name, const char *cluster,
		job_fn fn, void *arg, void (*free_arg)(void *), struct kerr *err)
{
	struct job *job = job_start(s->q, name, cluster, fn, arg, free_arg);

	return session_run_job(s, job, err);
}
