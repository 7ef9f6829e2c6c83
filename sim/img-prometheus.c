/* img-prometheus.c - what prometheus-operator does while it runs: every
 * Prometheus and Alertmanager object becomes a StatefulSet
 * (prometheus-NAME, alertmanager-NAME) with its governing Service
 * (prometheus-operated, alertmanager-operated), and the object's status
 * reports the replicas and the Available and Reconciled conditions, which
 * is what installers wait for.
 */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGR "PrometheusOperator"
#define GROUP "monitoring.coreos.com"

struct flavour {
	const char *plural, *kind, *prefix, *service, *label, *default_image, *container;
	int port;
	const char *port_name;
};

static const struct flavour flavours[] = {
	{ "prometheuses", "Prometheus", "prometheus", "prometheus-operated", "prometheus",
	  "quay.io/prometheus/prometheus", "prometheus", 9090, "web" },
	{ "alertmanagers", "Alertmanager", "alertmanager", "alertmanager-operated", "alertmanager",
	  "quay.io/prometheus/alertmanager", "alertmanager", 9093, "web" },
};

static int match_operator(const json_t *pod, const json_t *ctr)
{
	const char *img = sim_ctl_str(ctr, "image");

	(void)pod;
	return img && strstr(img, "prometheus-operator/prometheus-operator") != NULL;
}

static json_t *selector_labels(const struct flavour *f, const char *name)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "app.kubernetes.io/instance", name, "app.kubernetes.io/managed-by",
			 "prometheus-operator", "app.kubernetes.io/name", f->label, "operator.prometheus.io/name", name,
			 f->label, name);
}

static int set_replicas(json_t *obj, void *ud, struct kerr *err)
{
	json_t *want = ud;

	(void)err;
	if (json_equal(json_object_get(json_object_get(obj, "spec"), "replicas"), want))
		return 1;
	json_object_set(json_object_get(obj, "spec"), "replicas", want);
	return 0;
}

static void ensure_service(struct sim_ctl *c, const struct flavour *f, const json_t *cr, const char *ns)
{
	json_t *svc = sim_ctl_get(c, "", "services", ns, f->service);

	if (!svc) {
		svc = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s},s:[o]},s:{s:s,s:[{s:s,s:i,s:s,s:s}],s:{s:s}}}",
				"apiVersion", "v1", "kind", "Service", "metadata", "name", f->service, "namespace", ns,
				"labels", "managed-by", "prometheus-operator",
				"ownerReferences", sim_ctl_owner_ref(cr, GROUP "/v1", f->kind),
				"spec", "clusterIP", "None", "ports", "name", f->port_name, "port", f->port, "protocol",
				"TCP", "targetPort", f->port_name, "selector", "app.kubernetes.io/name", f->label);
		/* Not a controller reference: the Service is shared by every
		 * object of the namespace. */
		json_object_del(json_array_get(json_object_get(json_object_get(svc, "metadata"), "ownerReferences"), 0),
				"controller");
		sim_ctl_create(c, "", "services", ns, svc, MGR);
	}
	json_decref(svc);
}

static json_t *statefulset(const struct flavour *f, const json_t *cr, const char *ns, const char *sts_name)
{
	const char *name = sim_ctl_str(cr, "metadata.name");
	json_t *spec = json_object_get(cr, "spec"), *labels, *podlabels, *tmpl, *ctrs, *podspec;
	char image[512];
	long replicas = sim_ctl_int(cr, "spec.replicas", 1);

	if (sim_ctl_str(cr, "spec.image"))
		snprintf(image, sizeof image, "%s", sim_ctl_str(cr, "spec.image"));
	else
		snprintf(image, sizeof image, "%s:%s", f->default_image, sim_ctl_str(cr, "spec.version") ?: "latest");
	labels = selector_labels(f, name);
	podlabels = json_deep_copy(labels);
	json_object_update(podlabels, json_object_get(json_object_get(spec, "podMetadata"), "labels"));
	json_object_set_new(podlabels, "operator.prometheus.io/shard", json_string("0"));
	ctrs = json_pack("[{s:s,s:s,s:[{s:s,s:i,s:s}]},{s:s,s:s}]", "name", f->container, "image", image, "ports",
			 "name", f->port_name, "containerPort", f->port, "protocol", "TCP", "name", "config-reloader",
			 "image", "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1");
	if (json_object_get(spec, "resources"))
		json_object_set(json_array_get(ctrs, 0), "resources", json_object_get(spec, "resources"));
	podspec = json_pack("{s:o,s:s}", "containers", ctrs, "serviceAccountName",
			    sim_ctl_str(cr, "spec.serviceAccountName") ?: "default");
	if (json_object_get(spec, "nodeSelector"))
		json_object_set(podspec, "nodeSelector", json_object_get(spec, "nodeSelector"));
	if (json_object_get(spec, "tolerations"))
		json_object_set(podspec, "tolerations", json_object_get(spec, "tolerations"));
	tmpl = json_pack("{s:{s:o},s:o}", "metadata", "labels", podlabels, "spec", podspec);
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:O,s:[o]},s:{s:I,s:s,s:s,s:{s:o},s:o}}", "apiVersion", "apps/v1",
			 "kind", "StatefulSet", "metadata", "name", sts_name, "namespace", ns, "labels", labels,
			 "ownerReferences", sim_ctl_owner_ref(cr, GROUP "/v1", f->kind), "spec", "replicas",
			 (json_int_t)replicas, "serviceName", f->service, "podManagementPolicy", "Parallel",
			 "selector", "matchLabels", labels, "template", tmpl);
}

