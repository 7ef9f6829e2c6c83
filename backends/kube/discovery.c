/* discovery.c - API discovery (aggregated v2/v2beta1, legacy fallback), its
 * caches (client memory, and $XDG_CACHE_HOME/kurator/discovery/HOST_PORT.json
 * for 10 minutes) and the REST mapper that turns what a user typed into a
 * resource the way kubectl does.
 *
 * The table keeps resources in kubectl's priority order: groups as the
 * server lists them (core first), versions within a group in the server's
 * preference order. The first match in table order wins.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backends/kube/client-int.h"
#include "lib/monotime.h"
#include "lib/evq.h"
#include "lib/paths.h"
#include "lib/xalloc.h"

#define DISC_TTL 600

#define ACCEPT_AGGREGATED \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," \
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," \
	"application/json"

struct disc_res {
	struct kube_resource r;   /* first member: &disc_res->r is handed out */
	int preferred;
};

struct kube_disc {
	struct disc_res **res;
	size_t n, a;
	const struct kube_resource **pref;   /* NULL-terminated, preferred versions */
	time_t fetched;
	long long fetched_ms;   /* monotonic time of the fetch; 0 when read from the disk cache */
};

/* ---- table --------------------------------------------------------------- */

static char **str_array(const json_t *arr)
{
	size_t i, n = json_array_size(arr), k = 0;
	char **out;
	json_t *v;

	if (!n)
		return NULL;
	out = xcalloc(n + 1, sizeof *out);
	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			out[k++] = xstrdup(json_string_value(v));
	return out;
}

static json_t *str_array_json(char **a)
{
	json_t *arr = json_array();

	for (; a && *a; a++)
		json_array_append_new(arr, json_string(*a));
	return arr;
}

static void res_free(struct disc_res *d)
{
	if (!d)
		return;
	free(d->r.group);
	free(d->r.version);
	free(d->r.kind);
	free(d->r.plural);
	free(d->r.singular);
	free_strv(d->r.short_names);
	free_strv(d->r.verbs);
	free_strv(d->r.categories);
	free(d);
}

void kube_disc_free(struct kube_disc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		res_free(d->res[i]);
	free(d->res);
	free(d->pref);
	free(d);
}

static void disc_push(struct kube_disc *d, struct disc_res *r)
{
	if (d->n == d->a) {
		d->a = d->a ? d->a * 2 : 64;
		d->res = xrealloc(d->res, d->a * sizeof *d->res);
	}
	d->res[d->n++] = r;
}

static struct disc_res *disc_find(struct kube_disc *d, const char *group, const char *version,
				  const char *plural)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct kube_resource *r = &d->res[i]->r;
		if (!strcmp(r->group, group) && !strcmp(r->version, version) &&
		    !strcmp(r->plural, plural))
			return d->res[i];
	}
	return NULL;
}

