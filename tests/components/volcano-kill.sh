#!/usr/bin/env bash
# Kill kurator with SIGKILL in the middle of `install volcano` at several
# points (and once in the middle of an uninstall): the next run converges,
# and uninstall still gives back the cluster as it was.
. "$TESTS_DIR/common.sh"
. "$TESTS_DIR/components/lib.sh"
have_kubectl 30 || skip "kubectl 1.30 not installed"

start_sim --clusters host --ready-delay-ms 200
settle host
state_dump host "$T/before.txt"

exists() { kubectl_at 30 --context host get "$@" >/dev/null 2>&1; }

# Each point: what must exist when we pull the plug.
points=(
	"configmap -n kube-system kurator-component-volcano"
	"crd queues.scheduling.volcano.sh"
	"job -n volcano-system volcano-admission-init"
	"deployment -n volcano-system volcano-scheduler"
)
for point in "${points[@]}"; do
	note "kill at: $point"
	kur install volcano --context host --timeout 60s >"$T/partial.log" 2>&1 &
	pid=$!
	wait_until 30 exists $point || { kill -9 $pid; cat "$T/partial.log" >&2; fail "never reached: $point"; }
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true

	kur install volcano --context host --timeout 60s >"$T/resume.log" 2>&1 ||
		{ cat "$T/resume.log" >&2; fail "install after a kill at '$point' failed"; }
	kur status volcano --context host -o json >"$T/status.json" || fail "status"
	$PY - "$T/status.json" <<'PY' || fail "not ready after resuming ($point)"
import json, sys
s = json.load(open(sys.argv[1]))
s = s[0] if isinstance(s, list) else s
assert s["ready"] is True and s["state"] == "installed", s
assert len(s["objects"]) == 43
PY
	# Converged: one more install changes nothing (checked at one point;
	# volcano.sh checks it after a clean install).
	if [[ "$point" == job* ]]; then
		settle host
		state_dump host "$T/a.txt"
		kur install volcano --context host >/dev/null 2>&1 || fail "third install"
		state_dump host "$T/b.txt"
		assert_same_state "$T/a.txt" "$T/b.txt" "install after resume still changed things ($point)"
	fi

	kur uninstall volcano --context host --purge-crds --timeout 60s >"$T/un.log" 2>&1 ||
		{ cat "$T/un.log" >&2; fail "uninstall after '$point'"; }
	settle host
	state_dump host "$T/after.txt"
	assert_same_state "$T/before.txt" "$T/after.txt" "uninstall after a kill at '$point' left things behind"
done

# Killed in the middle of an uninstall: the next uninstall finishes the job.
kur install volcano --context host --timeout 60s >/dev/null 2>&1 || fail "install"
kur uninstall volcano --context host --purge-crds --timeout 60s >"$T/un.log" 2>&1 &
pid=$!
gone() { ! kubectl_at 30 --context host get validatingwebhookconfiguration volcano-admission-service-queues-validate >/dev/null 2>&1; }
wait_until 30 gone || fail "uninstall never started"
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
kur uninstall volcano --context host --purge-crds --timeout 60s >"$T/un2.log" 2>&1 ||
	{ cat "$T/un2.log" >&2; fail "uninstall after a kill"; }
settle host
state_dump host "$T/after.txt"
assert_same_state "$T/before.txt" "$T/after.txt" "an interrupted uninstall left things behind"
note "ok"
