/* kubeconfig_parse.c - one kubeconfig document into kubectl's normalized
 * form, merged first-wins into a struct kubeconfig.
 *
 * kubectl decodes each file into typed Go structs, so a field of the wrong
 * type, bad base64 or a name listed twice in one file makes the whole file
 * an error; unknown fields are dropped. We keep exactly the fields kubectl
 * keeps, in the order `kubectl config view -o json` prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

struct pctx {
	const char *file;
	struct kerr *err;
};

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int bad(struct pctx *p, const char *where, const char *key, const char *want,
	       const json_t *got)
{
	return kerr_set(p->err, KERR_INVALID, "error loading kubeconfig \"%s\": %s%s%s: expected %s, got %s",
			p->file, where, *where && key ? "." : "", key ? key : "", want, type_name(got));
}

/* A string field: absent or null gives NULL. */
static int get_str(struct pctx *p, const json_t *o, const char *where, const char *key,
		   const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(p, where, key, "a string", v);
	*out = json_string_value(v);
	return 0;
}

static int get_bool(struct pctx *p, const json_t *o, const char *where, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(p, where, key, "a boolean", v);
	*out = json_is_true(v);
	return 0;
}

/* Copy a string field; always: set even when empty (kubectl has no omitempty). */
static int put_str(struct pctx *p, json_t *out, const json_t *in, const char *where,
		   const char *key, int always)
{
	const char *s;

	if (get_str(p, in, where, key, &s) < 0)
		return -1;
	if (s && *s)
		json_object_set_new(out, key, json_string(s));
	else if (always)
		json_object_set_new(out, key, json_string(""));
	return 0;
}

static int put_true(struct pctx *p, json_t *out, const json_t *in, const char *where,
		    const char *key)
{
	int b;

	if (get_bool(p, in, where, key, &b) < 0)
		return -1;
	if (b)
		json_object_set_new(out, key, json_true());
	return 0;
}

/* A []byte field: base64 in the file, kept as canonical base64. */
static int put_data(struct pctx *p, json_t *out, const json_t *in, const char *where,
		    const char *key)
{
	const char *s;
	char *raw = NULL, *enc;
	size_t len = 0, at = 0;

	if (get_str(p, in, where, key, &s) < 0)
		return -1;
	if (!s || !*s)
		return 0;
	if (kc_b64_decode(s, &raw, &len, &at) < 0)
		return kerr_set(p->err, KERR_INVALID,
				"error loading kubeconfig \"%s\": %s.%s: illegal base64 data at input byte %zu",
				p->file, where, key, at);
	if (len) {
		enc = kc_b64_encode(raw, len);
		json_object_set_new(out, key, json_string(enc));
		free_secret(enc);
	}
	if (raw) {
		memset(raw, 0, len);
		free(raw);
	}
	return 0;
}

static int put_str_list(struct pctx *p, json_t *out, const json_t *in, const char *where,
			const char *key, int keep_null)
{
	json_t *v = json_object_get(in, key), *arr, *it;
	size_t i;

	if (!v || json_is_null(v)) {
		if (keep_null)
			json_object_set_new(out, key, json_null());
		return 0;
	}
	if (!json_is_array(v))
		return bad(p, where, key, "a list of strings", v);
	arr = json_array();
	json_array_foreach(v, i, it) {
		if (!json_is_string(it)) {
			json_decref(arr);
			return bad(p, where, key, "a list of strings", it);
		}
		json_array_append(arr, it);
	}
	if (!keep_null && !json_array_size(arr)) {
		json_decref(arr);
		return 0;
	}
	json_object_set_new(out, key, arr);
	return 0;
}

/* A list of {name, <valkey>}: returns a new name-sorted list, or NULL with
 * *out_err set. Duplicate names are an error, as in kubectl's conversion. */