static char *lower_dup(const char *s)
{
	char *o = xstrdup(s), *p;

	for (p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

/* Singular name when discovery leaves it out (older servers): the
 * lowercase kind, which is what kubectl falls back to. */
static struct disc_res *res_new(const char *group, const char *version, const char *plural,
				const char *singular, const char *kind, int namespaced,
				int preferred)
{
	struct disc_res *d = xcalloc(1, sizeof *d);

	d->r.group = xstrdup(group);
	d->r.version = xstrdup(version);
	d->r.plural = xstrdup(plural);
	d->r.kind = xstrdup(kind ? kind : "");
	d->r.singular = singular && *singular ? xstrdup(singular) : lower_dup(d->r.kind);
	d->r.namespaced = namespaced;
	d->preferred = preferred;
	return d;
}

static void disc_finish(struct kube_disc *d)
{
	size_t i, k = 0;

	free(d->pref);
	d->pref = xcalloc(d->n + 1, sizeof *d->pref);
	for (i = 0; i < d->n; i++)
		if (d->res[i]->preferred)
			d->pref[k++] = &d->res[i]->r;
	d->fetched = time(NULL);
	d->fetched_ms = monotime_ms();
}

/* ---- aggregated -------------------------------------------------------------- */

static void add_aggregated(struct kube_disc *d, const json_t *list)
{
	size_t gi, vi, ri, si;
	json_t *g, *v, *r, *s;

	json_array_foreach(json_object_get(list, "items"), gi, g) {
		const char *group = json_string_value(json_object_get(json_object_get(g, "metadata"), "name"));
		if (!group)
			group = "";
		json_array_foreach(json_object_get(g, "versions"), vi, v) {
			const char *version = json_string_value(json_object_get(v, "version"));
			if (!version)
				continue;
			json_array_foreach(json_object_get(v, "resources"), ri, r) {
				const char *plural = json_string_value(json_object_get(r, "resource"));
				const char *kind = json_string_value(json_object_get(json_object_get(r, "responseKind"), "kind"));
				const char *scope = json_string_value(json_object_get(r, "scope"));
				struct disc_res *dr;
				if (!plural || !*plural || strchr(plural, '/'))
					continue;
				dr = res_new(group, version, plural,
					     json_string_value(json_object_get(r, "singularResource")),
					     kind, scope && !strcmp(scope, "Namespaced"), vi == 0);
				dr->r.verbs = str_array(json_object_get(r, "verbs"));
				dr->r.short_names = str_array(json_object_get(r, "shortNames"));
				dr->r.categories = str_array(json_object_get(r, "categories"));
				json_array_foreach(json_object_get(r, "subresources"), si, s) {
					const char *sub = json_string_value(json_object_get(s, "subresource"));
					if (sub && !strcmp(sub, "status"))
						dr->r.has_status = 1;
					else if (sub && !strcmp(sub, "log"))
						dr->r.has_log = 1;
				}
				disc_push(d, dr);
			}
		}
	}
}

struct kube_disc *kube_disc_from_aggregated(const json_t *api, const json_t *apis,
					    struct kerr *err)
{
	struct kube_disc *d = xcalloc(1, sizeof *d);

	if ((api && !json_is_array(json_object_get(api, "items"))) ||
	    (apis && !json_is_array(json_object_get(apis, "items")))) {
		kube_disc_free(d);
		kerr_set(err, KERR_INVALID, "aggregated discovery answer has no items list");
		return NULL;
	}
	if (api)
		add_aggregated(d, api);
	if (apis)
		add_aggregated(d, apis);
	disc_finish(d);
	return d;
}

/* ---- legacy ---------------------------------------------------------------- */

static void add_legacy_list(struct kube_disc *d, const char *group, const char *version,
			    int preferred, const json_t *list)
{
	size_t i;
	json_t *r;

	/* main resources first, subresources afterwards mark their parent */
	json_array_foreach(json_object_get(list, "resources"), i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		struct disc_res *dr;
		if (!name || !*name || strchr(name, '/'))
			continue;
		dr = res_new(group, version, name,
			     json_string_value(json_object_get(r, "singularName")),
			     json_string_value(json_object_get(r, "kind")),
			     json_is_true(json_object_get(r, "namespaced")), preferred);
		dr->r.verbs = str_array(json_object_get(r, "verbs"));
		dr->r.short_names = str_array(json_object_get(r, "shortNames"));
		dr->r.categories = str_array(json_object_get(r, "categories"));
		disc_push(d, dr);
	}
	json_array_foreach(json_object_get(list, "resources"), i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *slash = name ? strchr(name, '/') : NULL;
		char *parent;
		struct disc_res *p;
		if (!slash)
			continue;
		parent = xstrndup(name, (size_t)(slash - name));
		p = disc_find(d, group, version, parent);
		if (p && !strcmp(slash + 1, "status"))
			p->r.has_status = 1;
		else if (p && !strcmp(slash + 1, "log"))
			p->r.has_log = 1;
		free(parent);
	}
}

struct kube_disc *kube_disc_from_legacy(const json_t *groups, struct kerr *err)
{
	struct kube_disc *d;
	size_t gi, li;
	json_t *g, *l;

	if (!json_is_array(groups)) {
		kerr_set(err, KERR_INVALID, "legacy discovery: no group list");
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	json_array_foreach(groups, gi, g) {
		const char *group = json_string_value(json_object_get(g, "name"));
		const char *pref = json_string_value(json_object_get(g, "preferredVersion"));
		json_array_foreach(json_object_get(g, "lists"), li, l) {
			const char *gv = json_string_value(json_object_get(l, "groupVersion"));
			const char *slash;
			const char *version;
			if (!gv)
				continue;
			slash = strchr(gv, '/');
			version = slash ? slash + 1 : gv;
			add_legacy_list(d, group ? group : "", version,
					pref ? !strcmp(pref, version) : li == 0, l);
		}
	}
	disc_finish(d);
	return d;
}

/* ---- cache file ------------------------------------------------------------ */

json_t *kube_disc_to_cache_json(const struct kube_disc *d)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct kube_resource *r = &d->res[i]->r;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:b,s:b,s:b}",
			"group", r->group, "version", r->version, "kind", r->kind,
			"plural", r->plural, "singular", r->singular, "namespaced", r->namespaced,
			"shortNames", str_array_json(r->short_names),
			"verbs", str_array_json(r->verbs),
			"categories", str_array_json(r->categories),
			"hasStatus", r->has_status, "hasLog", r->has_log,
			"preferred", d->res[i]->preferred));
	}
	return json_pack("{s:i,s:I,s:o}", "version", 1, "fetched", (json_int_t)d->fetched,
			 "resources", arr);
}

