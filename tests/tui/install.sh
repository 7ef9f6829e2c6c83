#!/usr/bin/env bash
# install.sh - `install volcano` typed in the shell pane shows progress
# and ends with Volcano ready in the tree; the wizard does the same on a
# second cluster.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

[ -d "$MANIFESTS" ] || skip "no upstream manifests at $MANIFESTS"
tui_sim --clusters host,member1
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
export KURATOR_MIRROR=$MANIFESTS
tmux_start KURATOR_MIRROR="$MANIFESTS" "$KURATOR" --kubeconfig "$KUBECONFIG_SIM"
tmux_wait 5 "member1"

# 1. The shell pane.
tmux_send :
tmux_send -l "install volcano --context host"
tmux_send Enter
# Progress shows (in the shell pane and the logs pane) while it runs ...
tmux_wait 20 "volcano"
wait_until 20 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -qE 'applied|waiting|\[[0-9]+/[0-9]+\]'" ||
	fail "no progress on screen: $(tmux_screen)"
# ... and ends with the component ready in host's Components section.
wait_until 120 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -E 'volcano' | grep -qw ready" ||
	fail "volcano never ready in the tree: $(tmux_screen)"

# 2. The wizard, for member1: select something of member1, press i (the
# wizard ticks the selected cluster).
tmux_send Escape
sleep 0.3
tui_filter member1
sleep 0.3
tmux_send i
tmux_wait 5 "1 component"
for i in $(seq 10); do
	screen_has "> volcano" && break
	tmux_send j
	sleep 0.1
done
tmux_wait 2 "> volcano"
tmux_send Enter            # component
tmux_wait 3 "2 targets"
tmux_send Enter            # targets: member1 ticked (the selection)
tmux_send Enter            # version: the default
tmux_send Enter            # options: defaults
tmux_wait 5 "install volcano --version"
screen_has "--clusters member1" || fail "wizard targets: $(tmux_screen)"
tmux_send Enter            # confirm
tmux_wait_gone 5 "1 component"
tmux_send 1
tmux_send Escape           # clear the filter: every component row shows
wait_until 120 bash -c "[ \$(tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -E 'volcano' | grep -cw ready) -ge 2 ]" ||
	fail "volcano never ready on member1: $(tmux_screen)"
tui_quit
exit 0
