#!/bin/bash
# config-vs-kubectl.sh - `kurator config get-contexts|view|current-context|
# use-context` against kubectl 1.30 on the same kubeconfig files: merged
# lists with a missing file and names defined twice, exec plugins, token
# files, inline certificates, relative paths, insecure clusters, an
# explicit --kubeconfig and the default ~/.kube/config.
source "$TESTS_DIR/common.sh"

have_kubectl 30 || skip "kubectl 1.30 not installed"
command -v openssl >/dev/null || skip "openssl not installed"
KUBECTL="$KUBECTL_DIR/kubectl.1.30"

W="$T/w"
mkdir -p "$W/pki" "$W/bin" "$W/team/secrets" "$W/nested"
cd "$W"

# Certificates made here, for this test only.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=test-ca -keyout pki/ca.key -out pki/ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/O=system:masters/CN=admin" \
	-keyout pki/admin.key -out pki/admin.csr 2>/dev/null
openssl x509 -req -in pki/admin.csr -CA pki/ca.crt -CAkey pki/ca.key -CAcreateserial -days 2 \
	-out pki/admin.crt 2>/dev/null
b64() { base64 -w0 "$1"; }
echo "file-token-abc" > team/secrets/token

cat > bin/plug <<'EOF'
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin"}}'
EOF
chmod +x bin/plug

# 1: clusters, users and contexts with inline certificates and a relative CA
cat > one.yaml <<EOF
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
    tls-server-name: api.prod
- name: shared
  cluster:
    server: https://first.example:6443
    certificate-authority-data: $(b64 pki/ca.crt)
users:
- name: admin
  user:
    client-certificate-data: $(b64 pki/admin.crt)
    client-key-data: $(b64 pki/admin.key)
- name: shared-user
  user:
    token: first-token
contexts:
- name: prod
  context: {cluster: prod, user: admin, namespace: web}
- name: shared
  context: {cluster: shared, user: shared-user}
EOF

# 2: current-context, the same names again (the first file must win),
# an insecure cluster with a proxy, basic auth
cat > two.yaml <<EOF
apiVersion: v1
kind: Config
current-context: shared
clusters:
- name: shared
  cluster:
    server: https://second.example:6443
    insecure-skip-tls-verify: true
- name: lab
  cluster:
    server: https://lab.example:6443
    insecure-skip-tls-verify: true
    proxy-url: http://proxy.example:3128
users:
- name: shared-user
  user:
    token: second-token
- name: basic
  user:
    username: bob
    password: hunter2
contexts:
- name: shared
  context: {cluster: lab, user: basic}
- name: lab
  context: {cluster: lab, user: basic, namespace: "<&>"}
EOF

# 3: exec plugins (relative and PATH-based, v1 and v1beta1), a token file and
# client cert files, all with paths relative to this file in team/
cat > team/three.yaml <<EOF
apiVersion: v1
kind: Config
current-context: edge
clusters:
- name: edge
  cluster:
    server: https://edge.example:443/prefix
    certificate-authority: ../pki/ca.crt
users:
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ../bin/plug
      args: [token, --cluster, edge]
      env:
      - {name: PLUGIN_MODE, value: fast}
      interactiveMode: Never
      provideClusterInfo: true
      installHint: see the team wiki
- name: beta
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: some-plugin
- name: from-file
  user:
    tokenFile: secrets/token
- name: certs
  user:
    client-certificate: ../pki/admin.crt
    client-key: ../pki/admin.key
contexts:
- name: edge
  context: {cluster: edge, user: plugin}
- name: edge-beta
  context: {cluster: edge, user: beta}
- name: edge-file
  context: {cluster: edge, user: from-file, namespace: ops}
- name: edge-certs
  context: {cluster: edge, user: certs}
EOF

# 4: nothing but a context pointing at names defined elsewhere
cat > nested/four.yaml <<EOF
contexts:
- name: a-context-with-a-rather-long-name
  context: {cluster: prod, user: nobody}
EOF

