/* fieldset.c - sets of field paths in the apiserver's fieldsV1 wire form
 * (patch-int.h), the bookkeeping under metadata.managedFields.
 *
 * A node is a JSON object whose keys are path elements: "f:<field>",
 * "k:<json object of key fields>" (an item of an associative list),
 * "v:<json value>" (an item of a set list) or "i:<index>". An empty node
 * {} is a member (a leaf); a node with children is a member only when it
 * also holds ".".
 */
#include "sim/patch-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- building ------------------------------------------------------------ */

json_t *sim_fs_strip(const json_t *obj, int status_only)
{
	static const char *const server_meta[] = {
		"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
		"managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
	};
	json_t *c, *m;
	size_t i;

	if (!json_is_object(obj))
		return json_object();
	if (status_only) {
		c = json_object();
		if (json_object_get(obj, "status"))
			json_object_set_new(c, "status", json_deep_copy(json_object_get(obj, "status")));
		return c;
	}
	c = json_deep_copy(obj);
	json_object_del(c, "apiVersion");
	json_object_del(c, "kind");
	json_object_del(c, "status");
	m = json_object_get(c, "metadata");
	if (json_is_object(m)) {
		for (i = 0; i < sizeof server_meta / sizeof server_meta[0]; i++)
			json_object_del(m, server_meta[i]);
		if (!json_object_size(m))
			json_object_del(c, "metadata");
	}
	return c;
}

/* "k:{...}" / "v:..." member names of fieldsV1, from compact sorted JSON. */
static char *prefixed_json(const char *prefix, const json_t *v)
{
	char *js = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	size_t n = strlen(js);
	char *out = malloc(n + 3);

	memcpy(out, prefix, 2);
	memcpy(out + 2, js, n + 1);
	free(js);
	return out;
}

static char *key_string(const json_t *key)
{
	return prefixed_json("k:", key);
}

static char *value_string(const json_t *v)
{
	return prefixed_json("v:", v);
}

static void set_field(json_t *node, const char *prefix, const char *name, json_t *child)
{
	size_t n = strlen(name);
	char *k = malloc(n + 3);

	memcpy(k, prefix, 2);
	memcpy(k + 2, name, n + 1);
	json_object_set_new(node, k, child);
	free(k);
}

struct build {
	const char *api_version, *kind;
	struct sim_path path;
	int with_maps;
};

static json_t *build_value(struct build *b, const json_t *v);

static json_t *build_map(struct build *b, const json_t *obj)
{
	json_t *node = json_object(), *x;
	const char *k;

	json_object_foreach((json_t *)obj, k, x) {
		if (b->path.n >= sizeof b->path.seg / sizeof b->path.seg[0])
			break;
		b->path.seg[b->path.n++] = k;
		set_field(node, "f:", k, build_value(b, x));
		b->path.n--;
	}
	if (b->with_maps && json_object_size(node))
		json_object_set_new(node, ".", json_object());
	return node;
}

/* v is the value at b->path. */
static json_t *build_value(struct build *b, const json_t *v)
{
	struct sim_list_schema ls;
	json_t *node, *it;
	size_t i;

	if (json_is_object(v)) {
		if (!json_object_size(v) || sim_schema_atomic_map(b->api_version, b->kind, &b->path))
			return json_object();
		return build_map(b, v);
	}
	if (!json_is_array(v) || !json_array_size(v))
		return json_object();
	sim_schema_list(b->api_version, b->kind, &b->path, &ls);
	if (ls.kind == SIM_LIST_ATOMIC)
		return json_object();
	node = json_object();
	json_array_foreach((json_t *)v, i, it) {
		if (ls.kind == SIM_LIST_SET) {
			char *ks = value_string(it);
			json_object_set_new(node, ks, json_object());
			free(ks);
		} else {
			json_t *key = sim_schema_item_key(&ls, it), *child;
			char *ks;

			if (!key) {
				/* An item without its key: the list cannot be
				 * tracked item by item, own it as a whole. */
				json_decref(node);
				return json_object();
			}
			ks = key_string(key);
			json_decref(key);
			child = build_map(b, it);
			json_object_set_new(child, ".", json_object());
			json_object_set_new(node, ks, child);
			free(ks);
		}
	}
	return node;
}

json_t *sim_fs_from_object(const json_t *obj, const char *api_version, const char *kind,
			   int with_maps)
{
	struct build b;

	memset(&b, 0, sizeof b);
	b.api_version = api_version;
	b.kind = kind;
	b.with_maps = with_maps;
	if (!json_is_object(obj))
		return json_object();
	return build_map(&b, obj);
}

