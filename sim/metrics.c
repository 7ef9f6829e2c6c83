/* metrics.c - resource metrics of simulated nodes and pods: the
 * metrics.k8s.io/v1beta1 API (kubectl top) and a Prometheus text endpoint
 * /metrics per cluster with kube-state-metrics, node-exporter and cAdvisor
 * style series.
 *
 * Usage is a pure function of the object's name and the clock: each pod
 * has its own level and a slow sine on top, so values look alive, change
 * smoothly and agree between the two endpoints.
 */
#include "sim/controllers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;

	while (s && *s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU in millicores and memory in bytes of one container. */
static void container_usage(const char *pod_uid, const char *container, double t, double *cpu_m, double *mem)
{
	char key[512];
	uint32_t h;

	snprintf(key, sizeof key, "%s/%s", pod_uid, container);
	h = fnv(key);
	*cpu_m = 2 + (h % 40) + (3 + h % 7) * (1 + sin(t / (60 + h % 90) + (h % 628) / 100.0));
	*mem = (12.0 + (h >> 8) % 180) * 1048576.0 * (1 + 0.05 * sin(t / (300 + h % 200)));
}

static int pod_running(const json_t *pod)
{
	return !strcmp(sim_ctl_str(pod, "status.phase") ?: "", "Running");
}

static void pod_usage(const json_t *pod, double t, double *cpu_m, double *mem)
{
	json_t *ct;
	size_t i;

	*cpu_m = *mem = 0;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct) {
		double c, m;
		container_usage(sim_ctl_str(pod, "metadata.uid") ?: "", sim_ctl_str(ct, "name") ?: "", t, &c, &m);
		*cpu_m += c;
		*mem += m;
	}
}

static json_t *list_of(struct sim_cluster *cl, const char *plural, const char *ns)
{
	const struct sim_type *t = sim_store_type(cl->store, "", NULL, plural);
	struct sim_list_opts lo;
	json_t *items = NULL;
	uint64_t rv;

	memset(&lo, 0, sizeof lo);
	lo.ns = ns;
	if (!t || sim_store_list(cl->store, t, &lo, &items, &rv, NULL, NULL, NULL))
		return json_array();
	return items;
}

static void node_usage(const json_t *node, const json_t *pods, double t, double *cpu_m, double *mem)
{
	const char *name = sim_ctl_str(node, "metadata.name") ?: "";
	uint32_t h = fnv(name);
	json_t *p;
	size_t i;

	/* The system's own share (kubelet, runtime, kernel). */
	*cpu_m = 120 + h % 80 + 20 * sin(t / 97.0 + h % 10);
	*mem = (900.0 + h % 400) * 1048576.0;
	json_array_foreach((json_t *)pods, i, p) {
		double c, m;
		if (!pod_running(p) || strcmp(sim_ctl_str(p, "spec.nodeName") ?: "", name))
			continue;
		pod_usage(p, t, &c, &m);
		*cpu_m += c;
		*mem += m;
	}
}

static json_t *usage_obj(double cpu_m, double mem)
{
	char cpu[48], m[48];

	snprintf(cpu, sizeof cpu, "%.0fn", cpu_m * 1e6);
	snprintf(m, sizeof m, "%.0fKi", mem / 1024);
	return json_pack("{s:s,s:s}", "cpu", cpu, "memory", m);
}

static json_t *labels_copy(const json_t *o)
{
	json_t *l = json_object_get(json_object_get(o, "metadata"), "labels");

	return json_is_object(l) ? json_deep_copy(l) : json_object();
}

/* ---- metrics.k8s.io ------------------------------------------------------------------- */

