/* table.c - meta.k8s.io/v1 Table rows the way the apiserver prints them.
 *
 * Real columns for pods, nodes, namespaces, deployments and services; CRDs
 * use their additionalPrinterColumns (a small JSONPath subset: .a.b, [N],
 * [?(@.k=="v")]); everything else gets Name and Age.
 */
#include "sim/core.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jsonx.h"
#include "lib/xalloc.h"

static json_t *coldef(const char *name, const char *type, const char *format, int priority,
		      const char *desc)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", name, "type", type, "format", format ? format : "",
			 "description", desc ? desc : "", "priority", priority);
}

static int is_core(const struct sim_type *t, const char *kind)
{
	return !t->group[0] && !strcmp(t->kind, kind);
}

/* Columns of other built-in kinds, as printer columns. Two computed forms
 * beyond JSONPath: len(.a,.b) counts the keys/items of the fields, and
 * ratio(.a,.b) prints "a/b" (0 when a is absent, 1 when b is). */
static const struct {
	const char *group, *kind, *columns;
	int no_age;             /* the apiserver prints "Created At" instead */
} builtin_cols[] = {
	{ "apiextensions.k8s.io", "CustomResourceDefinition",
		"[{\"name\":\"Created At\",\"type\":\"string\",\"format\":\"date-time\",\"jsonPath\":\".metadata.creationTimestamp\"}]", 1 },
	{ "rbac.authorization.k8s.io", "Role",
		"[{\"name\":\"Created At\",\"type\":\"string\",\"format\":\"date-time\",\"jsonPath\":\".metadata.creationTimestamp\"}]", 1 },
	{ "rbac.authorization.k8s.io", "ClusterRole",
		"[{\"name\":\"Created At\",\"type\":\"string\",\"format\":\"date-time\",\"jsonPath\":\".metadata.creationTimestamp\"}]", 1 },
	{ "", "ConfigMap", "[{\"name\":\"Data\",\"type\":\"integer\",\"jsonPath\":\"len(.data,.binaryData)\"}]", 0 },
	{ "", "Secret", "[{\"name\":\"Type\",\"type\":\"string\",\"jsonPath\":\".type\"},"
		"{\"name\":\"Data\",\"type\":\"integer\",\"jsonPath\":\"len(.data)\"}]", 0 },
	{ "", "ServiceAccount", "[{\"name\":\"Secrets\",\"type\":\"integer\",\"jsonPath\":\"len(.secrets)\"}]", 0 },
	{ "", "Endpoints", "[{\"name\":\"Endpoints\",\"type\":\"string\",\"jsonPath\":\".subsets[0].addresses[0].ip\"}]", 0 },
	{ "apps", "ReplicaSet", "[{\"name\":\"Desired\",\"type\":\"integer\",\"jsonPath\":\".spec.replicas\"},"
		"{\"name\":\"Current\",\"type\":\"integer\",\"jsonPath\":\".status.replicas\"},"
		"{\"name\":\"Ready\",\"type\":\"integer\",\"jsonPath\":\".status.readyReplicas\"}]", 0 },
	{ "apps", "StatefulSet", "[{\"name\":\"Ready\",\"type\":\"string\",\"jsonPath\":\"ratio(.status.readyReplicas,.spec.replicas)\"}]", 0 },
	{ "apps", "DaemonSet", "[{\"name\":\"Desired\",\"type\":\"integer\",\"jsonPath\":\".status.desiredNumberScheduled\"},"
		"{\"name\":\"Current\",\"type\":\"integer\",\"jsonPath\":\".status.currentNumberScheduled\"},"
		"{\"name\":\"Ready\",\"type\":\"integer\",\"jsonPath\":\".status.numberReady\"},"
		"{\"name\":\"Up-to-date\",\"type\":\"integer\",\"jsonPath\":\".status.updatedNumberScheduled\"},"
		"{\"name\":\"Available\",\"type\":\"integer\",\"jsonPath\":\".status.numberAvailable\"}]", 0 },
	{ "batch", "Job", "[{\"name\":\"Completions\",\"type\":\"string\",\"jsonPath\":\"ratio(.status.succeeded,.spec.completions)\"}]", 0 },
	{ "batch", "CronJob", "[{\"name\":\"Schedule\",\"type\":\"string\",\"jsonPath\":\".spec.schedule\"},"
		"{\"name\":\"Suspend\",\"type\":\"boolean\",\"jsonPath\":\".spec.suspend\"}]", 0 },
	{ "rbac.authorization.k8s.io", "RoleBinding", "[{\"name\":\"Role\",\"type\":\"string\",\"jsonPath\":\".roleRef.name\"}]", 0 },
	{ "rbac.authorization.k8s.io", "ClusterRoleBinding", "[{\"name\":\"Role\",\"type\":\"string\",\"jsonPath\":\".roleRef.name\"}]", 0 },
	{ "scheduling.k8s.io", "PriorityClass", "[{\"name\":\"Value\",\"type\":\"integer\",\"jsonPath\":\".value\"},"
		"{\"name\":\"Global-Default\",\"type\":\"boolean\",\"jsonPath\":\".globalDefault\"}]", 0 },
	{ "coordination.k8s.io", "Lease", "[{\"name\":\"Holder\",\"type\":\"string\",\"jsonPath\":\".spec.holderIdentity\"}]", 0 },
	{ "storage.k8s.io", "StorageClass", "[{\"name\":\"Provisioner\",\"type\":\"string\",\"jsonPath\":\".provisioner\"}]", 0 },
	{ "apiregistration.k8s.io", "APIService", "[{\"name\":\"Service\",\"type\":\"string\",\"jsonPath\":\".spec.service.name\"},"
		"{\"name\":\"Available\",\"type\":\"string\",\"jsonPath\":\".status.conditions[?(@.type==\\\"Available\\\")].status\"}]", 0 },
};
static json_t *builtin_parsed[sizeof builtin_cols / sizeof builtin_cols[0]];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof builtin_cols / sizeof builtin_cols[0]; i++) {
		json_t *cols = json_loads(builtin_cols[i].columns, 0, NULL);
		/* every other built-in table ends with Age */
		if (!builtin_cols[i].no_age)
			json_array_append_new(cols, json_pack("{s:s,s:s,s:s}", "name", "Age", "type", "date", "jsonPath",
						      ".metadata.creationTimestamp"));
		builtin_parsed[i] = cols;
	}
}

