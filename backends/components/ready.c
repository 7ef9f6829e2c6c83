/* ready.c - readiness rules per kind (ready.h). */
#include "backends/components/ready.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backends/recipes/recipe.h"
#include "lib/jsonx.h"

const char *ready_condition(const json_t *obj, const char *type, const char **reason,
			    const char **message)
{
	json_t *conds = jx_get(obj, "status.conditions"), *c;
	size_t i;

	json_array_foreach(conds, i, c) {
		const char *t = jx_str(c, "type");

		if (t && !strcmp(t, type)) {
			if (reason)
				*reason = jx_str(c, "reason");
			if (message)
				*message = jx_str(c, "message");
			return jx_str(c, "status");
		}
	}
	return NULL;
}

void ready_conditions(const json_t *obj, struct strbuf *out)
{
	json_t *conds = jx_get(obj, "status.conditions"), *c;
	size_t i;

	json_array_foreach(conds, i, c) {
		const char *reason = jx_str(c, "reason"), *msg = jx_str(c, "message");

		strbuf_addf(out, "%s%s=%s", i ? "; " : "", jx_str_or(c, "type", "?"),
			    jx_str_or(c, "status", "?"));
		if ((reason && *reason) || (msg && *msg))
			strbuf_addf(out, " (%s%s%s)", reason ? reason : "",
				    reason && *reason && msg && *msg ? ": " : "", msg ? msg : "");
	}
}

static void set(struct ready_res *res, enum ready_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct ready_res *res, enum ready_state st, const char *fmt, ...)
{
	va_list ap;

	res->state = st;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof res->msg, fmt, ap);
	va_end(ap);
}

/* The controller has not seen the latest spec yet. */
static int not_observed(const json_t *obj, struct ready_res *res)
{
	int64_t gen = jx_int(obj, "metadata.generation", 0);
	int64_t seen = jx_int(obj, "status.observedGeneration", -1);

	if (!jx_get(obj, "status") || seen < gen) {
		set(res, READY_NO, "waiting for the controller to observe generation %lld",
		    (long long)gen);
		return 1;
	}
	return 0;
}

static void deployment(const json_t *o, struct ready_res *res)
{
	int64_t want = jx_int(o, "spec.replicas", 1);
	int64_t updated = jx_int(o, "status.updatedReplicas", 0);
	int64_t total = jx_int(o, "status.replicas", 0);
	int64_t avail = jx_int(o, "status.availableReplicas", 0);
	const char *reason = NULL, *msg = NULL;
	const char *prog = ready_condition(o, "Progressing", &reason, &msg);

	if (prog && !strcmp(prog, "False") && reason && !strcmp(reason, "ProgressDeadlineExceeded"))
		return set(res, READY_FAILED, "rollout failed: %s", msg ? msg : reason);
	if (not_observed(o, res))
		return;
	if (updated < want)
		return set(res, READY_NO, "%lld of %lld replicas updated", (long long)updated,
			   (long long)want);
	if (total > updated)
		return set(res, READY_NO, "%lld old replicas pending termination",
			   (long long)(total - updated));
	if (avail < updated)
		return set(res, READY_NO, "%lld of %lld updated replicas available",
			   (long long)avail, (long long)updated);
	set(res, READY_YES, "%lld/%lld available", (long long)avail, (long long)want);
}

static void statefulset(const json_t *o, struct ready_res *res)
{
	int64_t want = jx_int(o, "spec.replicas", 1);
	int64_t ready = jx_int(o, "status.readyReplicas", 0);
	int64_t updated = jx_int(o, "status.updatedReplicas", 0);
	const char *cur = jx_str(o, "status.currentRevision");
	const char *upd = jx_str(o, "status.updateRevision");
	const char *strategy = jx_str(o, "spec.updateStrategy.type");

	if (not_observed(o, res))
		return;
	if (strategy && !strcmp(strategy, "OnDelete"))
		return set(res, READY_YES, "OnDelete strategy: %lld/%lld ready", (long long)ready,
			   (long long)want);
	if (ready < want)
		return set(res, READY_NO, "%lld of %lld replicas ready", (long long)ready,
			   (long long)want);
	if (updated < want && !jx_get(o, "spec.updateStrategy.rollingUpdate.partition"))
		return set(res, READY_NO, "%lld of %lld replicas updated", (long long)updated,
			   (long long)want);
	if (cur && upd && strcmp(cur, upd) && !jx_get(o, "spec.updateStrategy.rollingUpdate.partition"))
		return set(res, READY_NO, "rolling update to revision %s in progress", upd);
	set(res, READY_YES, "%lld/%lld ready", (long long)ready, (long long)want);
}

