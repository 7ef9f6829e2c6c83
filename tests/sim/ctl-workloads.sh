#!/bin/bash
# ctl-workloads.sh MINOR - the simulator's controllers seen through a real
# kubectl: nodes, namespaces, Deployments (rollout, revisions), pods
# waiting for a mounted Secret, StatefulSets, DaemonSets, Jobs, Services
# and their endpoints, service-account token Secrets, pod logs (tail,
# timestamps, follow), kubectl top and /metrics.
source "$TESTS_DIR/common.sh"

M=${1:-30}
have_kubectl "$M" || skip "kubectl 1.$M not installed"
start_sim --clusters host --nodes 2 --edge-nodes 1 --ready-delay-ms 200
grep -q "controllers yes" "$T/sim.log" || skip "kurator-sim built without controllers"
k() { kubectl_at "$M" "$@"; }

# ---- nodes and namespaces
out=$(k get nodes --no-headers)
assert_eq 3 "$(echo "$out" | grep -c ' Ready ')" "three Ready nodes: $out"
assert_contains "$out" "host-control-plane" "control-plane node"
assert_contains "$(k get node host-edge-0 -o jsonpath='{.metadata.labels}')" "node-role.kubernetes.io/edge" "edge label"
assert_eq "v1.30.0" "$(k get node host-worker -o jsonpath='{.status.nodeInfo.kubeletVersion}')" "kubelet version"
k create namespace team-a >/dev/null
wait_until 10 k -n team-a get sa default || fail "no default ServiceAccount in a new namespace"
wait_until 10 k -n team-a get cm kube-root-ca.crt || fail "no kube-root-ca.crt in a new namespace"
assert_contains "$(k -n team-a get cm kube-root-ca.crt -o jsonpath='{.data.ca\.crt}')" "BEGIN CERTIFICATE" "CA bundle"

# ---- a Deployment, a rolling update, revisions
k create deployment web --image=nginx:1.27 --replicas=3 >/dev/null
k wait --for=condition=Available deploy/web --timeout=30s >/dev/null || fail "web never Available"
assert_contains "$(k rollout status deploy/web --timeout=30s)" "successfully rolled out" "rollout status"
rs1=$(k get rs -l app=web -o jsonpath='{.items[0].metadata.name}')
assert_contains "$(k get rs "$rs1" -o jsonpath='{.metadata.labels}')" "pod-template-hash" "pod-template-hash label"
assert_eq "Deployment" "$(k get rs "$rs1" -o jsonpath='{.metadata.ownerReferences[0].kind}')" "RS owned by the Deployment"
k set image deploy/web nginx=nginx:1.28 >/dev/null
assert_contains "$(k rollout status deploy/web --timeout=30s)" "successfully rolled out" "rollout after an image change"
assert_eq "2" "$(k get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" "revision 2"
assert_eq "0" "$(k get rs "$rs1" -o jsonpath='{.spec.replicas}')" "old ReplicaSet scaled to 0"
assert_eq "3" "$(k get pods -l app=web --no-headers | grep -c 'Running')" "3 Running pods after the rollout"
assert_contains "$(k get pods -l app=web -o jsonpath='{.items[*].spec.containers[0].image}')" "nginx:1.28" "new image"
reason=$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')
assert_eq "NewReplicaSetAvailable" "$reason" "Progressing reason"
# pods spread over the nodes, not onto the edge node
nodes=$(k get pods -l app=web -o jsonpath='{.items[*].spec.nodeName}')
assert_not_contains "$nodes" "edge" "ordinary pods stay off edge nodes"

# ---- logs
pod=pod/$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
out=$(k logs "$pod" --tail=2)
assert_eq 2 "$(echo "$out" | wc -l)" "--tail=2 gives two lines"
out=$(k logs "$pod" --tail=1 --timestamps)
[[ "$out" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T ]] || fail "--timestamps: $out"
timeout 3 "$KUBECTL_DIR/kubectl.1.$M" --kubeconfig "$KUBECONFIG_SIM" logs -f --tail=1 "$pod" >"$T/follow.out" 2>&1 && fail "logs -f ended by itself" || true
[ "$(wc -l <"$T/follow.out")" -ge 4 ] || fail "logs -f did not keep streaming: $(cat "$T/follow.out")"
k logs "$pod" -c nope >/dev/null 2>&1 && fail "logs of a missing container succeeded"

# ---- a pod waits for the Secret it mounts
cat >"$T/mount.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: needs-secret}
spec:
  containers: [{name: app, image: busybox:1.36, volumeMounts: [{name: s, mountPath: /s}]}]
  volumes: [{name: s, secret: {secretName: later}}]
