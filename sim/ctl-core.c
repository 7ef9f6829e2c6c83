/* ctl-core.c - the controllers' thread per cluster, work queue and shared
 * helpers (controllers.h). */
#include "sim/controllers.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jsonx.h"
#include "lib/xalloc.h"

static const struct sim_config *config;

long sim_ctl_ready_delay_ms(void)
{
	return config && config->ready_delay_ms >= 0 ? config->ready_delay_ms : 300;
}

const struct sim_config *sim_ctl_config(void)
{
	return config;
}

int64_t sim_ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sim_ctl_rfc3339(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- queue ------------------------------------------------------------------ */

void sim_ctl_enqueue(struct sim_ctl *c, enum sim_ctl_kind kind, const char *ns, const char *name,
		     long delay_ms)
{
	char key[640];
	int64_t due = sim_ctl_now_ms() + (delay_ms > 0 ? delay_ms : 0);
	json_t *cur;

	snprintf(key, sizeof key, "%c\x01%s\x01%s", (char)kind, ns ? ns : "", name ? name : "");
	cur = json_object_get(c->queue, key);
	/* The earliest request wins. */
	if (cur && json_integer_value(cur) <= due)
		return;
	json_object_set_new(c->queue, key, json_integer(due));
}

static void dispatch(struct sim_ctl *c, const char *key)
{
	char kind = key[0], ns[300], name[300];
	const char *p = key + 2, *sep = strchr(p, '\x01');

	if (!sep)
		return;
	snprintf(ns, sizeof ns, "%.*s", (int)(sep - p), p);
	snprintf(name, sizeof name, "%s", sep + 1);
	switch (kind) {
	case CTL_DEPLOYMENT: sim_ctl_deployment(c, ns, name); break;
	case CTL_REPLICASET: sim_ctl_replicaset(c, ns, name); break;
	case CTL_STATEFULSET: sim_ctl_statefulset(c, ns, name); break;
	case CTL_DAEMONSET: sim_ctl_daemonset(c, ns, name); break;
	case CTL_JOB: sim_ctl_job(c, ns, name); break;
	case CTL_POD: sim_ctl_pod(c, ns, name); break;
	case CTL_NS_PODS: sim_ctl_ns_pods(c, ns); break;
	case CTL_SERVICE: sim_ctl_service(c, ns, name); break;
	case CTL_NS_SERVICES: sim_ctl_ns_services(c, ns); break;
	case CTL_NAMESPACE: sim_ctl_namespace(c, name); break;
	case CTL_TOKEN: sim_ctl_token(c, ns, name); break;
	case CTL_ALL_DAEMONSETS: sim_ctl_all_daemonsets(c); break;
	default: break;
	}
}

/* Run every due key; returns ms until the next one (capped). */
static long run_due(struct sim_ctl *c)
{
	int64_t now = sim_ctl_now_ms(), next = now + 200;
	json_t *due = json_array(), *v;
	const char *k;
	void *tmp;
	size_t i;

	json_object_foreach_safe(c->queue, tmp, k, v) {
		int64_t t = json_integer_value(v);
		if (t <= now) {
			json_array_append_new(due, json_string(k));
			json_object_del(c->queue, k);
		} else if (t < next) {
			next = t;
		}
	}
	json_array_foreach(due, i, v) {
		if (c->stop)
			break;
		dispatch(c, json_string_value(v));
	}
	json_decref(due);
	if (json_array_size(due))
		return 0;
	return (long)(next - now);
}

/* ---- events from the store ---------------------------------------------------- */

static int is(const struct sim_type *t, const char *group, const char *kind)
{
	return !strcmp(t->group, group) && !strcmp(t->kind, kind);
}

static void owner_key(struct sim_ctl *c, const json_t *obj)
{
	const json_t *ref = sim_ctl_controller_ref(obj);
	const char *kind = sim_ctl_str(ref, "kind"), *name = sim_ctl_str(ref, "name");
	const char *ns = sim_ctl_str(obj, "metadata.namespace");

	if (!kind || !name)
		return;
	if (!strcmp(kind, "ReplicaSet"))
		sim_ctl_enqueue(c, CTL_REPLICASET, ns, name, 0);
	else if (!strcmp(kind, "Deployment"))
		sim_ctl_enqueue(c, CTL_DEPLOYMENT, ns, name, 0);
	else if (!strcmp(kind, "StatefulSet"))
		sim_ctl_enqueue(c, CTL_STATEFULSET, ns, name, 0);
	else if (!strcmp(kind, "DaemonSet"))
		sim_ctl_enqueue(c, CTL_DAEMONSET, ns, name, 0);
	else if (!strcmp(kind, "Job"))
		sim_ctl_enqueue(c, CTL_JOB, ns, name, 0);
}

static void on_event(struct sim_ctl *c, const struct sim_event *ev)
{
	const struct sim_type *t = ev->t;
	const json_t *o = ev->obj;
	const char *ns = sim_ctl_str(o, "metadata.namespace"), *name = sim_ctl_str(o, "metadata.name");
	int deleted = ev->type == SIM_EV_DELETED;

	if (!t || !name || ev->type == SIM_EV_BOOKMARK)
		return;
	if (is(t, "apps", "Deployment")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_DEPLOYMENT, ns, name, 0);
	} else if (is(t, "apps", "ReplicaSet")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_REPLICASET, ns, name, 0);
		owner_key(c, o);
	} else if (is(t, "apps", "StatefulSet")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_STATEFULSET, ns, name, 0);
	} else if (is(t, "apps", "DaemonSet")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_DAEMONSET, ns, name, 0);
	} else if (is(t, "batch", "Job")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_JOB, ns, name, 0);
	} else if (is(t, "", "Pod")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_POD, ns, name, 0);
		else {
			json_object_del(c->started, sim_ctl_str(o, "metadata.uid") ?: "");
			json_object_del(c->hooks_done, sim_ctl_str(o, "metadata.uid") ?: "");
		}
		owner_key(c, o);
		sim_ctl_enqueue(c, CTL_NS_SERVICES, ns, "", 50);
	} else if (is(t, "", "Service")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_SERVICE, ns, name, 0);
		else
			sim_ctl_service_deleted(c, o);
	} else if (is(t, "", "Namespace")) {
		if (!deleted)
			sim_ctl_enqueue(c, CTL_NAMESPACE, "", name, 0);
	} else if (is(t, "", "ServiceAccount") || is(t, "", "ConfigMap") || is(t, "", "Secret")) {
		if (deleted)
			sim_ctl_enqueue(c, CTL_NAMESPACE, "", ns, 0);
		else
			sim_ctl_enqueue(c, CTL_NS_PODS, ns, "", 0);
		if (is(t, "", "Secret") && !deleted &&
		    !strcmp(sim_ctl_str(o, "type") ?: "", "kubernetes.io/service-account-token"))
			sim_ctl_enqueue(c, CTL_TOKEN, ns, name, 0);
	} else if (is(t, "", "Node")) {
		sim_ctl_enqueue(c, CTL_ALL_DAEMONSETS, "", "", 0);
	}
}

