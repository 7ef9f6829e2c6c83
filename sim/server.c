/* server.c - libmicrohttpd listeners, authentication, routing, responses.
 *
 * One MHD daemon per cluster, one thread per connection (handlers may block:
 * watches and log streams). Requests are authenticated (bearer token or
 * client certificate; plain HTTP is the old insecure port: everyone is
 * admin), authorised (system:masters and service accounts may do
 * everything; other identities only read discovery), then routed: fixed
 * paths, registered paths, discovery, openapi, then resources.
 */
#include "sim/core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct cluster_priv {
	struct MHD_Daemon *d;
	int fd;
	pthread_mutex_t tok_mu;
	json_t *tokens;             /* token -> {user, groups} */
};

struct conn_ctx {
	struct strbuf body;
};

struct path_handler {
	char *path;
	int prefix;
	sim_handler_fn fn;
};

struct hook {
	sim_cluster_hook_fn start;
	sim_cluster_stop_fn stop;
};

static const struct sim_config *g_cfg;
static volatile int g_stopping;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sim_cluster **g_clusters;
static size_t g_nclusters;
static struct path_handler *g_paths;
static size_t g_npaths;
static struct sim_subres *g_subres;
static size_t g_nsubres;
static struct sim_code_group *g_groups;
static size_t g_ngroups;
static struct sim_type_def *g_types;
static size_t g_ntypes;
static struct hook *g_hooks;
static size_t g_nhooks;
static char g_version[64] = "v1.30.0";
static int g_log;               /* KURATOR_SIM_LOG=1: one line per request on stderr */

/* ---- registration ---------------------------------------------------------- */

void sim_server_set_config(const struct sim_config *cfg)
{
	g_cfg = cfg;
	g_log = getenv("KURATOR_SIM_LOG") && *getenv("KURATOR_SIM_LOG") && strcmp(getenv("KURATOR_SIM_LOG"), "0");
	if (cfg && cfg->version && *cfg->version)
		snprintf(g_version, sizeof g_version, "%s%s", cfg->version[0] == 'v' ? "" : "v", cfg->version);
}

const struct sim_config *sim_server_config(void)
{
	return g_cfg;
}

const char *sim_server_version(void)
{
	return g_version;
}

void sim_server_add_subresource(const char *group, const char *plural, const char *sub,
				const char *kind, const char *verbs, sim_handler_fn fn)
{
	g_subres = xrealloc(g_subres, (g_nsubres + 1) * sizeof *g_subres);
	g_subres[g_nsubres].group = xstrdup(group ? group : "");
	g_subres[g_nsubres].plural = xstrdup(plural);
	g_subres[g_nsubres].sub = xstrdup(sub);
	g_subres[g_nsubres].kind = xstrdup(kind ? kind : "");
	g_subres[g_nsubres].verbs = xstrdup(verbs ? verbs : "get");
	g_subres[g_nsubres].fn = fn;
	g_nsubres++;
}

size_t sim_server_subresources(struct sim_subres **out)
{
	*out = g_subres;
	return g_nsubres;
}

void sim_server_add_path(const char *path, sim_handler_fn fn)
{
	size_t n = strlen(path);

	g_paths = xrealloc(g_paths, (g_npaths + 1) * sizeof *g_paths);
	g_paths[g_npaths].path = xstrdup(path);
	g_paths[g_npaths].prefix = n > 1 && path[n - 1] == '/';
	g_paths[g_npaths].fn = fn;
	g_npaths++;
}

void sim_server_add_group(const char *group, const char *version,
			  const struct sim_code_resource *res, size_t nres, sim_handler_fn fn)
{
	struct sim_code_group *g;
	size_t i;

	g_groups = xrealloc(g_groups, (g_ngroups + 1) * sizeof *g_groups);
	g = &g_groups[g_ngroups++];
	g->group = xstrdup(group);
	g->version = xstrdup(version);
	g->nres = nres;
	g->res = xcalloc(nres, sizeof *g->res);
	g->types = xcalloc(nres, sizeof *g->types);
	g->fn = fn;
	for (i = 0; i < nres; i++) {
		struct sim_type *t = &g->types[i];
		g->res[i].plural = xstrdup(res[i].plural);
		g->res[i].singular = xstrdup(res[i].singular);
		g->res[i].kind = xstrdup(res[i].kind);
		g->res[i].namespaced = res[i].namespaced;
		g->res[i].verbs = xstrdup(res[i].verbs ? res[i].verbs : "get,list");
		t->id = -1;
		t->storage_id = -1;
		t->group = g->group;
		t->version = g->version;
		t->kind = (char *)g->res[i].kind;
		t->plural = (char *)g->res[i].plural;
		t->singular = (char *)g->res[i].singular;
		t->list_kind = xasprintf("%sList", res[i].kind);
		t->api_version = xasprintf("%s/%s", group, version);
		t->namespaced = res[i].namespaced;
		t->served = 1;
		t->short_names = json_array();
		t->categories = json_array();
		t->verbs = sim_csv_array(g->res[i].verbs);
	}
}

