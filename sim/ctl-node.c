/* ctl-node.c - what a cluster has from the start and per namespace: Nodes
 * (as the kubelets register them), the kubernetes Service, each
 * namespace's default ServiceAccount and kube-root-ca.crt ConfigMap, and
 * service-account token Secrets filled like the token controller does. */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define MGR "kube-controller-manager"

static void node_name(const struct sim_cluster *cl, int i, int edge, char *buf, size_t size)
{
	if (edge)
		snprintf(buf, size, "%s-edge-%d", cl->name, i);
	else if (i == 0)
		snprintf(buf, size, "%s-control-plane", cl->name);
	else if (i == 1)
		snprintf(buf, size, "%s-worker", cl->name);
	else
		snprintf(buf, size, "%s-worker%d", cl->name, i);
}

static void make_node(struct sim_ctl *c, int i, int edge, int ordinal)
{
	const struct sim_config *cfg = sim_ctl_config();
	char name[256], ip[32], cidr[32], kv[64], ts[32], uuid[40], pid[300];
	json_t *node, *labels, *out;
	const char *ver = cfg && cfg->version ? cfg->version : "1.30.0";

	node_name(c->cl, i, edge, name, sizeof name);
	out = sim_ctl_get(c, "", "nodes", NULL, name);
	if (out) {
		json_decref(out);
		return;
	}
	snprintf(ip, sizeof ip, "127.0.%d.%d", c->cl->index + 1, ordinal + 1);
	snprintf(cidr, sizeof cidr, "10.244.%d.0/24", ordinal);
	if (edge)
		snprintf(kv, sizeof kv, "v%s-kubeedge-v1.20.0", ver);
	else
		snprintf(kv, sizeof kv, "v%s", ver);
	sim_ctl_rfc3339(ts);
	snprintf(uuid, sizeof uuid, "%08x-0000-4000-8000-%012x", (unsigned)c->cl->index + 1, (unsigned)ordinal + 1);
	snprintf(pid, sizeof pid, "kurator-sim://%s/%s", c->cl->name, name);
	labels = json_pack("{s:s,s:s,s:s,s:s,s:s}", "beta.kubernetes.io/arch", "amd64", "beta.kubernetes.io/os",
			   "linux", "kubernetes.io/arch", "amd64", "kubernetes.io/hostname", name, "kubernetes.io/os",
			   "linux");
	if (edge) {
		json_object_set_new(labels, "node-role.kubernetes.io/edge", json_string(""));
		json_object_set_new(labels, "node-role.kubernetes.io/agent", json_string(""));
	} else if (i == 0) {
		json_object_set_new(labels, "node-role.kubernetes.io/control-plane", json_string(""));
		json_object_set_new(labels, "node.kubernetes.io/exclude-from-external-load-balancers",
				    json_string(""));
	}
	node = json_pack("{s:s,s:s,s:{s:s,s:o,s:{s:s}},s:{s:s,s:[s],s:s}}",
			 "apiVersion", "v1", "kind", "Node",
			 "metadata", "name", name, "labels", labels,
			 "annotations", "node.alpha.kubernetes.io/ttl", "0",
			 "spec", "podCIDR", cidr, "podCIDRs", cidr, "providerID", pid);
	if (sim_ctl_create(c, "", "nodes", NULL, node, "kubelet") == 0) {
		json_t *res = json_pack("{s:s,s:s,s:s,s:s,s:s}", "cpu", "4", "memory", "16331136Ki", "pods", "110",
					"ephemeral-storage", "102687672Ki", "hugepages-2Mi", "0");
		json_t *alloc = json_pack("{s:s,s:s,s:s,s:s,s:s}", "cpu", "4", "memory", "16228736Ki", "pods",
					  "110", "ephemeral-storage", "94636958842", "hugepages-2Mi", "0");
		json_t *conds = json_array();
		static const char *const pressure[][3] = {
			{ "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available" },
			{ "DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure" },
			{ "PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available" },
		};
		size_t k;

		for (k = 0; k < 3; k++)
			json_array_append_new(conds, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", pressure[k][0],
							       "status", "False", "reason", pressure[k][1],
							       "message", pressure[k][2], "lastHeartbeatTime", ts,
							       "lastTransitionTime", ts));
		json_array_append_new(conds, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "Ready", "status", "True",
						       "reason", "KubeletReady", "message",
						       "kubelet is posting ready status", "lastHeartbeatTime", ts,
						       "lastTransitionTime", ts));
		sim_ctl_set_status(c, "", "nodes", NULL, name,
				   json_pack("{s:o,s:o,s:o,s:[{s:s,s:s},{s:s,s:s}],s:{s:{s:i}},s:{s:s,s:s,s:s,s:s,"
					     "s:s,s:s,s:s,s:s,s:s,s:s},s:[]}",
					     "capacity", res, "allocatable", alloc, "conditions", conds,
					     "addresses", "type", "InternalIP", "address", ip, "type", "Hostname",
					     "address", name,
					     "daemonEndpoints", "kubeletEndpoint", "Port", 10250,
					     "nodeInfo", "machineID", uuid, "systemUUID", uuid, "bootID", uuid,
					     "kernelVersion", "6.1.0-28-amd64", "osImage", "Debian GNU/Linux 12 (bookworm)",
					     "containerRuntimeVersion", "containerd://1.7.22", "kubeletVersion", kv,
					     "kubeProxyVersion", kv, "operatingSystem", "linux", "architecture", "amd64",
					     "images"),
				   "kubelet");
		out = sim_ctl_get(c, "", "nodes", NULL, name);
		if (out)
			sim_ctl_event(c, out, "Normal", "RegisteredNode", "node-controller",
				      "Node %s event: Registered Node %s in Controller", name, name);
		json_decref(out);
	}
	json_decref(node);
}

