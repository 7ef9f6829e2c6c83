/* types.c - the built-in resource types every simulated cluster serves.
 *
 * What the components' manifests (Volcano, kube-prometheus, metrics-server,
 * Karmada, KubeEdge, Istio, Submariner) and kubectl's own commands need.
 * Names, short names and categories are the upstream API's.
 */
#include "sim/core.h"

#include <string.h>

#define NS 1
#define CL 0

const struct sim_type_def sim_builtin_types[] = {
	/* group, version, kind, plural, singular, namespaced, short, categories, status, scale, verbs */
	{ "", "v1", "Namespace", "namespaces", "namespace", CL, "ns", NULL, 1, 0, "create,delete,get,list,patch,update,watch" },
	{ "", "v1", "Pod", "pods", "pod", NS, "po", "all", 1, 0, NULL },
	{ "", "v1", "Service", "services", "service", NS, "svc", "all", 1, 0, "create,delete,get,list,patch,update,watch" },
	{ "", "v1", "Endpoints", "endpoints", "endpoints", NS, "ep", NULL, 0, 0, NULL },
	{ "", "v1", "ConfigMap", "configmaps", "configmap", NS, "cm", NULL, 0, 0, NULL },
	{ "", "v1", "Secret", "secrets", "secret", NS, NULL, NULL, 0, 0, NULL },
	{ "", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", NS, "sa", NULL, 0, 0, NULL },
	{ "", "v1", "Node", "nodes", "node", CL, "no", NULL, 1, 0, NULL },
	{ "", "v1", "Event", "events", "event", NS, "ev", NULL, 0, 0, NULL },
	{ "", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", CL, "pv", NULL, 1, 0, NULL },
	{ "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", NS, "pvc", NULL, 1, 0, NULL },
	{ "", "v1", "LimitRange", "limitranges", "limitrange", NS, "limits", NULL, 0, 0, NULL },
	{ "", "v1", "ResourceQuota", "resourcequotas", "resourcequota", NS, "quota", NULL, 1, 0, NULL },
	{ "", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", NS, "rc", "all", 1, 1, NULL },
	{ "", "v1", "PodTemplate", "podtemplates", "podtemplate", NS, NULL, NULL, 0, 0, NULL },
	{ "apps", "v1", "Deployment", "deployments", "deployment", NS, "deploy", "all", 1, 1, NULL },
	{ "apps", "v1", "ReplicaSet", "replicasets", "replicaset", NS, "rs", "all", 1, 1, NULL },
	{ "apps", "v1", "StatefulSet", "statefulsets", "statefulset", NS, "sts", "all", 1, 1, NULL },
	{ "apps", "v1", "DaemonSet", "daemonsets", "daemonset", NS, "ds", "all", 1, 0, NULL },
	{ "apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", NS, NULL, NULL, 0, 0, NULL },
	{ "batch", "v1", "Job", "jobs", "job", NS, NULL, "all", 1, 0, NULL },
	{ "batch", "v1", "CronJob", "cronjobs", "cronjob", NS, "cj", "all", 1, 0, NULL },
	{ "rbac.authorization.k8s.io", "v1", "Role", "roles", "role", NS, NULL, NULL, 0, 0, NULL },
	{ "rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", NS, NULL, NULL, 0, 0, NULL },
	{ "rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", CL, NULL, NULL, 0, 0, NULL },
	{ "rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", CL, NULL, NULL, 0, 0, NULL },
	{ "admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", "validatingwebhookconfiguration", CL, NULL, "api-extensions", 0, 0, NULL },
	{ "admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", CL, NULL, "api-extensions", 0, 0, NULL },
	{ "admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", "validatingadmissionpolicy", CL, NULL, "api-extensions", 1, 0, NULL },
	{ "admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", CL, NULL, "api-extensions", 0, 0, NULL },
	{ "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", CL, "crd,crds", "api-extensions", 1, 0, NULL },
	{ "apiregistration.k8s.io", "v1", "APIService", "apiservices", "apiservice", CL, NULL, "api-extensions", 1, 0, NULL },
	{ "policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", NS, "pdb", NULL, 1, 0, NULL },
	{ "networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", NS, "netpol", NULL, 0, 0, NULL },
	{ "networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", NS, "ing", NULL, 1, 0, NULL },
	{ "networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", CL, NULL, NULL, 0, 0, NULL },
	{ "scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", CL, "pc", NULL, 0, 0, NULL },
	{ "storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", CL, "sc", NULL, 0, 0, NULL },
	{ "storage.k8s.io", "v1", "CSIDriver", "csidrivers", "csidriver", CL, NULL, NULL, 0, 0, NULL },
	{ "storage.k8s.io", "v1", "CSINode", "csinodes", "csinode", CL, NULL, NULL, 0, 0, NULL },
	{ "storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", "volumeattachment", CL, NULL, NULL, 1, 0, NULL },
	{ "coordination.k8s.io", "v1", "Lease", "leases", "lease", NS, NULL, NULL, 0, 0, NULL },
	{ "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", NS, NULL, NULL, 0, 0, NULL },
	{ "certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", "certificatesigningrequest", CL, "csr", NULL, 1, 0, NULL },
	{ "autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", NS, "hpa", "all", 1, 0, NULL },
	{ "autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", NS, "hpa", "all", 1, 0, NULL },
	{ "events.k8s.io", "v1", "Event", "events", "event", NS, "ev", NULL, 0, 0, NULL },
	{ "flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", "flowschema", CL, NULL, NULL, 1, 0, NULL },
	{ "flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", "prioritylevelconfiguration", CL, NULL, NULL, 1, 0, NULL },
	{ "node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", CL, NULL, NULL, 0, 0, NULL },
};
const size_t sim_builtin_types_count = sizeof sim_builtin_types / sizeof sim_builtin_types[0];

json_t *sim_csv_array(const char *csv)
{
	json_t *a = json_array();
	const char *p = csv, *c;

	while (p && *p) {
		c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p = c ? c + 1 : NULL;
	}
	return a;
}
