/* ops.c - get, list (paged, Table, streamed), create, patch, server
 * version, and the small helpers the other operation files share.
 */
#include <stdio.h>
#include <string.h>

#include "backends/kube/client-int.h"
#include "lib/xalloc.h"

#define ACCEPT_METADATA \
	"application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
#define ACCEPT_TABLE \
	"application/json;as=Table;v=v1;g=meta.k8s.io," \
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

void kube_what(struct strbuf *sb, const struct kube_resource *r, const char *ns,
	       const char *name)
{
	strbuf_addstr(sb, r->plural);
	if (*r->group)
		strbuf_addf(sb, ".%s", r->group);
	if (name)
		strbuf_addf(sb, "/%s", name);
	if (r->namespaced)
		strbuf_addf(sb, ns && *ns ? " in %s" : " in all namespaces", ns);
}

void kube_query_add(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addch(sb, strchr(sb->buf, '?') ? '&' : '?');
	strbuf_addstr(sb, key);
	strbuf_addch(sb, '=');
	strbuf_addurlenc(sb, value);
}

json_t *kube_parse_json(const struct kube_resp *resp, const char *what, struct kerr *err)
{
	json_error_t je;
	json_t *v = json_loadb(resp->body.buf, resp->body.len, 0, &je);

	if (!v)
		kerr_set(err, KERR_INVALID, "%s: the server's answer is not JSON (%s at byte %d)",
			 what, je.text, je.position);
	return v;
}

static int op_fail(struct kube_client *c, struct kerr *err, const char *verb,
		   const struct kube_resource *r, const char *ns, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	kube_what(&sb, r, ns, name);
	kerr_prefix(err, "%s %s on %s", verb, sb.buf, c->name);
	strbuf_release(&sb);
	return -1;
}

/* The namespace an operation uses: the given one, else the context's. */
const char *kube_kind_of(const json_t *obj)
{
	const char *k = json_string_value(json_object_get(obj, "kind"));

	return k && *k ? k : "object";
}

const char *kube_ns_or_default(struct kube_client *c, const struct kube_resource *r,
				 const char *ns)
{
	if (!r->namespaced)
		return NULL;
	if (ns && *ns)
		return ns;
	return c->conn->namespace && *c->conn->namespace ? c->conn->namespace : "default";
}

static int json_call(struct kube_client *c, struct kube_call *call, json_t **out,
		     long *status, struct kube_resp *keep, struct kerr *err)
{
	struct kube_resp local, *resp = keep ? keep : &local;
	int rc;

	kube_resp_init(resp);
	rc = kube_call_do(c, call, resp, NULL, err);
	if (status)
		*status = resp->status;
	if (!rc && out) {
		*out = kube_parse_json(resp, call->path, err);
		rc = *out ? 0 : -1;
	}
	if (!keep)
		kube_resp_release(resp);
	return rc;
}

int kube_get(struct kube_client *c, const struct kube_resource *r, const char *ns,
	     const char *name, json_t **out, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	struct kube_call call = { .method = "GET" };
	int rc;

	*out = NULL;
	ns = kube_ns_or_default(c, r, ns);
	kube_path(&path, r, ns, name);
	call.path = path.buf;
	rc = json_call(c, &call, out, NULL, NULL, err);
	strbuf_release(&path);
	return rc < 0 ? op_fail(c, err, "get", r, ns, name) : 0;
}

/* One page; first page carries resourceVersion, later ones the token. */
static int list_page(struct kube_client *c, const struct kube_resource *r, const char *ns,
		     const struct kube_list_opts *o, const char *cont, long limit,
		     json_t **page, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	struct kube_call call = { .method = "GET" };
	char num[32];
	int rc;

	kube_path(&path, r, ns, NULL);
	if (o && o->label_selector && *o->label_selector)
		kube_query_add(&path, "labelSelector", o->label_selector);
	if (o && o->field_selector && *o->field_selector)
		kube_query_add(&path, "fieldSelector", o->field_selector);
	if (limit > 0) {
		snprintf(num, sizeof num, "%ld", limit);
		kube_query_add(&path, "limit", num);
	}
	if (cont && *cont)
		kube_query_add(&path, "continue", cont);
	else if (o && o->resource_version && *o->resource_version)
		kube_query_add(&path, "resourceVersion", o->resource_version);
	call.path = path.buf;
	call.accept = o && o->as_table ? ACCEPT_TABLE : o && o->metadata_only ? ACCEPT_METADATA : NULL;
	rc = json_call(c, &call, page, NULL, NULL, err);
	strbuf_release(&path);
	return rc;
}

static const char *items_key(const json_t *page)
{
	const char *kind = json_string_value(json_object_get(page, "kind"));

	return kind && !strcmp(kind, "Table") ? "rows" : "items";
}

static const char *page_continue(const json_t *page)
{
	const char *cont = json_string_value(json_object_get(json_object_get(page, "metadata"), "continue"));

	return cont && *cont ? cont : NULL;
}

