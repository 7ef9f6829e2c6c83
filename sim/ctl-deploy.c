/* ctl-deploy.c - the deployment and replicaset controllers.
 *
 * A Deployment owns one ReplicaSet per pod template (named after the
 * template's hash, labelled pod-template-hash, annotated with its
 * revision); a template change rolls: the new ReplicaSet is scaled to the
 * desired count and the old ones down as the new pods become available
 * (Recreate: old ones first). Status and conditions are worded like the
 * real controller's, which is what `kubectl rollout status` and `kubectl
 * wait --for=condition=Available` read.
 */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGR "kube-controller-manager"
#define REV "deployment.kubernetes.io/revision"

static long replicas_of(const json_t *o)
{
	return sim_ctl_int(o, "spec.replicas", 1);
}

static const char *annotation(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(o, "metadata"), "annotations"), key));
}

/* The template without the pod-template-hash label (what a Deployment's
 * template is compared with). New reference. */
static json_t *template_sans_hash(const json_t *tmpl)
{
	json_t *t = json_deep_copy(tmpl ? tmpl : json_null()), *labels;

	labels = json_object_get(json_object_get(t, "metadata"), "labels");
	json_object_del(labels, "pod-template-hash");
	if (json_is_object(labels) && !json_object_size(labels))
		json_object_del(json_object_get(t, "metadata"), "labels");
	if (json_is_object(json_object_get(t, "metadata")) && !json_object_size(json_object_get(t, "metadata")))
		json_object_del(t, "metadata");
	return t;
}

/* ---- replicasets --------------------------------------------------------------------- */

static int pod_cmp_delete(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int ra = sim_ctl_pod_ready(a), rb = sim_ctl_pod_ready(b);

	/* Not-ready pods go first, then the newest. */
	if (ra != rb)
		return ra - rb;
	return strcmp(sim_ctl_str(b, "metadata.creationTimestamp") ?: "",
		      sim_ctl_str(a, "metadata.creationTimestamp") ?: "");
}

void sim_ctl_replicaset(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *rs = sim_ctl_get(c, "apps", "replicasets", ns, name), *pods, *mine, *p, *st;
	const char *uid;
	long desired, have, ready = 0, i;
	size_t k;

	if (!rs || sim_ctl_terminating(rs))
		goto out0;
	uid = sim_ctl_str(rs, "metadata.uid");
	desired = replicas_of(rs);
	pods = sim_ctl_list(c, "", "pods", ns);
	mine = json_array();
	json_array_foreach(pods, k, p) {
		if (sim_ctl_owned_by(p, uid) && !sim_ctl_terminating(p) && !sim_ctl_pod_finished(p))
			json_array_append(mine, p);
	}
	have = (long)json_array_size(mine);
	for (i = have; i < desired; i++) {
		json_t *pod = sim_ctl_pod_from_template(rs, "apps/v1", "ReplicaSet", json_object_get(json_object_get(rs, "spec"),
												 "template"),
						       NULL, name);
		if (sim_ctl_create(c, "", "pods", ns, pod, MGR) == 0)
			sim_ctl_event(c, rs, "Normal", "SuccessfulCreate", "replicaset-controller", "Created pod: %s",
				      sim_ctl_str(pod, "metadata.name"));
		json_decref(pod);
	}
	if (have > desired) {
		json_t **v = calloc((size_t)have, sizeof *v);
		for (i = 0; i < have; i++)
			v[i] = json_array_get(mine, (size_t)i);
		qsort(v, (size_t)have, sizeof *v, pod_cmp_delete);
		for (i = 0; i < have - desired; i++) {
			const char *pn = sim_ctl_str(v[i], "metadata.name");
			if (sim_ctl_delete(c, "", "pods", ns, pn) == 0)
				sim_ctl_event(c, rs, "Normal", "SuccessfulDelete", "replicaset-controller",
					      "Deleted pod: %s", pn);
		}
		free(v);
	}
	json_array_foreach(mine, k, p) {
		if (sim_ctl_pod_ready(p))
			ready++;
	}
	if (ready > desired)
		ready = desired;
	/* Pods just created count once they exist (their events bring us
	 * back); deleted ones are gone at once. */
	if (have > desired)
		have = desired;
	st = json_pack("{s:I,s:I}", "replicas", (json_int_t)have, "observedGeneration",
		       (json_int_t)sim_ctl_int(rs, "metadata.generation", 1));
	if (have)
		json_object_set_new(st, "fullyLabeledReplicas", json_integer(have));
	if (ready) {
		json_object_set_new(st, "readyReplicas", json_integer(ready));
		json_object_set_new(st, "availableReplicas", json_integer(ready));
	}
	sim_ctl_set_status(c, "apps", "replicasets", ns, name, st, MGR);
	json_decref(mine);
	json_decref(pods);
out0:
	json_decref(rs);
}

