/* patch-schema.c - the list and map semantics of built-in kinds that the
 * patch engine needs (patch-int.h).
 *
 * The apiserver reads these from the Go struct tags (patchStrategy,
 * patchMergeKey, listType, listMapKey, mapType). The simulator keeps the
 * handful that matter for real manifests in one table, matched on the tail
 * of the field path, so that e.g. every PodSpec (Pod, Deployment template,
 * CronJob job template) gets the same rules.
 */
#include "sim/patch-int.h"

#include <string.h>

static const char *const builtin_groups[] = {
	"", "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io",
	"networking.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
	"apiregistration.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
	"discovery.k8s.io", "certificates.k8s.io", "node.k8s.io", "events.k8s.io",
	"flowcontrol.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
	"resource.k8s.io",
};

int sim_schema_builtin(const char *api_version)
{
	const char *slash;
	size_t glen, i;

	if (!api_version)
		return 0;
	slash = strchr(api_version, '/');
	glen = slash ? (size_t)(slash - api_version) : 0;
	for (i = 0; i < sizeof builtin_groups / sizeof builtin_groups[0]; i++) {
		if (strlen(builtin_groups[i]) == glen && !strncmp(builtin_groups[i], api_version, glen))
			return 1;
	}
	return 0;
}

struct list_rule {
	const char *kind;          /* NULL: any built-in kind */
	const char *suffix;        /* dotted tail of the path */
	enum sim_list_kind lk;
	const char *merge_key;
	const char *keys[3];
};

/* First match wins: specific rules before general ones. */
static const struct list_rule rules[] = {
	{ "Service", "spec.ports", SIM_LIST_MAP, "port", { "port", "protocol" } },
	{ NULL, "containers.ports", SIM_LIST_MAP, "containerPort", { "containerPort", "protocol" } },
	{ NULL, "initContainers.ports", SIM_LIST_MAP, "containerPort", { "containerPort", "protocol" } },
	{ NULL, "ephemeralContainers.ports", SIM_LIST_MAP, "containerPort", { "containerPort", "protocol" } },
	{ NULL, "containers.env", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "initContainers.env", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "ephemeralContainers.env", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "containers.volumeMounts", SIM_LIST_MAP, "mountPath", { "mountPath" } },
	{ NULL, "initContainers.volumeMounts", SIM_LIST_MAP, "mountPath", { "mountPath" } },
	{ NULL, "ephemeralContainers.volumeMounts", SIM_LIST_MAP, "mountPath", { "mountPath" } },
	{ NULL, "containers.volumeDevices", SIM_LIST_MAP, "devicePath", { "devicePath" } },
	{ NULL, "initContainers.volumeDevices", SIM_LIST_MAP, "devicePath", { "devicePath" } },
	{ NULL, "metadata.finalizers", SIM_LIST_SET, NULL, { NULL } },
	{ NULL, "metadata.ownerReferences", SIM_LIST_MAP, "uid", { "uid" } },
	{ NULL, "spec.containers", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.initContainers", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.ephemeralContainers", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.volumes", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.imagePullSecrets", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.hostAliases", SIM_LIST_MAP, "ip", { "ip" } },
	{ NULL, "spec.topologySpreadConstraints", SIM_LIST_MAP, "topologyKey",
	  { "topologyKey", "whenUnsatisfiable" } },
	{ NULL, "spec.schedulingGates", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "spec.resourceClaims", SIM_LIST_MAP, "name", { "name" } },
	{ "Node", "spec.taints", SIM_LIST_MAP, "key", { "key", "effect" } },
	{ "Node", "status.addresses", SIM_LIST_MAP, "type", { "type" } },
	{ "ServiceAccount", "secrets", SIM_LIST_MAP, "name", { "name" } },
	{ "ValidatingWebhookConfiguration", "webhooks", SIM_LIST_MAP, "name", { "name" } },
	{ "MutatingWebhookConfiguration", "webhooks", SIM_LIST_MAP, "name", { "name" } },
	{ NULL, "status.conditions", SIM_LIST_MAP, "type", { "type" } },
};

/* 1 when the dotted suffix matches the tail of p at segment boundaries. */
static int tail_matches(const struct sim_path *p, const char *suffix)
{
	const char *end = suffix + strlen(suffix);
	size_t i = p->n;

	while (i > 0) {
		const char *dot = end;
		size_t len;

		while (dot > suffix && dot[-1] != '.')
			dot--;
		len = (size_t)(end - dot);
		i--;
		if (strlen(p->seg[i]) != len || strncmp(p->seg[i], dot, len))
			return 0;
		if (dot == suffix)
			return 1;
		end = dot - 1;
	}
	return 0;
}

void sim_schema_list(const char *api_version, const char *kind, const struct sim_path *p,
		     struct sim_list_schema *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->kind = SIM_LIST_ATOMIC;
	if (p->n == 0)
		return;
	/* metadata is the same for every kind, CRDs included. */
	if (!sim_schema_builtin(api_version) && strcmp(p->seg[0], "metadata"))
		return;
	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (rules[i].kind && (!kind || strcmp(rules[i].kind, kind)))
			continue;
		if (!tail_matches(p, rules[i].suffix))
			continue;
		out->kind = rules[i].lk;
		out->merge_key = rules[i].merge_key;
		memcpy(out->keys, rules[i].keys, sizeof out->keys);
		return;
	}
}

int sim_schema_atomic_map(const char *api_version, const char *kind, const struct sim_path *p)
{
	static const char *const names[] = { "selector", "nodeSelector", "labelSelector",
					     "namespaceSelector", "podSelector", "objectSelector" };
	const char *last;
	size_t i;

	(void)kind;
	if (p->n == 0 || !sim_schema_builtin(api_version))
		return 0;
	last = p->seg[p->n - 1];
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!strcmp(last, names[i]))
			return 1;
	}
	return 0;
}

json_t *sim_schema_item_key(const struct sim_list_schema *ls, const json_t *item)
{
	json_t *k;
	size_t i;

	if (ls->kind != SIM_LIST_MAP || !json_is_object(item))
		return NULL;
	k = json_object();
	for (i = 0; i < 3 && ls->keys[i]; i++) {
		json_t *v = json_object_get(item, ls->keys[i]);
		if (!v && !strcmp(ls->keys[i], "protocol"))
			v = json_string("TCP");
		else if (v)
			json_incref(v);
		if (!v) {
			/* A missing secondary key is left out, as the apiserver does
			 * for optional keys; a missing first key has no identity. */
			if (i == 0) {
				json_decref(k);
				return NULL;
			}
			continue;
		}
		json_object_set_new(k, ls->keys[i], v);
	}
	return k;
}
