#!/usr/bin/env bash
# logs.sh - `l` on a workload follows its pod's log in the logs pane: new
# lines arrive while it follows; `/` highlights matches (capture-pane -e).
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
tui_sim --clusters host
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
k() { kubectl_at 30 "$@"; }
k create deployment tuitest-log --image=nginx:1.27 >/dev/null
k wait --for=condition=Available deploy/tuitest-log --timeout=30s >/dev/null ||
	fail "deployment never Available"
pod=$(k get pods -l app=tuitest-log -o name | sed -n 1p)
pod=${pod#pod/}

tui_start
tui_filter tuitest-log
tmux_wait 5 "default/tuitest-log"
# The pods of a workload load on demand: retry `l` until the pane follows.
for i in $(seq 30); do
	tmux_send l
	screen_has "Logs: host default/$pod" && break
	sleep 0.2
done
tmux_wait 5 "Logs: host default/$pod [follow]"

# The logs pane (120x40 layout: rows 14-29, columns 50-118) fills and
# keeps moving while following.
logs_region() { tmux_screen | sed -n '14,29p' | cut -c50-118; }
wait_until 10 bash -c "[ -n \"\$(tmux -L $TMUX_SOCKET capture-pane -p -t t | sed -n '14,29p' | cut -c50-118 | tr -d ' ')\" ]" ||
	fail "no log lines: $(tmux_screen)"
first=$(logs_region)
wait_until 15 bash -c "[ \"\$(tmux -L $TMUX_SOCKET capture-pane -p -t t | sed -n '14,29p' | cut -c50-118)\" != \"\$1\" ]" _ "$first" ||
	fail "no new log lines while following"

# Wrap long lines (w) so every word is on screen, then search: a word from
# the log highlights in the match colour (bg 220).
tmux_send w
tmux_wait 3 "[wrap]"
word=$(k logs "$pod" --tail=20 | tr -cs 'A-Za-z' '\n' | awk 'length($0) >= 4' | tail -n1)
[ -n "$word" ] || fail "no word to search for in the pod's log"
tmux_send /
tmux_send -l "$word"
tmux_send Enter
tmux_wait 3 "/$word"
wait_until 5 bash -c "tmux -L $TMUX_SOCKET capture-pane -e -p -t t | grep -qF '48;5;220'" ||
	fail "search '$word' highlighted nothing"
# Jumping to a match stopped following; G follows again, f toggles it.
tmux_wait_gone 3 "[follow]"
tmux_send G
tmux_wait 3 "[follow]"
tmux_send f
tmux_wait_gone 3 "[follow]"
tui_quit
exit 0