size_t sim_server_code_groups(struct sim_code_group **out)
{
	*out = g_groups;
	return g_ngroups;
}

void sim_server_add_types(const struct sim_type_def *defs, size_t n)
{
	g_types = xrealloc(g_types, (g_ntypes + n) * sizeof *g_types);
	memcpy(g_types + g_ntypes, defs, n * sizeof *defs);
	g_ntypes += n;
}

size_t sim_server_extra_types(const struct sim_type_def **out)
{
	*out = g_types;
	return g_ntypes;
}

void sim_server_add_cluster_hooks(sim_cluster_hook_fn start, sim_cluster_stop_fn stop)
{
	g_hooks = xrealloc(g_hooks, (g_nhooks + 1) * sizeof *g_hooks);
	g_hooks[g_nhooks].start = start;
	g_hooks[g_nhooks].stop = stop;
	g_nhooks++;
}

int sim_server_run_start_hooks(struct sim_cluster *cl, struct kerr *err)
{
	size_t i;

	for (i = 0; i < g_nhooks; i++)
		if (g_hooks[i].start && g_hooks[i].start(cl, err))
			return -1;
	return 0;
}

void sim_server_run_stop_hooks(struct sim_cluster *cl)
{
	size_t i;

	for (i = g_nhooks; i-- > 0;)
		if (g_hooks[i].stop)
			g_hooks[i].stop(cl);
}

int sim_server_stopping(void)
{
	return g_stopping;
}

void sim_server_begin_stop(void)
{
	g_stopping = 1;
}

/* The array never moves (readers iterate it without the lock while nested
 * servers are added), so it has a fixed capacity. */
#define SIM_MAX_CLUSTERS 256

int sim_server_register_cluster(struct sim_cluster *cl)
{
	int rc = 0;

	pthread_mutex_lock(&g_mu);
	if (!g_clusters)
		g_clusters = xcalloc(SIM_MAX_CLUSTERS, sizeof *g_clusters);
	if (g_nclusters < SIM_MAX_CLUSTERS)
		g_clusters[g_nclusters++] = cl;
	else
		rc = -1;
	pthread_mutex_unlock(&g_mu);
	return rc;
}

size_t sim_clusters(struct sim_cluster ***out)
{
	*out = g_clusters;
	return g_nclusters;
}

struct sim_cluster *sim_cluster_by_name(const char *name)
{
	struct sim_cluster *found = NULL;
	size_t i;

	pthread_mutex_lock(&g_mu);
	for (i = 0; i < g_nclusters; i++)
		if (!strcmp(g_clusters[i]->name, name))
			found = g_clusters[i];
	pthread_mutex_unlock(&g_mu);
	return found;
}

static struct cluster_priv *priv_of(struct sim_cluster *cl)
{
	if (!cl->priv) {
		struct cluster_priv *p = xcalloc(1, sizeof *p);
		p->fd = -1;
		pthread_mutex_init(&p->tok_mu, NULL);
		p->tokens = json_object();
		cl->priv = p;
	}
	return cl->priv;
}

void sim_cluster_add_token(struct sim_cluster *cl, const char *token, const struct sim_identity *id)
{
	struct cluster_priv *p = priv_of(cl);

	pthread_mutex_lock(&p->tok_mu);
	json_object_set_new(p->tokens, token, json_pack("{s:s,s:s}", "user", id->user, "groups", id->groups));
	pthread_mutex_unlock(&p->tok_mu);
}

void sim_cluster_remove_token(struct sim_cluster *cl, const char *token)
{
	struct cluster_priv *p = priv_of(cl);

	pthread_mutex_lock(&p->tok_mu);
	json_object_del(p->tokens, token);
	pthread_mutex_unlock(&p->tok_mu);
}

/* ---- errors and responses ------------------------------------------------- */