struct kube_disc *kube_disc_from_cache_json(const json_t *doc, struct kerr *err)
{
	json_t *arr = json_object_get(doc, "resources"), *r;
	struct kube_disc *d;
	size_t i;

	if (json_integer_value(json_object_get(doc, "version")) != 1 || !json_is_array(arr)) {
		kerr_set(err, KERR_INVALID, "discovery cache: unknown format");
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	json_array_foreach(arr, i, r) {
		const char *g = json_string_value(json_object_get(r, "group"));
		const char *v = json_string_value(json_object_get(r, "version"));
		const char *p = json_string_value(json_object_get(r, "plural"));
		struct disc_res *dr;
		if (!g || !v || !p) {
			kube_disc_free(d);
			kerr_set(err, KERR_INVALID, "discovery cache: entry %zu is incomplete", i);
			return NULL;
		}
		dr = res_new(g, v, p, json_string_value(json_object_get(r, "singular")),
			     json_string_value(json_object_get(r, "kind")),
			     json_is_true(json_object_get(r, "namespaced")),
			     json_is_true(json_object_get(r, "preferred")));
		dr->r.short_names = str_array(json_object_get(r, "shortNames"));
		dr->r.verbs = str_array(json_object_get(r, "verbs"));
		dr->r.categories = str_array(json_object_get(r, "categories"));
		dr->r.has_status = json_is_true(json_object_get(r, "hasStatus"));
		dr->r.has_log = json_is_true(json_object_get(r, "hasLog"));
		disc_push(d, dr);
	}
	disc_finish(d);
	d->fetched = (time_t)json_integer_value(json_object_get(doc, "fetched"));
	d->fetched_ms = 0;   /* not fetched by this process: a miss must refetch */
	return d;
}

/* ---- resolution ------------------------------------------------------------- */

static int name_tier(const struct kube_resource *r, const char *name)
{
	char **s;

	if (!strcmp(r->plural, name))
		return 1;
	if (!strcmp(r->singular, name) || !strcasecmp(r->kind, name))
		return 2;
	for (s = r->short_names; s && *s; s++)
		if (!strcmp(*s, name))
			return 3;
	return 0;
}

/* Best match for name, optionally restricted to group (and version). */
static const struct kube_resource *find_named(const struct kube_disc *d, const char *name,
					      const char *group, const char *version)
{
	int tier;
	size_t i;

	for (tier = 1; tier <= 3; tier++)
		for (i = 0; i < d->n; i++) {
			const struct kube_resource *r = &d->res[i]->r;
			if (group && strcmp(r->group, group))
				continue;
			if (version && strcmp(r->version, version))
				continue;
			if (name_tier(r, name) == tier)
				return r;
		}
	return NULL;
}

int kube_disc_resolve(const struct kube_disc *d, const char *what,
		      const struct kube_resource **out, struct kerr *err)
{
	const struct kube_resource *r = NULL;
	char *low, *dot;

	if (!what || !*what)
		return kerr_set(err, KERR_USAGE, "no resource type given");
	low = lower_dup(what);
	dot = strchr(low, '.');
	if (!dot) {
		r = find_named(d, low, NULL, NULL);
	} else {
		char *rest = dot + 1, *dot2 = strchr(rest, '.');
		*dot = '\0';
		/* resource.version.group first, as kubectl does with two dots */
		if (dot2) {
			*dot2 = '\0';
			r = find_named(d, low, dot2 + 1, rest);
			*dot2 = '.';
		}
		if (!r)
			r = find_named(d, low, rest, NULL);
		*dot = '.';
	}
	if (!r) {
		free(low);
		return kerr_set(err, KERR_NOTFOUND, "the server doesn't have a resource type \"%s\"", what);
	}
	free(low);
	*out = r;
	return 0;
}

static int looks_like_version(const char *s)
{
	if (s[0] != 'v' || !isdigit((unsigned char)s[1]))
		return 0;
	for (s++; isdigit((unsigned char)*s); s++)
		;
	if (!*s)
		return 1;
	if (!strncmp(s, "alpha", 5))
		s += 5;
	else if (!strncmp(s, "beta", 4))
		s += 4;
	else
		return 0;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	return !*s;
}

int kube_disc_resolve_gvk(const struct kube_disc *d, const char *api_version,
			  const char *kind, const struct kube_resource **out,
			  struct kerr *err)
{
	char *group, *version = NULL;
	const char *slash;
	size_t i;

