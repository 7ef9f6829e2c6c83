/* server.h - kurator-sim's HTTP(S) side: clusters, requests, extension points.
 *
 * Owner: sim/server.c, sim/http-*.c, sim/api-*.c, sim/main.c (the simulator
 * core). Controllers and image side effects (sim/ctl-*.c, declared in
 * sim/controllers.h) plug in through the registration functions below; they
 * are called once from sim_ctl_register_all() before any cluster starts.
 *
 * One process serves N clusters. Each cluster has its own store
 * (sim/store.h), listener (127.0.0.x:port, HTTPS unless --http), CA, server
 * certificate, admin client certificate and bearer tokens.
 *
 * Threads: libmicrohttpd runs one thread per connection; handlers run in
 * those threads and may block (a streaming handler blocks between chunks).
 * Cluster fields are immutable after start, except through the functions
 * below (which lock).
 */
#ifndef KURATOR_SIM_SERVER_H
#define KURATOR_SIM_SERVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/strbuf.h"
#include "sim/store.h"

/* ---- configuration ------------------------------------------------------- */

struct sim_fault {
	long latency_ms;            /* added before every answer */
	double error_rate;          /* probability of a 500 InternalError ... */
	char error_verb[16];        /* ... for this verb only ("GET", "list", ""=all) */
	long drop_watch_ms;         /* close every watch after this long (0 = never) */
	int gone;                   /* answer 410 to watches with an old resourceVersion
	                               always (1) */
	long slow_stream_ms;        /* delay between chunks of watch and log streams */
};

struct sim_config {
	char **clusters;            /* names, NULL-terminated */
	int nodes;                  /* worker nodes per cluster (default 1) */
	int edge_nodes;             /* KubeEdge-style edge nodes per cluster (default 0) */
	char *kubeconfig_out;
	char *state_dir;
	int http;                   /* plain HTTP instead of HTTPS */
	char *version;              /* "1.30.0" */
	long ready_delay_ms;        /* pods become Running/Ready after this (default 500) */
	char *address_base;         /* "127.0.0.2": cluster i listens on base + i */
	int port;                   /* 0 = ephemeral per cluster; else port + i */
	char *dump_on_exit;         /* write the state dump here on exit */
	struct sim_fault fault;
};

/* ---- clusters ------------------------------------------------------------ */

struct sim_identity {
	char user[128];             /* "kurator-admin", "system:serviceaccount:ns:name" */
	char groups[256];           /* comma-separated: "system:masters,system:authenticated" */
};

struct sim_cluster {
	int index;
	char *name;
	char address[64];           /* "127.0.0.2" */
	int port;                   /* bound port */
	char *server_url;           /* "https://127.0.0.2:PORT" */
	const struct sim_config *cfg;
	struct sim_store *store;
	/* PEM material (owned): CA, server certificate, admin client certificate. */
	char *ca_cert_pem, *ca_key_pem;
	char *server_cert_pem, *server_key_pem;
	char *admin_cert_pem, *admin_key_pem;
	char *admin_token;          /* bearer token with system:masters rights */
	int nested;                 /* started by sim_cluster_start_nested*(): an API server
	                               without nodes (controllers may choose to do less) */
	void *priv;                 /* server internals */
	void *ctl;                  /* controllers' per-cluster state (sim/controllers.h) */
};

/* The clusters of this process (index order). */
size_t sim_clusters(struct sim_cluster ***out);
struct sim_cluster *sim_cluster_by_name(const char *name);

/* Bearer tokens the cluster accepts (service-account tokens the controllers
 * issue). Thread-safe. A token with empty groups authenticates but has no
 * rights (403 on everything but discovery/version). */
void sim_cluster_add_token(struct sim_cluster *cl, const char *token,
			   const struct sim_identity *id);
void sim_cluster_remove_token(struct sim_cluster *cl, const char *token);

/* A service-account token (JWT-shaped, signed with the cluster's secret) that
 * authenticates as system:serviceaccount:NS:SA in groups
 * system:serviceaccounts[,:NS] and keeps working across --state-dir
 * restarts. expiration_seconds <= 0 means one hour; token Secrets want a
 * long one (e.g. ten years). *token is malloc'd (free_secret it); *expires (unix time)
 * may be NULL. Returns 0. */
int sim_cluster_issue_sa_token(struct sim_cluster *cl, const char *ns, const char *sa,
			       long expiration_seconds, char **token, int64_t *expires);

/* Start another API server at runtime (a nested API server simulated for a
 * Deployment running kube-apiserver / karmada-apiserver). ca_cert_pem and
 * ca_key_pem: the CA its serving and admin certificates are made from (both
 * NULL: a new CA). port 0 = ephemeral. It gets its own store, the default
 * namespaces and the controllers' start hooks, and shows in sim_clusters()
 * and the state dump. Returns NULL with err (name taken, port busy). */
struct sim_cluster *sim_cluster_start_nested(const char *name, const char *address, int port,
					     const char *ca_cert_pem, const char *ca_key_pem,
					     struct kerr *err);

/* The same, serving with given material: the server certificate and key
 * found in the Deployment's Secrets, and the CA whose client certificates it
 * accepts (client_ca_pem; NULL: ca_cert_pem). Any of them NULL is made from
 * ca_cert_pem/ca_key_pem as above. */
struct sim_nested_tls {
	const char *ca_cert_pem, *ca_key_pem;
	const char *server_cert_pem, *server_key_pem;
	const char *client_ca_pem;
};
struct sim_cluster *sim_cluster_start_nested_tls(const char *name, const char *address, int port,
						 const struct sim_nested_tls *tls, struct kerr *err);