/* ---- diff ------------------------------------------------------------------ */

static void diff_value(struct build *b, const json_t *o, const json_t *n, json_t *gained,
		       json_t *removed, const char *elem);

static void put_nonempty(json_t *parent, const char *elem, json_t *node)
{
	if (json_object_size(node))
		json_object_set_new(parent, elem, node);
	else
		json_decref(node);
}

static void diff_map(struct build *b, const json_t *o, const json_t *n, json_t *g, json_t *r)
{
	const char *k;
	json_t *x;
	char *elem;

	json_object_foreach((json_t *)n, k, x) {
		if (b->path.n >= sizeof b->path.seg / sizeof b->path.seg[0])
			return;
		elem = malloc(strlen(k) + 3);
		sprintf(elem, "f:%s", k);
		b->path.seg[b->path.n++] = k;
		diff_value(b, json_object_get(o, k), x, g, r, elem);
		b->path.n--;
		free(elem);
	}
	json_object_foreach((json_t *)o, k, x) {
		if (json_object_get(n, k))
			continue;
		set_field(r, "f:", k, json_object());
	}
}

long sim_schema_find_item(const struct sim_list_schema *ls, const json_t *list, const json_t *key)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)list, i, it) {
		json_t *k = sim_schema_item_key(ls, it);
		int eq = k && json_equal(k, key);

		json_decref(k);
		if (eq)
			return (long)i;
	}
	return -1;
}

/* 1 when every item of list has its key (so the list is tracked per item). */
static int all_keyed(const struct sim_list_schema *ls, const json_t *list)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)list, i, it) {
		json_t *k = sim_schema_item_key(ls, it);
		if (!k)
			return 0;
		json_decref(k);
	}
	return 1;
}

static void diff_list(struct build *b, const struct sim_list_schema *ls, const json_t *o,
		      const json_t *n, json_t *g, json_t *r)
{
	size_t i;
	json_t *it;

	json_array_foreach((json_t *)n, i, it) {
		if (ls->kind == SIM_LIST_SET) {
			char *vs = value_string(it);
			size_t j;
			json_t *ov;
			int found = 0;

			json_array_foreach((json_t *)o, j, ov) {
				if (json_equal(ov, it))
					found = 1;
			}
			if (!found)
				json_object_set_new(g, vs, json_object());
			free(vs);
		} else {
			json_t *key = sim_schema_item_key(ls, it);
			long at = sim_schema_find_item(ls, o, key);
			char *ks = key_string(key);

			json_decref(key);
			if (at < 0) {
				json_t *child = build_map(b, it);
				json_object_set_new(child, ".", json_object());
				json_object_set_new(g, ks, child);
			} else {
				json_t *cg = json_object(), *cr = json_object();
				diff_map(b, json_array_get(o, (size_t)at), it, cg, cr);
				put_nonempty(g, ks, cg);
				put_nonempty(r, ks, cr);
			}
			free(ks);
		}
	}
	json_array_foreach((json_t *)o, i, it) {
		if (ls->kind == SIM_LIST_SET) {
			size_t j;
			json_t *nv;
			int found = 0;

			json_array_foreach((json_t *)n, j, nv) {
				if (json_equal(nv, it))
					found = 1;
			}
			if (!found) {
				char *vs = value_string(it);
				json_object_set_new(r, vs, json_object());
				free(vs);
			}
		} else {
			json_t *key = sim_schema_item_key(ls, it);
			if (sim_schema_find_item(ls, n, key) < 0) {
				char *ks = key_string(key);
				json_object_set_new(r, ks, json_object());
				free(ks);
			}
			json_decref(key);
		}
	}
}

static void diff_value(struct build *b, const json_t *o, const json_t *n, json_t *gained,
		       json_t *removed, const char *elem)
{
	struct sim_list_schema ls;

	if (!o) {
		json_object_set_new(gained, elem, build_value(b, n));
		return;
	}
	if (json_equal(o, n))
		return;
	if (json_is_object(o) && json_is_object(n) && json_object_size(n) &&
	    !sim_schema_atomic_map(b->api_version, b->kind, &b->path)) {
		json_t *cg = json_object(), *cr = json_object();
		diff_map(b, o, n, cg, cr);
		put_nonempty(gained, elem, cg);
		put_nonempty(removed, elem, cr);
		return;
	}
	if (json_is_array(o) && json_is_array(n) && json_array_size(n)) {
		sim_schema_list(b->api_version, b->kind, &b->path, &ls);
		if (ls.kind == SIM_LIST_SET ||
		    (ls.kind == SIM_LIST_MAP && all_keyed(&ls, o) && all_keyed(&ls, n))) {
			json_t *cg = json_object(), *cr = json_object();
			diff_list(b, &ls, o, n, cg, cr);
			put_nonempty(gained, elem, cg);
			put_nonempty(removed, elem, cr);
			return;
		}
	}
	/* Replaced as a whole (scalar, atomic, or a change of shape): the
	 * writer owns the new value; what was below it is gone. */
	json_object_set_new(gained, elem, build_value(b, n));
	if (json_is_object(o) || json_is_array(o))
		json_object_set_new(removed, elem, json_object());
}

