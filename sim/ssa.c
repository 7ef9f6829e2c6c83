/* ssa.c - server-side apply and the ownership of plain writes (patch.h).
 *
 * metadata.managedFields holds one entry per (manager, operation,
 * apiVersion for updates, subresource), each with the set of fields that
 * writer owns (fieldset.c). Apply merges the applied configuration into the
 * live object with the list rules of patch-schema.c, reports conflicts with
 * other owners, and removes what the applier stopped applying when nobody
 * else owns it. Plain writes (Update) give the writer what it changed.
 */
#include "sim/patch.h"
#include "sim/patch-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* ---- managedFields entries ------------------------------------------------- */

static json_t *new_entry(const char *manager, const char *op, const char *api_version,
			 const char *subresource, const char *time_s, json_t *fields)
{
	json_t *e = json_object();

	json_object_set_new(e, "manager", json_string(manager));
	json_object_set_new(e, "operation", json_string(op));
	json_object_set_new(e, "apiVersion", json_string(api_version ? api_version : ""));
	json_object_set_new(e, "time", json_string(time_s));
	json_object_set_new(e, "fieldsType", json_string("FieldsV1"));
	json_object_set_new(e, "fieldsV1", fields);
	if (subresource && *subresource)
		json_object_set_new(e, "subresource", json_string(subresource));
	return e;
}

static json_t *entry_fields(json_t *e)
{
	json_t *f = json_object_get(e, "fieldsV1");

	if (!json_is_object(f)) {
		f = json_object();
		json_object_set_new(e, "fieldsV1", f);
	}
	return f;
}

/* Index of the entry with this identity, -1. api_version NULL: any. */
static long find_entry(const json_t *entries, const char *manager, const char *op,
		       const char *api_version, const char *subresource)
{
	size_t i;
	json_t *e;

	json_array_foreach((json_t *)entries, i, e) {
		if (str_eq(str(e, "manager"), manager) && str_eq(str(e, "operation"), op) &&
		    str_eq(str(e, "subresource"), subresource) &&
		    (!api_version || str_eq(str(e, "apiVersion"), api_version)))
			return (long)i;
	}
	return -1;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	static const char *const keys[] = { "operation", "time", "manager", "apiVersion", "subresource" };
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int c = strcmp(str(a, keys[i]) ? str(a, keys[i]) : "", str(b, keys[i]) ? str(b, keys[i]) : "");
		if (c)
			return c;
	}
	return 0;
}

/* Entries without fields dropped, the rest in the apiserver's order
 * (operation, time, manager, apiVersion, subresource). New array. */
