/* api-discovery.c - /api, /apis (aggregated v2 / v2beta1 and legacy), the
 * per-group documents and the minimal openapi v3 kubectl 1.29+ validates with.
 *
 * Everything is computed from the cluster's served types (CRDs included)
 * and the code-served groups, so a CRD shows up as soon as it is stored.
 */
#include "sim/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Kubernetes version priority: GA > beta > alpha, higher numbers first,
 * non-kube-like versions last in lexical order. Returns <0 if a sorts first. */
static int kube_version_rank(const char *v, int *major, int *kind, int *minor)
{
	const char *p;

	*major = *minor = 0;
	*kind = 3;
	if (v[0] != 'v' || !isdigit((unsigned char)v[1]))
		return -1;
	*major = (int)strtol(v + 1, (char **)&p, 10);
	if (!*p) {
		*kind = 0;
		return 0;
	}
	if (!strncmp(p, "beta", 4)) {
		*kind = 1;
		p += 4;
	} else if (!strncmp(p, "alpha", 5)) {
		*kind = 2;
		p += 5;
	} else {
		return -1;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	*minor = (int)strtol(p, (char **)&p, 10);
	return *p ? -1 : 0;
}

static int version_cmp(const char *a, const char *b)
{
	int ma, ka, na, mb, kb, nb;
	int ra = kube_version_rank(a, &ma, &ka, &na), rb = kube_version_rank(b, &mb, &kb, &nb);

	if (ra && rb)
		return strcmp(a, b);
	if (ra || rb)
		return ra ? 1 : -1;
	if (ka != kb)
		return ka - kb;
	if (ma != mb)
		return mb - ma;
	return nb - na;
}

/* Groups -> versions -> types, in discovery order. */
struct gv {
	const char *group, *version;
	const struct sim_type **types;
	size_t ntypes;
	int code;                    /* code-served group */
};

struct gvset {
	struct gv *v;
	size_t n;
	const struct sim_type **all;
};

static struct gv *gv_get(struct gvset *s, const char *group, const char *version)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].group, group) && !strcmp(s->v[i].version, version))
			return &s->v[i];
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	memset(&s->v[s->n], 0, sizeof s->v[s->n]);
	s->v[s->n].group = group;
	s->v[s->n].version = version;
	return &s->v[s->n++];
}

static void gv_add(struct gv *g, const struct sim_type *t)
{
	g->types = xrealloc(g->types, (g->ntypes + 1) * sizeof *g->types);
	g->types[g->ntypes++] = t;
}

static void gvset_build(struct sim_cluster *cl, struct gvset *s)
{
	size_t n, i, j;
	struct sim_code_group *cg;
	size_t ncg = sim_server_code_groups(&cg);

	memset(s, 0, sizeof *s);
	s->all = sim_store_types(cl->store, &n);
	for (i = 0; i < n; i++)
		gv_add(gv_get(s, s->all[i]->group, s->all[i]->version), s->all[i]);
	for (i = 0; i < ncg; i++) {
		struct gv *g = gv_get(s, cg[i].group, cg[i].version);
		g->code = 1;
		for (j = 0; j < cg[i].nres; j++)
			gv_add(g, &cg[i].types[j]);
	}
}

static void gvset_free(struct gvset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].types);
	free(s->v);
	free(s->all);
}

/* Versions of one group, preferred first. Returns count; idx filled. */
static size_t group_versions(const struct gvset *s, const char *group, size_t *idx, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->n && n < max; i++)
		if (!strcmp(s->v[i].group, group))
			idx[n++] = i;
	/* insertion sort by version priority; built-ins keep registration order */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && version_cmp(s->v[idx[j]].version, s->v[idx[j - 1]].version) < 0; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	return n;
}

static json_t *verbs_of(const struct sim_type *t)
{
	return json_deep_copy(t->verbs);
}

