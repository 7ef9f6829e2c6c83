/* engine-install.c - install, upgrade and uninstall from a recipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/components/diff.h"
#include "backends/components/engine-int.h"
#include "backends/components/ready.h"
#include "backends/components/engine.h"
#include "backends/components/record.h"
#include "lib/jsonx.h"
#include "lib/monotime.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

int eng_plan_build(struct comp_ctx *ctx, const struct rplan *plan,
		   const struct comp_record *cur, json_t **out, struct kerr *err);

static const char *verb_name(int upgrade)
{
	return upgrade ? "upgrade" : "install";
}

/* "found Deployment a/b, Deployment a/c" from a detect result. */
static void found_text(const json_t *det, char *buf, size_t size)
{
	json_t *f = json_object_get(det, "found"), *e;
	size_t i, len = 0;

	buf[0] = '\0';
	json_array_foreach(f, i, e)
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", i ? ", " : "",
				json_string_value(e));
}

/* Refuse to touch a copy someone else installed (unless --adopt). */
static int check_foreign(struct comp_ctx *ctx, int upgrade, struct kerr *err)
{
	json_t *det = NULL;
	char found[512];

	if (engine_detect(ctx, &det, err))
		return -1;
	if (!json_is_true(json_object_get(det, "present"))) {
		json_decref(det);
		if (upgrade) {
			kerr_set(err, KERR_NOTFOUND, "%s is not installed on %s", ctx->ops->name,
				 ctx->cluster ? ctx->cluster : "this cluster");
			return kerr_hint(err, "kurator install %s", ctx->ops->name);
		}
		return 0;
	}
	found_text(det, found, sizeof found);
	json_decref(det);
	if (!upgrade && ctx->opts && ctx->opts->adopt)
		return 0;
	kerr_set(err, KERR_CONFLICT, "%s is already installed on %s, not by kurator (found %s)",
		 ctx->ops->name, ctx->cluster ? ctx->cluster : "this cluster", found);
	return kerr_hint(err, "kurator install %s --adopt to manage it with kurator, or remove it first",
			 ctx->ops->name);
}

static json_t *ref_with_phase(const struct rplan *plan, const struct robj *o)
{
	json_t *ref = record_ref(o->obj);

	json_object_set_new(ref, "phase", json_string(plan->recipe->phases[o->phase].name));
	return ref;
}

static int is_crd(const json_t *ref)
{
	return !strcmp(jx_str_or(ref, "kind", ""), "CustomResourceDefinition");
}

static int applies_crd(const struct rplan *plan, int phase)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->objs[i].phase == phase && is_crd(plan->objs[i].obj))
			return 1;
	return 0;
}

static const char *propagation_for(const json_t *ref)
{
	static const char *const workloads[] = { "Deployment", "StatefulSet", "DaemonSet", "Job",
						 "ReplicaSet" };
	const char *kind = jx_str_or(ref, "kind", "");

	for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
		if (!strcmp(kind, workloads[i]))
			return "Foreground";
	return "Background";
}

/* Delete one object; *pending gets 1 when it still has to disappear.
 * Absent objects and kinds no longer served are already gone. */
static int delete_ref(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		      int *pending, struct kerr *err)
{
	struct kube_delete_opts dopts = { .ignore_not_found = 1 };
	const struct kube_resource *res;
	const char *ns;
	char desc[320];

	*pending = 0;
	if (eng_resolve(ctx, ref, default_ns, &res, &ns, err)) {
		if (kerr_is(err, KERR_NOTFOUND)) {
			kerr_clear(err);
			return 0;
		}
		return kerr_prefix(err, "delete %s", eng_ref_desc(ref, desc, sizeof desc));
	}
	dopts.propagation = propagation_for(ref);
	if (kube_delete(ctx->kc, res, ns, eng_ref_name(ref), &dopts, err))
		return kerr_prefix(err, "delete %s on %s", eng_ref_desc(ref, desc, sizeof desc),
				   ctx->cluster ? ctx->cluster : "cluster");
	*pending = 1;
	return 0;
}

