/* kubeconfig_int.h - internals shared by kubeconfig*.c (not for other modules).
 *
 * Every named entry (cluster, user, context, extension) is kept in the
 * form `kubectl config view --raw -o json` prints it: kubectl's field
 * names and order, zero values omitted where kubectl omits them, data
 * fields re-encoded as canonical base64. The file that defined it and that
 * file's absolute directory travel with it so relative paths can be
 * resolved against the right file.
 */
#ifndef KURATOR_KUBE_KUBECONFIG_INT_H
#define KURATOR_KUBE_KUBECONFIG_INT_H

#include <jansson.h>
#include <stddef.h>

#include "backends/kube/kubeconfig.h"
#include "lib/err.h"

struct kc_entry {
	char *name;
	json_t *obj;     /* owned: normalized object (the value of "cluster"/"user"/...) */
	char *file;      /* the file that defined it, as named in the list */
	char *dir;       /* absolute directory of that file */
};

struct kc_map {          /* kept sorted by name */
	struct kc_entry *v;
	size_t n, alloc;
};

struct kubeconfig {
	struct kc_map clusters, users, contexts, extensions, pref_extensions;
	char *current;           /* NULL when no file sets it */
	int colors;              /* preferences.colors */
	char **files;            /* loading precedence (explicit alone, or $KUBECONFIG) */
	size_t nfiles;
	int explicit_file;
	const char **ctx_names;  /* NULL-terminated, rebuilt on demand */
};

/* One file's content, normalized (kubeconfig_parse.c). */
int kc_parse_doc(const json_t *doc, const char *file, const char *dir,
		 struct kubeconfig *into, struct kerr *err);

struct kc_entry *kc_map_find(const struct kc_map *m, const char *name);
/* Add name unless present; steals obj. Returns 1 if added, 0 if present. */
int kc_map_add(struct kc_map *m, const char *name, json_t *obj, const char *file,
	       const char *dir);
void kc_map_release(struct kc_map *m);

/* base64 exactly as Go's encoding/json []byte decoding accepts it
 * (StdEncoding, padding required, '\r' and '\n' ignored). On error
 * returns -1 and *bad_at is the offending input offset. */
int kc_b64_decode(const char *in, char **out, size_t *out_len, size_t *bad_at);
char *kc_b64_encode(const void *data, size_t len);

/* Absolute directory of file (made absolute against the cwd). */
char *kc_abs_dir(const char *file);
/* path made absolute against dir unless already absolute; "" stays "". */
char *kc_resolve(const char *dir, const char *path);

/* Deep copy with object keys sorted (kubectl's YAML order). New reference. */
json_t *kc_sorted(const json_t *v);

/* Read a file the kubeconfig names (certificates, keys, tokens), at most
 * KC_FILE_MAX bytes: a path like /dev/zero must not eat the memory. 0 or
 * -1 with errno (EFBIG when too large). *out is NUL-terminated. */
#define KC_FILE_MAX (4u << 20)
int kc_read_file(const char *path, char **out, size_t *len);

/* Atomic 0600 write (temp file in the same directory, fsync, rename). */
int kc_write_file(const char *path, const char *data, size_t len, struct kerr *err);

#endif
