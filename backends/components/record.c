/* record.c - the install record ConfigMap (record.h). */
#include "backends/components/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/recipes/render.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"

struct comp_record *record_new(const char *component)
{
	struct comp_record *rec = xcalloc(1, sizeof *rec);

	rec->component = xstrdup(component);
	rec->params = json_object();
	rec->set = json_object();
	rec->objects = json_array();
	rec->adopted = json_array();
	return rec;
}

void record_free(struct comp_record *rec)
{
	if (!rec)
		return;
	free(rec->component);
	free(rec->version);
	free(rec->state);
	free(rec->installed_at);
	json_decref(rec->params);
	json_decref(rec->set);
	json_decref(rec->objects);
	json_decref(rec->adopted);
	free(rec);
}

const char *record_name(const char *component, char *buf, size_t size)
{
	snprintf(buf, size, "kurator-component-%s", component);
	return buf;
}

json_t *record_ref(const json_t *obj)
{
	const char *ns = jx_namespace(obj);

	return json_pack("{s:s,s:s,s:s,s:s}", "apiVersion", jx_str_or(obj, "apiVersion", ""),
			 "kind", jx_str_or(obj, "kind", ""), "namespace", ns ? ns : "",
			 "name", jx_str_or(obj, "metadata.name", jx_str_or(obj, "name", "")));
}

/* Identity ignores the version part of apiVersion (an upgrade may move a
 * kind from v1beta1 to v1: still the same object). */
static int same_object(const json_t *a, const json_t *b)
{
	char ga[256], gb[256];
	const char *na = jx_str(a, "metadata.name") ? jx_str(a, "metadata.name") : jx_str(a, "name");
	const char *nb = jx_str(b, "metadata.name") ? jx_str(b, "metadata.name") : jx_str(b, "name");
	const char *sa = jx_namespace(a) ? jx_namespace(a) : jx_str_or(a, "namespace", "");
	const char *sb = jx_namespace(b) ? jx_namespace(b) : jx_str_or(b, "namespace", "");

	kref_group(jx_str_or(a, "apiVersion", ""), ga, sizeof ga);
	kref_group(jx_str_or(b, "apiVersion", ""), gb, sizeof gb);
	return na && nb && !strcmp(ga, gb) && !strcmp(jx_str_or(a, "kind", ""), jx_str_or(b, "kind", "")) &&
	       !strcmp(sa, sb) && !strcmp(na, nb);
}

int record_has(const json_t *list, const json_t *obj)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (same_object(e, obj))
			return 1;
	return 0;
}

static char *dump_stable(const json_t *v)
{
	return json_dumps(v, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

json_t *record_to_configmap(const struct comp_record *rec)
{
	char name[256];
	char *params = dump_stable(rec->params), *objects = dump_stable(rec->objects);
	char *adopted = dump_stable(rec->adopted), *set = dump_stable(rec->set);
	json_t *cm = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},s:{s:s,s:s,s:s,s:s,s:s,s:s}}",
			       "apiVersion", "v1", "kind", "ConfigMap",
			       "metadata", "name", record_name(rec->component, name, sizeof name),
			       "namespace", RECORD_NAMESPACE,
			       "labels", KURATOR_LABEL_MANAGED_BY, "kurator",
			       KURATOR_LABEL_COMPONENT, rec->component,
			       "data", "component", rec->component,
			       "version", rec->version ? rec->version : "",
			       "state", rec->state ? rec->state : "",
			       "params", params ? params : "{}",
			       "objects", objects ? objects : "[]",
			       "adopted", adopted ? adopted : "[]");

	if (rec->version && *rec->version)
		json_object_set_new(jx_get(cm, "metadata.labels"), KURATOR_LABEL_VERSION,
				    json_string(rec->version));
	if (rec->installed_at)
		jx_set_str(cm, "data.installedAt", rec->installed_at);
	json_object_set_new(json_object_get(cm, "data"), "set", json_string(set ? set : "{}"));
	free(set);
	free(params);
	free(objects);
	free(adopted);
	return cm;
}