int kube_list(struct kube_client *c, const struct kube_resource *r, const char *ns,
	      const struct kube_list_opts *opts, json_t **out, struct kerr *err)
{
	struct kerr local_err = { 0 };
	long limit = opts && opts->limit ? opts->limit : 500;
	json_t *all = NULL, *page = NULL;
	char *cont = NULL;
	int restarted = 0;

	if (!err)   /* decisions below read the error kind */
		err = &local_err;

	*out = NULL;
	if (r->namespaced && ns && !*ns)
		ns = NULL;
	for (;;) {
		if (list_page(c, r, ns, opts, cont, limit, &page, err) < 0) {
			/* an expired continue token: list again in one go, as client-go's pager does */
			if (cont && kerr_is(err, KERR_GONE) && !restarted) {
				restarted = 1;
				json_decref(all);
				all = NULL;
				free(cont);
				cont = NULL;
				limit = 0;
				continue;
			}
			json_decref(all);
			free(cont);
			return op_fail(c, err, "list", r, ns, NULL);
		}
		free(cont);
		cont = xstrdup(page_continue(page));
		if (!all) {
			all = page;
		} else {
			const char *key = items_key(all);
			json_array_extend(json_object_get(all, key), json_object_get(page, key));
			json_decref(page);
		}
		page = NULL;
		if (!cont || (opts && opts->one_page))
			break;
	}
	if (!opts || !opts->one_page) {
		json_t *md = json_object_get(all, "metadata");
		if (md)
			json_object_del(md, "continue");
	}
	if (!json_is_array(json_object_get(all, items_key(all))))
		json_object_set_new(all, items_key(all), json_array());
	free(cont);
	*out = all;
	return 0;
}

int kube_list_each(struct kube_client *c, const struct kube_resource *r, const char *ns,
		   const struct kube_list_opts *opts,
		   int (*cb)(json_t *item, void *arg), void *arg,
		   char **rv_out, struct kerr *err)
{
	long limit = opts && opts->limit ? opts->limit : 500;
	char *cont = NULL;
	int first = 1;

	if (rv_out)
		*rv_out = NULL;
	if (r->namespaced && ns && !*ns)
		ns = NULL;
	for (;;) {
		json_t *page, *item;
		size_t i;
		int stop = 0;

		if (list_page(c, r, ns, opts, cont, limit, &page, err) < 0) {
			free(cont);
			if (rv_out) {
				free(*rv_out);
				*rv_out = NULL;
			}
			return op_fail(c, err, "list", r, ns, NULL);
		}
		if (first && rv_out)
			*rv_out = xstrdup(json_string_value(json_object_get(json_object_get(page, "metadata"),
									    "resourceVersion")));
		first = 0;
		free(cont);
		cont = xstrdup(page_continue(page));
		json_array_foreach(json_object_get(page, items_key(page)), i, item) {
			if (cb(item, arg)) {
				stop = 1;
				break;
			}
		}
		json_decref(page);
		if (stop || !cont || (opts && opts->one_page))
			break;
	}
	free(cont);
	return 0;
}

int kube_object_target(struct kube_client *c, const json_t *obj, const char *default_ns,
			 const struct kube_resource **r, const char **ns, struct kerr *err)
{
	const char *api = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const char *ons = json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace"));

	if (!json_is_object(obj))
		return kerr_set(err, KERR_INVALID, "not a Kubernetes object (expected a JSON/YAML mapping)");
	if (kube_resolve_gvk(c, api, kind, r, err) < 0)
		return -1;
	*ns = kube_ns_or_default(c, *r, ons && *ons ? ons : default_ns);
	return 0;
}


int kube_create(struct kube_client *c, const json_t *obj, const char *default_ns,
		json_t **out, struct kerr *err)
{
	const struct kube_resource *r;
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	struct kube_call call = { .method = "POST", .content_type = "application/json" };
	const char *ns, *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	json_t *res = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (kube_object_target(c, obj, default_ns, &r, &ns, err) < 0)
		return kerr_prefix(err, "create %s/%s on %s", kube_kind_of(obj), name ? name : "?", c->name);
	kube_path(&path, r, ns, NULL);
	kube_query_add(&path, "fieldManager", "kurator");
	body.buf = json_dumps(obj, JSON_COMPACT);
	body.len = strlen(body.buf);
	call.path = path.buf;
	call.body = body.buf;
	call.body_len = body.len;
	rc = json_call(c, &call, &res, NULL, NULL, err);
	free(body.buf);
	strbuf_release(&path);
	if (rc < 0)
		return op_fail(c, err, "create", r, ns, name);
	if (out)
		*out = res;
	else
		json_decref(res);
	return 0;
}

int kube_patch(struct kube_client *c, const struct kube_resource *r, const char *ns,
	       const char *name, const char *content_type, const char *patch,
	       json_t **out, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	struct kube_call call = { .method = "PATCH" };
	json_t *res = NULL;
	int rc;

	if (out)
		*out = NULL;
	ns = kube_ns_or_default(c, r, ns);
	kube_path(&path, r, ns, name);
	kube_query_add(&path, "fieldManager", "kurator");
	call.path = path.buf;
	call.content_type = content_type ? content_type : "application/merge-patch+json";
	call.body = patch;
	call.body_len = patch ? strlen(patch) : 0;
	rc = json_call(c, &call, &res, NULL, NULL, err);
	strbuf_release(&path);
	if (rc < 0)
		return op_fail(c, err, "patch", r, ns, name);
	if (out)
		*out = res;
	else
		json_decref(res);
	return 0;
}

int kube_server_version(struct kube_client *c, char **version, struct kerr *err)
{
	struct kube_call call = { .method = "GET", .path = "/version" };
	json_t *v = NULL;
	const char *gv;

	*version = NULL;
	if (json_call(c, &call, &v, NULL, NULL, err) < 0)
		return kerr_prefix(err, "get the server version of %s", c->name);
	gv = json_string_value(json_object_get(v, "gitVersion"));
	if (!gv) {
		json_decref(v);
		return kerr_set(err, KERR_INVALID, "get the server version of %s: no gitVersion in the answer",
				c->name);
	}
	*version = xstrdup(gv);
	json_decref(v);
	return 0;
}
