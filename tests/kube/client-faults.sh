#!/bin/bash
# client-faults.sh KUBE_TOOL - the watch loop and TLS auth against
# kurator-sim's injected faults: every watch answered 410 (relists, with
# backoff instead of a busy loop), watches dropped by the server (resumed
# from the last resourceVersion without relisting), and a client
# certificate the server does not trust.
. "$TESTS_DIR/common.sh"
KT=${1:?kube-tool path}
have_kubectl 30 || skip "kubectl 1.30 not installed"

kt() { "$KT" --kubeconfig "$KUBECONFIG_SIM" "$@"; }
k() { kubectl_at 30 "$@"; }
stop_sim() { kill -TERM "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; }

# ---- every watch from a resourceVersion is 410: relist, then back off -------
start_sim --clusters host --fault gone
out=$(kt -n default watch cm --cancel-after-ms 2500 2>&1) && fail "cancelled watch returned 0"
syncs=$(grep -c '^SYNC' <<<"$out" || true)
[ "$syncs" -ge 3 ] || fail "only $syncs relists after 410s: $out"
[ "$syncs" -le 15 ] || fail "$syncs relists in 2.5 s: no backoff"
assert_contains "$out" "cancelled"
stop_sim

# ---- watches dropped after 1.2 s: resume from the last resourceVersion -------
start_sim --clusters host --fault drop-watch=1200ms
kt -n default watch cm --events 2 > "$T/watch.out" 2>"$T/watch.err" &
WPID=$!
TEST_PIDS+=($WPID)
wait_until 10 grep -q '^SYNC' "$T/watch.out" || fail "no SYNC: $(cat "$T/watch.err")"
sleep 2.6     # two dropped streams
k create cm d1 --from-literal=a=b >/dev/null
k delete cm d1 >/dev/null
wait_until 15 test "$(wc -l < "$T/watch.out")" -ge 3 || fail "watch saw: $(cat "$T/watch.out")"
wait "$WPID" || fail "watch failed: $(cat "$T/watch.err")"
assert_eq "SYNC ADDED DELETED" "$(awk '{print $1}' "$T/watch.out" | tr '\n' ' ' | sed 's/ $//')" \
	"events across dropped streams (one list only)"
stop_sim

# ---- a client certificate from a CA the server does not know -------------------
start_sim --clusters host
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/O=system:masters/CN=intruder" \
	-keyout "$T/bad-key.pem" -out "$T/bad-cert.pem" 2>/dev/null
cp "$KUBECONFIG_SIM" "$T/kc-bad"
k config --kubeconfig "$T/kc-bad" set-credentials intruder --client-certificate="$T/bad-cert.pem" \
	--client-key="$T/bad-key.pem" >/dev/null
k config --kubeconfig "$T/kc-bad" set-context bad --cluster=host --user=intruder >/dev/null
out=$("$KT" --kubeconfig "$T/kc-bad" --context bad -n default list cm 2>&1) && fail "untrusted client cert accepted"
assert_contains "$out" "error: unauthorized"
echo ok