static void enqueue_all(struct sim_ctl *c, const char *group, const char *plural, enum sim_ctl_kind kind)
{
	json_t *items = sim_ctl_list(c, group, plural, NULL), *o;
	size_t i;

	json_array_foreach(items, i, o) {
		const char *ns = sim_ctl_str(o, "metadata.namespace");
		const char *name = sim_ctl_str(o, "metadata.name");
		if (kind == CTL_NAMESPACE)
			sim_ctl_enqueue(c, kind, "", name, 0);
		else if (kind != CTL_TOKEN ||
			 !strcmp(sim_ctl_str(o, "type") ?: "", "kubernetes.io/service-account-token"))
			sim_ctl_enqueue(c, kind, ns, name, 0);
	}
	json_decref(items);
}

static void resync(struct sim_ctl *c)
{
	enqueue_all(c, "", "namespaces", CTL_NAMESPACE);
	enqueue_all(c, "apps", "deployments", CTL_DEPLOYMENT);
	enqueue_all(c, "apps", "replicasets", CTL_REPLICASET);
	enqueue_all(c, "apps", "statefulsets", CTL_STATEFULSET);
	enqueue_all(c, "apps", "daemonsets", CTL_DAEMONSET);
	enqueue_all(c, "batch", "jobs", CTL_JOB);
	enqueue_all(c, "", "pods", CTL_POD);
	enqueue_all(c, "", "services", CTL_SERVICE);
	enqueue_all(c, "", "secrets", CTL_TOKEN);
}