static const char *reason_for_http(int http)
{
	switch (http) {
	case 400: return "BadRequest";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "NotFound";
	case 405: return "MethodNotAllowed";
	case 406: return "NotAcceptable";
	case 409: return "Conflict";
	case 410: return "Expired";
	case 415: return "UnsupportedMediaType";
	case 422: return "Invalid";
	case 429: return "TooManyRequests";
	case 503: return "ServiceUnavailable";
	case 504: return "Timeout";
	default: return http >= 500 ? "InternalError" : "";
	}
}

static enum kerr_kind kind_for_http(int http)
{
	switch (http) {
	case 400: case 405: case 406: case 415: return KERR_INVALID;
	case 401: case 403: return KERR_AUTH;
	case 404: return KERR_NOTFOUND;
	case 409: return KERR_CONFLICT;
	case 410: return KERR_GONE;
	case 422: return KERR_INVALID;
	case 504: return KERR_TIMEOUT;
	default: return KERR_FAIL;
	}
}

int sim_kerr_http(struct kerr *err, int http, const char *reason, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	kerr_vset(err, kind_for_http(http), fmt, ap);
	va_end(ap);
	err->http = http;
	snprintf(err->reason, sizeof err->reason, "%s", reason ? reason : reason_for_http(http));
	return -1;
}

/* 422 with details like the apiserver's: from a message worded
 * `Kind "name" is invalid: field.path: Detail`, details {name, kind,
 * causes: [{reason, message, field}]}. */
static json_t *invalid_status(const char *msg)
{
	const char *q1 = strchr(msg, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
	const char *inv = strstr(msg, "\" is invalid: "), *colon;
	json_t *details = NULL, *st;
	char kind[128], field[256];

	if (q1 && q2 && inv == q2 && (size_t)(q1 - msg) < sizeof kind + 1 && q1 > msg) {
		const char *rest = inv + strlen("\" is invalid: ");
		const char *dot;
		snprintf(kind, sizeof kind, "%.*s", (int)(q1 - msg - 1), msg);
		/* "deployments.apps" style kinds keep only the kind */
		dot = strchr(kind, '.');
		details = json_pack("{s:s%,s:s%}", "name", q1 + 1, (size_t)(q2 - q1 - 1), "kind", kind,
				    dot ? (size_t)(dot - kind) : strlen(kind));
		colon = strstr(rest, ": ");
		if (colon && (size_t)(colon - rest) < sizeof field) {
			const char *detail = colon + 2;
			snprintf(field, sizeof field, "%.*s", (int)(colon - rest), rest);
			json_object_set_new(details, "causes", json_pack("[{s:s,s:s,s:s}]", "reason",
									 !strncmp(detail, "Required value", 14) ? "FieldValueRequired"
									 : !strncmp(detail, "Unsupported value", 17) ? "FieldValueNotSupported"
									 : "FieldValueInvalid",
									 "message", detail, "field", field));
		}
	}
	st = sim_status_new(422, "Invalid", msg, details);
	json_decref(details);
	return st;
}

json_t *sim_status_from_kerr(const struct kerr *err)
{
	int code = err->http;
	const char *reason = err->reason;

	if (!code) {
		switch (err->kind) {
		case KERR_NOTFOUND: code = 404; break;
		case KERR_CONFLICT: code = 409; break;
		case KERR_AUTH: code = 403; break;
		case KERR_INVALID: code = 422; break;
		case KERR_GONE: code = 410; break;
		case KERR_USAGE: code = 400; break;
		case KERR_TIMEOUT: code = 504; break;
		default: code = 500; break;
		}
	}
	if (!reason[0])
		reason = reason_for_http(code);
	if (code == 422)
		return invalid_status(err->msg);
	return sim_status_new(code, reason, err->msg, NULL);
}

void sim_resp_json(struct sim_resp *resp, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);

	resp->status = status;
	snprintf(resp->content_type, sizeof resp->content_type, "application/json");
	strbuf_reset(&resp->body);
	if (s) {
		strbuf_addstr(&resp->body, s);
		free(s);
	}
	json_decref(v);
}

void sim_resp_error(struct sim_resp *resp, const struct kerr *err)
{
	json_t *s = sim_status_from_kerr(err);
	int code = (int)json_integer_value(json_object_get(s, "code"));

	sim_resp_json(resp, code, s);
}

