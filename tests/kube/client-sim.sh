#!/bin/bash
# client-sim.sh KUBE_TOOL - the Kubernetes client against kurator-sim, with
# kubectl 1.30 as the witness: discovery and REST mapping, server-side apply
# (managedFields, conflicts, force, dry run), create, patch, list (selectors,
# paging, Table, metadata only), streamed lists, watch, delete --wait, wait for a
# condition, pod logs, token auth and RBAC errors, several clusters, threads.
. "$TESTS_DIR/common.sh"
KT=${1:?kube-tool path}
have_kubectl 30 || skip "kubectl 1.30 not installed"
PY=$(command -v /usr/bin/python3 || command -v python3) || skip "python3 not installed"
start_sim --clusters host,member1

kt() { "$KT" --kubeconfig "$KUBECONFIG_SIM" "$@"; }
k() { kubectl_at 30 "$@"; }
jget() { $PY -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# ---- version and discovery ----------------------------------------------------
out=$(kt version) || fail "version: $out"
assert_eq "$(k version -o json | jget 'd["serverVersion"]["gitVersion"]')" "$out" "server version"
assert_eq "apps v1 deployments Deployment namespaced=1 status=1 log=0" "$(kt resolve deploy | sed 's/log=./log=0/')" "deploy"
assert_contains "$(kt resolve crd)" "apiextensions.k8s.io v1 customresourcedefinitions CustomResourceDefinition namespaced=0"
assert_contains "$(kt resolve ns)" "core v1 namespaces Namespace namespaced=0"
assert_contains "$(kt resolve-gvk apps/v1 StatefulSet)" "apps v1 statefulsets"
kt resources | awk '{print $1}' | sort > "$T/ours"
k api-resources -o name | sort > "$T/kubectl"
diff "$T/kubectl" "$T/ours" > "$T/resources.diff" || fail "api-resources differ: $(cat "$T/resources.diff")"
ls "$XDG_CACHE_HOME"/kurator/discovery/*.json >/dev/null || fail "no discovery cache file"
[ "$(stat -c %a "$XDG_CACHE_HOME"/kurator/discovery/*.json | head -1)" = 600 ] || fail "cache file mode"

# ---- server-side apply ------------------------------------------------------------
cat > "$T/app.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: apps-ns
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: apps-ns
data:
  a: "1"
  b: "yes"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps-ns
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
EOF
out=$(kt apply "$T/app.yaml") || fail "apply: $out"
assert_eq "$(printf 'Namespace/apps-ns created\nConfigMap/cfg created\nDeployment/web created')" "$out" "first apply"
out=$(kt apply "$T/app.yaml") || fail "re-apply: $out"
assert_eq "$(printf 'Namespace/apps-ns configured\nConfigMap/cfg configured\nDeployment/web configured')" "$out" "second apply"
mf=$(k get cm cfg -n apps-ns -o json --show-managed-fields | jget '[(m["manager"], m["operation"]) for m in d["metadata"]["managedFields"]]')
assert_eq "[('kurator', 'Apply')]" "$mf" "managedFields of cfg"
assert_eq "yes" "$(k get cm cfg -n apps-ns -o jsonpath='{.data.b}')" "quoted yes stays a string"
assert_eq "nginx:1.25" "$(k get deploy web -n apps-ns -o jsonpath='{.spec.template.spec.containers[0].image}')"

# another manager takes data.a; our apply now conflicts, names it, and --force wins
cat > "$T/other.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: apps-ns}
data: {a: "2"}
EOF
k apply --server-side --force-conflicts --field-manager=other -f "$T/other.yaml" >/dev/null
out=$(kt apply "$T/app.yaml" 2>&1) && fail "conflicting apply succeeded"
assert_contains "$out" "error: conflict http=409 reason=Conflict"
assert_contains "$out" "apply configmaps/cfg in apps-ns on host"
assert_contains "$out" ".data.a"
assert_contains "$out" "\"other\""
assert_contains "$out" "--force"
assert_eq "2" "$(k get cm cfg -n apps-ns -o jsonpath='{.data.a}')" "value after the refused apply"
kt apply --force "$T/app.yaml" >/dev/null || fail "forced apply"
assert_eq "1" "$(k get cm cfg -n apps-ns -o jsonpath='{.data.a}')" "value after --force"

# dry run writes nothing; a namespace-less object goes to -n
cat > "$T/dry.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: dry}
data: {x: "1"}
EOF
out=$(kt -n apps-ns apply --dry-run "$T/dry.yaml") || fail "dry run: $out"
assert_eq "ConfigMap/dry created" "$out"
k get cm dry -n apps-ns >/dev/null 2>&1 && fail "dry run created the object"
kt -n apps-ns apply "$T/dry.yaml" >/dev/null || fail "apply with -n"
k get cm dry -n apps-ns >/dev/null || fail "-n ignored"

# an unknown kind says so, after refreshing discovery once
cat > "$T/unknown.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
EOF
out=$(kt apply "$T/unknown.yaml" 2>&1) && fail "unknown kind applied"
assert_contains "$out" "no matches for kind \"Widget\" in version \"example.com/v1\""

# ---- create, patch ---------------------------------------------------------------
cat > "$T/made.json" <<'EOF'
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made", "namespace": "apps-ns"}, "data": {"k": "v"}}
EOF
kt create "$T/made.json" >/dev/null || fail "create"
out=$(kt create "$T/made.json" 2>&1) && fail "second create succeeded"
assert_contains "$out" "error: conflict http=409 reason=AlreadyExists"
assert_contains "$out" "already exists"
kt -n apps-ns patch cm made application/merge-patch+json '{"data":{"x":"y"}}' >/dev/null || fail "patch"
assert_eq "y" "$(k get cm made -n apps-ns -o jsonpath='{.data.x}')" "merge patch"
out=$(kt -n apps-ns patch cm nothere application/merge-patch+json '{}' 2>&1) && fail "patch of a missing object"
assert_contains "$out" "configmaps \"nothere\" not found"

# ---- list ----------------------------------------------------------------------------
$PY -c 'import json
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "ConfigMap", "data": {"i": str(i)},
     "metadata": {"name": "c%d" % i, "namespace": "apps-ns", "labels": {"batch": "yes"}}} for i in range(1, 8)]}))' \
	| k create --validate=false -f - >/dev/null
names=$(kt -n apps-ns list cm -l batch=yes --limit 2 | jget '" ".join(sorted(i["metadata"]["name"] for i in d["items"]))')
assert_eq "c1 c2 c3 c4 c5 c6 c7" "$names" "paged list with a label selector"
k get cm -n apps-ns -l batch=yes -o json | jget 'len(d["items"])' | grep -qx 7 || fail "kubectl disagrees"
page=$(kt -n apps-ns list cm -l batch=yes --limit 2 --one-page)
assert_eq 2 "$(echo "$page" | jget 'len(d["items"])')" "one page"
[ -n "$(echo "$page" | jget 'd["metadata"].get("continue","")')" ] || fail "no continue token on one page"
assert_eq "c3" "$(kt -n apps-ns list cm --field-selector metadata.name=c3 | jget 'd["items"][0]["metadata"]["name"]')"
tbl=$(kt -n apps-ns list cm -l batch=yes --table --limit 3)
assert_eq "Table 7" "$(echo "$tbl" | jget 'd["kind"] + " " + str(len(d["rows"]))')" "Table across pages"
md=$(kt -n apps-ns list cm -l batch=yes --metadata --limit 4)
assert_eq "PartialObjectMetadataList 7 False" \
	"$(echo "$md" | jget 'd["kind"] + " " + str(len(d["items"])) + " " + str(any("data" in i for i in d["items"]))')" \
	"metadata-only list"
all=$(k get cm -A -o name | wc -l)
out=$(kt -A list-each cm --limit 3 | tail -1)
assert_contains "$out" "count=$all rv="

# ---- several clusters ----------------------------------------------------------------
out=$(kt --context member1 -n apps-ns get cm cfg 2>&1) && fail "cfg found on member1"
assert_contains "$out" "on member1"
assert_contains "$out" "error: not found http=404 reason=NotFound"
kt --context member1 version >/dev/null || fail "member1 version"

# ---- watch ------------------------------------------------------------------------------
k create ns watch-ns >/dev/null
n0=$(k get cm -n watch-ns -o name | wc -l)   # kube-root-ca.crt once controllers run
kt -n watch-ns watch cm --events 3 > "$T/watch.out" 2>"$T/watch.err" &
WPID=$!
TEST_PIDS+=($WPID)
wait_until 10 grep -q '^SYNC' "$T/watch.out" || fail "no SYNC: $(cat "$T/watch.err")"
k create cm w1 -n watch-ns --from-literal=a=b >/dev/null
k patch cm w1 -n watch-ns --type=merge -p '{"data":{"a":"c"}}' >/dev/null
k delete cm w1 -n watch-ns >/dev/null
wait_until 10 test "$(wc -l < "$T/watch.out")" -ge 4 || fail "watch saw: $(cat "$T/watch.out")"
wait "$WPID" || fail "watch exited with an error: $(cat "$T/watch.err")"
assert_eq "SYNC $n0 ADDED watch-ns/w1 MODIFIED watch-ns/w1 DELETED watch-ns/w1" \
	"$(awk '{print $1, $2}' "$T/watch.out" | tr '\n' ' ' | sed 's/ $//')" "watch events"

# ---- delete ----------------------------------------------------------------------------------
kt -n apps-ns delete cm made --wait >/dev/null || fail "delete --wait"
k get cm made -n apps-ns >/dev/null 2>&1 && fail "made still there"
out=$(kt -n apps-ns delete cm made 2>&1) && fail "delete of a missing object"
assert_contains "$out" "error: not found"
kt -n apps-ns delete cm made --ignore-not-found >/dev/null || fail "--ignore-not-found"
cat > "$T/held.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  namespace: apps-ns
  finalizers: [example.com/hold]
EOF
kt apply "$T/held.yaml" >/dev/null
out=$(kt -n apps-ns delete cm held --wait --wait-ms 700 2>&1) && fail "held object deleted"
assert_contains "$out" "error: timeout"
assert_contains "$out" "waiting for configmaps/held in apps-ns on host to be deleted"
assert_contains "$out" "example.com/hold"
( sleep 0.5; k patch cm held -n apps-ns --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null ) &
kt -n apps-ns delete cm held --wait --ignore-not-found >/dev/null || fail "delete --wait after the finalizer went"
k get cm held -n apps-ns >/dev/null 2>&1 && fail "held still there"

# ---- wait for a condition (a CRD becomes Established) ------------------------------------------
cat > "$T/crd.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
EOF
kt apply "$T/crd.yaml" >/dev/null || fail "CRD apply"
kt wait crd widgets.example.com Established --wait-ms 10000 >/dev/null || fail "CRD not Established"
out=$(kt wait crd widgets.example.com Established False --wait-ms 500 2>&1) && fail "wait for False returned"
assert_contains "$out" "error: timeout"
assert_contains "$out" "waiting for Established=False on customresourcedefinitions.apiextensions.k8s.io/widgets.example.com"
assert_contains "$out" "Established=True"
# the new kind is found: discovery refreshes on a miss
out=$(kt apply "$T/unknown.yaml") || fail "Widget after its CRD: $out"
assert_eq "Widget/w created" "$out"
assert_eq "w" "$(k get widgets -n default -o jsonpath='{.items[0].metadata.name}')"
assert_contains "$(kt resolve wd)" "example.com v1 widgets Widget namespaced=1"
out=$(kt wait cm nothere Ready 2>&1) && fail "wait on a missing object"
assert_contains "$out" "not found"

# ---- a Deployment's pod: wait for Available, logs ---------------------------------
kt -n apps-ns wait deploy web Available --wait-ms 20000 >/dev/null || fail "web never Available"
pod=$(k get pods -n apps-ns -l app=web -o jsonpath='{.items[0].metadata.name}')
[ -n "$pod" ] || fail "no pod for web"
assert_eq "$(k logs -n apps-ns "$pod" | sed -n 1p)" "$(kt -n apps-ns logs "$pod" --lines 1)" "first log line like kubectl"
assert_eq 3 "$(kt -n apps-ns logs "$pod" --tail 3 | wc -l)" "--tail 3"
out=$(timeout 20 "$KT" --kubeconfig "$KUBECONFIG_SIM" -n apps-ns logs "$pod" -f --tail 0 --lines 2) || fail "follow: $out"
assert_eq 2 "$(wc -l <<<"$out")" "lines followed"
out=$(kt -n apps-ns logs "$pod" --timestamps --tail 1)
[[ "$out" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T ]] || fail "timestamps: $out"
out=$(kt -n apps-ns logs "$pod" -c nosuch 2>&1) && fail "logs of a missing container"
assert_contains "$out" "nosuch"

# ---- many objects at once: kube-prometheus (CRDs first, then the rest) ----------
M=$MANIFESTS/kube-prometheus
[ -d "$M/setup" ] || fail "no kube-prometheus manifests in $M"
out=$(kt apply --parallel 8 "$M/setup") || fail "parallel apply of setup: $out"
k wait --for=condition=Established --timeout=20s $(k get crd -o name | grep monitoring.coreos.com) >/dev/null
out=$(kt apply --parallel 8 "$M/main") || fail "parallel apply of main: $out"
# what kubectl would apply, counted per kind (one pass over the files)
$PY -c 'import collections, glob, sys, yaml
n = collections.Counter()
for f in glob.glob(sys.argv[1] + "/*.yaml"):
    for d in yaml.load_all(open(f), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if not d: continue
        for i in (d.get("items", []) if d.get("kind", "").endswith("List") else [d]):
            n[i["kind"]] += 1
for k, v in n.items(): print(k, v)' "$M/main" > "$T/kinds"
count_kind() { awk -v k="$1" '$1 == k {print $2}' "$T/kinds"; }
assert_eq "$(wc -l <<<"$out")" "$(awk '{s += $2} END {print s}' "$T/kinds")" "objects applied"
for kind in ServiceMonitor PrometheusRule ClusterRole; do
	assert_eq "$(count_kind $kind)" "$(grep -c "^$kind/" <<<"$out")" "$kind lines"
done
assert_eq "$(count_kind ServiceMonitor)" "$(k get servicemonitors -n monitoring -o name | wc -l)" "ServiceMonitors seen by kubectl"
assert_eq "$(count_kind PrometheusRule)" "$(k get prometheusrules -n monitoring -o name | wc -l)" "PrometheusRules seen by kubectl"
mf=$(k get prometheus k8s -n monitoring -o json --show-managed-fields |
	jget '[m["manager"] for m in d["metadata"]["managedFields"] if m["operation"] == "Apply"]')
assert_eq "['kurator']" "$mf" "appliers in the managedFields of a custom resource"

# ---- auth -------------------------------------------------------------------------------------------
cp "$KUBECONFIG_SIM" "$T/kc2"
k config --kubeconfig "$T/kc2" set-context tok --cluster=host --user=host-token >/dev/null
k config --kubeconfig "$T/kc2" set-context nor --cluster=host --user=host-norights >/dev/null
out=$("$KT" --kubeconfig "$T/kc2" --context tok -n apps-ns get cm cfg) || fail "token auth: $out"
out=$("$KT" --kubeconfig "$T/kc2" --context nor -n apps-ns get cm cfg 2>&1) && fail "no-rights user read cfg"
assert_contains "$out" "error: unauthorized http=403 reason=Forbidden"

# ---- threads share one client -------------------------------------------------------------------------
out=$(kt stress 8 15 cm) || fail "stress: $out"
assert_eq "requests=240 failed_threads=0" "$out"
echo ok
