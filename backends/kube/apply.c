/* apply.c - server-side apply of one object: PATCH with
 * application/apply-patch+yaml and a JSON body (JSON is YAML), field
 * manager "kurator", conflicts reported with their managers and fields.
 */
#include <stdio.h>
#include <string.h>

#include "backends/kube/client-int.h"
#include "lib/xalloc.h"

/* Rewrite a 409 from apply into "field F is managed by M (apiVersion)"
 * lines, from the Status causes. Leaves err alone if there are none. */
static void explain_conflict(const struct kube_resp *resp, struct kerr *err)
{
	json_t *st = json_loadb(resp->body.buf, resp->body.len, 0, NULL), *cause;
	json_t *causes = json_object_get(json_object_get(st, "details"), "causes");
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 0;

	if (!err) {
		json_decref(st);
		return;
	}
	json_array_foreach(causes, i, cause) {
		const char *reason = json_string_value(json_object_get(cause, "reason"));
		const char *field = json_string_value(json_object_get(cause, "field"));
		const char *msg = json_string_value(json_object_get(cause, "message"));
		if (!reason || strcmp(reason, "FieldManagerConflict"))
			continue;
		/* msg: conflict with "kubectl" using apps/v1 */
		strbuf_addstr(&sb, n++ ? "; " : "");
		strbuf_addf(&sb, "%s ", field ? field : "?");
		if (msg && !strncmp(msg, "conflict with ", 14))
			strbuf_addf(&sb, "is managed by %s", msg + 14);
		else
			strbuf_addstr(&sb, msg ? msg : "is managed by another field manager");
	}
	if (n) {
		int http = err->http;
		char reason[sizeof err->reason];
		memcpy(reason, err->reason, sizeof reason);
		kerr_set(err, KERR_CONFLICT, "apply failed with %zu conflict%s: %s", n, n > 1 ? "s" : "", sb.buf);
		err->http = http;
		memcpy(err->reason, reason, sizeof reason);
	}
	/* without causes the server's message already names managers and fields */
	if (n || strstr(err->msg, "conflict with"))
		kerr_hint(err, "apply with --force to take these fields over, or leave them out of the manifest");
	strbuf_release(&sb);
	json_decref(st);
}

int kube_apply(struct kube_client *c, const json_t *obj, const struct kube_apply_opts *opts,
	       json_t **out, int *created, struct kerr *err)
{
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	struct kube_call call = { .method = "PATCH", .content_type = "application/apply-patch+yaml" };
	struct strbuf path = STRBUF_INIT, what = STRBUF_INIT;
	const struct kube_resource *r;
	struct kube_resp resp;
	const char *ns;
	char *body;
	json_t *res = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (created)
		*created = 0;
	if (!name || !*name) {
		kerr_set(err, KERR_INVALID, "%s has no metadata.name: server-side apply needs one "
			 "(generateName works only with create)", kube_kind_of(obj));
		return kerr_prefix(err, "apply on %s", c->name);
	}
	if (kube_object_target(c, obj, opts ? opts->default_namespace : NULL, &r, &ns, err) < 0)
		return kerr_prefix(err, "apply %s/%s on %s", kube_kind_of(obj), name, c->name);

	kube_path(&path, r, ns, name);
	kube_query_add(&path, "fieldManager", opts && opts->field_manager ? opts->field_manager : "kurator");
	kube_query_add(&path, "fieldValidation",
		       opts && opts->field_validation ? opts->field_validation : "Strict");
	kube_query_add(&path, "force", opts && opts->force ? "true" : "false");
	if (opts && opts->dry_run)
		kube_query_add(&path, "dryRun", "All");
	body = json_dumps(obj, JSON_COMPACT);
	call.path = path.buf;
	call.body = body;
	call.body_len = strlen(body);

	kube_resp_init(&resp);
	rc = kube_call_do(c, &call, &resp, NULL, err);
	if (rc < 0 && resp.status == 409)
		explain_conflict(&resp, err);
	if (!rc) {
		res = kube_parse_json(&resp, path.buf, err);
		rc = res ? 0 : -1;
		if (created)
			*created = resp.status == 201;
	}
	kube_resp_release(&resp);
	free(body);
	strbuf_release(&path);
	if (rc < 0) {
		kube_what(&what, r, ns, name);
		kerr_prefix(err, "apply %s on %s", what.buf, c->name);
		strbuf_release(&what);
		return -1;
	}
	if (out)
		*out = res;
	else
		json_decref(res);
	return 0;
}

static void flatten_into(json_t *out, const json_t *doc, int depth)
{
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	json_t *items = json_object_get(doc, "items"), *it;
	size_t klen = kind ? strlen(kind) : 0, i;

	if (!json_is_object(doc))
		return;
	if (depth < 4 && klen >= 4 && !strcmp(kind + klen - 4, "List") && json_is_array(items)) {
		json_array_foreach(items, i, it)
			flatten_into(out, it, depth + 1);
		return;
	}
	json_array_append(out, (json_t *)doc);
}

json_t *kube_objects_flatten(const json_t *docs)
{
	json_t *out = json_array(), *d;
	size_t i;

	if (json_is_array(docs)) {
		json_array_foreach(docs, i, d)
			flatten_into(out, d, 0);
	} else {
		flatten_into(out, docs, 0);
	}
	return out;
}