/* Stop a nested API server (its Deployment went away): listener, hooks,
 * store. The struct stays valid (sim_clusters() keeps listing it with
 * store == NULL) until the process exits. */
void sim_cluster_stop_nested(struct sim_cluster *cl);

/* ---- requests and responses ---------------------------------------------- */

struct sim_req {
	struct sim_cluster *cl;
	void *conn;                 /* struct MHD_Connection * */
	const char *method;         /* "GET" ... */
	const char *path;           /* without the query string */
	const char *body;           /* request body (NUL-terminated), may be "" */
	size_t body_len;
	struct sim_identity id;     /* authenticated caller */
	/* Filled for resource requests (else NULL/0): */
	const struct sim_type *type;
	const char *ns;
	const char *name;
	const char *subresource;
	const char *verb;           /* get list watch create update patch delete deletecollection */
};

/* Query parameter / request header (NULL when absent). */
const char *sim_req_query(const struct sim_req *r, const char *key);
const char *sim_req_header(const struct sim_req *r, const char *key);
int sim_req_query_bool(const struct sim_req *r, const char *key);  /* "true"/"1" */
long sim_req_query_long(const struct sim_req *r, const char *key, long dflt);
/* The caller is in system:masters (or holds the admin token). */
int sim_req_is_admin(const struct sim_req *r);

/* Streaming: the server calls next() in the connection thread until it
 * returns 0 (end of stream). next appends bytes to out (may append nothing
 * and return 1 to keep waiting; it should block at most ~1 s per call so
 * shutdown and client disconnects are noticed). fin(ud) runs once at the
 * end (also when the client went away). */
typedef int (*sim_stream_next_fn)(void *ud, struct strbuf *out);
typedef void (*sim_stream_fin_fn)(void *ud);

struct sim_resp {
	int status;                 /* 200 by default */
	char content_type[128];     /* "application/json" by default */
	struct strbuf body;
	sim_stream_next_fn stream;  /* set with sim_resp_stream */
	sim_stream_fin_fn stream_fin;
	void *stream_ud;
};

/* Helpers: set a JSON body (steals v), an error Status from err, or a stream. */
void sim_resp_json(struct sim_resp *resp, int status, json_t *v);
void sim_resp_error(struct sim_resp *resp, const struct kerr *err);
void sim_resp_status(struct sim_resp *resp, int code, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sim_resp_stream(struct sim_resp *resp, const char *content_type, sim_stream_next_fn next,
		     sim_stream_fin_fn fin, void *ud);

/* A Status object for err (code from err->http, or from err->kind when 0;
 * reason from err->reason or the kind). New reference. */
json_t *sim_status_from_kerr(const struct kerr *err);
/* Fill err as the apiserver would word it (kind from the HTTP code). Returns -1. */
int sim_kerr_http(struct kerr *err, int http, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Handlers return 0 when resp is filled (status may be an error), -1 with
 * err set to answer err as a Status. */
typedef int (*sim_handler_fn)(struct sim_req *req, struct sim_resp *resp, struct kerr *err);

/* ---- extension points (call before clusters start) ----------------------- */

/* A subresource of a resource type, e.g. ("", "pods", "log", "get"),
 * ("apps", "deployments", "scale", "get,patch,update"). The handler gets
 * req->type/ns/name/subresource set. The subresource is listed in discovery.
 * Built into the core: every type's "status" (when has_status). */
void sim_server_add_subresource(const char *group, const char *plural, const char *sub,
				const char *kind, const char *verbs, sim_handler_fn fn);

/* A non-resource path: exact path, or a prefix when it ends with '/'
 * ("/metrics", "/debug/"). Authentication still applies. */
void sim_server_add_path(const char *path, sim_handler_fn fn);

/* An API group version served by code (no store), e.g. metrics.k8s.io/v1beta1
 * with resources "nodes" (NodeMetrics, cluster-scoped) and "pods" (PodMetrics,
 * namespaced). Listed in discovery and openapi; every request under
 * /apis/GROUP/VERSION/ goes to fn with req->type pointing at a type
 * description (not in the store), ns/name set. */
struct sim_code_resource {
	const char *plural, *singular, *kind;
	int namespaced;
	const char *verbs;          /* "get,list" */
};
void sim_server_add_group(const char *group, const char *version,
			  const struct sim_code_resource *res, size_t nres, sim_handler_fn fn);

/* Extra built-in resource types for every cluster (added to sim/types.c's
 * table before the stores are created). */
void sim_server_add_types(const struct sim_type_def *defs, size_t n);

/* Per-cluster start/stop hooks (controllers start their threads here). The
 * start hook runs after the store is loaded and the types registered, before
 * the listener accepts requests; stop runs before the store is freed. */
typedef int (*sim_cluster_hook_fn)(struct sim_cluster *cl, struct kerr *err);
typedef void (*sim_cluster_stop_fn)(struct sim_cluster *cl);
void sim_server_add_cluster_hooks(sim_cluster_hook_fn start, sim_cluster_stop_fn stop);

/* 1 once shutdown began (SIGTERM/SIGINT): long loops and streams end. */
int sim_server_stopping(void);

/* Entry point of the controllers (sim/controllers.h). main.c calls it once
 * before the clusters start. */
void sim_ctl_register_all(const struct sim_config *cfg);

#endif