void sim_resp_status(struct sim_resp *resp, int code, const char *reason, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sim_resp_json(resp, code, sim_status_new(code, reason ? reason : reason_for_http(code), msg, NULL));
}

void sim_resp_stream(struct sim_resp *resp, const char *content_type, sim_stream_next_fn next,
		     sim_stream_fin_fn fin, void *ud)
{
	snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type);
	resp->stream = next;
	resp->stream_fin = fin;
	resp->stream_ud = ud;
}

/* ---- request accessors ------------------------------------------------------ */

const char *sim_req_query(const struct sim_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *sim_req_header(const struct sim_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

int sim_req_query_bool(const struct sim_req *r, const char *key)
{
	const char *v = sim_req_query(r, key);

	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !*v);
}

long sim_req_query_long(const struct sim_req *r, const char *key, long dflt)
{
	const char *v = sim_req_query(r, key);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	n = strtol(v, &end, 10);
	return *end ? dflt : n;
}

static int groups_have(const char *groups, const char *g)
{
	size_t n = strlen(g);
	const char *p = groups;

	while ((p = strstr(p, g))) {
		if ((p == groups || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

int sim_req_is_admin(const struct sim_req *r)
{
	return groups_have(r->id.groups, "system:masters");
}

/* ---- authentication --------------------------------------------------------- */

static int cert_identity(struct MHD_Connection *c, struct sim_identity *id)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s;
	const gnutls_datum_t *peers;
	unsigned int npeers = 0, status = 0;
	gnutls_x509_crt_t crt;
	char buf[256];
	size_t len;
	int i, rc = -1;

	if (!ci || !ci->tls_session)
		return -1;
	s = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_verify_peers2(s, &status) != 0 || status != 0)
		return -1;
	peers = gnutls_certificate_get_peers(s, &npeers);
	if (!peers || !npeers)
		return -1;
	if (gnutls_x509_crt_init(&crt))
		return -1;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0) {
		len = sizeof buf;
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len) == 0) {
			buf[sizeof id->user - 1] = '\0';
			memcpy(id->user, buf, strlen(buf) + 1);
			id->groups[0] = '\0';
			for (i = 0;; i++) {
				len = sizeof buf;
				if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, (unsigned)i,
								  0, buf, &len))
					break;
				if (id->groups[0])
					strncat(id->groups, ",", sizeof id->groups - strlen(id->groups) - 1);
				strncat(id->groups, buf, sizeof id->groups - strlen(id->groups) - 1);
			}
			rc = 0;
		}
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* 0 authenticated, 1 anonymous (no credentials), -1 bad credentials. */
static int authenticate(struct sim_cluster *cl, struct MHD_Connection *c, struct sim_identity *id)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	struct cluster_priv *p = priv_of(cl);

	memset(id, 0, sizeof *id);
	if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		const char *tok = auth + 7;
		json_t *e;
		int rc = -1;

		if (cl->admin_token && !strcmp(tok, cl->admin_token)) {
			snprintf(id->user, sizeof id->user, "kurator-admin");
			snprintf(id->groups, sizeof id->groups, "system:masters,system:authenticated");
			return 0;
		}
		if (sim_auth_verify_sa_token(cl, tok, id) == 0)
			return 0;
		pthread_mutex_lock(&p->tok_mu);
		e = json_object_get(p->tokens, tok);
		if (e) {
			snprintf(id->user, sizeof id->user, "%s", json_string_value(json_object_get(e, "user")));
			snprintf(id->groups, sizeof id->groups, "%s", json_string_value(json_object_get(e, "groups")));
			rc = 0;
		}
		pthread_mutex_unlock(&p->tok_mu);
		return rc;
	}
	if (auth && *auth)
		return -1;
	if (cl->cfg && cl->cfg->http) {
		snprintf(id->user, sizeof id->user, "system:admin");
		snprintf(id->groups, sizeof id->groups, "system:masters,system:authenticated");
		return 0;
	}
	if (cert_identity(c, id) == 0)
		return 0;
	snprintf(id->user, sizeof id->user, "system:anonymous");
	snprintf(id->groups, sizeof id->groups, "system:unauthenticated");
	return 1;
}

static int public_path(const char *path)
{
	return !strcmp(path, "/version") || !strcmp(path, "/healthz") || !strcmp(path, "/readyz") ||
	       !strcmp(path, "/livez") || !strncmp(path, "/readyz/", 8) || !strncmp(path, "/livez/", 7) ||
	       !strncmp(path, "/healthz/", 9);
}