static struct sim_watch *open_watch(struct sim_ctl *c)
{
	struct sim_watch_opts wo;
	struct kerr err = { 0 };

	memset(&wo, 0, sizeof wo);
	return sim_watch_open(c->st, &wo, &err);
}

static void *ctl_main(void *arg)
{
	struct sim_ctl *c = arg;
	long wait_ms = 0;

	sim_ctl_bootstrap(c);
	resync(c);
	while (!c->stop && !sim_server_stopping()) {
		struct sim_event ev;
		struct kerr err = { 0 };
		int rc, n = 0;

		rc = sim_watch_next(c->watch, (int)(wait_ms < 0 ? 0 : wait_ms), &ev, &err);
		while (rc == 1) {
			on_event(c, &ev);
			sim_event_release(&ev);
			if (++n >= 2000)
				break;
			rc = sim_watch_next(c->watch, 0, &ev, &err);
		}
		if (rc < 0) {
			/* Fell behind the history: start over from now. */
			sim_watch_close(c->watch);
			c->watch = open_watch(c);
			if (!c->watch)
				break;
			resync(c);
		}
		if (sim_watch_closed(c->watch))
			break;
		wait_ms = run_due(c);
	}
	return NULL;
}

static int cluster_start(struct sim_cluster *cl, struct kerr *err)
{
	struct sim_ctl *c = xcalloc(1, sizeof *c);

	c->cl = cl;
	c->st = cl->store;
	c->queue = json_object();
	c->started = json_object();
	c->hooks_done = json_object();
	c->cluster_ips = json_object();
	c->node_ports = json_object();
	pthread_mutex_init(&c->mu, NULL);
	cl->ctl = c;
	sim_ctl_svc_init(c);
	c->watch = open_watch(c);
	if (!c->watch)
		return kerr_set(err, KERR_FAIL, "controllers of %s: cannot watch the store", cl->name);
	if (pthread_create(&c->thread, NULL, ctl_main, c)) {
		sim_watch_close(c->watch);
		c->watch = NULL;
		return kerr_set(err, KERR_FAIL, "controllers of %s: cannot start a thread", cl->name);
	}
	c->running = 1;
	return 0;
}

static void cluster_stop(struct sim_cluster *cl)
{
	struct sim_ctl *c = cl->ctl;

	if (!c)
		return;
	c->stop = 1;
	if (c->running) {
		sim_watch_cancel(c->watch);
		pthread_join(c->thread, NULL);
	}
	sim_watch_close(c->watch);
	json_decref(c->queue);
	json_decref(c->started);
	json_decref(c->hooks_done);
	json_decref(c->cluster_ips);
	json_decref(c->node_ports);
	pthread_mutex_destroy(&c->mu);
	cl->ctl = NULL;
	free(c);
}

void sim_ctl_register_all(const struct sim_config *cfg)
{
	config = cfg;
	sim_server_add_cluster_hooks(cluster_start, cluster_stop);
	sim_store_add_admission("", "Service", sim_ctl_admit_service, NULL);
	sim_store_add_admission("apps", "Deployment", sim_ctl_admit_defaults, NULL);
	sim_store_add_admission("apps", "StatefulSet", sim_ctl_admit_defaults, NULL);
	sim_store_add_admission("apps", "DaemonSet", sim_ctl_admit_defaults, NULL);
	sim_store_add_admission("batch", "Job", sim_ctl_admit_defaults, NULL);
	sim_podlog_register();
	sim_metrics_register();
}