/* Wait until every ref in list is gone. */
static int wait_gone(struct comp_ctx *ctx, json_t *list, const char *default_ns,
		     long long deadline, long *done, long total, struct kerr *err)
{
	long poll = ctx->opts && ctx->opts->poll_ms > 0 ? ctx->opts->poll_ms : 250;
	long long start = monotime_ms();

	while (json_array_size(list)) {
		json_t *live = NULL, *ref = json_array_get(list, 0);
		char desc[320];

		if (engine_get(ctx, ref, default_ns, &live, err)) {
			if (!kerr_is(err, KERR_NOTFOUND))
				return -1;
			kerr_clear(err);
			engine_log(ctx, "deleted %s", eng_ref_desc(ref, desc, sizeof desc));
			json_array_remove(list, 0);
			(*done)++;
			continue;
		}
		json_decref(live);
		engine_progress(ctx, *done, total, "waiting for %s to be deleted (%.1fs)",
				eng_ref_desc(ref, desc, sizeof desc),
				(double)(monotime_ms() - start) / 1000.0);
		if (monotime_ms() >= deadline) {
			kerr_set(err, KERR_TIMEOUT, "timed out waiting for %s on %s to be deleted",
				 desc, ctx->cluster ? ctx->cluster : "cluster");
			return kerr_hint(err, "it may have finalizers; check it with `kurator describe`");
		}
		if (eng_sleep(ctx, poll))
			return kerr_set(err, KERR_CANCELLED, "cancelled while deleting");
	}
	return 0;
}

/* Ours, and its live fields already hold every desired value. */
static int unchanged(struct comp_ctx *ctx, const json_t *live, const json_t *want)
{
	json_t *lines;
	size_t n;

	if (!json_is_object(live) || !eng_is_ours(ctx, live))
		return 0;
	lines = json_array();
	n = diff_objects(live, want, DIFF_SUBSET, lines);
	json_decref(lines);
	return n == 0;
}

static void now_rfc3339(char *buf, size_t size)
{
	jx_time_rfc3339(buf, size, (int64_t)time(NULL));
}

