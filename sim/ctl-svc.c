/* ctl-svc.c - Services: ClusterIP and NodePort allocation at admission
 * (so the object the client gets back already has them, as from a real
 * apiserver), and the endpoints and endpointslice controllers: Endpoints
 * and one EndpointSlice per Service from the pods its selector matches. */
#include "sim/controllers.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGR "kube-controller-manager"

/* ---- allocation (under c->mu) ------------------------------------------------------- */

static void reserve(struct sim_ctl *c, const json_t *svc)
{
	json_t *spec = json_object_get(svc, "spec"), *p;
	const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
	size_t i;

	if (ip && strcmp(ip, "None"))
		json_object_set_new(c->cluster_ips, ip, json_true());
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
		char k[16];
		if (np) {
			snprintf(k, sizeof k, "%lld", (long long)np);
			json_object_set_new(c->node_ports, k, json_true());
		}
	}
}

static void release(struct sim_ctl *c, const json_t *svc)
{
	json_t *spec = json_object_get(svc, "spec"), *p;
	const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
	size_t i;

	pthread_mutex_lock(&c->mu);
	if (ip)
		json_object_del(c->cluster_ips, ip);
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		char k[16];
		snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(p, "nodePort")));
		json_object_del(c->node_ports, k);
	}
	pthread_mutex_unlock(&c->mu);
}

void sim_ctl_svc_init(struct sim_ctl *c)
{
	json_t *all = sim_ctl_list(c, "", "services", NULL), *s;
	size_t i;

	pthread_mutex_lock(&c->mu);
	json_array_foreach(all, i, s)
		reserve(c, s);
	pthread_mutex_unlock(&c->mu);
	json_decref(all);
}

/* A free address in 10.96.0.0/12 (the default service CIDR). */
static void alloc_ip(struct sim_ctl *c, char buf[32])
{
	unsigned char r[4];
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		RAND_bytes(r, sizeof r);
		snprintf(buf, 32, "10.%u.%u.%u", 96 + (r[0] & 15), r[1], 1 + r[2] % 254);
		/* 10.96.0.1 is the kubernetes Service's. */
		if (!json_object_get(c->cluster_ips, buf) && strcmp(buf, "10.96.0.1"))
			break;
	}
	json_object_set_new(c->cluster_ips, buf, json_true());
}

static long alloc_port(struct sim_ctl *c)
{
	unsigned char r[2];
	char k[16];
	long p = 30000;
	int tries;

	for (tries = 0; tries < 5000; tries++) {
		RAND_bytes(r, sizeof r);
		p = 30000 + ((long)r[0] << 8 | r[1]) % 2768;
		snprintf(k, sizeof k, "%ld", p);
		if (!json_object_get(c->node_ports, k))
			break;
	}
	json_object_set_new(c->node_ports, k, json_true());
	return p;
}

static const json_t *old_port(const json_t *old, const json_t *port)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(old, "spec"), "ports"), i, p) {
		if (json_equal(json_object_get(p, "port"), json_object_get(port, "port")) &&
		    !strcmp(sim_ctl_str(p, "protocol") ?: "TCP", sim_ctl_str(port, "protocol") ?: "TCP"))
			return p;
	}
	return NULL;
}

