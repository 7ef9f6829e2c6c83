#!/bin/bash
# workloads.sh MINOR - kubectl commands that need the simulator's controllers:
# wait for a Deployment to become Available, rollout status, logs -f, pods
# listed across namespaces, get -w on pods.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/sim/lib.sh"

M=${1:-30}
have_kubectl "$M" || skip "kubectl 1.$M not installed"
start_sim --clusters host --ready-delay-ms 200
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
k() { kubectl_at "$M" "$@"; }
kt() { local secs=$1; shift; timeout "$secs" "$KUBECTL_DIR/kubectl.1.$M" --kubeconfig "$KUBECONFIG_SIM" "$@"; }

out=$(k get nodes)
assert_contains "$out" "Ready" "nodes are Ready"

k get pods -A -w >"$T/podwatch.out" 2>&1 &
wpid=$!
TEST_PIDS+=("$wpid")

cat >"$T/deploy.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
EOF
k apply -f "$T/deploy.yaml" >/dev/null
k wait --for=condition=Available deploy/web --timeout=30s >/dev/null || fail "deployment never Available"
out=$(k rollout status deploy/web --timeout=30s)
assert_contains "$out" "successfully rolled out" "rollout status"
out=$(k get pods -l app=web --no-headers)
[ "$(echo "$out" | grep -c Running)" = 2 ] || fail "expected 2 Running pods, got: $out"
wait_until 10 grep -q "web-" "$T/podwatch.out" || fail "get pods -A -w did not see the new pods"
kill "$wpid" 2>/dev/null || true

pod=pod/$(k get pods -l app=web -o jsonpath="{.items[0].metadata.name}")
out=$(kt 20 logs "$pod" --tail=3)
[ -n "$out" ] || fail "no log lines from $pod"
# logs -f keeps the stream open: it must print and still be running
kt 3 logs -f "$pod" >"$T/follow.out" 2>&1 && fail "logs -f ended by itself"
[ -s "$T/follow.out" ] || fail "logs -f printed nothing"

# scale and delete
k scale deploy/web --replicas=1 >/dev/null
wait_until 20 test "$(k get pods -l app=web --no-headers 2>/dev/null | wc -l)" = 1 || fail "scale down"
k delete deploy web >/dev/null
wait_until 20 test "$(k get pods -l app=web --no-headers 2>/dev/null | wc -l)" = 0 || fail "pods not collected"
stop_sim_checked
exit 0