static json_t *builtin_columns(const struct sim_type *t)
{
	size_t i;

	if (t->crd_name)
		return NULL;
	pthread_once(&builtin_once, builtin_parse);
	for (i = 0; i < sizeof builtin_cols / sizeof builtin_cols[0]; i++)
		if (!strcmp(builtin_cols[i].group, t->group) && !strcmp(builtin_cols[i].kind, t->kind))
			return builtin_parsed[i];
	return NULL;
}

json_t *sim_table_columns(const struct sim_type *t, json_t *pc)
{
	json_t *c = json_array(), *v;
	size_t i;
	static const char name_desc[] =
		"Name must be unique within a namespace. Is required when creating resources, although some resources "
		"may allow a client to request the generation of an appropriate name automatically.";
	static const char age_desc[] =
		"CreationTimestamp is a timestamp representing the server time when this object was created.";

	json_array_append_new(c, coldef("Name", "string", "name", 0, name_desc));
	if (!json_array_size(pc))
		pc = builtin_columns(t);
	if (is_core(t, "Pod")) {
		json_array_append_new(c, coldef("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."));
		json_array_append_new(c, coldef("Status", "string", "", 0, "The aggregate status of the containers in this pod."));
		json_array_append_new(c, coldef("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."));
		json_array_append_new(c, coldef("Age", "string", "", 0, age_desc));
		json_array_append_new(c, coldef("IP", "string", "", 1, "IP address allocated to the pod."));
		json_array_append_new(c, coldef("Node", "string", "", 1, "Name of the Node where the pod is running."));
		json_array_append_new(c, coldef("Nominated Node", "string", "", 1, "Name of the node the pod is nominated on."));
		json_array_append_new(c, coldef("Readiness Gates", "string", "", 1, "Readiness gates."));
	} else if (is_core(t, "Node")) {
		json_array_append_new(c, coldef("Status", "string", "", 0, "The status of the node"));
		json_array_append_new(c, coldef("Roles", "string", "", 0, "The roles of the node"));
		json_array_append_new(c, coldef("Age", "string", "", 0, age_desc));
		json_array_append_new(c, coldef("Version", "string", "", 0, "Kubelet Version reported by the node."));
		json_array_append_new(c, coldef("Internal-IP", "string", "", 1, "List of internal IPs."));
		json_array_append_new(c, coldef("External-IP", "string", "", 1, "List of external IPs."));
		json_array_append_new(c, coldef("OS-Image", "string", "", 1, "OS Image reported by the node."));
		json_array_append_new(c, coldef("Kernel-Version", "string", "", 1, "Kernel Version reported by the node."));
		json_array_append_new(c, coldef("Container-Runtime", "string", "", 1, "Container Runtime Version reported by the node."));
	} else if (is_core(t, "Namespace")) {
		json_array_append_new(c, coldef("Status", "string", "", 0, "The status of the namespace"));
		json_array_append_new(c, coldef("Age", "string", "", 0, age_desc));
	} else if (!strcmp(t->group, "apps") && !strcmp(t->kind, "Deployment")) {
		json_array_append_new(c, coldef("Ready", "string", "", 0, "Number of the pod with ready state"));
		json_array_append_new(c, coldef("Up-to-date", "integer", "", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."));
		json_array_append_new(c, coldef("Available", "integer", "", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."));
		json_array_append_new(c, coldef("Age", "string", "", 0, age_desc));
		json_array_append_new(c, coldef("Containers", "string", "", 1, "Names of each container in the template."));
		json_array_append_new(c, coldef("Images", "string", "", 1, "Images referenced by each container in the template."));
		json_array_append_new(c, coldef("Selector", "string", "", 1, "Label selector for pods."));
	} else if (is_core(t, "Service")) {
		json_array_append_new(c, coldef("Type", "string", "", 0, "The type of the service."));
		json_array_append_new(c, coldef("Cluster-IP", "string", "", 0, "The cluster IP of the service."));
		json_array_append_new(c, coldef("External-IP", "string", "", 0, "The external IP of the service."));
		json_array_append_new(c, coldef("Port(s)", "string", "", 0, "The ports of the service."));
		json_array_append_new(c, coldef("Age", "string", "", 0, age_desc));
		json_array_append_new(c, coldef("Selector", "string", "", 1, "The selector of the service."));
	} else if (json_array_size(pc)) {
		json_array_foreach(pc, i, v) {
			const char *type = json_string_value(json_object_get(v, "type"));
			json_array_append_new(c, coldef(json_string_value(json_object_get(v, "name")) ?: "",
							type && !strcmp(type, "date") ? "date" : type ? type : "string",
							json_string_value(json_object_get(v, "format")),
							(int)json_integer_value(json_object_get(v, "priority")),
							json_string_value(json_object_get(v, "description"))));
		}
	} else {
		json_array_append_new(c, coldef("Age", "date", "", 0, age_desc));
	}
	return c;
}

/* kubectl's HumanDuration of the time since ts. */
static void human_age(const char *ts, char *buf, size_t size)
{
	int64_t t = ts ? jx_parse_rfc3339(ts) : -1;

	if (t < 0) {
		snprintf(buf, size, "<unknown>");
		return;
	}
	jx_human_duration(buf, size, (int64_t)time(NULL) - t);
}

static const char *mget(const json_t *obj, const char *k)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), k));
}

