#!/bin/bash
# `kurator apply -f` of real upstream manifest sets stores the same objects
# as `kubectl apply --server-side -f` on an identical simulator: compare the
# two simulators' state dumps for every object of the set (managedFields,
# uids, resourceVersions, timestamps and controller-written status aside).
# Then `kurator delete -f` removes them again.
source "$TESTS_DIR/common.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
sets=("$MANIFESTS/volcano" "$MANIFESTS/kube-prometheus/setup")
for d in "${sets[@]}"; do [ -d "$d" ] || skip "$d missing"; done

# two simulators with the same cluster name, so controller-made names match
start_sim --clusters host --ready-delay-ms 0
KC_A=$KUBECONFIG_SIM
kc_b="$T/simb.kubeconfig"
"$KURATOR_SIM" --clusters host --ready-delay-ms 0 --kubeconfig-out "$kc_b" >"$T/simb.log" 2>&1 &
TEST_PIDS+=("$!")
wait_until 20 test -s "$kc_b" || fail "second kurator-sim did not start"

args=()
for d in "${sets[@]}"; do args+=(-f "$d"); done
out=$("$KURATOR" --kubeconfig "$KC_A" apply "${args[@]}" 2>"$T/apply.err") ||
	{ cat "$T/apply.err" >&2; fail "kurator apply failed"; }
n_k=$(printf '%s\n' "$out" | grep -c 'serverside-applied$')
KUBECONFIG_SIM=$kc_b
for d in "${sets[@]}"; do
	kubectl_at 30 apply --server-side -f "$d" >>"$T/kubectl-apply.out" 2>&1 ||
		{ tail "$T/kubectl-apply.out" >&2; fail "kubectl apply --server-side -f $d failed"; }
done
n_c=$(grep -c 'serverside-applied$' "$T/kubectl-apply.out")
assert_eq "$n_c" "$n_k" "objects applied"
[ "$n_k" -gt 40 ] || fail "only $n_k objects applied"

KUBECONFIG_SIM=$KC_A kubectl_at 30 get --raw /debug/state.json >"$T/a.json"
KUBECONFIG_SIM=$kc_b kubectl_at 30 get --raw /debug/state.json >"$T/b.json"
grep 'serverside-applied$' "$T/kubectl-apply.out" | sed 's/ serverside-applied$//' >"$T/set.txt"
python3 - "$T/a.json" "$T/b.json" "$T/set.txt" <<'PY' || fail "stored objects differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
# the objects of the manifest sets, as kubectl named them: kind.group/name
want = set(l.strip() for l in open(sys.argv[3]) if l.strip())
def key(o):
    m = o.get("metadata", {})
    return (o.get("apiVersion"), o.get("kind"), m.get("namespace", ""), m.get("name"))
def printed(o):
    av = o.get("apiVersion", "")
    g = av.split("/")[0] if "/" in av else ""
    return o.get("kind", "").lower() + ("." + g if g else "") + "/" + o.get("metadata", {}).get("name", "")
VOLATILE = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")
def norm(o):
    o = json.loads(json.dumps(o))
    for f in VOLATILE:
        o.get("metadata", {}).pop(f, None)
    o.pop("status", None)   # written by the simulator's controllers over time
    # allocated by the server: cluster IPs (order of creation differs when
    # kurator applies in parallel) and the CA the Volcano admission patches in
    spec = o.get("spec", {}) if o.get("kind") == "Service" else {}
    for f in ("clusterIP", "clusterIPs"):
        spec.pop(f, None)
    for w in o.get("webhooks", []) or []:
        w.get("clientConfig", {}).pop("caBundle", None)
    return o
ia = {key(o): norm(o) for o in a if printed(o) in want}
ib = {key(o): norm(o) for o in b if printed(o) in want}
assert len(ia) > 40, len(ia)
missing = sorted(set(ib) - set(ia)); extra = sorted(set(ia) - set(ib))
assert not missing and not extra, ("missing", missing[:5], "extra", extra[:5])
bad = [k for k in ia if ia[k] != ib[k]]
for k in bad[:20]:
    print("differs:", k, file=sys.stderr)
    print(" kurator:", json.dumps(ia[k], sort_keys=True)[:300], file=sys.stderr)
    print(" kubectl:", json.dumps(ib[k], sort_keys=True)[:300], file=sys.stderr)
assert not bad, "%d objects differ" % len(bad)
print("# %d objects identical" % len(ia))
PY

# again: nothing changes, still succeeds
"$KURATOR" --kubeconfig "$KC_A" apply "${args[@]}" >/dev/null 2>"$T/apply2.err" ||
	{ cat "$T/apply2.err" >&2; fail "second apply failed"; }

# delete -f removes what apply created (CRDs last)
"$KURATOR" --kubeconfig "$KC_A" delete -f "$MANIFESTS/volcano" --wait=false >"$T/del.out" 2>"$T/del.err" ||
	{ cat "$T/del.err" >&2; fail "delete -f failed"; }
assert_contains "$(cat "$T/del.out")" "deleted"
# CRDs and namespaces go last: after the first of them, nothing else
awk '/^(customresourcedefinition|namespace) /{late=1; next} late{print "late: " $0; bad=1} END{exit bad}' \
	"$T/del.out" || fail "objects deleted after CRDs/namespaces"
grep -q '^customresourcedefinition.apiextensions.k8s.io "' "$T/del.out" || fail "no CRD deleted"
rc=0; KUBECONFIG_SIM=$KC_A kubectl_at 30 get crd queues.scheduling.volcano.sh >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "CRD still there after delete -f"
note "ok"
