#!/bin/bash
# features.sh - kurator-sim's own behaviour through raw HTTP (curl): Status
# errors, paging, watch replay/bookmarks/410, garbage collection, finalizers,
# namespace cascade, deletecollection, faults, state dump, persistence.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/sim/lib.sh"
command -v curl >/dev/null || skip "curl not installed"

start_sim --clusters host --state-dir "$T/state" --dump-on-exit "$T/dump.json"
kc_get() { python3 - "$KUBECONFIG_SIM" "$1" <<'EOF'
import sys, base64
import yaml
kc = yaml.safe_load(open(sys.argv[1]))
what = sys.argv[2]
if what == "server": print(kc["clusters"][0]["cluster"]["server"])
elif what == "ca": print(base64.b64decode(kc["clusters"][0]["cluster"]["certificate-authority-data"]).decode())
elif what == "token": print([u for u in kc["users"] if u["name"] == "host-token"][0]["user"]["token"])
EOF
}
setup_curl() {
	SERVER=$(kc_get server)
	kc_get ca >"$T/ca.pem"
	TOKEN=$(kc_get token)
}
setup_curl
# c METHOD PATH [BODY [CONTENT-TYPE]] -> prints "CODE BODY"
c() {
	local args=(-sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" -X "$1" -o "$T/body" -w '%{http_code}')
	[ $# -ge 3 ] && args+=(--data-binary "$3" -H "Content-Type: ${4:-application/json}")
	local code
	code=$(curl "${args[@]}" "$SERVER$2")
	echo "$code $(cat "$T/body")"
}
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# ---- Status errors
out=$(c GET /api/v1/namespaces/default/configmaps/nope)
assert_contains "$out" '404 ' "404"
assert_contains "$out" '"reason":"NotFound"' "NotFound reason"
assert_contains "$out" 'configmaps \"nope\" not found' "NotFound message"
out=$(c GET /apis/apps/v1/namespaces/default/deployments/nope)
assert_contains "$out" 'deployments.apps \"nope\" not found' "NotFound names the group"
out=$(c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"Bad_Name"}}')
assert_contains "$out" '422 ' "invalid name"
assert_contains "$out" '"reason":"Invalid"' "Invalid reason"
assert_contains "$out" '"field":"metadata.name"' "Invalid causes name the field"
out=$(c POST /api/v1/namespaces/default/configmaps '{not json')
assert_contains "$out" '400 ' "bad JSON"
out=$(c PATCH /api/v1/namespaces/default/configmaps/x '{}' 'text/plain')
assert_contains "$out" '415 ' "unsupported patch type"
out=$(c POST /api/v1/namespaces/nowhere/configmaps '{"metadata":{"name":"a"}}')
assert_contains "$out" 'namespaces \"nowhere\" not found' "missing namespace"
out=$(curl -sS --cacert "$T/ca.pem" -w ' %{http_code}' "$SERVER/api/v1/pods")
assert_contains "$out" '"reason":"Unauthorized"' "401 Status"
assert_contains "$out" " 401" "401 code"
out=$(curl -sS --cacert "$T/ca.pem" "$SERVER/version")
assert_contains "$out" '"gitVersion":"v1.30.0"' "anonymous /version"
out=$(c GET /healthz)
assert_eq "200 ok" "$out" "healthz"

# ---- create, conflict on stale resourceVersion
out=$(c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"a","labels":{"x":"1"}},"data":{"k":"v"}}')
assert_contains "$out" '201 ' "create"
rv=$(echo "${out#* }" | jq_ 'd["metadata"]["resourceVersion"]')
out=$(c PUT /api/v1/namespaces/default/configmaps/a "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"$rv\"},\"data\":{\"k\":\"w\"}}")
assert_contains "$out" '200 ' "update"
out=$(c PUT /api/v1/namespaces/default/configmaps/a "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"$rv\"},\"data\":{\"k\":\"z\"}}")
assert_contains "$out" '409 ' "stale update"
assert_contains "$out" 'the object has been modified' "Conflict wording"
out=$(c POST '/api/v1/namespaces/default/configmaps?dryRun=All' '{"metadata":{"name":"dry"}}')
assert_contains "$out" '201 ' "dry run create"
out=$(c GET /api/v1/namespaces/default/configmaps/dry)
assert_contains "$out" '404 ' "dry run stores nothing"

