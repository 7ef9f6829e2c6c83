/* patch-strategic.c - Kubernetes strategic merge patch (patch.h).
 *
 * What the apiserver does for application/strategic-merge-patch+json:
 * maps merge recursively (null deletes), lists merge by their patch merge
 * key or union (primitive merge lists) or are replaced, and the directives
 * ($patch, $retainKeys, $deleteFromPrimitiveList/, $setElementOrder/) steer
 * it. The list rules come from patch-schema.c.
 */
#include "sim/patch.h"
#include "sim/patch-int.h"

#include <string.h>

#define DELETE_PREFIX "$deleteFromPrimitiveList/"
#define ORDER_PREFIX "$setElementOrder/"

struct smp {
	const char *api_version, *kind;
	struct sim_path path;
	struct kerr *err;
};

static int is_directive(const char *k)
{
	return k[0] == '$';
}

/* A patch value as a plain value: directives and nulls removed, list items
 * marked {"$patch":"delete"} dropped. */
static json_t *clean(const json_t *v)
{
	const char *k;
	size_t i;
	json_t *x, *c;

	if (json_is_object(v)) {
		c = json_object();
		json_object_foreach((json_t *)v, k, x) {
			if (!is_directive(k) && !json_is_null(x))
				json_object_set_new(c, k, clean(x));
		}
		return c;
	}
	if (json_is_array(v)) {
		c = json_array();
		json_array_foreach((json_t *)v, i, x) {
			const char *d = json_string_value(json_object_get(x, "$patch"));
			if (d && (!strcmp(d, "delete") || !strcmp(d, "replace")))
				continue;
			json_array_append_new(c, clean(x));
		}
		return c;
	}
	return json_deep_copy(v);
}

static int push(struct smp *s, const char *seg)
{
	if (s->path.n >= sizeof s->path.seg / sizeof s->path.seg[0])
		return kerr_set(s->err, KERR_INVALID, "strategic merge patch nested too deeply");
	s->path.seg[s->path.n++] = seg;
	return 0;
}

static int merge_map(struct smp *s, json_t *target, const json_t *patch);

/* Index of the item of list whose merge key equals val, or -1. */
static long find_keyed(const json_t *list, const char *mk, const json_t *val)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)list, i, it) {
		json_t *v = json_object_get(it, mk);
		if (v && json_equal(v, val))
			return (long)i;
	}
	return -1;
}

static long find_value(const json_t *list, const json_t *val)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)list, i, it) {
		if (json_equal(it, val))
			return (long)i;
	}
	return -1;
}

/* 1 when the patch list asks for replacement ({"$patch":"replace"} item). */
static int list_replaces(const json_t *plist)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)plist, i, it) {
		const char *d = json_string_value(json_object_get(it, "$patch"));
		if (d && !strcmp(d, "replace"))
			return 1;
	}
	return 0;
}

static int merge_keyed_list(struct smp *s, json_t *tlist, const json_t *plist, const char *mk)
{
	size_t i;
	json_t *pi;

	if (list_replaces(plist)) {
		json_t *c = clean(plist);
		json_array_clear(tlist);
		json_array_extend(tlist, c);
		json_decref(c);
		return 0;
	}
	json_array_foreach((json_t *)plist, i, pi) {
		const char *d = json_string_value(json_object_get(pi, "$patch"));
		json_t *kv = json_object_get(pi, mk);
		long at;

		if (!json_is_object(pi)) {
			json_array_append_new(tlist, clean(pi));
			continue;
		}
		if (!kv)
			return kerr_set(s->err, KERR_INVALID,
					"map: %s does not contain declared merge key: %s",
					s->path.n ? s->path.seg[s->path.n - 1] : "list", mk);
		at = find_keyed(tlist, mk, kv);
		if (d && !strcmp(d, "delete")) {
			while (at >= 0) {
				json_array_remove(tlist, (size_t)at);
				at = find_keyed(tlist, mk, kv);
			}
			continue;
		}
		if (at >= 0 && json_is_object(json_array_get(tlist, (size_t)at))) {
			if (merge_map(s, json_array_get(tlist, (size_t)at), pi))
				return -1;
		} else {
			json_array_append_new(tlist, clean(pi));
		}
	}
	return 0;
}

static void merge_set_list(json_t *tlist, const json_t *plist)
{
	size_t i;
	json_t *pi;

	if (list_replaces(plist)) {
		json_t *c = clean(plist);
		json_array_clear(tlist);
		json_array_extend(tlist, c);
		json_decref(c);
		return;
	}
	json_array_foreach((json_t *)plist, i, pi) {
		if (json_is_object(pi) && json_object_get(pi, "$patch"))
			continue;
		if (find_value(tlist, pi) < 0)
			json_array_append(tlist, pi);
	}
}

/* $setElementOrder/<field>: the listed items first, in the given order,
 * then the items the patch did not mention, in their previous order. */