/* ---- deployments ----------------------------------------------------------------------- */

struct scale {
	long replicas;
	const char *revision;
	long desired;
};

static int set_rs_scale(json_t *obj, void *ud, struct kerr *err)
{
	struct scale *s = ud;
	json_t *meta = json_object_get(obj, "metadata"), *ann;
	char buf[32];
	int changed = 0;

	(void)err;
	if (replicas_of(obj) != s->replicas) {
		json_object_set_new(json_object_get(obj, "spec"), "replicas", json_integer(s->replicas));
		changed = 1;
	}
	ann = json_object_get(meta, "annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	snprintf(buf, sizeof buf, "%ld", s->desired);
	if (strcmp(json_string_value(json_object_get(ann, "deployment.kubernetes.io/desired-replicas")) ?: "", buf)) {
		json_object_set_new(ann, "deployment.kubernetes.io/desired-replicas", json_string(buf));
		changed = 1;
	}
	if (s->revision && strcmp(json_string_value(json_object_get(ann, REV)) ?: "", s->revision)) {
		json_object_set_new(ann, REV, json_string(s->revision));
		changed = 1;
	}
	return changed ? 0 : 1;
}

static int set_revision(json_t *obj, void *ud, struct kerr *err)
{
	json_t *meta = json_object_get(obj, "metadata"), *ann = json_object_get(meta, "annotations");

	(void)err;
	if (!strcmp(json_string_value(json_object_get(ann, REV)) ?: "", ud))
		return 1;
	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	json_object_set_new(ann, REV, json_string(ud));
	return 0;
}

static void scale_rs(struct sim_ctl *c, const json_t *d, const json_t *rs, long to, long desired,
		     const char *revision)
{
	struct scale s = { to, revision, desired };
	long from = replicas_of(rs);
	const char *rn = sim_ctl_str(rs, "metadata.name");

	if (sim_ctl_mutate(c, "apps", "replicasets", sim_ctl_str(rs, "metadata.namespace"), rn, set_rs_scale, &s,
			   MGR) == 0 && from != to)
		sim_ctl_event(c, d, "Normal", "ScalingReplicaSet", "deployment-controller",
			      "Scaled %s replica set %s to %ld from %ld", to > from ? "up" : "down", rn, to, from);
}

static long max_unavailable(const json_t *d, long desired)
{
	json_t *mu = json_object_get(json_object_get(json_object_get(json_object_get(d, "spec"), "strategy"),
						     "rollingUpdate"),
				     "maxUnavailable");
	const char *s = json_string_value(mu);

	if (json_is_integer(mu))
		return (long)json_integer_value(mu);
	if (s && strchr(s, '%'))
		return desired * atol(s) / 100;
	return desired * 25 / 100;
}

/* A condition, keeping the old one's times when nothing changed. */
static json_t *deploy_cond(const json_t *old_conds, const char *type, const char *status, const char *reason,
			   const char *msg, const char *ts)
{
	json_t *o;
	size_t i;

	json_array_foreach(old_conds, i, o) {
		if (strcmp(sim_ctl_str(o, "type") ?: "", type))
			continue;
		if (!strcmp(sim_ctl_str(o, "status") ?: "", status) && !strcmp(sim_ctl_str(o, "reason") ?: "", reason) &&
		    !strcmp(sim_ctl_str(o, "message") ?: "", msg))
			return json_deep_copy(o);
		return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status, "reason", reason,
				 "message", msg, "lastUpdateTime", ts, "lastTransitionTime",
				 strcmp(sim_ctl_str(o, "status") ?: "", status) ? ts
										  : sim_ctl_str(o, "lastTransitionTime") ?: ts);
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status, "reason", reason, "message",
			 msg, "lastUpdateTime", ts, "lastTransitionTime", ts);
}