static int metrics_api(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	int nodes = !strcmp(req->type->plural, "nodes");
	const char *sel = sim_req_query(req, "labelSelector");
	double t = now_s();
	json_t *pods, *items = json_array(), *o, *out;
	char ts[32];
	size_t i;

	if (strcmp(req->verb ? req->verb : "", "get") && strcmp(req->verb ? req->verb : "", "list")) {
		json_decref(items);
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	}
	sim_ctl_rfc3339(ts);
	pods = list_of(req->cl, "pods", nodes ? NULL : req->ns);
	if (nodes) {
		json_t *all = list_of(req->cl, "nodes", NULL);
		json_array_foreach(all, i, o) {
			double c, m;
			if (req->name && strcmp(req->name, sim_ctl_str(o, "metadata.name") ?: ""))
				continue;
			if (sel && *sel && sim_selector_match(sel, NULL, o, NULL) != 1)
				continue;
			node_usage(o, pods, t, &c, &m);
			json_array_append_new(items, json_pack("{s:s,s:s,s:{s:s,s:s,s:o},s:s,s:s,s:o}", "kind", "NodeMetrics",
							       "apiVersion", "metrics.k8s.io/v1beta1", "metadata", "name",
							       sim_ctl_str(o, "metadata.name"), "creationTimestamp", ts,
							       "labels", labels_copy(o), "timestamp", ts, "window",
							       "20.05s", "usage", usage_obj(c, m)));
		}
		json_decref(all);
	} else {
		json_array_foreach(pods, i, o) {
			json_t *ctrs, *ct;
			size_t j;

			if (!pod_running(o))
				continue;
			if (req->name && strcmp(req->name, sim_ctl_str(o, "metadata.name") ?: ""))
				continue;
			if (sel && *sel && sim_selector_match(sel, NULL, o, NULL) != 1)
				continue;
			ctrs = json_array();
			json_array_foreach(json_object_get(json_object_get(o, "spec"), "containers"), j, ct) {
				double c, m;
				container_usage(sim_ctl_str(o, "metadata.uid") ?: "", sim_ctl_str(ct, "name") ?: "", t, &c, &m);
				json_array_append_new(ctrs, json_pack("{s:s,s:o}", "name", sim_ctl_str(ct, "name") ?: "",
								      "usage", usage_obj(c, m)));
			}
			json_array_append_new(items, json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:o},s:s,s:s,s:o}", "kind",
							       "PodMetrics", "apiVersion", "metrics.k8s.io/v1beta1",
							       "metadata", "name", sim_ctl_str(o, "metadata.name"),
							       "namespace", sim_ctl_str(o, "metadata.namespace"),
							       "creationTimestamp", ts, "labels", labels_copy(o),
							       "timestamp", ts, "window", "20.05s", "containers", ctrs));
		}
	}
	json_decref(pods);
	if (req->name) {
		if (!json_array_size(items)) {
			json_decref(items);
			if (nodes)
				return sim_kerr_http(err, 404, "NotFound", "nodemetrics.metrics.k8s.io \"%s\" not found",
						     req->name);
			return sim_kerr_http(err, 404, "NotFound", "podmetrics.metrics.k8s.io \"%s/%s\" not found",
					     req->ns ? req->ns : "", req->name);
		}
		out = json_incref(json_array_get(items, 0));
		json_decref(items);
		sim_resp_json(resp, 200, out);
		return 0;
	}
	out = json_pack("{s:s,s:s,s:{},s:o}", "kind", nodes ? "NodeMetricsList" : "PodMetricsList", "apiVersion",
			"metrics.k8s.io/v1beta1", "metadata", "items", items);
	sim_resp_json(resp, 200, out);
	return 0;
}

/* ---- Prometheus text ------------------------------------------------------------------ */

static void esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		if (*s == '\n') {
			strbuf_addstr(sb, "\\n");
			continue;
		}
		strbuf_addch(sb, *s);
	}
}

static void help(struct strbuf *sb, const char *name, const char *type, const char *text)
{
	strbuf_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static const char *node_ip(const json_t *node)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(node, "status"), "addresses"), i, a) {
		if (!strcmp(sim_ctl_str(a, "type") ?: "", "InternalIP"))
			return sim_ctl_str(a, "address");
	}
	return "";
}