static json_t *normalized(const json_t *entries)
{
	size_t i, n = 0;
	json_t *e, **v = calloc(json_array_size(entries) + 1, sizeof *v), *out = json_array();

	json_array_foreach((json_t *)entries, i, e) {
		if (!sim_fs_empty(json_object_get(e, "fieldsV1")))
			v[n++] = e;
	}
	qsort(v, n, sizeof *v, entry_cmp);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static void set_managed(json_t *obj, json_t *entries /* stolen */)
{
	json_t *m = json_object_get(obj, "metadata");

	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	if (json_array_size(entries))
		json_object_set_new(m, "managedFields", entries);
	else {
		json_decref(entries);
		json_object_del(m, "managedFields");
	}
}

static json_t *managed_of(const json_t *obj)
{
	return json_object_get(json_object_get(obj, "metadata"), "managedFields");
}

/* How the apiserver names a manager in conflict messages. */
static void manager_label(const json_t *e, char *buf, size_t size)
{
	int n = snprintf(buf, size, "\"%s\"", str(e, "manager") ? str(e, "manager") : "");

	if (n < 0 || (size_t)n >= size)
		return;
	if (str(e, "subresource") && *str(e, "subresource"))
		n += snprintf(buf + n, size - (size_t)n, " with subresource \"%s\"", str(e, "subresource"));
	if (n >= 0 && (size_t)n < size && str_eq(str(e, "operation"), "Update"))
		snprintf(buf + n, size - (size_t)n, " using %s", str(e, "apiVersion") ? str(e, "apiVersion") : "");
}

/* ---- the apply merge -------------------------------------------------------- */

struct merge {
	const char *api_version, *kind;
	struct sim_path path;
};

static void apply_map(struct merge *m, json_t *target, const json_t *applied);

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

static void apply_field(struct merge *m, json_t *target, const char *k, const json_t *av)
{
	json_t *tv = json_object_get(target, k);
	struct sim_list_schema ls;
	size_t i;
	json_t *it;

	if (json_is_null(av)) {
		json_object_del(target, k);
		return;
	}
	if (m->path.n >= sizeof m->path.seg / sizeof m->path.seg[0])
		return;
	m->path.seg[m->path.n++] = k;
	if (json_is_object(av) && json_is_object(tv) && json_object_size(av) &&
	    !sim_schema_atomic_map(m->api_version, m->kind, &m->path)) {
		apply_map(m, tv, av);
		goto out;
	}
	if (json_is_array(av) && json_is_array(tv)) {
		sim_schema_list(m->api_version, m->kind, &m->path, &ls);
		if (ls.kind == SIM_LIST_SET) {
			json_array_foreach((json_t *)av, i, it) {
				size_t j;
				json_t *x;
				int found = 0;

				json_array_foreach(tv, j, x) {
					if (json_equal(x, it))
						found = 1;
				}
				if (!found)
					json_array_append_new(tv, json_deep_copy(it));
			}
			goto out;
		}
		if (ls.kind == SIM_LIST_MAP && all_keyed(&ls, av) && all_keyed(&ls, tv)) {
			json_array_foreach((json_t *)av, i, it) {
				json_t *key = sim_schema_item_key(&ls, it);
				long at = sim_schema_find_item(&ls, tv, key);

				json_decref(key);
				if (at >= 0)
					apply_map(m, json_array_get(tv, (size_t)at), it);
				else
					json_array_append_new(tv, json_deep_copy(it));
			}
			goto out;
		}
	}
	json_object_set_new(target, k, json_deep_copy(av));
out:
	m->path.n--;
}

static void apply_map(struct merge *m, json_t *target, const json_t *applied)
{
	const char *k;
	json_t *av;

	json_object_foreach((json_t *)applied, k, av)
		apply_field(m, target, k, av);
}

/* ---- conflicts --------------------------------------------------------------- */

struct conflict_scan {
	const json_t *live, *merged;     /* stripped */
	json_t *entries;
	long own;
	json_t *found;                   /* [[entry index, path string, single set]] */
};

static int scan_leaf(const char *const *path, size_t depth, int is_leaf, void *ud)
{
	struct conflict_scan *c = ud;
	json_t *lv, *mv, *e;
	size_t i;

	if (!is_leaf)
		return 0;
	lv = sim_fs_lookup(c->live, path, depth);
	mv = sim_fs_lookup(c->merged, path, depth);
	if ((!lv && !mv) || (lv && mv && json_equal(lv, mv)))
		return 0;
	json_array_foreach(c->entries, i, e) {
		char ps[1024];

		if ((long)i == c->own || !sim_fs_owns(entry_fields(e), path, depth))
			continue;
		sim_fs_path_string(path, depth, ps, sizeof ps);
		json_array_append_new(c->found, json_pack("[i,s,o]", (json_int_t)i, ps,
							  sim_fs_single(path, depth)));
	}
	return 0;
}

static int conflict_cmp(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;

	return strcmp(json_string_value(json_array_get(a, 1)), json_string_value(json_array_get(b, 1)));
}

/* Conflicts in path order, as the apiserver's sorted field sets list them. */
static void sort_conflicts(json_t *found)
{
	size_t n = json_array_size(found), i;
	json_t **v = calloc(n + 1, sizeof *v);

	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(found, i));
	qsort(v, n, sizeof *v, conflict_cmp);
	json_array_clear(found);
	for (i = 0; i < n; i++)
		json_array_append_new(found, v[i]);
	free(v);
}