json_t *sim_ctl_node_names(struct sim_ctl *c)
{
	json_t *items = sim_ctl_list(c, "", "nodes", NULL), *names = json_array(), *n;
	size_t i;

	json_array_foreach(items, i, n)
		json_array_append_new(names, json_string(sim_ctl_str(n, "metadata.name") ?: ""));
	json_decref(items);
	return names;
}

/* The kubernetes Service and its endpoints point at the cluster itself. */
static void kubernetes_service(struct sim_ctl *c)
{
	json_t *svc = sim_ctl_get(c, "", "services", "default", "kubernetes"), *ep;

	if (!svc) {
		svc = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},s:{s:s,s:s,s:[{s:s,s:i,s:s,s:i}],s:s}}",
				"apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes", "namespace",
				"default", "labels", "component", "apiserver", "provider", "kubernetes", "spec",
				"type", "ClusterIP", "clusterIP", "10.96.0.1", "ports", "name", "https", "port", 443,
				"protocol", "TCP", "targetPort", c->cl->port, "sessionAffinity", "None");
		sim_ctl_create(c, "", "services", "default", svc, "kube-apiserver");
	}
	json_decref(svc);
	ep = sim_ctl_get(c, "", "endpoints", "default", "kubernetes");
	if (!ep) {
		ep = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:[{s:[{s:s}],s:[{s:s,s:i,s:s}]}]}",
			       "apiVersion", "v1", "kind", "Endpoints", "metadata", "name", "kubernetes",
			       "namespace", "default", "labels", "endpointslice.kubernetes.io/skip-mirror", "true",
			       "subsets", "addresses", "ip", c->cl->address, "ports", "name", "https", "port",
			       c->cl->port, "protocol", "TCP");
		sim_ctl_create(c, "", "endpoints", "default", ep, "kube-apiserver");
	}
	json_decref(ep);
}

void sim_ctl_bootstrap(struct sim_ctl *c)
{
	const struct sim_config *cfg = sim_ctl_config();
	int n = cfg && cfg->nodes > 0 ? cfg->nodes : 1, e = cfg ? cfg->edge_nodes : 0, i;

	for (i = 0; i < n; i++)
		make_node(c, i, 0, i);
	for (i = 0; i < e; i++)
		make_node(c, i, 1, n + i);
	kubernetes_service(c);
}

