/* patch-int.h - internals shared by the patch engine's files (not a
 * contract; the rest of the simulator uses sim/patch.h).
 *
 * Owner: sim/patch-schema.c, sim/fieldset.c, sim/patch-strategic.c, sim/ssa.c.
 */
#ifndef KURATOR_SIM_PATCH_INT_H
#define KURATOR_SIM_PATCH_INT_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"

/* ---- schema: what the built-in types' Go tags say about lists and maps --- */

enum sim_list_kind {
	SIM_LIST_ATOMIC,   /* replaced as a whole */
	SIM_LIST_MAP,      /* associative: items identified by keys */
	SIM_LIST_SET,      /* primitive values, union */
};

struct sim_list_schema {
	enum sim_list_kind kind;
	const char *merge_key;     /* strategic merge key (MAP) */
	const char *keys[3];       /* server-side apply list-map keys (MAP), NULL-terminated */
};

/* The path of field names from the object root to a field, list positions
 * left out: {"spec","template","spec","containers"}. */
struct sim_path {
	const char *seg[64];
	size_t n;
};

/* 1 when objects of api_version belong to a built-in group (their lists
 * follow the table); CRD objects have atomic lists. */
int sim_schema_builtin(const char *api_version);

/* How the list at path behaves for kind. Unknown lists are atomic. */
void sim_schema_list(const char *api_version, const char *kind, const struct sim_path *p,
		     struct sim_list_schema *out);

/* 1 when the map at path is atomic for server-side apply (label
 * selectors, nodeSelector, Service selector). */
int sim_schema_atomic_map(const char *api_version, const char *kind, const struct sim_path *p);

/* A list item's key as a JSON object of the key fields (defaults filled:
 * protocol "TCP"); NULL when the item lacks a key. New reference. */
json_t *sim_schema_item_key(const struct sim_list_schema *ls, const json_t *item);
/* Index of the item of list whose key (sim_schema_item_key) equals key, or -1. */
long sim_schema_find_item(const struct sim_list_schema *ls, const json_t *list, const json_t *key);

/* ---- fieldsV1 sets (sim/fieldset.c) --------------------------------------
 *
 * A set is kept in its wire form: {"f:spec":{"f:replicas":{}}}, list items
 * "k:{...}" / "v:..." with "." marking membership of a node that also has
 * children. */

/* Fields of obj, already stripped (sim_fs_strip): leaves and list items
 * (marked "."), as server-side apply records an applied configuration. with_maps: also mark maps
 * themselves ("." on every object with children), as Update entries do. */
json_t *sim_fs_from_object(const json_t *obj, const char *api_version, const char *kind,
			   int with_maps);

/* The copy of obj that ownership is about: without apiVersion, kind and
 * the metadata the server owns (name, namespace, uid, resourceVersion,
 * generation, creationTimestamp, managedFields ...). status_only: just
 * status; otherwise without status. New reference. */
json_t *sim_fs_strip(const json_t *obj, int status_only);

/* What a write changed from old to nw (both already stripped): *gained,
 * the paths added or changed (with maps marked, as Update entries record
 * them), and *removed, the paths that no longer exist. New references. */
void sim_fs_diff(const json_t *old, const json_t *nw, const char *api_version, const char *kind,
		 json_t **gained, json_t **removed);

/* a |= b */
void sim_fs_union(json_t *a, const json_t *b);
/* a -= b: removes every path of b (leaf or "." member) from a, with its
 * children; empty nodes are pruned. */
void sim_fs_subtract(json_t *a, const json_t *b);
/* a -= b path by path: a member of both stops being a member of a (its
 * other children stay); empty non-member nodes are pruned. */
void sim_fs_difference(json_t *a, const json_t *b);
/* 1 when s owns path: the path itself, something below it, or an atomic
 * leaf above it. */
int sim_fs_owns(const json_t *s, const char *const *path, size_t depth);
int sim_fs_empty(const json_t *s);

/* Visit every member path of s (leaves and "." members). path is the list
 * of element strings ("f:spec", "k:{...}"), depth entries. Return nonzero
 * from fn to stop. */
typedef int (*sim_fs_visit_fn)(const char *const *path, size_t depth, int is_leaf, void *ud);
int sim_fs_walk(const json_t *s, sim_fs_visit_fn fn, void *ud);

/* The value at a set path in obj (borrowed), NULL when absent. */
json_t *sim_fs_lookup(const json_t *obj, const char *const *path, size_t depth);
/* Remove the value at a set path from obj (an item from its list, a key
 * from its map). Returns 1 when something was removed. */
int sim_fs_remove(json_t *obj, const char *const *path, size_t depth);
/* ".spec.template.spec.containers[name=\"web\"].image", the apiserver's
 * spelling of a path in conflict messages. */
void sim_fs_path_string(const char *const *path, size_t depth, char *buf, size_t size);
/* A single path as a set (for subtracting one conflict). */
json_t *sim_fs_single(const char *const *path, size_t depth);

/* RFC 3339 UTC now, "2026-11-25T08:06:25Z". */
void sim_fs_now(char buf[32]);

#endif
