/* t_evq.c - the event queue and jobs with real threads: wake fd, order
 * per producer, job events, results, cancellation while sleeping,
 * cancel-all, running count, handles released early. */
#include "tests/lib/t_lib.h"

#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "lib/evq.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void test_queue_basics(void **state)
{
	struct evq *q = evq_create();
	struct event *ev;
	long t0;
	int i;

	(void)state;
	assert_true(evq_fd(q) >= 0);
	assert_false(fd_readable(evq_fd(q)));
	assert_null(evq_pop(q));
	for (i = 0; i < 3; i++) {
		ev = event_new(EV_USER);
		assert_int_equal(ev->done, -1);
		assert_int_equal(ev->total, -1);
		ev->text = xasprintf("e%d", i);
		evq_push(q, ev);
		assert_true(fd_readable(evq_fd(q)));
	}
	for (i = 0; i < 3; i++) {
		char want[8];
		ev = evq_pop(q);
		assert_non_null(ev);
		snprintf(want, sizeof(want), "e%d", i);
		assert_string_equal(ev->text, want);
		event_free(ev);
	}
	assert_false(fd_readable(evq_fd(q)));   /* drained: not readable */
	t0 = now_ms();
	assert_null(evq_wait(q, 100));
	assert_true(now_ms() - t0 >= 90);
	assert_null(evq_wait(q, 0));
	/* pending events with members are freed with the queue */
	ev = event_new(EV_OBJ_ADDED);
	ev->cluster = xstrdup("c");
	ev->resource = xstrdup("pods");
	ev->obj = json_object();
	evq_push(q, ev);
	event_free(NULL);
	evq_free(q);
	evq_free(NULL);
}

#define PRODUCERS 4
#define PER_PRODUCER 2000

struct producer {
	struct evq *q;
	long id;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (long i = 0; i < PER_PRODUCER; i++) {
		struct event *ev = event_new(EV_USER);
		ev->done = p->id;
		ev->total = i;
		evq_push(p->q, ev);
	}
	return NULL;
}