static json_t *new_replicaset(const json_t *d, const json_t *tmpl, const char *hash, long replicas, long revision)
{
	char name[300], rev[32], des[32];
	json_t *rs, *t = json_deep_copy(tmpl), *labels, *sel;

	snprintf(name, sizeof name, "%s-%s", sim_ctl_str(d, "metadata.name"), hash);
	snprintf(rev, sizeof rev, "%ld", revision);
	snprintf(des, sizeof des, "%ld", replicas_of(d));
	if (!json_is_object(json_object_get(t, "metadata")))
		json_object_set_new(t, "metadata", json_object());
	labels = json_object_get(json_object_get(t, "metadata"), "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(json_object_get(t, "metadata"), "labels", labels);
	}
	json_object_set_new(labels, "pod-template-hash", json_string(hash));
	sel = json_deep_copy(json_object_get(json_object_get(d, "spec"), "selector"));
	if (!json_is_object(sel)) {
		json_decref(sel);
		sel = json_object();
	}
	if (!json_is_object(json_object_get(sel, "matchLabels")))
		json_object_set_new(sel, "matchLabels", json_object());
	json_object_set_new(json_object_get(sel, "matchLabels"), "pod-template-hash", json_string(hash));
	rs = json_pack("{s:s,s:s,s:{s:s,s:s,s:o,s:{s:s,s:s,s:s},s:[o]},s:{s:I,s:o,s:o}}",
		       "apiVersion", "apps/v1", "kind", "ReplicaSet",
		       "metadata", "name", name, "namespace", sim_ctl_str(d, "metadata.namespace") ?: "default",
		       "labels", json_deep_copy(labels),
		       "annotations", "deployment.kubernetes.io/desired-replicas", des,
		       "deployment.kubernetes.io/max-replicas", des, REV, rev,
		       "ownerReferences", sim_ctl_owner_ref(d, "apps/v1", "Deployment"),
		       "spec", "replicas", (json_int_t)replicas, "selector", sel, "template", t);
	if (json_object_get(json_object_get(d, "spec"), "minReadySeconds"))
		json_object_set(json_object_get(rs, "spec"), "minReadySeconds",
				json_object_get(json_object_get(d, "spec"), "minReadySeconds"));
	return rs;
}