static int converge(struct comp_ctx *ctx, int upgrade, json_t **out, struct kerr *err)
{
	const char *name = ctx->ops->name, *cluster = ctx->cluster ? ctx->cluster : "cluster";
	long long t0 = monotime_ms(), deadline = eng_deadline(ctx);
	struct comp_record *cur = NULL, *rec = NULL;
	const struct recipe *r;
	struct rplan *plan = NULL;
	json_t *objects = NULL, *inflight = NULL, *stale = NULL, *lives = NULL;
	long counts[3] = { 0 }, pruned = 0, done = 0, total;
	size_t adopted_before;
	int rc = -1, wrote = 0, same_desired, removed;
	char stamp[32];

	*out = NULL;
	if (record_read(ctx->kc, name, &cur, err))
		goto fail;
	removed = cur && cur->state && !strcmp(cur->state, RECORD_REMOVED);
	if ((!cur || removed) && check_foreign(ctx, upgrade, err))
		goto fail;
	if (!upgrade && cur && !removed && ctx->opts && ctx->opts->version &&
	    recipe_version_cmp(cur->version, ctx->opts->version)) {
		kerr_set(err, KERR_CONFLICT, "%s %s is installed on %s", name, cur->version, cluster);
		kerr_hint(err, "kurator upgrade %s --version %s", name, ctx->opts->version);
		goto fail;
	}
	if (engine_recipe(ctx, upgrade || !cur || removed ? NULL : cur->version, &r, err))
		goto fail;
	if (engine_render(ctx, r, cur && !removed ? cur->set : NULL, &plan, err))
		goto fail;
	if (ctx->opts && ctx->opts->dry_run) {
		rc = eng_plan_build(ctx, plan, cur, out, err);
		goto done;
	}
	if (upgrade && cur && strcmp(cur->version, r->version))
		engine_log(ctx, "upgrading %s on %s from %s to %s", name, cluster, cur->version,
			   r->version);

	/* Which objects exist already without being ours: adopted, so that
	 * uninstall leaves them in place. */
	rec = record_new(name);
	rec->version = xstrdup(r->version);
	json_decref(rec->params);
	rec->params = json_deep_copy(plan->params);
	json_decref(rec->set);
	rec->set = eng_user_set(ctx, cur && !removed ? cur->set : NULL, plan->params);
	now_rfc3339(stamp, sizeof stamp);
	rec->installed_at = xstrdup(cur && !removed && cur->installed_at ? cur->installed_at : stamp);
	if (cur) {
		json_decref(rec->adopted);
		rec->adopted = json_deep_copy(cur->adopted);
	}
	adopted_before = json_array_size(rec->adopted);
	objects = json_array();
	lives = json_array();
	engine_progress(ctx, -1, -1, "comparing %zu objects with the cluster", plan->n);
	for (size_t i = 0; i < plan->n; i++) {
		json_t *o = plan->objs[i].obj, *live = NULL;

		json_array_append_new(objects, ref_with_phase(plan, &plan->objs[i]));
		if (engine_get(ctx, o, r->ns, &live, err)) {
			if (!kerr_is(err, KERR_NOTFOUND))
				goto fail;
			kerr_clear(err);
			json_array_append_new(lives, json_null());
			continue;
		}
		json_array_append(lives, live);
		if (!eng_is_ours(ctx, live) && !(cur && record_has(cur->objects, o)) &&
		    !record_has(rec->adopted, o)) {
			char desc[320];

			json_array_append_new(rec->adopted, record_ref(o));
			engine_log(ctx, "adopting %s (it existed before)",
				   eng_ref_desc(o, desc, sizeof desc));
		}
		json_decref(live);
	}
	/* Objects an earlier version installed that this one does not. */
	stale = json_array();
	if (cur) {
		json_t *e;
		size_t i;

		json_array_foreach(cur->objects, i, e) {
			char desc[320];

			if (record_has(objects, e) || record_has(rec->adopted, e))
				continue;
			if (is_crd(e) && !(ctx->opts && ctx->opts->purge_crds)) {
				/* Still kurator's: a later uninstall --purge-crds removes it. */
				engine_log(ctx, "kept %s (not in %s %s; --purge-crds removes it)",
					   eng_ref_desc(e, desc, sizeof desc), name, r->version);
				json_array_append(objects, e);
				continue;
			}
			json_array_append(stale, e);
		}
	}

	/* The final record; skip the in-progress write when it equals what
	 * the cluster holds (a second identical install writes nothing). */
	rec->state = xstrdup("installed");
	json_decref(rec->objects);
	rec->objects = json_deep_copy(objects);
	if (!cur || !record_equal(rec, cur)) {
		struct comp_record tmp = *rec;

		inflight = json_deep_copy(objects);
		json_array_extend(inflight, stale);
		tmp.state = upgrade ? "upgrading" : "installing";
		tmp.objects = inflight;
		if (record_write(ctx->kc, &tmp, cur, err))
			goto fail;
		wrote = 1;
	}

	/* The same version with the same parameters renders the same objects. */
	same_desired = cur && !strcmp(cur->version, r->version) &&
		       json_equal(cur->params, plan->params);
	total = (long)plan->n + (long)json_array_size(stale);
	for (size_t ph = 0; ph < r->nphases; ph++) {
		if (!recipe_when(r->phases[ph].when, plan->params))
			continue;
		if (r->phases[ph].wait_ready)
			for (size_t i = 0; i < plan->n; i++)
				if (plan->objs[i].phase == (int)ph &&
				    ready_has_rule(jx_api_version(plan->objs[i].obj), jx_kind(plan->objs[i].obj)))
					total++;
		total += (long)r->phases[ph].nchecks;
	}

	for (size_t ph = 0; ph < r->nphases; ph++) {
		const struct rphase *p = &r->phases[ph];
		json_t *waits;

		if (!recipe_when(p->when, plan->params))
			continue;
		if (ctx->ops->before_phase && ctx->ops->before_phase(ctx, plan, (int)ph, err))
			goto fail;
		waits = json_array();
		for (size_t i = 0; i < plan->n; i++) {
			const struct robj *o = &plan->objs[i];
			char desc[320];
			int result;

			if (o->phase != (int)ph)
				continue;
			eng_ref_desc(o->obj, desc, sizeof desc);
			engine_progress(ctx, done, total, "%s: apply %s", p->name, desc);
			if (same_desired && unchanged(ctx, json_array_get(lives, i), o->obj)) {
				result = 0;
			} else if (engine_apply_object(ctx, o->obj, r->ns, same_desired, &result, err)) {
				json_decref(waits);
				goto fail;
			}
			counts[result]++;
			done++;
			/* Kinds without a readiness rule are ready once applied. */
			if (p->wait_ready && ready_has_rule(jx_api_version(o->obj), jx_kind(o->obj)))
				json_array_append(waits, o->obj);
		}
		if (json_array_size(waits) || p->nchecks) {
			if (engine_wait(ctx, waits, p->checks, p->nchecks, r->ns, deadline, &done, total,
					err)) {
				json_decref(waits);
				goto fail;
			}
		}
		json_decref(waits);
		/* New CRDs are established now: refresh discovery so the next
		 * phases resolve their kinds instead of meeting a cached miss. */
		if (applies_crd(plan, (int)ph) && kube_discover(ctx->kc, 1, err))
			goto fail;
	}

	/* Prune what this version no longer has (CRDs only with --purge-crds:
	 * they take every custom resource with them). */
	{
		json_t *pending = json_array(), *e;
		size_t i;

		json_array_foreach(stale, i, e) {
			char desc[320];
			int p;

			engine_progress(ctx, done, total, "prune %s", eng_ref_desc(e, desc, sizeof desc));
			if (delete_ref(ctx, e, r->ns, &p, err)) {
				json_decref(pending);
				goto fail;
			}
			if (p)
				json_array_append(pending, e);
			else
				done++;
			pruned++;
		}
		if (wait_gone(ctx, pending, r->ns, deadline, &done, total, err)) {
			json_decref(pending);
			goto fail;
		}
		json_decref(pending);
	}

	if (record_write(ctx->kc, rec, wrote ? NULL : cur, err))
		goto fail;
	engine_progress(ctx, total, total, "%s %s ready on %s", name, r->version, cluster);
	*out = eng_result(ctx);
	json_object_set_new(*out, "version", json_string(r->version));
	json_object_set_new(*out, "created", json_integer(counts[1]));
	json_object_set_new(*out, "updated", json_integer(counts[2]));
	json_object_set_new(*out, "unchanged", json_integer(counts[0]));
	json_object_set_new(*out, "pruned", json_integer(pruned));
	json_object_set_new(*out, "adopted",
			    json_integer((json_int_t)(json_array_size(rec->adopted) - adopted_before)));
	json_object_set_new(*out, "elapsedMs", json_integer(monotime_ms() - t0));
	rc = 0;
	goto done;
fail:
	kerr_prefix(err, "%s %s on %s", verb_name(upgrade), name, cluster);
done:
	json_decref(objects);
	json_decref(lives);
	json_decref(inflight);
	json_decref(stale);
	rplan_free(plan);
	record_free(rec);
	record_free(cur);
	return rc;
}

