/* artifact.h - upstream release files: cache, mirror, download, sha256.
 *
 * An artifact is named by its file name and pinned by its sha256. Lookup
 * order: a mirror directory when one is set (--mirror DIR or
 * $KURATOR_MIRROR; searched recursively by file name; among files of that
 * name the one with the right sha256 wins), else the cache
 * ($XDG_CACHE_HOME/kurator/artifacts/<sha256>/<file>), else a download of
 * the URL with libcurl into the cache. Whatever the source, the bytes are
 * checked against the sha256 before anyone sees them. With a mirror set,
 * nothing is downloaded (that is the point of a mirror: air-gapped sites).
 *
 * Owner: backends/recipes/artifact.c.
 */
#ifndef KURATOR_RECIPES_ARTIFACT_H
#define KURATOR_RECIPES_ARTIFACT_H

#include <stddef.h>

#include "backends/recipes/recipe.h"
#include "lib/err.h"
#include "lib/strbuf.h"

struct artifact_opts {
	const char *mirror;     /* NULL: $KURATOR_MIRROR (if set) */
	const char *cache_dir;  /* NULL: path_cache_dir()/artifacts */
	long timeout_ms;        /* per download; 0 = 120 s */
};

/* The bytes of artifact a, verified. *source (may be NULL) gets where they
 * came from ("mirror /x/y.yaml", "cache ...", "https://..."), malloc'd. */
int artifact_get(const struct rartifact *a, const struct artifact_opts *o, struct strbuf *data,
		 char **source, struct kerr *err);

/* Lowercase hex sha256 of data into out[65]. */
void artifact_sha256(const void *data, size_t len, char out[65]);

/* Search dir recursively for a file named file whose sha256 is sha256.
 * *path_out is malloc'd. KERR_NOTFOUND when absent; KERR_INVALID when files
 * of that name exist but none matches (the message names them and their
 * checksums). */
int artifact_mirror_find(const char *dir, const char *file, const char *sha256,
			 char **path_out, struct kerr *err);

/* Download url into dest (written atomically), aborting when the current
 * job is cancelled. http(s) and file:// URLs. */
int artifact_download(const char *url, const char *dest, long timeout_ms, struct kerr *err);

#endif
