/* ctl-ds.c - the daemonset controller: one pod per node the template fits
 * (nodeSelector, required node affinity, taints), replaced one at a time
 * when the template changes. */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGR "kube-controller-manager"

static const char *label(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(o, "metadata"), "labels"), key));
}

/* The tolerations the daemonset controller adds to every daemon pod. */
static json_t *daemon_pod_spec(const json_t *tmpl)
{
	static const char *const keys[] = { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
					    "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
					    "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable" };
	json_t *pod = json_pack("{s:O}", "spec", json_object_get(tmpl, "spec") ?: json_null()), *spec, *tols;
	size_t i;

	spec = json_object_get(pod, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(pod, "spec", spec);
	} else {
		spec = json_deep_copy(spec);
		json_object_set_new(pod, "spec", spec);
	}
	tols = json_object_get(spec, "tolerations");
	if (!json_is_array(tols)) {
		tols = json_array();
		json_object_set_new(spec, "tolerations", tols);
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_array_append_new(tols, json_pack("{s:s,s:s,s:s}", "key", keys[i], "operator", "Exists", "effect",
						      i < 2 ? "NoExecute" : "NoSchedule"));
	return pod;
}

void sim_ctl_daemonset(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *ds = sim_ctl_get(c, "apps", "daemonsets", ns, name), *nodes, *pods, *p, *n, *tmpl, *probe, *onnode, *st;
	const char *uid;
	char hash[16];
	long desired = 0, current = 0, ready = 0, updated = 0;
	int rolled = 0;
	size_t i;

	if (!ds || sim_ctl_terminating(ds))
		goto out0;
	uid = sim_ctl_str(ds, "metadata.uid");
	tmpl = json_object_get(json_object_get(ds, "spec"), "template");
	sim_ctl_hash(tmpl, hash);
	probe = daemon_pod_spec(tmpl);
	nodes = sim_ctl_list(c, "", "nodes", NULL);
	pods = sim_ctl_list(c, "", "pods", ns);
	onnode = json_object();
	json_array_foreach(pods, i, p) {
		const char *nn = sim_ctl_str(p, "spec.nodeName");
		if (!sim_ctl_owned_by(p, uid) || sim_ctl_terminating(p))
			continue;
		if (!nn || json_object_get(onnode, nn)) {
			/* Unbound or a second pod on a node: not ours to keep. */
			sim_ctl_delete(c, "", "pods", ns, sim_ctl_str(p, "metadata.name"));
			continue;
		}
		json_object_set(onnode, nn, p);
	}
	json_array_foreach(nodes, i, n) {
		const char *nn = sim_ctl_str(n, "metadata.name");
		json_t *have = json_object_get(onnode, nn);

		if (!sim_ctl_pod_fits(probe, n)) {
			if (have) {
				sim_ctl_delete(c, "", "pods", ns, sim_ctl_str(have, "metadata.name"));
				sim_ctl_event(c, ds, "Normal", "SuccessfulDelete", "daemonset-controller",
					      "Deleted pod: %s", sim_ctl_str(have, "metadata.name"));
			}
			json_object_del(onnode, nn);
			continue;
		}
		desired++;
		if (!have) {
			json_t *pod = sim_ctl_pod_from_template(ds, "apps/v1", "DaemonSet", tmpl, NULL, name), *labels;

			json_object_set_new(pod, "spec", json_deep_copy(json_object_get(probe, "spec")));
			json_object_set_new(json_object_get(pod, "spec"), "nodeName", json_string(nn));
			labels = json_object_get(json_object_get(pod, "metadata"), "labels");
			if (!json_is_object(labels)) {
				labels = json_object();
				json_object_set_new(json_object_get(pod, "metadata"), "labels", labels);
			}
			json_object_set_new(labels, "controller-revision-hash", json_string(hash));
			json_object_set_new(labels, "pod-template-generation",
					    json_sprintf("%ld", sim_ctl_int(ds, "metadata.generation", 1)));
			if (sim_ctl_create(c, "", "pods", ns, pod, MGR) == 0)
				sim_ctl_event(c, ds, "Normal", "SuccessfulCreate", "daemonset-controller",
					      "Created pod: %s", sim_ctl_str(pod, "metadata.name"));
			json_decref(pod);
			continue;
		}
		current++;
		if (sim_ctl_pod_ready(have))
			ready++;
		if (!strcmp(label(have, "controller-revision-hash") ?: "", hash))
			updated++;
	}
	/* Rolling update: replace one outdated pod once the others are Ready. */
	if (ready == current && updated < current &&
	    strcmp(sim_ctl_str(ds, "spec.updateStrategy.type") ?: "", "OnDelete")) {
		const char *k;
		json_object_foreach(onnode, k, p) {
			if (!rolled && strcmp(label(p, "controller-revision-hash") ?: "", hash)) {
				sim_ctl_delete(c, "", "pods", ns, sim_ctl_str(p, "metadata.name"));
				sim_ctl_event(c, ds, "Normal", "SuccessfulDelete", "daemonset-controller",
					      "Deleted pod: %s", sim_ctl_str(p, "metadata.name"));
				rolled = 1;
			}
		}
	}
	st = json_pack("{s:I,s:I,s:I,s:I,s:i}", "observedGeneration",
		       (json_int_t)sim_ctl_int(ds, "metadata.generation", 1), "desiredNumberScheduled",
		       (json_int_t)desired, "currentNumberScheduled", (json_int_t)current, "numberReady",
		       (json_int_t)ready, "numberMisscheduled", 0);
	if (updated)
		json_object_set_new(st, "updatedNumberScheduled", json_integer(updated));
	if (ready)
		json_object_set_new(st, "numberAvailable", json_integer(ready));
	if (desired > ready)
		json_object_set_new(st, "numberUnavailable", json_integer(desired - ready));
	sim_ctl_set_status(c, "apps", "daemonsets", ns, name, st, MGR);
	json_decref(onnode);
	json_decref(pods);
	json_decref(nodes);
	json_decref(probe);
out0:
	json_decref(ds);
}

void sim_ctl_all_daemonsets(struct sim_ctl *c)
{
	json_t *all = sim_ctl_list(c, "apps", "daemonsets", NULL), *d;
	size_t i;

	json_array_foreach(all, i, d)
		sim_ctl_enqueue(c, CTL_DAEMONSET, sim_ctl_str(d, "metadata.namespace"), sim_ctl_str(d, "metadata.name"), 0);
	json_decref(all);
}
