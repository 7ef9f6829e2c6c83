#!/bin/bash
# interop.sh MINOR - an unmodified kubectl 1.MINOR against kurator-sim, with a
# fresh HOME (no discovery cache): discovery, get, watch, client-side and
# server-side apply, conflicts, delete, secrets, labels, selectors, auth.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/sim/lib.sh"

M=${1:-30}
have_kubectl "$M" || skip "kubectl 1.$M not installed"
start_sim --clusters host,member1
k() { kubectl_at "$M" "$@"; }

# version and discovery
out=$(k version)
assert_contains "$out" "Server Version: v1.30.0" "server version"
out=$(k get ns)
assert_contains "$out" "kube-system" "get ns"
assert_contains "$out" "Active" "namespace status column"
out=$(k --context member1 get ns -o name)
assert_contains "$out" "namespace/kube-node-lease" "second cluster"
k get pods -A >/dev/null
out=$(k api-resources --api-group=apps -o name)
assert_contains "$out" "deployments.apps" "api-resources"

# client-side apply with validation on
cat >"$T/app.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {app: web, tier: front}
data:
  greeting: hello
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
EOF
out=$(k apply -f "$T/app.yaml")
assert_contains "$out" "configmap/cfg created" "apply creates"
assert_contains "$out" "service/web created" "apply creates the service"
out=$(k apply -f "$T/app.yaml")
assert_contains "$out" "configmap/cfg unchanged" "second apply is unchanged"
sed -i 's/greeting: hello/greeting: bonjour/' "$T/app.yaml"
out=$(k apply -f "$T/app.yaml")
assert_contains "$out" "configmap/cfg configured" "changed apply patches"
assert_eq "bonjour" "$(k get cm cfg -o jsonpath='{.data.greeting}')" "patched value"

# get with selectors and Table output
out=$(k get cm -l app=web -o name)
assert_eq "configmap/cfg" "$out" "label selector ="
out=$(k get cm -l 'tier in (back,db)' -o name)
assert_eq "" "$out" "label selector in"
out=$(k get cm -l '!tier' -o name)
assert_contains "$out" "" "label selector !key"
assert_not_contains "$out" "configmap/cfg" "label selector !key excludes"
out=$(k get cm --field-selector metadata.name=cfg -o name)
assert_eq "configmap/cfg" "$out" "field selector"

# watch sees a change made meanwhile (configmaps, then pods)
k get cm -w >"$T/watch.out" 2>&1 &
wpid=$!
TEST_PIDS+=("$wpid")
wait_until 10 grep -q '^cfg' "$T/watch.out" || fail "get -w printed no initial list"
k create cm watched --from-literal=a=b >/dev/null
wait_until 10 grep -q '^watched' "$T/watch.out" || fail "get -w did not see the new configmap"
kill "$wpid" 2>/dev/null || true
[ "$(grep -c '^NAME' "$T/watch.out")" = 1 ] || fail "get -w printed the header more than once"
k get pods -w >"$T/podwatch.out" 2>&1 &
wpid=$!
TEST_PIDS+=("$wpid")
sleep 0.5
k run watched-pod --image=busybox:1.36 --restart=Never -- sleep 3600 >/dev/null
wait_until 10 grep -q '^watched-pod' "$T/podwatch.out" || fail "get pods -w did not see the new pod"
kill "$wpid" 2>/dev/null || true

# create secret, label, select
k create secret generic s1 --from-literal=password=hunter2 >/dev/null
k label secret s1 team=db >/dev/null
out=$(k get secret -l team=db -o name)
assert_eq "secret/s1" "$out" "labelled secret"
assert_eq "aHVudGVyMg==" "$(k get secret s1 -o jsonpath='{.data.password}')" "secret data"
out=$(k create secret generic s1 --from-literal=a=b 2>&1) && fail "duplicate create succeeded"
assert_contains "$out" 'secrets "s1" already exists' "AlreadyExists wording"