static json_t *subresources_of(const struct sim_type *t, int aggregated)
{
	json_t *a = json_array();
	struct sim_subres *sr;
	size_t nsr = sim_server_subresources(&sr), i;

	if (t->has_status) {
		if (aggregated)
			json_array_append_new(a, json_pack("{s:s,s:{s:s,s:s,s:s},s:[s,s,s]}", "subresource", "status",
							   "responseKind", "group", t->group, "version", t->version,
							   "kind", t->kind, "verbs", "get", "patch", "update"));
		else {
			char name[256];
			snprintf(name, sizeof name, "%s/status", t->plural);
			json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s,s:[s,s,s]}", "name", name,
							   "singularName", "", "namespaced", t->namespaced,
							   "kind", t->kind, "verbs", "get", "patch", "update"));
		}
	}
	if (t->has_scale) {
		int registered = 0;
		for (i = 0; i < nsr; i++)
			if (!strcmp(sr[i].group, t->group) && !strcmp(sr[i].plural, t->plural) && !strcmp(sr[i].sub, "scale"))
				registered = 1;
		if (!registered) {
			char name[256];
			snprintf(name, sizeof name, "%s/scale", t->plural);
			if (aggregated)
				json_array_append_new(a, json_pack("{s:s,s:{s:s,s:s,s:s},s:[s,s,s]}", "subresource", "scale",
								   "responseKind", "group", "autoscaling", "version", "v1",
								   "kind", "Scale", "verbs", "get", "patch", "update"));
			else
				json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:[s,s,s]}", "name", name,
								   "singularName", "", "group", "autoscaling", "version", "v1",
								   "namespaced", t->namespaced, "kind", "Scale",
								   "verbs", "get", "patch", "update"));
		}
	}
	for (i = 0; i < nsr; i++) {
		if (strcmp(sr[i].group, t->group) || strcmp(sr[i].plural, t->plural))
			continue;
		if (aggregated) {
			json_array_append_new(a, json_pack("{s:s,s:{s:s,s:s,s:s},s:o}", "subresource", sr[i].sub,
							   "responseKind", "group", t->group, "version", t->version,
							   "kind", sr[i].kind[0] ? sr[i].kind : t->kind,
							   "verbs", sim_csv_array(sr[i].verbs)));
		} else {
			char name[256];
			snprintf(name, sizeof name, "%s/%s", t->plural, sr[i].sub);
			json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", name, "singularName", "",
							   "namespaced", t->namespaced, "kind",
							   sr[i].kind[0] ? sr[i].kind : t->kind, "verbs",
							   sim_csv_array(sr[i].verbs)));
		}
	}
	return a;
}

static json_t *aggregated_resource(const struct sim_type *t)
{
	json_t *r = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "resource", t->plural, "responseKind",
			      "group", t->group, "version", t->version, "kind", t->kind, "scope",
			      t->namespaced ? "Namespaced" : "Cluster", "singularResource", t->singular,
			      "verbs", verbs_of(t));
	json_t *subs = subresources_of(t, 1);

	if (json_array_size(t->short_names))
		json_object_set(r, "shortNames", t->short_names);
	if (json_array_size(t->categories))
		json_object_set(r, "categories", t->categories);
	if (json_array_size(subs))
		json_object_set(r, "subresources", subs);
	json_decref(subs);
	return r;
}

static json_t *legacy_resources(const struct gv *g)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < g->ntypes; i++) {
		const struct sim_type *t = g->types[i];
		json_t *r = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", t->plural, "singularName", t->singular,
				      "namespaced", t->namespaced, "kind", t->kind, "verbs", verbs_of(t));
		json_t *subs = subresources_of(t, 0), *s;
		size_t k;

		if (json_array_size(t->short_names))
			json_object_set(r, "shortNames", t->short_names);
		if (json_array_size(t->categories))
			json_object_set(r, "categories", t->categories);
		if (t->storage_id >= 0 && t->id != t->storage_id)
			json_object_set_new(r, "storageVersionHash", json_string(""));
		json_array_append_new(list, r);
		json_array_foreach(subs, k, s)
			json_array_append(list, s);
		json_decref(subs);
	}
	return list;
}

static int wants_aggregated(const struct sim_req *req, const char **ctype)
{
	const char *acc = sim_req_header(req, "Accept");

	if (!acc || !strstr(acc, "as=APIGroupDiscoveryList"))
		return 0;
	if (strstr(acc, "g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")) {
		*ctype = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
		return 2;
	}
	if (strstr(acc, "v=v2beta1")) {
		*ctype = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
		return 1;
	}
	return 0;
}

