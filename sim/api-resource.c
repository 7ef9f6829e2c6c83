/* api-resource.c - the resource verbs over HTTP: get, list (Table, paging,
 * selectors), watch (chunked JSON lines, bookmarks, 410 as an ERROR event),
 * create, update, the four patch types, delete and deletecollection.
 */
#include "sim/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"
#include "lib/yamljson.h"

#define BOOKMARK_INTERVAL_MS 3000


int sim_req_wants_table(const struct sim_req *req)
{
	const char *acc = sim_req_header(req, "Accept");

	return acc && strstr(acc, "as=Table") && strstr(acc, "g=meta.k8s.io");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Accept ...;as=PartialObjectMetadata(List);g=meta.k8s.io: metadata only. */
static int wants_metadata(const struct sim_req *req)
{
	const char *acc = sim_req_header(req, "Accept");

	return acc && strstr(acc, "as=PartialObjectMetadata") && !sim_req_wants_table(req);
}

static json_t *partial_of(const json_t *obj)
{
	return json_pack("{s:s,s:s,s:O}", "kind", "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1",
			 "metadata", json_object_get(obj, "metadata"));
}

static const char *metadata_ctype(void)
{
	return "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io";
}

static json_t *printer_columns(const struct sim_req *req)
{
	return req->type->printer_columns;
}

static json_t *table_of(const struct sim_req *req, json_t *items, const char *rv, const char *cont)
{
	json_t *rows = json_array(), *v, *meta;
	size_t i;
	const char *inc = sim_req_query(req, "includeObject");
	int with_obj = !inc || strcmp(inc, "None");

	json_array_foreach(items, i, v)
		json_array_append_new(rows, sim_table_row(req->type, printer_columns(req), v, with_obj));
	meta = json_object();
	if (rv)
		json_object_set_new(meta, "resourceVersion", json_string(rv));
	if (cont)
		json_object_set_new(meta, "continue", json_string(cont));
	return json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion", "meta.k8s.io/v1", "metadata", meta,
			 "columnDefinitions", sim_table_columns(req->type, printer_columns(req)), "rows", rows);
}

static const char *manager_of(const struct sim_req *req, char *buf, size_t size)
{
	const char *m = sim_req_query(req, "fieldManager"), *ua;
	size_t n;

	if (m && *m)
		return m;
	ua = sim_req_header(req, "User-Agent");
	if (!ua || !*ua)
		return "unknown";
	n = strcspn(ua, "/");
	if (n >= size)
		n = size - 1;
	memcpy(buf, ua, n);
	buf[n] = '\0';
	return buf;
}

static int is_dry_run(const struct sim_req *req)
{
	const char *d = sim_req_query(req, "dryRun");

	return d && !strcmp(d, "All");
}

/* Body as JSON; YAML is accepted where the apiserver accepts it. */
static int parse_body(const struct sim_req *req, int allow_yaml, json_t **out, struct kerr *err)
{
	json_error_t je;
	const char *ct;

	*out = NULL;
	if (!req->body_len)
		return sim_kerr_http(err, 400, "BadRequest", "the body of the request was empty");
	ct = sim_req_header(req, "Content-Type");
	if (ct && strstr(ct, "application/vnd.kubernetes.protobuf"))
		return sim_proto_decode(req->body, req->body_len, out, err);
	if (ct && strstr(ct, "cbor"))
		return sim_kerr_http(err, 415, "UnsupportedMediaType",
				     "the body of the request was in an unknown format - accepted media types include: "
				     "application/json, application/yaml");
	*out = json_loadb(req->body, req->body_len, JSON_DECODE_ANY, &je);
	if (*out)
		return 0;
	if (allow_yaml) {
#ifdef SIM_HAVE_YAMLJSON
		struct kerr yerr = { 0 };
		if (yj_load_one(req->body, req->body_len, "body", out, &yerr) == 0 && *out)
			return 0;
		return sim_kerr_http(err, 400, "BadRequest", "error decoding YAML: %s", yerr.msg);
#else
		return sim_kerr_http(err, 400, "BadRequest",
				     "error decoding the body: not JSON, and this build has no YAML loader (lib/yamljson.c)");
#endif
	}
	return sim_kerr_http(err, 400, "BadRequest",
			     "the object provided is unrecognized: couldn't get version/kind; json parse error: %s",
			     je.text);
}