void sim_ctl_deployment(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *d = sim_ctl_get(c, "apps", "deployments", ns, name), *all, *owned, *rs, *new_rs = NULL;
	json_t *tmpl, *st, *conds, *old_conds;
	const char *uid, *strategy;
	long desired, max_rev = 0, old_total = 0, tot = 0, ready = 0, avail = 0, updated = 0, new_avail = 0;
	long allowed, min_avail;
	char hash[16], ts[32], msg[512], rev[32];
	size_t i;
	int created = 0;

	if (!d || sim_ctl_terminating(d))
		goto out0;
	uid = sim_ctl_str(d, "metadata.uid");
	desired = replicas_of(d);
	tmpl = template_sans_hash(json_object_get(json_object_get(d, "spec"), "template"));
	strategy = sim_ctl_str(d, "spec.strategy.type") ?: "RollingUpdate";
	all = sim_ctl_list(c, "apps", "replicasets", ns);
	owned = json_array();
	json_array_foreach(all, i, rs) {
		json_t *t;
		if (!sim_ctl_owned_by(rs, uid) || sim_ctl_terminating(rs))
			continue;
		json_array_append(owned, rs);
		if (atol(annotation(rs, REV) ?: "0") > max_rev)
			max_rev = atol(annotation(rs, REV) ?: "0");
		t = template_sans_hash(json_object_get(json_object_get(rs, "spec"), "template"));
		if (!new_rs && json_equal(t, tmpl))
			new_rs = rs;
		json_decref(t);
	}
	json_array_foreach(owned, i, rs) {
		if (rs != new_rs)
			old_total += replicas_of(rs) + sim_ctl_int(rs, "status.replicas", 0);
	}
	if (!new_rs) {
		json_t *nrs;
		long start = !strcmp(strategy, "Recreate") && old_total ? 0 : desired;

		sim_ctl_hash(tmpl, hash);
		nrs = new_replicaset(d, tmpl, hash, start, max_rev + 1);
		if (sim_ctl_create(c, "apps", "replicasets", ns, nrs, MGR) == 0) {
			sim_ctl_event(c, d, "Normal", "ScalingReplicaSet", "deployment-controller",
				      "Scaled up replica set %s to %ld", sim_ctl_str(nrs, "metadata.name"), start);
			created = 1;
		}
		snprintf(rev, sizeof rev, "%ld", max_rev + 1);
		sim_ctl_mutate(c, "apps", "deployments", ns, name, set_revision, rev, MGR);
		json_decref(nrs);
		/* Status now; the new ReplicaSet's events bring us back. */
		snprintf(msg, sizeof msg, "Created new replica set \"%s-%s\"", name, hash);
	} else {
		long rev_new = atol(annotation(new_rs, REV) ?: "0");

		/* A template that comes back (rollback) gets the newest revision. */
		if (!rev_new || rev_new < max_rev)
			rev_new = max_rev + 1;
		snprintf(rev, sizeof rev, "%ld", rev_new);
		new_avail = sim_ctl_int(new_rs, "status.availableReplicas", 0);
		if (!strcmp(strategy, "Recreate")) {
			json_array_foreach(owned, i, rs) {
				if (rs != new_rs && replicas_of(rs))
					scale_rs(c, d, rs, 0, desired, NULL);
			}
			old_total = 0;
			json_array_foreach(owned, i, rs) {
				if (rs != new_rs)
					old_total += sim_ctl_int(rs, "status.replicas", 0);
			}
			scale_rs(c, d, new_rs, old_total ? 0 : desired, desired, rev);
		} else {
			scale_rs(c, d, new_rs, desired, desired, rev);
			allowed = desired - new_avail;
			if (allowed < 0)
				allowed = 0;
			json_array_foreach(owned, i, rs) {
				long r;
				if (rs == new_rs)
					continue;
				r = replicas_of(rs) < allowed ? replicas_of(rs) : allowed;
				allowed -= r;
				if (r != replicas_of(rs))
					scale_rs(c, d, rs, r, desired, NULL);
			}
		}
		sim_ctl_mutate(c, "apps", "deployments", ns, name, set_revision, rev, MGR);
	}

	/* Status from what the ReplicaSets report. */
	json_array_foreach(owned, i, rs) {
		tot += sim_ctl_int(rs, "status.replicas", 0);
		ready += sim_ctl_int(rs, "status.readyReplicas", 0);
		avail += sim_ctl_int(rs, "status.availableReplicas", 0);
		if (rs == new_rs)
			updated = sim_ctl_int(rs, "status.replicas", 0);
	}
	sim_ctl_rfc3339(ts);
	old_conds = json_object_get(json_object_get(d, "status"), "conditions");
	min_avail = desired - max_unavailable(d, desired);
	conds = json_array();
	if (avail >= min_avail)
		json_array_append_new(conds, deploy_cond(old_conds, "Available", "True", "MinimumReplicasAvailable",
							 "Deployment has minimum availability.", ts));
	else
		json_array_append_new(conds, deploy_cond(old_conds, "Available", "False", "MinimumReplicasUnavailable",
							 "Deployment does not have minimum availability.", ts));
	if (created || !new_rs) {
		json_array_append_new(conds, deploy_cond(old_conds, "Progressing", "True", "NewReplicaSetCreated", msg, ts));
	} else if (updated == desired && new_avail == desired && tot == updated) {
		snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has successfully progressed.", sim_ctl_str(new_rs, "metadata.name"));
		json_array_append_new(conds, deploy_cond(old_conds, "Progressing", "True", "NewReplicaSetAvailable", msg, ts));
	} else {
		snprintf(msg, sizeof msg, "ReplicaSet \"%s\" is progressing.", sim_ctl_str(new_rs, "metadata.name"));
		json_array_append_new(conds, deploy_cond(old_conds, "Progressing", "True", "ReplicaSetUpdated", msg, ts));
	}
	st = json_pack("{s:I,s:I,s:o}", "observedGeneration", (json_int_t)sim_ctl_int(d, "metadata.generation", 1),
		       "replicas", (json_int_t)tot, "conditions", conds);
	if (updated)
		json_object_set_new(st, "updatedReplicas", json_integer(updated));
	if (ready)
		json_object_set_new(st, "readyReplicas", json_integer(ready));
	if (avail)
		json_object_set_new(st, "availableReplicas", json_integer(avail));
	if (desired > avail && tot + (desired > tot ? desired - tot : 0) - avail > 0)
		json_object_set_new(st, "unavailableReplicas",
				    json_integer((tot > desired ? tot : desired) - avail));
	if (!tot)
		json_object_del(st, "replicas");
	sim_ctl_set_status(c, "apps", "deployments", ns, name, st, MGR);
	json_decref(owned);
	json_decref(all);
	json_decref(tmpl);
out0:
	json_decref(d);
}
