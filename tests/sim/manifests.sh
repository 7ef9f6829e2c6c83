#!/bin/bash
# manifests.sh - apply real upstream multi-document manifests (CRDs and their
# custom resources, RoleList/ConfigMapList files) with kubectl 1.30 and get
# the objects back, by kind and through the state dump.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/sim/lib.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
[ -d "$MANIFESTS/volcano" ] || skip "no upstream manifests in $MANIFESTS"
start_sim --clusters host
k() { kubectl_at 30 "$@"; }
count_kind() { cat "$@" | grep -c "^kind: $KIND\$" || true; }

# Volcano: client-side apply of the all-in-one installer.
out=$(k apply -f "$MANIFESTS/volcano/volcano-development.yaml" 2>&1) || fail "volcano apply: $out"
assert_contains "$out" "customresourcedefinition.apiextensions.k8s.io/queues.scheduling.volcano.sh created" "volcano CRDs"
k get crd queues.scheduling.volcano.sh -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' |
	grep -q True || fail "CRD not Established"
k wait --for condition=established crd/jobs.batch.volcano.sh --timeout=10s >/dev/null
KIND=CustomResourceDefinition
want=$(count_kind "$MANIFESTS/volcano/volcano-development.yaml")
got=$(k get crd -o name | grep -c volcano.sh)
assert_eq "$want" "$got" "volcano CRD count"
out=$(k get deploy -n volcano-system -o name)
assert_contains "$out" "deployment.apps/volcano-scheduler" "volcano scheduler deployment"
# a custom resource of a freshly applied CRD, through its short name
cat >"$T/queue.yaml" <<'EOF'
apiVersion: scheduling.volcano.sh/v1beta1
kind: Queue
metadata:
  name: test-queue
spec:
  weight: 3
EOF
k apply -f "$T/queue.yaml" >/dev/null
assert_eq "3" "$(k get queue test-queue -o jsonpath='{.spec.weight}')" "custom resource round trip"
# fields the CRD's schema does not declare: refused under strict validation,
# pruned otherwise (structural schemas)
sed 's/weight: 3/weight: 4\n  colour: red/' "$T/queue.yaml" >"$T/queue-extra.yaml"
out=$(k apply -f "$T/queue-extra.yaml" 2>&1) && fail "unknown field accepted under strict validation"
assert_contains "$out" 'strict decoding error: unknown field "spec.colour"' "strict validation"
k apply --validate=false -f "$T/queue-extra.yaml" >/dev/null
assert_eq '{"weight":4}' "$(k get queue test-queue -o jsonpath='{.spec}')" "unknown fields pruned"
k get q test-queue >/dev/null || fail "short name of a CRD"

# Client-side apply of kube-prometheus' CRDs fails on a real cluster: the
# last-applied annotation exceeds the apiserver's 256 KiB limit.
out=$(k apply -f "$MANIFESTS/kube-prometheus/setup/0prometheusCustomResourceDefinition.yaml" 2>&1) &&
	fail "a CRD with an oversized last-applied annotation was accepted"
assert_contains "$out" 'metadata.annotations: Too long: must have at most 262144 bytes' "annotation size limit"

# kube-prometheus: setup, then main, server-side (as its README says).
k apply --server-side -f "$MANIFESTS/kube-prometheus/setup" >/dev/null
k wait --for condition=Established --all crd --timeout=10s >/dev/null
out=$(k apply --server-side -f "$MANIFESTS/kube-prometheus/main" 2>&1) || fail "kube-prometheus apply: $out"
for KIND in ServiceMonitor PrometheusRule Deployment Service; do
	want=$(count_kind "$MANIFESTS"/kube-prometheus/main/*.yaml)
	case $KIND in
	ServiceMonitor) res=servicemonitors.monitoring.coreos.com ;;
	PrometheusRule) res=prometheusrules.monitoring.coreos.com ;;
	Deployment) res=deployments.apps ;;
	Service) res=services ;;
	esac
	got=$(k get "$res" -n monitoring -o name | wc -l)
	# the simulated operators add objects of their own (prometheus-operated ...)
	[ "$got" -ge "$want" ] || fail "kube-prometheus $KIND count: want at least $want, got $got"
done
out=$(k get prometheus -n monitoring)
assert_contains "$out" "VERSION" "CRD additionalPrinterColumns"
# RoleList files are unpacked by kubectl into Roles in several namespaces
out=$(k get roles -A -o name)
assert_contains "$out" "role.rbac.authorization.k8s.io/prometheus-k8s-config" "roles from a RoleList"

# CRD-only bundles: Karmada, KubeEdge, Istio, Submariner.
for dir in karmada/crds kubeedge/crds istio submariner/crds; do
	[ -e "$MANIFESTS/$dir" ] || continue
	out=$(k apply --server-side -f "$MANIFESTS/$dir" 2>&1) || fail "apply $dir: $out"
done
KIND=CustomResourceDefinition
want=$(count_kind "$MANIFESTS/karmada/crds"/*.yaml)
got=$(k get crd -o name | grep -cE 'karmada\.io|multicluster\.x-k8s\.io')
assert_eq "$want" "$got" "karmada CRD count"
out=$(k api-resources --api-group=networking.istio.io -o name)
assert_contains "$out" "virtualservices.networking.istio.io" "istio CRDs served"

# The state dump holds what kubectl created, sorted.
k get --raw /debug/state.json >"$T/dump.json"
python3 - "$T/dump.json" <<'EOF' || fail "state dump"
import json, sys
objs = json.load(open(sys.argv[1]))
keys = [(o["apiVersion"], o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs]
assert keys == sorted(keys), "dump not sorted"
assert ("scheduling.volcano.sh/v1beta1", "Queue", "", "test-queue") in keys
assert not any("managedFields" in o["metadata"] for o in objs), "managedFields not stripped"
EOF

# Deleting a CRD deletes its objects and its discovery entry.
k delete crd queues.scheduling.volcano.sh >/dev/null
out=$(k get queues 2>&1) && fail "queues still served"
out=$(k get --raw /apis/scheduling.volcano.sh/v1beta1)
assert_not_contains "$out" '"queues"' "discovery after CRD deletion"
stop_sim_checked
exit 0
