/* apply-batch.c - many server-side applies at once on worker threads
 * (see kube_apply_batch in client.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "backends/kube/client-int.h"
#include "lib/evq.h"
#include "lib/xalloc.h"

#define DEFAULT_PARALLEL 8
#define MAX_PARALLEL 64

struct batch {
	struct kube_client *c;
	const json_t *objs;
	const struct kube_apply_opts *opts;
	int (*cb)(const struct kube_apply_result *res, void *arg);
	void *arg;
	struct job *job;             /* the caller's job, for cancellation */

	pthread_mutex_t lock;        /* next, stop, failures, first_err; serialises cb */
	size_t next, n;
	int stop;
	size_t failures;
	size_t first_index;
	struct kerr first_err;
};

static void *worker(void *p)
{
	struct batch *b = p;

	kube_thread_act_for(b->job);
	for (;;) {
		struct kube_apply_result res = { 0 };
		struct kerr e = { 0 };
		json_t *live = NULL;
		size_t i;
		int rc;

		pthread_mutex_lock(&b->lock);
		if (b->stop || b->next >= b->n || kube_cancelled()) {
			pthread_mutex_unlock(&b->lock);
			break;
		}
		i = b->next++;
		pthread_mutex_unlock(&b->lock);

		res.index = i;
		res.obj = json_array_get(b->objs, i);
		rc = kube_apply(b->c, res.obj, b->opts, &live, &res.created, &e);
		res.live = live;
		res.err = rc < 0 ? &e : NULL;

		pthread_mutex_lock(&b->lock);
		if (rc < 0) {
			if (!b->failures || i < b->first_index) {
				b->first_index = i;
				b->first_err = e;
			}
			b->failures++;
		}
		if (b->cb && b->cb(&res, b->arg))
			b->stop = 1;
		pthread_mutex_unlock(&b->lock);
		json_decref(live);
	}
	kube_thread_act_for(NULL);
	return NULL;
}

int kube_apply_batch(struct kube_client *c, const json_t *objs, const struct kube_apply_opts *opts,
		     int parallel, int (*cb)(const struct kube_apply_result *res, void *arg),
		     void *arg, struct kerr *err)
{
	struct batch b = { .c = c, .objs = objs, .opts = opts, .cb = cb, .arg = arg,
			   .job = job_current() };
	pthread_t th[MAX_PARALLEL];
	int i, started = 0;

	if (!json_is_array(objs))
		return kerr_set(err, KERR_USAGE, "apply batch: expected an array of objects");
	b.n = json_array_size(objs);
	if (parallel <= 0)
		parallel = DEFAULT_PARALLEL;
	if (parallel > MAX_PARALLEL)
		parallel = MAX_PARALLEL;
	if ((size_t)parallel > b.n)
		parallel = (int)b.n;
	pthread_mutex_init(&b.lock, NULL);
	for (i = 0; i < parallel; i++)
		if (!pthread_create(&th[started], NULL, worker, &b))
			started++;
	if (!started && b.n)
		worker(&b);   /* no threads to be had: do it here */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&b.lock);
	if (b.failures) {
		if (err) {
			*err = b.first_err;
			if (b.failures > 1)
				kerr_prefix(err, "%zu of %zu objects failed; the first", b.failures, b.n);
		}
		return -1;
	}
	if (kube_cancelled() && b.next < b.n)
		return kerr_set(err, KERR_CANCELLED, "cancelled after %zu of %zu objects", b.next, b.n);
	return 0;
}
