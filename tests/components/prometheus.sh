#!/usr/bin/env bash
# install prometheus (kube-prometheus: operator, node-exporter,
# kube-state-metrics, Prometheus) against kurator-sim: status, a second
# install that changes nothing, labels seen by kubectl, uninstall.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"
have_kubectl 30 || skip "kubectl 1.30 not installed"

start_sim --clusters host --ready-delay-ms 150
settle host
state_dump host "$T/before.txt"

# kurator-sim runs no prometheus-operator, so nothing would ever report the
# Prometheus Available: do not wait for it here.
kur install prometheus --context host --set waitForPrometheus=false --timeout 60s \
	>"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "install prometheus failed"; }
assert_contains "$(cat "$T/install.log")" "prometheus main-4d719f1 installed on host"

kur status prometheus --context host -o json >"$T/status.json" || fail "status"
$PY - "$T/status.json" <<'PY' || fail "status json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["ready"] is True and s["state"] == "installed", s
kinds = {(o["kind"], o["name"]) for o in s["objects"]}
for want in [("Deployment", "prometheus-operator"), ("DaemonSet", "node-exporter"),
             ("Deployment", "kube-state-metrics"), ("Prometheus", "k8s"),
             ("CustomResourceDefinition", "prometheuses.monitoring.coreos.com"),
             ("Namespace", "monitoring")]:
    assert want in kinds, want
assert not any(k == "Alertmanager" or n.startswith("grafana") for k, n in kinds)
PY

kubectl_at 30 --context host get -n monitoring -l app.kubernetes.io/managed-by=kurator,kurator.dev/component=prometheus \
	deployments,daemonsets,services,serviceaccounts -o name >"$T/kubectl.txt" || fail "kubectl get"
for want in deployment.apps/prometheus-operator daemonset.apps/node-exporter \
	deployment.apps/kube-state-metrics service/prometheus-k8s; do
	grep -qx "$want" "$T/kubectl.txt" || fail "kubectl does not see $want with kurator's labels"
done

settle host
state_dump host "$T/installed.txt"
kur install prometheus --context host --timeout 60s >"$T/install2.log" 2>&1 ||
	{ cat "$T/install2.log" >&2; fail "second install failed"; }
state_dump host "$T/installed2.txt"
assert_same_state "$T/installed.txt" "$T/installed2.txt" "a second install changed the cluster"

# Upgrade to the same version with a parameter: only the Prometheus changes.
kur plan prometheus --context host --set prometheusReplicas=3 >"$T/plan.txt" || fail "plan"
assert_contains "$(cat "$T/plan.txt")" "1 to update"
assert_contains "$(cat "$T/plan.txt")" "spec.replicas: 2 -> 3"

kur uninstall prometheus --context host --purge-crds --timeout 60s >"$T/un.log" 2>&1 ||
	{ cat "$T/un.log" >&2; fail "uninstall failed"; }
settle host
state_dump host "$T/after.txt"
assert_same_state "$T/before.txt" "$T/after.txt" "uninstall did not restore the cluster"
note "ok"
