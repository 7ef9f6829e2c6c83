#!/usr/bin/env bash
# wrap.sh - the shell pane wraps a long output line like a terminal, so
# the end of a long error (its hint) is on screen, and re-wraps on resize.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host
TMUX_COLS=80 TMUX_ROWS=24 tui_start
tmux_wait 5 "host"
tmux_send :
kind="nosuchkind-with-a-very-long-name-that-goes-on-past-the-pane-edge-ENDMARK"
tmux_send -l "get $kind"
tmux_send Enter
# The error names the kind; its last characters only fit on screen when
# the line wraps (the error line alone is wider than the 78-cell pane).
wait_until 5 bash -c "[ \$(tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -c 'ENDMARK') -ge 1 ]" ||
	fail "long lines are cut at the pane edge: $(tmux_screen)"
# Wider terminal: the same scrollback re-wraps, still whole.
tmux_resize 120 30
wait_until 5 bash -c "[ \$(tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -c 'ENDMARK') -ge 1 ]" ||
	fail "not re-wrapped after resize: $(tmux_screen)"
tui_quit
exit 0