void sim_fs_diff(const json_t *old, const json_t *nw, const char *api_version, const char *kind,
		 json_t **gained, json_t **removed)
{
	struct build b;

	memset(&b, 0, sizeof b);
	b.api_version = api_version;
	b.kind = kind;
	b.with_maps = 1;
	*gained = json_object();
	*removed = json_object();
	if (!old) {
		json_decref(*gained);
		*gained = build_map(&b, nw);
		return;
	}
	diff_map(&b, old, nw, *gained, *removed);
}

/* ---- set algebra ----------------------------------------------------------- */

static int is_member(const json_t *node)
{
	return !json_object_size(node) || json_object_get(node, ".") != NULL;
}

static int has_children(const json_t *node)
{
	size_t n = json_object_size(node);

	return n > (json_object_get(node, ".") ? 1u : 0u);
}

void sim_fs_union(json_t *a, const json_t *b)
{
	const char *k;
	json_t *bv;

	json_object_foreach((json_t *)b, k, bv) {
		json_t *av = json_object_get(a, k);

		if (!strcmp(k, "."))
			continue;
		if (!av) {
			json_object_set_new(a, k, json_deep_copy(bv));
			continue;
		}
		if (is_member(bv) && has_children(av))
			json_object_set_new(av, ".", json_object());
		if (is_member(av) && !has_children(av) && has_children(bv)) {
			json_object_set_new(av, ".", json_object());
		}
		sim_fs_union(av, bv);
	}
}

void sim_fs_subtract(json_t *a, const json_t *b)
{
	const char *k;
	json_t *bv;

	json_object_foreach((json_t *)b, k, bv) {
		json_t *av = json_object_get(a, k);
		int had_children;

		if (!av || !strcmp(k, "."))
			continue;
		if (is_member(bv)) {
			json_object_del(a, k);
			continue;
		}
		had_children = has_children(av);
		sim_fs_subtract(av, bv);
		if (had_children && !has_children(av)) {
			if (json_object_get(av, "."))
				json_object_clear(av);   /* still a member, now a leaf */
			else
				json_object_del(a, k);
		}
	}
}

int sim_fs_empty(const json_t *s)
{
	return !json_is_object(s) || !json_object_size(s);
}

int sim_fs_owns(const json_t *s, const char *const *path, size_t depth)
{
	const json_t *node = s;
	size_t i;

	for (i = 0; i < depth; i++) {
		const json_t *next = json_object_get(node, path[i]);

		if (!next)
			return 0;
		/* A leaf above the path owns everything below it (an atomic
		 * value replaced as a whole). */
		if (!json_object_size(next))
			return 1;
		node = next;
	}
	return 1;
}

struct walk {
	const char *path[64];
	size_t depth;
	sim_fs_visit_fn fn;
	void *ud;
};

static int walk_node(struct walk *w, const json_t *node)
{
	const char *k;
	json_t *child;

	json_object_foreach((json_t *)node, k, child) {
		int rc;

		if (!strcmp(k, ".") || w->depth >= sizeof w->path / sizeof w->path[0])
			continue;
		w->path[w->depth++] = k;
		if (is_member(child)) {
			rc = w->fn(w->path, w->depth, !has_children(child), w->ud);
			if (rc) {
				w->depth--;
				return rc;
			}
		}
		rc = walk_node(w, child);
		w->depth--;
		if (rc)
			return rc;
	}
	return 0;
}

int sim_fs_walk(const json_t *s, sim_fs_visit_fn fn, void *ud)
{
	struct walk w;

	memset(&w, 0, sizeof w);
	w.fn = fn;
	w.ud = ud;
	return walk_node(&w, s);
}

json_t *sim_fs_single(const char *const *path, size_t depth)
{
	json_t *root = json_object(), *node = root;
	size_t i;

	for (i = 0; i < depth; i++) {
		json_t *c = json_object();
		json_object_set_new(node, path[i], c);
		node = c;
	}
	return root;
}

/* ---- resolving paths in objects -------------------------------------------- */

