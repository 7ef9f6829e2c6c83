/* proto.c - decode Kubernetes protobuf request bodies into JSON.
 *
 * client-go 1.32+ typed clients send built-in objects as
 * application/vnd.kubernetes.protobuf ("k8s\0" + runtime.Unknown) with no
 * fallback to JSON, so kubectl 1.33's `create configmap|secret|namespace|
 * serviceaccount|token|deployment|job|cronjob|service|role|rolebinding|
 * clusterrole|clusterrolebinding|priorityclass` and `auth can-i|whoami`
 * reach the simulator that way. The simulator stores JSON: this file decodes the kinds those
 * commands send, driven by small field
 * tables (field numbers from the upstream generated.proto files). Other
 * kinds are refused with 415 by the caller.
 */
#include "sim/core.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"

enum fkind {
	F_STRING, F_INT, F_BOOL, F_BYTES, F_MSG, F_MAP_SS, F_MAP_SB, F_REP_STRING, F_REP_MSG, F_TIME,
	F_INTORSTR,     /* intstr.IntOrString {type=1, intVal=2, strVal=3} */
	F_MAP_QTY,      /* map<string, resource.Quantity {string=1}> */
};

struct field;
struct msg {
	const struct field *fields;
};

struct field {
	unsigned num;
	const char *json;
	enum fkind kind;
	const struct msg *sub;
	int keep_zero;          /* a pointer field in Go: 0/false is a value, not "unset" */
};

#define END { 0, NULL, F_STRING, NULL, 0 }

static const struct field owner_ref_f[] = {
	{ 1, "kind", F_STRING, NULL, 0 }, { 3, "name", F_STRING, NULL, 0 }, { 4, "uid", F_STRING, NULL, 0 },
	{ 5, "apiVersion", F_STRING, NULL, 0 }, { 6, "controller", F_BOOL, NULL, 0 },
	{ 7, "blockOwnerDeletion", F_BOOL, NULL, 0 }, END,
};
static const struct msg owner_ref = { owner_ref_f };

static const struct field object_meta_f[] = {
	{ 1, "name", F_STRING, NULL, 0 }, { 2, "generateName", F_STRING, NULL, 0 }, { 3, "namespace", F_STRING, NULL, 0 },
	{ 5, "uid", F_STRING, NULL, 0 }, { 6, "resourceVersion", F_STRING, NULL, 0 }, { 7, "generation", F_INT, NULL, 0 },
	{ 8, "creationTimestamp", F_TIME, NULL, 0 }, { 9, "deletionTimestamp", F_TIME, NULL, 0 },
	{ 10, "deletionGracePeriodSeconds", F_INT, NULL, 1 }, { 11, "labels", F_MAP_SS, NULL, 0 },
	{ 12, "annotations", F_MAP_SS, NULL, 0 }, { 13, "ownerReferences", F_REP_MSG, &owner_ref, 0 },
	{ 14, "finalizers", F_REP_STRING, NULL, 0 }, END,
};
static const struct msg object_meta = { object_meta_f };

static const struct field configmap_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "data", F_MAP_SS, NULL, 0 }, { 3, "binaryData", F_MAP_SB, NULL, 0 },
	{ 4, "immutable", F_BOOL, NULL, 1 }, END,
};
static const struct field secret_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "data", F_MAP_SB, NULL, 0 }, { 3, "type", F_STRING, NULL, 0 },
	{ 4, "stringData", F_MAP_SS, NULL, 0 }, { 5, "immutable", F_BOOL, NULL, 1 }, END,
};
static const struct field ns_spec_f[] = { { 1, "finalizers", F_REP_STRING, NULL, 0 }, END };
static const struct msg ns_spec = { ns_spec_f };
static const struct field ns_status_f[] = { { 1, "phase", F_STRING, NULL, 0 }, END };
static const struct msg ns_status = { ns_status_f };
static const struct field namespace_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &ns_spec, 0 }, { 3, "status", F_MSG, &ns_status, 0 }, END,
};
static const struct field obj_ref_f[] = {
	{ 1, "kind", F_STRING, NULL, 0 }, { 2, "namespace", F_STRING, NULL, 0 }, { 3, "name", F_STRING, NULL, 0 },
	{ 4, "uid", F_STRING, NULL, 0 }, { 5, "apiVersion", F_STRING, NULL, 0 }, { 6, "resourceVersion", F_STRING, NULL, 0 },
	{ 7, "fieldPath", F_STRING, NULL, 0 }, END,
};
static const struct msg obj_ref = { obj_ref_f };
static const struct field local_ref_f[] = { { 1, "name", F_STRING, NULL, 0 }, END };
static const struct msg local_ref = { local_ref_f };
static const struct field sa_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "secrets", F_REP_MSG, &obj_ref, 0 },
	{ 3, "imagePullSecrets", F_REP_MSG, &local_ref, 0 }, { 4, "automountServiceAccountToken", F_BOOL, NULL, 1 }, END,
};