	if (!api_version || !*api_version || !kind || !*kind)
		return kerr_set(err, KERR_INVALID, "object has no %s", !kind || !*kind ? "kind" : "apiVersion");
	slash = strchr(api_version, '/');
	if (slash) {
		group = xstrndup(api_version, (size_t)(slash - api_version));
		version = xstrdup(slash + 1);
	} else if (looks_like_version(api_version)) {
		group = xstrdup("");
		version = xstrdup(api_version);
	} else {
		group = xstrdup(api_version);
	}
	for (i = 0; i < d->n; i++) {
		const struct kube_resource *r = &d->res[i]->r;
		if (strcmp(r->group, group) || strcmp(r->kind, kind))
			continue;
		if (version ? strcmp(r->version, version) : !d->res[i]->preferred)
			continue;
		*out = r;
		free(group);
		free(version);
		return 0;
	}
	free(group);
	free(version);
	kerr_set(err, KERR_NOTFOUND, "no matches for kind \"%s\" in version \"%s\"", kind, api_version);
	return kerr_hint(err, "ensure the CRDs are installed first");
}

const struct kube_resource *const *kube_disc_resources(const struct kube_disc *d)
{
	return (const struct kube_resource *const *)d->pref;
}

/* ---- fetching ---------------------------------------------------------------- */

static int get_json(struct kube_client *c, const char *path, const char *accept,
		    json_t **out, char *ctype, size_t ctype_size, struct kerr *err)
{
	struct kube_call call = { .method = "GET", .path = path, .accept = accept };
	struct kube_resp resp;
	int rc;

	kube_resp_init(&resp);
	rc = kube_call_do(c, &call, &resp, NULL, err);
	if (!rc) {
		*out = kube_parse_json(&resp, path, err);
		rc = *out ? 0 : -1;
		if (ctype)
			snprintf(ctype, ctype_size, "%s", resp.content_type);
	}
	kube_resp_release(&resp);
	return rc;
}

static int is_aggregated(const char *ctype)
{
	return strstr(ctype, "as=APIGroupDiscoveryList") != NULL;
}

/* One group version of legacy discovery, fetched on a worker thread. */
struct gv_fetch {
	struct kube_client *c;
	struct job *job;
	char *group, *version, *path;
	int preferred;
	json_t *list;             /* APIResourceList, or NULL */
	struct kerr err;
	int rc;
};

struct gv_pool {
	struct gv_fetch *f;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *gv_worker(void *p)
{
	struct gv_pool *pool = p;