EOF
k apply -f "$T/mount.yaml" >/dev/null
sleep 1
assert_contains "$(k get pod needs-secret --no-headers)" "ContainerCreating" "pod waits for its Secret"
assert_contains "$(k get events --field-selector involvedObject.name=needs-secret -o jsonpath='{.items[*].reason}')" \
	"FailedMount" "FailedMount event"
k create secret generic later --from-literal=a=b >/dev/null
k wait --for=condition=Ready pod/needs-secret --timeout=20s >/dev/null || fail "pod did not start once the Secret existed"

# ---- StatefulSet, DaemonSet, Job
cat >"$T/sts.yaml" <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: prom/node-exporter:v1.8.2}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: busybox:1.36, command: [echo, hi]}]
EOF
k apply -f "$T/sts.yaml" >/dev/null
assert_contains "$(k rollout status sts/db --timeout=30s)" "roll" "statefulset rollout status"
assert_eq "db-0 db-1 db-2" "$(k get pods -l app=db -o jsonpath='{.items[*].metadata.name}')" "ordered names"
assert_eq "3" "$(k get sts db -o jsonpath='{.status.readyReplicas}')" "statefulset ready"
[ -n "$(k get sts db -o jsonpath='{.status.updateRevision}')" ] || fail "no updateRevision"
assert_contains "$(k rollout status ds/agent --timeout=30s)" "successfully rolled out" "daemonset rollout status"
assert_eq "3" "$(k get ds agent -o jsonpath='{.status.numberReady}')" "one daemon pod per node"
k wait --for=condition=Complete job/once --timeout=30s >/dev/null || fail "job never completed"
assert_eq "1" "$(k get job once -o jsonpath='{.status.succeeded}')" "job succeeded count"
assert_contains "$(k get pods -l job-name=once --no-headers)" "Completed" "job pod Completed"

# ---- Services and endpoints
k expose deploy web --port=80 --type=NodePort >/dev/null
ip=$(k get svc web -o jsonpath='{.spec.clusterIP}')
[[ "$ip" =~ ^10\.(9[6-9]|10[0-9]|11[01])\. ]] || fail "ClusterIP $ip outside 10.96.0.0/12"
np=$(k get svc web -o jsonpath='{.spec.ports[0].nodePort}')
[ "$np" -ge 30000 ] && [ "$np" -le 32767 ] || fail "nodePort $np outside 30000-32767"
three_endpoints() { [ "$(k get ep web -o jsonpath='{.subsets[0].addresses[*].ip}' | wc -w)" = 3 ]; }
wait_until 10 three_endpoints ||
	fail "endpoints: $(k get ep web -o json)"
assert_eq "web" "$(k get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[0].metadata.labels.kubernetes\.io/service-name}')" "EndpointSlice"

# ---- service-account token Secret, accepted by the server
k create sa robot >/dev/null
cat >"$T/tok.yaml" <<'EOF'
apiVersion: v1
kind: Secret
metadata: {name: robot-token, annotations: {kubernetes.io/service-account.name: robot}}
type: kubernetes.io/service-account-token
EOF
k apply -f "$T/tok.yaml" >/dev/null
token_filled() { [ -n "$(k get secret robot-token -o jsonpath='{.data.token}')" ]; }
wait_until 10 token_filled || fail "token not filled"
tok=$(k get secret robot-token -o jsonpath='{.data.token}' | base64 -d)
[ -n "$(k get secret robot-token -o jsonpath='{.data.ca\.crt}')" ] || fail "ca.crt not filled"
assert_eq "default" "$(k get secret robot-token -o jsonpath='{.data.namespace}' | base64 -d)" "namespace filled"
out=$(k --token="$tok" --user= auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1) || true
assert_contains "$out" "system:serviceaccount:default:robot" "the token authenticates"

# ---- metrics
out=$(k top nodes --no-headers)
assert_eq 3 "$(echo "$out" | wc -l)" "top nodes: $out"
out=$(k top pods -l app=web --no-headers)
assert_eq 3 "$(echo "$out" | wc -l)" "top pods: $out"
out=$(k get --raw /metrics)
assert_contains "$out" 'kube_node_info{node="host-worker"' "kube_node_info"
assert_contains "$out" 'phase="Running"} 1' "kube_pod_status_phase"
assert_contains "$out" "container_memory_working_set_bytes{" "container memory"
assert_contains "$out" "node_cpu_seconds_total{" "node cpu"

# ---- garbage: deleting the Deployment removes its ReplicaSets and pods
k delete deploy web >/dev/null
web_gone() { [ -z "$(k get rs,pods -l app=web -o name 2>/dev/null)" ]; }
wait_until 20 web_gone || fail "ReplicaSets/pods not collected"
exit 0