static void test_producers(void **state)
{
	struct evq *q = evq_create();
	struct producer p[PRODUCERS];
	pthread_t th[PRODUCERS];
	long next[PRODUCERS] = { 0 }, got = 0;
	int i;

	(void)state;
	for (i = 0; i < PRODUCERS; i++) {
		p[i].q = q;
		p[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	}
	while (got < PRODUCERS * PER_PRODUCER) {
		struct event *ev = evq_wait(q, 5000);
		assert_non_null(ev);
		assert_true(ev->done >= 0 && ev->done < PRODUCERS);
		assert_int_equal(ev->total, next[ev->done]);   /* order per producer */
		next[ev->done]++;
		got++;
		event_free(ev);
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(th[i], NULL);
	assert_null(evq_pop(q));
	assert_false(fd_readable(evq_fd(q)));
	evq_free(q);
}

static int freed_args;

static void free_counted(void *arg)
{
	free(arg);
	__atomic_add_fetch(&freed_args, 1, __ATOMIC_SEQ_CST);
}

static int current_ok;

static int job_ok(struct job *job, void *arg, struct kerr *err)
{
	/* cmocka's asserts belong to the main thread: record, check there */
	current_ok = job_current() == job && strcmp(arg, "payload") == 0;
	if (!current_ok)
		return kerr_set(err, KERR_FAIL, "wrong job_current or argument");
	job_progress(job, 1, 2, "step %d", 1);
	job_log(job, "line %s", "one");
	job_progress(job, 2, 2, NULL);
	return 0;
}

static int job_fail(struct job *job, void *arg, struct kerr *err)
{
	(void)job;
	if (arg)
		return kerr_set(err, KERR_NOTFOUND, "no such thing: %s", (const char *)arg);
	return -1;   /* no message: the job system supplies one */
}

static struct event *expect(struct evq *q, enum ev_kind kind, unsigned long id)
{
	struct event *ev = evq_wait(q, 5000);

	assert_non_null(ev);
	if (ev->kind != kind)
		fail_msg("event kind %d, want %d", ev->kind, kind);
	assert_int_equal(ev->job, id);
	return ev;
}

static void test_job_events(void **state)
{
	struct evq *q = evq_create();
	struct job *job;
	struct event *ev;
	unsigned long id;

	(void)state;
	assert_null(job_current());
	freed_args = 0;
	job = job_start(q, "install volcano", "member1", job_ok, xstrdup("payload"), free_counted);
	id = job_id(job);
	assert_true(id > 0);
	assert_string_equal(job_name(job), "install volcano");
	assert_string_equal(job_cluster(job), "member1");
	assert_int_equal(job_join(job), 0);
	assert_true(job_finished(job));
	assert_int_equal(freed_args, 1);
	assert_true(current_ok);
	ev = expect(q, EV_JOB_STARTED, id);
	assert_string_equal(ev->cluster, "member1");
	event_free(ev);
	ev = expect(q, EV_JOB_PROGRESS, id);
	assert_int_equal(ev->done, 1);
	assert_int_equal(ev->total, 2);
	assert_string_equal(ev->text, "step 1");
	event_free(ev);
	ev = expect(q, EV_JOB_LOG, id);
	assert_string_equal(ev->text, "line one");
	event_free(ev);
	ev = expect(q, EV_JOB_PROGRESS, id);
	assert_null(ev->text);
	event_free(ev);
	ev = expect(q, EV_JOB_DONE, id);
	assert_int_equal(ev->err.kind, KERR_NONE);
	event_free(ev);
	assert_null(evq_pop(q));
	job_release(job);

	job = job_start(q, "lookup", NULL, job_fail, xstrdup("x"), free_counted);
	assert_int_equal(job_join(job), -1);
	assert_true(job_id(job) > id);
	id = job_id(job);
	event_free(expect(q, EV_JOB_STARTED, id));
	ev = expect(q, EV_JOB_FAILED, id);
	assert_int_equal(ev->err.kind, KERR_NOTFOUND);
	assert_string_equal(ev->err.msg, "no such thing: x");
	assert_null(ev->cluster);
	event_free(ev);
	job_release(job);

	job = job_start(q, "silent", NULL, job_fail, NULL, NULL);
	assert_int_equal(job_join(job), -1);
	event_free(expect(q, EV_JOB_STARTED, job_id(job)));
	ev = expect(q, EV_JOB_FAILED, job_id(job));
	assert_int_equal(ev->err.kind, KERR_FAIL);
	assert_non_null(strstr(ev->err.msg, "silent"));
	event_free(ev);
	job_release(job);
	assert_int_equal(freed_args, 2);

	/* outside a job every call is a harmless no-op */
	job_progress(NULL, 1, 1, "x");
	job_log(NULL, "x");
	job_post(NULL, event_new(EV_USER));
	job_cancel(NULL);
	job_release(NULL);
	assert_false(job_cancelled(NULL));
	evq_free(q);
}

struct sleeper {
	long slept_ms;
	int rc;
};

static int job_sleeper(struct job *job, void *arg, struct kerr *err)
{
	struct sleeper *s = arg;
	long t0 = now_ms();

	s->rc = job_sleep(job, 10000);
	s->slept_ms = now_ms() - t0;
	if (s->rc < 0 && job_cancelled(job))
		return kerr_set(err, KERR_CANCELLED, "cancelled");
	return 0;
}

static void wait_running(int n)
{
	long t0 = now_ms();

	while (job_running_count() != n) {
		if (now_ms() - t0 > 5000)
			fail_msg("running count %d, want %d", job_running_count(), n);
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

static void test_cancel_sleep(void **state)
{
	struct evq *q = evq_create();
	struct sleeper s = { 0 };
	struct job *job;
	struct event *ev;

	(void)state;
	wait_running(0);
	job = job_start(q, "sleepy", NULL, job_sleeper, &s, NULL);
	event_free(expect(q, EV_JOB_STARTED, job_id(job)));
	assert_int_equal(job_running_count(), 1);
	assert_false(job_cancelled(job));
	job_cancel(job);
	assert_true(job_cancelled(job));
	assert_int_equal(job_join(job), -1);
	assert_int_equal(s.rc, -1);
	assert_true(s.slept_ms < 2000);   /* woke at once, not after 10 s */
	ev = expect(q, EV_JOB_FAILED, job_id(job));
	assert_int_equal(ev->err.kind, KERR_CANCELLED);
	event_free(ev);
	job_release(job);
	wait_running(0);
	/* a short sleep that is not cancelled sleeps its full time */
	{
		long t0 = now_ms();
		assert_int_equal(job_sleep(NULL, 30), 0);
		assert_true(now_ms() - t0 >= 25);
	}
	evq_free(q);
}

#define SLEEPERS 3

static void test_cancel_all(void **state)
{
	struct evq *q = evq_create();
	struct sleeper s[SLEEPERS];
	struct job *jobs[SLEEPERS];
	long t0;
	int i;

	(void)state;
	memset(s, 0, sizeof(s));
	for (i = 0; i < SLEEPERS; i++)
		jobs[i] = job_start(q, "sleeper", NULL, job_sleeper, &s[i], NULL);
	wait_running(SLEEPERS);
	/* each job must be inside job_sleep before we cancel: wait for STARTED */
	for (i = 0; i < SLEEPERS; i++)
		event_free(evq_wait(q, 5000));
	t0 = now_ms();
	job_cancel_all();
	for (i = 0; i < SLEEPERS; i++) {
		assert_int_equal(job_join(jobs[i]), -1);
		assert_int_equal(s[i].rc, -1);
		job_release(jobs[i]);
	}
	assert_true(now_ms() - t0 < 2000);
	assert_true(job_cancelled(NULL));
	assert_int_equal(job_sleep(NULL, 5000), -1);   /* returns at once */
	job_cancel_reset();
	assert_false(job_cancelled(NULL));
	wait_running(0);
	/* free the FAILED events */
	for (struct event *ev; (ev = evq_pop(q));)
		event_free(ev);
	evq_free(q);
}

static int job_blocker(struct job *job, void *arg, struct kerr *err)
{
	(void)arg;
	(void)err;
	/* waits until cancelled, like a watch stream */
	while (!job_cancelled(job))
		job_sleep(job, 1000);
	return 0;
}

static void test_release_running(void **state)
{
	struct evq *q = evq_create();
	struct job *a, *b;
	struct event *ev;
	int done = 0;

	(void)state;
	a = job_start(q, "watch-a", "c1", job_blocker, NULL, NULL);
	b = job_start(q, "watch-b", "c2", job_blocker, NULL, NULL);
	wait_running(2);
	job_cancel(a);
	job_release(a);           /* the handle goes; the job finishes alone */
	job_cancel(b);
	assert_int_equal(job_join(b), 0);
	job_release(b);
	wait_running(0);
	while ((ev = evq_wait(q, 200))) {
		if (ev->kind == EV_JOB_DONE)
			done++;
		event_free(ev);
	}
	assert_int_equal(done, 2);
	evq_free(q);
}

int t_evq(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_basics),
		cmocka_unit_test(test_producers),
		cmocka_unit_test(test_job_events),
		cmocka_unit_test(test_cancel_sleep),
		cmocka_unit_test(test_cancel_all),
		cmocka_unit_test(test_release_running),
	};
	return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