	for (;;) {
		struct gv_fetch *f;
		pthread_mutex_lock(&pool->lock);
		f = pool->next < pool->n ? &pool->f[pool->next++] : NULL;
		pthread_mutex_unlock(&pool->lock);
		if (!f)
			break;
		kube_thread_act_for(f->job);
		f->rc = get_json(f->c, f->path, "application/json", &f->list, NULL, 0, &f->err);
		kube_thread_act_for(NULL);
	}
	return NULL;
}

static void gv_add(struct gv_pool *pool, struct kube_client *c, const char *group,
		   const char *version, int preferred)
{
	struct gv_fetch *f;

	pool->f = xrealloc(pool->f, (pool->n + 1) * sizeof *pool->f);
	f = &pool->f[pool->n++];
	memset(f, 0, sizeof *f);
	f->c = c;
	f->job = job_current();
	f->group = xstrdup(group);
	f->version = xstrdup(version);
	f->path = *group ? xasprintf("/apis/%s/%s", group, version) : xasprintf("/api/%s", version);
	f->preferred = preferred;
}

/* Legacy discovery needs one request per group version: like kubectl,
 * fetch them in parallel. api/apis: the legacy answers, or NULL for a
 * part that came aggregated (and is already in d). */
static int fetch_legacy(struct kube_client *c, struct kube_disc *d, const json_t *api,
			const json_t *apis, struct kerr *err)
{
	struct gv_pool pool = { 0 };
	pthread_t th[8];
	size_t i, j, nth = 0;
	json_t *v, *g, *ver;
	int rc = 0;

	json_array_foreach(json_object_get(api, "versions"), i, v)
		if (json_is_string(v))
			gv_add(&pool, c, "", json_string_value(v), i == 0);
	json_array_foreach(json_object_get(apis, "groups"), i, g) {
		const char *name = json_string_value(json_object_get(g, "name"));
		const char *pref = json_string_value(json_object_get(json_object_get(g, "preferredVersion"),
								     "version"));
		if (!name || !*name)
			continue;
		json_array_foreach(json_object_get(g, "versions"), j, ver) {
			const char *vv = json_string_value(json_object_get(ver, "version"));
			if (vv)
				gv_add(&pool, c, name, vv, pref ? !strcmp(pref, vv) : j == 0);
		}
	}
	pthread_mutex_init(&pool.lock, NULL);
	for (i = 0; i < ARRAY_SIZE(th) && i < pool.n; i++)
		if (!pthread_create(&th[nth], NULL, gv_worker, &pool))
			nth++;
	if (!nth)
		gv_worker(&pool);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pool.lock);

	for (i = 0; i < pool.n; i++) {
		struct gv_fetch *f = &pool.f[i];
		if (f->rc < 0 && !rc && !(f->err.http == 503 || f->err.http == 404)) {
			/* an unavailable aggregated API (503/404) must not hide the rest */
			if (err)
				*err = f->err;
			rc = -1;
		}
		if (f->list)
			add_legacy_list(d, f->group, f->version, f->preferred, f->list);
		json_decref(f->list);
		free(f->group);
		free(f->version);
		free(f->path);
	}
	free(pool.f);
	return rc;
}

static struct kube_disc *fetch(struct kube_client *c, struct kerr *err)
{
	char ct_api[128] = "", ct_apis[128] = "";
	json_t *api = NULL, *apis = NULL;
	struct kube_disc *d = NULL;
	int agg_api, agg_apis;