static json_t *pod_cells(const json_t *obj, const char *age)
{
	json_t *spec = json_object_get(obj, "spec"), *st = json_object_get(obj, "status"), *cs, *v;
	size_t i, total = json_array_size(json_object_get(spec, "containers")), ready = 0;
	long long restarts = 0;
	const char *status = json_string_value(json_object_get(st, "phase"));
	const char *reason = json_string_value(json_object_get(st, "reason"));
	char rd[32], rs[32];

	cs = json_object_get(st, "containerStatuses");
	json_array_foreach(cs, i, v) {
		json_t *waiting = json_object_get(json_object_get(v, "state"), "waiting");
		json_t *term = json_object_get(json_object_get(v, "state"), "terminated");
		if (json_is_true(json_object_get(v, "ready")))
			ready++;
		restarts += json_integer_value(json_object_get(v, "restartCount"));
		if (waiting && json_string_value(json_object_get(waiting, "reason")))
			reason = json_string_value(json_object_get(waiting, "reason"));
		else if (term && json_string_value(json_object_get(term, "reason")))
			reason = json_string_value(json_object_get(term, "reason"));
	}
	if (reason)
		status = reason;
	if (mget(obj, "deletionTimestamp"))
		status = "Terminating";
	snprintf(rd, sizeof rd, "%zu/%zu", ready, total);
	snprintf(rs, sizeof rs, "%lld", restarts);
	return json_pack("[s,s,s,s,s,s,s,s]", rd, status ? status : "Unknown", rs, age,
			 json_string_value(json_object_get(st, "podIP")) ?: "<none>",
			 json_string_value(json_object_get(spec, "nodeName")) ?: "<none>",
			 json_string_value(json_object_get(st, "nominatedNodeName")) ?: "<none>", "<none>");
}