static int conflict_error(const json_t *entries, const json_t *found, struct kerr *err)
{
	size_t n = json_array_size(found), i, j;
	char label[512], *msg;
	json_t *seen = json_array(), *c;
	size_t len = 0, cap = 4096;

	if (!err) {
		json_decref(seen);
		return -1;
	}
	if (n == 1) {
		c = json_array_get(found, 0);
		manager_label(json_array_get(entries, (size_t)json_integer_value(json_array_get(c, 0))),
			      label, sizeof label);
		kerr_set(err, KERR_CONFLICT, "Apply failed with 1 conflict: conflict with %s: %s", label,
			 json_string_value(json_array_get(c, 1)));
	} else {
		/* Grouped by manager label, managers sorted, paths in order. */
		json_t *labels = json_array();
		size_t nl;

		json_array_foreach((json_t *)found, i, c) {
			manager_label(json_array_get(entries, (size_t)json_integer_value(json_array_get(c, 0))),
				      label, sizeof label);
			for (j = 0; j < json_array_size(labels); j++) {
				if (!strcmp(json_string_value(json_array_get(labels, j)), label))
					break;
			}
			if (j == json_array_size(labels))
				json_array_append_new(labels, json_string(label));
		}
		nl = json_array_size(labels);
		for (i = 0; i + 1 < nl; i++) {
			for (j = i + 1; j < nl; j++) {
				if (strcmp(json_string_value(json_array_get(labels, i)),
					   json_string_value(json_array_get(labels, j))) > 0) {
					json_t *t = json_incref(json_array_get(labels, i));
					json_array_set(labels, i, json_array_get(labels, j));
					json_array_set_new(labels, j, t);
				}
			}
		}
		msg = malloc(cap);
		len = (size_t)snprintf(msg, cap, "Apply failed with %zu conflicts: ", n);
		for (i = 0; i < nl && len < cap; i++) {
			const char *l = json_string_value(json_array_get(labels, i));
			len += (size_t)snprintf(msg + len, cap - len, "%sconflicts with %s:", i ? "\n" : "", l);
			json_array_foreach((json_t *)found, j, c) {
				if (len >= cap)
					break;
				manager_label(json_array_get(entries,
							     (size_t)json_integer_value(json_array_get(c, 0))),
					      label, sizeof label);
				if (!strcmp(label, l))
					len += (size_t)snprintf(msg + len, cap - len, "\n- %s",
								json_string_value(json_array_get(c, 1)));
			}
		}
		kerr_set(err, KERR_CONFLICT, "%s", msg);
		free(msg);
		json_decref(labels);
	}
	err->http = 409;
	snprintf(err->reason, sizeof err->reason, "Conflict");
	json_decref(seen);
	return -1;
}

/* ---- removal of fields the applier dropped ---------------------------------- */

struct removal {
	json_t *obj;                     /* merged object (full) */
	const json_t *entries;
	long own;
	const json_t *applied_set;
};

static int remove_dropped(const char *const *path, size_t depth, int is_leaf, void *ud)
{
	struct removal *r = ud;
	size_t i;
	json_t *e;

	(void)is_leaf;
	if (sim_fs_owns(r->applied_set, path, depth))
		return 0;
	json_array_foreach((json_t *)r->entries, i, e) {
		if ((long)i != r->own && sim_fs_owns(json_object_get(e, "fieldsV1"), path, depth))
			return 0;
	}
	sim_fs_remove(r->obj, path, depth);
	return 0;
}

/* ---- apply -------------------------------------------------------------------- */

