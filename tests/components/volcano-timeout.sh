#!/usr/bin/env bash
# When readiness does not come, --timeout stops the install and says which
# object is not ready and why; a later install (pods ready now) converges.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"

# Pods take 3 s to become ready: the admission-init Job cannot finish in 1 s.
start_sim --clusters host --ready-delay-ms 3000
start=$(date +%s)
if out=$(kur install volcano --context host --timeout 1s 2>&1); then
	fail "install succeeded despite --timeout 1s"
fi
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -lt 20 ] || fail "--timeout 1s took ${elapsed}s"
assert_contains "$out" "timed out"
assert_contains "$out" "Job volcano-system/volcano-admission-init"
assert_contains "$out" "pod volcano-admission-init"
kur status volcano --context host >"$T/status.txt" 2>&1 || true
assert_contains "$(cat "$T/status.txt")" "installing"

# Given time, the next run converges.
kur install volcano --context host --timeout 60s >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "install after a timeout"; }
kur status volcano --context host -o json >"$T/s.json"
$PY -c 'import json,sys; s=json.load(open(sys.argv[1])); s=s[0] if isinstance(s,list) else s; assert s["ready"], s' "$T/s.json" ||
	fail "not ready after the second install"
note "ok"
