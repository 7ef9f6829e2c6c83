/* engine.c - the component table and the engine's building blocks. */
#include "backends/components/engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/components/diff.h"
#include "backends/components/engine-int.h"
#include "backends/components/record.h"
#include "lib/jsonx.h"
#include "lib/log.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"

extern const struct component_ops component_prometheus;
extern const struct component_ops component_volcano;

/* Sorted by name. */
static const struct component_ops *const components[] = {
	&component_prometheus,
	&component_volcano,
	NULL,
};

const struct component_ops *const *component_all(void)
{
	return components;
}

const struct component_ops *component_find(const char *name)
{
	for (size_t i = 0; components[i]; i++)
		if (!strcmp(components[i]->name, name))
			return components[i];
	return NULL;
}

int component_lookup(const char *name, const struct component_ops **out, struct kerr *err)
{
	char known[256] = "";
	size_t len = 0;

	*out = component_find(name);
	if (*out)
		return 0;
	for (size_t i = 0; components[i]; i++)
		len += snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
				components[i]->name);
	kerr_set(err, KERR_USAGE, "unknown component \"%s\"", name);
	return kerr_hint(err, "components: %s", known);
}

void engine_progress(struct comp_ctx *ctx, long done, long total, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_debug("%s on %s: %s", ctx->ops ? ctx->ops->name : "component",
		  ctx->cluster ? ctx->cluster : "?", buf);
	if (ctx->job)
		job_progress(ctx->job, done, total, "%s", buf);
}

void engine_log(struct comp_ctx *ctx, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_info("%s on %s: %s", ctx->ops ? ctx->ops->name : "component",
		 ctx->cluster ? ctx->cluster : "?", buf);
	if (ctx->job)
		job_log(ctx->job, "%s", buf);
}

/* ---- references ------------------------------------------------------------ */

const char *eng_ref_name(const json_t *ref)
{
	const char *n = jx_str(ref, "metadata.name");

	return n ? n : jx_str_or(ref, "name", "");
}

const char *eng_ref_ns(const json_t *ref)
{
	const char *ns = jx_str(ref, "metadata.namespace");

	if (!ns)
		ns = jx_str(ref, "namespace");
	return ns ? ns : "";
}

const char *eng_ref_desc(const json_t *ref, char *buf, size_t size)
{
	const char *ns = eng_ref_ns(ref);

	if (*ns)
		snprintf(buf, size, "%s %s/%s", jx_str_or(ref, "kind", "?"), ns, eng_ref_name(ref));
	else
		snprintf(buf, size, "%s %s", jx_str_or(ref, "kind", "?"), eng_ref_name(ref));
	return buf;
}

int eng_resolve(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		const struct kube_resource **res, const char **ns, struct kerr *err)
{
	const char *api = jx_str(ref, "apiVersion"), *kind = jx_str(ref, "kind");

	if (!api || !kind)
		return kerr_set(err, KERR_INVALID, "object without apiVersion/kind");
	if (kube_resolve_gvk(ctx->kc, api, kind, res, err))
		return -1;
	*ns = NULL;
	if ((*res)->namespaced) {
		*ns = eng_ref_ns(ref);
		if (!**ns)
			*ns = default_ns ? default_ns : "default";
	}
	return 0;
}

int engine_get(struct comp_ctx *ctx, const json_t *ref, const char *default_ns, json_t **out,
	       struct kerr *err)
{
	const struct kube_resource *res;
	const char *ns;

	*out = NULL;
	if (eng_resolve(ctx, ref, default_ns, &res, &ns, err)) {
		/* A kind the server does not serve (its CRD is not installed)
		 * means the object cannot exist. */
		if (kerr_is(err, KERR_NOTFOUND))
			err->kind = KERR_NOTFOUND;
		return -1;
	}
	return kube_get(ctx->kc, res, ns, eng_ref_name(ref), out, err);
}

int engine_apply_object(struct comp_ctx *ctx, const json_t *obj, const char *default_ns,
			int may_skip, int *result, struct kerr *err)
{
	struct kube_apply_opts ao = { .field_manager = "kurator", .force = 1 };
	const struct kube_resource *res;
	const char *ns;
	json_t *live = NULL, *out = NULL;
	int created = 0;
	char desc[320];

	*result = 0;
	if (eng_resolve(ctx, obj, default_ns, &res, &ns, err))
		return kerr_prefix(err, "apply %s", eng_ref_desc(obj, desc, sizeof desc));
	if (kube_get(ctx->kc, res, ns, eng_ref_name(obj), &live, err)) {
		if (!kerr_is(err, KERR_NOTFOUND))
			return kerr_prefix(err, "apply %s", eng_ref_desc(obj, desc, sizeof desc));
		kerr_clear(err);
	}
	/* Already applied with exactly these fields: writing it again could
	 * only bump its resourceVersion (some servers rewrite status on every
	 * update), so an unchanged install writes nothing at all. */
	if (live && may_skip && eng_is_ours(ctx, live)) {
		json_t *lines = json_array();
		size_t n = diff_objects(live, obj, DIFF_SUBSET, lines);

		json_decref(lines);
		if (n == 0) {
			json_decref(live);
			return 0;
		}
	}
	ao.default_namespace = ns;
	if (kube_apply(ctx->kc, obj, &ao, &out, &created, err)) {
		json_decref(live);
		return kerr_prefix(err, "apply %s on %s", eng_ref_desc(obj, desc, sizeof desc),
				   ctx->cluster ? ctx->cluster : "cluster");
	}
	if (created || !live) {
		*result = 1;
	} else {
		const char *a = jx_str(live, "metadata.resourceVersion");
		const char *b = jx_str(out, "metadata.resourceVersion");

		*result = a && b && !strcmp(a, b) ? 0 : 2;
	}
	json_decref(live);
	json_decref(out);
	return 0;
}

