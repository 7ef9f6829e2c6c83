#!/usr/bin/env bash
# resize.sh - down to 80x24 and back: every pane still has its frame and
# title, the status line stays on the last row, typing still works.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host,member1
tui_start
tmux_wait 5 "member1"

check_layout() { # COLS ROWS
	local s last
	s=$(tmux_screen)
	for title in Fleet Details Metrics Logs Shell; do
		assert_contains "$s" "$title" "pane title at $1x$2"
	done
	[ "$(echo "$s" | wc -l)" -le "$2" ] || fail "more than $2 rows"
	last=$(echo "$s" | tail -n1)
	assert_contains "$last" "kurator" "status line on the last row at $1x$2"
	# No row is wider than the terminal (characters, not bytes).
	while IFS= read -r l; do
		[ "${#l}" -le "$1" ] || fail "row wider than $1: $l"
	done <<<"$s"
}

check_layout 120 40
for size in "80 24" "100 30" "80 24" "120 40"; do
	set -- $size
	tmux_resize "$1" "$2"
	wait_until 5 bash -c "[ \"\$(tmux -L $TMUX_SOCKET display -p -t t '#{window_width}x#{window_height}')\" = '$1x$2' ]"
	sleep 0.3
	check_layout "$1" "$2"
	tmux_wait 3 "member1"
done
# Too small for panes: a notice, and back again.
tmux_resize 30 8
tmux_wait 3 "too small"
tmux_resize 80 24
tmux_wait 3 "Fleet"
check_layout 80 24
# The shell still takes input after resizes.
tmux_send :
tmux_send -l "help"
tmux_send Enter
tmux_wait 5 "help"
tui_quit
exit 0
