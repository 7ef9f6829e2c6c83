#!/bin/bash
# ctl-volcano.sh MINOR - the real Volcano installer applied with
# `kubectl apply --server-side` ends as on a real cluster: the
# admission-init Job completes and writes volcano-admission-secret, the
# admission server (which waited for that Secret) puts the CA into every
# Volcano webhook configuration, all volcano-system Deployments become
# Available and the scheduler creates the root and default Queues.
source "$TESTS_DIR/common.sh"

M=${1:-30}
have_kubectl "$M" || skip "kubectl 1.$M not installed"
F="$MANIFESTS/volcano/volcano-development.yaml"
[ -f "$F" ] || skip "no $F"
start_sim --clusters host --ready-delay-ms 200
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
k() { kubectl_at "$M" "$@"; }

k apply --server-side -f "$F" >"$T/apply.out" 2>&1 || { cat "$T/apply.out" >&2; fail "server-side apply"; }

k -n volcano-system wait --for=condition=Complete job/volcano-admission-init --timeout=30s >/dev/null ||
	fail "admission-init Job did not complete"
for d in volcano-admission volcano-controllers volcano-scheduler; do
	k -n volcano-system wait --for=condition=Available "deploy/$d" --timeout=30s >/dev/null ||
		fail "$d not Available: $(k -n volcano-system get pods)"
done

# the certificate Secret the Job writes
for key in tls.crt tls.key ca.crt; do
	v=$(k -n volcano-system get secret volcano-admission-secret -o jsonpath="{.data.${key//./\\.}}")
	[ -n "$v" ] || fail "volcano-admission-secret has no $key"
done
ca=$(k -n volcano-system get secret volcano-admission-secret -o jsonpath='{.data.ca\.crt}')
echo "$ca" | base64 -d | grep -q "BEGIN CERTIFICATE" || fail "ca.crt is not a PEM certificate"

# the admission pod waited for it
reasons=$(k -n volcano-system get events -o jsonpath='{range .items[*]}{.involvedObject.name} {.reason}{"\n"}{end}')
echo "$reasons" | grep -q "^volcano-admission-[a-z0-9]*-[a-z0-9]* FailedMount" ||
	note "admission pod started after the Secret without waiting (fast Job)"

# caBundle in every webhook of every Volcano webhook configuration
all_bundled() {
	! k get validatingwebhookconfigurations,mutatingwebhookconfigurations \
		-o jsonpath='{range .items[*]}{range .webhooks[*]}{.clientConfig.service.name}={.clientConfig.caBundle}{"\n"}{end}{end}' |
		grep -q '^volcano-admission-service=$'
}
wait_until 15 all_bundled || fail "a Volcano webhook has no caBundle"
n=$(k get validatingwebhookconfigurations,mutatingwebhookconfigurations \
	-o jsonpath='{range .items[*]}{range .webhooks[*]}{.clientConfig.caBundle}{"\n"}{end}{end}' | grep -c "^$ca$")
[ "$n" -ge 7 ] || fail "caBundle is the admission CA in only $n webhooks"

# queues
wait_until 15 k get queue default || fail "no default Queue"
assert_eq "root" "$(k get queue root -o jsonpath='{.metadata.name}')" "root Queue"
assert_eq "Open" "$(k get queue default -o jsonpath='{.status.state}')" "default Queue is Open"

# logs of a known image
out=$(k -n volcano-system logs deploy/volcano-scheduler --tail=50)
assert_contains "$out" "volcano-scheduler" "scheduler log lines"

# applying the same file again changes nothing that matters and keeps all Available
k apply --server-side -f "$F" >/dev/null 2>"$T/apply2.err" || { cat "$T/apply2.err" >&2; fail "second apply"; }
k -n volcano-system wait --for=condition=Available deploy --all --timeout=10s >/dev/null || fail "not Available after re-apply"
exit 0