static int named_list(struct pctx *p, const json_t *v, const char *where, const char *valkey,
		      json_t **list)
{
	json_t *it;
	size_t i, j;

	*list = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(p, where, NULL, "a list", v);
	json_array_foreach(v, i, it) {
		char w[160];
		const char *name;

		snprintf(w, sizeof w, "%s[%zu]", where, i);
		if (!json_is_object(it))
			return bad(p, w, NULL, "an object", it);
		if (get_str(p, it, w, "name", &name) < 0)
			return -1;
		for (j = 0; j < i; j++) {
			const char *other = json_string_value(json_object_get(json_array_get(v, j), "name"));
			if (!strcmp(other ? other : "", name ? name : ""))
				return kerr_set(p->err, KERR_INVALID,
						"error loading kubeconfig \"%s\": %s: duplicate name \"%s\" in list",
						p->file, where, name ? name : "");
		}
	}
	*list = json_array();
	json_array_foreach(v, i, it) {
		json_t *e = json_object(), *val = json_object_get(it, valkey);
		const char *name = json_string_value(json_object_get(it, "name"));
		size_t at = json_array_size(*list);

		json_object_set_new(e, "name", json_string(name ? name : ""));
		json_object_set(e, valkey, val ? val : json_null());
		/* insertion sort by name: lists are short */
		for (j = 0; j < json_array_size(*list); j++) {
			const char *o = json_string_value(json_object_get(json_array_get(*list, j), "name"));
			if (strcmp(name ? name : "", o) < 0) {
				at = j;
				break;
			}
		}
		json_array_insert_new(*list, at, e);
	}
	return 0;
}

static int put_extensions(struct pctx *p, json_t *out, const json_t *in, const char *where)
{
	json_t *list;
	char w[160];

	snprintf(w, sizeof w, "%s%sextensions", where, *where ? "." : "");
	if (named_list(p, json_object_get(in, "extensions"), w, "extension", &list) < 0)
		return -1;
	if (list && json_array_size(list))
		json_object_set_new(out, "extensions", list);
	else
		json_decref(list);
	return 0;
}

/* A missing object reads as empty: jansson's getters return NULL on NULL. */
static int want_object(struct pctx *p, const json_t *v, const char *where, const json_t **o)
{
	*o = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(p, where, NULL, "an object", v);
	*o = v;
	return 0;
}

