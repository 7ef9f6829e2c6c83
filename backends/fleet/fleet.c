/* fleet.c - the fleet model: clusters, their objects, components and
 * metrics, updated from events on the main thread. The jobs that feed it
 * are in fleet-jobs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/fleet/fleet-int.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"

void fleet_series_push(struct fleet_series *s, double v)
{
	s->v[s->head] = v;
	s->head = (s->head + 1) % FLEET_SAMPLES;
	if (s->n < FLEET_SAMPLES)
		s->n++;
}

size_t fleet_series_get(const struct fleet_series *s, double *out)
{
	for (size_t i = 0; i < s->n; i++)
		out[i] = s->v[(s->head + FLEET_SAMPLES - s->n + i) % FLEET_SAMPLES];
	return s->n;
}

double fleet_series_last(const struct fleet_series *s)
{
	return s->n ? s->v[(s->head + FLEET_SAMPLES - 1) % FLEET_SAMPLES] : 0;
}

static void free_obj(void *p)
{
	fleet_obj_free(p);
}

static void comps_clear(struct fleet_cluster *c)
{
	for (size_t i = 0; i < c->ncomps; i++) {
		free(c->comps[i].name);
		free(c->comps[i].ns);
		free(c->comps[i].version);
	}
	free(c->comps);
	c->comps = NULL;
	c->ncomps = 0;
}

static void cluster_free(struct fleet_cluster *c)
{
	if (!c)
		return;
	for (int k = 0; k < FLEET__KINDS; k++) {
		fmap_release(&c->objs[k], free_obj);
		free(c->sorted_[k]);
	}
	comps_clear(c);
	free(c->name);
	free(c->version);
	free(c);
}

static void clusters_clear(struct fleet *f)
{
	fleet_jobs_stop(f);
	for (size_t i = 0; i < f->nclusters; i++) {
		kube_client_free(f->clients[i]);
		cluster_free(f->clusters[i]);
	}
	free(f->clusters);
	free(f->clients);
	f->clusters = NULL;
	f->clients = NULL;
	f->nclusters = 0;
	fmap_release(&f->by_name, NULL);
	fmap_init(&f->by_name);
}

static int load_clusters(struct fleet *f, const char *path, struct kerr *err)
{
	struct kubeconfig *kc;
	const char *const *ctx;
	size_t n = 0;

	if (kubeconfig_load(path, &kc, err) < 0)
		return -1;
	ctx = kubeconfig_contexts(kc);
	while (ctx && ctx[n])
		n++;
	f->clusters = xcalloc(n ? n : 1, sizeof(*f->clusters));
	f->clients = xcalloc(n ? n : 1, sizeof(*f->clients));
	for (size_t i = 0; i < n; i++) {
		struct fleet_cluster *c = xcalloc(1, sizeof(*c));
		struct kube_conn *conn = NULL;
		struct kerr e = { 0 };
		struct kube_client_opts o = { .timeout_ms = 10000, .connect_timeout_ms = 3000,
					      .retries = -1 };

		c->name = xstrdup(ctx[i]);
		c->reachable = -1;
		for (int k = 0; k < FLEET__KINDS; k++)
			fmap_init(&c->objs[k]);
		/* A context that cannot even be resolved (missing file, bad
		 * cluster) is shown, unreachable, with the reason. */
		if (kubeconfig_conn(kc, ctx[i], &conn, &e) < 0 ||
		    !(f->clients[i] = kube_client_new(conn, &o, &e))) {
			c->reachable = 0;
			snprintf(c->err, sizeof(c->err), "%.*s", (int)sizeof(c->err) - 1, e.msg);
		}
		kube_conn_free(conn);
		f->clusters[f->nclusters++] = c;
		fmap_put(&f->by_name, c->name, c);
	}
	kubeconfig_free(kc);
	free(f->kubeconfig);
	f->kubeconfig = xstrdup(path);
	return 0;
}

