/* fleet-obj.c - from a Kubernetes object to the fleet's small summary.
 * Pure functions (tested in tests/tui). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/fleet/fleet.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"

static const struct {
	const char *resource;
	const char *kind;
} kinds[FLEET__KINDS] = {
	[FLEET_NODES] = { "nodes", "Node" },
	[FLEET_NAMESPACES] = { "namespaces", "Namespace" },
	[FLEET_DEPLOYMENTS] = { "deployments.apps", "Deployment" },
	[FLEET_STATEFULSETS] = { "statefulsets.apps", "StatefulSet" },
	[FLEET_DAEMONSETS] = { "daemonsets.apps", "DaemonSet" },
	[FLEET_PODS] = { "pods", "Pod" },
};

const char *fleet_kind_resource(enum fleet_kind kind)
{
	return (unsigned)kind < FLEET__KINDS ? kinds[kind].resource : NULL;
}

const char *fleet_kind_name(enum fleet_kind kind)
{
	return (unsigned)kind < FLEET__KINDS ? kinds[kind].kind : NULL;
}

/* Parse a decimal number with an optional suffix into a double of base
 * units; -1 on error. */
static double quantity(const char *q)
{
	static const struct {
		const char *suf;
		double mul;
	} sufs[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "k", 1e3 }, { "K", 1e3 },
		{ "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
	};
	char *end;
	double v;

	if (!q || !*q)
		return -1;
	v = strtod(q, &end);
	if (end == q || v < 0 || !isfinite(v))
		return -1;
	if (!*end)
		return v;
	for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (!strcmp(end, sufs[i].suf))
			return v * sufs[i].mul;
	return -1;
}

long fleet_cpu_milli(const char *q)
{
	double v = quantity(q);

	return v < 0 ? -1 : (long)llround(v * 1000.0);
}

long fleet_mem_kib(const char *q)
{
	double v = quantity(q);

	return v < 0 ? -1 : (long)llround(v / 1024.0);
}

void fleet_obj_free(struct fleet_obj *o)
{
	if (!o)
		return;
	free(o->key);
	free(o->node);
	free(o->owner);
	free(o->version);
	free(o->container);
	free(o);
}

static json_t *condition(const json_t *obj, const char *type)
{
	json_t *conds = jx_get(obj, "status.conditions"), *c;
	size_t i;

	json_array_foreach(conds, i, c) {
		const char *t = jx_str(c, "type");

		if (t && !strcmp(t, type))
			return c;
	}
	return NULL;
}

static void sum_node(struct fleet_obj *o, const json_t *obj)
{
	json_t *c = condition(obj, "Ready");
	const char *st = c ? jx_str(c, "status") : NULL;
	json_t *labels = jx_get(obj, "metadata.labels");

	if (json_object_get(labels, "node-role.kubernetes.io/edge"))
		o->flags |= FLEET_OBJ_EDGE;
	if (json_object_get(labels, "node-role.kubernetes.io/control-plane") ||
	    json_object_get(labels, "node-role.kubernetes.io/master"))
		o->flags |= FLEET_OBJ_CONTROL_PLANE;
	if (st && !strcmp(st, "True")) {
		o->health = FLEET_OK;
		snprintf(o->status, sizeof(o->status), "Ready");
	} else if (st) {
		o->health = FLEET_ERR;
		snprintf(o->status, sizeof(o->status), "NotReady");
	} else {
		snprintf(o->status, sizeof(o->status), "Unknown");
	}
	if (jx_bool(obj, "spec.unschedulable", 0)) {
		strncat(o->status, ",SchedulingDisabled", sizeof(o->status) - strlen(o->status) - 1);
		if (o->health == FLEET_OK)
			o->health = FLEET_WARN;
	}
	o->version = xstrdup(jx_str(obj, "status.nodeInfo.kubeletVersion"));
	o->cap_cpu_milli = fleet_cpu_milli(jx_str(obj, "status.allocatable.cpu"));
	o->cap_mem_kib = fleet_mem_kib(jx_str(obj, "status.allocatable.memory"));
	if (o->cap_cpu_milli < 0)
		o->cap_cpu_milli = fleet_cpu_milli(jx_str(obj, "status.capacity.cpu"));
	if (o->cap_mem_kib < 0)
		o->cap_mem_kib = fleet_mem_kib(jx_str(obj, "status.capacity.memory"));
}

static void sum_namespace(struct fleet_obj *o, const json_t *obj)
{
	const char *phase = jx_str_or(obj, "status.phase", "Active");

	snprintf(o->status, sizeof(o->status), "%s", phase);
	o->health = !strcmp(phase, "Active") ? FLEET_OK : FLEET_WARN;
}