compare() { # what args...: stdout byte for byte, success alike, kubectl's error message kept
	local what=$1; shift
	local rk=0 rr=0 msg
	local o=${CMP_DIR:-$T}
	"$KUBECTL" "$@" > "$o/k.out" 2> "$o/k.err" || rk=$?
	"$KURATOR" "$@" > "$o/r.out" 2> "$o/r.err" || rr=$?
	if ! cmp -s "$o/k.out" "$o/r.out"; then
		diff "$o/k.out" "$o/r.out" >&2 || true
		fail "$what: kurator $* prints other bytes than kubectl (KUBECONFIG=${KUBECONFIG:-})"
	fi
	[ "$rk" = 0 ] || [ "$rr" != 0 ] || fail "$what: kubectl failed ($rk), kurator did not"
	[ "$rr" = 0 ] || [ "$rk" != 0 ] || fail "$what: kurator failed ($rr): $(cat "$o/r.err")"
	while IFS= read -r msg; do
		msg=${msg#error: }
		[ -z "$msg" ] || assert_contains "$(cat "$o/r.err")" "$msg" "$what: error message"
	done < "$o/k.err"
}

shapes=(
	"one.yaml:missing.yaml:two.yaml"          # merged, missing file, names defined twice
	"two.yaml:one.yaml"                       # same files, other order: other winners
	"team/three.yaml"                         # exec plugins, token file, relative paths
	"nested/four.yaml:team/three.yaml:$W/one.yaml:one.yaml"  # relative and absolute, repeated
	"two.yaml"                                # insecure, basic auth, escaped namespace
	"missing.yaml:also-missing.yaml"          # nothing at all
)
# kubectl takes a while to start: the shapes run side by side
check_shape() { # KUBECONFIG
	export KUBECONFIG="$1"
	compare "get-contexts" config get-contexts
	compare "get-contexts -o name" config get-contexts -o name
	compare "view json" config view -o json
	compare "view json raw" config view -o json --raw
	compare "view json minify" config view -o json --minify
	compare "view json raw minify" config view -o json --raw --minify
	compare "view json flatten" config view -o json --flatten
	compare "current-context" config current-context
	# kubectl's YAML (sorted keys, its quoting) byte for byte too
	compare "view yaml" config view
	compare "view yaml raw minify" config view --raw --minify
}
pids=()
for i in "${!shapes[@]}"; do
	mkdir -p "$T/shape$i"
	(CMP_DIR="$T/shape$i" check_shape "${shapes[$i]}") &
	pids+=("$!")
done
for i in "${!shapes[@]}"; do
	wait "${pids[$i]}" || fail "KUBECONFIG=${shapes[$i]}: kurator and kubectl disagree (see above)"
	note "KUBECONFIG=${shapes[$i]}: same output"
done

# named contexts, some missing: rows for the ones found, then the error
export KUBECONFIG="one.yaml:two.yaml"
compare "get-contexts names" config get-contexts prod nope
compare "get-contexts --no-headers" config get-contexts --no-headers shared
unset KUBECONFIG

# explicit --kubeconfig is used alone
compare "explicit view" config view -o json --kubeconfig team/three.yaml
compare "explicit get-contexts" config get-contexts --kubeconfig two.yaml
compare "explicit missing file" config get-contexts --kubeconfig nothing-here.yaml
compare "minify follows --context" config view -o json --minify --context lab --kubeconfig two.yaml

# default ~/.kube/config
mkdir -p "$HOME/.kube"
cp two.yaml "$HOME/.kube/config"
compare "default view" config view -o json --raw
compare "default get-contexts" config get-contexts

# --flatten when a named file is missing: both refuse, naming it
export KUBECONFIG="one.yaml"
mv pki/ca.crt pki/ca.crt.away
compare "flatten with a missing file" config view --flatten
mv pki/ca.crt.away pki/ca.crt
unset KUBECONFIG

# a file that does not parse: both fail, kurator names the file and line
printf 'clusters:\n- name: x\n  cluster: {server: a\n' > bad.yaml
out=$(KUBECONFIG=one.yaml:bad.yaml "$KURATOR" config view 2>&1) && fail "bad.yaml accepted"
[[ "$out" =~ bad\.yaml:[0-9]+:[0-9]+: ]] || fail "parse error without file:line:column: $out"
KUBECONFIG=one.yaml:bad.yaml "$KUBECTL" config view >/dev/null 2>&1 && fail "kubectl accepted bad.yaml"

# use-context writes the same file kubectl writes, and nothing else
use_case() { # KUBECONFIG CONTEXT [explicit]
	local list=$1 ctx=$2 expl=${3:-} d
	for d in k r; do
		rm -rf "$T/use-$d"
		mkdir -p "$T/use-$d"
		cp -r one.yaml two.yaml team nested bin pki "$T/use-$d/"
	done
	(cd "$T/use-k" && KUBECONFIG=$list "$KUBECTL" config use-context "$ctx" ${expl:+--kubeconfig "$expl"}) > "$T/use-k.out" 2>&1 \
		|| fail "kubectl use-context $ctx: $(cat "$T/use-k.out")"
	(cd "$T/use-r" && KUBECONFIG=$list "$KURATOR" config use-context "$ctx" ${expl:+--kubeconfig "$expl"}) > "$T/use-r.out" 2>&1 \
		|| fail "kurator use-context $ctx: $(cat "$T/use-r.out")"
	assert_eq "$(cat "$T/use-k.out")" "$(cat "$T/use-r.out")" "use-context message"
	for f in one.yaml two.yaml team/three.yaml nested/four.yaml; do
		if cmp -s "$W/$f" "$T/use-k/$f"; then
			cmp -s "$W/$f" "$T/use-r/$f" || fail "use-context $ctx ($list): kurator changed $f, kubectl did not"
		else
			cmp -s "$W/$f" "$T/use-r/$f" && fail "use-context $ctx ($list): kubectl changed $f, kurator did not"
			[ "$(stat -c %a "$T/use-r/$f")" = 600 ] || fail "use-context left $f with mode $(stat -c %a "$T/use-r/$f")"
		fi
	done
	(cd "$T/use-k" && KUBECONFIG=$list "$KUBECTL" config view -o json --raw ${expl:+--kubeconfig "$expl"}) > "$T/k.json"
	(cd "$T/use-r" && KUBECONFIG=$list "$KURATOR" config view -o json --raw ${expl:+--kubeconfig "$expl"}) > "$T/r.json"
	cmp -s "$T/k.json" "$T/r.json" || { diff "$T/k.json" "$T/r.json" >&2; fail "view after use-context $ctx differs"; }
}
use_case "one.yaml:two.yaml" prod                    # the first file, though two.yaml set current-context
use_case "missing.yaml:nested/four.yaml:one.yaml" prod   # the first file that exists
use_case "one.yaml:team/three.yaml" edge-file        # team/three.yaml sets it
use_case "one.yaml" lab two.yaml                     # explicit file

# an unknown context: both refuse with the same message, nothing written
export KUBECONFIG="missing.yaml:one.yaml"
sum=$(sha256sum one.yaml)
compare "use-context unknown" config use-context nope
assert_eq "$sum" "$(sha256sum one.yaml)" "one.yaml after a refused use-context"
[ ! -e missing.yaml ] || fail "use-context of an unknown context created missing.yaml"
unset KUBECONFIG

note "all kubeconfig shapes agree with kubectl"