# ---- watch replay from a resourceVersion, then timeout
out=$(c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"b"}}')
out=$(c DELETE /api/v1/namespaces/default/configmaps/b)
out=$(c GET "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$rv&timeoutSeconds=1")
assert_contains "$out" '"type":"MODIFIED"' "replayed MODIFIED"
assert_contains "$out" '"type":"ADDED"' "replayed ADDED"
assert_contains "$out" '"type":"DELETED"' "replayed DELETED"
out=$(c GET "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$rv&timeoutSeconds=1&labelSelector=x%3D1")
assert_not_contains "$out" '"name":"b"' "watch label selector"
out=$(c GET "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=6")
assert_contains "$out" '"type":"BOOKMARK"' "bookmark"

# ---- paging
for i in $(seq -w 1 25); do c POST /api/v1/namespaces/default/secrets "{\"metadata\":{\"name\":\"p$i\",\"labels\":{\"page\":\"yes\"}}}" >/dev/null; done
out=$(c GET "/api/v1/namespaces/default/secrets?limit=10&labelSelector=page")
n=$(echo "${out#* }" | jq_ 'len(d["items"])')
assert_eq 10 "$n" "first page"
cont=$(echo "${out#* }" | jq_ 'd["metadata"]["continue"]')
out=$(c GET "/api/v1/namespaces/default/secrets?limit=10&labelSelector=page&continue=$cont")
first=$(echo "${out#* }" | jq_ 'd["items"][0]["metadata"]["name"]')
assert_eq p11 "$first" "second page starts after the first"
out=$(c GET "/api/v1/namespaces/default/secrets?limit=100&fieldSelector=metadata.name%3Dp07")
assert_eq 1 "$(echo "${out#* }" | jq_ 'len(d["items"])')" "field selector"
out=$(c DELETE "/api/v1/namespaces/default/secrets?labelSelector=page%3Dyes")
assert_contains "$out" '200 ' "deletecollection"
out=$(c GET "/api/v1/namespaces/default/secrets?labelSelector=page")
assert_eq 0 "$(echo "${out#* }" | jq_ 'len(d["items"])')" "deletecollection removed all"

# ---- ownerReferences: background GC and orphaning
mk_owned() { # NAME OWNER_UID
	c POST /api/v1/namespaces/default/configmaps "{\"metadata\":{\"name\":\"$1\",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\"$2\"}]}}" >/dev/null
}
uid=$(c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"owner"}}' | cut -d' ' -f2- | jq_ 'd["metadata"]["uid"]')
mk_owned dep1 "$uid"
c DELETE /api/v1/namespaces/default/configmaps/owner '{"propagationPolicy":"Background"}' >/dev/null
out=$(c GET /api/v1/namespaces/default/configmaps/dep1)
assert_contains "$out" '404 ' "dependent collected"
uid=$(c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"owner"}}' | cut -d' ' -f2- | jq_ 'd["metadata"]["uid"]')
mk_owned dep2 "$uid"
c DELETE /api/v1/namespaces/default/configmaps/owner '{"propagationPolicy":"Orphan"}' >/dev/null
out=$(c GET /api/v1/namespaces/default/configmaps/dep2)
assert_contains "$out" '200 ' "orphaned dependent kept"
assert_not_contains "$out" '"ownerReferences":[' "orphan drops the reference"

# ---- finalizers
c POST /api/v1/namespaces/default/configmaps '{"metadata":{"name":"fin","finalizers":["example.com/hold"]}}' >/dev/null
out=$(c DELETE /api/v1/namespaces/default/configmaps/fin)
assert_contains "$out" 'deletionTimestamp' "finalizer holds the object"
out=$(c GET /api/v1/namespaces/default/configmaps/fin)
assert_contains "$out" '200 ' "still there while finalized"
rvf=$(echo "${out#* }" | jq_ 'd["metadata"]["resourceVersion"]')
out=$(c PUT /api/v1/namespaces/default/configmaps/fin "{\"metadata\":{\"name\":\"fin\",\"resourceVersion\":\"$rvf\",\"finalizers\":[]}}")
out=$(c GET /api/v1/namespaces/default/configmaps/fin)
assert_contains "$out" '404 ' "removing the last finalizer deletes"

