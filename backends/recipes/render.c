/* render.c - recipe + parameters -> ordered, labelled objects (render.h). */
#include "backends/recipes/render.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "backends/recipes/template.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

char *robj_key(const json_t *obj)
{
	char group[256];
	const char *ns = jx_namespace(obj);

	kref_group(jx_api_version(obj), group, sizeof group);
	return xasprintf("%s/%s/%s/%s", group, jx_kind(obj) ? jx_kind(obj) : "",
			 ns ? ns : "", jx_name(obj) ? jx_name(obj) : "");
}

const char *robj_desc(const json_t *obj, char *buf, size_t size)
{
	const char *ns = jx_namespace(obj);

	if (ns && *ns)
		snprintf(buf, size, "%s %s/%s", jx_kind(obj), ns, jx_name(obj));
	else
		snprintf(buf, size, "%s %s", jx_kind(obj), jx_name(obj));
	return buf;
}

/* A selector field: absent matches all; a string or list of globs. */
static int field_match(const json_t *pat, const char *value)
{
	json_t *e;
	size_t i;

	if (!pat)
		return 1;
	if (!value)
		value = "";
	if (json_is_string(pat))
		return fnmatch(json_string_value(pat), value, 0) == 0;
	json_array_foreach(pat, i, e)
		if (fnmatch(json_string_value(e), value, 0) == 0)
			return 1;
	return 0;
}

int rselect_match(const struct rselect *sel, const json_t *obj, const char *file)
{
	char group[256];

	kref_group(jx_api_version(obj), group, sizeof group);
	return field_match(sel->kind, jx_kind(obj)) && field_match(sel->name, jx_name(obj)) &&
	       field_match(sel->ns, jx_namespace(obj)) && field_match(sel->file, file) &&
	       field_match(sel->group, group);
}

static int check_object(const json_t *doc, const char *name, size_t idx, struct kerr *err)
{
	if (!json_is_object(doc) || !jx_api_version(doc) || !jx_kind(doc) || !jx_name(doc))
		return kerr_set(err, KERR_INVALID,
				"%s: document %zu is not a Kubernetes object (needs apiVersion, kind, metadata.name)",
				name, idx + 1);
	return 0;
}

int recipe_split_objects(const json_t *docs, const char *name, json_t *out, struct kerr *err)
{
	json_t *doc;
	size_t i;

	json_array_foreach(docs, i, doc) {
		const char *kind;
		json_t *items;

		if (json_is_null(doc))
			continue;
		kind = jx_kind(doc);
		items = json_is_object(doc) ? json_object_get(doc, "items") : NULL;
		if (kind && strlen(kind) > 4 && !strcmp(kind + strlen(kind) - 4, "List") &&
		    json_is_array(items)) {
			json_t *it;
			size_t k;

			json_array_foreach(items, k, it) {
				if (check_object(it, name, i, err))
					return -1;
				json_array_append(out, it);
			}
			continue;
		}
		if (check_object(doc, name, i, err))
			return -1;
		json_array_append(out, doc);
	}
	return 0;
}

/* Merge src into dst: mappings recursively, everything else replaced. */
static void deep_merge(json_t *dst, const json_t *src)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)src, key, v) {
		json_t *d = json_object_get(dst, key);

		if (json_is_object(d) && json_is_object(v))
			deep_merge(d, v);
		else
			json_object_set_new(dst, key, json_deep_copy(v));
	}
}

struct builder {
	struct robj *objs;
	size_t n, alloc;
};

static struct robj *builder_add(struct builder *b, json_t *obj, const char *source)
{
	struct robj *o;

	if (b->n == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->objs = xrealloc(b->objs, b->alloc * sizeof *b->objs);
	}
	o = &b->objs[b->n++];
	o->obj = obj;
	o->source = xstrdup(source);
	o->key = robj_key(obj);
	o->phase = -1;
	return o;
}

static struct robj *builder_find(struct builder *b, const char *key)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->objs[i].key, key))
			return &b->objs[i];
	return NULL;
}

static void builder_release(struct builder *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->objs[i].obj);
		free(b->objs[i].source);
		free(b->objs[i].key);
	}
	free(b->objs);
}

static int add_objects(struct builder *b, const json_t *objs, const char *file,
		       struct kerr *err)
{
	json_t *o;
	size_t i;

	json_array_foreach(objs, i, o) {
		char *key = robj_key(o);

		if (builder_find(b, key)) {
			char d[256];

			kerr_set(err, KERR_INVALID, "%s: %s appears twice in the artifacts", file,
				 robj_desc(o, d, sizeof d));
			free(key);
			return -1;
		}
		free(key);
		builder_add(b, json_deep_copy(o), file);
	}
	return 0;
}

/* One artifact's loaded documents, split into objects, into the plan. */
static int add_artifact_docs(struct builder *b, const json_t *docs, const char *file,
			     struct kerr *err)
{
	json_t *objs = json_array();
	int rc = 0;

	if (recipe_split_objects(docs, file, objs, err) || add_objects(b, objs, file, err))
		rc = -1;
	json_decref(objs);
	return rc;
}

static int cmp_phase(const void *a, const void *b)
{
	const struct robj *x = a, *y = b;

	return x->phase - y->phase;
}

static void label(json_t *obj, const struct recipe *r)
{
	json_t *md = json_object_get(obj, "metadata"), *labels;

	labels = json_object_get(md, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(md, "labels", labels);
	}
	json_object_set_new(labels, KURATOR_LABEL_MANAGED_BY, json_string("kurator"));
	json_object_set_new(labels, KURATOR_LABEL_COMPONENT, json_string(r->component));
	json_object_set_new(labels, KURATOR_LABEL_VERSION, json_string(r->version));
}

