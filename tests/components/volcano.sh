#!/usr/bin/env bash
# install volcano end to end against kurator-sim: progress, status, a second
# install that changes nothing, plan, real kubectl seeing the labels, and an
# uninstall that gives back the cluster as it was.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"
have_kubectl 30 || skip "kubectl 1.30 not installed"

start_sim --clusters host --ready-delay-ms 150
settle host
state_dump host "$T/before.txt"

# Nothing there yet: status says so, plan would create everything.
out=$(kur status volcano --context host 2>&1) || fail "status on an empty cluster: $out"
assert_contains "$out" "not installed"
kur plan volcano --context host -o json >"$T/plan0.json" || fail "plan failed"
$PY - "$T/plan0.json" <<'PY' || fail "plan on an empty cluster"
import json, sys
p = json.load(open(sys.argv[1]))
p = p[0] if isinstance(p, list) else p
acts = {c["action"] for c in p["changes"]}
assert acts == {"create"}, acts
assert p["summary"]["create"] == 43, p["summary"]
PY
state_dump host "$T/after-plan.txt"
assert_same_state "$T/before.txt" "$T/after-plan.txt" "plan changed the cluster"

# Install, with progress on stderr/stdout (not a tty: plain lines).
kur install volcano --context host --timeout 60s >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "install volcano failed"; }
log=$(cat "$T/install.log")
assert_contains "$log" "waiting for"
assert_contains "$log" "volcano-admission-init"
assert_contains "$log" "CustomResourceDefinition"

out=$(kur status volcano --context host 2>&1) || fail "status: $out"
assert_contains "$out" "master-ed72c7c"
for obj in volcano-scheduler volcano-controllers volcano-admission volcano-admission-init \
	queues.scheduling.volcano.sh volcano-admission-service-queues-mutate; do
	assert_contains "$out" "$obj"
done
assert_not_contains "$out" "not ready"
kur status volcano --context host -o json >"$T/status.json"
$PY - "$T/status.json" <<'PY' || fail "status json"
import json, sys
s = json.load(open(sys.argv[1]))
s = s[0] if isinstance(s, list) else s
assert s["ready"] is True, s
assert s["managedBy"] == "kurator" and s["version"] == "master-ed72c7c"
bad = [o for o in s["objects"] if not o["ready"]]
assert not bad, bad
assert len(s["objects"]) == 43, len(s["objects"])
assert all(c["ready"] for c in s["checks"]), s["checks"]
PY

# Real kubectl sees everything kurator created, with the right labels.
kubectl_at 30 --context host get -A -l app.kubernetes.io/managed-by=kurator \
	$(echo namespaces,crds,deployments,jobs,services,serviceaccounts,configmaps,clusterroles,clusterrolebindings,roles,rolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations) \
	-o json >"$T/kubectl.json" || fail "kubectl get"
$PY - "$T/kubectl.json" <<'PY' || fail "labels seen by kubectl"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
names = {(i["kind"], i["metadata"]["name"]) for i in items}
for want in [("Namespace", "volcano-system"), ("Deployment", "volcano-scheduler"),
             ("Job", "volcano-admission-init"), ("CustomResourceDefinition", "queues.scheduling.volcano.sh"),
             ("MutatingWebhookConfiguration", "volcano-admission-service-jobs-mutate"),
             ("ConfigMap", "kurator-component-volcano")]:
    assert want in names, want
comp = [i for i in items if i["metadata"]["name"] != "kurator-component-volcano"]
assert len(comp) == 43, len(comp)
for i in items:
    l = i["metadata"]["labels"]
    assert l["kurator.dev/component"] == "volcano", i["metadata"]["name"]
    assert l["kurator.dev/version"] == "master-ed72c7c"
PY

# A second install changes nothing at all.
settle host
state_dump host "$T/installed.txt"
kur install volcano --context host --timeout 60s >"$T/install2.log" 2>&1 ||
	{ cat "$T/install2.log" >&2; fail "second install failed"; }
state_dump host "$T/installed2.txt"
assert_same_state "$T/installed.txt" "$T/installed2.txt" "a second install changed the cluster"

# plan: unchanged everywhere; with a new parameter, one update with its diff.
kur plan volcano --context host -o json >"$T/plan1.json" || fail "plan after install"
kur plan volcano --context host --set schedulerReplicas=2 >"$T/plan2.txt" || fail "plan --set"
$PY - "$T/plan1.json" <<'PY' || fail "plan after install"
import json, sys
p = json.load(open(sys.argv[1]))
p = p[0] if isinstance(p, list) else p
acts = {c["action"] for c in p["changes"]}
assert acts == {"unchanged"}, [c for c in p["changes"] if c["action"] != "unchanged"][:3]
PY
assert_contains "$(cat "$T/plan2.txt")" "spec.replicas: 1 -> 2"
state_dump host "$T/after-plan2.txt"
assert_same_state "$T/installed.txt" "$T/after-plan2.txt" "plan --set changed the cluster"

# Unknown versions are refused, naming the known ones.
if out=$(kur install volcano --context host --version 0.0.1 2>&1); then fail "unknown version accepted"; fi
assert_contains "$out" "master-ed72c7c"

# uninstall --dry-run changes nothing; uninstall --purge-crds gives the
# cluster back as it was.
kur uninstall volcano --context host --dry-run >"$T/un-dry.txt" 2>&1 || fail "uninstall --dry-run"
state_dump host "$T/after-dry.txt"
assert_same_state "$T/installed.txt" "$T/after-dry.txt" "uninstall --dry-run changed the cluster"
kur uninstall volcano --context host --purge-crds --timeout 60s >"$T/un.log" 2>&1 ||
	{ cat "$T/un.log" >&2; fail "uninstall failed"; }
settle host
state_dump host "$T/after.txt"
assert_same_state "$T/before.txt" "$T/after.txt" "uninstall did not restore the cluster"
out=$(kur status volcano --context host 2>&1) || true
assert_contains "$out" "not installed"
note "ok"
