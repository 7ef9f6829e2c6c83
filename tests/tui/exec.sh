#!/usr/bin/env bash
# exec.sh - in the TUI an exec credential plugin never gets the terminal:
# a plugin with interactiveMode IfAvailable is run non-interactively
# (KUBERNETES_EXEC_INFO says "interactive":false) and its token connects.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host
mkdir -p "$T/bin"
python3 - "$KUBECONFIG_SIM" "$T" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1])); t = sys.argv[2]
users = {u["name"]: u["user"] for u in d["users"]}
tok = open(t + "/token", "w"); tok.write(users["host-token"]["token"]); tok.close()
c = d["clusters"][0]
cfg = {"apiVersion": "v1", "kind": "Config", "current-context": "host",
       "clusters": [c],
       "users": [{"name": "plugin", "user": {"exec": {
           "apiVersion": "client.authentication.k8s.io/v1",
           "command": t + "/bin/cred", "interactiveMode": "IfAvailable"}}}],
       "contexts": [{"name": "host", "context": {"cluster": c["name"], "user": "plugin"}}]}
yaml.safe_dump(cfg, open(t + "/exec.kubeconfig", "w"))
PY
chmod 600 "$T/token" "$T/exec.kubeconfig"
cat > "$T/bin/cred" <<'SH'
#!/bin/sh
d=$(cd "$(dirname "$0")/.." && pwd)
printf '%s\n' "$KUBERNETES_EXEC_INFO" >> "$d/plugin-runs"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat "$d/token")"
SH
chmod +x "$T/bin/cred"

tmux_start "$KURATOR" --kubeconfig "$T/exec.kubeconfig"
tmux_wait 5 "Fleet"
# Connected with the plugin's token: the node only the API can list.
tmux_wait 10 "host-control-plane"
[ -s "$T/plugin-runs" ] || fail "the plugin never ran"
grep -q '"interactive": *false' "$T/plugin-runs" ||
	fail "the plugin was offered the terminal: $(cat "$T/plugin-runs")"
if grep -q '"interactive": *true' "$T/plugin-runs"; then
	fail "some plugin run was interactive: $(cat "$T/plugin-runs")"
fi
tui_quit
exit 0
