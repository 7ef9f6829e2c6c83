#!/usr/bin/env bash
# keys.sh - k9s-like keys: ? help lists the bindings, Tab/Shift-Tab and
# : move focus, hjkl and Enter move in the tree; Ctrl-C quits and the
# terminal is restored, as after SIGTERM.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host,member1
cat >"$T/run.sh" <<EOF2
#!/bin/sh
"$KURATOR" --kubeconfig "$KUBECONFIG_SIM"
echo "rc=\$?"
stty -a > "$T/stty.txt"
echo DONE
EOF2
chmod +x "$T/run.sh"
stty_ok() {
	wait_until 5 test -s "$T/stty.txt" || fail "no stty output after exit"
	grep -qE '(^| )icanon( |$)' "$T/stty.txt" || fail "terminal left without icanon: $(cat "$T/stty.txt")"
	grep -qE '(^| )echo( |$)' "$T/stty.txt" || fail "terminal left without echo"
	rm -f "$T/stty.txt"
}

tmux_start "$T/run.sh"
tmux_wait 5 "member1"
tmux_send '?'
tmux_wait 3 "Keys"
for want in "focus shell" "cursor-down" "theme next"; do
	tmux_wait 2 "$want"
done
# The list scrolls: the logs table is further down.
tmux_send Space
tmux_wait 2 "search-next"
tmux_send Escape
tmux_wait_gone 3 "Keys ("
# Tree navigation: j moves to the next row, Enter collapses a section.
tmux_send j
tmux_send Enter
tmux_send k
tmux_send Enter
tmux_wait 3 "Nodes ("
# Tab cycles focus (the focused title is highlighted: check the shell
# takes keys after : and leaves with Escape).
tmux_send :
tmux_send -l "clusters"
tmux_send Escape
sleep 0.3
tmux_send Tab
tmux_send Tab
tmux_send BTab
# Ctrl-C quits from the tree and restores the terminal.
tmux_send 1
tmux_send C-c
tmux_wait 5 "DONE"
tmux_wait 1 "rc=0"
stty_ok
tui_check_stderr
tmux_stop

# SIGTERM: the terminal is restored too.
tmux_start "$T/run.sh"
tmux_wait 5 "member1"
pid=$(tmux_child_pid)
pid=$(ps -o pid= --ppid "$pid" | sed -n 1p | tr -d ' ')
[ -n "$pid" ] || fail "cannot find kurator's pid"
kill -TERM "$pid"
tmux_wait 5 "DONE"
stty_ok
tui_check_stderr
exit 0
