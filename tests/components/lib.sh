# tests/components/lib.sh - helpers for the component tests (sourced after
# tests/common.sh).

# The distribution's python3 starts in a fraction of the time a version
# manager's shim takes.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

# kurator against the simulator, artifacts from the shared mirror.
kur() {
	KUBECONFIG="$KUBECONFIG_SIM" KURATOR_MIRROR="$MANIFESTS" "$KURATOR" "$@"
}

# The cluster's objects as stable JSON lines "apiVersion kind ns/name
# resourceVersion content-hash", without Events (they are history, not
# state) and without Leases (heartbeats).
state_dump() { # CONTEXT OUT
	kubectl_at 30 --context "$1" get --raw /debug/state.json >"$T/raw.json" ||
		fail "cannot read the state dump of $1"
	$PY - "$T/raw.json" >"$2" <<'PY'
import hashlib, json, sys
objs = json.load(open(sys.argv[1]))
if isinstance(objs, dict) and "items" in objs:
    objs = objs["items"]
for o in objs:
    kind = o.get("kind", "")
    if kind in ("Event", "Lease"):
        continue
    md = o.get("metadata", {})
    body = json.dumps(o, sort_keys=True).encode()
    print(o.get("apiVersion"), kind, "%s/%s" % (md.get("namespace", ""), md.get("name")),
          md.get("resourceVersion"), hashlib.sha256(body).hexdigest()[:16])
PY
}

# Identities only (for comparing clusters where resourceVersions moved on).
state_names() { # DUMP
	awk '{print $1, $2, $3}' "$1" | sort
}

assert_same_state() { # A B WHAT
	if ! diff -u "$1" "$2" >"$T/state.diff"; then
		head -n 40 "$T/state.diff" >&2
		fail "$3"
	fi
}

# Wait until kurator-sim has settled (nothing changes for a while).
settle() { # CONTEXT
	local prev="" cur i
	for i in $(seq 60); do
		state_dump "$1" "$T/settle.txt"
		cur=$(sha256sum <"$T/settle.txt")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.3
	done
	fail "the cluster kept changing"
}