/* ---- namespaces ---------------------------------------------------------------- */

void sim_ctl_namespace(struct sim_ctl *c, const char *name)
{
	json_t *ns = sim_ctl_get(c, "", "namespaces", NULL, name), *o;

	if (!ns || sim_ctl_terminating(ns)) {
		json_decref(ns);
		return;
	}
	json_decref(ns);
	o = sim_ctl_get(c, "", "serviceaccounts", name, "default");
	if (!o) {
		o = json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "v1", "kind", "ServiceAccount", "metadata",
			      "name", "default", "namespace", name);
		sim_ctl_create(c, "", "serviceaccounts", name, o, MGR);
	}
	json_decref(o);
	o = sim_ctl_get(c, "", "configmaps", name, "kube-root-ca.crt");
	if (!o) {
		o = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap",
			      "metadata", "name", "kube-root-ca.crt", "namespace", name, "annotations",
			      "kubernetes.io/description",
			      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
			      "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
			      "guaranteed across distributions of Kubernetes clusters.",
			      "data", "ca.crt", c->cl->ca_cert_pem ? c->cl->ca_cert_pem : "");
		sim_ctl_create(c, "", "configmaps", name, o, MGR);
	}
	json_decref(o);
}

/* ---- service-account token Secrets ----------------------------------------------- */

struct token_fill {
	const char *token, *ca, *ns, *sa_uid;
};

static int fill_token(json_t *obj, void *ud, struct kerr *err)
{
	struct token_fill *f = ud;
	json_t *data = json_object_get(obj, "data"), *ann;
	char *b;

	(void)err;
	if (json_string_value(json_object_get(data, "token")))
		return 1;
	if (!json_is_object(data)) {
		data = json_object();
		json_object_set_new(obj, "data", data);
	}
	b = sim_ctl_b64(f->token, strlen(f->token));
	json_object_set_new(data, "token", json_string(b));
	free(b);
	b = sim_ctl_b64(f->ca, strlen(f->ca));
	json_object_set_new(data, "ca.crt", json_string(b));
	free(b);
	b = sim_ctl_b64(f->ns, strlen(f->ns));
	json_object_set_new(data, "namespace", json_string(b));
	free(b);
	ann = json_object_get(json_object_get(obj, "metadata"), "annotations");
	if (json_is_object(ann) && f->sa_uid)
		json_object_set_new(ann, "kubernetes.io/service-account.uid", json_string(f->sa_uid));
	return 0;
}

void sim_ctl_token(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *sec = sim_ctl_get(c, "", "secrets", ns, name), *sa;
	const char *sa_name;
	struct token_fill f;
	char *token = NULL;

	if (!sec)
		return;
	sa_name = sim_ctl_str(sec, "metadata.annotations.kubernetes.io/service-account.name");
	if (!sa_name) {
		/* The annotation key has dots: look it up directly. */
		sa_name = json_string_value(json_object_get(json_object_get(json_object_get(sec, "metadata"),
									    "annotations"),
							    "kubernetes.io/service-account.name"));
	}
	if (!sa_name || json_string_value(json_object_get(json_object_get(sec, "data"), "token"))) {
		json_decref(sec);
		return;
	}
	sa = sim_ctl_get(c, "", "serviceaccounts", ns, sa_name);
	if (!sa) {
		/* The token controller waits for the ServiceAccount. */
		sim_ctl_enqueue(c, CTL_TOKEN, ns, name, 1000);
		json_decref(sec);
		return;
	}
	/* Long-lived, like the legacy token Secrets. */
	if (sim_cluster_issue_sa_token(c->cl, ns, sa_name, 10L * 365 * 24 * 3600, &token, NULL) == 0) {
		f.token = token;
		f.ca = c->cl->ca_cert_pem ? c->cl->ca_cert_pem : "";
		f.ns = ns;
		f.sa_uid = sim_ctl_str(sa, "metadata.uid");
		sim_ctl_mutate(c, "", "secrets", ns, name, fill_token, &f, MGR);
		free_secret(token);
	}
	json_decref(sa);
	json_decref(sec);
}
