#!/usr/bin/env bash
# Two clusters: member1 already runs Volcano, applied with kubectl; host has
# nothing. kurator detects the foreign copy, refuses to take it over
# without --adopt, installs on both with --clusters, and on uninstall
# removes only what it created.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"
have_kubectl 30 || skip "kubectl 1.30 not installed"

start_sim --clusters host,member1 --ready-delay-ms 150
kubectl_at 30 --context member1 apply --server-side -f "$MANIFESTS/volcano/volcano-development.yaml" \
	>"$T/kubectl-apply.log" 2>&1 || { cat "$T/kubectl-apply.log" >&2; fail "kubectl apply"; }

out=$(kur status volcano --context member1 2>&1) || fail "status: $out"
assert_contains "$out" "installed, not by kurator"
assert_contains "$(kur status --context member1 2>&1)" "volcano on member1"

if out=$(kur install volcano --context member1 2>&1); then fail "took over a foreign install silently"; fi
assert_contains "$out" "not by kurator"
assert_contains "$out" "--adopt"
if out=$(kur uninstall volcano --context member1 2>&1); then fail "uninstalled a foreign install"; fi
assert_contains "$out" "not installed by kurator"

# install --dry-run shows the plan and changes nothing.
kur install volcano --context host --dry-run >"$T/dry.txt" || fail "install --dry-run"
assert_contains "$(cat "$T/dry.txt")" "43 to create"
kubectl_at 30 --context host get ns volcano-system >/dev/null 2>&1 && fail "--dry-run created objects"

kur install volcano --clusters host,member1 --adopt --timeout 60s >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "install on two clusters"; }
log=$(cat "$T/install.log")
assert_contains "$log" "installed on host"
assert_contains "$log" "installed on member1"
assert_contains "$log" "adopted 43 objects"

kur status volcano --clusters host,member1 -o json >"$T/s.json" || fail "status on two clusters"
$PY - "$T/s.json" <<'PY' || fail "status of both clusters"
import json, sys
s = json.load(open(sys.argv[1]))
assert isinstance(s, list) and len(s) == 2, s
assert {x["cluster"] for x in s} == {"host", "member1"}
assert all(x["ready"] and x["managedBy"] == "kurator" for x in s), s
PY

# Without --purge-crds the CRDs stay, and kurator remembers them.
kur uninstall volcano --context host --timeout 60s >"$T/un0.log" 2>&1 ||
	{ cat "$T/un0.log" >&2; fail "uninstall on host"; }
assert_contains "$(cat "$T/un0.log")" "kept CustomResourceDefinition queues.scheduling.volcano.sh"
assert_contains "$(kur status volcano --context host 2>&1)" "11 CRDs kept"
kubectl_at 30 --context host get crd queues.scheduling.volcano.sh >/dev/null || fail "CRD removed without --purge-crds"

kur uninstall volcano --clusters host,member1 --purge-crds --timeout 60s >"$T/un.log" 2>&1 ||
	{ cat "$T/un.log" >&2; fail "uninstall on two clusters"; }
# host: gone. member1: everything that was there before stays, unlabelled.
kubectl_at 30 --context host get ns volcano-system >/dev/null 2>&1 && fail "host still has volcano-system"
kubectl_at 30 --context host get crd queues.scheduling.volcano.sh >/dev/null 2>&1 && fail "--purge-crds left the CRDs"
assert_contains "$(kur status volcano --context host 2>&1)" "volcano on host: not installed"
kubectl_at 30 --context member1 get deploy -n volcano-system volcano-scheduler -o json >"$T/d.json" ||
	fail "uninstall removed member1's own Volcano"
$PY -c 'import json,sys; l=json.load(open(sys.argv[1]))["metadata"].get("labels",{}); assert "kurator.dev/component" not in l and "app.kubernetes.io/managed-by" not in l, l' "$T/d.json" ||
	fail "kurator's labels left on member1's objects"
kubectl_at 30 --context member1 get secret -n volcano-system volcano-admission-secret >/dev/null ||
	fail "member1's admission secret was removed"
assert_contains "$(kur status volcano --context member1 2>&1)" "installed, not by kurator"
note "ok"