static void daemonset(const json_t *o, struct ready_res *res)
{
	int64_t want = jx_int(o, "status.desiredNumberScheduled", 0);
	int64_t updated = jx_int(o, "status.updatedNumberScheduled", 0);
	int64_t avail = jx_int(o, "status.numberAvailable", 0);

	if (not_observed(o, res))
		return;
	if (updated < want)
		return set(res, READY_NO, "%lld of %lld pods updated", (long long)updated,
			   (long long)want);
	if (avail < want)
		return set(res, READY_NO, "%lld of %lld updated pods available", (long long)avail,
			   (long long)want);
	set(res, READY_YES, "%lld/%lld available", (long long)avail, (long long)want);
}

static void job(const json_t *o, struct ready_res *res)
{
	const char *reason = NULL, *msg = NULL;
	const char *st = ready_condition(o, "Failed", &reason, &msg);

	if (st && !strcmp(st, "True"))
		return set(res, READY_FAILED, "job failed: %s%s%s", reason ? reason : "",
			   msg ? ": " : "", msg ? msg : "");
	st = ready_condition(o, "Complete", NULL, NULL);
	if (st && !strcmp(st, "True"))
		return set(res, READY_YES, "complete");
	set(res, READY_NO, "%lld active, %lld succeeded, %lld failed",
	    (long long)jx_int(o, "status.active", 0), (long long)jx_int(o, "status.succeeded", 0),
	    (long long)jx_int(o, "status.failed", 0));
}

static void crd(const json_t *o, struct ready_res *res)
{
	const char *reason = NULL, *msg = NULL;
	const char *st = ready_condition(o, "NamesAccepted", &reason, &msg);

	if (st && !strcmp(st, "False"))
		return set(res, READY_FAILED, "names not accepted: %s", msg ? msg : "");
	st = ready_condition(o, "Established", NULL, NULL);
	if (st && !strcmp(st, "True"))
		return set(res, READY_YES, "established");
	set(res, READY_NO, "not established yet");
}

static void condition_true(const json_t *o, const char *type, struct ready_res *res)
{
	const char *reason = NULL, *msg = NULL;
	const char *st = ready_condition(o, type, &reason, &msg);

	if (st && !strcmp(st, "True"))
		return set(res, READY_YES, "%s", type);
	if (!st)
		return set(res, READY_NO, "no %s condition yet", type);
	set(res, READY_NO, "%s=%s%s%s", type, st, msg || reason ? ": " : "",
	    msg ? msg : reason ? reason : "");
}

static void webhooks(const json_t *o, struct ready_res *res)
{
	json_t *hooks = json_object_get(o, "webhooks"), *h;
	size_t i, missing = 0, n = 0;
	const char *first = NULL;

	json_array_foreach(hooks, i, h) {
		const char *ca = jx_str(h, "clientConfig.caBundle");

		if (!jx_get(h, "clientConfig.service"))
			continue;
		n++;
		if (!ca || !*ca) {
			missing++;
			if (!first)
				first = jx_str(h, "name");
		}
	}
	if (missing)
		return set(res, READY_NO, "%zu of %zu webhooks have no caBundle yet (%s)", missing,
			   n, first ? first : "?");
	set(res, READY_YES, "caBundle set");
}

