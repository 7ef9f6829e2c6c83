#!/bin/bash
# client-stub.sh KUBE_TOOL - the client's retry, error and stream handling
# against client-stub.py (a scripted HTTPS stub, tests only): 503s that
# heal, 429 + Retry-After, no retry of a failed POST, HTML and 422 error
# bodies, legacy discovery, a watch split mid-line then 410 Gone (relist),
# log streams, a rotated token file re-read after 401, TLS and connect
# failures, cancellation.
. "$TESTS_DIR/common.sh"
KT=${1:?kube-tool path}
command -v openssl >/dev/null || skip "openssl not installed"
PY=$(command -v /usr/bin/python3 || command -v python3) || skip "python3 not installed"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=stub \
	-addext subjectAltName=IP:127.0.0.1,DNS:stub.example -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/other-key.pem" -out "$T/other.pem" 2>/dev/null
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo expired-token > "$T/token"
chmod 600 "$T/token"
LOG="$T/stub-requests.log"
: > "$LOG"

kubeconfig() { # FILE PORT CA
	cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster:
    server: https://127.0.0.1:$2
    certificate-authority: $3
contexts:
- name: stub
  context: {cluster: stub, user: u, namespace: default}
current-context: stub
users:
- name: u
  user:
    tokenFile: token
EOF
}
kubeconfig "$T/kc" "$PORT" cert.pem

"$PY" "$TESTS_DIR/kube/client-stub.py" "$PORT" "$T/cert.pem" "$T/key.pem" "$T/token" "$LOG" \
	> "$T/stub.log" 2>&1 &
TEST_PIDS+=($!)
wait_until 10 grep -q ready "$T/stub.log" || fail "stub did not start"

kt() { "$KT" --kubeconfig "$T/kc" "$@"; }
count() { grep -c -- "$1" "$LOG" || true; }   # log lines: KEY N PATH accept=...

# the first request meets an expired token: 401, the file is re-read, it works
out=$(kt version) || fail "version: $out"
assert_eq "v1.29.0-stub" "$out" "server version"
assert_eq 1 "$(count '^401')" "one 401 before the token file was re-read"

# legacy discovery (no aggregated answer): group versions fetched one by one
out=$(kt resolve cm); assert_eq "core v1 configmaps ConfigMap namespaced=1 status=0 log=0" "$out" "resolve cm"
out=$(kt resolve deploy); assert_contains "$out" "apps v1 deployments Deployment namespaced=1 status=1" "deploy"
out=$(kt resolve po); assert_contains "$out" "log=1" "pods/log subresource"
out=$(kt resolve nosuch 2>&1) && fail "nosuch resolved"
assert_contains "$out" "doesn't have a resource type \"nosuch\""

# 503 twice then 200: retried with backoff, three requests in all
out=$(kt get cm flaky) || fail "flaky: $out"
assert_contains "$out" '"name": "flaky"'
assert_eq 3 "$(count '^GET /api/v1/namespaces/default/configmaps/flaky ')" "attempts on flaky"

# 429 with Retry-After: 1 is honoured
start=$(date +%s%N)
kt get cm throttled >/dev/null || fail "throttled"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 950 ] || fail "Retry-After not honoured: retried after ${ms} ms"
assert_eq 2 "$(count '^GET /api/v1/namespaces/default/configmaps/throttled ')" "attempts on throttled"

# retries are bounded: --retries 2 means three attempts, then the Status message
out=$(kt --retries 2 get cm down 2>&1) && fail "down succeeded"
assert_contains "$out" "http=503 reason=ServiceUnavailable"
assert_contains "$out" "still down"
assert_contains "$out" "configmaps/down in default on stub"
assert_eq 3 "$(count '^GET /api/v1/namespaces/default/configmaps/down ')" "attempts on down"

