#!/bin/bash
# kubeconfig-sim.sh KUBE_TOOL - every way a kubeconfig can authenticate and
# verify, used for real against kurator-sim over TLS, with kubectl 1.30 as
# the witness on the same files: certificate files and inline data, token
# files, exec plugins (v1 token, v1beta1 client certificate, failing,
# missing), insecure-skip-tls-verify, no CA (verification is on by default),
# tls-server-name (right and wrong), relative paths from another directory.
. "$TESTS_DIR/common.sh"
KT=${1:?kube-tool path}
have_kubectl 30 || skip "kubectl 1.30 not installed"
KUBECTL="$KUBECTL_DIR/kubectl.1.30"
start_sim --clusters host

W="$T/w"
mkdir -p "$W/pki" "$W/secrets" "$W/bin" "$W/cfg" "$W/elsewhere"
# what the simulator issued, split into files
python3 - "$KUBECONFIG_SIM" "$W" <<'EOF'
import base64, sys, yaml
d = yaml.safe_load(open(sys.argv[1])); w = sys.argv[2]
c = d["clusters"][0]["cluster"]
users = {u["name"]: u["user"] for u in d["users"]}
open(w + "/server", "w").write(c["server"])
open(w + "/pki/ca.crt", "wb").write(base64.b64decode(c["certificate-authority-data"]))
open(w + "/pki/admin.crt", "wb").write(base64.b64decode(users["host-admin"]["client-certificate-data"]))
open(w + "/pki/admin.key", "wb").write(base64.b64decode(users["host-admin"]["client-key-data"]))
open(w + "/secrets/token", "w").write(users["host-token"]["token"] + "\n")
EOF
chmod 600 "$W/pki/admin.key" "$W/secrets/token"
SERVER=$(cat "$W/server")
b64() { base64 -w0 "$W/$1"; }

# The plugin logs each run and answers with a token (v1) or the admin
# certificate (v1beta1), built from the files above.
cat > "$W/bin/cred" <<'EOF'
#!/bin/sh
d=$(cd "$(dirname "$0")/.." && pwd)
echo "$* $KUBERNETES_EXEC_INFO" >> "$d/runs-$PPID"
case "$1" in
token)
	printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' \
		"$(cat "$d/secrets/token")" ;;
cert)
	python3 -c 'import json,sys; print(json.dumps({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":open(sys.argv[1]).read(),"clientKeyData":open(sys.argv[2]).read(),"expirationTimestamp":"2099-01-01T00:00:00Z"}}))' \
		"$d/pki/admin.crt" "$d/pki/admin.key" ;;
fail)
	echo "cred: the vault is sealed" >&2; exit 4 ;;
esac
EOF
chmod +x "$W/bin/cred"

cat > "$W/cfg/config" <<EOF
apiVersion: v1
kind: Config
current-context: files
clusters:
- name: ca-file
  cluster: {server: "$SERVER", certificate-authority: ../pki/ca.crt}
- name: ca-data
  cluster: {server: "$SERVER", certificate-authority-data: $(b64 pki/ca.crt)}
- name: insecure
  cluster: {server: "$SERVER", insecure-skip-tls-verify: true}
- name: no-ca
  cluster: {server: "$SERVER"}
- name: good-name
  cluster: {server: "$SERVER", certificate-authority: ../pki/ca.crt, tls-server-name: kubernetes.default}
- name: wrong-name
  cluster: {server: "$SERVER", certificate-authority: ../pki/ca.crt, tls-server-name: wrong.example}
users:
- name: cert-files
  user: {client-certificate: ../pki/admin.crt, client-key: ../pki/admin.key}
- name: cert-data
  user: {client-certificate-data: $(b64 pki/admin.crt), client-key-data: $(b64 pki/admin.key)}
- name: token-file
  user: {tokenFile: ../secrets/token}