int fleet_new(struct evq *q, const char *kubeconfig_path, struct fleet **out, struct kerr *err)
{
	struct fleet *f = xcalloc(1, sizeof(*f));

	*out = NULL;
	f->q = q;
	fmap_init(&f->by_name);
	if (load_clusters(f, kubeconfig_path, err) < 0) {
		fleet_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	clusters_clear(f);
	for (size_t i = 0; i < f->nsigs; i++) {
		free((char *)f->sigs[i].name);
		free((char *)f->sigs[i].ns);
	}
	free(f->sigs);
	free(f->retired);
	free(f->kubeconfig);
	free(f);
}

int fleet_reload(struct fleet *f, const char *kubeconfig_path, struct kerr *err)
{
	clusters_clear(f);
	f->gen++;
	if (load_clusters(f, kubeconfig_path, err) < 0)
		return -1;
	if (f->started) {
		f->started = 0;
		fleet_start(f);
	}
	return 0;
}

size_t fleet_cluster_count(const struct fleet *f)
{
	return f ? f->nclusters : 0;
}

struct fleet_cluster *fleet_cluster_at(const struct fleet *f, size_t i)
{
	return f && i < f->nclusters ? f->clusters[i] : NULL;
}

struct fleet_cluster *fleet_cluster_find(const struct fleet *f, const char *name)
{
	return f && name ? fmap_get(&f->by_name, name) : NULL;
}

struct kube_client *fleet_client(const struct fleet *f, const char *cluster)
{
	for (size_t i = 0; f && cluster && i < f->nclusters; i++)
		if (!strcmp(f->clusters[i]->name, cluster))
			return f->clients[i];
	return NULL;
}

const char *fleet_kubeconfig_path(const struct fleet *f)
{
	return f->kubeconfig;
}

unsigned fleet_generation(const struct fleet *f)
{
	return f->gen;
}

unsigned fleet_metrics_generation(const struct fleet *f)
{
	return f->mgen;
}

void fleet_set_components(struct fleet *f, const struct fleet_component_sig *sigs, size_t n)
{
	for (size_t i = 0; i < f->nsigs; i++) {
		free((char *)f->sigs[i].name);
		free((char *)f->sigs[i].ns);
	}
	free(f->sigs);
	f->sigs = xcalloc(n ? n : 1, sizeof(*f->sigs));
	for (size_t i = 0; i < n; i++) {
		f->sigs[i].name = xstrdup(sigs[i].name);
		f->sigs[i].ns = xstrdup(sigs[i].ns);
	}
	f->nsigs = n;
	for (size_t i = 0; i < f->nclusters; i++)
		f->clusters[i]->comps_stale = 1;
	f->gen++;
}

/* ---- per kind ------------------------------------------------------ */

static int kind_of(const char *resource)
{
	for (int k = 0; k < FLEET__KINDS; k++)
		if (!strcmp(fleet_kind_resource(k), resource))
			return k;
	return -1;
}

static void obj_key(char *buf, size_t size, const struct fleet_obj *o)
{
	if (o->ns[0])
		snprintf(buf, size, "%s/%s", o->ns, o->name);
	else
		snprintf(buf, size, "%s", o->name);
}

static void touch(struct fleet *f, struct fleet_cluster *c, int kind)
{
	c->sorted_ok_[kind] = 0;
	if (kind != FLEET_PODS && kind != FLEET_NODES)
		c->comps_stale = 1;
	if (kind == FLEET_NODES)
		c->nodes_stale = 1;
	c->gen++;
	f->gen++;
}

static void put_obj(struct fleet_cluster *c, struct fleet_obj *o)
{
	char key[512];
	struct fleet_obj *old;

	obj_key(key, sizeof(key), o);
	old = fmap_put(&c->objs[o->kind], key, o);
	if (old) {
		/* Metrics arrive on their own schedule: keep the last sample. */
		o->cpu_milli = old->cpu_milli;
		o->mem_kib = old->mem_kib;
		fleet_obj_free(old);
	}
}

static void handle_obj(struct fleet *f, const struct event *ev)
{
	struct fleet_cluster *c = fleet_cluster_find(f, ev->cluster);
	int kind = ev->resource ? kind_of(ev->resource) : -1;
	struct fleet_obj *o;
	char key[512];
	size_t i;
	json_t *item;

	if (!c || kind < 0)
		return;
	switch (ev->kind) {
	case EV_OBJ_SYNCED: {
		struct fmap fresh;
		struct fmap *old = &c->objs[kind];

		fmap_init(&fresh);
		json_array_foreach(ev->obj, i, item) {
			if (!(o = fleet_obj_from_json(kind, item)))
				continue;
			obj_key(key, sizeof(key), o);
			{
				struct fleet_obj *prev = fmap_get(old, key);

				if (prev) {
					o->cpu_milli = prev->cpu_milli;
					o->mem_kib = prev->mem_kib;
				}
			}
			fleet_obj_free(fmap_put(&fresh, key, o));
		}
		fmap_release(old, free_obj);
		*old = fresh;
		c->synced[kind] = 1;
		break;
	}
	case EV_OBJ_ADDED:
	case EV_OBJ_MODIFIED:
		if (!(o = fleet_obj_from_json(kind, ev->obj)))
			return;
		put_obj(c, o);
		break;
	case EV_OBJ_DELETED:
		if (!(o = fleet_obj_from_json(kind, ev->obj)))
			return;
		obj_key(key, sizeof(key), o);
		fleet_obj_free(fmap_del(&c->objs[kind], key));
		fleet_obj_free(o);
		break;
	default:
		return;
	}
	touch(f, c, kind);
}

static void handle_status(struct fleet *f, const struct event *ev)
{
	struct fleet_cluster *c = fleet_cluster_find(f, ev->cluster);
	const char *v = jx_str(ev->obj, "version");
	int up = ev->err.kind == KERR_NONE;

	if (!c)
		return;
	if (c->reachable == up && (!up || !v || (c->version && !strcmp(c->version, v))) &&
	    (up || !strcmp(c->err, ev->err.msg)))
		return;
	c->reachable = up;
	if (up) {
		c->err[0] = '\0';
		if (v) {
			free(c->version);
			c->version = xstrdup(v);
		}
	} else {
		snprintf(c->err, sizeof(c->err), "%.*s", (int)sizeof(c->err) - 1, ev->err.msg);
	}
	c->gen++;
	f->gen++;
}

static void handle_metrics(struct fleet *f, const struct event *ev)
{
	struct fleet_cluster *c = fleet_cluster_find(f, ev->cluster);
	json_t *items = jx_get(ev->obj, "items"), *it;
	double cpu = 0, mem = 0;
	size_t i;

	if (!c)
		return;
	if (!items) {
		c->metrics_ok = 0;
		f->mgen++;
		return;
	}
	json_array_foreach(items, i, it) {
		long m = fleet_cpu_milli(jx_str(it, "usage.cpu"));
		long k = fleet_mem_kib(jx_str(it, "usage.memory"));
		struct fleet_obj *o = fleet_obj_find(c, FLEET_NODES, NULL, jx_name(it));

		if (m > 0)
			cpu += (double)m;
		if (k > 0)
			mem += (double)k;
		if (o) {
			o->cpu_milli = m;
			o->mem_kib = k;
		}
	}
	c->metrics_ok = 1;
	fleet_series_push(&c->cpu, cpu);
	fleet_series_push(&c->mem, mem);
	f->mgen++;
}

int fleet_handle_event(struct fleet *f, const struct event *ev)
{
	struct fleet_jobref *jr = fleet_job_lookup(f, ev->job);

	if (!jr)
		return fleet_job_retired(f, ev->job);
	switch (ev->kind) {
	case EV_OBJ_ADDED:
	case EV_OBJ_MODIFIED:
	case EV_OBJ_DELETED:
	case EV_OBJ_SYNCED:
		handle_obj(f, ev);
		break;
	case EV_CLUSTER_STATUS:
		handle_status(f, ev);
		break;
	case EV_USER:
		if (ev->text && !strcmp(ev->text, "fleet.metrics"))
			handle_metrics(f, ev);
		break;
	case EV_JOB_FAILED:
	case EV_JOB_DONE:
		fleet_job_finished(f, ev->job);
		break;
	default:
		break;
	}
	return 1;
}

/* ---- derived views ------------------------------------------------- */

static int cmp_obj(const void *a, const void *b)
{
	const struct fleet_obj *x = *(struct fleet_obj *const *)a;
	const struct fleet_obj *y = *(struct fleet_obj *const *)b;
	int r = strcmp(x->ns, y->ns);

	return r ? r : strcmp(x->name, y->name);
}

struct fleet_obj *const *fleet_sorted(struct fleet_cluster *c, enum fleet_kind kind, size_t *n)
{
	if (!c->sorted_ok_[kind]) {
		struct fmap *m = &c->objs[kind];
		size_t i = 0, k = 0;
		const char *key;
		void *val;

		free(c->sorted_[kind]);
		c->sorted_[kind] = xcalloc(fmap_count(m) + 1, sizeof(struct fleet_obj *));
		while (fmap_next(m, &i, &key, &val))
			c->sorted_[kind][k++] = val;
		qsort(c->sorted_[kind], k, sizeof(struct fleet_obj *), cmp_obj);
		c->nsorted_[kind] = k;
		c->sorted_ok_[kind] = 1;
	}
	*n = c->nsorted_[kind];
	return c->sorted_[kind];
}

struct fleet_obj *fleet_obj_find(const struct fleet_cluster *c, enum fleet_kind kind,
				 const char *ns, const char *name)
{
	char key[512];

	if (!c || !name)
		return NULL;
	if (ns && *ns)
		snprintf(key, sizeof(key), "%s/%s", ns, name);
	else
		snprintf(key, sizeof(key), "%s", name);
	return fmap_get(&c->objs[kind], key);
}

struct fleet_obj **fleet_pods_of(struct fleet_cluster *c, const char *ns,
				 const char *owner_kind, const char *owner_name, size_t *n)
{
	struct fleet_obj *const *pods;
	struct fleet_obj **out;
	size_t np, k = 0;
	char owner[320];

	snprintf(owner, sizeof(owner), "%s/%s", owner_kind, owner_name);
	pods = fleet_sorted(c, FLEET_PODS, &np);
	out = xcalloc(np + 1, sizeof(*out));
	for (size_t i = 0; i < np; i++)
		if (!strcmp(pods[i]->ns, ns) && pods[i]->owner && !strcmp(pods[i]->owner, owner))
			out[k++] = pods[i];
	*n = k;
	return out;
}

/* Nodes: counts and capacity, recomputed once per change, not per event. */
static void nodes_refresh(struct fleet_cluster *c)
{
	size_t n;
	struct fleet_obj *const *v = fleet_sorted(c, FLEET_NODES, &n);

	c->edge_nodes = c->nodes_ready = 0;
	c->cpu_capacity_milli = c->mem_capacity_kib = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i]->flags & FLEET_OBJ_EDGE)
			c->edge_nodes++;
		if (v[i]->health == FLEET_OK)
			c->nodes_ready++;
		if (v[i]->cap_cpu_milli > 0)
			c->cpu_capacity_milli += (double)v[i]->cap_cpu_milli;
		if (v[i]->cap_mem_kib > 0)
			c->mem_capacity_kib += (double)v[i]->cap_mem_kib;
	}
	c->nodes_stale = 0;
}