static void sum_workload(struct fleet_obj *o, const json_t *obj)
{
	json_t *c;

	switch (o->kind) {
	case FLEET_DAEMONSETS:
		o->want = (long)jx_int(obj, "status.desiredNumberScheduled", 0);
		o->ready = (long)jx_int(obj, "status.numberReady", 0);
		break;
	default:
		o->want = (long)jx_int(obj, "spec.replicas", 1);
		o->ready = (long)jx_int(obj, "status.readyReplicas", 0);
		break;
	}
	snprintf(o->status, sizeof(o->status), "%ld/%ld", o->ready, o->want);
	o->health = o->ready >= o->want ? FLEET_OK : FLEET_WARN;
	if (o->kind == FLEET_DEPLOYMENTS && (c = condition(obj, "Progressing"))) {
		const char *r = jx_str(c, "reason");

		if (r && !strcmp(r, "ProgressDeadlineExceeded")) {
			o->health = FLEET_ERR;
			snprintf(o->status, sizeof(o->status), "%ld/%ld stalled", o->ready, o->want);
		}
	}
	/* What kurator installed says so (recipes label every object);
	 * others often carry the recommended label. */
	o->version = xstrdup(jx_str(obj, "metadata.labels.kurator\\.dev/version"));
	if (!o->version)
		o->version = xstrdup(jx_str(obj, "metadata.labels.app\\.kubernetes\\.io/version"));
}

/* "web-7d4b9c8f6" (ReplicaSet of Deployment web) -> "web". */
static char *strip_hash(const char *rs)
{
	const char *dash = strrchr(rs, '-');

	return dash && dash != rs ? xstrndup(rs, (size_t)(dash - rs)) : xstrdup(rs);
}

static void sum_pod(struct fleet_obj *o, const json_t *obj)
{
	const char *phase = jx_str_or(obj, "status.phase", "Pending");
	const char *reason = NULL;
	json_t *cs = jx_get(obj, "status.containerStatuses"), *c, *owners;
	json_t *specc = jx_get(obj, "spec.containers");
	size_t i;

	o->want = (long)json_array_size(specc);
	json_array_foreach(cs, i, c) {
		const char *w = jx_str(c, "state.waiting.reason");
		const char *t = jx_str(c, "state.terminated.reason");

		if (jx_bool(c, "ready", 0))
			o->ready++;
		if (w && !reason)
			reason = w;
		else if (t && !reason && strcmp(phase, "Succeeded"))
			reason = t;
	}
	if (json_array_size(cs) > (size_t)o->want)
		o->want = (long)json_array_size(cs);
	o->container = xstrdup(jx_str(json_array_get(specc, 0), "name"));
	o->node = xstrdup(jx_str(obj, "spec.nodeName"));
	if (jx_get(obj, "metadata.deletionTimestamp")) {
		snprintf(o->status, sizeof(o->status), "Terminating");
		o->health = FLEET_WARN;
	} else if (reason) {
		snprintf(o->status, sizeof(o->status), "%s", reason);
		o->health = strstr(reason, "BackOff") || strstr(reason, "Err") ||
			    !strcmp(reason, "Error") ? FLEET_ERR : FLEET_WARN;
	} else {
		snprintf(o->status, sizeof(o->status), "%s", phase);
		if (!strcmp(phase, "Running"))
			o->health = o->ready >= o->want ? FLEET_OK : FLEET_WARN;
		else if (!strcmp(phase, "Succeeded"))
			o->health = FLEET_OK;
		else if (!strcmp(phase, "Failed"))
			o->health = FLEET_ERR;
		else
			o->health = FLEET_WARN;
	}
	owners = jx_get(obj, "metadata.ownerReferences");
	c = json_array_get(owners, 0);
	if (c) {
		const char *k = jx_str(c, "kind"), *n = jx_str(c, "name");

		if (k && n && !strcmp(k, "ReplicaSet")) {
			char *d = strip_hash(n);

			o->owner = xasprintf("Deployment/%s", d);
			free(d);
		} else if (k && n) {
			o->owner = xasprintf("%s/%s", k, n);
		}
	}
}

struct fleet_obj *fleet_obj_from_json(enum fleet_kind kind, const json_t *obj)
{
	const char *name = jx_name(obj), *ns = jx_namespace(obj), *ts;
	struct fleet_obj *o;
	size_t nslen;

	if (!name || !*name || (unsigned)kind >= FLEET__KINDS)
		return NULL;
	if (kind == FLEET_NODES || kind == FLEET_NAMESPACES)
		ns = NULL;
	o = xcalloc(1, sizeof(*o));
	o->kind = kind;
	o->cpu_milli = o->mem_kib = -1;
	o->cap_cpu_milli = o->cap_mem_kib = -1;
	if (ns && *ns) {
		o->key = xasprintf("%s/%s", ns, name);
		nslen = strlen(ns);
		o->key[nslen] = '\0';  /* split in place: ns and name share one allocation */
		o->ns = o->key;
		o->name = o->key + nslen + 1;
	} else {
		o->key = xstrdup(name);
		o->ns = "";
		o->name = o->key;
	}
	ts = jx_str(obj, "metadata.creationTimestamp");
	o->created = ts ? jx_parse_rfc3339(ts) : 0;
	switch (kind) {
	case FLEET_NODES:
		sum_node(o, obj);
		break;
	case FLEET_NAMESPACES:
		sum_namespace(o, obj);
		break;
	case FLEET_PODS:
		sum_pod(o, obj);
		break;
	default:
		sum_workload(o, obj);
		break;
	}
	return o;
}