static int admit_locked(struct sim_ctl *c, json_t *obj, const json_t *old, struct kerr *err)
{
	json_t *spec = json_object_get(obj, "spec"), *ports, *p;
	const char *type, *ip, *oip = sim_ctl_str(old, "spec.clusterIP"), *name = sim_ctl_str(obj, "metadata.name");
	char buf[32];
	size_t i;
	int node_ports;

	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	type = sim_ctl_str(spec, "type");
	if (!type) {
		json_object_set_new(spec, "type", json_string("ClusterIP"));
		type = "ClusterIP";
	}
	if (!strcmp(type, "ExternalName"))
		return 0;
	if (!json_object_get(spec, "sessionAffinity"))
		json_object_set_new(spec, "sessionAffinity", json_string("None"));
	if (!json_object_get(spec, "internalTrafficPolicy"))
		json_object_set_new(spec, "internalTrafficPolicy", json_string("Cluster"));
	if (!json_object_get(spec, "ipFamilies"))
		json_object_set_new(spec, "ipFamilies", json_pack("[s]", "IPv4"));
	if (!json_object_get(spec, "ipFamilyPolicy"))
		json_object_set_new(spec, "ipFamilyPolicy", json_string("SingleStack"));
	ip = sim_ctl_str(spec, "clusterIP");
	if (oip && (!ip || !*ip)) {
		json_object_set_new(spec, "clusterIP", json_string(oip));
	} else if (oip && strcmp(ip, oip)) {
		return sim_kerr_http(err, 422, "Invalid",
				     "Service \"%s\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"%s\"}: "
				     "may not change once set", name, ip);
	} else if (!oip && ip && *ip && strcmp(ip, "None")) {
		if (json_object_get(c->cluster_ips, ip))
			return sim_kerr_http(err, 422, "Invalid",
					     "Service \"%s\" is invalid: spec.clusterIPs: Invalid value: []string{\"%s\"}: "
					     "failed to allocate IP %s: provided IP is already allocated", name, ip, ip);
		json_object_set_new(c->cluster_ips, ip, json_true());
	} else if (!ip || !*ip) {
		alloc_ip(c, buf);
		json_object_set_new(spec, "clusterIP", json_string(buf));
	}
	json_object_set_new(spec, "clusterIPs", json_pack("[s]", sim_ctl_str(spec, "clusterIP")));
	node_ports = !strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer");
	if (!strcmp(type, "LoadBalancer") && !json_object_get(spec, "allocateLoadBalancerNodePorts"))
		json_object_set_new(spec, "allocateLoadBalancerNodePorts", json_true());
	if (node_ports && !json_object_get(spec, "externalTrafficPolicy"))
		json_object_set_new(spec, "externalTrafficPolicy", json_string("Cluster"));
	ports = json_object_get(spec, "ports");
	json_array_foreach(ports, i, p) {
		const json_t *op = old_port(old, p);

		if (!json_object_get(p, "protocol"))
			json_object_set_new(p, "protocol", json_string("TCP"));
		if (!json_object_get(p, "targetPort") && json_object_get(p, "port"))
			json_object_set(p, "targetPort", json_object_get(p, "port"));
		if (!node_ports) {
			json_object_del(p, "nodePort");
			continue;
		}
		if (json_integer_value(json_object_get(p, "nodePort"))) {
			long np = (long)json_integer_value(json_object_get(p, "nodePort"));
			char k[16];

			if (op && json_integer_value(json_object_get(op, "nodePort")) == np)
				continue;
			snprintf(k, sizeof k, "%ld", np);
			if (np < 30000 || np > 32767)
				return sim_kerr_http(err, 422, "Invalid",
						     "Service \"%s\" is invalid: spec.ports[%zu].nodePort: Invalid value: %ld: "
						     "provided port is not in the valid range. The range of valid ports is "
						     "30000-32767", name, i, np);
			if (json_object_get(c->node_ports, k))
				return sim_kerr_http(err, 422, "Invalid",
						     "Service \"%s\" is invalid: spec.ports[%zu].nodePort: Invalid value: %ld: "
						     "provided port is already allocated", name, i, np);
			json_object_set_new(c->node_ports, k, json_true());
		} else if (op && json_integer_value(json_object_get(op, "nodePort"))) {
			json_object_set(p, "nodePort", json_object_get(op, "nodePort"));
		} else {
			json_object_set_new(p, "nodePort", json_integer(alloc_port(c)));
		}
	}
	return 0;
}

