/* kubeconfig.c - the loading precedence, queries and `config view`.
 *
 * kubectl's rules (client-go clientcmd.ClientConfigLoadingRules): an
 * explicit file is used alone and must exist; otherwise the files of
 * $KUBECONFIG, split on ':', empty entries and repeats dropped, missing
 * files skipped; otherwise ~/.kube/config. A file that exists but cannot be
 * parsed is an error. `config view` prints paths exactly as written (it
 * does not resolve them); connections resolve them against the file.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

static void add_file(struct kubeconfig *kc, const char *f)
{
	size_t i;

	for (i = 0; i < kc->nfiles; i++)
		if (!strcmp(kc->files[i], f))
			return;
	kc->files = xrealloc(kc->files, (kc->nfiles + 1) * sizeof *kc->files);
	kc->files[kc->nfiles++] = xstrdup(f);
}

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return xstrdup(h);
	pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

/* Whether the stream's first document is empty ("---" straight after
 * "---" or "..."): kubectl decodes only the first document, empty or not,
 * while yj_load_* skip empty documents. */
static int first_doc_empty(const char *s, size_t len)
{
	const char *end = s + len;
	int started = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end, *p = s;
		int marker;

		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		marker = 0;
		if (e - p >= 3 && (!strncmp(p, "---", 3) || !strncmp(p, "...", 3))) {
			/* a bare marker: nothing but blanks or a comment after it */
			const char *q = p + 3;
			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			marker = (q == p + 3 && q < e) ? 0 : (q == e || *q == '#');
		}
		if (p == e || *p == '#' || (!started && *p == '%')) {
			/* blank, comment or directive */
		} else if (marker && p == s) {
			if (started)
				return 1;
			started = 1;
		} else {
			return 0;
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}

static int load_one(struct kubeconfig *kc, const char *file, struct kerr *err)
{
	struct stat st;
	json_t *docs = NULL;
	char *dir, *data;
	size_t len;
	int rc, empty;

	if (stat(file, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;   /* kubectl skips missing files of the list */
		return kerr_set(err, KERR_FAIL, "error loading kubeconfig \"%s\": %s", file, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return kerr_set(err, KERR_INVALID, "error loading kubeconfig \"%s\": is a directory", file);
	if (kc_read_file(file, &data, &len) < 0)
		return kerr_set(err, KERR_FAIL, "error loading kubeconfig \"%s\": %s", file,
				errno == EFBIG ? "larger than 4 MiB" : strerror(errno));
	rc = yj_load_stream(data, len, file, &docs, err);
	empty = first_doc_empty(data, len);
	memset(data, 0, len);
	free(data);
	if (rc < 0)
		return kerr_prefix(err, "error loading kubeconfig \"%s\"", file);
	dir = kc_abs_dir(file);
	/* like sigs.k8s.io/yaml, only the first document counts */
	rc = kc_parse_doc(!empty && json_array_size(docs) ? json_array_get(docs, 0) : NULL, file, dir, kc, err);
	free(dir);
	json_decref(docs);
	return rc;
}

static int load(const char *explicit_path, int lenient, struct kubeconfig **out, struct kerr *err)
{
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	const char *env = getenv("KUBECONFIG");
	size_t i;

	*out = NULL;
	if (explicit_path && *explicit_path) {
		struct stat st;
		if (stat(explicit_path, &st) < 0 && !(lenient && errno == ENOENT)) {
			int e = errno;
			kubeconfig_free(kc);
			kerr_set(err, e == ENOENT ? KERR_NOTFOUND : KERR_FAIL, "kubeconfig %s: %s",
				 explicit_path, strerror(e));
			return kerr_hint(err, "check the --kubeconfig path");
		}
		add_file(kc, explicit_path);
		kc->explicit_file = 1;
	} else if (env && *env) {
		char *copy = xstrdup(env), *save = NULL, *tok;
		for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
			if (*tok)
				add_file(kc, tok);
		free(copy);
	} else {
		char *home = home_dir();
		char *def = xasprintf("%s/.kube/config", home);
		add_file(kc, def);
		free(def);
		free(home);
	}
	for (i = 0; i < kc->nfiles; i++)
		if (load_one(kc, kc->files[i], err) < 0) {
			kubeconfig_free(kc);
			return -1;
		}
	*out = kc;
	return 0;
}

int kubeconfig_load(const char *explicit_path, struct kubeconfig **out, struct kerr *err)
{
	return load(explicit_path, 0, out, err);
}

int kubeconfig_load_lenient(const char *explicit_path, struct kubeconfig **out, struct kerr *err)
{
	return load(explicit_path, 1, out, err);
}

int kubeconfig_load_data(const char *data, size_t len, const char *dir_for_relative,
			 struct kubeconfig **out, struct kerr *err)
{
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	json_t *docs = NULL;
	char *dir;
	int rc;

	*out = NULL;
	if (yj_load_stream(data, len, "kubeconfig", &docs, err) < 0) {
		kubeconfig_free(kc);
		return kerr_prefix(err, "error loading kubeconfig");
	}
	if (dir_for_relative && *dir_for_relative) {
		char *probe = xasprintf("%s/x", dir_for_relative);
		dir = kc_abs_dir(probe);
		free(probe);
	} else {
		dir = kc_abs_dir("x");
	}
	rc = kc_parse_doc(json_array_size(docs) ? json_array_get(docs, 0) : NULL, "kubeconfig", dir, kc, err);
	free(dir);
	json_decref(docs);
	if (rc < 0) {
		kubeconfig_free(kc);
		return -1;
	}
	*out = kc;
	return 0;
}

void kubeconfig_free(struct kubeconfig *kc)
{
	size_t i;

	if (!kc)
		return;
	kc_map_release(&kc->clusters);
	kc_map_release(&kc->users);
	kc_map_release(&kc->contexts);
	kc_map_release(&kc->extensions);
	kc_map_release(&kc->pref_extensions);
	free(kc->current);
	for (i = 0; i < kc->nfiles; i++)
		free(kc->files[i]);
	free(kc->files);
	free(kc->ctx_names);
	free(kc);
}

const char *kubeconfig_current_context(const struct kubeconfig *kc)
{
	return kc ? kc->current : NULL;
}

void kubeconfig_set_current(struct kubeconfig *kc, const char *context)
{
	free(kc->current);
	kc->current = context && *context ? xstrdup(context) : NULL;
}

const char *const *kubeconfig_contexts(const struct kubeconfig *kc)
{
	struct kubeconfig *m = (struct kubeconfig *)kc;   /* a cache, not a visible change */
	size_t i;

	if (!m->ctx_names) {
		m->ctx_names = xcalloc(kc->contexts.n + 1, sizeof *m->ctx_names);
		for (i = 0; i < kc->contexts.n; i++)
			m->ctx_names[i] = kc->contexts.v[i].name;
	}
	return m->ctx_names;
}

int kubeconfig_has_context(const struct kubeconfig *kc, const char *name)
{
	return kc && kc_map_find(&kc->contexts, name) != NULL;
}

const char *kubeconfig_context_field(const struct kubeconfig *kc, const char *context,
				     const char *field)
{
	struct kc_entry *e = kc ? kc_map_find(&kc->contexts, context) : NULL;

	if (!e || !field)
		return NULL;
	return json_string_value(json_object_get(e->obj, field));
}

/* ---- view ------------------------------------------------------------------ */

static void redact(json_t *o, const char *key, const char *with)
{
	if (json_object_get(o, key))
		json_object_set_new(o, key, json_string(with));
}

/* kubectl's FlattenConfig: a file named by path is read (relative to the
 * file that named it) into the data field and the path dropped. */
static int flatten_one(const struct kc_entry *e, json_t *val, const char *pathkey,
		       const char *datakey, struct kerr *err)
{
	const char *p = json_string_value(json_object_get(val, pathkey));
	char *path, *b64, *data;
	size_t len;
	json_t *rebuilt, *v;
	const char *k;

	if (!p || !*p)
		return 0;
	path = kc_resolve(e->dir, p);
	if (kc_read_file(path, &data, &len) < 0) {
		int en = errno;
		char why[128];
		/* Go's wording: "open PATH: no such file or directory" */
		snprintf(why, sizeof why, "%s", en == EFBIG ? "larger than 4 MiB" : strerror(en));
		why[0] = (char)tolower((unsigned char)why[0]);
		kerr_set(err, KERR_NOTFOUND, "open %s: %s", path, why);
		free(path);
		return -1;
	}
	free(path);
	b64 = kc_b64_encode(data, len);
	memset(data, 0, len);
	free(data);
	/* kubectl's field order: the data field (which follows the path
	 * field) takes the path's place */
	rebuilt = json_object();
	json_object_foreach(val, k, v) {
		if (!strcmp(k, pathkey))
			json_object_set_new(rebuilt, datakey, json_string(b64));
		else if (strcmp(k, datakey))
			json_object_set(rebuilt, k, v);
	}
	free_secret(b64);
	json_object_clear(val);
	json_object_update(val, rebuilt);
	json_decref(rebuilt);
	return 0;
}

static json_t *named(const struct kc_entry *e, const char *valkey, unsigned flags,
		     struct kerr *err)
{
	json_t *n = json_object();
	json_t *val = json_deep_copy(e->obj);

	if (flags & KC_VIEW_FLATTEN) {
		if (flatten_one(e, val, "certificate-authority", "certificate-authority-data", err) < 0 ||
		    flatten_one(e, val, "client-certificate", "client-certificate-data", err) < 0 ||
		    flatten_one(e, val, "client-key", "client-key-data", err) < 0) {
			json_decref(val);
			json_decref(n);
			return NULL;
		}
	} else if (!(flags & KC_VIEW_RAW)) {
		/* kubectl's ShortenConfig */
		redact(val, "certificate-authority-data", "DATA+OMITTED");
		redact(val, "client-certificate-data", "DATA+OMITTED");
		redact(val, "client-key-data", "DATA+OMITTED");
		redact(val, "token", "REDACTED");
		redact(val, "password", "REDACTED");
	}
	json_object_set_new(n, "name", json_string(e->name));
	json_object_set_new(n, valkey, val);
	return n;
}

/* Go's nil slice prints as null: an empty map becomes null, as in kubectl.
 * *failed is set when an entry could not be flattened. */
static json_t *list_of(const struct kc_map *m, const char *valkey, unsigned flags,
		       const char *only, int *failed, struct kerr *err)
{
	json_t *arr, *it;
	size_t i;

	if (only) {
		struct kc_entry *e = kc_map_find(m, only);
		if (!e)
			return json_null();
		it = named(e, valkey, flags, err);
		if (!it) {
			*failed = 1;
			return json_null();
		}
		arr = json_array();
		json_array_append_new(arr, it);
		return arr;
	}
	if (!m->n)
		return json_null();
	arr = json_array();
	for (i = 0; i < m->n; i++) {
		it = named(&m->v[i], valkey, flags, err);
		if (!it) {
			*failed = 1;
			break;
		}
		json_array_append_new(arr, it);
	}
	return arr;
}

json_t *kubeconfig_view(const struct kubeconfig *kc, int raw, int minify, struct kerr *err)
{
	return kubeconfig_view_flags(kc, (raw ? KC_VIEW_RAW : 0) | (minify ? KC_VIEW_MINIFY : 0), err);
}

json_t *kubeconfig_view_flags(const struct kubeconfig *kc, unsigned flags, struct kerr *err)
{
	json_t *root, *prefs;
	const char *cl = NULL, *us = NULL;
	int failed = 0;
	unsigned plain = KC_VIEW_RAW;   /* extensions are never redacted or flattened */

	if (flags & KC_VIEW_MINIFY) {
		struct kc_entry *ctx;
		if (!kc->current || !*kc->current) {
			kerr_set(err, KERR_USAGE, "current-context must exist in order to minify");
			return NULL;
		}
		ctx = kc_map_find(&kc->contexts, kc->current);
		if (!ctx) {
			kerr_set(err, KERR_NOTFOUND, "cannot locate context %s", kc->current);
			return NULL;
		}
		cl = json_string_value(json_object_get(ctx->obj, "cluster"));
		us = json_string_value(json_object_get(ctx->obj, "user"));
		if (*cl && !kc_map_find(&kc->clusters, cl)) {
			kerr_set(err, KERR_NOTFOUND, "cannot locate cluster %s", cl);
			return NULL;
		}
		if (*us && !kc_map_find(&kc->users, us)) {
			kerr_set(err, KERR_NOTFOUND, "cannot locate user %s", us);
			return NULL;
		}
	}
	root = json_object();
	prefs = json_object();
	json_object_set_new(root, "kind", json_string("Config"));
	json_object_set_new(root, "apiVersion", json_string("v1"));
	if (kc->colors)
		json_object_set_new(prefs, "colors", json_true());
	if (kc->pref_extensions.n)
		json_object_set_new(prefs, "extensions",
				    list_of(&kc->pref_extensions, "extension", plain, NULL, &failed, err));
	json_object_set_new(root, "preferences", prefs);
	if (flags & KC_VIEW_MINIFY) {
		/* an empty cluster or user name selects nothing: Go's empty map */
		json_object_set_new(root, "clusters", *cl ? list_of(&kc->clusters, "cluster", flags, cl, &failed, err)
							  : json_null());
		json_object_set_new(root, "users", *us ? list_of(&kc->users, "user", flags, us, &failed, err)
						       : json_null());
		json_object_set_new(root, "contexts", list_of(&kc->contexts, "context", flags, kc->current,
							      &failed, err));
	} else {
		json_object_set_new(root, "clusters", list_of(&kc->clusters, "cluster", flags, NULL, &failed, err));
		json_object_set_new(root, "users", list_of(&kc->users, "user", flags, NULL, &failed, err));
		json_object_set_new(root, "contexts", list_of(&kc->contexts, "context", flags, NULL, &failed, err));
	}
	json_object_set_new(root, "current-context", json_string(kc->current ? kc->current : ""));
	if (kc->extensions.n)
		json_object_set_new(root, "extensions", list_of(&kc->extensions, "extension", plain, NULL,
								&failed, err));
	if (failed) {
		json_decref(root);
		return NULL;
	}
	return root;
}