static const struct field bound_ref_f[] = {
	{ 1, "kind", F_STRING, NULL, 0 }, { 2, "apiVersion", F_STRING, NULL, 0 }, { 3, "name", F_STRING, NULL, 0 },
	{ 4, "uid", F_STRING, NULL, 0 }, END,
};
static const struct msg bound_ref = { bound_ref_f };
static const struct field token_spec_f[] = {
	{ 1, "audiences", F_REP_STRING, NULL, 0 }, { 3, "boundObjectRef", F_MSG, &bound_ref, 0 },
	{ 4, "expirationSeconds", F_INT, NULL, 1 }, END,
};
static const struct msg token_spec = { token_spec_f };
static const struct field token_request_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &token_spec, 0 }, END,
};

static const struct field res_attr_f[] = {
	{ 1, "namespace", F_STRING, NULL, 0 }, { 2, "verb", F_STRING, NULL, 0 }, { 3, "group", F_STRING, NULL, 0 },
	{ 4, "version", F_STRING, NULL, 0 }, { 5, "resource", F_STRING, NULL, 0 }, { 6, "subresource", F_STRING, NULL, 0 },
	{ 7, "name", F_STRING, NULL, 0 }, END,
};
static const struct msg res_attr = { res_attr_f };
static const struct field nonres_attr_f[] = { { 1, "path", F_STRING, NULL, 0 }, { 2, "verb", F_STRING, NULL, 0 }, END };
static const struct msg nonres_attr = { nonres_attr_f };
static const struct field ssar_spec_f[] = {
	{ 1, "resourceAttributes", F_MSG, &res_attr, 0 }, { 2, "nonResourceAttributes", F_MSG, &nonres_attr, 0 }, END,
};
static const struct msg ssar_spec = { ssar_spec_f };
static const struct field ssar_f[] = { { 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &ssar_spec, 0 }, END };
static const struct field ssr_f[] = { { 1, "metadata", F_MSG, &object_meta, 0 }, END };