int sim_ctl_admit_service(struct sim_cluster *cl, enum sim_op op, const struct sim_type *t,
			  json_t *obj, const json_t *old, void *ud, struct kerr *err)
{
	struct sim_ctl *c = cl ? cl->ctl : NULL;
	int rc;

	(void)t;
	(void)ud;
	if (!c || op == SIM_OP_DELETE)
		return 0;
	pthread_mutex_lock(&c->mu);
	rc = admit_locked(c, obj, old, err);
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* ---- endpoints ----------------------------------------------------------------------- */

static json_t *target_port(const json_t *svc_port, const json_t *pod)
{
	json_t *tp = json_object_get(svc_port, "targetPort"), *ct, *cp;
	size_t i, j;

	if (json_is_integer(tp))
		return json_incref(tp);
	if (!json_is_string(tp))
		return json_incref(json_object_get(svc_port, "port"));
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, ct) {
		json_array_foreach(json_object_get(ct, "ports"), j, cp) {
			if (!strcmp(sim_ctl_str(cp, "name") ?: "", json_string_value(tp)))
				return json_incref(json_object_get(cp, "containerPort"));
		}
	}
	return NULL;
}

static int replace_fields(json_t *obj, void *ud, struct kerr *err)
{
	json_t *want = ud, *v;
	const char *k;
	int changed = 0;

	(void)err;
	json_object_foreach(want, k, v) {
		if (json_is_null(v)) {
			if (json_object_get(obj, k)) {
				json_object_del(obj, k);
				changed = 1;
			}
		} else if (!json_equal(json_object_get(obj, k), v)) {
			json_object_set(obj, k, v);
			changed = 1;
		}
	}
	return changed ? 0 : 1;
}

static void put(struct sim_ctl *c, const char *group, const char *plural, const char *ns, const char *name,
		json_t *obj /* stolen */, const char *const *fields)
{
	json_t *live = sim_ctl_get(c, group, plural, ns, name), *want;
	size_t i;

	if (!live) {
		sim_ctl_create(c, group, plural, ns, obj, MGR);
	} else {
		want = json_object();
		for (i = 0; fields[i]; i++)
			json_object_set(want, fields[i], json_object_get(obj, fields[i]) ?: json_null());
		sim_ctl_mutate(c, group, plural, ns, name, replace_fields, want, MGR);
		json_decref(want);
	}
	json_decref(live);
	json_decref(obj);
}

