#!/bin/bash
# `kurator shell` in tmux against kurator-sim: Tab completion of commands,
# a namespace and a pod name, history recall with Up (and kept, redacted,
# 0600 across runs), Ctrl-C cancelling `logs -f` but not the shell, a bad
# command's one-line error, exit.
source "$TESTS_DIR/common.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
start_sim --clusters host --ready-delay-ms 0
kubectl_at 30 create namespace zebra-team >/dev/null
kubectl_at 30 -n zebra-team create deployment quokka --image=nginx --replicas=1 >/dev/null
wait_until 20 sh -c "$KURATOR --kubeconfig $KUBECONFIG_SIM get pods -n zebra-team -o name | grep -q quokka" ||
	fail "pod did not start"
pod=$("$KURATOR" --kubeconfig "$KUBECONFIG_SIM" get pods -n zebra-team -o name | head -1)
pod=${pod#pod/}

tmux_start "$KURATOR" --kubeconfig "$KUBECONFIG_SIM" shell
tmux_wait 10 "kurator host>"

# a command by prefix completion, then a namespace: "zeb" is unique
tmux_send 'desc' Tab
tmux_wait 5 "kurator host> describe"
tmux_send C-u
tmux_send 'get pods -n zeb' Tab
tmux_wait 5 "get pods -n zebra-team"
tmux_send Enter
tmux_wait 10 "$pod"
tmux_wait 5 "Running"

# a kind from discovery, and a flag
tmux_send 'get deploym' Tab
tmux_wait 5 "kurator host> get deployments"
tmux_send -- '--all-n' Tab
tmux_wait 5 "get deployments --all-namespaces"
tmux_send Enter
tmux_wait 10 "quokka"
tmux_send C-u

# a pod name: "quo" completes to the generated name
tmux_send 'logs -n zebra-team quo' Tab
tmux_wait 5 "logs -n zebra-team $pod"
tmux_send C-u

# history: Up brings back the last line
tmux_send 'use --namespace zebra-team' Enter
tmux_wait 5 "using host, namespace zebra-team"
tmux_wait 5 "kurator host/zebra-team>"
tmux_send Up
tmux_wait 5 "kurator host/zebra-team> use --namespace zebra-team"
tmux_send C-u

# logs -f streams until Ctrl-C, which cancels the command, not the shell
tmux_send "logs -f --tail 1 $pod" Enter
tmux_wait 10 "HTTP/1.1"
before=$(tmux_screen | grep -c "HTTP/1.1" || true)
tmux_send C-c
tmux_wait 5 "kurator host/zebra-team> "
sleep 0.5
last=$(tmux_screen | grep -v '^$' | tail -1)
assert_contains "$last" "kurator host/zebra-team>" "prompt back after Ctrl-C"
n1=$(tmux_screen | grep -c "HTTP/1.1" || true)
sleep 1.2
n2=$(tmux_screen | grep -c "HTTP/1.1" || true)
assert_eq "$n1" "$n2" "log lines kept coming after Ctrl-C"
[ "$n1" -ge "$before" ] || fail "screen lost lines"

# Ctrl-C at the prompt clears the line and keeps the shell
tmux_send 'get something-half-typed'
tmux_send C-c
tmux_send 'help' Enter
tmux_wait 5 "Commands:"

# a bad command: one clear error line, the shell goes on
tmux_send 'frobnicate now' Enter
tmux_wait 5 'error: unknown command "frobnicate"'
tmux_send 'get pods -o nonsense' Enter
tmux_wait 5 'error: invalid value "nonsense" for --output (try: --output json|yaml|name|wide)'

# a secret typed as a flag never reaches the history file
tmux_send 'get pods --token=s3cr3t-value' Enter
tmux_wait 5 "unknown flag: --token"
tmux_send 'exit' Enter
wait_until 5 test -s "$XDG_STATE_HOME/kurator/history" || fail "no history file"
hist=$(cat "$XDG_STATE_HOME/kurator/history")
assert_contains "$hist" "use --namespace zebra-team"
assert_contains "$hist" "--token=<redacted>"
assert_not_contains "$hist" "s3cr3t-value"
assert_eq 600 "$(stat -c %a "$XDG_STATE_HOME/kurator/history")" "history file mode"

# the history survives into the next shell
tmux -L "$TMUX_SOCKET" respawn-pane -k -t t "env TERM=tmux-256color LANG=C.UTF-8 HOME=$HOME \
XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME \
$KURATOR --kubeconfig $KUBECONFIG_SIM shell 2>>$T/tui-stderr.log; sleep 600"
tmux_wait 10 "kurator host>"
tmux_send Up Up
tmux_wait 5 "kurator host> get pods --token=<redacted>"
tmux_send Up Up
tmux_wait 5 "kurator host> frobnicate now"
tmux_send C-u 'exit' Enter
sleep 1
# the sanitizer build reports leaks and UB on exit
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T/tui-stderr.log"; then
	cat "$T/tui-stderr.log" >&2
	fail "sanitizer report from kurator shell"
fi
note "ok"