/* Components: a known component is present on a cluster when its
 * namespace exists; it is ready when every workload in that namespace is. */
static void comps_refresh(struct fleet *f, struct fleet_cluster *c)
{
	comps_clear(c);
	c->comps = xcalloc(f->nsigs ? f->nsigs : 1, sizeof(*c->comps));
	for (size_t s = 0; s < f->nsigs; s++) {
		static const int wk[] = { FLEET_DEPLOYMENTS, FLEET_STATEFULSETS, FLEET_DAEMONSETS };
		struct fleet_component *fc;
		struct fleet_obj *nsobj = fleet_obj_find(c, FLEET_NAMESPACES, NULL, f->sigs[s].ns);
		int ready = 0, total = 0;
		const char *version = NULL;

		if (!nsobj)
			continue;
		for (size_t w = 0; w < ARRAY_SIZE(wk); w++) {
			size_t n;
			struct fleet_obj *const *v = fleet_sorted(c, wk[w], &n);

			for (size_t i = 0; i < n; i++) {
				if (strcmp(v[i]->ns, f->sigs[s].ns))
					continue;
				total++;
				if (v[i]->health == FLEET_OK)
					ready++;
				if (!version && v[i]->version)
					version = v[i]->version;
			}
		}
		fc = &c->comps[c->ncomps++];
		fc->name = xstrdup(f->sigs[s].name);
		fc->ns = xstrdup(f->sigs[s].ns);
		fc->version = xstrdup(version);
		fc->ready = ready;
		fc->total = total;
		if (nsobj->health != FLEET_OK) {
			fc->health = FLEET_WARN;
			snprintf(fc->status, sizeof(fc->status), "removing");
		} else if (total == 0) {
			fc->health = FLEET_WARN;
			snprintf(fc->status, sizeof(fc->status), "installing");
		} else if (ready == total) {
			fc->health = FLEET_OK;
			snprintf(fc->status, sizeof(fc->status), "ready");
		} else {
			fc->health = FLEET_WARN;
			snprintf(fc->status, sizeof(fc->status), "%d/%d ready", ready, total);
		}
	}
	c->comps_stale = 0;
}

void fleet_refresh(struct fleet *f)
{
	for (size_t i = 0; i < f->nclusters; i++) {
		struct fleet_cluster *c = f->clusters[i];

		if (c->nodes_stale)
			nodes_refresh(c);
		if (c->comps_stale)
			comps_refresh(f, c);
	}
}

void fleet_tick(struct fleet *f)
{
	for (size_t i = 0; i < f->nclusters; i++) {
		struct fleet_cluster *c = f->clusters[i];

		if (c->synced[FLEET_PODS]) {
			fleet_series_push(&c->pods, (double)fmap_count(&c->objs[FLEET_PODS]));
			f->mgen++;
		}
	}
}