/* Workloads, services and RBAC: what kubectl 1.33's create subcommands send. */
static const struct field label_req_f[] = {
	{ 1, "key", F_STRING, NULL, 0 }, { 2, "operator", F_STRING, NULL, 0 }, { 3, "values", F_REP_STRING, NULL, 0 }, END,
};
static const struct msg label_req = { label_req_f };
static const struct field selector_f[] = {
	{ 1, "matchLabels", F_MAP_SS, NULL, 0 }, { 2, "matchExpressions", F_REP_MSG, &label_req, 0 }, END,
};
static const struct msg selector = { selector_f };
static const struct field cport_f[] = {
	{ 1, "name", F_STRING, NULL, 0 }, { 2, "hostPort", F_INT, NULL, 0 }, { 3, "containerPort", F_INT, NULL, 0 },
	{ 4, "protocol", F_STRING, NULL, 0 }, { 5, "hostIP", F_STRING, NULL, 0 }, END,
};
static const struct msg cport = { cport_f };
static const struct field env_f[] = { { 1, "name", F_STRING, NULL, 0 }, { 2, "value", F_STRING, NULL, 0 }, END };
static const struct msg env = { env_f };
static const struct field resources_f[] = {
	{ 1, "limits", F_MAP_QTY, NULL, 0 }, { 2, "requests", F_MAP_QTY, NULL, 0 }, END,
};
static const struct msg resources = { resources_f };
static const struct field vmount_f[] = {
	{ 1, "name", F_STRING, NULL, 0 }, { 2, "readOnly", F_BOOL, NULL, 0 }, { 3, "mountPath", F_STRING, NULL, 0 },
	{ 4, "subPath", F_STRING, NULL, 0 }, END,
};
static const struct msg vmount = { vmount_f };
static const struct field container_f[] = {
	{ 1, "name", F_STRING, NULL, 0 }, { 2, "image", F_STRING, NULL, 0 }, { 3, "command", F_REP_STRING, NULL, 0 },
	{ 4, "args", F_REP_STRING, NULL, 0 }, { 5, "workingDir", F_STRING, NULL, 0 }, { 6, "ports", F_REP_MSG, &cport, 0 },
	{ 7, "env", F_REP_MSG, &env, 0 }, { 8, "resources", F_MSG, &resources, 0 }, { 9, "volumeMounts", F_REP_MSG, &vmount, 0 },
	{ 13, "terminationMessagePath", F_STRING, NULL, 0 }, { 14, "imagePullPolicy", F_STRING, NULL, 0 },
	{ 16, "stdin", F_BOOL, NULL, 0 }, { 18, "tty", F_BOOL, NULL, 0 }, { 20, "terminationMessagePolicy", F_STRING, NULL, 0 }, END,
};
static const struct msg container = { container_f };
static const struct field pod_spec_f[] = {
	{ 2, "containers", F_REP_MSG, &container, 0 }, { 3, "restartPolicy", F_STRING, NULL, 0 },
	{ 4, "terminationGracePeriodSeconds", F_INT, NULL, 1 }, { 5, "activeDeadlineSeconds", F_INT, NULL, 1 },
	{ 6, "dnsPolicy", F_STRING, NULL, 0 }, { 7, "nodeSelector", F_MAP_SS, NULL, 0 },
	{ 8, "serviceAccountName", F_STRING, NULL, 0 }, { 10, "nodeName", F_STRING, NULL, 0 },
	{ 19, "schedulerName", F_STRING, NULL, 0 }, { 20, "initContainers", F_REP_MSG, &container, 0 }, END,
};
static const struct msg pod_spec = { pod_spec_f };
static const struct field template_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &pod_spec, 0 }, END,
};
static const struct msg pod_template = { template_f };
static const struct field strategy_f[] = { { 1, "type", F_STRING, NULL, 0 }, END };
static const struct msg strategy = { strategy_f };
static const struct field deploy_spec_f[] = {
	{ 1, "replicas", F_INT, NULL, 1 }, { 2, "selector", F_MSG, &selector, 0 }, { 3, "template", F_MSG, &pod_template, 0 },
	{ 4, "strategy", F_MSG, &strategy, 0 }, { 5, "minReadySeconds", F_INT, NULL, 0 },
	{ 6, "revisionHistoryLimit", F_INT, NULL, 1 }, { 7, "paused", F_BOOL, NULL, 0 },
	{ 9, "progressDeadlineSeconds", F_INT, NULL, 1 }, END,
};
static const struct msg deploy_spec = { deploy_spec_f };
static const struct field deployment_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &deploy_spec, 0 }, END,
};
static const struct field job_spec_f[] = {
	{ 1, "parallelism", F_INT, NULL, 1 }, { 2, "completions", F_INT, NULL, 1 }, { 3, "activeDeadlineSeconds", F_INT, NULL, 1 },
	{ 4, "selector", F_MSG, &selector, 0 }, { 5, "manualSelector", F_BOOL, NULL, 1 }, { 6, "template", F_MSG, &pod_template, 0 },
	{ 7, "backoffLimit", F_INT, NULL, 1 }, { 8, "ttlSecondsAfterFinished", F_INT, NULL, 1 }, END,
};
static const struct msg job_spec = { job_spec_f };
static const struct field job_f[] = { { 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &job_spec, 0 }, END };
static const struct field job_template_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &job_spec, 0 }, END,
};
static const struct msg job_template = { job_template_f };
static const struct field cronjob_spec_f[] = {
	{ 1, "schedule", F_STRING, NULL, 0 }, { 3, "concurrencyPolicy", F_STRING, NULL, 0 }, { 4, "suspend", F_BOOL, NULL, 1 },
	{ 5, "jobTemplate", F_MSG, &job_template, 0 }, END,
};
static const struct msg cronjob_spec = { cronjob_spec_f };
static const struct field cronjob_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &cronjob_spec, 0 }, END,
};
static const struct field svc_port_f[] = {
	{ 1, "name", F_STRING, NULL, 0 }, { 2, "protocol", F_STRING, NULL, 0 }, { 3, "port", F_INT, NULL, 0 },
	{ 4, "targetPort", F_INTORSTR, NULL, 0 }, { 5, "nodePort", F_INT, NULL, 0 }, END,
};
static const struct msg svc_port = { svc_port_f };
static const struct field svc_spec_f[] = {
	{ 1, "ports", F_REP_MSG, &svc_port, 0 }, { 2, "selector", F_MAP_SS, NULL, 0 }, { 3, "clusterIP", F_STRING, NULL, 0 },
	{ 4, "type", F_STRING, NULL, 0 }, { 5, "externalIPs", F_REP_STRING, NULL, 0 }, { 7, "sessionAffinity", F_STRING, NULL, 0 },
	{ 11, "externalName", F_STRING, NULL, 0 }, END,
};
static const struct msg svc_spec = { svc_spec_f };
static const struct field service_f[] = { { 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "spec", F_MSG, &svc_spec, 0 }, END };
static const struct field rule_f[] = {
	{ 1, "verbs", F_REP_STRING, NULL, 0 }, { 2, "apiGroups", F_REP_STRING, NULL, 0 }, { 3, "resources", F_REP_STRING, NULL, 0 },
	{ 4, "resourceNames", F_REP_STRING, NULL, 0 }, { 5, "nonResourceURLs", F_REP_STRING, NULL, 0 }, END,
};
static const struct msg rule = { rule_f };
static const struct field role_f[] = { { 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "rules", F_REP_MSG, &rule, 0 }, END };
static const struct field subject_f[] = {
	{ 1, "kind", F_STRING, NULL, 0 }, { 2, "apiGroup", F_STRING, NULL, 0 }, { 3, "name", F_STRING, NULL, 0 },
	{ 4, "namespace", F_STRING, NULL, 0 }, END,
};
static const struct msg subject = { subject_f };
static const struct field role_ref_f[] = {
	{ 1, "apiGroup", F_STRING, NULL, 0 }, { 2, "kind", F_STRING, NULL, 0 }, { 3, "name", F_STRING, NULL, 0 }, END,
};
static const struct msg role_ref = { role_ref_f };
static const struct field binding_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "subjects", F_REP_MSG, &subject, 0 }, { 3, "roleRef", F_MSG, &role_ref, 0 }, END,
};
static const struct field pc_f[] = {
	{ 1, "metadata", F_MSG, &object_meta, 0 }, { 2, "value", F_INT, NULL, 0 }, { 3, "globalDefault", F_BOOL, NULL, 0 },
	{ 4, "description", F_STRING, NULL, 0 }, { 5, "preemptionPolicy", F_STRING, NULL, 0 }, END,
};

