/* manifest.c - manifests from files, directories and stdin (manifest.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/jsonx.h"
#include "lib/paths.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"
#include "shell/manifest.h"

static int has_ext(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_doc(json_t *objs, json_t *doc)
{
	const char *kind = jx_kind(doc);
	json_t *items = jx_get(doc, "items");

	if (!json_is_object(doc))
		return;
	/* v1 List and the typed *List kinds: their items are the objects */
	if (kind && strlen(kind) > 4 && !strcmp(kind + strlen(kind) - 4, "List") && json_is_array(items)) {
		size_t i;
		json_t *it;

		json_array_foreach(items, i, it)
			add_doc(objs, it);
		return;
	}
	if (!strcmp(kind ? kind : "", "List") && json_is_array(items))
		return;
	json_array_append(objs, doc);
}

static int load_file(const char *path, json_t *objs, struct kerr *err)
{
	json_t *docs = NULL;
	size_t i;
	json_t *d;

	if (yj_load_file(path, &docs, err) < 0)
		return -1;
	json_array_foreach(docs, i, d) {
		if (json_is_null(d))
			continue;
		if (!json_is_object(d) || !jx_kind(d) || !jx_api_version(d)) {
			json_decref(docs);
			kerr_set(err, KERR_INVALID, "%s: document %zu is not a Kubernetes object "
				 "(apiVersion and kind are required)", path, i + 1);
			return -1;
		}
		add_doc(objs, d);
	}
	json_decref(docs);
	return 0;
}

static int load_path(const char *path, int recursive, int top, json_t *objs, struct kerr *err)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!strcmp(path, "-"))
		return load_file(path, objs, err);
	if (stat(path, &st) < 0) {
		kerr_set(err, KERR_NOTFOUND, "the path \"%s\" does not exist", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(path, objs, err);
	if (!top && !recursive)
		return 0;
	dir = opendir(path);
	if (!dir)
		return kerr_set(err, KERR_FAIL, "cannot read directory %s: %s", path, strerror(errno));
	while ((de = readdir(dir))) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		full = path_join(path, de->d_name);
		if (stat(full, &st) == 0 && (S_ISDIR(st.st_mode) ? recursive : has_ext(de->d_name))) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = full;
		} else {
			free(full);
		}
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!rc && load_path(names[i], recursive, 0, objs, err) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int manifest_load(const char *const *paths, int recursive, json_t **objs_out, struct kerr *err)
{
	json_t *objs = json_array();

	*objs_out = NULL;
	for (size_t i = 0; paths && paths[i]; i++) {
		if (load_path(paths[i], recursive, 1, objs, err) < 0) {
			json_decref(objs);
			return -1;
		}
	}
	if (!json_array_size(objs)) {
		json_decref(objs);
		kerr_set(err, KERR_INVALID, "no objects found in %s%s", paths && paths[0] ? paths[0] : "the input", paths && paths[0] && paths[1] ? " and the other paths" : "");
		return kerr_hint(err, "check the file or directory (-R for subdirectories)");
	}
	*objs_out = objs;
	return 0;
}

int manifest_is_crd(const json_t *obj)
{
	const char *av = jx_api_version(obj);

	return !strcmp(jx_kind(obj) ? jx_kind(obj) : "", "CustomResourceDefinition") && av &&
	       !strncmp(av, "apiextensions.k8s.io/", 21);
}

int manifest_phase(const json_t *obj)
{
	const char *kind = jx_kind(obj);

	if (manifest_is_crd(obj))
		return 0;
	if (kind && !strcmp(kind, "Namespace") && !strcmp(jx_api_version(obj), "v1"))
		return 0;
	return 1;
}