static json_t *aggregated_doc(const struct gvset *s, int core, int v2)
{
	json_t *items = json_array();
	const char **groups = xcalloc(s->n + 1, sizeof *groups);
	size_t ng = 0, i, j;

	for (i = 0; i < s->n; i++) {
		int seen = 0;
		if (core != (s->v[i].group[0] == '\0'))
			continue;
		for (j = 0; j < ng; j++)
			if (!strcmp(groups[j], s->v[i].group))
				seen = 1;
		if (!seen)
			groups[ng++] = s->v[i].group;
	}
	for (i = 0; i < ng; i++) {
		size_t idx[32], nv = group_versions(s, groups[i], idx, 32), k, r;
		json_t *versions = json_array();
		for (k = 0; k < nv; k++) {
			const struct gv *g = &s->v[idx[k]];
			json_t *res = json_array();
			for (r = 0; r < g->ntypes; r++)
				json_array_append_new(res, aggregated_resource(g->types[r]));
			json_array_append_new(versions, json_pack("{s:s,s:o,s:s}", "version", g->version,
								  "resources", res, "freshness", "Current"));
		}
		json_array_append_new(items, json_pack("{s:{s:s,s:n},s:o}", "metadata", "name", groups[i],
						       "creationTimestamp", "versions", versions));
	}
	free(groups);
	return json_pack("{s:s,s:s,s:{},s:o}", "kind", "APIGroupDiscoveryList", "apiVersion",
			 v2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1", "metadata", "items", items);
}

static json_t *legacy_group(const struct gvset *s, const char *group)
{
	size_t idx[32], nv = group_versions(s, group, idx, 32), k;
	json_t *versions = json_array();

	if (!nv) {
		json_decref(versions);
		return NULL;
	}
	for (k = 0; k < nv; k++) {
		char gvs[256];
		snprintf(gvs, sizeof gvs, "%s/%s", group, s->v[idx[k]].version);
		json_array_append_new(versions, json_pack("{s:s,s:s}", "groupVersion", gvs, "version",
							  s->v[idx[k]].version));
	}
	return json_pack("{s:s,s:s,s:s,s:o,s:O}", "kind", "APIGroup", "apiVersion", "v1", "name", group,
			 "versions", versions, "preferredVersion", json_array_get(versions, 0));
}

int sim_api_discovery(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct gvset s;
	const char *ctype = NULL, *path = req->path;
	int agg = wants_aggregated(req, &ctype);

	(void)err;
	gvset_build(req->cl, &s);
	if (!strcmp(path, "/api") && agg) {
		sim_resp_json(resp, 200, aggregated_doc(&s, 1, agg == 2));
		snprintf(resp->content_type, sizeof resp->content_type, "%s", ctype);
	} else if (!strcmp(path, "/apis") && agg) {
		sim_resp_json(resp, 200, aggregated_doc(&s, 0, agg == 2));
		snprintf(resp->content_type, sizeof resp->content_type, "%s", ctype);
	} else if (!strcmp(path, "/api")) {
		char addr[128];
		snprintf(addr, sizeof addr, "%s:%d", req->cl->address, req->cl->port);
		sim_resp_json(resp, 200, json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions", "v1",
						   "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0",
						   "serverAddress", addr));
	} else if (!strcmp(path, "/apis")) {
		json_t *groups = json_array(), *g;
		size_t i, j;
		for (i = 0; i < s.n; i++) {
			int seen = 0;
			if (!s.v[i].group[0])
				continue;
			for (j = 0; j < i; j++)
				if (!strcmp(s.v[j].group, s.v[i].group))
					seen = 1;
			if (!seen && (g = legacy_group(&s, s.v[i].group))) {
				json_object_del(g, "kind");
				json_object_del(g, "apiVersion");
				json_array_append_new(groups, g);
			}
		}
		sim_resp_json(resp, 200, json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1",
						   "groups", groups));
	} else {
		/* /api/v1, /apis/G, /apis/G/V */
		char group[256] = "", version[64] = "";
		struct gv *g = NULL;
		size_t i;

		if (!strncmp(path, "/api/", 5)) {
			snprintf(version, sizeof version, "%s", path + 5);
			if (version[0] && version[strlen(version) - 1] == '/')
				version[strlen(version) - 1] = '\0';
		} else {
			sscanf(path + 6, "%255[^/]/%63[^/]", group, version);
		}
		if (!version[0]) {
			json_t *doc = legacy_group(&s, group);
			if (doc)
				sim_resp_json(resp, 200, doc);
			else
				sim_resp_status(resp, 404, "NotFound", "the server could not find the requested resource");
			gvset_free(&s);
			return 0;
		}
		for (i = 0; i < s.n; i++)
			if (!strcmp(s.v[i].group, group) && !strcmp(s.v[i].version, version))
				g = &s.v[i];
		if (!g) {
			sim_resp_status(resp, 404, "NotFound", "the server could not find the requested resource");
		} else {
			char gvs[320];
			if (group[0])
				snprintf(gvs, sizeof gvs, "%s/%s", group, version);
			else
				snprintf(gvs, sizeof gvs, "%s", version);
			sim_resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList",
							   "apiVersion", "v1", "groupVersion", gvs, "resources",
							   legacy_resources(g)));
		}
	}
	gvset_free(&s);
	return 0;
}

/* ---- openapi v3 ------------------------------------------------------------------ */

