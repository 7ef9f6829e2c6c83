/* crd.c - CustomResourceDefinitions become served resource types.
 *
 * Admission fills status the way the apiextensions controllers do within
 * milliseconds on a real cluster (NamesAccepted, Established, acceptedNames,
 * storedVersions), so `kubectl wait --for condition=established` passes at
 * once. After every CRD write the store calls sim_crd_sync() to (re)register
 * the served versions; deleting a CRD deletes its objects.
 */
#include "sim/core.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static char *csv_of(const json_t *arr)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, json_string_value(v));
	}
	return strbuf_detach(&sb, NULL);
}

static void set_condition(json_t *conds, const char *type, const char *reason, const char *msg,
			  const char *ts)
{
	json_array_append_new(conds, json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", type, "status", "True",
					       "lastTransitionTime", ts, "reason", reason, "message", msg));
}

int sim_crd_admit(struct sim_store *st, json_t *crd, struct kerr *err)
{
	json_t *spec = json_object_get(crd, "spec"), *names, *versions, *v, *status, *conds, *stored, *acc;
	const char *group, *plural, *kind, *name, *storage = NULL;
	char want[512], ts[32];
	size_t i;

	(void)st;
	name = json_string_value(json_object_get(json_object_get(crd, "metadata"), "name"));
	names = json_object_get(spec, "names");
	group = json_string_value(json_object_get(spec, "group"));
	plural = json_string_value(json_object_get(names, "plural"));
	kind = json_string_value(json_object_get(names, "kind"));
	versions = json_object_get(spec, "versions");
	if (!group || !plural || !kind)
		return sim_kerr_http(err, 422, "Invalid",
				     "CustomResourceDefinition.apiextensions.k8s.io \"%s\" is invalid: spec: Required value: "
				     "spec.group, spec.names.plural and spec.names.kind are required", name ? name : "");
	snprintf(want, sizeof want, "%s.%s", plural, group);
	if (!name || strcmp(name, want))
		return sim_kerr_http(err, 422, "Invalid",
				     "CustomResourceDefinition.apiextensions.k8s.io \"%s\" is invalid: metadata.name: "
				     "Invalid value: \"%s\": must be spec.names.plural+\".\"+spec.group",
				     name ? name : "", name ? name : "");
	if (!json_is_array(versions) || !json_array_size(versions))
		return sim_kerr_http(err, 422, "Invalid",
				     "CustomResourceDefinition.apiextensions.k8s.io \"%s\" is invalid: spec.versions: "
				     "Invalid value: []apiextensions.CustomResourceDefinitionVersion(nil): must have exactly one version marked as storage version",
				     name);
	json_array_foreach(versions, i, v)
		if (json_is_true(json_object_get(v, "storage")))
			storage = json_string_value(json_object_get(v, "name"));
	if (!storage)
		storage = json_string_value(json_object_get(json_array_get(versions, 0), "name"));

	sim_now_rfc3339(ts);
	status = json_object();
	conds = json_array();
	set_condition(conds, "NamesAccepted", "NoConflicts", "no conflicts found", ts);
	set_condition(conds, "Established", "InitialNamesAccepted", "the initial names have been accepted", ts);
	json_object_set_new(status, "conditions", conds);
	acc = json_deep_copy(names);
	if (!json_object_get(acc, "singular"))
		json_object_set_new(acc, "singular", json_string(plural));
	if (!json_object_get(acc, "listKind")) {
		char lk[300];
		snprintf(lk, sizeof lk, "%sList", kind);
		json_object_set_new(acc, "listKind", json_string(lk));
	}
	json_object_set_new(status, "acceptedNames", acc);
	stored = json_array();
	json_array_append_new(stored, json_string(storage ? storage : ""));
	json_object_set_new(status, "storedVersions", stored);
	json_object_set_new(crd, "status", status);
	return 0;
}

void sim_crd_sync(struct sim_store *st, const json_t *crd, int deleted)
{
	json_t *spec = json_object_get(crd, "spec"), *names, *versions, *v;
	const char *group, *plural, *crd_name;
	size_t ntypes, i, j;
	const struct sim_type **all;

	crd_name = json_string_value(json_object_get(json_object_get(crd, "metadata"), "name"));
	names = json_object_get(spec, "names");
	group = json_string_value(json_object_get(spec, "group"));
	plural = json_string_value(json_object_get(names, "plural"));
	versions = json_object_get(spec, "versions");
	if (!group || !plural || !crd_name)
		return;
	sim_store_lock(st);
	if (!deleted) {
		json_array_foreach(versions, i, v) {
			struct sim_type_def def = { 0 };
			struct sim_type *t;
			char *shorts = csv_of(json_object_get(names, "shortNames"));
			char *cats = csv_of(json_object_get(names, "categories"));
			json_t *sub = json_object_get(v, "subresources");

			def.group = group;
			def.version = json_string_value(json_object_get(v, "name"));
			def.kind = json_string_value(json_object_get(names, "kind"));
			def.plural = plural;
			def.singular = json_string_value(json_object_get(names, "singular"));
			def.namespaced = !strcmp(json_string_value(json_object_get(spec, "scope")) ?: "Namespaced",
						 "Namespaced");
			def.short_names = shorts;
			def.categories = cats;
			def.has_status = json_object_get(sub, "status") != NULL;
			def.has_scale = json_object_get(sub, "scale") != NULL;
			if (def.version && def.kind) {
				t = (struct sim_type *)sim_store_add_type(st, &def);
				if (!t->crd_name || strcmp(t->crd_name, crd_name)) {
					sim_store_retire_str(st, t->crd_name);
					t->crd_name = xstrdup(crd_name);
				}
				json_t *pc = json_object_get(v, "additionalPrinterColumns");
				json_t *schema = json_object_get(json_object_get(v, "schema"), "openAPIV3Schema");
				if (!json_equal(pc, t->printer_columns)) {
					/* readers (Table rows of running watches) hold no
					 * reference: keep the old columns until the store goes */
					sim_store_retire(st, t->printer_columns);
					t->printer_columns = json_incref(pc);
				}
				if (!json_equal(schema, t->schema)) {
					sim_store_retire(st, t->schema);
					t->schema = json_incref(schema);
				}
				if (json_is_false(json_object_get(v, "served")))
					t->served = 0;
			}
			free(shorts);
			free(cats);
		}
	}
	/* Versions no longer listed (or the whole CRD) stop being served. */
	all = sim_store_types(st, &ntypes);
	for (i = 0; i < ntypes; i++) {
		const struct sim_type *t = all[i];
		int listed = 0;
		if (!t->crd_name || strcmp(t->crd_name, crd_name))
			continue;
		json_array_foreach(versions, j, v)
			if (!strcmp(json_string_value(json_object_get(v, "name")) ?: "", t->version) &&
			    !json_is_false(json_object_get(v, "served")))
				listed = 1;
		if (deleted && t->storage_id == t->id)
			sim_store_drop_type_objects(st, t);
		if (deleted || !listed)
			sim_store_set_served(st, t, 0);
	}
	free(all);
	sim_store_unlock(st);
}
