#!/bin/bash
# One-shot CLI against kurator-sim: exit codes, errors, get in every
# format (json compared with kubectl's, object for object and byte for
# byte), --all-clusters, describe, logs, delete, clusters.
source "$TESTS_DIR/common.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
start_sim --clusters host,member1 --ready-delay-ms 0
K() { "$KURATOR" --kubeconfig "$KUBECONFIG_SIM" "$@"; }

# ---- exit codes and error lines ------------------------------------------
rc=0; out=$(K nosuchcommand 2>&1) || rc=$?
assert_eq 2 "$rc" "unknown command exit code"
assert_contains "$out" 'error: unknown command "nosuchcommand"'
rc=0; out=$(K get 2>&1) || rc=$?
assert_eq 2 "$rc" "missing argument exit code"
assert_contains "$out" "usage: kurator get"
rc=0; out=$(K get pods --bogus 2>&1) || rc=$?
assert_eq 2 "$rc" "unknown flag exit code"
assert_contains "$out" "unknown flag: --bogus"
rc=0; out=$(K get pods -o xml 2>&1) || rc=$?
assert_eq 2 "$rc" "bad -o exit code"
rc=0; out=$(K get nosuchkind 2>&1) || rc=$?
assert_eq 1 "$rc" "unknown kind exit code"
assert_contains "$out" "error: "
assert_contains "$out" "nosuchkind"
[ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] || fail "error is not one line: $out"
rc=0; out=$(K get configmaps nothere 2>&1) || rc=$?
assert_eq 1 "$rc" "missing object exit code"
assert_contains "$out" 'configmaps "nothere" not found'
rc=0; out=$(K --context nosuchctx get pods 2>&1) || rc=$?
assert_eq 1 "$rc" "unknown context exit code"
assert_contains "$out" "nosuchctx"
rc=0; out=$(K get pods --context nosuchctx 2>&1) || rc=$?
assert_eq 1 "$rc" "unknown --context after the command"
assert_contains "$out" 'context "nosuchctx" not found'
# an unreachable cluster: one line saying where and why
cat >"$T/dead.kubeconfig" <<EOC
apiVersion: v1
kind: Config
clusters:
- name: dead
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: dead
  context: {cluster: dead, user: u}
users:
- name: u
  user: {token: abc}
current-context: dead
EOC
rc=0; out=$(timeout 60 "$KURATOR" --kubeconfig "$T/dead.kubeconfig" get pods 2>&1) || rc=$?
assert_eq 1 "$rc" "unreachable cluster exit code"
assert_contains "$out" "error: "
assert_contains "$out" "127.0.0.1:1"
out=$(K help)
assert_contains "$out" "get"
K version >/dev/null 2>&1 && fail "version is not a command"
"$KURATOR" --version | grep -q "kurator" || fail "--version"

# ---- workloads to look at --------------------------------------------------
kubectl_at 30 create namespace team-a >/dev/null
kubectl_at 30 -n team-a create deployment web --image=nginx --replicas=3 >/dev/null
kubectl_at 30 create configmap cfg --from-literal=a=1 >/dev/null
wait_until 20 sh -c "[ \$($KURATOR --kubeconfig $KUBECONFIG_SIM get pods -n team-a -o name | wc -l) = 3 ]" ||
	fail "3 pods did not appear"

# ---- get: json and yaml as kubectl prints them --------------------------------
K get pods -A -o json >"$T/k.json"
kubectl_at 30 get pods -A -o json >"$T/c.json"
python3 - "$T/k.json" "$T/c.json" <<'PY' || fail "get pods -A -o json differs from kubectl"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["kind"] == b["kind"] == "List", (a["kind"], b["kind"])
ka = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in a["items"]}
kb = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in b["items"]}
assert len(ka) >= 3, len(ka)
assert ka.keys() == kb.keys(), (sorted(ka), sorted(kb))
for k in ka:
    assert ka[k] == kb[k], k
PY
cmp -s "$T/k.json" "$T/c.json" || fail "get pods -A -o json is not byte-identical to kubectl's"
K get configmap cfg -o json >"$T/k1.json"
kubectl_at 30 get configmap cfg -o json >"$T/c1.json"
cmp -s "$T/k1.json" "$T/c1.json" || fail "get configmap cfg -o json differs from kubectl"
# yaml byte for byte too (timestamps are quoted strings there)
K get pods -A -o yaml >"$T/k.yaml"
kubectl_at 30 get pods -A -o yaml >"$T/c.yaml"
grep -q 'creationTimestamp: "' "$T/c.yaml" || fail "kubectl yaml has no quoted timestamp"
cmp -s "$T/k.yaml" "$T/c.yaml" ||
	fail "get pods -A -o yaml differs from kubectl: $(diff "$T/k.yaml" "$T/c.yaml" | head -5)"