static json_t *node_cells(const json_t *obj, const char *age)
{
	json_t *st = json_object_get(obj, "status"), *v, *labels;
	const char *k;
	size_t i;
	char status[64] = "Unknown", roles[256] = "", internal[64] = "<none>", external[64] = "<none>";
	json_t *info = json_object_get(st, "nodeInfo");

	json_array_foreach(json_object_get(st, "conditions"), i, v)
		if (!strcmp(json_string_value(json_object_get(v, "type")) ?: "", "Ready"))
			snprintf(status, sizeof status, "%s",
				 !strcmp(json_string_value(json_object_get(v, "status")) ?: "", "True") ? "Ready" : "NotReady");
	if (json_is_true(json_object_get(json_object_get(obj, "spec"), "unschedulable")))
		strncat(status, ",SchedulingDisabled", sizeof status - strlen(status) - 1);
	labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	json_object_foreach(labels, k, v) {
		if (!strncmp(k, "node-role.kubernetes.io/", 24) && k[24]) {
			if (roles[0])
				strncat(roles, ",", sizeof roles - strlen(roles) - 1);
			strncat(roles, k + 24, sizeof roles - strlen(roles) - 1);
		}
	}
	json_array_foreach(json_object_get(st, "addresses"), i, v) {
		const char *type = json_string_value(json_object_get(v, "type")) ?: "";
		const char *addr = json_string_value(json_object_get(v, "address")) ?: "";
		if (!strcmp(type, "InternalIP"))
			snprintf(internal, sizeof internal, "%s", addr);
		else if (!strcmp(type, "ExternalIP"))
			snprintf(external, sizeof external, "%s", addr);
	}
	return json_pack("[s,s,s,s,s,s,s,s,s]", status, roles[0] ? roles : "<none>", age,
			 json_string_value(json_object_get(info, "kubeletVersion")) ?: "",
			 internal, external, json_string_value(json_object_get(info, "osImage")) ?: "<unknown>",
			 json_string_value(json_object_get(info, "kernelVersion")) ?: "<unknown>",
			 json_string_value(json_object_get(info, "containerRuntimeVersion")) ?: "<unknown>");
}