# typed create commands (kubectl 1.33 sends these as protobuf)
k create deployment nginx --image=nginx:1.27 --replicas=0 --port=80 >/dev/null
assert_eq "0" "$(k get deploy nginx -o jsonpath='{.spec.replicas}')" "create deployment keeps replicas 0"
assert_eq "80" "$(k get deploy nginx -o jsonpath='{.spec.template.spec.containers[0].ports[0].containerPort}')" "container port"
k create service clusterip nginx --tcp=80:8080 >/dev/null
assert_eq "8080" "$(k get svc nginx -o jsonpath='{.spec.ports[0].targetPort}')" "service targetPort"
k create role reader --verb=get,list --resource=pods >/dev/null
k create rolebinding reader --role=reader --user=bob >/dev/null
assert_eq "reader" "$(k get rolebinding reader -o jsonpath='{.roleRef.name}')" "rolebinding roleRef"
k create job once --image=busybox -- echo hi >/dev/null
assert_eq "echo hi" "$(k get job once -o jsonpath='{.spec.template.spec.containers[0].command[*]}')" "job command"

# server-side apply, no-op second apply, conflicts between managers
cat >"$T/ssa.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: ssa
data:
  size: small
EOF
out=$(k apply --server-side -f "$T/ssa.yaml")
assert_contains "$out" "configmap/ssa serverside-applied" "server-side apply"
rv1=$(k get cm ssa -o jsonpath='{.metadata.resourceVersion}')
k apply --server-side -f "$T/ssa.yaml" >/dev/null
rv2=$(k get cm ssa -o jsonpath='{.metadata.resourceVersion}')
assert_eq "$rv1" "$rv2" "a second identical server-side apply is a no-op"
sed 's/small/large/' "$T/ssa.yaml" >"$T/ssa2.yaml"
out=$(k apply --server-side --field-manager=other -f "$T/ssa2.yaml" 2>&1) && fail "conflict not detected"
assert_contains "$out" "conflict" "field manager conflict"
k apply --server-side --field-manager=other --force-conflicts -f "$T/ssa2.yaml" >/dev/null
assert_eq "large" "$(k get cm ssa -o jsonpath='{.data.size}')" "forced apply wins"
out=$(k get cm ssa -o jsonpath='{.metadata.managedFields[*].manager}')
assert_contains "$out" "other" "managedFields name the new owner"
k patch cm ssa --type=merge -p '{"data":{"extra":"1"}}' >/dev/null
assert_eq "1" "$(k get cm ssa -o jsonpath='{.data.extra}')" "merge patch"
k patch cm ssa --type=json -p '[{"op":"remove","path":"/data/extra"}]' >/dev/null
assert_eq "" "$(k get cm ssa -o jsonpath='{.data.extra}')" "json patch"

# delete waits until gone; NotFound wording
out=$(k delete cm cfg)
assert_contains "$out" 'configmap "cfg" deleted' "delete"
out=$(k get cm cfg 2>&1) && fail "deleted configmap still readable"
assert_contains "$out" 'configmaps "cfg" not found' "NotFound wording"
k delete -f "$T/app.yaml" --ignore-not-found >/dev/null

# namespaces: create, put something in, delete (Terminating, then gone)
k create ns team-a >/dev/null
k -n team-a create cm inside >/dev/null
k delete ns team-a --wait=true --timeout=20s >/dev/null
out=$(k get ns team-a 2>&1) && fail "namespace still there"
assert_contains "$out" 'namespaces "team-a" not found' "namespace gone"

# authentication and authorisation failures
out=$(k --token not-a-token get ns 2>&1) && fail "bad token accepted"
assert_contains "$out" "Unauthorized" "bad token"
out=$(k --user host-norights get pods 2>&1) && fail "identity without rights listed pods"
assert_contains "$out" 'pods is forbidden: User "kurator-norights" cannot list resource "pods" in API group "" in the namespace "default"' "403 wording"
out=$(k --user host-token get ns -o name)
assert_contains "$out" "namespace/default" "admin token"
out=$(k --user host-norights auth can-i list pods || true)
assert_eq "no" "$out" "can-i without rights"
assert_eq "yes" "$(k auth can-i create deployments)" "can-i as admin"

# service-account tokens issued by the simulator
k create sa robot >/dev/null
tok=$(k create token robot)
out=$(k --token "$tok" auth whoami)
assert_contains "$out" "system:serviceaccount:default:robot" "whoami with a service-account token"
k --token "$tok" get ns -o name >/dev/null || fail "service-account token refused"
stop_sim_checked
exit 0