/* ---- store helpers -------------------------------------------------------------- */

const struct sim_type *sim_ctl_type(struct sim_ctl *c, const char *group, const char *plural)
{
	return sim_store_type(c->st, group, NULL, plural);
}

json_t *sim_ctl_get(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		    const char *name)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	json_t *out = NULL;

	if (!t || !name || sim_store_get(c->st, t, ns, name, &out, NULL))
		return NULL;
	return out;
}

json_t *sim_ctl_list(struct sim_ctl *c, const char *group, const char *plural, const char *ns)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	struct sim_list_opts lo;
	json_t *items = NULL;
	uint64_t rv;

	memset(&lo, 0, sizeof lo);
	lo.ns = ns;
	if (!t || sim_store_list(c->st, t, &lo, &items, &rv, NULL, NULL, NULL))
		return json_array();
	return items;
}

int sim_ctl_create(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const json_t *obj, const char *manager)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	struct sim_write_opts o = { .manager = manager };
	json_t *out = NULL;
	int rc;

	if (!t)
		return -1;
	rc = sim_store_create(c->st, t, ns, obj, &o, &out, NULL);
	json_decref(out);
	return rc;
}

int sim_ctl_delete(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const char *name)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	struct sim_delete_opts o = { .propagation = SIM_PROPAGATE_BACKGROUND, .grace_period = -1 };
	json_t *out = NULL;
	int rc;

	if (!t)
		return -1;
	rc = sim_store_delete(c->st, t, ns, name, &o, &out, NULL, NULL);
	json_decref(out);
	return rc;
}

static int put_status(json_t *obj, void *ud, struct kerr *err)
{
	json_t *st = ud;

	(void)err;
	if (json_equal(json_object_get(obj, "status"), st))
		return 1;
	json_object_set(obj, "status", st);
	return 0;
}

int sim_ctl_set_status(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		       const char *name, json_t *status, const char *manager)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	struct sim_write_opts o = { .manager = manager, .subresource = "status" };
	json_t *out = NULL;
	int rc = -1;

	if (t)
		rc = sim_store_mutate(c->st, t, ns, name, put_status, status, &o, &out, NULL);
	json_decref(out);
	json_decref(status);
	return rc;
}

int sim_ctl_mutate(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const char *name, sim_mutate_fn fn, void *ud, const char *manager)
{
	const struct sim_type *t = sim_ctl_type(c, group, plural);
	struct sim_write_opts o = { .manager = manager };
	json_t *out = NULL;
	int rc;

	if (!t)
		return -1;
	rc = sim_store_mutate(c->st, t, ns, name, fn, ud, &o, &out, NULL);
	json_decref(out);
	return rc;
}

/* ---- object helpers -------------------------------------------------------------- */

const char *sim_ctl_str(const json_t *obj, const char *path)
{
	return json_string_value(jx_get(obj, path));
}

long sim_ctl_int(const json_t *obj, const char *path, long dflt)
{
	const json_t *v = jx_get(obj, path);

	/* integers only: a real or a string is "not set" here */
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

int sim_ctl_owned_by(const json_t *obj, const char *uid)
{
	json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), *r;
	size_t i;

	if (!uid)
		return 0;
	json_array_foreach(refs, i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "uid")) ?: "", uid))
			return 1;
	}
	return 0;
}

const json_t *sim_ctl_controller_ref(const json_t *obj)
{
	json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), *r;
	size_t i;

	json_array_foreach(refs, i, r) {
		if (json_is_true(json_object_get(r, "controller")))
			return r;
	}
	return NULL;
}

