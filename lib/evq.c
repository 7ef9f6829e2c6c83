/* evq.c - event queue (mutex + eventfd) and jobs (one thread per job). */
#include "lib/evq.h"
#include "lib/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct evq {
	pthread_mutex_t lock;
	struct event *head, *tail;
	int fd;                 /* eventfd: readable while events are pending */
};

struct job {
	pthread_mutex_t lock;
	pthread_cond_t cond;    /* signalled on cancel and on finish */
	int refs;               /* caller's handle + the worker */
	unsigned long id;
	char *name;
	char *cluster;
	struct evq *q;
	job_fn fn;
	void *arg;
	void (*free_arg)(void *);
	pthread_t thread;
	int cancelled;
	int finished;
	int result;
	int joined;
	struct job *run_prev, *run_next;   /* running list, under jobs_lock */
};

static _Thread_local struct job *current_job;
static volatile int cancel_all_flag;
static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long next_job_id = 1;
static int running_jobs;
static struct job *running_list;      /* so job_cancel_all can wake sleepers */

static void running_add_locked(struct job *job)
{
	job->run_prev = NULL;
	job->run_next = running_list;
	if (running_list)
		running_list->run_prev = job;
	running_list = job;
	running_jobs++;
}

static void running_del_locked(struct job *job)
{
	if (job->run_prev)
		job->run_prev->run_next = job->run_next;
	else
		running_list = job->run_next;
	if (job->run_next)
		job->run_next->run_prev = job->run_prev;
	job->run_prev = job->run_next = NULL;
	running_jobs--;
}

struct event *event_new(enum ev_kind kind)
{
	struct event *ev = xcalloc(1, sizeof *ev);

	ev->kind = kind;
	ev->done = ev->total = -1;
	return ev;
}

void event_free(struct event *ev)
{
	if (!ev)
		return;
	free(ev->cluster);
	free(ev->resource);
	free(ev->text);
	json_decref(ev->obj);
	free(ev);
}

struct evq *evq_create(void)
{
	struct evq *q = xcalloc(1, sizeof *q);

	pthread_mutex_init(&q->lock, NULL);
	q->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return q;
}

