# tests/common.sh - sourced by every integration test (bash).
#
# Gives each test a private temp dir, HOME and XDG dirs, starts servers on
# loopback and stops every process it started, by PID, on exit. Exit code 77
# tells meson the test was skipped.
set -euo pipefail

: "${KURATOR:?KURATOR must point at the kurator binary}"
: "${KURATOR_SIM:?KURATOR_SIM must point at the kurator-sim binary}"
MANIFESTS=${MANIFESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/../shared/manifests}

T=$(mktemp -d "${TMPDIR:-/tmp}/kurator-test.XXXXXX")
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
export XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset KUBECONFIG NO_COLOR
export LANG=C.UTF-8 TZ=UTC

TEST_PIDS=()
TMUX_SOCKET=""

test_cleanup() {
	local rc=$? pid i
	if [ -n "$TMUX_SOCKET" ]; then
		tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
	fi
	for pid in "${TEST_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${TEST_PIDS[@]}"; do
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 40 lines)" >&2
			tail -n 40 "$f" >&2
		done
	fi
	rm -rf "$T"
	exit $rc
}
trap test_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "# $*"; }

assert_eq() { # expected actual [what]
	[ "$1" == "$2" ] || fail "${3:-values differ}: expected '$1', got '$2'"
}
assert_contains() { # haystack needle [what]
	[[ "$1" == *"$2"* ]] || fail "${3:-missing text}: '$2' not in: $1"
}
assert_not_contains() {
	[[ "$1" != *"$2"* ]] || fail "${3:-unexpected text}: '$2' found in: $1"
}

# wait_until TIMEOUT_S COMMAND...: retry until the command succeeds.
wait_until() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	until "$@" >/dev/null 2>&1; do
		[ $(( $(date +%s%N) / 1000000 )) -lt $end ] || return 1
		sleep 0.1
	done
}

# start_sim [kurator-sim args...]: start a simulator, wait for its
# kubeconfig, export KUBECONFIG_SIM. Default clusters: host.
start_sim() {
	local kc="$T/sim.kubeconfig"
	rm -f "$kc"
	"$KURATOR_SIM" --kubeconfig-out "$kc" "$@" >"$T/sim.log" 2>&1 &
	SIM_PID=$!
	TEST_PIDS+=("$SIM_PID")
	wait_until 20 test -s "$kc" || fail "kurator-sim did not write $kc"
	KUBECONFIG_SIM=$kc
}

# kubectl for a given minor version (default: the dispatcher's choice).
KUBECTL_DIR=/usr/lib/google-cloud-sdk/bin
have_kubectl() { [ -x "$KUBECTL_DIR/kubectl.1.${1:-30}" ]; }
kubectl_at() { # MINOR args...
	local minor=$1; shift
	"$KUBECTL_DIR/kubectl.1.$minor" --kubeconfig "$KUBECONFIG_SIM" "$@"
}

# ---- tmux driving (TUI and shell tests) -------------------------------
tmux_start() { # COMMAND... ; runs it in a 120x40 session named "t"
	command -v tmux >/dev/null || skip "tmux not installed"
	TMUX_SOCKET="kurator-test-$$"
	tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -s t -x "${TMUX_COLS:-120}" -y "${TMUX_ROWS:-40}" \
		"env TERM=tmux-256color LANG=C.UTF-8 HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME $* 2>>$T/tui-stderr.log; sleep 600"
}
tmux_send() { tmux -L "$TMUX_SOCKET" send-keys -t t "$@"; }
tmux_screen() { tmux -L "$TMUX_SOCKET" capture-pane -p -t t "$@"; }
# tmux_wait TIMEOUT_S TEXT: wait until TEXT (fixed string) is on screen.
tmux_wait() {
	local limit=$1 text=$2
	local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	while :; do
		tmux_screen | grep -qF -- "$text" && return 0
		[ $(( $(date +%s%N) / 1000000 )) -lt $end ] || break
		sleep 0.1
	done
	echo "---- screen while waiting for '$text':" >&2
	tmux_screen >&2 || true
	fail "timed out waiting for '$text' on screen"
}
tmux_wait_gone() {
	local limit=$1 text=$2
	local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	while tmux_screen | grep -qF -- "$text"; do
		[ $(( $(date +%s%N) / 1000000 )) -lt $end ] || { tmux_screen >&2; fail "'$text' still on screen"; }
		sleep 0.1
	done
}