static json_t *norm_cluster(struct pctx *p, const json_t *v, const char *where)
{
	const json_t *in;
	json_t *out = json_object();

	if (want_object(p, v, where, &in) < 0 ||
	    put_str(p, out, in, where, "server", 1) < 0 ||
	    put_str(p, out, in, where, "tls-server-name", 0) < 0 ||
	    put_true(p, out, in, where, "insecure-skip-tls-verify") < 0 ||
	    put_str(p, out, in, where, "certificate-authority", 0) < 0 ||
	    put_data(p, out, in, where, "certificate-authority-data") < 0 ||
	    put_str(p, out, in, where, "proxy-url", 0) < 0 ||
	    put_true(p, out, in, where, "disable-compression") < 0 ||
	    put_extensions(p, out, in, where) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int put_user_extra(struct pctx *p, json_t *out, const json_t *in, const char *where)
{
	json_t *v = json_object_get(in, "as-user-extra"), *o, *val;
	const char *k;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(p, where, "as-user-extra", "an object", v);
	if (!json_object_size(v))
		return 0;
	o = json_object();
	json_object_foreach(v, k, val) {
		char w[200];
		json_t *tmp = json_object();

		snprintf(w, sizeof w, "%s.as-user-extra", where);
		json_object_set(tmp, k, val);
		if (put_str_list(p, o, tmp, w, k, 1) < 0) {
			json_decref(tmp);
			json_decref(o);
			return -1;
		}
		json_decref(tmp);
	}
	json_object_set_new(out, "as-user-extra", o);
	return 0;
}

static int put_auth_provider(struct pctx *p, json_t *out, const json_t *in, const char *where)
{
	json_t *v = json_object_get(in, "auth-provider"), *ap, *cfg, *val;
	char w[200];
	const char *k;

	if (!v || json_is_null(v))
		return 0;
	snprintf(w, sizeof w, "%s.auth-provider", where);
	if (!json_is_object(v))
		return bad(p, w, NULL, "an object", v);
	ap = json_object();
	if (put_str(p, ap, v, w, "name", 1) < 0)
		goto fail;
	cfg = json_object_get(v, "config");
	if (cfg && !json_is_null(cfg)) {
		if (!json_is_object(cfg)) {
			bad(p, w, "config", "an object", cfg);
			goto fail;
		}
		json_object_foreach(cfg, k, val)
			if (!json_is_string(val)) {
				bad(p, w, "config", "strings", val);
				goto fail;
			}
		if (json_object_size(cfg))
			json_object_set(ap, "config", cfg);
	}
	json_object_set_new(out, "auth-provider", ap);
	return 0;
fail:
	json_decref(ap);
	return -1;
}

static int put_exec(struct pctx *p, json_t *out, const json_t *in, const char *where)
{
	json_t *v = json_object_get(in, "exec"), *ex, *env, *it;
	const char *api, *mode;
	char w[200];
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	snprintf(w, sizeof w, "%s.exec", where);
	if (!json_is_object(v))
		return bad(p, w, NULL, "an object", v);
	ex = json_object();
	if (put_str(p, ex, v, w, "command", 1) < 0 || put_str_list(p, ex, v, w, "args", 1) < 0)
		goto fail;
	env = json_object_get(v, "env");
	if (!env || json_is_null(env)) {
		json_object_set_new(ex, "env", json_null());
	} else if (!json_is_array(env)) {
		bad(p, w, "env", "a list", env);
		goto fail;
	} else {
		json_t *arr = json_array();
		json_object_set_new(ex, "env", arr);
		json_array_foreach(env, i, it) {
			char we[240];
			json_t *e = json_object();

			snprintf(we, sizeof we, "%s.env[%zu]", w, i);
			json_array_append_new(arr, e);
			if (!json_is_object(it)) {
				bad(p, we, NULL, "an object", it);
				goto fail;
			}
			if (put_str(p, e, it, we, "name", 1) < 0 || put_str(p, e, it, we, "value", 1) < 0)
				goto fail;
		}
	}
	if (put_str(p, ex, v, w, "apiVersion", 1) < 0 ||
	    put_str(p, ex, v, w, "installHint", 0) < 0)
		goto fail;
	{
		int b;
		if (get_bool(p, v, w, "provideClusterInfo", &b) < 0)
			goto fail;
		json_object_set_new(ex, "provideClusterInfo", json_boolean(b));
	}
	if (get_str(p, v, w, "interactiveMode", &mode) < 0)
		goto fail;
	api = json_string_value(json_object_get(ex, "apiVersion"));
	/* kubectl defaults the mode for the beta and alpha APIs only */
	if ((!mode || !*mode) && (!strcmp(api, "client.authentication.k8s.io/v1beta1") ||
				  !strcmp(api, "client.authentication.k8s.io/v1alpha1")))
		mode = "IfAvailable";
	if (mode && *mode)
		json_object_set_new(ex, "interactiveMode", json_string(mode));
	json_object_set_new(out, "exec", ex);
	return 0;
fail:
	json_decref(ex);
	return -1;
}

static json_t *norm_user(struct pctx *p, const json_t *v, const char *where)
{
	const json_t *in;
	json_t *out = json_object();

	if (want_object(p, v, where, &in) < 0 ||
	    put_str(p, out, in, where, "client-certificate", 0) < 0 ||
	    put_data(p, out, in, where, "client-certificate-data") < 0 ||
	    put_str(p, out, in, where, "client-key", 0) < 0 ||
	    put_data(p, out, in, where, "client-key-data") < 0 ||
	    put_str(p, out, in, where, "token", 0) < 0 ||
	    put_str(p, out, in, where, "tokenFile", 0) < 0 ||
	    put_str(p, out, in, where, "as", 0) < 0 ||
	    put_str(p, out, in, where, "as-uid", 0) < 0 ||
	    put_str_list(p, out, in, where, "as-groups", 0) < 0 ||
	    put_user_extra(p, out, in, where) < 0 ||
	    put_str(p, out, in, where, "username", 0) < 0 ||
	    put_str(p, out, in, where, "password", 0) < 0 ||
	    put_auth_provider(p, out, in, where) < 0 ||
	    put_exec(p, out, in, where) < 0 ||
	    put_extensions(p, out, in, where) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *norm_context(struct pctx *p, const json_t *v, const char *where)
{
	const json_t *in;
	json_t *out = json_object();

	if (want_object(p, v, where, &in) < 0 ||
	    put_str(p, out, in, where, "cluster", 1) < 0 ||
	    put_str(p, out, in, where, "user", 1) < 0 ||
	    put_str(p, out, in, where, "namespace", 0) < 0 ||
	    put_extensions(p, out, in, where) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

typedef json_t *(*norm_fn)(struct pctx *, const json_t *, const char *);

/* Normalize one named list into a temporary map (so a bad file adds nothing). */
static int norm_list(struct pctx *p, const json_t *doc, const char *key, const char *valkey,
		     norm_fn fn, json_t **out)
{
	json_t *list, *it;
	size_t i;

	if (named_list(p, json_object_get(doc, key), key, valkey, &list) < 0)
		return -1;
	*out = list;
	if (!list || !fn)
		return 0;
	json_array_foreach(list, i, it) {
		char w[160];
		json_t *n;

		snprintf(w, sizeof w, "%s[\"%s\"].%s", key, json_string_value(json_object_get(it, "name")),
			 valkey);
		n = fn(p, json_object_get(it, valkey), w);
		if (!n) {
			json_decref(list);
			*out = NULL;
			return -1;
		}
		json_object_set_new(it, valkey, n);
	}
	return 0;
}

static void add_all(struct kc_map *m, json_t *list, const char *valkey, const char *file,
		    const char *dir)
{
	json_t *it;
	size_t i;

	if (!list)
		return;
	json_array_foreach(list, i, it) {
		json_t *val = json_object_get(it, valkey);
		json_incref(val);
		if (!kc_map_add(m, json_string_value(json_object_get(it, "name")), val, file, dir))
			json_decref(val);
	}
}

int kc_parse_doc(const json_t *doc, const char *file, const char *dir,
		 struct kubeconfig *into, struct kerr *err)
{
	struct pctx p = { .file = file, .err = err };
	json_t *clusters = NULL, *users = NULL, *contexts = NULL, *exts = NULL, *pexts = NULL;
	const json_t *prefs;
	const char *cur;
	int colors = 0, rc = -1;

	if (!doc || json_is_null(doc))
		return 0;   /* an empty file is an empty config */
	if (!json_is_object(doc))
		return kerr_set(err, KERR_INVALID, "error loading kubeconfig \"%s\": expected a Config object, got %s",
				file, type_name(doc));
	if (get_str(&p, doc, "", "current-context", &cur) < 0 ||
	    want_object(&p, json_object_get(doc, "preferences"), "preferences", &prefs) < 0 ||
	    get_bool(&p, prefs, "preferences", "colors", &colors) < 0 ||
	    named_list(&p, json_object_get(prefs, "extensions"), "preferences.extensions",
		       "extension", &pexts) < 0 ||
	    norm_list(&p, doc, "extensions", "extension", NULL, &exts) < 0 ||
	    norm_list(&p, doc, "clusters", "cluster", norm_cluster, &clusters) < 0 ||
	    norm_list(&p, doc, "users", "user", norm_user, &users) < 0 ||
	    norm_list(&p, doc, "contexts", "context", norm_context, &contexts) < 0)
		goto out;

	/* first file wins: for each name as a whole, for scalar settings field by field */
	if (!into->current && cur && *cur)
		into->current = xstrdup(cur);
	if (colors)
		into->colors = 1;
	add_all(&into->clusters, clusters, "cluster", file, dir);
	add_all(&into->users, users, "user", file, dir);
	add_all(&into->contexts, contexts, "context", file, dir);
	add_all(&into->extensions, exts, "extension", file, dir);
	add_all(&into->pref_extensions, pexts, "extension", file, dir);
	free(into->ctx_names);
	into->ctx_names = NULL;
	rc = 0;
out:
	json_decref(clusters);
	json_decref(users);
	json_decref(contexts);
	json_decref(exts);
	json_decref(pexts);
	return rc;
}