void evq_free(struct evq *q)
{
	struct event *ev, *next;

	if (!q)
		return;
	for (ev = q->head; ev; ev = next) {
		next = ev->next;
		event_free(ev);
	}
	if (q->fd >= 0)
		close(q->fd);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

int evq_fd(const struct evq *q)
{
	return q->fd;
}

void evq_push(struct evq *q, struct event *ev)
{
	uint64_t one = 1;

	ev->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = ev;
	else
		q->head = ev;
	q->tail = ev;
	/* Written under the lock, so the fd is readable exactly while the
	 * queue is non-empty: a pop that drains the queue cannot clear the
	 * fd before a racing push has set it (which would leave it readable
	 * with nothing queued and spin every poll loop). */
	if (q->fd >= 0 && write(q->fd, &one, sizeof one) < 0) {
		/* EAGAIN: the counter is saturated, the fd is readable anyway */
	}
	pthread_mutex_unlock(&q->lock);
}

static struct event *pop_locked(struct evq *q)
{
	struct event *ev = q->head;
	uint64_t count;

	if (!ev)
		return NULL;
	q->head = ev->next;
	if (!q->head) {
		q->tail = NULL;
		/* Drained: clear the fd's readiness (pushers write under the
		 * same lock, so a later push re-arms it). */
		if (q->fd >= 0 && read(q->fd, &count, sizeof count) < 0) {
			/* EAGAIN: nothing to clear */
		}
	}
	ev->next = NULL;
	return ev;
}

struct event *evq_pop(struct evq *q)
{
	struct event *ev;

	pthread_mutex_lock(&q->lock);
	ev = pop_locked(q);
	pthread_mutex_unlock(&q->lock);
	return ev;
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

struct event *evq_wait(struct evq *q, int timeout_ms)
{
	struct event *ev;
	struct timespec ts;
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

	if (timeout_ms >= 0)
		deadline_in(&ts, timeout_ms);
	for (;;) {
		ev = evq_pop(q);
		if (ev || timeout_ms == 0)
			return ev;
		/* The eventfd is the one wake-up source, for poll loops and
		 * for this blocking wait alike. */
		if (timeout_ms < 0) {
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return NULL;
		} else {
			struct timespec now;
			long left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (ts.tv_sec - now.tv_sec) * 1000 + (ts.tv_nsec - now.tv_nsec) / 1000000L;
			if (left <= 0)
				return evq_pop(q);
			if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
				return NULL;
		}
	}
}

/* ---- jobs -------------------------------------------------------------- */

static void job_unref(struct job *job)
{
	int last;

	pthread_mutex_lock(&job->lock);
	last = --job->refs == 0;
	pthread_mutex_unlock(&job->lock);
	if (!last)
		return;
	if (!job->joined)
		pthread_detach(job->thread);
	free(job->name);
	free(job->cluster);
	pthread_cond_destroy(&job->cond);
	pthread_mutex_destroy(&job->lock);
	free(job);
}

static void post_kind(struct job *job, enum ev_kind kind, const struct kerr *err)
{
	struct event *ev = event_new(kind);

	if (job->name)
		ev->text = xstrdup(job->name);
	if (err)
		ev->err = *err;
	job_post(job, ev);
}

static void *job_thread(void *p)
{
	struct job *job = p;
	struct kerr err;
	int rc;

	current_job = job;
	kerr_clear(&err);
	post_kind(job, EV_JOB_STARTED, NULL);
	rc = job->fn(job, job->arg, &err);
	if (rc != 0 && err.kind == KERR_NONE)
		kerr_set(&err, KERR_FAIL, "%s failed", job->name ? job->name : "job");
	if (job->free_arg)
		job->free_arg(job->arg);
	post_kind(job, rc == 0 ? EV_JOB_DONE : EV_JOB_FAILED, rc == 0 ? NULL : &err);
	current_job = NULL;

	pthread_mutex_lock(&jobs_lock);
	running_del_locked(job);
	pthread_mutex_unlock(&jobs_lock);

	pthread_mutex_lock(&job->lock);
	job->result = rc == 0 ? 0 : -1;
	job->finished = 1;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
	job_unref(job);
	return NULL;
}

struct job *job_start(struct evq *q, const char *name, const char *cluster,
		      job_fn fn, void *arg, void (*free_arg)(void *))
{
	struct job *job = xcalloc(1, sizeof *job);

	pthread_mutex_init(&job->lock, NULL);
	cond_init_monotonic(&job->cond);
	job->refs = 2;
	job->name = xstrdup(name);
	job->cluster = xstrdup(cluster);
	job->q = q;
	job->fn = fn;
	job->arg = arg;
	job->free_arg = free_arg;
	pthread_mutex_lock(&jobs_lock);
	job->id = next_job_id++;
	running_add_locked(job);
	pthread_mutex_unlock(&jobs_lock);
	if (pthread_create(&job->thread, NULL, job_thread, job) != 0) {
		struct kerr err;

		kerr_set(&err, KERR_FAIL, "cannot start a thread for %s: %s",
			 name ? name : "job", strerror(errno));
		if (free_arg)
			free_arg(arg);
		post_kind(job, EV_JOB_FAILED, &err);
		pthread_mutex_lock(&jobs_lock);
		running_del_locked(job);
		pthread_mutex_unlock(&jobs_lock);
		job->finished = 1;
		job->result = -1;
		job->joined = 1;   /* no thread to detach */
		job->refs = 1;
	}
	return job;
}

void job_release(struct job *job)
{
	if (job)
		job_unref(job);
}

int job_join(struct job *job)
{
	int rc, join;

	pthread_mutex_lock(&job->lock);
	while (!job->finished)
		pthread_cond_wait(&job->cond, &job->lock);
	rc = job->result;
	join = !job->joined;
	job->joined = 1;
	pthread_mutex_unlock(&job->lock);
	/* The thread's own exit (TLS destructors, e.g. OpenSSL's per-thread
	 * error state) is part of the job: a caller about to exit must not
	 * race it. */
	if (join)
		pthread_join(job->thread, NULL);
	return rc;
}

void job_cancel(struct job *job)
{
	if (!job)
		return;
	pthread_mutex_lock(&job->lock);
	job->cancelled = 1;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
}

unsigned long job_id(const struct job *job)
{
	return job ? job->id : 0;
}

const char *job_name(const struct job *job)
{
	return job ? job->name : NULL;
}

const char *job_cluster(const struct job *job)
{
	return job ? job->cluster : NULL;
}

int job_finished(const struct job *job)
{
	int done;

	pthread_mutex_lock((pthread_mutex_t *)&job->lock);
	done = job->finished;
	pthread_mutex_unlock((pthread_mutex_t *)&job->lock);
	return done;
}

int job_cancelled(const struct job *job)
{
	int c;

	if (__atomic_load_n(&cancel_all_flag, __ATOMIC_SEQ_CST))
		return 1;
	if (!job)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&job->lock);
	c = job->cancelled;
	pthread_mutex_unlock((pthread_mutex_t *)&job->lock);
	return c;
}

struct job *job_current(void)
{
	return current_job;
}

void job_post(struct job *job, struct event *ev)
{
	if (!job || !job->q) {
		event_free(ev);
		return;
	}
	ev->job = job->id;
	if (!ev->cluster && job->cluster)
		ev->cluster = xstrdup(job->cluster);
	evq_push(job->q, ev);
}

void job_progress(struct job *job, long done, long total, const char *fmt, ...)
{
	struct event *ev;
	va_list ap;

	if (!job)
		return;
	ev = event_new(EV_JOB_PROGRESS);
	ev->done = done;
	ev->total = total;
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&ev->text, fmt, ap) < 0)
			ev->text = NULL;
		va_end(ap);
	}
	job_post(job, ev);
}