static json_t *deploy_cells(const json_t *obj, const char *age)
{
	json_t *spec = json_object_get(obj, "spec"), *st = json_object_get(obj, "status"), *v;
	json_t *containers = json_object_get(json_object_get(json_object_get(spec, "template"), "spec"), "containers");
	json_t *ml = json_object_get(json_object_get(spec, "selector"), "matchLabels");
	json_t *replicas = json_object_get(spec, "replicas");
	struct strbuf names = STRBUF_INIT, images = STRBUF_INIT, sel = STRBUF_INIT;
	const char *k;
	size_t i;
	char ready[64];
	json_t *row;

	snprintf(ready, sizeof ready, "%lld/%lld", (long long)json_integer_value(json_object_get(st, "readyReplicas")),
		 replicas ? (long long)json_integer_value(replicas) : 1LL);
	json_array_foreach(containers, i, v) {
		if (i) {
			strbuf_addch(&names, ',');
			strbuf_addch(&images, ',');
		}
		strbuf_addstr(&names, json_string_value(json_object_get(v, "name")) ?: "");
		strbuf_addstr(&images, json_string_value(json_object_get(v, "image")) ?: "");
	}
	json_object_foreach(ml, k, v) {
		if (sel.len)
			strbuf_addch(&sel, ',');
		strbuf_addf(&sel, "%s=%s", k, json_string_value(v) ?: "");
	}
	row = json_pack("[s,I,I,s,s,s,s]", ready, (json_int_t)json_integer_value(json_object_get(st, "updatedReplicas")),
			(json_int_t)json_integer_value(json_object_get(st, "availableReplicas")), age, names.buf, images.buf,
			sel.buf);
	strbuf_release(&names);
	strbuf_release(&images);
	strbuf_release(&sel);
	return row;
}

static json_t *service_cells(const json_t *obj, const char *age)
{
	json_t *spec = json_object_get(obj, "spec"), *v, *sel;
	const char *type = json_string_value(json_object_get(spec, "type")) ?: "ClusterIP", *k;
	struct strbuf ports = STRBUF_INIT, sels = STRBUF_INIT, ext = STRBUF_INIT;
	size_t i;
	json_t *row;

	json_array_foreach(json_object_get(spec, "ports"), i, v) {
		if (i)
			strbuf_addch(&ports, ',');
		strbuf_addf(&ports, "%lld", (long long)json_integer_value(json_object_get(v, "port")));
		if (json_integer_value(json_object_get(v, "nodePort")))
			strbuf_addf(&ports, ":%lld", (long long)json_integer_value(json_object_get(v, "nodePort")));
		strbuf_addf(&ports, "/%s", json_string_value(json_object_get(v, "protocol")) ?: "TCP");
	}
	sel = json_object_get(spec, "selector");
	json_object_foreach(sel, k, v) {
		if (sels.len)
			strbuf_addch(&sels, ',');
		strbuf_addf(&sels, "%s=%s", k, json_string_value(v) ?: "");
	}
	json_array_foreach(json_object_get(spec, "externalIPs"), i, v) {
		if (ext.len)
			strbuf_addch(&ext, ',');
		strbuf_addstr(&ext, json_string_value(v) ?: "");
	}
	json_array_foreach(json_object_get(json_object_get(json_object_get(obj, "status"), "loadBalancer"), "ingress"), i, v) {
		if (ext.len)
			strbuf_addch(&ext, ',');
		strbuf_addstr(&ext, json_string_value(json_object_get(v, "ip")) ?: "");
	}
	if (!ext.len)
		strbuf_addstr(&ext, !strcmp(type, "LoadBalancer") ? "<pending>" : "<none>");
	row = json_pack("[s,s,s,s,s,s]", type, json_string_value(json_object_get(spec, "clusterIP")) ?: "<none>",
			ext.buf, ports.len ? ports.buf : "<none>", age, sels.len ? sels.buf : "<none>");
	strbuf_release(&ports);
	strbuf_release(&sels);
	strbuf_release(&ext);
	return row;
}

/* JSONPath subset for additionalPrinterColumns. */
static const json_t *jsonpath(const json_t *obj, const char *path)
{
	const json_t *v = obj;
	const char *p = path;
	char key[256];

	if (*p == '{')
		p++;
	while (v && *p && *p != '}') {
		if (*p == '.') {
			size_t n = 0;
			p++;
			while (*p && *p != '.' && *p != '[' && *p != '}' && n + 1 < sizeof key)
				key[n++] = *p++;
			key[n] = '\0';
			if (n)
				v = json_object_get(v, key);
		} else if (*p == '[') {
			const char *end = strchr(p, ']');
			if (!end)
				return NULL;
			if (p[1] == '?') {
				/* [?(@.k=="v")] */
				char fk[128] = "", fv[256] = "";
				const json_t *found = NULL, *e;
				size_t i;
				if (sscanf(p, "[?(@.%127[^=!]==\"%255[^\"]\")]", fk, fv) < 2 &&
				    sscanf(p, "[?(@.%127[^=!]=='%255[^']')]", fk, fv) < 2)
					return NULL;
				json_array_foreach((json_t *)v, i, e)
					if (!found && !strcmp(json_string_value(json_object_get(e, fk)) ?: "", fv))
						found = e;
				v = found;
				end = strstr(p, ")]");
				if (!end)
					return NULL;
				end++;
			} else if (p[1] == '*') {
				v = json_array_get(v, 0);
			} else {
				v = json_array_get(v, (size_t)strtol(p + 1, NULL, 10));
			}
			p = end + 1;
		} else {
			p++;
		}
	}
	return v;
}