# a POST that reached the server is never repeated
cat > "$T/boom.json" <<'EOF'
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "boom"}}
EOF
out=$(kt create "$T/boom.json" 2>&1) && fail "boom created"
assert_contains "$out" "http=500 reason=InternalError"
assert_contains "$out" "webhook failed: boom"
assert_eq 1 "$(count '^POST /api/v1/namespaces/default/configmaps boom ')" "POST attempts"

# a server-side apply conflict lists each field with its manager
cat > "$T/dep.json" <<'EOF'
{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3}}
EOF
out=$(kt apply "$T/dep.json" 2>&1) && fail "conflicting apply succeeded"
assert_contains "$out" "error: conflict http=409 reason=Conflict: apply deployments.apps/web in default on stub: apply failed with 2 conflicts: .spec.replicas is managed by \"helm\" using apps/v1; .spec.template.spec.containers[name=\"web\"].image is managed by \"helm\" using apps/v1 (try: apply with --force"
grep -q 'PATCH /apis/apps/v1/namespaces/default/deployments/web 1 .*fieldManager=kurator&fieldValidation=Strict&force=false' "$LOG" \
	|| fail "apply request: $(grep PATCH "$LOG")"

# error bodies: HTML summarised, 422 causes listed
out=$(kt --retries -1 get cm html 2>&1) && fail "html"
assert_contains "$out" "HTTP 502 Bad Gateway: 502 Bad Gateway Bad Gateway upstream connect error"
out=$(kt get cm invalid 2>&1) && fail "invalid"
assert_contains "$out" "error: invalid http=422 reason=Invalid"
assert_contains "$out" "metadata.name: must have at most 253 bytes"

# watch: an event split inside its line, a bookmark, then 410 -> relist
# (SYNC) -> resume from the list's resourceVersion, then from the last event
out=$(timeout 20 "$KT" --kubeconfig "$T/kc" watch cm --rv 10 --events 4) || fail "watch: $out"
expected="ADDED default/a 11
BOOKMARK ? 12
SYNC 2
MODIFIED default/b 21
DELETED default/a 22"
assert_eq "$expected" "$out" "watch events"
grep -q 'configmaps?watch=true&resourceVersion=20&' "$LOG" || fail "no resume from the relist's resourceVersion"
grep -q 'configmaps?watch=true&resourceVersion=21&' "$LOG" || fail "no resume from the last event"

# logs: default container is the first one; the last line has no newline
out=$(kt logs p1) || fail "logs: $out"
expected="container=main tail=-
line one
line two
last line without newline"
assert_eq "$expected" "$out" "log lines"
out=$(kt logs p1 -c side --tail 1 --lines 1)
assert_eq "container=side tail=1" "$out" "container and tail"
out=$(kt logs p1 --lines 2)
assert_eq "$(printf 'container=main tail=-\nline one')" "$out" "stop after 2 lines"

# TLS: a CA that did not sign the server's certificate
kubeconfig "$T/kc-badca" "$PORT" other.pem
cp "$T/token" "$T/token.keep"
out=$("$KT" --kubeconfig "$T/kc-badca" version 2>&1) && fail "bad CA accepted"
assert_contains "$out" "error: network"
assert_contains "$out" "certificate-authority"
assert_eq 1 "$(count '^GET /version ')" "no request through a bad CA"

# tls-server-name: TLS checks that name while connecting to the address,
# and the Host header still names the server of the kubeconfig
sed 's|    certificate-authority: cert.pem|&\n    tls-server-name: stub.example|' "$T/kc" > "$T/kc-sni"
out=$("$KT" --kubeconfig "$T/kc-sni" get cm flaky) || fail "tls-server-name: $out"
tail -1 "$LOG" | grep -q "host=127.0.0.1:$PORT\$" || fail "Host header: $(tail -1 "$LOG")"
sed 's|    certificate-authority: cert.pem|&\n    tls-server-name: other.example|' "$T/kc" > "$T/kc-sni-bad"
out=$("$KT" --kubeconfig "$T/kc-sni-bad" get cm flaky 2>&1) && fail "a wrong tls-server-name was accepted"
assert_contains "$out" "error: network"