	if (get_json(c, "/api", ACCEPT_AGGREGATED, &api, ct_api, sizeof ct_api, err) < 0 ||
	    get_json(c, "/apis", ACCEPT_AGGREGATED, &apis, ct_apis, sizeof ct_apis, err) < 0)
		goto out;
	agg_api = is_aggregated(ct_api);
	agg_apis = is_aggregated(ct_apis);
	if ((agg_api && !json_is_array(json_object_get(api, "items"))) ||
	    (agg_apis && !json_is_array(json_object_get(apis, "items")))) {
		kerr_set(err, KERR_INVALID, "aggregated discovery answer has no items list");
		goto out;
	}
	/* core first, then the groups, whichever form each part came in */
	d = xcalloc(1, sizeof *d);
	if (agg_api)
		add_aggregated(d, api);
	if (fetch_legacy(c, d, agg_api ? NULL : api, NULL, err) < 0)
		goto fail;
	if (agg_apis)
		add_aggregated(d, apis);
	else if (fetch_legacy(c, d, NULL, apis, err) < 0)
		goto fail;
	disc_finish(d);
	goto out;
fail:
	kube_disc_free(d);
	d = NULL;
out:
	json_decref(api);
	json_decref(apis);
	return d;
}

static char *cache_path(const struct kube_client *c)
{
	char *dir = path_cache_dir(), *file, *p, *full;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, c->authority);
	for (p = sb.buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '_';
	strbuf_addstr(&sb, ".json");
	file = strbuf_detach(&sb, NULL);
	full = xasprintf("%s/discovery/%s", dir, file);
	free(dir);
	free(file);
	return full;
}

static struct kube_disc *load_cache(const struct kube_client *c)
{
	char *path = cache_path(c);
	struct strbuf sb = STRBUF_INIT;
	struct kube_disc *d = NULL;
	json_t *doc;