static json_t *cr_condition(const json_t *old, const char *type, int ok, const char *reason, long gen,
			    const char *ts)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(old, "status"), "conditions"), i, o) {
		if (!strcmp(sim_ctl_str(o, "type") ?: "", type) &&
		    !strcmp(sim_ctl_str(o, "status") ?: "", ok ? "True" : "False") &&
		    sim_ctl_int(o, "observedGeneration", 0) == gen)
			return json_deep_copy(o);
	}
	o = json_pack("{s:s,s:s,s:s,s:I}", "type", type, "status", ok ? "True" : "False", "lastTransitionTime", ts,
		      "observedGeneration", (json_int_t)gen);
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	return o;
}

static void reconcile(struct sim_ctl *c, const struct flavour *f, const json_t *cr)
{
	const char *ns = sim_ctl_str(cr, "metadata.namespace"), *name = sim_ctl_str(cr, "metadata.name");
	char sts_name[300], ts[32];
	json_t *sts, *st, *conds, *want;
	long replicas = sim_ctl_int(cr, "spec.replicas", 1), ready, updated, current, gen;

	if (!ns || !name || sim_ctl_terminating(cr))
		return;
	snprintf(sts_name, sizeof sts_name, "%s-%s", f->prefix, name);
	ensure_service(c, f, cr, ns);
	sts = sim_ctl_get(c, "apps", "statefulsets", ns, sts_name);
	if (!sts) {
		json_t *n = statefulset(f, cr, ns, sts_name);
		sim_ctl_create(c, "apps", "statefulsets", ns, n, MGR);
		json_decref(n);
		sts = sim_ctl_get(c, "apps", "statefulsets", ns, sts_name);
	} else if (sim_ctl_int(sts, "spec.replicas", 1) != replicas) {
		want = json_integer(replicas);
		sim_ctl_mutate(c, "apps", "statefulsets", ns, sts_name, set_replicas, want, MGR);
		json_decref(want);
	}
	ready = sim_ctl_int(sts, "status.readyReplicas", 0);
	updated = sim_ctl_int(sts, "status.updatedReplicas", 0);
	current = sim_ctl_int(sts, "status.replicas", 0);
	gen = sim_ctl_int(cr, "metadata.generation", 1);
	sim_ctl_rfc3339(ts);
	conds = json_array();
	json_array_append_new(conds, cr_condition(cr, "Available", ready >= replicas,
						  ready >= replicas ? NULL : ready ? "SomePodsNotReady" : "NoPodReady",
						  gen, ts));
	json_array_append_new(conds, cr_condition(cr, "Reconciled", 1, NULL, gen, ts));
	st = json_pack("{s:I,s:I,s:I,s:I,s:b,s:o}", "replicas", (json_int_t)current, "availableReplicas",
		       (json_int_t)ready, "updatedReplicas", (json_int_t)updated, "unavailableReplicas",
		       (json_int_t)(current > ready ? current - ready : 0), "paused", 0, "conditions", conds);
	if (!strcmp(f->kind, "Prometheus")) {
		char sel[400];
		snprintf(sel, sizeof sel, "app.kubernetes.io/instance=%s,app.kubernetes.io/managed-by=prometheus-operator,"
			 "app.kubernetes.io/name=prometheus,operator.prometheus.io/name=%s,prometheus=%s", name, name, name);
		json_object_set_new(st, "shards", json_integer(1));
		json_object_set_new(st, "selector", json_string(sel));
		json_object_set_new(st, "shardStatuses",
				    json_pack("[{s:s,s:I,s:I,s:I,s:I}]", "shardID", "0", "replicas", (json_int_t)current,
					      "availableReplicas", (json_int_t)ready, "updatedReplicas", (json_int_t)updated,
					      "unavailableReplicas", (json_int_t)(current > ready ? current - ready : 0)));
	}
	sim_ctl_set_status(c, GROUP, f->plural, ns, name, st, MGR);
	json_decref(sts);
}

/* The operator's loop: runs as long as the operator pod does. */
static int operator_running(struct sim_ctl *c, const json_t *pod, const json_t *ctr)
{
	size_t i, j;

	(void)pod;
	(void)ctr;
	for (i = 0; i < sizeof flavours / sizeof flavours[0]; i++) {
		json_t *all, *cr;

		if (!sim_ctl_type(c, GROUP, flavours[i].plural))
			continue;
		all = sim_ctl_list(c, GROUP, flavours[i].plural, NULL);
		json_array_foreach(all, j, cr)
			reconcile(c, &flavours[i], cr);
		json_decref(all);
	}
	return 1;
}

static const char *const operator_lines[] = {
	"Starting Prometheus Operator version '0.93.1'",
	"connection established",
	"Kubernetes API capabilities",
	"successfully synced all caches",
	"starting prometheus controller",
	"starting alertmanager controller",
	"starting thanosruler controller",
	"sync prometheus",
	NULL,
};

const struct sim_img sim_img_prometheus_operator = {
	.family = "prometheus-operator",
	.match = match_operator,
	.running = operator_running,
	.log_lines = operator_lines,
};
