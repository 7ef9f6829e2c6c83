/* fleet-jobs.c - the jobs that keep the fleet live: one watch per cluster
 * per kind, one reachability probe and one metrics poller per cluster.
 * They run on worker threads and only post events (lib/evq.h). */
#include <stdio.h>
#include <string.h>

#include "backends/fleet/fleet-int.h"
#include "lib/xalloc.h"

#define PROBE_UP_MS 2000      /* how often a reachable cluster is probed */
#define PROBE_DOWN_MS 1000    /* and an unreachable one: recover quickly */
#define METRICS_MS 5000

struct job_arg {
	struct kube_client *client;   /* borrowed: the fleet joins jobs before freeing it */
	int kind;
};

static struct job_arg *arg_new(struct kube_client *c, int kind)
{
	struct job_arg *a = xcalloc(1, sizeof(*a));

	a->client = c;
	a->kind = kind;
	return a;
}

static int post_obj(const char *type, json_t *obj, void *p)
{
	struct job_arg *a = p;
	struct job *job = job_current();
	enum ev_kind k;
	struct event *ev;

	if (!strcmp(type, "SYNC"))
		k = EV_OBJ_SYNCED;
	else if (!strcmp(type, "ADDED"))
		k = EV_OBJ_ADDED;
	else if (!strcmp(type, "MODIFIED"))
		k = EV_OBJ_MODIFIED;
	else if (!strcmp(type, "DELETED"))
		k = EV_OBJ_DELETED;
	else
		return 0;           /* BOOKMARK */
	ev = event_new(k);
	ev->resource = xstrdup(fleet_kind_resource(a->kind));
	ev->obj = json_incref(obj);
	job_post(job, ev);
	return 0;
}

static int watch_job(struct job *job, void *p, struct kerr *err)
{
	struct job_arg *a = p;
	const struct kube_resource *r = NULL;
	struct kube_watch_opts o = { .bookmarks = 1 };
	long backoff = 500;

	/* Discovery needs the server: keep trying while it is away (the
	 * probe reports why). */
	while (kube_resolve(a->client, fleet_kind_resource(a->kind), &r, err) < 0) {
		if (err->kind == KERR_NOTFOUND)
			return -1;
		if (job_sleep(job, backoff) < 0)
			return kerr_set(err, KERR_CANCELLED, "cancelled");
		if (backoff < 5000)
			backoff *= 2;
	}
	return kube_watch(a->client, r, NULL, &o, post_obj, a, err);
}

static void post_status(struct job *job, const struct kerr *e, const char *version)
{
	struct event *ev = event_new(EV_CLUSTER_STATUS);

	if (e)
		ev->err = *e;
	if (version)
		ev->obj = json_pack("{ss}", "version", version);
	job_post(job, ev);
}

static int probe_job(struct job *job, void *p, struct kerr *err)
{
	struct job_arg *a = p;
	int last = -1;
	char lastmsg[256] = "";

	while (!job_cancelled(job)) {
		char *version = NULL;
		struct kerr e = { 0 };
		int up = kube_server_version(a->client, &version, &e) == 0;

		if (job_cancelled(job)) {
			free(version);
			break;
		}
		/* Only changes travel: an idle fleet posts nothing. */
		if (up != last || (!up && strncmp(lastmsg, e.msg, sizeof(lastmsg) - 1))) {
			post_status(job, up ? NULL : &e, version);
			last = up;
			snprintf(lastmsg, sizeof(lastmsg), "%.*s", (int)sizeof(lastmsg) - 1, up ? "" : e.msg);
		}
		free(version);
		if (job_sleep(job, up ? PROBE_UP_MS : PROBE_DOWN_MS) < 0)
			break;
	}
	return kerr_set(err, KERR_CANCELLED, "cancelled");
}

static int metrics_job(struct job *job, void *p, struct kerr *err)
{
	struct job_arg *a = p;

	while (!job_cancelled(job)) {
		struct kube_resp resp;
		struct kerr e = { 0 };
		struct event *ev = event_new(EV_USER);

		kube_resp_init(&resp);
		ev->text = xstrdup("fleet.metrics");
		if (kube_request(a->client, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", NULL,
				 NULL, NULL, 0, &resp, &e) == 0)
			ev->obj = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
		kube_resp_release(&resp);
		if (job_cancelled(job)) {
			event_free(ev);
			break;
		}
		job_post(job, ev);
		if (job_sleep(job, METRICS_MS) < 0)
			break;
	}
	return kerr_set(err, KERR_CANCELLED, "cancelled");
}