# ---- namespace cascade
c POST /api/v1/namespaces '{"metadata":{"name":"gone-soon"}}' >/dev/null
c POST /api/v1/namespaces/gone-soon/configmaps '{"metadata":{"name":"inside"}}' >/dev/null
out=$(c DELETE /api/v1/namespaces/gone-soon)
assert_contains "$out" '"phase":"Terminating"' "namespace Terminating"
out=$(c POST /api/v1/namespaces/gone-soon/configmaps '{"metadata":{"name":"late"}}')
assert_contains "$out" 'because it is being terminated' "no new content in a terminating namespace"
wait_until 10 sh -c "curl -s -o /dev/null -w '%{http_code}' --cacert '$T/ca.pem' -H 'Authorization: Bearer $TOKEN' '$SERVER/api/v1/namespaces/gone-soon' | grep -q 404" ||
	fail "namespace never went away"

# ---- metadata-only answers and streaming lists
out=$(curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" \
	-H 'Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' "$SERVER/api/v1/namespaces/default/configmaps")
assert_contains "$out" '"kind":"PartialObjectMetadataList"' "metadata-only list"
assert_not_contains "$out" '"data"' "metadata-only list has no data"
out=$(c GET "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1")
assert_contains "$out" '"k8s.io/initial-events-end":"true"' "streaming list ends its initial events with a bookmark"

# ---- scale subresource
out=$(c POST /apis/apps/v1/namespaces/default/deployments '{"metadata":{"name":"sc"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"sc"}},"template":{"metadata":{"labels":{"app":"sc"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}')
assert_contains "$out" '201 ' "deployment for scale"
out=$(c GET /apis/apps/v1/namespaces/default/deployments/sc/scale)
assert_contains "$out" '"spec":{"replicas":2}' "scale get"
assert_contains "$out" '"selector":"app=sc"' "scale selector"
out=$(c PUT /apis/apps/v1/namespaces/default/deployments/sc/scale '{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"sc"},"spec":{"replicas":4}}')
assert_contains "$out" '"replicas":4' "scale update"
out=$(c GET /apis/apps/v1/namespaces/default/deployments/sc)
assert_contains "$out" '"replicas":4' "scale reached the deployment"

# ---- Table output
out=$(curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" \
	-H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' "$SERVER/api/v1/namespaces")
assert_contains "$out" '"kind":"Table"' "Table"
assert_contains "$out" '"cells":["default","Active"' "namespace row"

# ---- openapi v3 and aggregated discovery
out=$(c GET /openapi/v3)
assert_contains "$out" '"apis/apps/v1"' "openapi index"
out=$(curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" -D "$T/hdr" \
	-H 'Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' "$SERVER/apis")
assert_contains "$(cat "$T/hdr")" 'g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' "aggregated content type"
assert_contains "$out" '"APIGroupDiscoveryList"' "aggregated discovery"

# ---- malformed requests get 4xx answers and leave the server healthy
cm=/api/v1/namespaces/default/configmaps
head -c 3000 /dev/urandom >"$T/random.bin"
printf 'k8s\0\x0a\x04\x0a\x02v1\x12\x05\x0a\x03\x0a\x01' >"$T/truncated.pb"
for req in "GET $cm/a/b/c/d/e/f/g" "GET /apis//v1" "GET $cm?continue=5-zz" "GET $cm?labelSelector=a+in+(b" \
	"GET $cm?labelSelector=!" "GET $cm?fieldSelector=x" "GET $cm?watch=1&resourceVersion=abc&timeoutSeconds=1"; do
	out=$(c ${req% *} "${req#* }")
	case ${out%% *} in 2??|4??) ;; *) fail "$req answered ${out%% *}" ;; esac
done
for body in '[]' '"x"' '{"metadata":{"name":"'"$(head -c 300 /dev/zero | tr '\0' a)"'"}}'; do
	out=$(c POST $cm "$body")
	assert_contains "${out%% *}" "4" "bad body $body"
done
for f in random.bin truncated.pb; do
	code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/vnd.kubernetes.protobuf' --data-binary @"$T/$f" "$SERVER$cm")
	assert_contains "$code" "4" "protobuf garbage ($f)"
done
out=$(c PATCH $cm/a '[{"op":"move","from":"/nothere","path":"/y"}]' application/json-patch+json)
assert_contains "$out" '422 ' "failing JSON patch"
out=$(c PATCH $cm/a '{"kind":"Secret"}' application/merge-patch+json)
assert_contains "$out" '400 ' "patch changing the kind"
out=$(c DELETE $cm/a '{"propagationPolicy":"Sideways"}')
assert_contains "$out" '422 ' "bad propagationPolicy"
assert_eq "200 ok" "$(c GET /readyz)" "healthy after malformed requests"

# ---- SIGUSR1 dump, then restart from the state dir: objects and RV survive
kill -USR1 "$SIM_PID"
wait_until 5 test -s "$T/dump.json" || fail "no dump after SIGUSR1"
python3 -c "import json,sys; d=json.load(open('$T/dump.json')); assert any(o['metadata']['name']=='a' for o in d['host'])" ||
	fail "dump lacks configmap a"
rv_before=$(c GET /api/v1/namespaces/default/configmaps | cut -d' ' -f2- | jq_ 'd["metadata"]["resourceVersion"]')
wait_until 10 test -s "$T/state/host/state.json" || fail "no periodic state save"
assert_eq "600" "$(stat -c %a "$T/state/host/state.json")" "state file mode"
assert_eq "600" "$(stat -c %a "$T/state/host/ca.key")" "CA key mode"
stop_sim_checked
start_sim --clusters host --state-dir "$T/state"
setup_curl
out=$(c GET /api/v1/namespaces/default/configmaps/a)
assert_contains "$out" '"k":"w"' "object survives a restart"
rv_after=$(c GET /api/v1/namespaces/default/configmaps | cut -d' ' -f2- | jq_ 'd["metadata"]["resourceVersion"]')
[ "$rv_after" -ge "$rv_before" ] || fail "resourceVersion went back: $rv_before -> $rv_after"
out=$(c GET "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1")
assert_contains "$out" '"type":"ERROR"' "410 as an ERROR event"
assert_contains "$out" '"code":410' "410 code"
stop_sim_checked

# ---- fault injection
start_sim --clusters host --fault 'errors=1:verb=GET'
setup_curl
out=$(c GET /api/v1/namespaces)
assert_contains "$out" '500 ' "injected error"
out=$(c POST /api/v1/namespaces '{"metadata":{"name":"ok"}}')
assert_contains "$out" '201 ' "other verbs unaffected"
stop_sim_checked
start_sim --clusters host --fault 'errors=1:verb=list' --fault latency=20ms
setup_curl
out=$(c GET /api/v1/namespaces)
assert_contains "$out" '500 ' "injected error for the list verb"
s=$(date +%s%N)
out=$(c GET /api/v1/namespaces/default)
e=$(date +%s%N)
assert_contains "$out" '200 ' "get unaffected by a list fault"
[ $(( (e - s) / 1000000 )) -ge 20 ] || fail "no injected latency"
stop_sim_checked

# ---- --config (JSON is YAML too), plain HTTP, another version
printf '{"clusters": ["east", "west"], "version": "1.31.4", "http": true}\n' >"$T/sim-config.yaml"
start_sim --config "$T/sim-config.yaml"
grep -q "cluster west at http://127.0.0.3:" "$T/sim.log" || fail "second cluster from --config"
server=$(grep -o 'http://127.0.0.3:[0-9]*' "$T/sim.log")
out=$(curl -sS "$server/version")
assert_contains "$out" '"gitVersion":"v1.31.4"' "--config version"
assert_contains "$out" '"minor":"31"' "--config minor"
stop_sim_checked
exit 0
