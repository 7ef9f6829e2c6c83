#!/usr/bin/env bash
# nodemetrics.sh - selecting a node in the tree turns the metrics pane to
# that node: title "Metrics: NODE" and its CPU and memory usage (from
# metrics.k8s.io NodeMetrics) against its allocatable capacity.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host
tui_start
tmux_wait 5 "host-control-plane"
tmux_wait 5 "Metrics: host"
# Cluster selected: no node usage line yet.
screen_has "Metrics: host-contr" && fail "node metrics before a node is selected"
# host -> Nodes -> host-control-plane
tmux_send Down
tmux_send Down
tmux_wait 5 "Metrics: host-contr"   # the title is cut at the pane width
# Usage comes from the metrics poller: a non-zero reading, then capacity.
wait_until 10 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -qE 'cpu [1-9][0-9]*m / [1-9][0-9]*m'" ||
	fail "no node CPU usage: $(tmux_screen)"
wait_until 10 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -qE 'mem [1-9][0-9]*Mi / [1-9][0-9]*Mi'" ||
	fail "no node memory usage: $(tmux_screen)"
# Back to the cluster: the title follows the selection.
tmux_send Up
tmux_send Up
tmux_wait 5 "Metrics: host "
tui_quit
exit 0