/* ---- fieldValidation=Strict for custom resources ------------------------------ */

/* Collect fields the schema does not declare, like the apiserver's
 * structural-schema check. Levels with combinators, additionalProperties or
 * x-kubernetes-preserve-unknown-fields accept anything. */
static void unknown_fields(const json_t *schema, const json_t *v, const char *path, int root,
			   struct strbuf *out)
{
	const json_t *props = json_object_get(schema, "properties"), *x;
	const char *k;
	size_t i;
	char sub[1024];

	if (!schema || json_is_true(json_object_get(schema, "x-kubernetes-preserve-unknown-fields")))
		return;
	if (json_is_array(v)) {
		json_array_foreach((json_t *)v, i, x) {
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			unknown_fields(json_object_get(schema, "items"), x, sub, 0, out);
		}
		return;
	}
	if (!json_is_object(v) || !props || json_object_get(schema, "additionalProperties") ||
	    json_object_get(schema, "allOf") || json_object_get(schema, "anyOf") || json_object_get(schema, "oneOf"))
		return;
	json_object_foreach((json_t *)v, k, x) {
		int meta = !strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "metadata");
		if (meta && (root || json_is_true(json_object_get(schema, "x-kubernetes-embedded-resource"))))
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
		if (!json_object_get(props, k)) {
			if (out->len)
				strbuf_addstr(out, ", ");
			strbuf_addf(out, "unknown field \"%s\"", sub);
			continue;
		}
		unknown_fields(json_object_get(props, k), x, sub, 0, out);
	}
}

static int strict_check(const struct sim_req *req, const json_t *obj, struct kerr *err)
{
	const char *fv = sim_req_query(req, "fieldValidation");
	struct strbuf bad = STRBUF_INIT;
	int rc = 0;

	if (!fv || strcmp(fv, "Strict") || !req->type->schema || !req->type->crd_name)
		return 0;
	unknown_fields(req->type->schema, obj, "", 1, &bad);
	if (bad.len)
		rc = sim_kerr_http(err, 400, "BadRequest", "%s in version \"%s\" cannot be handled as a %s: strict decoding error: %s",
				   req->type->kind, req->type->version, req->type->kind, bad.buf);
	strbuf_release(&bad);
	return rc;
}

/* ---- get / list ------------------------------------------------------------ */

static int do_get(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *obj;

	if (sim_store_get(req->cl->store, req->type, req->ns, req->name, &obj, err))
		return -1;
	if (wants_metadata(req)) {
		sim_resp_json(resp, 200, partial_of(obj));
		snprintf(resp->content_type, sizeof resp->content_type, "%s", metadata_ctype());
		json_decref(obj);
		return 0;
	}
	if (sim_req_wants_table(req)) {
		json_t *items = json_pack("[o]", obj);
		sim_resp_json(resp, 200, table_of(req, items, NULL, NULL));
		json_decref(items);
		return 0;
	}
	sim_resp_json(resp, 200, obj);
	return 0;
}

static void list_opts(const struct sim_req *req, struct sim_list_opts *lo)
{
	memset(lo, 0, sizeof *lo);
	lo->ns = req->ns;
	lo->label_selector = sim_req_query(req, "labelSelector");
	lo->field_selector = sim_req_query(req, "fieldSelector");
	lo->limit = sim_req_query_long(req, "limit", 0);
	lo->continue_token = sim_req_query(req, "continue");
}

