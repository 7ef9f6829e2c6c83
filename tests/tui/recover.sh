#!/usr/bin/env bash
# recover.sh - a cluster that goes away is shown unreachable (with why)
# and comes back by itself when its API server does.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sim_args=(--clusters host,member1 --port "$port" --state-dir "$T/simstate")
tui_sim "${sim_args[@]}"
tui_start
tmux_wait 5 "member1"
wait_until 5 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep member1 | grep -q 'nodes ready'" ||
	fail "member1 never connected: $(tmux_screen)"

kill -TERM "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
tmux_wait 10 "member1  unreachable"
tmux_wait 2 "host  unreachable"
# The UI stays responsive while the clusters are away.
tmux_send '?'
tmux_wait 2 "Keys"
tmux_send Escape

# Same addresses, same state: the tree recovers without any key.
"$KURATOR_SIM" "${sim_args[@]}" --ready-delay-ms 200 >>"$T/sim.log" 2>&1 &
SIM_PID=$!
TEST_PIDS+=("$SIM_PID")
tmux_wait_gone 15 "unreachable"
wait_until 10 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep member1 | grep -q 'nodes ready'" ||
	fail "member1 did not come back: $(tmux_screen)"
tui_quit
exit 0