/* Index of the list item addressed by elem ("k:...", "v:...", "i:N"), -1. */
static long item_index(const json_t *list, const char *elem)
{
	json_t *want, *it;
	size_t i;
	long found = -1;

	if (!json_is_array(list))
		return -1;
	if (!strncmp(elem, "i:", 2)) {
		char *end;
		long idx = strtol(elem + 2, &end, 10);
		return *end || idx < 0 || (size_t)idx >= json_array_size(list) ? -1 : idx;
	}
	want = json_loads(elem + 2, JSON_DECODE_ANY, NULL);
	if (!want)
		return -1;
	json_array_foreach((json_t *)list, i, it) {
		if (elem[0] == 'v') {
			if (json_equal(it, want)) {
				found = (long)i;
				break;
			}
		} else if (json_is_object(it) && json_is_object(want)) {
			const char *kf;
			json_t *kv;
			int all = 1;

			json_object_foreach(want, kf, kv) {
				json_t *iv = json_object_get(it, kf);
				if (!iv && !strcmp(kf, "protocol") && json_is_string(kv) &&
				    !strcmp(json_string_value(kv), "TCP"))
					continue;
				if (!iv || !json_equal(iv, kv))
					all = 0;
			}
			if (all) {
				found = (long)i;
				break;
			}
		}
	}
	json_decref(want);
	return found;
}

static json_t *step(const json_t *cur, const char *elem)
{
	if (!strncmp(elem, "f:", 2))
		return json_is_object(cur) ? json_object_get(cur, elem + 2) : NULL;
	if (elem[0] && elem[1] == ':') {
		long i = item_index(cur, elem);
		return i < 0 ? NULL : json_array_get(cur, (size_t)i);
	}
	return NULL;
}

json_t *sim_fs_lookup(const json_t *obj, const char *const *path, size_t depth)
{
	const json_t *cur = obj;
	size_t i;

	for (i = 0; i < depth && cur; i++)
		cur = step(cur, path[i]);
	return (json_t *)cur;
}

int sim_fs_remove(json_t *obj, const char *const *path, size_t depth)
{
	json_t *parent;
	const char *last;

	if (!depth)
		return 0;
	parent = sim_fs_lookup(obj, path, depth - 1);
	last = path[depth - 1];
	if (!parent)
		return 0;
	if (!strncmp(last, "f:", 2)) {
		if (!json_is_object(parent) || !json_object_get(parent, last + 2))
			return 0;
		json_object_del(parent, last + 2);
		return 1;
	} else {
		long i = item_index(parent, last);
		if (i < 0)
			return 0;
		json_array_remove(parent, (size_t)i);
		return 1;
	}
}

void sim_fs_path_string(const char *const *path, size_t depth, char *buf, size_t size)
{
	size_t i, len = 0;

	if (!size)
		return;
	buf[0] = 0;
#define ADD(...) do { \
		int w_ = snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__); \
		if (w_ > 0) len += (size_t)w_; \
		if (len >= size) len = size - 1; \
	} while (0)
	for (i = 0; i < depth; i++) {
		const char *e = path[i];

		if (!strncmp(e, "f:", 2)) {
			ADD(".%s", e + 2);
		} else if (!strncmp(e, "k:", 2)) {
			json_t *k = json_loads(e + 2, 0, NULL), *v;
			const char *kf;
			int first = 1;

			ADD("[");
			json_object_foreach(k, kf, v) {
				char *vs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
				ADD("%s%s=%s", first ? "" : ",", kf, vs ? vs : "");
				free(vs);
				first = 0;
			}
			ADD("]");
			json_decref(k);
		} else if (!strncmp(e, "v:", 2)) {
			ADD("[=%s]", e + 2);
		} else if (!strncmp(e, "i:", 2)) {
			ADD("[%s]", e + 2);
		} else {
			ADD(".%s", e);
		}
	}
#undef ADD
}

void sim_fs_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sim_fs_difference(json_t *a, const json_t *b)
{
	const char *k;
	json_t *bv;

	json_object_foreach((json_t *)b, k, bv) {
		json_t *av = json_object_get(a, k);
		int had_children;

		if (!av || !strcmp(k, "."))
			continue;
		had_children = has_children(av);
		if (has_children(bv))
			sim_fs_difference(av, bv);
		if (is_member(bv) && is_member(av)) {
			if (has_children(av))
				json_object_del(av, ".");
			else
				json_object_del(a, k);
			continue;
		}
		/* Emptied by b (and not a member itself): prune. */
		if (had_children && !has_children(av)) {
			if (json_object_get(av, "."))
				json_object_clear(av);
			else
				json_object_del(a, k);
		}
	}
}
