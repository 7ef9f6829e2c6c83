/* ctl-sts.c - the statefulset controller: pods NAME-0 .. NAME-(n-1),
 * created in order (each once the previous one is Ready, unless
 * podManagementPolicy is Parallel), removed from the highest ordinal,
 * replaced from the highest ordinal when the template changes; claims
 * from volumeClaimTemplates are created Bound. */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGR "kube-controller-manager"

static const char *label(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(o, "metadata"), "labels"), key));
}

static void ensure_claims(struct sim_ctl *c, const json_t *sts, json_t *pod, long ord)
{
	json_t *tmpls = json_object_get(json_object_get(sts, "spec"), "volumeClaimTemplates"), *t, *spec;
	const char *ns = sim_ctl_str(sts, "metadata.namespace"), *sn = sim_ctl_str(sts, "metadata.name");
	size_t i;

	spec = json_object_get(pod, "spec");
	json_array_foreach(tmpls, i, t) {
		const char *cn = sim_ctl_str(t, "metadata.name");
		char claim[400];
		json_t *pvc, *vols;

		if (!cn)
			continue;
		snprintf(claim, sizeof claim, "%s-%s-%ld", cn, sn, ord);
		pvc = sim_ctl_get(c, "", "persistentvolumeclaims", ns, claim);
		if (!pvc) {
			json_t *req = json_object_get(json_object_get(json_object_get(t, "spec"), "resources"), "requests");
			pvc = json_pack("{s:s,s:s,s:{s:s,s:s,s:O},s:O}", "apiVersion", "v1", "kind",
					"PersistentVolumeClaim", "metadata", "name", claim, "namespace", ns, "labels",
					json_object_get(json_object_get(json_object_get(sts, "spec"), "selector"),
							"matchLabels") ?: json_null(),
					"spec", json_object_get(t, "spec") ?: json_null());
			if (json_is_null(json_object_get(json_object_get(pvc, "metadata"), "labels")))
				json_object_del(json_object_get(pvc, "metadata"), "labels");
			if (sim_ctl_create(c, "", "persistentvolumeclaims", ns, pvc, MGR) == 0)
			{
				json_t *am = json_object_get(json_object_get(t, "spec"), "accessModes");
				sim_ctl_set_status(c, "", "persistentvolumeclaims", ns, claim,
						   json_pack("{s:s,s:o,s:o}", "phase", "Bound", "accessModes",
							     am ? json_deep_copy(am) : json_array(),
							     "capacity", req ? json_deep_copy(req) : json_object()),
						   "persistentvolume-binder");
			}
		}
		json_decref(pvc);
		vols = json_object_get(spec, "volumes");
		if (!json_is_array(vols)) {
			vols = json_array();
			json_object_set_new(spec, "volumes", vols);
		}
		json_array_append_new(vols, json_pack("{s:s,s:{s:s}}", "name", cn, "persistentVolumeClaim",
						      "claimName", claim));
	}
}