static const struct {
	const char *api_version, *kind;
	struct msg m;
} kinds[] = {
	{ "v1", "ConfigMap", { configmap_f } },
	{ "v1", "Secret", { secret_f } },
	{ "v1", "Namespace", { namespace_f } },
	{ "v1", "ServiceAccount", { sa_f } },
	{ "authentication.k8s.io/v1", "TokenRequest", { token_request_f } },
	{ "authentication.k8s.io/v1", "SelfSubjectReview", { ssr_f } },
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview", { ssar_f } },
	{ "apps/v1", "Deployment", { deployment_f } },
	{ "batch/v1", "Job", { job_f } },
	{ "batch/v1", "CronJob", { cronjob_f } },
	{ "v1", "Service", { service_f } },
	{ "rbac.authorization.k8s.io/v1", "Role", { role_f } },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole", { role_f } },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", { binding_f } },
	{ "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", { binding_f } },
	{ "scheduling.k8s.io/v1", "PriorityClass", { pc_f } },
};

struct buf {
	const unsigned char *p, *end;
};

static int varint(struct buf *b, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (b->p < b->end && shift < 64) {
		unsigned char c = *b->p++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* Next field: number, wire type, and for length-delimited the sub-buffer. */
static int next_field(struct buf *b, unsigned *num, unsigned *wt, uint64_t *v, struct buf *sub)
{
	uint64_t key, len;

	if (varint(b, &key))
		return -1;
	*num = (unsigned)(key >> 3);
	*wt = (unsigned)(key & 7);
	switch (*wt) {
	case 0:
		return varint(b, v);
	case 1:
		if (b->end - b->p < 8)
			return -1;
		b->p += 8;
		return 0;
	case 2:
		if (varint(b, &len) || (uint64_t)(b->end - b->p) < len)
			return -1;
		sub->p = b->p;
		sub->end = b->p + len;
		b->p += len;
		return 0;
	case 5:
		if (b->end - b->p < 4)
			return -1;
		b->p += 4;
		return 0;
	default:
		return -1;
	}
}

static json_t *b64_string(const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
	size_t i;
	json_t *s;

	for (i = 0; i + 2 < n; i += 3) {
		*o++ = tab[p[i] >> 2];
		*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = tab[p[i + 2] & 63];
	}
	if (i < n) {
		*o++ = tab[p[i] >> 2];
		if (i + 1 < n) {
			*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	s = json_string(out);
	free(out);
	return s;
}

static json_t *decode_msg(struct buf b, const struct msg *m);

static int map_entry(struct buf b, json_t *obj, int bytes_value)
{
	unsigned num, wt;
	uint64_t v;
	struct buf sub;
	char *key = NULL;
	json_t *val = NULL;

	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub))
			goto bad;
		if (wt != 2)
			continue;
		if (num == 1) {
			free(key);
			key = xstrndup((const char *)sub.p, (size_t)(sub.end - sub.p));
		} else if (num == 2) {
			json_decref(val);
			val = bytes_value ? b64_string(sub.p, (size_t)(sub.end - sub.p))
					  : json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
		}
	}
	json_object_set_new(obj, key ? key : "", val ? val : json_string(""));
	free(key);
	return 0;
bad:
	free(key);
	json_decref(val);
	return -1;
}

static json_t *decode_time(struct buf b)
{
	unsigned num, wt;
	uint64_t v, secs = 0;
	struct buf sub;
	char ts[32];
	int seen = 0;
	time_t t;
	struct tm tm;

	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub))
			return NULL;
		if (num == 1 && wt == 0) {
			secs = v;
			seen = 1;
		}
	}
	if (!seen || !secs)
		return NULL;      /* the zero Time is null in JSON */
	t = (time_t)secs;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(ts);
}