static int discovery_path(const char *path)
{
	/* every authenticated user may ask who it is and what it may do */
	if (!strcmp(path, "/apis/authentication.k8s.io/v1/selfsubjectreviews") ||
	    !strcmp(path, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") ||
	    !strcmp(path, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))
		return 1;
	return public_path(path) || !strcmp(path, "/api") || !strcmp(path, "/apis") ||
	       !strncmp(path, "/openapi/", 9) || !strcmp(path, "/api/v1") ||
	       (!strncmp(path, "/apis/", 6) && strchr(path + 6, '/') == strrchr(path + 6, '/'));
}

static int authorized(const struct sim_req *r)
{
	if (groups_have(r->id.groups, "system:masters") || groups_have(r->id.groups, "system:serviceaccounts"))
		return 1;
	if (!strncmp(r->id.user, "system:serviceaccount:", 22))
		return 1;
	return discovery_path(r->path);
}

/* ---- routing ---------------------------------------------------------------- */

static char *dup_seg(const char **p)
{
	const char *s = *p, *e;

	if (*s == '/')
		s++;
	if (!*s)
		return NULL;
	e = strchr(s, '/');
	if (!e)
		e = s + strlen(s);
	*p = e;
	return xstrndup(s, (size_t)(e - s));
}

struct route {
	char *group, *version, *ns, *plural, *name, *sub;
};

static void route_free(struct route *rt)
{
	free(rt->group);
	free(rt->version);
	free(rt->ns);
	free(rt->plural);
	free(rt->name);
	free(rt->sub);
}

/* /api/v1/... or /apis/G/V/... below the group version. 0 ok, -1 not a resource path. */
static int parse_resource(const char *path, struct route *rt)
{
	const char *p;
	char *seg[6] = { 0 };
	int n = 0, i, rc = -1;

	memset(rt, 0, sizeof *rt);
	if (!strncmp(path, "/api/", 5)) {
		rt->group = xstrdup("");
		p = path + 4;
	} else if (!strncmp(path, "/apis/", 6)) {
		p = path + 5;
		rt->group = dup_seg(&p);
		if (!rt->group)
			return -1;
	} else {
		return -1;
	}
	rt->version = dup_seg(&p);
	if (!rt->version)
		return -1;
	while (n < 6 && (seg[n] = dup_seg(&p)))
		n++;
	if (*p && strcmp(p, "/"))
		goto out;
	if (n == 0)
		goto out;
	i = 0;
	if (!strcmp(seg[0], "namespaces") && n >= 3 &&
	    !(rt->group[0] == '\0' && (n == 3) && (!strcmp(seg[2], "status") || !strcmp(seg[2], "finalize")))) {
		rt->ns = seg[1];
		seg[1] = NULL;
		i = 2;
	}
	rt->plural = seg[i];
	seg[i] = NULL;
	if (i + 1 < n) {
		rt->name = seg[i + 1];
		seg[i + 1] = NULL;
	}
	if (i + 2 < n) {
		rt->sub = seg[i + 2];
		seg[i + 2] = NULL;
	}
	rc = i + 3 < n ? -1 : 0;
out:
	for (i = 0; i < 6; i++)
		free(seg[i]);
	return rc;
}

static const char *verb_of(const char *method, const struct sim_req *r, int has_name)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
		if (sim_req_query_bool(r, "watch"))
			return "watch";
		return has_name ? "get" : "list";
	}
	if (!strcmp(method, "POST"))
		return "create";
	if (!strcmp(method, "PUT"))
		return "update";
	if (!strcmp(method, "PATCH"))
		return "patch";
	if (!strcmp(method, "DELETE"))
		return has_name ? "delete" : "deletecollection";
	return method;
}

static int forbidden(struct sim_req *r, struct sim_resp *resp)
{
	char what[512];

	if (r->type) {
		const char *res = r->type->plural;
		char sub[300];
		if (r->subresource)
			snprintf(sub, sizeof sub, "%s/%s", res, r->subresource);
		else
			snprintf(sub, sizeof sub, "%s", res);
		if (r->name)
			snprintf(what, sizeof what, "%s%s%s \"%s\" is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\"",
				 res, r->type->group[0] ? "." : "", r->type->group, r->name, r->id.user, r->verb, sub,
				 r->type->group);
		else
			snprintf(what, sizeof what, "%s%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\"",
				 res, r->type->group[0] ? "." : "", r->type->group, r->id.user, r->verb, sub, r->type->group);
		if (r->ns)
			sim_resp_status(resp, 403, "Forbidden", "%s in the namespace \"%s\"", what, r->ns);
		else
			sim_resp_status(resp, 403, "Forbidden", "%s at the cluster scope", what);
	} else {
		sim_resp_status(resp, 403, "Forbidden", "forbidden: User \"%s\" cannot %s path \"%s\"", r->id.user,
				!strcmp(r->method, "GET") ? "get" : "post", r->path);
	}
	return 0;
}

