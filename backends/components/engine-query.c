/* engine-query.c - status and plan: look, never change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/components/diff.h"
#include "backends/components/engine-int.h"
#include "backends/components/engine.h"
#include "backends/components/record.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"

int eng_plan_build(struct comp_ctx *ctx, const struct rplan *plan,
		   const struct comp_record *cur, json_t **out, struct kerr *err);

static json_t *change(const char *action, const json_t *ref, const char *phase)
{
	const char *ns = eng_ref_ns(ref);

	return json_pack("{s:s,s:s,s:s,s:s,s:s?,s:b,s:[]}", "action", action, "kind",
			 jx_str_or(ref, "kind", ""), "namespace", ns, "name", eng_ref_name(ref),
			 "phase", phase, "adopt", 0, "diff");
}

/* Compare one object with the cluster: create, update (with diff) or
 * unchanged. A server-side dry-run apply shows exactly what the apply
 * would do (defaults, removals of fields kurator no longer sets); when the
 * server cannot dry-run, the desired fields are compared with the live
 * ones. */
static int plan_object(struct comp_ctx *ctx, const json_t *obj, const char *default_ns,
		       const struct comp_record *cur, json_t *c, struct kerr *err)
{
	struct kube_apply_opts ao = { .field_manager = "kurator", .force = 1, .dry_run = 1 };
	const struct kube_resource *res;
	const char *ns;
	json_t *live = NULL, *result = NULL, *lines = json_object_get(c, "diff");

	if (eng_resolve(ctx, obj, default_ns, &res, &ns, err)) {
		if (!kerr_is(err, KERR_NOTFOUND))
			return -1;
		/* Its CRD is applied by an earlier phase. */
		kerr_clear(err);
		json_object_set_new(c, "action", json_string("create"));
		return 0;
	}
	if (kube_get(ctx->kc, res, ns, eng_ref_name(obj), &live, err)) {
		if (!kerr_is(err, KERR_NOTFOUND))
			return -1;
		kerr_clear(err);
		json_object_set_new(c, "action", json_string("create"));
		return 0;
	}
	if (!eng_is_ours(ctx, live) && !(cur && record_has(cur->objects, obj)))
		json_object_set_new(c, "adopt", json_true());
	ao.default_namespace = ns;
	if (kube_apply(ctx->kc, obj, &ao, &result, NULL, err) == 0) {
		diff_objects(live, result, DIFF_FULL, lines);
	} else {
		if (kerr_is(err, KERR_AUTH) || kerr_is(err, KERR_NETWORK) ||
		    kerr_is(err, KERR_CANCELLED)) {
			json_decref(live);
			return -1;
		}
		kerr_clear(err);
		diff_objects(live, obj, DIFF_SUBSET, lines);
	}
	json_object_set_new(c, "action",
			    json_string(json_array_size(lines) ? "update" : "unchanged"));
	json_decref(live);
	json_decref(result);
	return 0;
}

int eng_plan_build(struct comp_ctx *ctx, const struct rplan *plan,
		   const struct comp_record *cur, json_t **out, struct kerr *err)
{
	const struct recipe *r = plan->recipe;
	json_t *changes = json_array(), *res;
	long n_create = 0, n_update = 0, n_same = 0, n_delete = 0;

	*out = NULL;
	engine_progress(ctx, -1, -1, "comparing %zu objects with the cluster", plan->n);
	for (size_t i = 0; i < plan->n; i++) {
		const json_t *obj = plan->objs[i].obj;
		json_t *c = change("create", obj, r->phases[plan->objs[i].phase].name);
		const char *a;

		if (plan_object(ctx, obj, r->ns, cur, c, err)) {
			json_decref(c);
			json_decref(changes);
			return -1;
		}
		a = jx_str(c, "action");
		if (!strcmp(a, "create"))
			n_create++;
		else if (!strcmp(a, "update"))
			n_update++;
		else
			n_same++;
		json_array_append_new(changes, c);
	}
	if (cur) {
		json_t *e, *objects = json_array();
		size_t i;

		for (size_t k = 0; k < plan->n; k++)
			json_array_append_new(objects, record_ref(plan->objs[k].obj));
		json_array_foreach(cur->objects, i, e) {
			int crd = !strcmp(jx_str_or(e, "kind", ""), "CustomResourceDefinition");
			const char *action;

			if (record_has(objects, e) || record_has(cur->adopted, e))
				continue;
			action = crd && !(ctx->opts && ctx->opts->purge_crds) ? "keep" : "delete";
			json_array_append_new(changes, change(action, e, jx_str(e, "phase")));
			if (!strcmp(action, "delete"))
				n_delete++;
		}
		json_decref(objects);
	}
	res = eng_result(ctx);
	json_object_set_new(res, "version", json_string(r->version));
	json_object_set_new(res, "from", cur ? json_string(cur->version) : json_null());
	json_object_set_new(res, "params", json_deep_copy(plan->params));
	json_object_set_new(res, "changes", changes);
	json_object_set_new(res, "summary",
			    json_pack("{s:I,s:I,s:I,s:I}", "create", (json_int_t)n_create, "update",
				      (json_int_t)n_update, "unchanged", (json_int_t)n_same, "delete",
				      (json_int_t)n_delete));
	*out = res;
	return 0;
}

