/* kubeconfig_write.c - writing kubeconfig files: merge a fragment in
 * without clobbering, and use-context into the file kubectl would change.
 *
 * Files are rewritten atomically (temp file, fsync, rename) with mode
 * 0600, through a symlink to its target, as YAML with sorted keys (what
 * kubectl writes). Fields kurator does not know are kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

static int mkdirs(const char *dir, struct kerr *err)
{
	char *p = xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				rc = kerr_set(err, KERR_FAIL, "cannot create directory %s: %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int kc_write_file(const char *path, const char *data, size_t len, struct kerr *err)
{
	char real[PATH_MAX], *dir, *tmp;
	const char *target = path;
	struct stat st;
	size_t off = 0;
	int fd;

	/* write through a symlinked ~/.kube/config, as kubectl does */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode) && realpath(path, real))
		target = real;
	dir = kc_abs_dir(target);
	if (mkdirs(dir, err) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	tmp = xasprintf("%s.tmp-XXXXXX", target);
	fd = mkstemp(tmp);   /* mode 0600 */
	if (fd < 0) {
		kerr_set(err, KERR_FAIL, "cannot write kubeconfig %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, target) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	kerr_set(err, KERR_FAIL, "cannot write kubeconfig %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

/* Deep copy with object keys sorted, as kubectl writes them. */
json_t *kc_sorted(const json_t *v)
{
	if (json_is_object(v)) {
		const char **keys;
		const char *k;
		json_t *o = json_object(), *val;
		size_t n = json_object_size(v), i = 0, a, b;

		keys = xcalloc(n + 1, sizeof *keys);
		json_object_foreach((json_t *)v, k, val)
			keys[i++] = k;
		for (a = 1; a < n; a++)
			for (b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
				const char *t = keys[b];
				keys[b] = keys[b - 1];
				keys[b - 1] = t;
			}
		for (i = 0; i < n; i++)
			json_object_set_new(o, keys[i], kc_sorted(json_object_get(v, keys[i])));
		free(keys);
		return o;
	}
	if (json_is_array(v)) {
		json_t *arr = json_array(), *it;
		size_t i;
		json_array_foreach(v, i, it)
			json_array_append_new(arr, kc_sorted(it));
		return arr;
	}
	return json_deep_copy(v);
}

/* The file's first document, or a fresh Config when the file is missing. */
static int read_doc(const char *path, json_t **out, struct kerr *err)
{
	struct stat st;
	json_t *docs = NULL, *doc;

	*out = NULL;
	if (stat(path, &st) < 0 && errno == ENOENT) {
		doc = json_object();
		json_object_set_new(doc, "apiVersion", json_string("v1"));
		json_object_set_new(doc, "kind", json_string("Config"));
		json_object_set_new(doc, "preferences", json_object());
		json_object_set_new(doc, "clusters", json_array());
		json_object_set_new(doc, "users", json_array());
		json_object_set_new(doc, "contexts", json_array());
		json_object_set_new(doc, "current-context", json_string(""));
		*out = doc;
		return 0;
	}
	if (yj_load_file(path, &docs, err) < 0)
		return kerr_prefix(err, "error loading kubeconfig \"%s\"", path);
	doc = json_array_get(docs, 0);
	if (!doc || json_is_null(doc)) {
		doc = json_object();
	} else if (!json_is_object(doc)) {
		json_decref(docs);
		return kerr_set(err, KERR_INVALID, "error loading kubeconfig \"%s\": not a Config object", path);
	} else {
		json_incref(doc);
	}
	json_decref(docs);
	*out = doc;
	return 0;
}

static int write_doc(const char *path, const json_t *doc, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *s = kc_sorted(doc);
	int rc;

	yj_dump(&sb, s);
	json_decref(s);
	rc = kc_write_file(path, sb.buf, sb.len, err);
	/* the buffer holds credentials */
	if (sb.alloc)
		memset(sb.buf, 0, sb.alloc);
	strbuf_release(&sb);
	return rc;
}

static const char *const sections[][2] = {
	{ "clusters", "cluster" }, { "users", "user" }, { "contexts", "context" },
};

static json_t *find_named(const json_t *arr, const char *name, size_t *at)
{
	json_t *it;
	size_t i;

	json_array_foreach(arr, i, it) {
		const char *n = json_string_value(json_object_get(it, "name"));
		if (n && !strcmp(n, name)) {
			if (at)
				*at = i;
			return it;
		}
	}
	return NULL;
}

int kubeconfig_merge_into(const char *path, const json_t *fragment, int replace,
			  int set_current, struct kerr *err)
{
	struct strbuf conflicts = STRBUF_INIT;
	json_t *doc;
	size_t s, i;
	int rc = -1;

	if (!json_is_object(fragment))
		return kerr_set(err, KERR_INVALID, "kubeconfig fragment for %s is not a Config object", path);
	if (read_doc(path, &doc, err) < 0)
		return -1;
	for (s = 0; s < ARRAY_SIZE(sections); s++) {
		json_t *have = json_object_get(doc, sections[s][0]), *it;
		json_t *add = json_object_get(fragment, sections[s][0]);

		if (have && !json_is_array(have) && !json_is_null(have)) {
			kerr_set(err, KERR_INVALID, "kubeconfig %s: %s is not a list", path, sections[s][0]);
			goto out;
		}
		json_array_foreach(add, i, it) {
			const char *name = json_string_value(json_object_get(it, "name"));
			if (!name || !*name) {
				kerr_set(err, KERR_INVALID, "kubeconfig fragment: an entry of %s has no name",
					 sections[s][0]);
				goto out;
			}
			if (!replace && find_named(have, name, NULL))
				strbuf_addf(&conflicts, "%s%s \"%s\"", conflicts.len ? ", " : "",
					    sections[s][1], name);
		}
	}
	if (conflicts.len) {
		kerr_set(err, KERR_CONFLICT, "kubeconfig %s already has %s", path, conflicts.buf);
		kerr_hint(err, "choose other names, or replace them explicitly");
		goto out;
	}
	for (s = 0; s < ARRAY_SIZE(sections); s++) {
		json_t *have = json_object_get(doc, sections[s][0]), *it;
		json_t *add = json_object_get(fragment, sections[s][0]);

		if (!json_is_array(add) || !json_array_size(add))
			continue;
		if (!json_is_array(have)) {
			have = json_array();
			json_object_set_new(doc, sections[s][0], have);
		}
		json_array_foreach(add, i, it) {
			size_t at;
			if (find_named(have, json_string_value(json_object_get(it, "name")), &at))
				json_array_set_new(have, at, json_deep_copy(it));
			else
				json_array_append_new(have, json_deep_copy(it));
		}
	}
	if (set_current) {
		const char *cur = json_string_value(json_object_get(fragment, "current-context"));
		if (cur)
			json_object_set_new(doc, "current-context", json_string(cur));
	}
	rc = write_doc(path, doc, err);
out:
	strbuf_release(&conflicts);
	json_decref(doc);
	return rc;
}

/* client-go's writeCurrentContext for a non-empty context (measured with
 * kubectl 1.30): the explicit file; else the first file of the list that
 * exists; else the first file of the list. The file that set the old
 * current-context is not what decides (that rule is only for unsetting). */
static const char *use_context_file(const struct kubeconfig *kc)
{
	struct stat st;
	size_t i;

	if (!kc->nfiles)
		return NULL;
	if (kc->explicit_file)
		return kc->files[0];
	for (i = 0; i < kc->nfiles; i++)
		if (!stat(kc->files[i], &st))
			return kc->files[i];
	return kc->files[0];
}

int kubeconfig_use_context(struct kubeconfig *kc, const char *context, struct kerr *err)
{
	const char *file;
	json_t *doc;
	int rc;

	if (!context || !*context)
		return kerr_set(err, KERR_USAGE, "empty context name");
	if (!kubeconfig_has_context(kc, context)) {
		kerr_set(err, KERR_NOTFOUND, "no context exists with the name: \"%s\"", context);
		return kerr_hint(err, "kurator config get-contexts");
	}
	if (kc->current && !strcmp(kc->current, context))
		return 0;
	file = use_context_file(kc);
	if (!file)
		return kerr_set(err, KERR_FAIL, "no kubeconfig file to write the current context to");
	if (read_doc(file, &doc, err) < 0)
		return -1;
	json_object_set_new(doc, "current-context", json_string(context));
	rc = write_doc(file, doc, err);
	json_decref(doc);
	if (!rc) {
		free(kc->current);
		kc->current = xstrdup(context);
	}
	return rc;
}