	if (strbuf_read_file(&sb, path) == 0 && (doc = json_loadb(sb.buf, sb.len, 0, NULL))) {
		json_int_t fetched = json_integer_value(json_object_get(doc, "fetched"));
		const char *server = json_string_value(json_object_get(doc, "server"));
		time_t now = time(NULL);
		if (server && !strcmp(server, c->base_url) && fetched <= now &&
		    now - fetched < DISC_TTL)
			d = kube_disc_from_cache_json(doc, NULL);
		json_decref(doc);
	}
	strbuf_release(&sb);
	free(path);
	return d;
}

static void save_cache(const struct kube_client *c, const struct kube_disc *d)
{
	char *path = cache_path(c), *dir = path_dirname(path);
	json_t *doc = kube_disc_to_cache_json(d);
	char *text;

	json_object_set_new(doc, "server", json_string(c->base_url));
	text = json_dumps(doc, JSON_COMPACT);
	/* the cache only speeds things up: failing to write it is not an error */
	if (text && path_mkdirs(dir, 0700, NULL) == 0)
		path_write_atomic(path, text, strlen(text), 0600, NULL);
	free(text);
	json_decref(doc);
	free(dir);
	free(path);
}

static void install(struct kube_client *c, struct kube_disc *d)
{
	if (c->disc) {
		c->old_disc = xrealloc(c->old_disc, (c->nold + 1) * sizeof *c->old_disc);
		c->old_disc[c->nold++] = c->disc;
	}
	c->disc = d;
}

int kube_discover(struct kube_client *c, int refresh, struct kerr *err)
{
	struct kube_disc *d;
	int rc = 0;

	pthread_mutex_lock(&c->disc_lock);
	if (!refresh && c->disc)
		goto out;
	if (!refresh && (d = load_cache(c))) {
		install(c, d);
		goto out;
	}
	d = fetch(c, err);
	if (!d) {
		rc = kerr_prefix(err, "discovering the API of %s", c->name);
		goto out;
	}
	save_cache(c, d);
	install(c, d);
out:
	pthread_mutex_unlock(&c->disc_lock);
	return rc;
}

void kube_disc_free_all(struct kube_client *c)
{
	size_t i;

	for (i = 0; i < c->nold; i++)
		kube_disc_free(c->old_disc[i]);
	free(c->old_disc);
	c->old_disc = NULL;
	c->nold = 0;
	kube_disc_free(c->disc);
	c->disc = NULL;
}

/* Fetched from the server after since_ms (monotonic): a lookup that
 * started at since_ms already sees everything served when it began, so
 * fetching again would not help. A wall-clock "fetched this second" rule
 * missed CRDs established in the same second as an earlier fetch. */
static int fresh(struct kube_client *c, long long since_ms)
{
	int f;

	pthread_mutex_lock(&c->disc_lock);
	f = c->disc && c->disc->fetched_ms >= since_ms;
	pthread_mutex_unlock(&c->disc_lock);
	return f;
}

/* One lookup in the discovery table: by name (kubectl's forms) or by
 * apiVersion+kind. */
struct lookup {
	int by_gvk;
	const char *what;
	const char *api_version;
	const char *kind;
};

static int lookup(struct kube_client *c, const struct lookup *q,
		  const struct kube_resource **out, struct kerr *err)
{
	int rc;

	pthread_mutex_lock(&c->disc_lock);
	if (q->by_gvk)
		rc = kube_disc_resolve_gvk(c->disc, q->api_version, q->kind, out, err);
	else
		rc = kube_disc_resolve(c->disc, q->what, out, err);
	pthread_mutex_unlock(&c->disc_lock);
	return rc;
}

/* Look up in the cached table; on a miss, rediscover once (the server may
 * have gained the resource since) unless the table is already fresh. */
static int resolve(struct kube_client *c, const struct lookup *q,
		   const struct kube_resource **out, struct kerr *err)
{
	struct kerr local_err = { 0 };
	long long start = monotime_ms();
	int rc;

	if (!err)   /* decisions below read the error kind */
		err = &local_err;

	if (kube_discover(c, 0, err) < 0)
		return -1;
	rc = lookup(c, q, out, err);
	if (rc < 0 && kerr_is(err, KERR_NOTFOUND) && !fresh(c, start)) {
		if (kube_discover(c, 1, err) < 0)
			return -1;
		rc = lookup(c, q, out, err);
	}
	return rc;
}

int kube_resolve(struct kube_client *c, const char *what,
		 const struct kube_resource **out, struct kerr *err)
{
	const struct lookup q = { .what = what };

	return resolve(c, &q, out, err);
}

int kube_resolve_gvk(struct kube_client *c, const char *api_version, const char *kind,
		     const struct kube_resource **out, struct kerr *err)
{
	const struct lookup q = { .by_gvk = 1, .api_version = api_version, .kind = kind };

	return resolve(c, &q, out, err);
}

const struct kube_resource *const *kube_resources(struct kube_client *c)
{
	const struct kube_resource *const *r;
	static const struct kube_resource *const none[1] = { NULL };

	if (kube_discover(c, 0, NULL) < 0)
		return none;
	pthread_mutex_lock(&c->disc_lock);
	r = kube_disc_resources(c->disc);
	pthread_mutex_unlock(&c->disc_lock);
	return r;
}

void kube_path(struct strbuf *out, const struct kube_resource *r, const char *ns,
	       const char *name)
{
	if (!*r->group)
		strbuf_addf(out, "/api/%s", r->version);
	else
		strbuf_addf(out, "/apis/%s/%s", r->group, r->version);
	if (r->namespaced && ns && *ns) {
		strbuf_addstr(out, "/namespaces/");
		strbuf_addurlenc(out, ns);
	}
	strbuf_addf(out, "/%s", r->plural);
	if (name) {
		strbuf_addch(out, '/');
		strbuf_addurlenc(out, name);
	}
}