# an exec credential plugin: its first token is refused, so the cached
# credential is dropped and the plugin runs again, once
cat > "$T/plugin.sh" <<EOF
#!/bin/sh
n=\$(cat "$T/plugin.count" 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n > "$T/plugin.count"
tok=valid-token; [ \$n -eq 1 ] && tok=stale-token
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' \$tok
EOF
chmod +x "$T/plugin.sh"
cat > "$T/kc-exec" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: cert.pem}
contexts:
- name: stub
  context: {cluster: stub, user: x}
current-context: stub
users:
- name: x
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $T/plugin.sh
      interactiveMode: Never
EOF
before=$(count '^401')
out=$("$KT" --kubeconfig "$T/kc-exec" version) || fail "exec plugin: $out"
assert_eq "v1.29.0-stub" "$out"
assert_eq 2 "$(cat "$T/plugin.count")" "plugin runs"
assert_eq $((before + 1)) "$(count '^401')" "one 401 with the stale token"

# basic auth
sed 's|    tokenFile: token|    username: admin\n    password: secret|' "$T/kc" > "$T/kc-basic"
out=$("$KT" --kubeconfig "$T/kc-basic" version) || fail "basic auth: $out"
sed 's|    tokenFile: token|    username: admin\n    password: wrong|' "$T/kc" > "$T/kc-basic-bad"
out=$("$KT" --kubeconfig "$T/kc-basic-bad" version 2>&1) && fail "a wrong password was accepted"
assert_contains "$out" "error: unauthorized http=401"
assert_not_contains "$out" "wrong"

# proxy-url: the request goes through the proxy's CONNECT tunnel
PPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PY" "$TESTS_DIR/kube/client-proxy.py" "$PPORT" "$T/proxy-requests.log" > "$T/proxy.log" 2>&1 &
TEST_PIDS+=($!)
wait_until 10 grep -q ready "$T/proxy.log" || fail "proxy did not start"
sed "s|    certificate-authority: cert.pem|&\n    proxy-url: http://127.0.0.1:$PPORT|" "$T/kc" > "$T/kc-proxy"
out=$("$KT" --kubeconfig "$T/kc-proxy" version) || fail "through the proxy: $out"
assert_eq "v1.29.0-stub" "$out"
assert_eq "CONNECT 127.0.0.1:$PORT" "$(head -1 "$T/proxy-requests.log")" "proxy saw the tunnel"

# nothing listening: connect errors are retried, then reported with a hint
FREE=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
kubeconfig "$T/kc-closed" "$FREE" cert.pem
out=$("$KT" --kubeconfig "$T/kc-closed" version 2>&1) && fail "closed port"
assert_contains "$out" "error: network"
assert_contains "$out" "https://127.0.0.1:$FREE"
assert_contains "$out" "(try: "

# cancellation reaches a blocked watch through the job
start=$(date +%s%N)
out=$(kt --cancel-after-ms 400 watch cm --rv 22 2>&1) && fail "cancelled watch returned 0"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
assert_contains "$out" "cancelled"
[ "$ms" -lt 5000 ] || fail "cancel took ${ms} ms"

# the debug log names each request, never a credential
out=$(KURATOR_LOG=stderr "$KT" --kubeconfig "$T/kc" --debug get cm flaky 2>&1 >/dev/null)
assert_contains "$out" "GET /api/v1/namespaces/default/configmaps/flaky -> 200"
assert_not_contains "$out" "valid-token"
out=$(KURATOR_LOG=stderr "$KT" --kubeconfig "$T/kc-basic" --debug get cm flaky 2>&1 >/dev/null)
assert_not_contains "$out" "secret"
assert_not_contains "$out" "YWRtaW46c2VjcmV0"
echo "ok"