int engine_install(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	return converge(ctx, 0, out, err);
}

int engine_upgrade(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	return converge(ctx, 1, out, err);
}

/* Remove kurator's labels from an object it adopted. */
static int release(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		   struct kerr *err)
{
	const struct kube_resource *res;
	const char *ns;
	char *patch = xasprintf("{\"metadata\":{\"labels\":{\"%s\":null,\"%s\":null,\"%s\":null}}}",
				KURATOR_LABEL_MANAGED_BY, KURATOR_LABEL_COMPONENT,
				KURATOR_LABEL_VERSION);
	json_t *out = NULL;
	int rc;

	if (eng_resolve(ctx, ref, default_ns, &res, &ns, err)) {
		free(patch);
		if (kerr_is(err, KERR_NOTFOUND)) {
			kerr_clear(err);
			return 0;
		}
		return -1;
	}
	rc = kube_patch(ctx->kc, res, ns, eng_ref_name(ref), "application/merge-patch+json", patch,
			&out, err);
	free(patch);
	json_decref(out);
	if (rc && kerr_is(err, KERR_NOTFOUND)) {
		kerr_clear(err);
		rc = 0;
	}
	return rc;
}

/* The uninstall order: groups of record refs, one per phase. */
static json_t *uninstall_groups(const struct recipe *r, const json_t *objects)
{
	json_t *groups = json_array(), *e, *unknown = json_array();
	size_t i;

	/* Objects of phases this recipe does not know go first. */
	json_array_foreach(objects, i, e)
		if (!r || recipe_phase_index(r, jx_str_or(e, "phase", "")) < 0)
			json_array_insert(unknown, 0, e);
	json_array_append_new(groups, json_pack("{s:n,s:o}", "phase", "objects", unknown));
	for (size_t k = 0; r && r->uninstall[k]; k++) {
		json_t *g = json_array();

		json_array_foreach(objects, i, e)
			if (!strcmp(jx_str_or(e, "phase", ""), r->uninstall[k]))
				json_array_insert(g, 0, e);
		json_array_append_new(groups, json_pack("{s:s,s:o}", "phase", r->uninstall[k],
							"objects", g));
	}
	return groups;
}