int sim_ssa_apply(const json_t *live, const json_t *applied, const char *manager, int force,
		  json_t **out, struct kerr *err)
{
	const char *apiv = str(applied, "apiVersion"), *kind = str(applied, "kind");
	json_t *a_obj, *a_set, *entries, *merged, *old_own, *dropped, *live_s, *merged_s, *found;
	struct merge m;
	struct conflict_scan cs;
	struct removal rm;
	char now[32];
	long own;
	size_t i;
	json_t *c;

	*out = NULL;
	if (!json_is_object(applied))
		return kerr_set(err, KERR_INVALID, "the applied configuration is not a JSON object");
	if (!manager || !*manager)
		return kerr_set(err, KERR_INVALID,
				"PATCH requests of type application/apply-patch+yaml require a fieldManager");
	if (!apiv || !kind)
		return kerr_set(err, KERR_INVALID, "the applied configuration has no apiVersion or kind");
	if (live) {
		const char *lk = str(live, "kind");
		if (lk && strcmp(lk, kind))
			return kerr_set(err, KERR_INVALID, "the applied kind %s does not match the object's kind %s",
					kind, lk);
	}
	sim_fs_now(now);
	a_obj = sim_fs_strip(applied, 0);
	a_set = sim_fs_from_object(a_obj, apiv, kind, 0);

	/* Ownership so far. An object nobody tracked yet is owned as a whole
	 * by "before-first-apply", as on a real server. */
	if (!live) {
		entries = json_array();
	} else if (json_array_size(managed_of(live))) {
		entries = json_deep_copy(managed_of(live));
	} else {
		json_t *ls = sim_fs_strip(live, 0);
		entries = json_array();
		json_array_append_new(entries, new_entry("before-first-apply", "Update", str(live, "apiVersion"),
							 NULL, now, sim_fs_from_object(ls, str(live, "apiVersion"),
										       kind, 1)));
		json_decref(ls);
	}
	own = find_entry(entries, manager, "Apply", NULL, NULL);
	old_own = own >= 0 ? json_deep_copy(entry_fields(json_array_get(entries, (size_t)own)))
			   : json_object();

	/* Merge. */
	if (live) {
		merged = json_deep_copy(live);
	} else {
		json_t *md = json_object(), *am = json_object_get(applied, "metadata");
		merged = json_object();
		json_object_set_new(merged, "apiVersion", json_string(apiv));
		json_object_set_new(merged, "kind", json_string(kind));
		if (str(am, "name"))
			json_object_set(md, "name", json_object_get(am, "name"));
		if (str(am, "namespace"))
			json_object_set(md, "namespace", json_object_get(am, "namespace"));
		json_object_set_new(merged, "metadata", md);
	}
	memset(&m, 0, sizeof m);
	m.api_version = apiv;
	m.kind = kind;
	apply_map(&m, merged, a_obj);

	/* Conflicts: applied fields whose value changes and that another
	 * manager owns. */
	found = json_array();
	if (live) {
		live_s = sim_fs_strip(live, 0);
		merged_s = sim_fs_strip(merged, 0);
		memset(&cs, 0, sizeof cs);
		cs.live = live_s;
		cs.merged = merged_s;
		cs.entries = entries;
		cs.own = own;
		cs.found = found;
		sim_fs_walk(a_set, scan_leaf, &cs);
		json_decref(live_s);
		json_decref(merged_s);
	}
	sort_conflicts(found);
	if (json_array_size(found) && !force) {
		conflict_error(entries, found, err);
		json_decref(found);
		json_decref(a_obj);
		json_decref(a_set);
		json_decref(entries);
		json_decref(old_own);
		json_decref(merged);
		return -1;
	}
	/* force: the others lose the conflicting fields. */
	json_array_foreach(found, i, c) {
		json_t *e = json_array_get(entries, (size_t)json_integer_value(json_array_get(c, 0)));
		sim_fs_subtract(entry_fields(e), json_array_get(c, 2));
	}

	/* Fields the applier owned and no longer applies go, unless someone
	 * else owns them. */
	dropped = json_deep_copy(old_own);
	sim_fs_difference(dropped, a_set);
	memset(&rm, 0, sizeof rm);
	rm.obj = merged;
	rm.entries = entries;
	rm.own = own;
	rm.applied_set = a_set;
	sim_fs_walk(dropped, remove_dropped, &rm);
	json_decref(dropped);

	/* The applier's entry: the time moves only when its set changes. */
	if (own >= 0) {
		json_t *e = json_array_get(entries, (size_t)own);
		if (!json_equal(old_own, a_set) || !str_eq(str(e, "apiVersion"), apiv)) {
			json_object_set_new(e, "time", json_string(now));
			json_object_set_new(e, "apiVersion", json_string(apiv));
		}
		json_object_set(e, "fieldsV1", a_set);
	} else {
		json_array_append_new(entries, new_entry(manager, "Apply", apiv, NULL, now,
							 json_incref(a_set)));
	}
	set_managed(merged, normalized(entries));

	/* status belongs to the status subresource. */
	if (live) {
		json_t *ls = json_object_get(live, "status");
		if (ls)
			json_object_set(merged, "status", ls);
		else
			json_object_del(merged, "status");
	}
	if (live && json_equal(merged, live)) {
		json_decref(merged);
		merged = json_deep_copy(live);
	}
	*out = merged;
	json_decref(found);
	json_decref(a_obj);
	json_decref(a_set);
	json_decref(entries);
	json_decref(old_own);
	return 0;
}