static json_t *decode_intorstr(struct buf b)
{
	unsigned num, wt;
	uint64_t v, type = 0, ival = 0;
	struct buf sub;
	json_t *str = NULL;

	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub)) {
			json_decref(str);
			return NULL;
		}
		if (num == 1 && wt == 0)
			type = v;
		else if (num == 2 && wt == 0)
			ival = v;
		else if (num == 3 && wt == 2) {
			json_decref(str);
			str = json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
		}
	}
	if (type == 1)
		return str ? str : json_string("");
	json_decref(str);
	return json_integer((json_int_t)(int32_t)ival);
}

/* map<string, Quantity>: entries {1: key, 2: Quantity{1: string}}. */
static int qty_entry(struct buf b, json_t *obj)
{
	unsigned num, wt;
	uint64_t v;
	struct buf sub, q;
	char *key = NULL;
	json_t *val = NULL;

	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub))
			break;
		if (wt != 2)
			continue;
		if (num == 1) {
			free(key);
			key = xstrndup((const char *)sub.p, (size_t)(sub.end - sub.p));
		} else if (num == 2) {
			while (sub.p < sub.end && next_field(&sub, &num, &wt, &v, &q) == 0)
				if (num == 1 && wt == 2) {
					json_decref(val);
					val = json_stringn((const char *)q.p, (size_t)(q.end - q.p));
				}
		}
	}
	json_object_set_new(obj, key ? key : "", val ? val : json_string("0"));
	free(key);
	return 0;
}

static const struct field *find_field(const struct msg *m, unsigned num)
{
	const struct field *f;

	for (f = m->fields; f->json; f++)
		if (f->num == num)
			return f;
	return NULL;
}

