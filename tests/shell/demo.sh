#!/bin/bash
# `kurator demo` without a terminal: starts kurator-sim (host, member1,
# member2) in the background with its state under $XDG_STATE_HOME, leaves
# ~/.kube alone, says how to use it; `demo status`; a second `demo` reuses
# it; `demo stop` kills it by PID and cleans up.
source "$TESTS_DIR/common.sh"

d="$XDG_STATE_HOME/kurator/demo"
out=$("$KURATOR" demo </dev/null 2>&1) || { echo "$out" >&2; fail "demo failed"; }
assert_contains "$out" "demo fleet running"
assert_contains "$out" "$d/kubeconfig"
pid=$(cat "$d/sim.pid")
TEST_PIDS+=("$pid")   # cleaned up even if the test fails
kill -0 "$pid" || fail "kurator-sim (pid $pid) is not running"
assert_eq 700 "$(stat -c %a "$d")" "demo dir mode"
assert_eq 600 "$(stat -c %a "$d/kubeconfig")" "demo kubeconfig mode"
[ ! -e "$HOME/.kube" ] || fail "demo touched ~/.kube"

out=$("$KURATOR" --kubeconfig "$d/kubeconfig" clusters)
for c in host member1 member2; do assert_contains "$out" "$c"; done
[ "$(printf '%s\n' "$out" | grep -c Ready)" = 3 ] || fail "not 3 clusters ready: $out"
out=$("$KURATOR" --kubeconfig "$d/kubeconfig" get nodes --all-clusters -o name)
[ "$(printf '%s\n' "$out" | grep -c '^host/node/')" -ge 2 ] || fail "no edge nodes on host: $out"

out=$("$KURATOR" demo status)
assert_contains "$out" "pid $pid"
out=$("$KURATOR" demo </dev/null 2>&1)
assert_eq "$pid" "$(cat "$d/sim.pid")" "second demo started another simulator"

out=$("$KURATOR" demo stop)
assert_contains "$out" "demo stopped"
wait_until 10 sh -c "! kill -0 $pid" || fail "kurator-sim still running after demo stop"
[ ! -e "$d/kubeconfig" ] || fail "kubeconfig left behind"
[ ! -e "$d/sim.pid" ] || fail "PID file left behind"
rc=0; "$KURATOR" demo status >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "demo status after stop"
note "ok"