json_t *sim_ctl_owner_ref(const json_t *owner, const char *api_version, const char *kind)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "apiVersion", api_version, "kind", kind, "name",
			 sim_ctl_str(owner, "metadata.name") ?: "", "uid", sim_ctl_str(owner, "metadata.uid") ?: "",
			 "controller", 1, "blockOwnerDeletion", 1);
}

static const char safe_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

void sim_ctl_suffix(char out[6])
{
	unsigned char r[5] = { 0 };
	size_t i;

	RAND_bytes(r, sizeof r);
	for (i = 0; i < 5; i++)
		out[i] = safe_alphabet[r[i] % (sizeof safe_alphabet - 1)];
	out[5] = 0;
}

static void random_hex(char *buf, size_t nbytes)
{
	unsigned char r[32] = { 0 };
	size_t i;

	if (nbytes > sizeof r)
		nbytes = sizeof r;
	RAND_bytes(r, (int)nbytes);
	for (i = 0; i < nbytes; i++)
		sprintf(buf + 2 * i, "%02x", r[i]);
	buf[2 * nbytes] = 0;
}

void sim_ctl_hash(const json_t *v, char out[16])
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY), dec[16];
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; s && s[i]; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	free(s);
	snprintf(dec, sizeof dec, "%u", h);
	for (i = 0; dec[i]; i++)
		out[i] = safe_alphabet[(unsigned char)dec[i] % (sizeof safe_alphabet - 1)];
	out[i] = 0;
}

static int expr_matches(const json_t *e, const json_t *labels)
{
	const char *key = json_string_value(json_object_get(e, "key"));
	const char *op = json_string_value(json_object_get(e, "operator"));
	json_t *vals = json_object_get(e, "values"), *v;
	const char *have = key ? json_string_value(json_object_get(labels, key)) : NULL;
	size_t i;
	int in = 0;

	if (!key || !op)
		return 0;
	json_array_foreach(vals, i, v) {
		if (have && json_is_string(v) && !strcmp(json_string_value(v), have))
			in = 1;
	}
	if (!strcmp(op, "In"))
		return in;
	if (!strcmp(op, "NotIn"))
		return !in;
	if (!strcmp(op, "Exists"))
		return have != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return have == NULL;
	return 0;
}

int sim_ctl_selector_matches(const json_t *selector, const json_t *labels, int match_empty)
{
	json_t *ml, *me, *v;
	const char *k;
	size_t i;
	int any = 0;

	if (!json_is_object(selector) || !json_object_size(selector))
		return match_empty;
	ml = json_object_get(selector, "matchLabels");
	me = json_object_get(selector, "matchExpressions");
	if (!ml && !me) {
		/* A plain map (Service spec.selector). */
		json_object_foreach((json_t *)selector, k, v) {
			const char *have = json_string_value(json_object_get(labels, k));
			if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
				return 0;
		}
		return 1;
	}
	json_object_foreach(ml, k, v) {
		const char *have = json_string_value(json_object_get(labels, k));
		any = 1;
		if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
			return 0;
	}
	json_array_foreach(me, i, v) {
		any = 1;
		if (!expr_matches(v, labels))
			return 0;
	}
	return any ? 1 : match_empty;
}

int sim_ctl_pod_ready(const json_t *pod)
{
	json_t *conds = json_object_get(json_object_get(pod, "status"), "conditions"), *cd;
	size_t i;

	json_array_foreach(conds, i, cd) {
		if (!strcmp(sim_ctl_str(cd, "type") ?: "", "Ready"))
			return !strcmp(sim_ctl_str(cd, "status") ?: "", "True");
	}
	return 0;
}