static int not_found_path(struct sim_resp *resp)
{
	json_t *details = json_object();

	sim_resp_json(resp, 404, sim_status_new(404, "NotFound", "the server could not find the requested resource",
						details));
	json_decref(details);
	return 0;
}

/* A uniform number in [0,1) from a per-thread generator (drand48 is not
 * thread-safe). */
static double fault_random(void)
{
	static __thread unsigned short seed[3];
	static __thread int seeded;

	if (!seeded) {
		if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
			seed[0] = (unsigned short)pthread_self();
		seeded = 1;
	}
	return erand48(seed);
}

/* Injected errors: an upper-case error_verb ("GET") matches the HTTP method
 * (checked before routing), a lower-case one ("list", "watch") the API verb
 * (checked once the request is routed). */
static int fault_error(const struct sim_req *r, int routed)
{
	const struct sim_fault *f = g_cfg ? &g_cfg->fault : NULL;
	int api_verb;

	if (!f || f->error_rate <= 0 || public_path(r->path))
		return 0;
	api_verb = f->error_verb[0] >= 'a' && f->error_verb[0] <= 'z';
	if (routed != api_verb)
		return 0;
	if (f->error_verb[0] && strcmp(f->error_verb, api_verb ? (r->verb ? r->verb : "") : r->method))
		return 0;
	return fault_random() < f->error_rate;
}

static int injected(struct sim_resp *resp)
{
	sim_resp_status(resp, 500, "InternalError", "Internal error occurred: injected fault (kurator-sim --fault)");
	return 0;
}

static int route_resource(struct sim_req *r, struct sim_resp *resp, struct kerr *err)
{
	struct route rt;
	struct sim_code_group *g;
	size_t i, j;
	int rc = 0;

	if (parse_resource(r->path, &rt)) {
		route_free(&rt);
		return not_found_path(resp);
	}
	r->ns = rt.ns;
	r->name = rt.name;
	r->subresource = rt.sub;
	r->verb = verb_of(r->method, r, rt.name != NULL);
	if (fault_error(r, 1)) {
		rc = injected(resp);
		goto out;
	}
	for (i = 0; i < g_ngroups; i++) {
		g = &g_groups[i];
		if (strcmp(g->group, rt.group) || strcmp(g->version, rt.version))
			continue;
		for (j = 0; j < g->nres; j++)
			if (!strcmp(g->res[j].plural, rt.plural))
				r->type = &g->types[j];
		if (!r->type) {
			rc = not_found_path(resp);
			goto out;
		}
		if (!authorized(r))
			rc = forbidden(r, resp);
		else
			rc = g->fn(r, resp, err);
		goto out;
	}
	r->type = sim_store_type(r->cl->store, rt.group, rt.version, rt.plural);
	if (!r->type) {
		rc = not_found_path(resp);
		goto out;
	}
	if (!authorized(r)) {
		rc = forbidden(r, resp);
		goto out;
	}
	if (rt.sub && strcmp(rt.sub, "status")) {
		for (i = 0; i < g_nsubres; i++) {
			struct sim_subres *s = &g_subres[i];
			if (!strcmp(s->group, rt.group) && !strcmp(s->plural, rt.plural) && !strcmp(s->sub, rt.sub)) {
				rc = s->fn(r, resp, err);
				goto out;
			}
		}
		if (!strcmp(rt.sub, "scale") && r->type->has_scale)
			rc = sim_api_scale(r, resp, err);
		else
			rc = not_found_path(resp);
		goto out;
	}
	if (rt.sub && !r->type->has_status) {
		rc = not_found_path(resp);
		goto out;
	}
	rc = sim_api_resource(r, resp, err);
out:
	/* r->ns/name point into rt: handlers finished using them (streams copy). */
	r->ns = r->name = r->subresource = NULL;
	route_free(&rt);
	return rc;
}

