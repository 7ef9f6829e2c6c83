/* artifact.c - cache, mirror and download of recipe artifacts (artifact.h). */
#include "backends/recipes/artifact.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/evq.h"
#include "lib/paths.h"
#include "lib/xalloc.h"

void artifact_sha256(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

struct found {
	char **paths;
	size_t n, alloc;
};

/* Collect every regular file named name under dir (depth-limited so a
 * symlink loop cannot run away). */
static void walk(const char *dir, const char *name, int depth, struct found *f)
{
	DIR *d;
	struct dirent *de;

	if (depth > 16 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char *p;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				walk(p, name, depth + 1, f);
			} else if (S_ISREG(st.st_mode) && !strcmp(de->d_name, name)) {
				if (f->n == f->alloc) {
					f->alloc = f->alloc ? 2 * f->alloc : 4;
					f->paths = xrealloc(f->paths, f->alloc * sizeof *f->paths);
				}
				f->paths[f->n++] = p;
				p = NULL;
			}
		}
		free(p);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int artifact_mirror_find(const char *dir, const char *file, const char *sha256,
			 char **path_out, struct kerr *err)
{
	struct found f = { 0 };
	struct strbuf seen = STRBUF_INIT;
	struct stat st;
	int rc = -1;

	*path_out = NULL;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return kerr_set(err, KERR_NOTFOUND, "mirror %s is not a directory", dir);
	walk(dir, file, 0, &f);
	if (f.n)
		qsort(f.paths, f.n, sizeof *f.paths, cmp_str);
	for (size_t i = 0; i < f.n; i++) {
		struct strbuf sb = STRBUF_INIT;
		char sum[65];

		if (*path_out || strbuf_read_file(&sb, f.paths[i])) {
			strbuf_release(&sb);
			continue;
		}
		artifact_sha256(sb.buf, sb.len, sum);
		strbuf_release(&sb);
		if (!strcmp(sum, sha256)) {
			*path_out = xstrdup(f.paths[i]);
			rc = 0;
		} else {
			strbuf_addf(&seen, "%s%s has sha256 %s", seen.len ? "; " : "", f.paths[i],
				    sum);
		}
	}
	if (rc && f.n)
		kerr_set(err, KERR_INVALID, "artifact %s: no copy in mirror %s has sha256 %s (%s)",
			 file, dir, sha256, seen.buf);
	else if (rc)
		kerr_set(err, KERR_NOTFOUND, "artifact %s is not in mirror %s", file, dir);
	for (size_t i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
	strbuf_release(&seen);
	return rc;
}

static int progress_cb(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	return job_cancelled(job_current()) ? 1 : 0;
}

int artifact_download(const char *url, const char *dest, long timeout_ms, struct kerr *err)
{
	char *tmp = xasprintf("%s.part.%ld", dest, (long)getpid());
	char errbuf[CURL_ERROR_SIZE] = "";
	FILE *fp = fopen(tmp, "wb");
	CURL *h;
	CURLcode rc;
	long code = 0;

	if (!fp) {
		kerr_set(err, KERR_FAIL, "download %s: cannot write %s: %m", url, tmp);
		free(tmp);
		return -1;
	}
	h = curl_easy_init();
	if (!h) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		return kerr_set(err, KERR_FAIL, "download %s: libcurl failed to start", url);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, fp);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 120000L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kurator/" KURATOR_VERSION);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (fclose(fp) && rc == CURLE_OK) {
		kerr_set(err, KERR_FAIL, "download %s: writing %s: %m", url, tmp);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rc != CURLE_OK) {
		enum kerr_kind kind = rc == CURLE_ABORTED_BY_CALLBACK ? KERR_CANCELLED :
				      rc == CURLE_HTTP_RETURNED_ERROR ? KERR_NOTFOUND :
				      rc == CURLE_OPERATION_TIMEDOUT ? KERR_TIMEOUT : KERR_NETWORK;

		kerr_set(err, kind, "download %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		if (kind == KERR_NETWORK || kind == KERR_TIMEOUT)
			kerr_hint(err, "no network? use --mirror DIR with the release files");
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, dest)) {
		kerr_set(err, KERR_FAIL, "download %s: rename to %s: %m", url, dest);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int read_verified(const char *path, const char *sha256, struct strbuf *data,
			 char *got)
{
	strbuf_reset(data);
	if (strbuf_read_file(data, path))
		return -1;
	artifact_sha256(data->buf, data->len, got);
	return strcmp(got, sha256) ? 1 : 0;
}

int artifact_get(const struct rartifact *a, const struct artifact_opts *o, struct strbuf *data,
		 char **source, struct kerr *err)
{
	const char *mirror = o && o->mirror ? o->mirror : getenv("KURATOR_MIRROR");
	char *cache = NULL, *dir = NULL, *path = NULL;
	char got[65];
	int rc;

	if (source)
		*source = NULL;
	if (mirror && *mirror) {
		if (artifact_mirror_find(mirror, a->file, a->sha256, &path, err))
			return kerr_hint(err, "put %s (from %s) into the mirror", a->file, a->url);
		rc = read_verified(path, a->sha256, data, got);
		if (rc) {
			/* Changed between the search and the read. */
			kerr_set(err, KERR_INVALID, "artifact %s: %s changed while reading it",
				 a->file, path);
			free(path);
			return -1;
		}
		if (source)
			*source = xasprintf("mirror %s", path);
		free(path);
		return 0;
	}

	cache = o && o->cache_dir ? xstrdup(o->cache_dir) : NULL;
	if (!cache) {
		char *base = path_cache_dir();

		cache = path_join(base, "artifacts");
		free(base);
	}
	dir = xasprintf("%s/%s", cache, a->sha256);
	path = xasprintf("%s/%s", dir, a->file);
	rc = read_verified(path, a->sha256, data, got);
	if (rc == 0) {
		if (source)
			*source = xasprintf("cache %s", path);
		goto out;
	}
	if (path_mkdirs(dir, 0700, err)) {
		rc = -1;
		goto out;
	}
	if (artifact_download(a->url, path, o ? o->timeout_ms : 0, err)) {
		rc = -1;
		goto out;
	}
	rc = read_verified(path, a->sha256, data, got);
	if (rc) {
		kerr_set(err, KERR_INVALID,
			 "artifact %s from %s has sha256 %s, the recipe pins %s", a->file, a->url,
			 got, a->sha256);
		kerr_hint(err, "the upstream file changed or the download was tampered with");
		unlink(path);
		rc = -1;
		goto out;
	}
	if (source)
		*source = xstrdup(a->url);
out:
	free(cache);
	free(dir);
	free(path);
	return rc;
}
