#!/usr/bin/env bash
# theme.sh - `theme NAME` switches colours live (capture-pane -e shows the
# SGR codes); NO_COLOR leaves attributes only.
source "$TESTS_DIR/common.sh"
source "$TESTS_DIR/tui/tui_lib.sh"

tui_sim --clusters host
tui_start
tmux_wait 5 "host"
# default theme: the focused border is colour 39.
raw=$(tmux_raw)
assert_contains "$raw" "38;5;39" "default theme's focus colour"

tmux_send :
tmux_send -l "theme light"
tmux_send Enter
wait_until 5 bash -c "tmux -L $TMUX_SOCKET capture-pane -e -p -t t | grep -qF '48;5;231'" ||
	fail "theme light did not change the background: $(tmux_raw | head -3)"
raw=$(tmux_raw)
assert_not_contains "$raw" "38;5;39" "default's colours are gone"
# The key `t` cycles themes too (light -> mono: no colours at all).
tmux_send Escape
sleep 0.3   # a lone Escape is told from Meta-x by a short pause
tmux_send t
wait_until 5 bash -c "! tmux -L $TMUX_SOCKET capture-pane -e -p -t t | grep -qE '\[[0-9;]*(38|48);5;'" ||
	fail "mono theme still has colours"
# A user theme in $XDG_CONFIG_HOME/kurator/themes.
mkdir -p "$XDG_CONFIG_HOME/kurator/themes"
cat >"$XDG_CONFIG_HOME/kurator/themes/mine.yaml" <<'YAML'
name: mine
elements:
  normal: {fg: 226, bg: 52}
YAML
tmux_send :
tmux_send -l "theme mine"
tmux_send Enter
wait_until 5 bash -c "tmux -L $TMUX_SOCKET capture-pane -e -p -t t | grep -qF '48;5;52'" ||
	fail "user theme not applied"
tmux_send -l "theme nosuch"
tmux_send Enter
tmux_wait 5 "no theme 'nosuch'"
tmux_stop

# NO_COLOR: attributes only.
tmux_start NO_COLOR=1 "$KURATOR" --kubeconfig "$KUBECONFIG_SIM"
tmux_wait 5 "host"
raw=$(tmux_raw)
if grep -qE '\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]' <<<"$raw"; then
	fail "NO_COLOR output has colours"
fi
grep -qE '\[[0-9;]*7m|\[7m' <<<"$raw" || fail "NO_COLOR: no reverse video for the selection"
tui_quit
exit 0