static void set_order(json_t *tlist, const json_t *order, const char *mk)
{
	json_t *out = json_array(), *used = json_array(), *o, *it;
	size_t i, j;

	json_array_foreach((json_t *)order, i, o) {
		json_array_foreach(tlist, j, it) {
			int same = mk && json_is_object(o)
					   ? json_equal(json_object_get(it, mk), json_object_get(o, mk))
					   : json_equal(it, o);
			if (same && !json_is_true(json_array_get(used, j))) {
				json_array_append(out, it);
				while (json_array_size(used) <= j)
					json_array_append_new(used, json_false());
				json_array_set_new(used, j, json_true());
				break;
			}
		}
	}
	json_array_foreach(tlist, j, it) {
		if (!json_is_true(json_array_get(used, j)))
			json_array_append(out, it);
	}
	json_array_clear(tlist);
	json_array_extend(tlist, out);
	json_decref(out);
	json_decref(used);
}

static int merge_field(struct smp *s, json_t *target, const char *k, const json_t *pv)
{
	json_t *tv = json_object_get(target, k);
	int rc = 0;

	if (json_is_null(pv)) {
		json_object_del(target, k);
		return 0;
	}
	if (push(s, k))
		return -1;
	if (json_is_object(pv)) {
		const char *d = json_string_value(json_object_get(pv, "$patch"));
		if (d && !strcmp(d, "delete"))
			json_object_del(target, k);
		else if (json_is_object(tv) && !(d && !strcmp(d, "replace")))
			rc = merge_map(s, tv, pv);
		else
			json_object_set_new(target, k, clean(pv));
	} else if (json_is_array(pv)) {
		struct sim_list_schema ls;

		sim_schema_list(s->api_version, s->kind, &s->path, &ls);
		if (ls.kind == SIM_LIST_MAP && json_is_array(tv))
			rc = merge_keyed_list(s, tv, pv, ls.merge_key);
		else if (ls.kind == SIM_LIST_SET && json_is_array(tv))
			merge_set_list(tv, pv);
		else
			json_object_set_new(target, k, clean(pv));
	} else {
		json_object_set(target, k, (json_t *)pv);
	}
	s->path.n--;
	return rc;
}

static int merge_map(struct smp *s, json_t *target, const json_t *patch)
{
	const char *k, *d = json_string_value(json_object_get(patch, "$patch"));
	json_t *pv, *retain = json_object_get(patch, "$retainKeys");

	if (d && !strcmp(d, "replace")) {
		json_t *c = clean(patch);
		json_object_clear(target);
		json_object_update(target, c);
		json_decref(c);
		return 0;
	}
	if (d && strcmp(d, "merge") && strcmp(d, "delete"))
		return kerr_set(s->err, KERR_INVALID, "unknown patch type: %s", d);
	if (retain) {
		void *iter;

		if (!json_is_array(retain))
			return kerr_set(s->err, KERR_INVALID, "$retainKeys must be a list of field names");
		iter = json_object_iter(target);
		while (iter) {
			const char *tk = json_object_iter_key(iter);
			void *next = json_object_iter_next(target, iter);
			size_t i;
			json_t *rk;
			int keep = 0;

			json_array_foreach(retain, i, rk) {
				if (json_is_string(rk) && !strcmp(json_string_value(rk), tk))
					keep = 1;
			}
			if (!keep)
				json_object_del(target, tk);
			iter = next;
		}
	}
	json_object_foreach((json_t *)patch, k, pv) {
		if (!strncmp(k, DELETE_PREFIX, strlen(DELETE_PREFIX))) {
			json_t *tl = json_object_get(target, k + strlen(DELETE_PREFIX)), *v;
			size_t i;

			if (!json_is_array(pv))
				return kerr_set(s->err, KERR_INVALID, "%s must be a list", k);
			json_array_foreach(pv, i, v) {
				long at;
				while (json_is_array(tl) && (at = find_value(tl, v)) >= 0)
					json_array_remove(tl, (size_t)at);
			}
			continue;
		}
		if (is_directive(k))
			continue;
		if (merge_field(s, target, k, pv))
			return -1;
	}
	json_object_foreach((json_t *)patch, k, pv) {
		struct sim_list_schema ls;
		json_t *tl;

		if (strncmp(k, ORDER_PREFIX, strlen(ORDER_PREFIX)))
			continue;
		tl = json_object_get(target, k + strlen(ORDER_PREFIX));
		if (!json_is_array(tl) || !json_is_array(pv))
			continue;
		if (push(s, k + strlen(ORDER_PREFIX)))
			return -1;
		sim_schema_list(s->api_version, s->kind, &s->path, &ls);
		s->path.n--;
		if (ls.kind != SIM_LIST_ATOMIC)
			set_order(tl, pv, ls.kind == SIM_LIST_MAP ? ls.merge_key : NULL);
	}
	return 0;
}

int sim_strategic_merge_patch(json_t *target, const json_t *patch, const char *api_version,
			      const char *kind, struct kerr *err)
{
	struct smp s;

	if (!json_is_object(patch))
		return kerr_set(err, KERR_INVALID, "a strategic merge patch must be a JSON object");
	if (!json_is_object(target))
		return kerr_set(err, KERR_INVALID, "the patched document is not a JSON object");
	memset(&s, 0, sizeof s);
	s.api_version = api_version ? api_version : json_string_value(json_object_get(target, "apiVersion"));
	s.kind = kind ? kind : json_string_value(json_object_get(target, "kind"));
	s.err = err;
	/* Custom resources have no patch strategy: the apiserver treats them
	 * with JSON merge semantics. */
	if (!sim_schema_builtin(s.api_version))
		return sim_merge_patch(target, patch, err);
	return merge_map(&s, target, patch);
}