const char *eng_label(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(jx_get(obj, "metadata.labels"), key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int eng_is_ours(struct comp_ctx *ctx, const json_t *live)
{
	const char *by = eng_label(live, KURATOR_LABEL_MANAGED_BY);
	const char *comp = eng_label(live, KURATOR_LABEL_COMPONENT);

	return by && !strcmp(by, "kurator") && comp && !strcmp(comp, ctx->ops->name);
}

int eng_sleep(struct comp_ctx *ctx, long ms)
{
	struct job *job = ctx->job ? ctx->job : job_current();
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	if (job)
		return job_sleep(job, ms) || job_cancelled(job) ? -1 : 0;
	nanosleep(&ts, NULL);
	return 0;
}

long long eng_deadline(struct comp_ctx *ctx)
{
	long t = ctx->opts && ctx->opts->timeout_ms > 0 ? ctx->opts->timeout_ms : 300000;

	return monotime_ms() + t;
}

/* ---- recipes -------------------------------------------------------------- */

int engine_recipe(struct comp_ctx *ctx, const char *installed, const struct recipe **out,
		  struct kerr *err)
{
	const char *v = ctx->opts && ctx->opts->version ? ctx->opts->version : installed;

	return recipe_set_find(ctx->recipes, ctx->ops->name, v, out, err);
}

int engine_render(struct comp_ctx *ctx, const struct recipe *r, const json_t *base,
		  struct rplan **out, struct kerr *err)
{
	struct artifact_opts ao = { 0 };
	json_t *params;
	int rc;

	if (ctx->opts) {
		ao.mirror = ctx->opts->mirror;
		ao.cache_dir = ctx->opts->cache_dir;
	}
	if (recipe_params_resolve(r, base, ctx->opts ? ctx->opts->sets : NULL,
				  ctx->opts ? ctx->opts->nsets : 0, &params, err))
		return -1;
	engine_progress(ctx, -1, -1, "reading %s %s artifacts", r->component, r->version);
	rc = recipe_render(r, params, &ao, out, err);
	json_decref(params);
	return rc;
}

json_t *eng_user_set(struct comp_ctx *ctx, const json_t *earlier, const json_t *params)
{
	json_t *set = json_object();
	const char *key;
	json_t *v;

	/* Earlier choices survive only while the recipe still has them. */
	json_object_foreach((json_t *)earlier, key, v)
		if (json_object_get(params, key))
			json_object_set(set, key, json_object_get(params, key));
	for (size_t i = 0; ctx->opts && i < ctx->opts->nsets; i++) {
		const char *eq = strchr(ctx->opts->sets[i], '=');
		char *name;

		if (!eq)
			continue;
		name = xstrndup(ctx->opts->sets[i], (size_t)(eq - ctx->opts->sets[i]));
		if (json_object_get(params, name))
			json_object_set(set, name, json_object_get(params, name));
		free(name);
	}
	return set;
}

/* ---- detection -------------------------------------------------------------- */

json_t *eng_result(struct comp_ctx *ctx)
{
	return json_pack("{s:s,s:s?}", "component", ctx->ops->name, "cluster", ctx->cluster);
}

int engine_detect(struct comp_ctx *ctx, json_t **out, struct kerr *err)
{
	const struct recipe *r;
	struct comp_record *rec = NULL;
	json_t *res, *found = json_array();
	const char *managed = NULL, *version = NULL;
	char *version_buf = NULL;
	size_t crds_kept = 0;

	*out = NULL;
	if (recipe_set_find(ctx->recipes, ctx->ops->name, NULL, &r, err) ||
	    record_read(ctx->kc, ctx->ops->name, &rec, err)) {
		json_decref(found);
		return -1;
	}
	for (size_t i = 0; i < r->ndetect; i++) {
		const struct kref *k = &r->detect[i];
		json_t *ref = json_pack("{s:s,s:s,s:s,s:s}", "apiVersion", k->api_version, "kind",
					k->kind, "namespace", k->ns, "name", k->name);
		json_t *live = NULL;
		char desc[320];

		if (engine_get(ctx, ref, r->ns, &live, err)) {
			json_decref(ref);
			if (!kerr_is(err, KERR_NOTFOUND)) {
				json_decref(found);
				record_free(rec);
				return -1;
			}
			kerr_clear(err);
			continue;
		}
		json_array_append_new(found, json_string(eng_ref_desc(ref, desc, sizeof desc)));
		if (!managed) {
			managed = eng_is_ours(ctx, live) ? "kurator" : "other";
			if (!strcmp(managed, "kurator") && !rec)
				version_buf = xstrdup(eng_label(live, KURATOR_LABEL_VERSION));
		}
		json_decref(live);
		json_decref(ref);
	}
	if (rec && rec->state && !strcmp(rec->state, RECORD_REMOVED)) {
		/* Uninstalled; only its CRDs were kept. */
		crds_kept = json_array_size(rec->objects);
		record_free(rec);
		rec = NULL;
	}
	if (rec) {
		managed = "kurator";
		version = rec->version;
	} else {
		version = version_buf;
	}
	res = eng_result(ctx);
	if (crds_kept)
		json_object_set_new(res, "crdsKept", json_integer((json_int_t)crds_kept));
	json_object_set_new(res, "present", json_boolean(rec || json_array_size(found)));
	json_object_set_new(res, "managedBy", managed ? json_string(managed) : json_null());
	json_object_set_new(res, "version", version ? json_string(version) : json_null());
	json_object_set_new(res, "state", rec && rec->state ? json_string(rec->state) : json_null());
	json_object_set_new(res, "found", found);
	free(version_buf);
	record_free(rec);
	*out = res;
	return 0;
}
