/* proto.c - decode Kubernetes protobuf request bodies into JSON.
 *
 * client-go 1.32+ typed clients send built-in objects as
 * application/vnd.kubernetes.protobuf ("k8s\0" + runtime.Unknown) with no
 * fallback to JSON, so kubectl 1.33's `create configmap|secret|namespace|
 * serviceaccount|token` and `auth can-i|whoami` reach the simulator that
 * way. The simulator stores JSON: this file decodes the kinds those
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
};

#define END { 0, NULL, F_STRING, NULL }

static const struct field owner_ref_f[] = {
	{ 1, "kind", F_STRING, NULL }, { 3, "name", F_STRING, NULL }, { 4, "uid", F_STRING, NULL },
	{ 5, "apiVersion", F_STRING, NULL }, { 6, "controller", F_BOOL, NULL },
	{ 7, "blockOwnerDeletion", F_BOOL, NULL }, END,
};
static const struct msg owner_ref = { owner_ref_f };

static const struct field object_meta_f[] = {
	{ 1, "name", F_STRING, NULL }, { 2, "generateName", F_STRING, NULL }, { 3, "namespace", F_STRING, NULL },
	{ 5, "uid", F_STRING, NULL }, { 6, "resourceVersion", F_STRING, NULL }, { 7, "generation", F_INT, NULL },
	{ 8, "creationTimestamp", F_TIME, NULL }, { 9, "deletionTimestamp", F_TIME, NULL },
	{ 10, "deletionGracePeriodSeconds", F_INT, NULL }, { 11, "labels", F_MAP_SS, NULL },
	{ 12, "annotations", F_MAP_SS, NULL }, { 13, "ownerReferences", F_REP_MSG, &owner_ref },
	{ 14, "finalizers", F_REP_STRING, NULL }, END,
};
static const struct msg object_meta = { object_meta_f };

static const struct field configmap_f[] = {
	{ 1, "metadata", F_MSG, &object_meta }, { 2, "data", F_MAP_SS, NULL }, { 3, "binaryData", F_MAP_SB, NULL },
	{ 4, "immutable", F_BOOL, NULL }, END,
};
static const struct field secret_f[] = {
	{ 1, "metadata", F_MSG, &object_meta }, { 2, "data", F_MAP_SB, NULL }, { 3, "type", F_STRING, NULL },
	{ 4, "stringData", F_MAP_SS, NULL }, { 5, "immutable", F_BOOL, NULL }, END,
};
static const struct field ns_spec_f[] = { { 1, "finalizers", F_REP_STRING, NULL }, END };
static const struct msg ns_spec = { ns_spec_f };
static const struct field ns_status_f[] = { { 1, "phase", F_STRING, NULL }, END };
static const struct msg ns_status = { ns_status_f };
static const struct field namespace_f[] = {
	{ 1, "metadata", F_MSG, &object_meta }, { 2, "spec", F_MSG, &ns_spec }, { 3, "status", F_MSG, &ns_status }, END,
};
static const struct field obj_ref_f[] = {
	{ 1, "kind", F_STRING, NULL }, { 2, "namespace", F_STRING, NULL }, { 3, "name", F_STRING, NULL },
	{ 4, "uid", F_STRING, NULL }, { 5, "apiVersion", F_STRING, NULL }, { 6, "resourceVersion", F_STRING, NULL },
	{ 7, "fieldPath", F_STRING, NULL }, END,
};
static const struct msg obj_ref = { obj_ref_f };
static const struct field local_ref_f[] = { { 1, "name", F_STRING, NULL }, END };
static const struct msg local_ref = { local_ref_f };
static const struct field sa_f[] = {
	{ 1, "metadata", F_MSG, &object_meta }, { 2, "secrets", F_REP_MSG, &obj_ref },
	{ 3, "imagePullSecrets", F_REP_MSG, &local_ref }, { 4, "automountServiceAccountToken", F_BOOL, NULL }, END,
};

static const struct field bound_ref_f[] = {
	{ 1, "kind", F_STRING, NULL }, { 2, "apiVersion", F_STRING, NULL }, { 3, "name", F_STRING, NULL },
	{ 4, "uid", F_STRING, NULL }, END,
};
static const struct msg bound_ref = { bound_ref_f };
static const struct field token_spec_f[] = {
	{ 1, "audiences", F_REP_STRING, NULL }, { 3, "boundObjectRef", F_MSG, &bound_ref },
	{ 4, "expirationSeconds", F_INT, NULL }, END,
};
static const struct msg token_spec = { token_spec_f };
static const struct field token_request_f[] = {
	{ 1, "metadata", F_MSG, &object_meta }, { 2, "spec", F_MSG, &token_spec }, END,
};

static const struct field res_attr_f[] = {
	{ 1, "namespace", F_STRING, NULL }, { 2, "verb", F_STRING, NULL }, { 3, "group", F_STRING, NULL },
	{ 4, "version", F_STRING, NULL }, { 5, "resource", F_STRING, NULL }, { 6, "subresource", F_STRING, NULL },
	{ 7, "name", F_STRING, NULL }, END,
};
static const struct msg res_attr = { res_attr_f };
static const struct field nonres_attr_f[] = { { 1, "path", F_STRING, NULL }, { 2, "verb", F_STRING, NULL }, END };
static const struct msg nonres_attr = { nonres_attr_f };
static const struct field ssar_spec_f[] = {
	{ 1, "resourceAttributes", F_MSG, &res_attr }, { 2, "nonResourceAttributes", F_MSG, &nonres_attr }, END,
};
static const struct msg ssar_spec = { ssar_spec_f };
static const struct field ssar_f[] = { { 1, "metadata", F_MSG, &object_meta }, { 2, "spec", F_MSG, &ssar_spec }, END };
static const struct field ssr_f[] = { { 1, "metadata", F_MSG, &object_meta }, END };

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
	time_t t;
	struct tm tm;

	while (b.p < b.end) {
		if (next_field(&b, &num, &wt, &v, &sub))
			return NULL;
		if (num == 1 && wt == 0)
			secs = v;
	}
	t = (time_t)secs;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(ts);
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
		case F_STRING:
			if (wt == 2)
				val = json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
			break;
		case F_INT:
			if (wt == 0)
				val = json_integer((json_int_t)v);
			break;
		case F_BOOL:
			if (wt == 0)
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
			     "Namespace, ServiceAccount and the auth reviews only; got %s %s)", av, kind);
}
