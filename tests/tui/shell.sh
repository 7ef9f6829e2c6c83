#!/usr/bin/env bash
# shell.sh - the shell pane is the readline shell: same commands, same
# completion (matches listed in the pane), history with Up, Ctrl-C clears
# the line, output of a command lands in the pane.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host
tui_start
tmux_wait 5 "host"
tmux_send :
tmux_send -l "ge"
tmux_send Tab
tmux_wait 3 "kurator(host)> get "
tmux_send C-u
tmux_send -l "de"
tmux_send Tab Tab
tmux_wait 3 "describe"
screen_has "delete" || fail "completion list: $(tmux_screen | tail -6)"
tmux_send C-u
tmux_send -l "get nodes"
tmux_send Enter
# The tree shows host-control-plane already: wait for the table's header,
# which only the command's output has.
tmux_wait 10 "ROLES"
screen_has "NAME" || fail "no table header: $(tmux_screen | tail -6)"
tmux_send Up
tmux_wait 3 "kurator(host)> get nodes"
tmux_send C-c
wait_until 3 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -qE 'kurator\(host\)> +│'" ||
	fail "C-c did not clear the line: $(tmux_screen | tail -4)"
# An unknown command is one clear error line, and the shell goes on.
tmux_send -l "frobnicate"
tmux_send Enter
tmux_wait 3 "frobnicate"
wait_until 3 bash -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -qi 'error'" ||
	fail "no error for an unknown command: $(tmux_screen | tail -5)"
tui_quit
exit 0