static void add_job(struct fleet *f, size_t ci, enum fleet_job_type type, int kind)
{
	static const char *const names[] = { "watch", "probe", "metrics" };
	struct fleet_cluster *c = f->clusters[ci];
	struct fleet_jobref *jr;
	char name[96];
	job_fn fn = type == FJOB_WATCH ? watch_job : type == FJOB_PROBE ? probe_job : metrics_job;

	if (!f->clients[ci])
		return;
	if (f->njobs == f->capjobs) {
		f->capjobs = f->capjobs ? f->capjobs * 2 : 32;
		f->jobs = xrealloc(f->jobs, f->capjobs * sizeof(*f->jobs));
	}
	if (type == FJOB_WATCH)
		snprintf(name, sizeof(name), "watch %s", fleet_kind_resource(kind));
	else
		snprintf(name, sizeof(name), "%s", names[type]);
	jr = &f->jobs[f->njobs++];
	memset(jr, 0, sizeof(*jr));
	jr->cluster = ci;
	jr->type = type;
	jr->kind = kind;
	jr->job = job_start(f->q, name, c->name, fn, arg_new(f->clients[ci], kind), free);
	jr->id = job_id(jr->job);
	if (type == FJOB_WATCH)
		c->watching[kind] = 1;
}

void fleet_start(struct fleet *f)
{
	static const int eager[] = { FLEET_NODES, FLEET_NAMESPACES, FLEET_DEPLOYMENTS,
				     FLEET_STATEFULSETS, FLEET_DAEMONSETS };

	if (f->started)
		return;
	f->started = 1;
	for (size_t i = 0; i < f->nclusters; i++) {
		add_job(f, i, FJOB_PROBE, -1);
		add_job(f, i, FJOB_METRICS, -1);
		for (size_t k = 0; k < ARRAY_SIZE(eager); k++)
			add_job(f, i, FJOB_WATCH, eager[k]);
	}
}

void fleet_want(struct fleet *f, const char *cluster, enum fleet_kind kind)
{
	if (!f->started || (unsigned)kind >= FLEET__KINDS)
		return;
	for (size_t i = 0; i < f->nclusters; i++) {
		struct fleet_cluster *c = f->clusters[i];

		if (cluster && strcmp(cluster, c->name))
			continue;
		if (!c->watching[kind])
			add_job(f, i, FJOB_WATCH, kind);
	}
}

struct fleet_jobref *fleet_job_lookup(struct fleet *f, unsigned long id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < f->njobs; i++)
		if (f->jobs[i].id == id)
			return &f->jobs[i];
	return NULL;
}

void fleet_job_finished(struct fleet *f, unsigned long id)
{
	struct fleet_jobref *jr = fleet_job_lookup(f, id);

	if (!jr || jr->finished)
		return;
	/* A watch that ended (the kind is not served) is not restarted:
	 * `watching` stays set so fleet_want does not loop on it. */
	jr->finished = 1;
}

int fleet_job_retired(const struct fleet *f, unsigned long id)
{
	for (size_t i = 0; id && i < f->nretired; i++)
		if (f->retired[i] == id)
			return 1;
	return 0;
}

void fleet_jobs_stop(struct fleet *f)
{
	for (size_t i = 0; i < f->njobs; i++)
		job_cancel(f->jobs[i].job);
	/* Their last events may still be queued: remember the ids so they
	 * are recognised (and dropped) after the jobs are gone. */
	f->retired = xrealloc(f->retired, (f->nretired + f->njobs + 1) * sizeof(*f->retired));
	for (size_t i = 0; i < f->njobs; i++) {
		job_join(f->jobs[i].job);
		job_release(f->jobs[i].job);
		f->retired[f->nretired++] = f->jobs[i].id;
	}
	free(f->jobs);
	f->jobs = NULL;
	f->njobs = f->capjobs = 0;
}

size_t fleet_job_count(const struct fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; f && i < f->njobs; i++)
		if (!f->jobs[i].finished)
			n++;
	return n;
}