static int do_list(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct sim_list_opts lo;
	json_t *items, *meta, *list;
	uint64_t rv;
	char *cont = NULL, rvs[32], *ms;
	long remaining = -1;
	size_t count = 0;

	list_opts(req, &lo);
	if (sim_req_wants_table(req) || wants_metadata(req)) {
		if (sim_store_list(req->cl->store, req->type, &lo, &items, &rv, &cont, &remaining, err))
			return -1;
		snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
		if (sim_req_wants_table(req)) {
			sim_resp_json(resp, 200, table_of(req, items, rvs, cont));
			json_decref(items);
		} else {
			json_t *partial = json_array(), *v;
			size_t i;
			json_array_foreach(items, i, v)
				json_array_append_new(partial, partial_of(v));
			json_decref(items);
			meta = json_pack("{s:s}", "resourceVersion", rvs);
			if (cont)
				json_object_set_new(meta, "continue", json_string(cont));
			list = json_pack("{s:s,s:s,s:o,s:o}", "kind", "PartialObjectMetadataList", "apiVersion",
					 "meta.k8s.io/v1", "metadata", meta, "items", partial);
			sim_resp_json(resp, 200, list);
			snprintf(resp->content_type, sizeof resp->content_type, "%sList", metadata_ctype());
		}
		free(cont);
		return 0;
	}
	/* The plain list is assembled from the items' cached serializations;
	 * metadata goes last, once the list's resourceVersion is known. */
	strbuf_reset(&resp->body);
	strbuf_addf(&resp->body, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"items\":[", req->type->list_kind,
		    req->type->api_version);
	if (sim_store_list_raw(req->cl->store, req->type, &lo, &resp->body, &count, &rv, &cont, &remaining, err)) {
		strbuf_reset(&resp->body);
		return -1;
	}
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
	meta = json_pack("{s:s}", "resourceVersion", rvs);
	if (cont) {
		json_object_set_new(meta, "continue", json_string(cont));
		if (remaining >= 0)
			json_object_set_new(meta, "remainingItemCount", json_integer(remaining));
	}
	ms = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	strbuf_addf(&resp->body, "],\"metadata\":%s}", ms ? ms : "{}");
	free(ms);
	resp->status = 200;
	snprintf(resp->content_type, sizeof resp->content_type, "application/json");
	free(cont);
	return 0;
}

/* ---- watch ------------------------------------------------------------------ */

struct watch_stream {
	struct sim_cluster *cl;
	const struct sim_type *t;
	struct sim_watch *w;
	json_t *initial;            /* ADDED events to send first */
	size_t ipos;
	int table, table_cols_sent, metadata;
	int initial_end_bookmark;   /* sendInitialEvents: BOOKMARK after the initial ADDED events */
	uint64_t initial_rv;
	int bookmarks;
	long long deadline, drop_at, last_bm;
	json_t *error;              /* ERROR event to send, then end */
	int finished;
};

static void emit(struct watch_stream *ws, struct strbuf *out, const char *type, json_t *obj)
{
	json_t *ev, *o = obj;
	char *s;

	if (ws->table && strcmp(type, "BOOKMARK") && strcmp(type, "ERROR")) {
		json_t *row = sim_table_row(ws->t, ws->t->printer_columns, obj, 1);
		o = json_pack("{s:s,s:s,s:{s:O},s:o,s:[o]}", "kind", "Table", "apiVersion", "meta.k8s.io/v1",
			      "metadata", "resourceVersion", json_object_get(json_object_get(obj, "metadata"), "resourceVersion"),
			      "columnDefinitions", ws->table_cols_sent ? json_array() : sim_table_columns(ws->t, ws->t->printer_columns),
			      "rows", row);
		ws->table_cols_sent = 1;
	} else if (ws->metadata && strcmp(type, "BOOKMARK") && strcmp(type, "ERROR")) {
		o = partial_of(obj);
	} else {
		json_incref(o);
	}
	ev = json_pack("{s:s,s:o}", "type", type, "object", o);
	s = json_dumps(ev, JSON_COMPACT);
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(ev);
}