static unsigned long long fnv(const char *s, unsigned long long h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static json_t *op_kind(const struct sim_type *t, const char *kind, const char *action,
		       const char *opid_verb)
{
	char opid[300];

	snprintf(opid, sizeof opid, "%s%s", opid_verb, kind);
	return json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:[{s:s,s:s,s:{s:s,s:b}},{s:s,s:s,s:{s:s,s:b}},{s:s,s:s,s:{s:s,s:b}}],s:{s:{s:s}}}",
			 "operationId", opid, "x-kubernetes-group-version-kind", "group", t->group, "version",
			 t->version, "kind", kind, "x-kubernetes-action", action, "parameters",
			 "name", "fieldValidation", "in", "query", "schema", "type", "string", "uniqueItems", 1,
			 "name", "fieldManager", "in", "query", "schema", "type", "string", "uniqueItems", 1,
			 "name", "dryRun", "in", "query", "schema", "type", "string", "uniqueItems", 1,
			 "responses", "200", "description", "OK");
}

static json_t *op(const struct sim_type *t, const char *action, const char *opid_verb)
{
	return op_kind(t, t->kind, action, opid_verb);
}

static json_t *openapi_doc(const struct gv *g)
{
	json_t *paths = json_object();
	size_t i;
	char base[300], p[600];

	if (g->group[0])
		snprintf(base, sizeof base, "/apis/%s/%s", g->group, g->version);
	else
		snprintf(base, sizeof base, "/api/%s", g->version);
	for (i = 0; i < g->ntypes; i++) {
		const struct sim_type *t = g->types[i];
		json_t *item = json_object(), *coll = json_object();
		if (t->namespaced)
			snprintf(p, sizeof p, "%s/namespaces/{namespace}/%s", base, t->plural);
		else
			snprintf(p, sizeof p, "%s/%s", base, t->plural);
		json_object_set_new(coll, "get", op(t, "list", "list"));
		json_object_set_new(coll, "post", op(t, "post", "create"));
		/* kubectl checks fieldValidation support per GVK on PATCH operations;
		 * files of kind XxxList (kubectl unpacks them) need one too. */
		json_object_set_new(coll, "patch", op_kind(t, t->list_kind, "patch", "patchCollection"));
		json_object_set_new(paths, p, coll);
		strncat(p, "/{name}", sizeof p - strlen(p) - 1);
		json_object_set_new(item, "get", op(t, "get", "read"));
		json_object_set_new(item, "put", op(t, "put", "replace"));
		json_object_set_new(item, "patch", op(t, "patch", "patch"));
		json_object_set_new(item, "delete", op(t, "delete", "delete"));
		json_object_set_new(paths, p, item);
	}
	return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:{}}}", "openapi", "3.0.0", "info", "title", "Kubernetes",
			 "version", sim_server_version(), "paths", paths, "components", "schemas");
}

static unsigned long long gv_hash(const struct gv *g)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	h = fnv(g->group, h);
	h = fnv(g->version, h);
	for (i = 0; i < g->ntypes; i++) {
		h = fnv(g->types[i]->plural, h);
		h = fnv(g->types[i]->kind, h);
	}
	return h;
}

int sim_api_openapi(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct gvset s;
	const char *rest = req->path + strlen("/openapi/v3");
	size_t i;

	(void)err;
	gvset_build(req->cl, &s);
	if (!*rest || !strcmp(rest, "/")) {
		json_t *paths = json_object();
		for (i = 0; i < s.n; i++) {
			char key[300], url[400];
			if (s.v[i].group[0])
				snprintf(key, sizeof key, "apis/%s/%s", s.v[i].group, s.v[i].version);
			else
				snprintf(key, sizeof key, "api/%s", s.v[i].version);
			snprintf(url, sizeof url, "/openapi/v3/%s?hash=%016llX", key, gv_hash(&s.v[i]));
			json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
		}
		sim_resp_json(resp, 200, json_pack("{s:o}", "paths", paths));
	} else {
		const struct gv *g = NULL;
		for (i = 0; i < s.n; i++) {
			char key[300];
			if (s.v[i].group[0])
				snprintf(key, sizeof key, "/apis/%s/%s", s.v[i].group, s.v[i].version);
			else
				snprintf(key, sizeof key, "/api/%s", s.v[i].version);
			if (!strcmp(key, rest))
				g = &s.v[i];
		}
		if (g)
			sim_resp_json(resp, 200, openapi_doc(g));
		else
			sim_resp_status(resp, 404, "NotFound", "the server could not find the requested resource");
	}
	gvset_free(&s);
	return 0;
}