void sim_ctl_statefulset(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *sts = sim_ctl_get(c, "apps", "statefulsets", ns, name), *pods, *p, *byord, *tmpl, *st;
	const char *uid, *cur_rev;
	char hash[16], rev[300], key[32];
	long desired, i, count = 0, ready = 0, updated = 0, current = 0;
	int parallel, ondelete;
	size_t k;

	if (!sts || sim_ctl_terminating(sts))
		goto out0;
	uid = sim_ctl_str(sts, "metadata.uid");
	desired = sim_ctl_int(sts, "spec.replicas", 1);
	tmpl = json_object_get(json_object_get(sts, "spec"), "template");
	sim_ctl_hash(tmpl, hash);
	snprintf(rev, sizeof rev, "%s-%s", name, hash);
	parallel = !strcmp(sim_ctl_str(sts, "spec.podManagementPolicy") ?: "", "Parallel");
	ondelete = !strcmp(sim_ctl_str(sts, "spec.updateStrategy.type") ?: "", "OnDelete");
	cur_rev = sim_ctl_str(sts, "status.currentRevision");
	pods = sim_ctl_list(c, "", "pods", ns);
	byord = json_object();
	json_array_foreach(pods, k, p) {
		const char *pn = sim_ctl_str(p, "metadata.name");
		size_t nl = strlen(name);
		if (!sim_ctl_owned_by(p, uid) || strncmp(pn, name, nl) || pn[nl] != '-')
			continue;
		json_object_set(byord, pn + nl + 1, p);
	}
	/* Create the missing ones in order. */
	for (i = 0; i < desired; i++) {
		snprintf(key, sizeof key, "%ld", i);
		p = json_object_get(byord, key);
		if (p) {
			if (!parallel && (!sim_ctl_pod_ready(p) || sim_ctl_terminating(p)))
				break;
			continue;
		}
		{
			char pn[400], idx[32];
			json_t *pod, *labels, *meta;

			snprintf(pn, sizeof pn, "%s-%ld", name, i);
			snprintf(idx, sizeof idx, "%ld", i);
			pod = sim_ctl_pod_from_template(sts, "apps/v1", "StatefulSet", tmpl, pn, NULL);
			meta = json_object_get(pod, "metadata");
			labels = json_object_get(meta, "labels");
			if (!json_is_object(labels)) {
				labels = json_object();
				json_object_set_new(meta, "labels", labels);
			}
			json_object_set_new(labels, "controller-revision-hash", json_string(rev));
			json_object_set_new(labels, "statefulset.kubernetes.io/pod-name", json_string(pn));
			json_object_set_new(labels, "apps.kubernetes.io/pod-index", json_string(idx));
			json_object_set_new(json_object_get(pod, "spec"), "hostname", json_string(pn));
			if (sim_ctl_str(sts, "spec.serviceName"))
				json_object_set_new(json_object_get(pod, "spec"), "subdomain",
						    json_string(sim_ctl_str(sts, "spec.serviceName")));
			ensure_claims(c, sts, pod, i);
			if (sim_ctl_create(c, "", "pods", ns, pod, MGR) == 0)
				sim_ctl_event(c, sts, "Normal", "SuccessfulCreate", "statefulset-controller",
					      "create Pod %s in StatefulSet %s successful", pn, name);
			json_decref(pod);
			if (!parallel)
				break;
		}
	}
	/* Remove the ones above the count, highest first. */
	for (i = desired + (long)json_object_size(byord); i >= desired; i--) {
		snprintf(key, sizeof key, "%ld", i);
		p = json_object_get(byord, key);
		if (!p || sim_ctl_terminating(p))
			continue;
		if (sim_ctl_delete(c, "", "pods", ns, sim_ctl_str(p, "metadata.name")) == 0)
			sim_ctl_event(c, sts, "Normal", "SuccessfulDelete", "statefulset-controller",
				      "delete Pod %s in StatefulSet %s successful", sim_ctl_str(p, "metadata.name"), name);
		json_object_del(byord, key);
		if (!parallel)
			break;
	}
	/* Count, and roll one outdated pod when all are Ready. */
	for (i = 0; i < desired; i++) {
		snprintf(key, sizeof key, "%ld", i);
		p = json_object_get(byord, key);
		if (!p)
			continue;
		count++;
		if (sim_ctl_pod_ready(p))
			ready++;
		if (!strcmp(label(p, "controller-revision-hash") ?: "", rev))
			updated++;
		else if (cur_rev && !strcmp(label(p, "controller-revision-hash") ?: "", cur_rev))
			current++;
	}
	if (!ondelete && count == desired && ready == desired && updated < desired) {
		for (i = desired - 1; i >= 0; i--) {
			snprintf(key, sizeof key, "%ld", i);
			p = json_object_get(byord, key);
			if (p && strcmp(label(p, "controller-revision-hash") ?: "", rev)) {
				sim_ctl_delete(c, "", "pods", ns, sim_ctl_str(p, "metadata.name"));
				sim_ctl_event(c, sts, "Normal", "SuccessfulDelete", "statefulset-controller",
					      "delete Pod %s in StatefulSet %s successful", sim_ctl_str(p, "metadata.name"),
					      name);
				break;
			}
		}
	}
	if (updated == count || !cur_rev) {
		cur_rev = rev;
		current = updated;
	}
	st = json_pack("{s:I,s:I,s:I,s:s,s:s,s:i,s:I}", "observedGeneration",
		       (json_int_t)sim_ctl_int(sts, "metadata.generation", 1), "replicas", (json_int_t)count,
		       "currentReplicas", (json_int_t)current, "currentRevision", cur_rev, "updateRevision", rev,
		       "collisionCount", 0, "availableReplicas", (json_int_t)ready);
	if (ready)
		json_object_set_new(st, "readyReplicas", json_integer(ready));
	if (updated)
		json_object_set_new(st, "updatedReplicas", json_integer(updated));
	sim_ctl_set_status(c, "apps", "statefulsets", ns, name, st, MGR);
	json_decref(byord);
	json_decref(pods);
out0:
	json_decref(sts);
}