static const char *ev_name(enum sim_event_type t)
{
	switch (t) {
	case SIM_EV_ADDED: return "ADDED";
	case SIM_EV_MODIFIED: return "MODIFIED";
	case SIM_EV_DELETED: return "DELETED";
	default: return "BOOKMARK";
	}
}

static int watch_next(void *ud, struct strbuf *out)
{
	struct watch_stream *ws = ud;
	struct sim_event ev;
	struct kerr err = { 0 };
	long long now;
	int rc, n = 0;

	if (ws->finished)
		return 0;
	if (ws->error) {
		emit(ws, out, "ERROR", ws->error);
		ws->finished = 1;
		return 1;
	}
	while (ws->initial && ws->ipos < json_array_size(ws->initial) && n++ < 200)
		emit(ws, out, "ADDED", json_array_get(ws->initial, ws->ipos++));
	if (ws->initial_end_bookmark && ws->initial && ws->ipos == json_array_size(ws->initial)) {
		char rvs[32];
		json_t *bm;
		snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)ws->initial_rv);
		bm = json_pack("{s:s,s:s,s:{s:s,s:{s:s}}}", "kind", ws->t->kind, "apiVersion", ws->t->api_version,
			       "metadata", "resourceVersion", rvs, "annotations", "k8s.io/initial-events-end", "true");
		emit(ws, out, "BOOKMARK", bm);
		json_decref(bm);
		ws->initial_end_bookmark = 0;
	}
	if (out->len)
		return 1;
	now = now_ms();
	if ((ws->deadline && now >= ws->deadline) || (ws->drop_at && now >= ws->drop_at))
		return 0;
	rc = sim_watch_next(ws->w, 1000, &ev, &err);
	if (rc == 1) {
		emit(ws, out, ev_name(ev.type), ev.obj);
		sim_event_release(&ev);
		/* drain what is already queued without waiting */
		while (out->len < 256 * 1024 && sim_watch_next(ws->w, 0, &ev, NULL) == 1) {
			emit(ws, out, ev_name(ev.type), ev.obj);
			sim_event_release(&ev);
		}
		return 1;
	}
	if (rc < 0) {
		json_t *st = sim_status_from_kerr(&err);
		emit(ws, out, "ERROR", st);
		json_decref(st);
		ws->finished = 1;
		return 1;
	}
	if (sim_watch_closed(ws->w))
		return 0;
	if (ws->bookmarks && now_ms() - ws->last_bm >= BOOKMARK_INTERVAL_MS) {
		char rvs[32];
		json_t *bm;
		snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)sim_watch_rv(ws->w));
		bm = json_pack("{s:s,s:s,s:{s:s}}", "kind", ws->t->kind, "apiVersion", ws->t->api_version,
			       "metadata", "resourceVersion", rvs);
		emit(ws, out, "BOOKMARK", bm);
		json_decref(bm);
		ws->last_bm = now_ms();
	}
	return 1;
}

static void watch_fin(void *ud)
{
	struct watch_stream *ws = ud;

	sim_watch_close(ws->w);
	json_decref(ws->initial);
	json_decref(ws->error);
	free(ws);
}