static int prom_metrics(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	static const char *const phases[] = { "Pending", "Running", "Succeeded", "Failed", "Unknown" };
	json_t *nodes = list_of(req->cl, "nodes", NULL), *pods = list_of(req->cl, "pods", NULL), *o, *ct;
	struct strbuf *sb = &resp->body;
	double t = now_s(), up_s;
	size_t i, j, k;

	(void)err;
	help(sb, "up", "gauge", "1 if the target is reachable.");
	strbuf_addf(sb, "up{job=\"apiserver\",instance=\"%s:%d\",cluster=\"", req->cl->address, req->cl->port);
	esc(sb, req->cl->name);
	strbuf_addstr(sb, "\"} 1\n");

	help(sb, "kube_node_info", "gauge", "Information about a cluster node.");
	json_array_foreach(nodes, i, o) {
		strbuf_addstr(sb, "kube_node_info{node=\"");
		esc(sb, sim_ctl_str(o, "metadata.name"));
		strbuf_addstr(sb, "\",kernel_version=\"");
		esc(sb, sim_ctl_str(o, "status.nodeInfo.kernelVersion"));
		strbuf_addstr(sb, "\",os_image=\"");
		esc(sb, sim_ctl_str(o, "status.nodeInfo.osImage"));
		strbuf_addstr(sb, "\",container_runtime_version=\"");
		esc(sb, sim_ctl_str(o, "status.nodeInfo.containerRuntimeVersion"));
		strbuf_addstr(sb, "\",kubelet_version=\"");
		esc(sb, sim_ctl_str(o, "status.nodeInfo.kubeletVersion"));
		strbuf_addstr(sb, "\",internal_ip=\"");
		esc(sb, node_ip(o));
		strbuf_addstr(sb, "\"} 1\n");
	}
	help(sb, "kube_node_status_condition", "gauge", "The condition of a cluster node.");
	json_array_foreach(nodes, i, o) {
		json_t *cd;
		json_array_foreach(json_object_get(json_object_get(o, "status"), "conditions"), j, cd) {
			static const char *const sts[] = { "true", "false", "unknown" };
			const char *have = sim_ctl_str(cd, "status") ?: "Unknown";
			for (k = 0; k < 3; k++) {
				strbuf_addstr(sb, "kube_node_status_condition{node=\"");
				esc(sb, sim_ctl_str(o, "metadata.name"));
				strbuf_addf(sb, "\",condition=\"%s\",status=\"%s\"} %d\n", sim_ctl_str(cd, "type") ?: "",
					    sts[k], !strcasecmp(have, sts[k]));
			}
		}
	}
	help(sb, "kube_pod_info", "gauge", "Information about pod.");
	json_array_foreach(pods, i, o) {
		const json_t *ref = sim_ctl_controller_ref(o);
		strbuf_addstr(sb, "kube_pod_info{namespace=\"");
		esc(sb, sim_ctl_str(o, "metadata.namespace"));
		strbuf_addstr(sb, "\",pod=\"");
		esc(sb, sim_ctl_str(o, "metadata.name"));
		strbuf_addstr(sb, "\",uid=\"");
		esc(sb, sim_ctl_str(o, "metadata.uid"));
		strbuf_addstr(sb, "\",host_ip=\"");
		esc(sb, sim_ctl_str(o, "status.hostIP"));
		strbuf_addstr(sb, "\",pod_ip=\"");
		esc(sb, sim_ctl_str(o, "status.podIP"));
		strbuf_addstr(sb, "\",node=\"");
		esc(sb, sim_ctl_str(o, "spec.nodeName"));
		strbuf_addstr(sb, "\",created_by_kind=\"");
		esc(sb, ref ? sim_ctl_str(ref, "kind") : "<none>");
		strbuf_addstr(sb, "\",created_by_name=\"");
		esc(sb, ref ? sim_ctl_str(ref, "name") : "<none>");
		strbuf_addstr(sb, "\"} 1\n");
	}
	help(sb, "kube_pod_status_phase", "gauge", "The pods current phase.");
	json_array_foreach(pods, i, o) {
		const char *ph = sim_ctl_str(o, "status.phase") ?: "Pending";
		for (k = 0; k < 5; k++) {
			strbuf_addstr(sb, "kube_pod_status_phase{namespace=\"");
			esc(sb, sim_ctl_str(o, "metadata.namespace"));
			strbuf_addstr(sb, "\",pod=\"");
			esc(sb, sim_ctl_str(o, "metadata.name"));
			strbuf_addstr(sb, "\",uid=\"");
			esc(sb, sim_ctl_str(o, "metadata.uid"));
			strbuf_addf(sb, "\",phase=\"%s\"} %d\n", phases[k], !strcmp(ph, phases[k]));
		}
	}
	/* node-exporter: counters grow with the clock at the current usage. */
	up_s = fmod(t, 86400.0 * 30) + 3600;
	help(sb, "node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
	json_array_foreach(nodes, i, o) {
		double c, m, busy;
		node_usage(o, pods, t, &c, &m);
		busy = c / 4000.0;
		for (k = 0; k < 4; k++) {
			static const char *const modes[] = { "idle", "user", "system", "iowait" };
			static const double share[] = { 0, 0.7, 0.25, 0.05 };
			double v = k == 0 ? up_s * (1 - busy) : up_s * busy * share[k];
			size_t cpu;
			for (cpu = 0; cpu < 4; cpu++) {
				strbuf_addstr(sb, "node_cpu_seconds_total{instance=\"");
				esc(sb, node_ip(o));
				strbuf_addstr(sb, ":9100\",node=\"");
				esc(sb, sim_ctl_str(o, "metadata.name"));
				strbuf_addf(sb, "\",cpu=\"%zu\",mode=\"%s\"} %.2f\n", cpu, modes[k], v);
			}
		}
	}
	help(sb, "node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.");
	json_array_foreach(nodes, i, o) {
		strbuf_addstr(sb, "node_memory_MemTotal_bytes{node=\"");
		esc(sb, sim_ctl_str(o, "metadata.name"));
		strbuf_addf(sb, "\"} %.0f\n", 16331136.0 * 1024);
	}
	help(sb, "node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.");
	json_array_foreach(nodes, i, o) {
		double c, m;
		node_usage(o, pods, t, &c, &m);
		strbuf_addstr(sb, "node_memory_MemAvailable_bytes{node=\"");
		esc(sb, sim_ctl_str(o, "metadata.name"));
		strbuf_addf(sb, "\"} %.0f\n", 16331136.0 * 1024 - m);
	}
	help(sb, "container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes");
	help(sb, "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds.");
	json_array_foreach(pods, i, o) {
		double ran;
		struct tm tm;

		if (!pod_running(o))
			continue;
		memset(&tm, 0, sizeof tm);
		ran = strptime(sim_ctl_str(o, "status.startTime") ?: "", "%Y-%m-%dT%H:%M:%S", &tm)
			      ? t - (double)timegm(&tm) : 0;
		if (ran < 0)
			ran = 0;
		json_array_foreach(json_object_get(json_object_get(o, "spec"), "containers"), j, ct) {
			double c, m;
			container_usage(sim_ctl_str(o, "metadata.uid") ?: "", sim_ctl_str(ct, "name") ?: "", t, &c, &m);
			strbuf_addstr(sb, "container_memory_working_set_bytes{namespace=\"");
			esc(sb, sim_ctl_str(o, "metadata.namespace"));
			strbuf_addstr(sb, "\",pod=\"");
			esc(sb, sim_ctl_str(o, "metadata.name"));
			strbuf_addstr(sb, "\",container=\"");
			esc(sb, sim_ctl_str(ct, "name"));
			strbuf_addstr(sb, "\",node=\"");
			esc(sb, sim_ctl_str(o, "spec.nodeName"));
			strbuf_addf(sb, "\"} %.0f\n", m);
			strbuf_addstr(sb, "container_cpu_usage_seconds_total{namespace=\"");
			esc(sb, sim_ctl_str(o, "metadata.namespace"));
			strbuf_addstr(sb, "\",pod=\"");
			esc(sb, sim_ctl_str(o, "metadata.name"));
			strbuf_addstr(sb, "\",container=\"");
			esc(sb, sim_ctl_str(ct, "name"));
			strbuf_addstr(sb, "\",node=\"");
			esc(sb, sim_ctl_str(o, "spec.nodeName"));
			strbuf_addf(sb, "\"} %.3f\n", c / 1000.0 * ran);
		}
	}
	json_decref(nodes);
	json_decref(pods);
	resp->status = 200;
	snprintf(resp->content_type, sizeof resp->content_type, "text/plain; version=0.0.4; charset=utf-8");
	return 0;
}

void sim_metrics_register(void)
{
	static const struct sim_code_resource res[] = {
		{ "nodes", "node", "NodeMetrics", 0, "get,list" },
		{ "pods", "pod", "PodMetrics", 1, "get,list" },
	};

	sim_server_add_group("metrics.k8s.io", "v1beta1", res, sizeof res / sizeof res[0], metrics_api);
	sim_server_add_path("/metrics", prom_metrics);
}