/* Overlays, skip, phases, order, labels: everything after the artifacts. */
static int finish(const struct recipe *r, const json_t *params, struct builder *b,
		  struct rplan **out, struct kerr *err)
{
	struct rplan *plan;
	size_t keep = 0;

	for (size_t i = 0; i < r->noverlays; i++) {
		const struct roverlay *ov = &r->overlays[i];
		json_t *docs, *objs, *o;
		char *src;
		size_t k;

		if (!recipe_when(ov->when, params))
			continue;
		src = xasprintf("overlay %s", ov->name);
		if (tpl_render(ov->template_text, ov->name, params, &docs, err)) {
			free(src);
			return kerr_prefix(err, "recipe %s %s", r->component, r->version);
		}
		objs = json_array();
		if (recipe_split_objects(docs, src, objs, err)) {
			json_decref(docs);
			json_decref(objs);
			free(src);
			return -1;
		}
		json_array_foreach(objs, k, o) {
			char *key = robj_key(o);
			struct robj *ex = builder_find(b, key);

			if (ex)
				deep_merge(ex->obj, o);
			else
				builder_add(b, json_deep_copy(o), src);
			free(key);
		}
		json_decref(docs);
		json_decref(objs);
		free(src);
	}

	/* First assign every object (may fail), then drop what is not installed. */
	for (size_t i = 0; i < b->n; i++) {
		struct robj *o = &b->objs[i];
		int skipped = 0;

		for (size_t k = 0; k < r->nskip && !skipped; k++)
			skipped = rselect_match(&r->skip[k], o->obj, o->source);
		if (skipped) {
			o->phase = -2;
			continue;
		}
		for (size_t ph = 0; ph < r->nphases && o->phase < 0; ph++)
			for (size_t k = 0; k < r->phases[ph].nselect; k++)
				if (rselect_match(&r->phases[ph].select[k], o->obj, o->source)) {
					o->phase = (int)ph;
					break;
				}
		if (o->phase < 0) {
			char d[256];

			kerr_set(err, KERR_INVALID, "recipe %s %s: %s (from %s) matches no phase",
				 r->component, r->version, robj_desc(o->obj, d, sizeof d), o->source);
			return kerr_hint(err, "select it in a phase or list it under skip");
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		struct robj *o = &b->objs[i];

		if (o->phase < 0 || !recipe_when(r->phases[o->phase].when, params)) {
			json_decref(o->obj);
			free(o->source);
			free(o->key);
			continue;
		}
		b->objs[keep++] = *o;
	}
	b->n = keep;
	/* qsort is not stable: order by phase, then by original position. */
	for (size_t i = 0; i < b->n; i++)
		b->objs[i].phase = b->objs[i].phase * 1000000 + (int)i;
	if (b->n)
		qsort(b->objs, b->n, sizeof *b->objs, cmp_phase);
	for (size_t i = 0; i < b->n; i++) {
		b->objs[i].phase /= 1000000;
		label(b->objs[i].obj, r);
	}

	plan = xcalloc(1, sizeof *plan);
	plan->recipe = r;
	plan->params = json_deep_copy(params);
	plan->objs = b->objs;
	plan->n = b->n;
	b->objs = NULL;
	b->n = b->alloc = 0;
	*out = plan;
	return 0;
}

int recipe_render_docs(const struct recipe *r, const json_t *params, const json_t *docs,
		       struct rplan **out, struct kerr *err)
{
	struct builder b = { 0 };

	*out = NULL;
	for (size_t i = 0; i < r->nartifacts; i++) {
		const struct rartifact *a = &r->artifacts[i];
		json_t *d = json_object_get(docs, a->file);

		if (!recipe_when(a->when, params))
			continue;
		if (!d) {
			builder_release(&b);
			return kerr_set(err, KERR_NOTFOUND, "artifact %s not given", a->file);
		}
		if (add_artifact_docs(&b, d, a->file, err)) {
			builder_release(&b);
			return -1;
		}
	}
	if (finish(r, params, &b, out, err)) {
		builder_release(&b);
		return -1;
	}
	return 0;
}

int recipe_render(const struct recipe *r, const json_t *params, const struct artifact_opts *ao,
		  struct rplan **out, struct kerr *err)
{
	struct builder b = { 0 };

	*out = NULL;
	for (size_t i = 0; i < r->nartifacts; i++) {
		const struct rartifact *a = &r->artifacts[i];
		struct strbuf data = STRBUF_INIT;
		json_t *docs;

		if (!recipe_when(a->when, params))
			continue;
		if (artifact_get(a, ao, &data, NULL, err)) {
			strbuf_release(&data);
			builder_release(&b);
			return kerr_prefix(err, "%s %s", r->component, r->version);
		}
		if (yj_load_stream(data.buf, data.len, a->file, &docs, err)) {
			strbuf_release(&data);
			builder_release(&b);
			return -1;
		}
		strbuf_release(&data);
		if (add_artifact_docs(&b, docs, a->file, err)) {
			json_decref(docs);
			builder_release(&b);
			return -1;
		}
		json_decref(docs);
	}
	if (finish(r, params, &b, out, err)) {
		builder_release(&b);
		return -1;
	}
	return 0;
}

void rplan_free(struct rplan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		json_decref(p->objs[i].obj);
		free(p->objs[i].source);
		free(p->objs[i].key);
	}
	free(p->objs);
	json_decref(p->params);
	free(p);
}