static int do_watch(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct watch_stream *ws = xcalloc(1, sizeof *ws);
	struct sim_watch_opts wo = { 0 };
	const char *rvq = sim_req_query(req, "resourceVersion");
	long timeout = sim_req_query_long(req, "timeoutSeconds", 0);
	const struct sim_fault *f = req->cl->cfg ? &req->cl->cfg->fault : NULL;
	struct kerr werr = { 0 };

	(void)err;
	ws->cl = req->cl;
	ws->t = req->type;
	ws->table = sim_req_wants_table(req);
	ws->metadata = wants_metadata(req);
	ws->bookmarks = sim_req_query_bool(req, "allowWatchBookmarks");
	ws->last_bm = now_ms();
	if (timeout > 0)
		ws->deadline = now_ms() + timeout * 1000;
	if (f && f->drop_watch_ms > 0)
		ws->drop_at = now_ms() + f->drop_watch_ms;
	wo.t = req->type;
	wo.ns = req->ns;
	wo.label_selector = sim_req_query(req, "labelSelector");
	wo.field_selector = sim_req_query(req, "fieldSelector");
	if (req->name) {
		/* watch on a single object: /.../pods/NAME?watch=true */
		static __thread char fs[600];
		snprintf(fs, sizeof fs, "metadata.name=%s%s%s", req->name, wo.field_selector ? "," : "",
			 wo.field_selector ? wo.field_selector : "");
		wo.field_selector = fs;
	}
	if (sim_req_query_bool(req, "sendInitialEvents")) {
		/* streaming list: current objects, a marked BOOKMARK, then changes */
		struct sim_list_opts lo = { .ns = req->ns, .label_selector = wo.label_selector,
					    .field_selector = wo.field_selector };
		uint64_t rv;
		if (sim_store_list(req->cl->store, req->type, &lo, &ws->initial, &rv, NULL, NULL, &werr)) {
			ws->error = sim_status_from_kerr(&werr);
		} else {
			wo.since_rv = rv;
			ws->initial_rv = rv;
			ws->initial_end_bookmark = ws->bookmarks;
		}
	} else if (!rvq || !*rvq || !strcmp(rvq, "0")) {
		struct sim_list_opts lo = { .ns = req->ns, .label_selector = wo.label_selector,
					    .field_selector = wo.field_selector };
		uint64_t rv;
		if (sim_store_list(req->cl->store, req->type, &lo, &ws->initial, &rv, NULL, NULL, &werr)) {
			ws->error = sim_status_from_kerr(&werr);
		} else {
			wo.since_rv = rv;
		}
	} else {
		char *end;
		wo.since_rv = strtoull(rvq, &end, 10);
		if (*end)
			sim_kerr_http(&werr, 400, "BadRequest", "invalid resource version \"%s\"", rvq),
				ws->error = sim_status_from_kerr(&werr);
		else if (f && f->gone)
			sim_kerr_http(&werr, 410, "Expired", "too old resource version: %s (injected fault)", rvq),
				ws->error = sim_status_from_kerr(&werr);
	}
	if (!ws->error) {
		ws->w = sim_watch_open(req->cl->store, &wo, &werr);
		if (!ws->w)
			ws->error = sim_status_from_kerr(&werr);
	}
	resp->status = 200;
	sim_resp_stream(resp, ws->table ? "application/json;as=Table;v=v1;g=meta.k8s.io"
			: ws->metadata ? metadata_ctype() : "application/json", watch_next, watch_fin, ws);
	return 0;
}

/* ---- writes -------------------------------------------------------------------- */

static int do_create(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *body, *out;
	char mbuf[128];
	struct sim_write_opts o = { .dry_run = is_dry_run(req), .user = req->id.user };
	int rc;

	if (req->name && !req->subresource)
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	if (parse_body(req, 1, &body, err))
		return -1;
	if (strict_check(req, body, err)) {
		json_decref(body);
		return -1;
	}
	o.manager = manager_of(req, mbuf, sizeof mbuf);
	rc = sim_store_create(req->cl->store, req->type, req->ns, body, &o, &out, err);
	json_decref(body);
	if (rc)
		return -1;
	sim_resp_json(resp, 201, out);
	return 0;
}

static int do_update(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *body, *out;
	char mbuf[128];
	struct sim_write_opts o = { .dry_run = is_dry_run(req), .user = req->id.user,
				    .subresource = req->subresource };
	int rc;

	if (parse_body(req, 1, &body, err))
		return -1;
	if (!req->subresource && strict_check(req, body, err)) {
		json_decref(body);
		return -1;
	}
	o.manager = manager_of(req, mbuf, sizeof mbuf);
	rc = sim_store_update(req->cl->store, req->type, req->ns, req->name, body, &o, &out, err);
	json_decref(body);
	if (rc)
		return -1;
	sim_resp_json(resp, 200, out);
	return 0;
}

