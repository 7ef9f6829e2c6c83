/* ctl-pod.c - kube-scheduler and the kubelets for simulated pods.
 *
 * A pod is bound to a node, waits in ContainerCreating while its images
 * are "pulled" (ready_delay_ms, counted from when all its mounted Secrets
 * and ConfigMaps exist), then runs and is Ready. Pods of Jobs run for
 * another ready_delay_ms and complete. Known images get their side
 * effects (img-*.c) once Running, or before completing.
 */
#include "sim/controllers.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

enum stage { ST_UNSCHEDULED, ST_CREATING, ST_RUNNING, ST_DONE };

/* Per-pod memory of what was done (c->hooks_done[uid][what]); dropped
 * with the pod. */
static json_t *memo_get(struct sim_ctl *c, const json_t *pod, const char *what)
{
	return json_object_get(json_object_get(c->hooks_done, sim_ctl_str(pod, "metadata.uid") ?: ""), what);
}

static void memo_set(struct sim_ctl *c, const json_t *pod, const char *what, json_t *v /* stolen */)
{
	const char *uid = sim_ctl_str(pod, "metadata.uid") ?: "";
	json_t *m = json_object_get(c->hooks_done, uid);

	if (!m) {
		m = json_object();
		json_object_set_new(c->hooks_done, uid, m);
	}
	json_object_set_new(m, what, v);
}

static enum stage pod_stage(const json_t *pod)
{
	const char *ph = sim_ctl_str(pod, "status.phase");

