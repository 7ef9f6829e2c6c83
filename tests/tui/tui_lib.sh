# tui_lib.sh - helpers for the TUI's tmux-driven tests (sourced after
# tests/common.sh).

# tmux_raw: capture with colours (SGR escapes), as `capture-pane -e`.
tmux_raw() { tmux -L "$TMUX_SOCKET" capture-pane -e -p -t t; }
tmux_resize() { tmux -L "$TMUX_SOCKET" resize-window -t t -x "$1" -y "$2"; }
# The process running in the tmux pane's shell (kurator itself).
tmux_child_pid() {
	local ppid
	ppid=$(tmux -L "$TMUX_SOCKET" display -p -t t '#{pane_pid}')
	ps -o pid= --ppid "$ppid" | sed -n 1p | tr -d ' '
}
# tui_sim ARGS...: a simulator whose workloads become ready quickly.
tui_sim() {
	start_sim --ready-delay-ms 200 "$@"
}
# tui_start [ENV=VAL...]: the TUI on the simulator's kubeconfig.
tui_start() {
	tmux_start "$@" "$KURATOR" --kubeconfig "$KUBECONFIG_SIM"
	tmux_wait 5 "Fleet"
}
# tui_filter TEXT: focus the tree (from any pane but the shell) and filter it.
tui_filter() {
	tmux_send 1
	tmux_send /
	tmux_send -l "$1"
	tmux_send Enter
}
# Lines of the screen that mention TEXT (for messages).
screen_has() { [[ "$(tmux_screen)" == *"$1"* ]]; }
# tmux_stop: end the tmux server and wait until it is gone (a new one on
# the same socket must not race the old one's exit).
tmux_stop() {
	tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
	wait_until 5 bash -c "! tmux -L $TMUX_SOCKET ls" || true
	sleep 0.1
	TMUX_SOCKET=""
}
# tui_quit: quit with q (or the given key) and fail on sanitizer reports
# in kurator's stderr (ASan/UBSan builds).
tui_quit() {
	local key=${1:-q}
	tmux_send Escape
	sleep 0.3
	tmux_send 1
	tmux_send "$key"
	wait_until 10 bash -c "[ \"\$(tmux -L $TMUX_SOCKET display -p -t t '#{pane_current_command}')\" = sleep ]" ||
		fail "kurator did not exit on $key"
	tui_check_stderr
}
tui_check_stderr() {
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/tui-stderr.log" 2>/dev/null; then
		cat "$T/tui-stderr.log" >&2
		fail "sanitizer report from kurator"
	fi
}
# The "within 2 s" acceptance bound; sanitizer builds run several times
# slower, so they get three times as long (the plain build keeps 2 s).
tui_limit_ms() {
	case "$(ldd "$KURATOR" 2>/dev/null)" in
	*libasan*) echo 6000 ;;
	*) echo 2000 ;;
	esac
}