static int do_patch(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	const char *ct = sim_req_header(req, "Content-Type");
	enum sim_patch_type pt;
	json_t *body, *out;
	char mbuf[128];
	struct sim_write_opts o = { .dry_run = is_dry_run(req), .user = req->id.user,
				    .subresource = req->subresource, .force = sim_req_query_bool(req, "force") };
	int rc, created = 0;

	if (!ct)
		ct = "";
	if (!strncmp(ct, "application/merge-patch+json", 28))
		pt = SIM_PATCH_MERGE;
	else if (!strncmp(ct, "application/json-patch+json", 27))
		pt = SIM_PATCH_JSON;
	else if (!strncmp(ct, "application/strategic-merge-patch+json", 38))
		pt = SIM_PATCH_STRATEGIC;
	else if (!strncmp(ct, "application/apply-patch+yaml", 28) || !strncmp(ct, "application/apply-patch+json", 28))
		pt = SIM_PATCH_APPLY;
	else
		return sim_kerr_http(err, 415, "UnsupportedMediaType",
				     "the body of the request was in an unknown format - accepted media types include: "
				     "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
				     "application/strategic-merge-patch+json");
	if (pt == SIM_PATCH_APPLY && !(sim_req_query(req, "fieldManager") && *sim_req_query(req, "fieldManager")))
		return sim_kerr_http(err, 422, "Invalid",
				     "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
	if (parse_body(req, pt == SIM_PATCH_APPLY, &body, err))
		return -1;
	if ((pt == SIM_PATCH_JSON) != json_is_array(body)) {
		json_decref(body);
		return sim_kerr_http(err, 400, "BadRequest",
				     pt == SIM_PATCH_JSON ? "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
							  : "json: cannot unmarshal array into Go value of type map[string]interface {}");
	}
	/* an apply configuration or a merge patch has the object's shape */
	if ((pt == SIM_PATCH_APPLY || pt == SIM_PATCH_MERGE) && !req->subresource && strict_check(req, body, err)) {
		json_decref(body);
		return -1;
	}
	o.manager = manager_of(req, mbuf, sizeof mbuf);
	rc = sim_store_patch(req->cl->store, req->type, req->ns, req->name, pt, body, &o, &out, &created, err);
	json_decref(body);
	if (rc)
		return -1;
	sim_resp_json(resp, created ? 201 : 200, out);
	return 0;
}

static enum sim_propagation parse_propagation(const char *s)
{
	if (!s)
		return SIM_PROPAGATE_DEFAULT;
	if (!strcmp(s, "Foreground"))
		return SIM_PROPAGATE_FOREGROUND;
	if (!strcmp(s, "Orphan"))
		return SIM_PROPAGATE_ORPHAN;
	if (!strcmp(s, "Background"))
		return SIM_PROPAGATE_BACKGROUND;
	return (enum sim_propagation)-1;
}

static int delete_opts(const struct sim_req *req, struct sim_delete_opts *o, json_t **body, struct kerr *err)
{
	const char *prop = sim_req_query(req, "propagationPolicy");
	json_t *dry;

	memset(o, 0, sizeof *o);
	*body = NULL;
	o->grace_period = sim_req_query_long(req, "gracePeriodSeconds", -1);
	o->dry_run = is_dry_run(req);
	if (req->body_len) {
		json_error_t je;
		*body = json_loadb(req->body, req->body_len, 0, &je);
		if (!*body)
			return sim_kerr_http(err, 400, "BadRequest", "invalid DeleteOptions: %s", je.text);
		if (!prop)
			prop = json_string_value(json_object_get(*body, "propagationPolicy"));
		if (json_is_true(json_object_get(*body, "orphanDependents")) && !prop)
			prop = "Orphan";
		if (json_is_integer(json_object_get(*body, "gracePeriodSeconds")))
			o->grace_period = (long)json_integer_value(json_object_get(*body, "gracePeriodSeconds"));
		dry = json_object_get(*body, "dryRun");
		if (json_is_array(dry) && !strcmp(json_string_value(json_array_get(dry, 0)) ?: "", "All"))
			o->dry_run = 1;
		o->precondition_uid = json_string_value(json_object_get(json_object_get(*body, "preconditions"), "uid"));
		o->precondition_rv = json_string_value(json_object_get(json_object_get(*body, "preconditions"),
								       "resourceVersion"));
	}
	o->propagation = parse_propagation(prop);
	if ((int)o->propagation < 0)
		return sim_kerr_http(err, 422, "Invalid",
				     "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"%s\": "
				     "supported values: \"Foreground\", \"Background\", \"Orphan\"", prop);
	return 0;
}

static int do_delete(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct sim_delete_opts o;
	json_t *body, *out;
	int rc, deleted = 0;

	if (delete_opts(req, &o, &body, err)) {
		json_decref(body);
		return -1;
	}
	rc = sim_store_delete(req->cl->store, req->type, req->ns, req->name, &o, &out, &deleted, err);
	json_decref(body);
	if (rc)
		return -1;
	/* Like the apiserver: an object gone at once is answered with a Status
	 * naming it (pods and services return the object); one held by
	 * finalizers is answered with its new state. */
	if (deleted && !(req->type->group[0] == '\0' && (!strcmp(req->type->kind, "Pod") ||
							 !strcmp(req->type->kind, "Service")))) {
		json_t *st = json_pack("{s:s,s:s,s:{},s:s,s:{s:O?,s:s,s:s,s:O?}}", "kind", "Status", "apiVersion", "v1",
				       "metadata", "status", "Success", "details", "name",
				       json_object_get(json_object_get(out, "metadata"), "name"), "group",
				       req->type->group, "kind", req->type->plural, "uid",
				       json_object_get(json_object_get(out, "metadata"), "uid"));
		json_decref(out);
		out = st;
	}
	sim_resp_json(resp, 200, out);
	return 0;
}

static int do_delete_collection(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	struct sim_delete_opts o;
	struct sim_list_opts lo;
	json_t *body, *out;
	int rc;
	char rvs[32];

	if (delete_opts(req, &o, &body, err)) {
		json_decref(body);
		return -1;
	}
	list_opts(req, &lo);
	lo.limit = 0;
	lo.continue_token = NULL;
	rc = sim_store_delete_collection(req->cl->store, req->type, &lo, &o, &out, err);
	json_decref(body);
	if (rc)
		return -1;
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)sim_store_rv(req->cl->store));
	sim_resp_json(resp, 200, json_pack("{s:s,s:s,s:{s:s},s:o}", "kind", req->type->list_kind, "apiVersion",
					   req->type->api_version, "metadata", "resourceVersion", rvs, "items", out));
	return 0;
}