static json_t *crd_cells(const json_t *obj, json_t *pc)
{
	json_t *cells = json_array(), *col;
	size_t i;

	json_array_foreach(pc, i, col) {
		const char *path = json_string_value(json_object_get(col, "jsonPath")) ?: "";
		const json_t *v;
		const char *type = json_string_value(json_object_get(col, "type")) ?: "string";
		char a[128], b[128];

		if (sscanf(path, "len(%127[^,)],%127[^)])", a, b) >= 1) {
			const json_t *x = jsonpath(obj, a), *y = strchr(path, ',') ? jsonpath(obj, b) : NULL;
			json_array_append_new(cells, json_integer((json_int_t)(json_object_size(x) + json_array_size(x) +
									       json_object_size(y) + json_array_size(y))));
			continue;
		}
		if (sscanf(path, "ratio(%127[^,],%127[^)])", a, b) == 2) {
			const json_t *x = jsonpath(obj, a), *y = jsonpath(obj, b);
			char r[64];
			snprintf(r, sizeof r, "%lld/%lld", x ? (long long)json_integer_value(x) : 0LL,
				 y ? (long long)json_integer_value(y) : 1LL);
			json_array_append_new(cells, json_string(r));
			continue;
		}
		v = jsonpath(obj, path);
		if (!v || json_is_null(v))
			json_array_append_new(cells, json_null());
		else if (!strcmp(type, "date") && json_is_string(v)) {
			char age[32];
			human_age(json_string_value(v), age, sizeof age);
			json_array_append_new(cells, json_string(age));
		} else if (json_is_string(v) || json_is_number(v) || json_is_boolean(v))
			json_array_append_new(cells, json_deep_copy(v));
		else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			json_array_append_new(cells, json_string(s ? s : ""));
			free(s);
		}
	}
	return cells;
}

json_t *sim_table_row(const struct sim_type *t, json_t *pc, const json_t *obj, int include_object)
{
	char age[32];
	json_t *cells, *row, *meta;

	human_age(mget(obj, "creationTimestamp"), age, sizeof age);
	if (!json_array_size(pc))
		pc = builtin_columns(t);
	if (is_core(t, "Pod"))
		cells = pod_cells(obj, age);
	else if (is_core(t, "Node"))
		cells = node_cells(obj, age);
	else if (is_core(t, "Namespace"))
		cells = json_pack("[s,s]", json_string_value(json_object_get(json_object_get(obj, "status"), "phase")) ?: "Active",
				  age);
	else if (!strcmp(t->group, "apps") && !strcmp(t->kind, "Deployment"))
		cells = deploy_cells(obj, age);
	else if (is_core(t, "Service"))
		cells = service_cells(obj, age);
	else if (json_array_size(pc))
		cells = crd_cells(obj, pc);
	else
		cells = json_pack("[s]", age);
	json_array_insert_new(cells, 0, json_string(mget(obj, "name") ?: ""));
	row = json_pack("{s:o}", "cells", cells);
	if (include_object) {
		meta = json_deep_copy(json_object_get(obj, "metadata"));
		json_object_del(meta, "managedFields");
		json_object_set_new(row, "object", json_pack("{s:s,s:s,s:o}", "kind", "PartialObjectMetadata",
							     "apiVersion", "meta.k8s.io/v1", "metadata", meta));
	}
	return row;
}
