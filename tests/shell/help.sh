#!/bin/bash
# -h on every command and subcommand of the table: exit code 0, a usage
# line naming the command, the global options; `help CMD` prints the same.
source "$TESTS_DIR/common.sh"

cmds=$("$KURATOR" help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 15 ] || fail "help lists too few commands: $cmds"
for c in get apply delete logs describe clusters use demo history config install; do
	printf '%s\n' "$cmds" | grep -qx "$c" || fail "help does not list $c"
done
n=0
for c in $cmds; do
	out=$("$KURATOR" "$c" -h) || fail "$c -h exited $?"
	assert_contains "$out" "usage: kurator $c" "$c -h"
	assert_contains "$out" "--kubeconfig" "$c -h lists the global options"
	assert_eq "$out" "$("$KURATOR" help "$c")" "help $c equals $c -h"
	out2=$("$KURATOR" "$c" --help) || fail "$c --help exited $?"
	assert_eq "$out" "$out2" "$c --help"
	n=$((n + 1))
	subs=$(printf '%s\n' "$out" | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
	for sc in $subs; do
		sout=$("$KURATOR" "$c" "$sc" -h) || fail "$c $sc -h exited $?"
		assert_contains "$sout" "usage: kurator $c $sc" "$c $sc -h"
		n=$((n + 1))
	done
done
note "$n help texts"
# -h wins over other problems on the line, like kubectl
"$KURATOR" get --no-such-flag -h >/dev/null || fail "-h with a bad flag"
rc=0; "$KURATOR" help nosuch >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "help of an unknown command"
rc=0; "$KURATOR" >/dev/null 2>&1 </dev/null || rc=$?
assert_eq 2 "$rc" "no command and no terminal"
"$KURATOR" --help | grep -q "usage: kurator" || fail "kurator --help"
note "ok"