/* ---- scale subresource ------------------------------------------------------------ */

static json_t *scale_of(const json_t *obj)
{
	json_t *spec = json_object_get(obj, "spec"), *m = json_object_get(obj, "metadata"), *v;
	json_t *ml = json_object_get(json_object_get(spec, "selector"), "matchLabels");
	json_t *rep = json_object_get(spec, "replicas");
	struct strbuf sel = STRBUF_INIT;
	const char *k;
	json_t *scale;

	json_object_foreach(ml, k, v) {
		if (sel.len)
			strbuf_addch(&sel, ',');
		strbuf_addf(&sel, "%s=%s", k, json_string_value(v) ?: "");
	}
	scale = json_pack("{s:s,s:s,s:{s:O?,s:O?,s:O?,s:O?,s:O?},s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
			  "autoscaling/v1", "metadata", "name", json_object_get(m, "name"), "namespace",
			  json_object_get(m, "namespace"), "uid", json_object_get(m, "uid"),
			  "resourceVersion", json_object_get(m, "resourceVersion"), "creationTimestamp",
			  json_object_get(m, "creationTimestamp"), "spec", "replicas",
			  (json_int_t)(rep ? json_integer_value(rep) : 1), "status", "replicas",
			  (json_int_t)json_integer_value(json_object_get(json_object_get(obj, "status"), "replicas")),
			  "selector", sel.buf);
	strbuf_release(&sel);
	return scale;
}