int ready_pod(const json_t *pod, char *why, size_t size)
{
	const char *st = ready_condition(pod, "Ready", NULL, NULL);
	json_t *cs = jx_get(pod, "status.containerStatuses"), *c;
	size_t i;

	if (st && !strcmp(st, "True")) {
		snprintf(why, size, "Ready");
		return 1;
	}
	json_array_foreach(cs, i, c) {
		const char *reason = jx_str(c, "state.waiting.reason");
		const char *msg = jx_str(c, "state.waiting.message");

		if (reason) {
			snprintf(why, size, "%s%s%s", reason, msg ? ": " : "", msg ? msg : "");
			return 0;
		}
	}
	snprintf(why, size, "%s", jx_str_or(pod, "status.phase", "Pending"));
	return 0;
}

size_t ready_endpoints(const json_t *ep)
{
	json_t *subsets = json_object_get(ep, "subsets"), *s;
	size_t i, n = 0;

	json_array_foreach(subsets, i, s)
		n += json_array_size(json_object_get(s, "addresses"));
	return n;
}

json_t *ready_webhook_services(const json_t *obj)
{
	json_t *out = json_array(), *hooks = json_object_get(obj, "webhooks"), *h, *e;
	size_t i, k;

	json_array_foreach(hooks, i, h) {
		const char *ns = jx_str(h, "clientConfig.service.namespace");
		const char *name = jx_str(h, "clientConfig.service.name");
		int dup = 0;

		if (!ns || !name)
			continue;
		json_array_foreach(out, k, e)
			if (!strcmp(jx_str(e, "namespace"), ns) && !strcmp(jx_str(e, "name"), name))
				dup = 1;
		if (!dup)
			json_array_append_new(out, json_pack("{s:s,s:s}", "namespace", ns, "name", name));
	}
	return out;
}

struct rule {
	const char *group, *kind;
	void (*fn)(const json_t *o, struct ready_res *res);
	const char *condition;      /* or a plain condition check */
};

static const struct rule rules[] = {
	{ "apps", "Deployment", deployment, NULL },
	{ "apps", "StatefulSet", statefulset, NULL },
	{ "apps", "DaemonSet", daemonset, NULL },
	{ "batch", "Job", job, NULL },
	{ "apiextensions.k8s.io", "CustomResourceDefinition", crd, NULL },
	{ "admissionregistration.k8s.io", "MutatingWebhookConfiguration", webhooks, NULL },
	{ "admissionregistration.k8s.io", "ValidatingWebhookConfiguration", webhooks, NULL },
	{ "apiregistration.k8s.io", "APIService", NULL, "Available" },
	{ "monitoring.coreos.com", "Prometheus", NULL, "Available" },
	{ "monitoring.coreos.com", "Alertmanager", NULL, "Available" },
	{ "", "Pod", NULL, "Ready" },
};

static const struct rule *find_rule(const char *api_version, const char *kind)
{
	char group[256];

	if (!api_version || !kind)
		return NULL;
	kref_group(api_version, group, sizeof group);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (!strcmp(rules[i].group, group) && !strcmp(rules[i].kind, kind))
			return &rules[i];
	return NULL;
}

int ready_has_rule(const char *api_version, const char *kind)
{
	return find_rule(api_version, kind) != NULL ||
	       (kind && !strcmp(kind, "PersistentVolumeClaim") && api_version &&
		!strcmp(api_version, "v1"));
}

void ready_eval(const json_t *obj, struct ready_res *res)
{
	const struct rule *r = find_rule(jx_api_version(obj), jx_kind(obj));

	if (r && r->fn)
		return r->fn(obj, res);
	if (r)
		return condition_true(obj, r->condition, res);
	if (jx_kind(obj) && !strcmp(jx_kind(obj), "PersistentVolumeClaim")) {
		const char *phase = jx_str(obj, "status.phase");

		if (phase && !strcmp(phase, "Bound"))
			return set(res, READY_YES, "Bound");
		return set(res, READY_NO, "%s", phase ? phase : "Pending");
	}
	set(res, READY_YES, "exists");
}