static json_t *parse_field(const json_t *cm, const char *key, struct kerr *err)
{
	const char *text = jx_str(json_object_get(cm, "data"), key);
	json_error_t je;
	json_t *v;

	if (!text)
		return NULL;
	v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		kerr_set(err, KERR_INVALID, "record %s/%s: data.%s is not JSON: %s",
			 jx_namespace(cm), jx_name(cm), key, je.text);
	return v;
}

int record_from_configmap(const json_t *cm, struct comp_record **out, struct kerr *err)
{
	json_t *data = json_object_get(cm, "data");
	const char *component = jx_str(data, "component");
	struct comp_record *rec;
	json_t *params, *objects, *adopted;

	*out = NULL;
	if (!component)
		return kerr_set(err, KERR_INVALID, "%s/%s is not a kurator install record",
				jx_namespace(cm), jx_name(cm));
	params = parse_field(cm, "params", err);
	objects = parse_field(cm, "objects", err);
	adopted = parse_field(cm, "adopted", err);
	if (!json_is_object(params) || !json_is_array(objects) || !json_is_array(adopted)) {
		json_decref(params);
		json_decref(objects);
		json_decref(adopted);
		if (err && err->kind == KERR_NONE)
			kerr_set(err, KERR_INVALID, "record %s/%s is incomplete", jx_namespace(cm),
				 jx_name(cm));
		return -1;
	}
	rec = xcalloc(1, sizeof *rec);
	rec->component = xstrdup(component);
	rec->version = xstrdup(jx_str_or(data, "version", ""));
	rec->state = xstrdup(jx_str_or(data, "state", ""));
	rec->installed_at = xstrdup(jx_str(data, "installedAt"));
	rec->params = params;
	rec->set = parse_field(cm, "set", err);
	if (!json_is_object(rec->set)) {
		json_decref(rec->set);
		rec->set = json_object();
	}
	kerr_clear(err);
	rec->objects = objects;
	rec->adopted = adopted;
	*out = rec;
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int record_equal(const struct comp_record *a, const struct comp_record *b)
{
	return a && b && str_eq(a->component, b->component) && str_eq(a->version, b->version) &&
	       str_eq(a->state, b->state) && str_eq(a->installed_at, b->installed_at) &&
	       json_equal(a->params, b->params) && json_equal(a->set, b->set) &&
	       json_equal(a->objects, b->objects) &&
	       json_equal(a->adopted, b->adopted);
}

static int configmaps(struct kube_client *kc, const struct kube_resource **res,
		      struct kerr *err)
{
	return kube_resolve_gvk(kc, "v1", "ConfigMap", res, err);
}

int record_read(struct kube_client *kc, const char *component, struct comp_record **out,
		struct kerr *err)
{
	const struct kube_resource *res;
	char name[256];
	json_t *cm = NULL;
	int rc;

	*out = NULL;
	if (configmaps(kc, &res, err))
		return -1;
	if (kube_get(kc, res, RECORD_NAMESPACE, record_name(component, name, sizeof name), &cm,
		     err)) {
		if (kerr_is(err, KERR_NOTFOUND)) {
			kerr_clear(err);
			return 0;
		}
		return -1;
	}
	rc = record_from_configmap(cm, out, err);
	json_decref(cm);
	return rc;
}

int record_write(struct kube_client *kc, const struct comp_record *rec,
		 const struct comp_record *current, struct kerr *err)
{
	struct kube_apply_opts ao = { .field_manager = "kurator", .force = 1 };
	json_t *cm;
	int rc;

	if (current && record_equal(rec, current))
		return 0;
	cm = record_to_configmap(rec);
	rc = kube_apply(kc, cm, &ao, NULL, NULL, err);
	json_decref(cm);
	if (rc)
		return kerr_prefix(err, "write install record %s/kurator-component-%s",
				   RECORD_NAMESPACE, rec->component);
	return 0;
}

int record_delete(struct kube_client *kc, const char *component, struct kerr *err)
{
	struct kube_delete_opts dopts = { .ignore_not_found = 1, .wait = 1 };
	const struct kube_resource *res;
	char name[256];

	if (configmaps(kc, &res, err))
		return -1;
	return kube_delete(kc, res, RECORD_NAMESPACE, record_name(component, name, sizeof name),
			   &dopts, err);
}