	if (!sim_ctl_str(pod, "spec.nodeName"))
		return ST_UNSCHEDULED;
	if (ph && (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed")))
		return ST_DONE;
	if (ph && !strcmp(ph, "Running"))
		return ST_RUNNING;
	return ST_CREATING;
}

static int is_job_pod(const json_t *pod)
{
	const json_t *ref = sim_ctl_controller_ref(pod);

	return ref && !strcmp(sim_ctl_str(ref, "kind") ?: "", "Job");
}

/* ---- scheduling ------------------------------------------------------------------ */

static int tolerates(const json_t *tols, const json_t *taint)
{
	const char *tk = sim_ctl_str(taint, "key") ?: "", *tv = sim_ctl_str(taint, "value") ?: "";
	const char *te = sim_ctl_str(taint, "effect") ?: "";
	json_t *t;
	size_t i;

	if (!strcmp(te, "PreferNoSchedule"))
		return 1;
	json_array_foreach(tols, i, t) {
		const char *k = sim_ctl_str(t, "key") ?: "", *op = sim_ctl_str(t, "operator") ?: "Equal";
		const char *v = sim_ctl_str(t, "value") ?: "", *e = sim_ctl_str(t, "effect") ?: "";

		if (*e && strcmp(e, te))
			continue;
		if (!strcmp(op, "Exists") && (!*k || !strcmp(k, tk)))
			return 1;
		if (!strcmp(op, "Equal") && !strcmp(k, tk) && !strcmp(v, tv))
			return 1;
	}
	return 0;
}

static int term_matches(const json_t *term, const json_t *node)
{
	json_t *labels = json_object_get(json_object_get(node, "metadata"), "labels"), *e;
	size_t i;
	int any = 0;

	json_array_foreach(json_object_get(term, "matchExpressions"), i, e) {
		json_t *sel = json_pack("{s:[O]}", "matchExpressions", e);
		int ok;

		/* Gt/Lt are rare for nodes: treated as matching. */
		if (!strcmp(sim_ctl_str(e, "operator") ?: "", "Gt") || !strcmp(sim_ctl_str(e, "operator") ?: "", "Lt"))
			ok = 1;
		else
			ok = sim_ctl_selector_matches(sel, labels, 1);
		json_decref(sel);
		any = 1;
		if (!ok)
			return 0;
	}
	json_array_foreach(json_object_get(term, "matchFields"), i, e) {
		json_t *fake = json_pack("{s:s}", "metadata.name", sim_ctl_str(node, "metadata.name") ?: "");
		json_t *sel = json_pack("{s:[O]}", "matchExpressions", e);
		int ok = sim_ctl_selector_matches(sel, fake, 1);

		json_decref(sel);
		json_decref(fake);
		any = 1;
		if (!ok)
			return 0;
	}
	return any;
}

int sim_ctl_pod_fits(const json_t *pod, const json_t *node)
{
	json_t *spec = json_object_get(pod, "spec");
	json_t *labels = json_object_get(json_object_get(node, "metadata"), "labels");
	json_t *ns = json_object_get(spec, "nodeSelector"), *terms, *t, *v;
	const char *k;
	size_t i;

	json_object_foreach(ns, k, v) {
		const char *have = json_string_value(json_object_get(labels, k));
		if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
			return 0;
	}
	terms = json_object_get(json_object_get(json_object_get(json_object_get(spec, "affinity"), "nodeAffinity"),
						"requiredDuringSchedulingIgnoredDuringExecution"),
				"nodeSelectorTerms");
	if (json_array_size(terms)) {
		int ok = 0;
		json_array_foreach(terms, i, t) {
			if (term_matches(t, node))
				ok = 1;
		}
		if (!ok)
			return 0;
	}
	json_array_foreach(json_object_get(json_object_get(node, "spec"), "taints"), i, t) {
		if (!tolerates(json_object_get(spec, "tolerations"), t))
			return 0;
	}
	return 1;
}

static int mentions_edge(const json_t *pod)
{
	char *s = json_dumps(json_object_get(pod, "spec"), JSON_COMPACT);
	int r = s && strstr(s, "node-role.kubernetes.io/edge") != NULL;

	free(s);
	return r;
}

static int node_is_edge(const json_t *node)
{
	return json_object_get(json_object_get(json_object_get(node, "metadata"), "labels"),
			       "node-role.kubernetes.io/edge") != NULL;
}

static int set_node_name(json_t *obj, void *ud, struct kerr *err)
{
	(void)err;
	if (sim_ctl_str(obj, "spec.nodeName"))
		return 1;
	json_object_set_new(json_object_get(obj, "spec"), "nodeName", json_string(ud));
	return 0;
}

static json_t *condition(const char *type, const char *status, const char *reason, const char *ts)
{
	json_t *c = json_pack("{s:s,s:s,s:n,s:s}", "type", type, "status", status, "lastProbeTime",
			      "lastTransitionTime", ts);

	if (reason)
		json_object_set_new(c, "reason", json_string(reason));
	return c;
}

static void schedule(struct sim_ctl *c, json_t *pod)
{
	json_t *nodes = sim_ctl_list(c, "", "nodes", NULL), *fit = json_array(), *n, *st;
	const char *ns = sim_ctl_str(pod, "metadata.namespace"), *name = sim_ctl_str(pod, "metadata.name");
	const char *chosen;
	size_t i, total = json_array_size(nodes);
	int edge_ok = mentions_edge(pod), have_core = 0;
	char ts[32];

	json_array_foreach(nodes, i, n) {
		if (json_is_true(json_object_get(json_object_get(n, "spec"), "unschedulable")))
			continue;
		if (!sim_ctl_pod_fits(pod, n))
			continue;
		if (!node_is_edge(n))
			have_core = 1;
		json_array_append(fit, n);
	}
	/* Edge nodes take only pods that ask for them, unless nothing else fits. */
	if (have_core && !edge_ok) {
		for (i = json_array_size(fit); i-- > 0;) {
			if (node_is_edge(json_array_get(fit, i)))
				json_array_remove(fit, i);
		}
	}
	sim_ctl_rfc3339(ts);
	if (!json_array_size(fit)) {
		if (!memo_get(c, pod, "unschedulable")) {
			memo_set(c, pod, "unschedulable", json_true());
			st = json_deep_copy(json_object_get(pod, "status"));
			if (!json_is_object(st)) {
				json_decref(st);
				st = json_object();
			}
			json_object_set_new(st, "phase", json_string("Pending"));
			json_object_set_new(st, "conditions", json_pack("[o]", condition("PodScheduled", "False",
											 "Unschedulable", ts)));
			json_object_set_new(json_array_get(json_object_get(st, "conditions"), 0), "message",
					    json_sprintf("0/%zu nodes are available: %zu node(s) didn't match "
							 "Pod's node affinity/selector.", total, total));
			sim_ctl_set_status(c, "", "pods", ns, name, st, "kube-scheduler");
			sim_ctl_event(c, pod, "Warning", "FailedScheduling", "default-scheduler",
				      "0/%zu nodes are available: %zu node(s) didn't match Pod's node affinity/selector. "
				      "preemption: 0/%zu nodes are available: %zu Preemption is not helpful for scheduling.",
				      total, total, total, total);
		}
		sim_ctl_enqueue(c, CTL_POD, ns, name, 2000);
		goto out;
	}
	chosen = sim_ctl_str(json_array_get(fit, c->sched_seq++ % json_array_size(fit)), "metadata.name");
	if (sim_ctl_mutate(c, "", "pods", ns, name, set_node_name, (void *)chosen, "kube-scheduler") == 0) {
		sim_ctl_event(c, pod, "Normal", "Scheduled", "default-scheduler",
			      "Successfully assigned %s/%s to %s", ns, name, chosen);
	}
	sim_ctl_enqueue(c, CTL_POD, ns, name, 0);
out:
	json_decref(nodes);
	json_decref(fit);
}

/* ---- volumes ------------------------------------------------------------------------ */

/* First mounted Secret/ConfigMap that does not exist: fills what/which. */
static int missing_volume(struct sim_ctl *c, const json_t *pod, char *msg, size_t size)
{
	const char *ns = sim_ctl_str(pod, "metadata.namespace");
	json_t *vols = json_object_get(json_object_get(pod, "spec"), "volumes"), *v;
	size_t i;

	json_array_foreach(vols, i, v) {
		json_t *srcs = json_array(), *s;
		size_t j;
		int missing = 0;

		if (json_object_get(v, "secret"))
			json_array_append_new(srcs, json_pack("{s:O}", "secret", json_object_get(v, "secret")));
		if (json_object_get(v, "configMap"))
			json_array_append_new(srcs, json_pack("{s:O}", "configMap", json_object_get(v, "configMap")));
		json_array_extend(srcs, json_object_get(json_object_get(v, "projected"), "sources"));
		json_array_foreach(srcs, j, s) {
			json_t *sec = json_object_get(s, "secret"), *cm = json_object_get(s, "configMap"), *o;
			const char *n;

			if (sec && !json_is_true(json_object_get(sec, "optional"))) {
				n = sim_ctl_str(sec, "secretName") ?: sim_ctl_str(sec, "name");
				o = n ? sim_ctl_get(c, "", "secrets", ns, n) : NULL;
				if (n && !o) {
					snprintf(msg, size, "MountVolume.SetUp failed for volume \"%s\" : secret \"%s\" not found",
						 sim_ctl_str(v, "name") ?: "", n);
					missing = 1;
				}
				json_decref(o);
			}
			if (!missing && cm && !json_is_true(json_object_get(cm, "optional"))) {
				n = sim_ctl_str(cm, "name");
				o = n ? sim_ctl_get(c, "", "configmaps", ns, n) : NULL;
				if (n && !o) {
					snprintf(msg, size,
						 "MountVolume.SetUp failed for volume \"%s\" : configmap \"%s\" not found",
						 sim_ctl_str(v, "name") ?: "", n);
					missing = 1;
				}
				json_decref(o);
			}
			if (missing)
				break;
		}
		json_decref(srcs);
		if (missing)
			return 1;
	}
	return 0;
}

/* ---- status ------------------------------------------------------------------------- */

static void full_image(const char *image, char *buf, size_t size)
{
	const char *slash = strchr(image, '/');
	const char *colon = strrchr(image, ':');
	int has_tag = colon && (!slash || colon > strrchr(image, '/')) ? 1 : 0;
	int has_registry = slash && (memchr(image, '.', (size_t)(slash - image)) ||
				     memchr(image, ':', (size_t)(slash - image)) || !strncmp(image, "localhost/", 10));

	snprintf(buf, size, "%s%s%s%s", has_registry ? "" : "docker.io/", !slash && !has_registry ? "library/" : "",
		 image, has_tag || strchr(image, '@') ? "" : ":latest");
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	int i;

	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[64] = 0;
}

static json_t *container_status(const json_t *ctr, const char *pod_uid, enum stage stage, int failed,
				const char *started, const char *ts)
{
	const char *image = sim_ctl_str(ctr, "image") ?: "";
	const char *name = sim_ctl_str(ctr, "name") ?: "";
	char full[512], id[600], digest[65], cid[80], seed[700];
	json_t *cs, *state;

	full_image(image, full, sizeof full);
	sha256_hex(full, digest);
	snprintf(id, sizeof id, "%.*s@sha256:%s",
		 (int)(strrchr(full, ':') && strrchr(full, ':') > strrchr(full, '/') ? strrchr(full, ':') - full
										 : (long)strlen(full)),
		 full, digest);
	snprintf(seed, sizeof seed, "%s/%s", pod_uid, name);
	sha256_hex(seed, digest);
	snprintf(cid, sizeof cid, "containerd://%s", digest);
	if (stage == ST_CREATING)
		state = json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating");
	else if (stage == ST_RUNNING)
		state = json_pack("{s:{s:s}}", "running", "startedAt", started);
	else
		state = json_pack("{s:{s:i,s:s,s:s,s:s,s:s}}", "terminated", "exitCode", failed ? 1 : 0, "reason",
				  failed ? "Error" : "Completed", "startedAt", started, "finishedAt", ts,
				  "containerID", cid);
	cs = json_pack("{s:s,s:o,s:{},s:b,s:i,s:s,s:s,s:b}", "name", name, "state", state, "lastState",
		       "ready", stage == ST_RUNNING, "restartCount", 0, "image", full, "imageID",
		       stage == ST_CREATING ? "" : id, "started", stage == ST_RUNNING);
	if (stage != ST_CREATING)
		json_object_set_new(cs, "containerID", json_string(cid));
	return cs;
}

static const char *qos_class(const json_t *pod)
{
	json_t *ctrs = json_object_get(json_object_get(pod, "spec"), "containers"), *ct;
	size_t i;
	int any = 0, guaranteed = 1;

	json_array_foreach(ctrs, i, ct) {
		json_t *res = json_object_get(ct, "resources");
		json_t *req = json_object_get(res, "requests"), *lim = json_object_get(res, "limits");
		if (json_object_size(req) || json_object_size(lim))
			any = 1;
		if (!json_object_get(lim, "cpu") || !json_object_get(lim, "memory"))
			guaranteed = 0;
		if (json_object_get(req, "cpu") && !json_equal(json_object_get(req, "cpu"), json_object_get(lim, "cpu")))
			guaranteed = 0;
	}
	if (!any)
		return "BestEffort";
	return guaranteed ? "Guaranteed" : "Burstable";
}

static json_t *build_status(struct sim_ctl *c, const json_t *pod, enum stage stage, int failed,
			    const char *wait_msg)
{
	json_t *spec = json_object_get(pod, "spec"), *node, *st, *conds, *css, *ics, *ct;
	const char *node_name = sim_ctl_str(pod, "spec.nodeName"), *uid = sim_ctl_str(pod, "metadata.uid") ?: "";
	const char *host_ip = NULL, *pod_ip, *old_ip = sim_ctl_str(pod, "status.podIP");
	const char *started = sim_ctl_str(pod, "status.startTime");
	char ts[32], ipbuf[32];
	size_t i;
	int ready = stage == ST_RUNNING;

	sim_ctl_rfc3339(ts);
	if (!started)
		started = ts;
	node = sim_ctl_get(c, "", "nodes", NULL, node_name);
	json_array_foreach(json_object_get(json_object_get(node, "status"), "addresses"), i, ct) {
		if (!strcmp(sim_ctl_str(ct, "type") ?: "", "InternalIP"))
			host_ip = sim_ctl_str(ct, "address");
	}
	if (!host_ip)
		host_ip = "127.0.1.1";
	if (json_is_true(json_object_get(spec, "hostNetwork"))) {
		pod_ip = host_ip;
	} else if (old_ip) {
		pod_ip = old_ip;
	} else {
		const char *cidr = sim_ctl_str(node, "spec.podCIDR") ?: "10.244.0.0/24";
		unsigned a = 10, b = 244, cc = 0;
		c->pod_ip_seq++;
		sscanf(cidr, "%u.%u.%u", &a, &b, &cc);
		snprintf(ipbuf, sizeof ipbuf, "%u.%u.%u.%u", a, b, cc, 2 + c->pod_ip_seq % 250);
		pod_ip = ipbuf;
	}
	conds = json_array();
	json_array_append_new(conds, condition("PodReadyToStartContainers", stage == ST_CREATING ? "False" : "True",
					       NULL, ts));
	json_array_append_new(conds, condition("Initialized", "True", NULL, ts));
	json_array_append_new(conds, condition("Ready", ready ? "True" : "False",
					       stage == ST_DONE ? "PodCompleted" : ready ? NULL : "ContainersNotReady", ts));
	json_array_append_new(conds, condition("ContainersReady", ready ? "True" : "False",
					       stage == ST_DONE ? "PodCompleted" : ready ? NULL : "ContainersNotReady", ts));
	json_array_append_new(conds, condition("PodScheduled", "True", NULL, ts));
	css = json_array();
	json_array_foreach(json_object_get(spec, "containers"), i, ct)
		json_array_append_new(css, container_status(ct, uid, stage, failed, started, ts));
	st = json_pack("{s:s,s:o,s:s,s:[{s:s}],s:s,s:o}", "phase",
		       stage == ST_CREATING ? "Pending" : stage == ST_RUNNING ? "Running" : failed ? "Failed" : "Succeeded",
		       "conditions", conds, "hostIP", host_ip, "hostIPs", "ip", host_ip, "startTime", started,
		       "containerStatuses", css);
	if (stage != ST_CREATING || old_ip) {
		json_object_set_new(st, "podIP", json_string(pod_ip));
		json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", pod_ip));
	}
	if (wait_msg) {
		json_t *w = json_object_get(json_object_get(json_array_get(css, 0), "state"), "waiting");
		if (w)
			json_object_set_new(w, "message", json_string(wait_msg));
	}
	if (json_array_size(json_object_get(spec, "initContainers"))) {
		ics = json_array();
		json_array_foreach(json_object_get(spec, "initContainers"), i, ct)
			json_array_append_new(ics, container_status(ct, uid, stage == ST_CREATING ? ST_CREATING : ST_DONE,
								    0, started, ts));
		json_object_set_new(st, "initContainerStatuses", ics);
	}
	json_object_set_new(st, "qosClass", json_string(qos_class(pod)));
	json_decref(node);
	return st;
}

/* ---- image hooks --------------------------------------------------------------------- */

/* Run the running hooks not yet done; 1 when one asked to be retried. */
static int running_hooks(struct sim_ctl *c, const json_t *pod)
{
	json_t *ct;
	size_t i;
	int retry = 0;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct) {
		const struct sim_img *img = sim_img_lookup(pod, ct);
		char key[300];

		if (!img || !img->running)
			continue;
		snprintf(key, sizeof key, "running/%s", sim_ctl_str(ct, "name") ?: "");
		if (memo_get(c, pod, key))
			continue;
		if (img->running(c, pod, ct) == 0)
			memo_set(c, pod, key, json_true());
		else
			retry = 1;
	}
	return retry;
}

/* 0 all done, 1 retry, -1 failed. */
static int complete_hooks(struct sim_ctl *c, const json_t *pod)
{
	json_t *ct;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct) {
		const struct sim_img *img = sim_img_lookup(pod, ct);
		int rc;

		if (!img || !img->complete)
			continue;
		rc = img->complete(c, pod, ct);
		if (rc)
			return rc;
	}
	return 0;
}

