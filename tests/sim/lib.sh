# tests/sim/lib.sh - sourced after tests/common.sh by the simulator's tests.

# stop_sim_checked: stop the simulator started last with SIGTERM and fail on
# a non-zero exit status or a sanitizer report in its log (the ASan+UBSan
# build runs these tests too).
stop_sim_checked() {
	local rc=0
	kill -TERM "$SIM_PID"
	wait "$SIM_PID" || rc=$?
	if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T/sim.log"; then
		cat "$T/sim.log" >&2
		fail "sanitizer report from kurator-sim"
	fi
	[ $rc = 0 ] || fail "kurator-sim exited with status $rc"
}