static json_t *decode_msg(struct buf b, const struct msg *m)
{
	json_t *obj = json_object();
	unsigned num, wt;
	uint64_t v;
	struct buf sub;

	while (b.p < b.end) {
		const struct field *f;
		json_t *val = NULL, *arr;

		if (next_field(&b, &num, &wt, &v, &sub)) {
			json_decref(obj);
			return NULL;
		}
		f = find_field(m, num);
		if (!f)
			continue;
		switch (f->kind) {
		/* Go's omitempty: gogo protobuf writes zero values of plain fields,
		 * the JSON the apiserver stores leaves them out. */
		case F_STRING:
			if (wt == 2 && sub.end > sub.p)
				val = json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
			break;
		case F_INT:
			if (wt == 0 && (v || f->keep_zero))
				val = json_integer((json_int_t)v);
			break;
		case F_BOOL:
			if (wt == 0 && (v || f->keep_zero))
				val = json_boolean(v != 0);
			break;
		case F_BYTES:
			if (wt == 2)
				val = b64_string(sub.p, (size_t)(sub.end - sub.p));
			break;
		case F_TIME:
			if (wt == 2)
				val = decode_time(sub);
			break;
		case F_MSG:
			if (wt == 2)
				val = decode_msg(sub, f->sub);
			break;
		case F_INTORSTR:
			if (wt == 2)
				val = decode_intorstr(sub);
			break;
		case F_MAP_QTY:
			if (wt != 2)
				break;
			arr = json_object_get(obj, f->json);
			if (!arr) {
				arr = json_object();
				json_object_set_new(obj, f->json, arr);
			}
			qty_entry(sub, arr);
			break;
		case F_MAP_SS:
		case F_MAP_SB:
			if (wt != 2)
				break;
			arr = json_object_get(obj, f->json);
			if (!arr) {
				arr = json_object();
				json_object_set_new(obj, f->json, arr);
			}
			if (map_entry(sub, arr, f->kind == F_MAP_SB)) {
				json_decref(obj);
				return NULL;
			}
			break;
		case F_REP_STRING:
		case F_REP_MSG:
			if (wt != 2)
				break;
			arr = json_object_get(obj, f->json);
			if (!arr) {
				arr = json_array();
				json_object_set_new(obj, f->json, arr);
			}
			json_array_append_new(arr, f->kind == F_REP_STRING
					      ? json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p))
					      : decode_msg(sub, f->sub));
			break;
		}
		if (val)
			json_object_set_new(obj, f->json, val);
	}
	return obj;
}

int sim_proto_decode(const void *data, size_t len, json_t **out, struct kerr *err)
{
	struct buf b = { data, (const unsigned char *)data + len }, sub, raw = { NULL, NULL }, tm = { NULL, NULL };
	unsigned num, wt;
	uint64_t v;
	char av[128] = "", kind[128] = "";
	size_t i;

	*out = NULL;
	if (len < 4 || memcmp(data, "k8s\0", 4))
		return sim_kerr_http(err, 400, "BadRequest", "protobuf body without the k8s envelope");
	b.p += 4;
	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub))
			return sim_kerr_http(err, 400, "BadRequest", "malformed protobuf body");
		if (num == 1 && wt == 2)
			tm = sub;
		else if (num == 2 && wt == 2)
			raw = sub;
	}
	while (tm.p && tm.p < tm.end) {
		if (next_field(&tm, &num, &wt, &v, &sub))
			return sim_kerr_http(err, 400, "BadRequest", "malformed protobuf type meta");
		if (wt == 2 && num == 1)
			snprintf(av, sizeof av, "%.*s", (int)(sub.end - sub.p), (const char *)sub.p);
		else if (wt == 2 && num == 2)
			snprintf(kind, sizeof kind, "%.*s", (int)(sub.end - sub.p), (const char *)sub.p);
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].api_version, av) || strcmp(kinds[i].kind, kind))
			continue;
		*out = raw.p ? decode_msg(raw, &kinds[i].m) : json_object();
		if (!*out)
			return sim_kerr_http(err, 400, "BadRequest", "malformed protobuf %s", kind);
		json_object_set_new(*out, "apiVersion", json_string(av));
		json_object_set_new(*out, "kind", json_string(kind));
		return 0;
	}
	return sim_kerr_http(err, 415, "UnsupportedMediaType",
			     "the body of the request was in an unknown format - accepted media types include: "
			     "application/json, application/yaml (protobuf is decoded for v1 ConfigMap, Secret, "
			     "Namespace, ServiceAccount, Service, Deployment, Job, CronJob, RBAC, PriorityClass and the auth reviews only; got %s %s)", av, kind);
}