void sim_ctl_service(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *svc = sim_ctl_get(c, "", "services", ns, name), *sel, *pods, *p, *sp;
	json_t *ready = json_array(), *notready = json_array(), *eports = json_array(), *slice_eps = json_array();
	json_t *ep, *slice, *subsets, *labels;
	static const char *const ep_fields[] = { "subsets", NULL };
	static const char *const slice_fields[] = { "endpoints", "ports", NULL };
	char sname[400], suf[16];
	size_t i, j;

	if (!svc || sim_ctl_terminating(svc) || !strcmp(sim_ctl_str(svc, "spec.type") ?: "", "ExternalName"))
		goto out;
	if (!strcmp(sim_ctl_str(svc, "spec.type") ?: "", "LoadBalancer") &&
	    !json_array_size(json_object_get(json_object_get(json_object_get(svc, "status"), "loadBalancer"), "ingress")))
		sim_ctl_set_status(c, "", "services", ns, name,
				   json_pack("{s:{s:[{s:s,s:s}]}}", "loadBalancer", "ingress", "ip", c->cl->address,
					     "ipMode", "VIP"),
				   "service-controller");
	sel = json_object_get(json_object_get(svc, "spec"), "selector");
	if (!json_is_object(sel) || !json_object_size(sel))
		goto out;   /* endpoints of selector-less services are the user's */
	pods = sim_ctl_list(c, "", "pods", ns);
	json_array_foreach(pods, i, p) {
		const char *ip = sim_ctl_str(p, "status.podIP");
		json_t *addr;
		int r = sim_ctl_pod_ready(p);

		if (!ip || sim_ctl_terminating(p) || sim_ctl_pod_finished(p) ||
		    !sim_ctl_selector_matches(sel, json_object_get(json_object_get(p, "metadata"), "labels"), 0))
			continue;
		addr = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "ip", ip, "nodeName", sim_ctl_str(p, "spec.nodeName") ?: "",
				 "targetRef", "kind", "Pod", "namespace", ns, "name", sim_ctl_str(p, "metadata.name"),
				 "uid", sim_ctl_str(p, "metadata.uid") ?: "");
		json_array_append_new(slice_eps, json_pack("{s:[s],s:{s:b,s:b,s:b},s:s,s:O}", "addresses", ip,
							   "conditions", "ready", r, "serving", r, "terminating", 0,
							   "nodeName", sim_ctl_str(p, "spec.nodeName") ?: "",
							   "targetRef", json_object_get(addr, "targetRef")));
		json_array_append_new(r ? ready : notready, addr);
		if (!json_array_size(eports)) {
			json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), j, sp) {
				json_t *tp = target_port(sp, p), *e;
				if (!tp)
					continue;
				e = json_pack("{s:o,s:s}", "port", tp, "protocol", sim_ctl_str(sp, "protocol") ?: "TCP");
				if (sim_ctl_str(sp, "name"))
					json_object_set_new(e, "name", json_string(sim_ctl_str(sp, "name")));
				json_array_append_new(eports, e);
			}
		}
	}
	json_decref(pods);
	subsets = json_array();
	if (json_array_size(ready) || json_array_size(notready)) {
		json_t *s = json_pack("{s:O}", "ports", eports);
		if (json_array_size(ready))
			json_object_set(s, "addresses", ready);
		if (json_array_size(notready))
			json_object_set(s, "notReadyAddresses", notready);
		json_array_append_new(subsets, s);
	}
	labels = json_deep_copy(json_object_get(json_object_get(svc, "metadata"), "labels"));
	if (!json_is_object(labels)) {
		json_decref(labels);
		labels = json_object();
	}
	ep = json_pack("{s:s,s:s,s:{s:s,s:s,s:O}}", "apiVersion", "v1", "kind", "Endpoints", "metadata", "name", name,
		       "namespace", ns, "labels", labels);
	if (json_array_size(subsets))
		json_object_set(ep, "subsets", subsets);
	put(c, "", "endpoints", ns, name, ep, ep_fields);
	json_decref(subsets);

	/* The EndpointSlice: a stable name per Service. */
	sim_ctl_hash(json_object_get(json_object_get(svc, "metadata"), "uid"), suf);
	suf[5] = 0;
	snprintf(sname, sizeof sname, "%s-%s", name, suf);
	json_object_set_new(labels, "kubernetes.io/service-name", json_string(name));
	json_object_set_new(labels, "endpointslice.kubernetes.io/managed-by", json_string("endpointslice-controller.k8s.io"));
	slice = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:o,s:[o]},s:s,s:O,s:O}", "apiVersion", "discovery.k8s.io/v1",
			  "kind", "EndpointSlice", "metadata", "name", sname, "namespace", ns, "generateName", "", "labels",
			  labels, "ownerReferences", sim_ctl_owner_ref(svc, "v1", "Service"), "addressType", "IPv4",
			  "endpoints", slice_eps, "ports", eports);
	{
		char gn[400];
		snprintf(gn, sizeof gn, "%s-", name);
		json_object_set_new(json_object_get(slice, "metadata"), "generateName", json_string(gn));
	}
	put(c, "discovery.k8s.io", "endpointslices", ns, sname, slice, slice_fields);
out:
	json_decref(ready);
	json_decref(notready);
	json_decref(eports);
	json_decref(slice_eps);
	json_decref(svc);
}

void sim_ctl_ns_services(struct sim_ctl *c, const char *ns)
{
	json_t *all = sim_ctl_list(c, "", "services", ns), *s;
	size_t i;

	json_array_foreach(all, i, s)
		sim_ctl_enqueue(c, CTL_SERVICE, ns, sim_ctl_str(s, "metadata.name"), 0);
	json_decref(all);
}

void sim_ctl_service_deleted(struct sim_ctl *c, const json_t *svc)
{
	release(c, svc);
}