K -n team-a get deploy web -o yaml >"$T/k1.yaml"
kubectl_at 30 -n team-a get deploy web -o yaml >"$T/c1.yaml"
cmp -s "$T/k1.yaml" "$T/c1.yaml" ||
	fail "get deploy web -o yaml differs from kubectl: $(diff "$T/k1.yaml" "$T/c1.yaml" | head -5)"
K get configmap cfg -o yaml >"$T/k2.yaml"
kubectl_at 30 get configmap cfg -o yaml >"$T/c2.yaml"
cmp -s "$T/k2.yaml" "$T/c2.yaml" ||
	fail "get configmap cfg -o yaml differs from kubectl: $(diff "$T/k2.yaml" "$T/c2.yaml" | head -5)"
K get configmap cfg -o yaml | python3 -c 'import sys,yaml; d=yaml.safe_load(sys.stdin); assert d["data"]["a"]=="1", d' ||
	fail "get -o yaml is not the object"

# ---- get: names, tables, selectors, all clusters -----------------------------------
assert_eq "$(kubectl_at 30 get pods -A -o name | sort)" "$(K get pods -A -o name | sort)" "get -o name"
out=$(K get pods -n team-a)
assert_contains "$out" "NAME"
assert_contains "$out" "READY"
assert_contains "$out" "Running"
assert_eq 4 "$(printf '%s\n' "$out" | wc -l)" "table rows"
out=$(K get pods -A)
assert_contains "$out" "NAMESPACE"
out=$(K get deploy -n team-a -o wide)
assert_contains "$out" "CONTAINERS"
assert_eq 3 "$(K get pods -n team-a -l app=web -o name | wc -l)" "label selector"
assert_eq 0 "$(K get pods -n team-a -l app=nope -o name 2>/dev/null | wc -l)" "label selector none"
out=$(K get pods -n team-a -l app=nope 2>&1 >/dev/null)
assert_contains "$out" "No resources found in team-a namespace."
pod=$(K get pods -n team-a -o name | head -1); pod=${pod#pod/}
assert_eq "pod/$pod" "$(K get pods -n team-a --field-selector metadata.name=$pod -o name)" "field selector"
assert_eq "pod/$pod" "$(K get -n team-a pod/$pod -o name)" "KIND/NAME form"
assert_eq "deployment.apps/web" "$(K get -n team-a deploy/web -o name)" "KIND/NAME form, apps"
rc=0; K get -n team-a deploy/web pod/x >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "mixed KIND/NAME"
rc=0; K get -A pods "$pod" >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "-A with names"
out=$(K get nodes --all-clusters)
assert_contains "$out" "CLUSTER"
assert_contains "$out" "host-control-plane"
assert_contains "$out" "member1-control-plane"
out=$(K get nodes --all-clusters -o name)
assert_contains "$out" "member1/node/member1-control-plane"
out=$(K --context member1 get nodes -o name)
assert_eq "node/member1-control-plane" "$out" "--context before the command"
out=$(K get nodes -o name --context=member1)
assert_eq "node/member1-control-plane" "$out" "--context= after the command"

# ---- clusters, describe, logs, delete -----------------------------------------------------
out=$(K clusters)
assert_contains "$out" "host"
assert_contains "$out" "member1"
assert_contains "$out" "Ready"
assert_contains "$out" "v1.30"
K clusters -o json | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert [c["name"] for c in d] == ["host", "member1"], d
assert all(c["nodes"] >= 1 and c["version"] for c in d), d' || fail "clusters -o json"
out=$(K describe pod "$pod" -n team-a)
assert_contains "$out" "Name:"
assert_contains "$out" "$pod"
assert_contains "$out" "Containers:"
assert_contains "$out" "nginx"
assert_contains "$out" "Events:"
out=$(K logs "$pod" -n team-a --tail 2)
assert_eq 2 "$(printf '%s\n' "$out" | wc -l)" "logs --tail 2"
out=$(K delete configmap cfg)
assert_contains "$out" 'configmap "cfg" deleted'
rc=0; kubectl_at 30 get configmap cfg >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "configmap still there after delete"
rc=0; K delete configmap cfg >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "deleting a missing object fails"
out=$(K delete configmap cfg --ignore-not-found) || fail "--ignore-not-found"
assert_eq "" "$out" "--ignore-not-found prints nothing for a missing object"
note "ok"