static int set_replicas(json_t *obj, void *ud, struct kerr *err)
{
	json_t *spec = json_object_get(obj, "spec");

	(void)err;
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	json_object_set_new(spec, "replicas", json_integer(*(json_int_t *)ud));
	return 0;
}

int sim_api_scale(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *obj, *scale, *body = NULL, *out;
	json_int_t replicas;
	char mbuf[128];
	struct sim_write_opts o = { .dry_run = is_dry_run(req), .user = req->id.user, .subresource = "scale" };
	int rc;

	if (!req->name || !req->type->has_scale)
		return sim_kerr_http(err, 404, "NotFound", "the server could not find the requested resource");
	if (sim_store_get(req->cl->store, req->type, req->ns, req->name, &obj, err))
		return -1;
	scale = scale_of(obj);
	json_decref(obj);
	if (!strcmp(req->verb, "get")) {
		sim_resp_json(resp, 200, scale);
		return 0;
	}
	if (strcmp(req->verb, "update") && strcmp(req->verb, "patch")) {
		json_decref(scale);
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	}
	if (parse_body(req, 0, &body, err))
		goto fail;
	if (!strcmp(req->verb, "update")) {
		json_decref(scale);
		scale = json_incref(body);
	} else {
		const char *ct = sim_req_header(req, "Content-Type") ?: "";
		enum sim_patch_type pt = strstr(ct, "json-patch") ? SIM_PATCH_JSON
					 : strstr(ct, "strategic") ? SIM_PATCH_STRATEGIC : SIM_PATCH_MERGE;
		if (sim_patch_doc(pt, &scale, body, "autoscaling/v1", "Scale", err)) {
			if (err && !err->http)
				sim_kerr_http(err, 422, "Invalid", "%s", err->msg);
			goto fail;
		}
	}
	if (!json_is_integer(json_object_get(json_object_get(scale, "spec"), "replicas")) ||
	    (replicas = json_integer_value(json_object_get(json_object_get(scale, "spec"), "replicas"))) < 0) {
		sim_kerr_http(err, 422, "Invalid", "Scale.autoscaling \"%s\" is invalid: spec.replicas: Invalid value: "
			      "must be greater than or equal to 0", req->name);
		goto fail;
	}
	o.manager = manager_of(req, mbuf, sizeof mbuf);
	o.subresource = NULL;
	rc = sim_store_mutate(req->cl->store, req->type, req->ns, req->name, set_replicas, &replicas, &o, &out, err);
	json_decref(body);
	json_decref(scale);
	if (rc)
		return -1;
	sim_resp_json(resp, 200, scale_of(out));
	json_decref(out);
	return 0;
fail:
	json_decref(body);
	json_decref(scale);
	return -1;
}

int sim_api_resource(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	const char *verb = req->verb;

	if (req->type->namespaced && req->name && !req->ns && strcmp(verb, "create"))
		return sim_kerr_http(err, 404, "NotFound", "the server could not find the requested resource");
	if (!strcmp(verb, "get"))
		return do_get(req, resp, err);
	if (!strcmp(verb, "list"))
		return do_list(req, resp, err);
	if (!strcmp(verb, "watch"))
		return do_watch(req, resp, err);
	if (!strcmp(verb, "create"))
		return do_create(req, resp, err);
	if (!strcmp(verb, "update") && req->name)
		return do_update(req, resp, err);
	if (!strcmp(verb, "patch") && req->name)
		return do_patch(req, resp, err);
	if (!strcmp(verb, "delete"))
		return do_delete(req, resp, err);
	if (!strcmp(verb, "deletecollection"))
		return do_delete_collection(req, resp, err);
	return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}