int engine_plan(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	struct comp_record *cur = NULL;
	const struct recipe *r = NULL;
	struct rplan *plan = NULL;
	int rc = -1;

	*out = NULL;
	kerr_clear(err);
	if (record_read(ctx->kc, ctx->ops->name, &cur, err) == 0 && cur && cur->state &&
	    !strcmp(cur->state, RECORD_REMOVED)) {
		record_free(cur);
		cur = NULL;
	}
	if (err && err->kind == KERR_NONE && cur &&
	    !(ctx->opts && ctx->opts->version) &&
	    recipe_set_find(ctx->recipes, ctx->ops->name, cur->version, &r, err)) {
		/* The installed version is not in this recipe set: show what
		 * `upgrade` would do. */
		kerr_clear(err);
		engine_log(ctx, "no recipe for the installed %s %s here: planning the upgrade",
			   ctx->ops->name, cur->version);
		r = NULL;
		if (recipe_set_find(ctx->recipes, ctx->ops->name, NULL, &r, err))
			r = NULL;
	}
	if ((err && err->kind != KERR_NONE) ||
	    (!r && engine_recipe(ctx, cur ? cur->version : NULL, &r, err)) ||
	    engine_render(ctx, r, cur ? cur->set : NULL, &plan, err) ||
	    eng_plan_build(ctx, plan, cur, out, err))
		kerr_prefix(err, "plan %s on %s", ctx->ops->name, ctx->cluster ? ctx->cluster : "cluster");
	else
		rc = 0;
	rplan_free(plan);
	record_free(cur);
	return rc;
}

/* One status row. */
/* waited: the install waits for this object's readiness; otherwise it
 * only has to exist (its own state is shown, but does not count). */
static int status_object(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
			 int waited, json_t *objects, int *all_ready, struct kerr *err)
{
	struct ready_res rr = { 0 };
	json_t *row;

	if (engine_ready_now(ctx, ref, default_ns, &rr, NULL, err)) {
		if (!kerr_is(err, KERR_NOTFOUND))
			return -1;
		kerr_clear(err);
		rr.state = READY_NO;
		snprintf(rr.msg, sizeof rr.msg, "missing");
	} else if (!waited && rr.state != READY_YES) {
		char msg[sizeof rr.msg];

		snprintf(msg, sizeof msg, "exists (not waited for: %.340s)", rr.msg);
		memcpy(rr.msg, msg, sizeof rr.msg);
		rr.state = READY_YES;
	}
	if (rr.state != READY_YES)
		*all_ready = 0;
	row = json_pack("{s:s,s:s,s:s,s:s?,s:b,s:s}", "kind", jx_str_or(ref, "kind", ""),
			"namespace", eng_ref_ns(ref), "name", eng_ref_name(ref), "phase",
			jx_str(ref, "phase"), "ready", rr.state == READY_YES, "message", rr.msg);
	json_array_append_new(objects, row);
	return 0;
}

int engine_status(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	struct comp_record *cur = NULL;
	const struct recipe *r = NULL;
	json_t *res = NULL, *objects = json_array(), *checks = json_array(), *e;
	int all_ready = 1;
	size_t i;

	*out = NULL;
	if (engine_detect(ctx, &res, err) || record_read(ctx->kc, ctx->ops->name, &cur, err))
		goto fail;
	if (cur && cur->state && !strcmp(cur->state, RECORD_REMOVED)) {
		/* Uninstalled (detect reports the CRDs it kept). */
		record_free(cur);
		cur = NULL;
	}
	if (cur) {
		struct kerr ignore = { 0 };

		if (recipe_set_find(ctx->recipes, ctx->ops->name, cur->version, &r, &ignore))
			r = NULL;
		engine_progress(ctx, -1, -1, "checking %zu objects", json_array_size(cur->objects));
		json_array_foreach(cur->objects, i, e) {
			const struct rphase *ph = r ? recipe_phase(r, jx_str_or(e, "phase", "")) : NULL;

			if (status_object(ctx, e, r ? r->ns : NULL, !ph || ph->wait_ready, objects,
					  &all_ready, err))
				goto fail;
		}
		for (size_t ph = 0; r && ph < r->nphases; ph++) {
			if (!recipe_when(r->phases[ph].when, cur->params))
				continue;
			for (size_t k = 0; k < r->phases[ph].nchecks; k++) {
				const struct rcheck *c = &r->phases[ph].checks[k];
				struct ready_res rr = { 0 };

				if (eng_check_now(ctx, c, r->ns, &rr, err))
					goto fail;
				if (rr.state != READY_YES)
					all_ready = 0;
				json_array_append_new(checks,
						      json_pack("{s:s,s:b,s:s}", "description",
								c->description ? c->description : c->ref.name,
								"ready", rr.state == READY_YES, "message", rr.msg));
			}
		}
		if (!cur->state || strcmp(cur->state, "installed"))
			all_ready = 0;
	} else if (json_is_true(json_object_get(res, "present"))) {
		/* Someone else's install: report what the recipe would check. */
		if (recipe_set_find(ctx->recipes, ctx->ops->name, NULL, &r, err))
			goto fail;
		for (size_t k = 0; k < r->ndetect; k++) {
			json_t *ref = json_pack("{s:s,s:s,s:s,s:s}", "apiVersion", r->detect[k].api_version,
						"kind", r->detect[k].kind, "namespace", r->detect[k].ns,
						"name", r->detect[k].name);

			if (status_object(ctx, ref, r->ns, 1, objects, &all_ready, err)) {
				json_decref(ref);
				goto fail;
			}
			json_decref(ref);
		}
	} else {
		all_ready = 0;
	}
	json_object_set_new(res, "ready", json_boolean(all_ready));
	json_object_set_new(res, "objects", objects);
	json_object_set_new(res, "checks", checks);
	record_free(cur);
	*out = res;
	return 0;
fail:
	kerr_prefix(err, "status %s on %s", ctx->ops->name, ctx->cluster ? ctx->cluster : "cluster");
	json_decref(res);
	json_decref(objects);
	json_decref(checks);
	record_free(cur);
	return -1;
}
