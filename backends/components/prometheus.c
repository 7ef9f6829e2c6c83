/* prometheus.c - the kube-prometheus monitoring stack on one cluster.
 *
 * prometheus-operator, its CRDs, a Prometheus, node-exporter and
 * kube-state-metrics in namespace monitoring, all from the upstream
 * kube-prometheus manifests (backends/recipes/data/prometheus-*.yaml).
 * Nothing here needs code beyond the generic engine; federating several
 * clusters' Prometheus servers is a fleet feature built on top.
 */
#include "backends/components/engine.h"

const struct component_ops component_prometheus = {
	.name = "prometheus",
	.summary = "kube-prometheus stack: prometheus-operator, Prometheus, node-exporter, kube-state-metrics",
	.detect = engine_detect,
	.plan = engine_plan,
	.install = engine_install,
	.upgrade = engine_upgrade,
	.uninstall = engine_uninstall,
	.status = engine_status,
};
