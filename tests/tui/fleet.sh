#!/usr/bin/env bash
# fleet.sh - the tree shows every cluster with its nodes, live: a
# deployment created with kubectl appears, its deletion disappears.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
tui_sim --clusters host,member1,member2 --nodes 2
k() { kubectl_at 30 "$@"; }

nodes=()
for c in host member1 member2; do
	for n in $(k --context "$c" get nodes -o name); do
		nodes+=("${n#node/}")
	done
done
[ "${#nodes[@]}" -ge 3 ] || fail "the simulator has too few nodes: ${nodes[*]}"
limit=$(tui_limit_ms)
start=$(date +%s%N)
tmux_start "$KURATOR" --kubeconfig "$KUBECONFIG_SIM"
for want in host member1 member2 "${nodes[@]}"; do
	left=$(( limit - ($(date +%s%N) - start) / 1000000 ))
	[ "$left" -gt 0 ] || fail "not on screen within $limit ms: $want"
	tmux_wait "$(( (left + 999) / 1000 ))" "$want"
done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed" -le "$limit" ] || fail "3 clusters and their nodes took ${elapsed} ms (> $limit)"
note "3 clusters and their nodes on screen after ${elapsed} ms"
screen=$(tmux_screen)
assert_contains "$screen" "nodes ready" "cluster rows carry node counts"

# Live: a deployment created on member1 appears in the tree (filtered to it).
tui_filter tuitest-web
k --context member1 create deployment tuitest-web --image=nginx:1.27 >/dev/null
tmux_wait 5 "default/tuitest-web"
line=$(tmux_screen | grep -F "default/tuitest-web")
assert_contains "$line" "Deployment" "the row says what it is"
# ... and becomes ready (1/1) when its pod does.
tmux_wait 10 "Deployment 1/1"
k --context member1 delete deployment tuitest-web >/dev/null
tmux_wait_gone 5 "default/tuitest-web"

# Esc clears the filter: every cluster is back.
tmux_send Escape
tmux_wait 2 "member2"
tui_quit q
exit 0
