#!/usr/bin/env bash
# upgrade with a newer recipe set (--recipes DIR): plan shows the diff, the
# upgrade relabels everything, takes the new defaults, keeps what the user
# set, and prunes what the new version no longer has.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"
have_kubectl 30 || skip "kubectl 1.30 not installed"
src="$TESTS_DIR/../backends/recipes/data/volcano-master-ed72c7c.yaml"
[ -f "$src" ] || skip "recipe source not found"

start_sim --clusters host --ready-delay-ms 150
kur install volcano --context host --set controllerReplicas=2 --timeout 60s >"$T/i.log" 2>&1 ||
	{ cat "$T/i.log" >&2; fail "install"; }

# "next-1": the same release, a new default and one object fewer.
mkdir -p "$T/recipes"
sed -e 's/^version: master-ed72c7c/version: next-1/' \
    -e '/name: schedulerReplicas/,/default:/s/default: 1/default: 2/' \
    -e 's/^phases:/skip:\n  - {kind: Namespace, name: volcano-monitoring}\nphases:/' \
    "$src" >"$T/recipes/volcano-next-1.yaml"

# A recipe set without the installed version: install refuses, naming it.
if out=$(kur install volcano --context host --recipes "$T/recipes" 2>&1); then
	fail "install with a recipe set lacking the installed version succeeded"
fi
assert_contains "$out" "next-1"

kur plan volcano --context host --recipes "$T/recipes" >"$T/plan.txt" || fail "plan"
plan=$(cat "$T/plan.txt")
assert_contains "$plan" "installed: master-ed72c7c"
assert_contains "$plan" "delete  Namespace volcano-monitoring"
assert_contains "$plan" "spec.replicas: 1 -> 2"
assert_contains "$plan" 'kurator\.dev/version: "master-ed72c7c" -> "next-1"'

kur upgrade volcano --context host --recipes "$T/recipes" --timeout 60s >"$T/u.log" 2>&1 ||
	{ cat "$T/u.log" >&2; fail "upgrade"; }
assert_contains "$(cat "$T/u.log")" "volcano next-1 upgraded on host"

kubectl_at 30 --context host get -n volcano-system deploy -o json >"$T/d.json"
$PY - "$T/d.json" <<'PY' || fail "deployments after the upgrade"
import json, sys
d = {i["metadata"]["name"]: i for i in json.load(open(sys.argv[1]))["items"]}
assert d["volcano-scheduler"]["spec"]["replicas"] == 2          # new default
assert d["volcano-controllers"]["spec"]["replicas"] == 2        # kept from --set
for i in d.values():
    assert i["metadata"]["labels"]["kurator.dev/version"] == "next-1"
PY
if kubectl_at 30 --context host get ns volcano-monitoring >/dev/null 2>&1; then
	fail "the namespace the new version dropped is still there"
fi
kur status volcano --context host --recipes "$T/recipes" -o json >"$T/s.json" || fail "status"
$PY -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["ready"] and s["version"]=="next-1" and len(s["objects"])==42, (s["version"], len(s["objects"]))' "$T/s.json" ||
	fail "status after the upgrade"

kur uninstall volcano --context host --recipes "$T/recipes" --purge-crds --timeout 60s >"$T/un.log" 2>&1 ||
	{ cat "$T/un.log" >&2; fail "uninstall"; }
if kubectl_at 30 --context host get -A -l app.kubernetes.io/managed-by=kurator deploy,crd,cm,ns -o name | grep .; then
	fail "objects left after uninstall"
fi
note "ok"