/* ---- ownership of plain writes ------------------------------------------------ */

void sim_managed_fields_update(json_t *obj_new, const json_t *obj_old, const char *manager,
			       const char *subresource)
{
	json_t *mf_new = managed_of(obj_new), *mf_old = obj_old ? managed_of(obj_old) : NULL;
	json_t *entries, *old_s, *new_s, *gained, *removed, *e;
	const char *apiv = str(obj_new, "apiVersion"), *kind = str(obj_new, "kind");
	int status_only = subresource && !strcmp(subresource, "status");
	char now[32];
	long own;
	size_t i;

	if (!json_is_object(obj_new))
		return;
	if (!manager || !*manager)
		manager = "unknown";
	/* [{}] resets the ownership; [] or an unchanged list keeps the old
	 * one (clients unaware of managedFields must not wipe it); anything
	 * else sent by the client is taken as the base. */
	if (json_array_size(mf_new) == 1 && json_is_object(json_array_get(mf_new, 0)) &&
	    !json_object_size(json_array_get(mf_new, 0))) {
		json_object_del(json_object_get(obj_new, "metadata"), "managedFields");
		return;
	}
	if (json_array_size(mf_new) && !(mf_old && json_equal(mf_new, mf_old)))
		entries = json_deep_copy(mf_new);
	else if (json_is_array(mf_old))
		entries = json_deep_copy(mf_old);
	else
		entries = json_array();

	old_s = obj_old ? sim_fs_strip(obj_old, status_only) : NULL;
	new_s = sim_fs_strip(obj_new, status_only);
	sim_fs_diff(old_s, new_s, apiv, kind, &gained, &removed);
	json_decref(old_s);
	json_decref(new_s);
	if (!sim_fs_empty(gained) || !sim_fs_empty(removed)) {
		sim_fs_now(now);
		own = find_entry(entries, manager, "Update", apiv, subresource);
		json_array_foreach(entries, i, e) {
			if ((long)i == own)
				continue;
			sim_fs_subtract(entry_fields(e), gained);
			sim_fs_subtract(entry_fields(e), removed);
		}
		if (own < 0) {
			json_array_append_new(entries, new_entry(manager, "Update", apiv, subresource, now,
								 json_object()));
			own = (long)json_array_size(entries) - 1;
		}
		e = json_array_get(entries, (size_t)own);
		sim_fs_subtract(entry_fields(e), removed);
		sim_fs_union(entry_fields(e), gained);
		json_object_set_new(e, "time", json_string(now));
	}
	json_decref(gained);
	json_decref(removed);
	set_managed(obj_new, normalized(entries));
	json_decref(entries);
}