void job_log(struct job *job, const char *fmt, ...)
{
	struct event *ev;
	va_list ap;

	if (!job)
		return;
	ev = event_new(EV_JOB_LOG);
	va_start(ap, fmt);
	if (vasprintf(&ev->text, fmt, ap) < 0)
		ev->text = NULL;
	va_end(ap);
	job_post(job, ev);
}

int job_sleep(struct job *job, long ms)
{
	struct timespec ts;
	int rc = 0;

	if (!job) {
		/* Not in a job: still honour the global cancel in short steps. */
		while (ms > 0 && !job_cancelled(NULL)) {
			long step = ms > 50 ? 50 : ms;
			struct timespec s = { step / 1000, (step % 1000) * 1000000L };
			nanosleep(&s, NULL);
			ms -= step;
		}
		return job_cancelled(NULL) ? -1 : 0;
	}
	pthread_mutex_lock(&job->lock);
	/* job_cancel and job_cancel_all both signal this condvar; the
	 * deadline is absolute so spurious wake-ups do not stretch it. */
	deadline_in(&ts, ms > 0 ? ms : 0);
	while (!job->cancelled && !__atomic_load_n(&cancel_all_flag, __ATOMIC_SEQ_CST)) {
		if (pthread_cond_timedwait(&job->cond, &job->lock, &ts) == ETIMEDOUT)
			break;
	}
	if (job->cancelled || __atomic_load_n(&cancel_all_flag, __ATOMIC_SEQ_CST))
		rc = -1;
	pthread_mutex_unlock(&job->lock);
	return rc;
}

void job_cancel_all(void)
{
	struct job *job;

	/* Set the flag, then wake every sleeper; network loops check the
	 * flag through job_cancelled on their next progress call. */
	__atomic_store_n(&cancel_all_flag, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&jobs_lock);
	for (job = running_list; job; job = job->run_next) {
		pthread_mutex_lock(&job->lock);
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	pthread_mutex_unlock(&jobs_lock);
}

void job_cancel_reset(void)
{
	__atomic_store_n(&cancel_all_flag, 0, __ATOMIC_SEQ_CST);
}

int job_running_count(void)
{
	int n;

	pthread_mutex_lock(&jobs_lock);
	n = running_jobs;
	pthread_mutex_unlock(&jobs_lock);
	return n;
}