- name: exec-token
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ../bin/cred, args: [token], interactiveMode: Never, provideClusterInfo: true}
- name: exec-cert
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ../bin/cred, args: [cert]}
- name: exec-fail
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ../bin/cred, args: [fail], interactiveMode: Never, installHint: "unseal the vault first"}
- name: token-over-exec
  user:
    tokenFile: ../secrets/token
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ../bin/cred, args: [fail], interactiveMode: Never}
- name: exec-missing
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: kurator-test-no-such-plugin, interactiveMode: Never, installHint: "install kurator-test-no-such-plugin"}
contexts:
- {name: files, context: {cluster: ca-file, user: cert-files}}
- {name: inline, context: {cluster: ca-data, user: cert-data}}
- {name: token-file, context: {cluster: ca-file, user: token-file}}
- {name: exec-token, context: {cluster: ca-data, user: exec-token}}
- {name: exec-cert, context: {cluster: ca-file, user: exec-cert}}
- {name: insecure, context: {cluster: insecure, user: token-file}}
- {name: good-name, context: {cluster: good-name, user: cert-files}}
- {name: no-ca, context: {cluster: no-ca, user: token-file}}
- {name: wrong-name, context: {cluster: wrong-name, user: cert-files}}
- {name: exec-fail, context: {cluster: ca-file, user: exec-fail}}
- {name: exec-missing, context: {cluster: ca-file, user: exec-missing}}
- {name: token-over-exec, context: {cluster: ca-file, user: token-over-exec}}
EOF

# Run from another directory: relative paths must follow the file.
cd "$W/elsewhere"
export KUBECONFIG=../cfg/config
try() { # CONTEXT: 0 when both kubectl and kurator succeed, 1 when both fail
	local ctx=$1 rk=0 rr=0
	"$KUBECTL" --context "$ctx" get ns default -o name > "$T/k.out" 2>&1 || rk=1
	"$KT" --context "$ctx" get ns default > "$T/r.out" 2>&1 || rr=1
	[ "$rk" = "$rr" ] || fail "context $ctx: kubectl $( [ $rk = 0 ] && echo succeeded || echo failed), kurator did not: kubectl: $(cat "$T/k.out") kurator: $(cat "$T/r.out")"
	return $rr
}
# (token-over-exec: a configured token means the plugin is not run at all)
for ctx in files inline token-file exec-token exec-cert insecure good-name token-over-exec; do
	try "$ctx" || fail "context $ctx failed: $(cat "$T/r.out")"
	assert_contains "$(cat "$T/r.out")" '"name": "default"' "context $ctx"
done
for ctx in no-ca wrong-name exec-fail exec-missing; do
	try "$ctx" && fail "context $ctx worked"
done

# the failures say why
try exec-fail || true
assert_contains "$(cat "$T/r.out")" "the vault is sealed"
assert_contains "$(cat "$T/r.out")" "unseal the vault first"
try exec-missing || true
assert_contains "$(cat "$T/r.out")" "kurator-test-no-such-plugin not found"
assert_contains "$(cat "$T/r.out")" "install kurator-test-no-such-plugin"

# one plugin run per process although kube-tool makes several requests
# (discovery, then the object); the plugin saw the cluster (provideClusterInfo)
rm -f "$W"/runs-*
"$KT" --context exec-token get ns default >/dev/null || fail "exec-token again"
runs=$(cat "$W"/runs-* | grep -c '^token ')
assert_eq 1 "$runs" "plugin runs in one process"
info=$(cat "$W"/runs-* | sed 's/^token //')
python3 - "$info" "$SERVER" <<'EOF' || fail "KUBERNETES_EXEC_INFO: $info"
import json, sys
i = json.loads(sys.argv[1])
assert i["kind"] == "ExecCredential" and i["apiVersion"] == "client.authentication.k8s.io/v1", i
assert i["spec"]["interactive"] is False, i
assert i["spec"]["cluster"]["server"] == sys.argv[2], i
assert "BEGIN CERTIFICATE" in __import__("base64").b64decode(i["spec"]["cluster"]["certificate-authority-data"]).decode(), i
EOF
echo ok