static int handle_debug_state(struct sim_req *r, struct sim_resp *resp)
{
	int strip = !sim_req_query_bool(r, "managedFields");

	sim_resp_json(resp, 200, sim_store_dump(r->cl->store, strip));
	return 0;
}

static int handle_version(struct sim_resp *resp)
{
	char minor[16] = "30", major[16] = "1";
	const char *v = g_version + 1;

	sscanf(v, "%15[0-9].%15[0-9]", major, minor);
	sim_resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
					   "major", major, "minor", minor, "gitVersion", g_version,
					   "gitCommit", "0000000000000000000000000000000000000000",
					   "gitTreeState", "clean", "buildDate", "2026-01-01T00:00:00Z",
					   "goVersion", "go1.22.0", "compiler", "gc", "platform", "linux/amd64"));
	return 0;
}

static int dispatch(struct sim_req *r, struct sim_resp *resp, struct kerr *err)
{
	size_t i;
	int auth;

	auth = authenticate(r->cl, r->conn, &r->id);
	if (auth < 0 || (auth > 0 && !public_path(r->path))) {
		sim_resp_status(resp, 401, "Unauthorized", "Unauthorized");
		return 0;
	}
	if (fault_error(r, 0))
		return injected(resp);
	if (!strcmp(r->path, "/version"))
		return handle_version(resp);
	if (!strcmp(r->path, "/healthz") || !strcmp(r->path, "/readyz") || !strcmp(r->path, "/livez") ||
	    !strncmp(r->path, "/readyz/", 8) || !strncmp(r->path, "/livez/", 7) || !strncmp(r->path, "/healthz/", 9)) {
		resp->status = 200;
		snprintf(resp->content_type, sizeof resp->content_type, "text/plain; charset=utf-8");
		strbuf_addstr(&resp->body, "ok");
		return 0;
	}
	for (i = 0; i < g_npaths; i++) {
		struct path_handler *h = &g_paths[i];
		if (h->prefix ? !strncmp(r->path, h->path, strlen(h->path)) : !strcmp(r->path, h->path)) {
			if (!authorized(r))
				return forbidden(r, resp);
			return h->fn(r, resp, err);
		}
	}
	if (!authorized(r) && strncmp(r->path, "/api", 4))
		return forbidden(r, resp);
	if (!strcmp(r->path, "/debug/state.json"))
		return handle_debug_state(r, resp);
	if (!strncmp(r->path, "/openapi/v3", 11))
		return sim_api_openapi(r, resp, err);
	if (!strcmp(r->path, "/api") || !strcmp(r->path, "/apis") || !strcmp(r->path, "/api/v1") ||
	    !strcmp(r->path, "/api/v1/") ||
	    (!strncmp(r->path, "/apis/", 6) && (!strchr(r->path + 6, '/') ||
						 !strchr(strchr(r->path + 6, '/') + 1, '/'))))
		return sim_api_discovery(r, resp, err);
	if (!strncmp(r->path, "/api/", 5) || !strncmp(r->path, "/apis/", 6))
		return route_resource(r, resp, err);
	return not_found_path(resp);
}

/* ---- MHD glue ----------------------------------------------------------------- */

struct stream_ctx {
	sim_stream_next_fn next;
	sim_stream_fin_fn fin;
	void *ud;
	struct strbuf pending;
	size_t off;
	int done;
	int fd;
	long slow_ms;
};

static int client_gone(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };

	if (fd < 0)
		return 0;
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		return 1;
	return 0;
}