static void pod_events_started(struct sim_ctl *c, const json_t *pod)
{
	json_t *ct;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct) {
		const char *image = sim_ctl_str(ct, "image") ?: "", *name = sim_ctl_str(ct, "name") ?: "";
		long d = sim_ctl_ready_delay_ms();

		sim_ctl_event(c, pod, "Normal", "Pulled", "kubelet",
			      "Successfully pulled image \"%s\" in %ldms (%ldms including waiting)", image, d, d);
		sim_ctl_event(c, pod, "Normal", "Created", "kubelet", "Created container %s", name);
		sim_ctl_event(c, pod, "Normal", "Started", "kubelet", "Started container %s", name);
	}
}

void sim_ctl_pod(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *pod = sim_ctl_get(c, "", "pods", ns, name), *ct;
	const char *uid;
	enum stage stage;
	int64_t now = sim_ctl_now_ms(), t0;
	long delay = sim_ctl_ready_delay_ms();
	char msg[700];
	size_t i;

	if (!pod || sim_ctl_terminating(pod))
		goto out;
	uid = sim_ctl_str(pod, "metadata.uid") ?: "";
	stage = pod_stage(pod);
	if (stage == ST_DONE)
		goto out;
	if (stage == ST_UNSCHEDULED) {
		schedule(c, pod);
		goto out;
	}
	if (stage == ST_RUNNING) {
		if (running_hooks(c, pod))
			sim_ctl_enqueue(c, CTL_POD, ns, name, 1000);
		if (!is_job_pod(pod))
			goto out;
		/* A Job's pod runs for a while, then completes. */
		t0 = json_integer_value(json_object_get(c->started, uid));
		if (!t0) {
			t0 = now - delay;
			json_object_set_new(c->started, uid, json_integer(t0));
		}
		if (now < t0 + 2 * delay) {
			sim_ctl_enqueue(c, CTL_POD, ns, name, (long)(t0 + 2 * delay - now));
			goto out;
		}
		switch (complete_hooks(c, pod)) {
		case 1:
			sim_ctl_enqueue(c, CTL_POD, ns, name, 500);
			goto out;
		case -1:
			sim_ctl_set_status(c, "", "pods", ns, name, build_status(c, pod, ST_DONE, 1, NULL), "kubelet");
			goto out;
		default:
			sim_ctl_set_status(c, "", "pods", ns, name, build_status(c, pod, ST_DONE, 0, NULL), "kubelet");
			goto out;
		}
	}
	/* ST_CREATING */
	if (missing_volume(c, pod, msg, sizeof msg)) {
		int64_t last;
		last = json_integer_value(memo_get(c, pod, "failedmount"));
		if (!last || now - last >= 10000) {
			memo_set(c, pod, "failedmount", json_integer(now));
			sim_ctl_event(c, pod, "Warning", "FailedMount", "kubelet", "%s", msg);
		}
		json_object_del(c->started, uid);
		if (!json_object_get(json_object_get(pod, "status"), "containerStatuses"))
			sim_ctl_set_status(c, "", "pods", ns, name, build_status(c, pod, ST_CREATING, 0, NULL),
					   "kubelet");
		sim_ctl_enqueue(c, CTL_POD, ns, name, 1000);
		goto out;
	}
	t0 = json_integer_value(json_object_get(c->started, uid));
	if (!t0) {
		t0 = now;
		json_object_set_new(c->started, uid, json_integer(now));
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct)
			sim_ctl_event(c, pod, "Normal", "Pulling", "kubelet", "Pulling image \"%s\"",
				      sim_ctl_str(ct, "image") ?: "");
		if (!json_object_get(json_object_get(pod, "status"), "containerStatuses"))
			sim_ctl_set_status(c, "", "pods", ns, name, build_status(c, pod, ST_CREATING, 0, NULL),
					   "kubelet");
	}
	if (now < t0 + delay) {
		sim_ctl_enqueue(c, CTL_POD, ns, name, (long)(t0 + delay - now));
		goto out;
	}
	if (sim_ctl_set_status(c, "", "pods", ns, name, build_status(c, pod, ST_RUNNING, 0, NULL), "kubelet") == 0)
		pod_events_started(c, pod);
	sim_ctl_enqueue(c, CTL_POD, ns, name, 0);
out:
	json_decref(pod);
}

void sim_ctl_ns_pods(struct sim_ctl *c, const char *ns)
{
	json_t *pods = sim_ctl_list(c, "", "pods", ns), *p;
	size_t i;

	json_array_foreach(pods, i, p) {
		if (pod_stage(p) == ST_CREATING)
			sim_ctl_enqueue(c, CTL_POD, ns, sim_ctl_str(p, "metadata.name"), 0);
	}
	json_decref(pods);
}
