#!/bin/bash
# ctl-prometheus.sh MINOR - the real kube-prometheus manifests applied with
# `kubectl apply --server-side`: every Deployment and the node-exporter
# DaemonSet become ready, and the simulated prometheus-operator turns the
# Prometheus and Alertmanager objects into StatefulSets and reports them
# Available, as installers wait for.
source "$TESTS_DIR/common.sh"

M=${1:-33}
have_kubectl "$M" || skip "kubectl 1.$M not installed"
D="$MANIFESTS/kube-prometheus"
[ -d "$D/setup" ] && [ -d "$D/main" ] || skip "no kube-prometheus manifests in $D"
start_sim --clusters host --ready-delay-ms 200
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
k() { kubectl_at "$M" "$@"; }

k apply --server-side -f "$D/setup/" >"$T/setup.out" 2>&1 || { tail -5 "$T/setup.out" >&2; fail "apply setup"; }
k apply --server-side -f "$D/main/" >"$T/main.out" 2>&1 || { tail -5 "$T/main.out" >&2; fail "apply main"; }

k -n monitoring wait --for=condition=Available deploy --all --timeout=30s >/dev/null || fail "Deployments not Available"
assert_contains "$(k -n monitoring rollout status ds/node-exporter --timeout=30s)" "successfully rolled out" "node-exporter"
k -n monitoring wait --for=condition=Available prometheus/k8s --timeout=30s >/dev/null ||
	fail "Prometheus k8s never Available: $(k -n monitoring get prometheus k8s -o jsonpath='{.status}')"
want=$(k -n monitoring get prometheus k8s -o jsonpath='{.spec.replicas}')
assert_eq "$want" "$(k -n monitoring get sts prometheus-k8s -o jsonpath='{.status.readyReplicas}')" "prometheus-k8s ready"
assert_eq "Prometheus" "$(k -n monitoring get sts prometheus-k8s -o jsonpath='{.metadata.ownerReferences[0].kind}')" "owned by the Prometheus"
assert_eq "None" "$(k -n monitoring get svc prometheus-operated -o jsonpath='{.spec.clusterIP}')" "governing Service"
k -n monitoring wait --for=condition=Available alertmanager/main --timeout=30s >/dev/null || fail "Alertmanager main never Available"

# scaling the Prometheus object scales its StatefulSet
k -n monitoring patch prometheus k8s --type=merge -p '{"spec":{"replicas":1}}' >/dev/null
one_prometheus() { [ "$(k -n monitoring get pods -l app.kubernetes.io/name=prometheus --no-headers 2>/dev/null | wc -l)" = 1 ]; }
wait_until 15 one_prometheus ||
	fail "prometheus-k8s not scaled to 1: $(k -n monitoring get prometheus k8s -o jsonpath="{.spec.replicas}") $(k -n monitoring get sts prometheus-k8s -o jsonpath="{.spec.replicas}") $(k -n monitoring get pods --no-headers)"
exit 0