static ssize_t stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_ctx *s = cls;
	size_t n;

	(void)pos;
	while (s->off >= s->pending.len) {
		if (s->done || g_stopping)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (client_gone(s->fd))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		strbuf_reset(&s->pending);
		s->off = 0;
		if (!s->next(s->ud, &s->pending))
			s->done = 1;
		if (s->slow_ms > 0 && s->pending.len)
			usleep((useconds_t)s->slow_ms * 1000);
	}
	n = s->pending.len - s->off;
	if (n > max)
		n = max;
	memcpy(buf, s->pending.buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream_ctx *s = cls;

	if (s->fin)
		s->fin(s->ud);
	strbuf_release(&s->pending);
	free(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	struct sim_cluster *cl = cls;
	struct conn_ctx *ctx = *con_cls;
	struct sim_req req;
	struct sim_resp resp;
	struct MHD_Response *mr;
	struct kerr err = { 0 };
	enum MHD_Result ret;
	struct timespec t0 = { 0, 0 };

	(void)version;
	if (!ctx) {
		ctx = xcalloc(1, sizeof *ctx);
		strbuf_init(&ctx->body, 0);
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size) {
		strbuf_add(&ctx->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (g_cfg && g_cfg->fault.latency_ms > 0)
		usleep((useconds_t)g_cfg->fault.latency_ms * 1000);
	if (g_log)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.cl = cl;
	req.conn = c;
	req.method = method;
	req.path = url;
	req.body = ctx->body.buf;
	req.body_len = ctx->body.len;
	resp.status = 200;
	snprintf(resp.content_type, sizeof resp.content_type, "application/json");
	strbuf_init(&resp.body, 0);
	if (dispatch(&req, &resp, &err)) {
		if (resp.stream && resp.stream_fin)
			resp.stream_fin(resp.stream_ud);
		resp.stream = NULL;
		sim_resp_error(&resp, &err);
	}
	if (resp.stream) {
		struct stream_ctx *s = xcalloc(1, sizeof *s);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		s->next = resp.stream;
		s->fin = resp.stream_fin;
		s->ud = resp.stream_ud;
		s->fd = ci ? ci->connect_fd : -1;
		s->slow_ms = g_cfg ? g_cfg->fault.slow_stream_ms : 0;
		strbuf_init(&s->pending, 0);
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_cb, s, stream_free);
	} else {
		mr = MHD_create_response_from_buffer(resp.body.len, resp.body.buf, MHD_RESPMEM_MUST_COPY);
	}
	MHD_add_response_header(mr, "Content-Type", resp.content_type);
	MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
	if (g_log) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "kurator-sim %s: %s %s%s [%s] -> %d, %zu bytes, %.2f ms\n", cl->name, method, url,
			resp.stream ? " (stream)" : "",
			MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type") ?: "", resp.status,
			resp.body.len, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	ret = MHD_queue_response(c, (unsigned)resp.status, mr);
	MHD_destroy_response(mr);
	strbuf_release(&resp.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (ctx) {
		strbuf_release(&ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

int sim_server_start_cluster(struct sim_cluster *cl, struct kerr *err)
{
	struct cluster_priv *p = priv_of(cl);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t slen = sizeof sa;
	/* poll(), not select(): no FD_SETSIZE limit with many watches */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	int one = 1;

	p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return kerr_set(err, KERR_FAIL, "socket: %s", strerror(errno));
	setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_port = htons((uint16_t)cl->port);
	if (inet_pton(AF_INET, cl->address, &sa.sin_addr) != 1) {
		close(p->fd);
		return kerr_set(err, KERR_USAGE, "bad address %s", cl->address);
	}
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof sa) || listen(p->fd, 512)) {
		kerr_set(err, KERR_FAIL, "cannot listen on %s:%d: %s", cl->address, cl->port, strerror(errno));
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	getsockname(p->fd, (struct sockaddr *)&sa, &slen);
	cl->port = ntohs(sa.sin_port);
	free(cl->server_url);
	cl->server_url = xasprintf("%s://%s:%d", cl->cfg && cl->cfg->http ? "http" : "https", cl->address, cl->port);
	if (!(cl->cfg && cl->cfg->http)) {
		flags |= MHD_USE_TLS;
		p->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, cl,
					MHD_OPTION_LISTEN_SOCKET, p->fd,
					MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
					MHD_OPTION_HTTPS_MEM_KEY, cl->server_key_pem,
					MHD_OPTION_HTTPS_MEM_CERT, cl->server_cert_pem,
					MHD_OPTION_HTTPS_MEM_TRUST, cl->ca_cert_pem,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
					MHD_OPTION_END);
	} else {
		p->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, cl,
					MHD_OPTION_LISTEN_SOCKET, p->fd,
					MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
					MHD_OPTION_END);
	}
	if (!p->d) {
		close(p->fd);
		p->fd = -1;
		return kerr_set(err, KERR_FAIL, "cannot start the HTTP server for cluster %s", cl->name);
	}
	return 0;
}

void sim_server_stop_cluster(struct sim_cluster *cl)
{
	struct cluster_priv *p = cl->priv;

	if (!p)
		return;
	if (p->d) {
		MHD_stop_daemon(p->d);
		p->d = NULL;
	}
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	json_decref(p->tokens);
	pthread_mutex_destroy(&p->tok_mu);
	free(p);
	cl->priv = NULL;
}