int sim_ctl_pod_finished(const json_t *pod)
{
	const char *ph = sim_ctl_str(pod, "status.phase");

	return ph && (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed"));
}

int sim_ctl_terminating(const json_t *obj)
{
	return sim_ctl_str(obj, "metadata.deletionTimestamp") != NULL;
}

void sim_ctl_event(struct sim_ctl *c, const json_t *obj, const char *type, const char *reason,
		   const char *component, const char *fmt, ...)
{
	char msg[1024], name[400], ts[32], hex[17];
	const char *ons = sim_ctl_str(obj, "metadata.namespace"), *host = NULL;
	json_t *ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	random_hex(hex, 8);
	snprintf(name, sizeof name, "%s.%s", sim_ctl_str(obj, "metadata.name") ?: "object", hex);
	sim_ctl_rfc3339(ts);
	if (!strcmp(component, "kubelet"))
		host = sim_ctl_str(obj, "spec.nodeName");
	ev = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:{s:s},s:s,s:s,s:i,s:s,s:s,s:s}",
		       "apiVersion", "v1", "kind", "Event",
		       "metadata", "name", name, "namespace", ons ? ons : "default",
		       "involvedObject", "apiVersion", sim_ctl_str(obj, "apiVersion") ?: "v1",
		       "kind", sim_ctl_str(obj, "kind") ?: "", "name", sim_ctl_str(obj, "metadata.name") ?: "",
		       "namespace", ons ? ons : "", "uid", sim_ctl_str(obj, "metadata.uid") ?: "",
		       "reason", reason, "message", msg, "source", "component", component,
		       "firstTimestamp", ts, "lastTimestamp", ts, "count", 1, "type", type,
		       "reportingComponent", component, "reportingInstance", host ? host : component);
	if (host)
		json_object_set_new(json_object_get(ev, "source"), "host", json_string(host));
	if (!ons)
		json_object_del(json_object_get(ev, "involvedObject"), "namespace");
	sim_ctl_create(c, "", "events", ons ? ons : "default", ev, component);
	json_decref(ev);
}

json_t *sim_ctl_pod_from_template(const json_t *owner, const char *owner_api_version,
				  const char *owner_kind, const json_t *tmpl, const char *name,
				  const char *generate_prefix)
{
	json_t *pod = json_object(), *meta, *spec;
	json_t *tm = json_object_get(tmpl, "metadata");

	meta = json_is_object(tm) ? json_deep_copy(tm) : json_object();
	json_object_del(meta, "creationTimestamp");
	if (name) {
		json_object_set_new(meta, "name", json_string(name));
	} else {
		char gn[300], suf[6];
		snprintf(gn, sizeof gn, "%s-", generate_prefix);
		sim_ctl_suffix(suf);
		json_object_set_new(meta, "generateName", json_string(gn));
		snprintf(gn, sizeof gn, "%s-%s", generate_prefix, suf);
		json_object_set_new(meta, "name", json_string(gn));
	}
	json_object_set_new(meta, "namespace", json_string(sim_ctl_str(owner, "metadata.namespace") ?: "default"));
	json_object_set_new(meta, "ownerReferences", json_pack("[o]", sim_ctl_owner_ref(owner, owner_api_version,
										       owner_kind)));
	spec = json_deep_copy(json_object_get(tmpl, "spec"));
	if (!json_is_object(spec)) {
		json_decref(spec);
		spec = json_object();
	}
	json_object_set_new(pod, "apiVersion", json_string("v1"));
	json_object_set_new(pod, "kind", json_string("Pod"));
	json_object_set_new(pod, "metadata", meta);
	json_object_set_new(pod, "spec", spec);
	return pod;
}

char *sim_ctl_b64(const void *data, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

char *sim_ctl_unb64(const char *s, size_t *n)
{
	size_t len = strlen(s);
	unsigned char *out = xmalloc(len / 4 * 3 + 4);
	int got;

	if (len % 4) {
		free(out);
		return NULL;
	}
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (got < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as data. */
	if (len >= 1 && s[len - 1] == '=')
		got--;
	if (len >= 2 && s[len - 2] == '=')
		got--;
	out[got] = 0;
	if (n)
		*n = (size_t)got;
	return (char *)out;
}
