#!/usr/bin/env bash
# demo.sh - `kurator demo` on a terminal: the simulator starts in the
# background and the TUI shows its 3 clusters with their nodes within 2 s.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

demo_dir="$XDG_STATE_HOME/kurator/demo"
demo_cleanup() {
	local rc=$?
	# The demo's simulator outlives kurator by design: stop it by its PID.
	if [ -s "$demo_dir/sim.pid" ]; then
		TEST_PIDS+=("$(cat "$demo_dir/sim.pid")")
	fi
	set +e          # (exit $rc) must not end the handler under set -e
	(exit $rc)
	test_cleanup
}
trap demo_cleanup EXIT

tmux_start KURATOR_SIM="$KURATOR_SIM" "$KURATOR" demo
tmux_wait 30 "Fleet"
limit=$(tui_limit_ms)
start=$(date +%s%N)
for want in host member1 member2; do
	tmux_wait $(( limit / 1000 )) "$want"
done
KUBECONFIG_SIM="$demo_dir/kubeconfig"
[ -s "$KUBECONFIG_SIM" ] || fail "no demo kubeconfig at $KUBECONFIG_SIM"
# Every cluster's node count reaches its total (N/N nodes ready, N > 0).
wait_until $(( limit / 1000 )) bash -c "[ \$(tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -cE '(host|member1|member2) .* ([1-9][0-9]*)/\\2 nodes ready') = 3 ]" ||
	fail "clusters without their nodes: $(tmux_screen | head -20)"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
note "3 clusters with their nodes ${elapsed} ms after the TUI opened"
[ "$elapsed" -le "$limit" ] || fail "took ${elapsed} ms (> $limit ms)"
# The demo's edge pool shows as its own section.
tmux_wait 2 "Edge nodes ("
if have_kubectl 30; then
	for c in host member1 member2; do
		n=$(kubectl_at 30 --context "$c" get nodes -o name | sed -n 1p)
		tmux_wait 2 "${n#node/}"
	done
fi
tui_quit
tmux_stop

# `demo` typed in the TUI's shell: the fleet follows the session to the
# demo's kubeconfig (from a one-cluster simulator to the demo's three).
tui_sim --clusters solo
tui_start
tmux_wait 5 "solo"
tmux_send :
tmux_send -l "demo"
tmux_send Enter
tmux_wait 10 "member2"
tmux_wait_gone 5 "solo  v"   # its tree row (the shell keeps the old prompt)
tui_quit
tmux_stop
"$KURATOR" demo stop >/dev/null
exit 0