int engine_uninstall(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	const char *name = ctx->ops->name, *cluster = ctx->cluster ? ctx->cluster : "cluster";
	long long deadline = eng_deadline(ctx);
	int purge = ctx->opts && ctx->opts->purge_crds, dry = ctx->opts && ctx->opts->dry_run;
	struct comp_record *cur = NULL;
	const struct recipe *r = NULL;
	json_t *groups = NULL, *deleted = json_array(), *kept = json_array(), *released = json_array();
	json_t *kept_refs = json_array(), *empty = json_array();
	json_t *g;
	const char *default_ns = NULL;
	long done = 0, total;
	size_t gi;
	int rc = -1;

	*out = NULL;
	if (record_read(ctx->kc, name, &cur, err))
		goto fail;
	if (!cur) {
		json_t *det = NULL;

		if (engine_detect(ctx, &det, err))
			goto fail;
		if (json_is_true(json_object_get(det, "present"))) {
			char found[512];

			found_text(det, found, sizeof found);
			json_decref(det);
			kerr_set(err, KERR_CONFLICT,
				 "%s on %s was not installed by kurator (found %s); leaving it alone",
				 name, cluster, found);
			kerr_hint(err, "remove it with the tool that installed it");
			goto fail;
		}
		json_decref(det);
		engine_log(ctx, "%s is not installed on %s: nothing to do", name, cluster);
		*out = eng_result(ctx);
		json_object_set_new(*out, "version", json_null());
		json_object_set_new(*out, "deleted", deleted);
		json_object_set_new(*out, "kept", kept);
		json_object_set_new(*out, "released", released);
		deleted = kept = released = NULL;
		rc = 0;
		goto done;
	}
	{
		struct kerr e = { 0 };

		if (recipe_set_find(ctx->recipes, name, cur->version, &r, &e)) {
			engine_log(ctx, "no recipe for %s %s in this build: removing the recorded objects in reverse order",
				   name, cur->version);
			r = NULL;
		}
	}
	default_ns = r ? r->ns : NULL;
	groups = uninstall_groups(r, cur->objects);
	total = (long)json_array_size(cur->objects);

	if (!dry) {
		struct comp_record tmp = *cur;

		tmp.state = "uninstalling";
		if (record_write(ctx->kc, &tmp, cur, err))
			goto fail;
	}
	json_array_foreach(groups, gi, g) {
		const char *phase = jx_str(g, "phase");
		json_t *pending = json_array(), *e;
		size_t i, nadopted = 0, nobjs = json_array_size(json_object_get(g, "objects"));

		json_array_foreach(json_object_get(g, "objects"), i, e) {
			char desc[320];
			int p = 0;

			eng_ref_desc(e, desc, sizeof desc);
			if (record_has(cur->adopted, e)) {
				nadopted++;
				if (!dry && release(ctx, e, default_ns, err)) {
					json_decref(pending);
					goto fail;
				}
				json_array_append_new(released, json_string(desc));
				done++;
				continue;
			}
			if (is_crd(e) && !purge) {
				json_array_append_new(kept, json_string(desc));
				json_array_append(kept_refs, e);
				done++;
				continue;
			}
			json_array_append_new(deleted, json_string(desc));
			if (dry) {
				done++;
				continue;
			}
			engine_progress(ctx, done, total, "delete %s", desc);
			if (delete_ref(ctx, e, default_ns, &p, err)) {
				json_decref(pending);
				goto fail;
			}
			if (p)
				json_array_append(pending, e);
			else
				done++;
		}
		if (wait_gone(ctx, pending, default_ns, deadline, &done, total, err)) {
			json_decref(pending);
			goto fail;
		}
		/* What the component made for itself during this phase, once the
		 * phase's own objects (which may recreate it) are gone. */
		for (size_t k = 0; r && phase && k < r->nruntime; k++) {
			const struct rruntime *rt = &r->runtime[k];
			json_t *ref;
			int p = 0;

			/* A phase kurator found already installed made its runtime
			 * objects under someone else's watch: they stay too. */
			if (strcmp(rt->phase, phase) || (rt->with_crds && !purge) ||
			    (nobjs && nadopted == nobjs))
				continue;
			ref = json_pack("{s:s,s:s,s:s,s:s}", "apiVersion", rt->ref.api_version, "kind",
					rt->ref.kind, "namespace", rt->ref.ns, "name", rt->ref.name);
			if (dry) {
				json_t *live = NULL;
				char desc[320];

				if (engine_get(ctx, ref, default_ns, &live, err) == 0)
					json_array_append_new(deleted,
							      json_string(eng_ref_desc(ref, desc, sizeof desc)));
				kerr_clear(err);
				json_decref(live);
			} else if (delete_ref(ctx, ref, default_ns, &p, err)) {
				json_decref(ref);
				json_decref(pending);
				goto fail;
			}
			if (p) {
				total++;
				json_array_append(pending, ref);
			}
			json_decref(ref);
		}
		if (wait_gone(ctx, pending, default_ns, deadline, &done, total, err)) {
			json_decref(pending);
			goto fail;
		}
		json_decref(pending);
	}
	if (!dry) {
		if (ctx->ops->after_uninstall && ctx->ops->after_uninstall(ctx, err))
			goto fail;
		if (json_array_size(kept_refs)) {
			/* Remember the CRDs left behind, so that a later
			 * `uninstall --purge-crds` can still remove them. */
			struct comp_record tmp = *cur;

			tmp.state = RECORD_REMOVED;
			tmp.objects = kept_refs;
			tmp.adopted = empty;
			if (record_write(ctx->kc, &tmp, NULL, err))
				goto fail;
		} else if (record_delete(ctx->kc, name, err)) {
			goto fail;
		}
		engine_progress(ctx, total, total, "%s %s removed from %s", name, cur->version, cluster);
	}
	*out = eng_result(ctx);
	json_object_set_new(*out, "version", json_string(cur->version));
	json_object_set_new(*out, "dryRun", json_boolean(dry));
	json_object_set_new(*out, "deleted", deleted);
	json_object_set_new(*out, "kept", kept);
	json_object_set_new(*out, "released", released);
	deleted = kept = released = NULL;
	rc = 0;
	goto done;
fail:
	kerr_prefix(err, "uninstall %s on %s", name, cluster);
done:
	json_decref(groups);
	json_decref(deleted);
	json_decref(kept);
	json_decref(released);
	json_decref(kept_refs);
	json_decref(empty);
	record_free(cur);
	return rc;
}
