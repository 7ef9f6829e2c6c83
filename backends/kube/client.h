/* client.h - the Kubernetes REST client every feature uses.
 *
 * One struct kube_client per cluster connection. It is thread-safe: it
 * keeps a pool of libcurl easy handles (connection reuse) and hands one to
 * each call; long calls (watch, logs) hold theirs for their duration. Calls
 * are blocking and meant to run inside jobs (lib/evq.h): they abort when
 * job_cancelled(job_current()) becomes true, with KERR_CANCELLED.
 *
 * Errors: a non-2xx answer is decoded from its Status object into err
 * (kind from the HTTP code/reason, err->http, err->reason, message from
 * the server), prefixed with what was attempted ("get deployments/web in
 * default on member1"). Transport failures say which server and why, with
 * a hint (TLS: CA mismatch, client cert refused on 55/56 after TLS, ...).
 *
 * Retries: connect failures, 429, and 500/502/503/504 on idempotent
 * requests are retried (opts.retries times) with exponential backoff and
 * jitter, honouring Retry-After; a POST that reached the server is never
 * repeated. A 401 with a token file or exec plugin re-reads/re-runs the
 * credential once. Credentials travel only over https, as with kubectl.
 *
 * One client per context for many modules: backends/kube/pool.h.
 * Implementation: http.c (transport), status.c (errors, retry policy),
 * discovery.c (discovery, cache, REST mapper), ops.c, watch.c, apply.c,
 * apply-batch.c, wait.c (delete, wait), logs.c.
 *
 * Ownership: returned json_t are new references; caller decrefs.
 */
#ifndef KURATOR_KUBE_CLIENT_H
#define KURATOR_KUBE_CLIENT_H

#include <jansson.h>
#include <stddef.h>

#include "backends/kube/kubeconfig.h"
#include "lib/err.h"
#include "lib/strbuf.h"

struct kube_client;

struct kube_client_opts {
	long timeout_ms;        /* per request (not watch/logs); 0 = 30 s */
	long connect_timeout_ms;/* 0 = 10 s */
	int retries;            /* for retriable errors only (network, 429, 5xx on
	                           GET/idempotent); 0 = 3; -1 = none */
	const char *user_agent; /* NULL = "kurator/VERSION" */
};

/* Copies conn. Runs the exec plugin / reads tokenFile lazily. */
struct kube_client *kube_client_new(const struct kube_conn *conn,
				    const struct kube_client_opts *opts, struct kerr *err);
void kube_client_free(struct kube_client *c);   /* NULL-safe */
const struct kube_conn *kube_client_conn(const struct kube_client *c);
const char *kube_client_name(const struct kube_client *c); /* context name, for messages */

/* ---- raw requests ---------------------------------------------------- */

struct kube_resp {
	long status;            /* HTTP status */
	struct strbuf body;
	char content_type[128];
};
void kube_resp_init(struct kube_resp *r);
void kube_resp_release(struct kube_resp *r);

/* method "GET"...; path includes the query string; body may be NULL.
 * Returns 0 on 2xx, else -1 with err decoded from the Status body (resp
 * still holds the answer). accept NULL = "application/json". */
int kube_request(struct kube_client *c, const char *method, const char *path,
		 const char *accept, const char *content_type,
		 const void *body, size_t body_len, struct kube_resp *resp, struct kerr *err);

/* Decode a Kubernetes Status (or any error body) into err. Exposed for
 * tests and fuzzing. Returns -1. */
int kube_status_decode(long http_status, const char *body, size_t len, struct kerr *err);

/* ---- discovery and REST mapping -------------------------------------- */

struct kube_resource {
	char *group;            /* "" for core */
	char *version;
	char *kind;
	char *plural;           /* resource name: "deployments" */
	char *singular;
	int namespaced;
	char **short_names;     /* NULL-terminated, may be NULL */
	char **verbs;
	char **categories;
	int has_status;         /* a status subresource exists */
	int has_log;            /* pods/log */
};

/* Fetch discovery (aggregated when the server offers it, legacy otherwise);
 * cached in the client and on disk ($XDG_CACHE_HOME/kurator/discovery,
 * 10 minutes). refresh=1 forces a fetch (after a CRD was applied). */
int kube_discover(struct kube_client *c, int refresh, struct kerr *err);

/* Resolve what a user typed, like kubectl: "pods", "pod", "po", "Pod",
 * "deployments.apps", "deploy", "deployment.v1.apps". The returned pointer
 * stays valid until the client is freed (discovery refreshes keep old
 * entries alive). KERR_NOTFOUND: `the server doesn't have a resource type "x"`. */
int kube_resolve(struct kube_client *c, const char *what,
		 const struct kube_resource **out, struct kerr *err);
/* Resolve apiVersion + kind of an object (preferred version when the
 * apiVersion is only a group). Refreshes discovery once on a miss. */
int kube_resolve_gvk(struct kube_client *c, const char *api_version, const char *kind,
		     const struct kube_resource **out, struct kerr *err);
/* All resources, for completion and `api-resources`; NULL-terminated array
 * owned by the client. */
const struct kube_resource *const *kube_resources(struct kube_client *c);

/* "/api/v1/namespaces/NS/pods/NAME" (ns ignored for cluster-scoped, name may
 * be NULL for the collection; ns NULL for all namespaces). Appends to out. */
void kube_path(struct strbuf *out, const struct kube_resource *r, const char *ns,
	       const char *name);

/* ---- operations -------------------------------------------------------- */

int kube_get(struct kube_client *c, const struct kube_resource *r, const char *ns,
	     const char *name, json_t **out, struct kerr *err);

struct kube_list_opts {
	const char *label_selector;
	const char *field_selector;
	long limit;             /* page size; 0 = 500 */
	int one_page;           /* stop after the first page (continue in result) */
	const char *resource_version;
	int as_table;           /* ask for meta.k8s.io/v1 Table */
	int metadata_only;      /* ask for PartialObjectMetadataList: items carry
	                           only apiVersion, kind and metadata (much less
	                           to transfer and parse for name listings) */
};
/* List all pages into one <Kind>List (or Table) object. ns NULL = all. */
int kube_list(struct kube_client *c, const struct kube_resource *r, const char *ns,
	      const struct kube_list_opts *opts, json_t **out, struct kerr *err);
/* Stream items page by page without holding them all: cb gets each item
 * (borrowed); returning non-zero stops. *rv_out (may be NULL) gets the
 * list's resourceVersion (malloc'd). */
int kube_list_each(struct kube_client *c, const struct kube_resource *r, const char *ns,
		   const struct kube_list_opts *opts,
		   int (*cb)(json_t *item, void *arg), void *arg,
		   char **rv_out, struct kerr *err);

/* Watch events: type is "ADDED", "MODIFIED", "DELETED", "BOOKMARK", or
 * "SYNC" (obj = array of all current items after a (re)list). Return
 * non-zero from the callback to stop the watch (kube_watch returns 0). */
typedef int (*kube_watch_cb)(const char *type, json_t *obj, void *arg);

struct kube_watch_opts {
	const char *label_selector;
	const char *field_selector;
	const char *resource_version; /* NULL: list first (SYNC), then watch */
	int bookmarks;                /* allowWatchBookmarks */
	int timeout_s;                /* per watch request; 0 = 300 */
	int once;                     /* return when the server closes the stream
	                                 instead of resuming */
};
/* Informer loop: list (SYNC) then watch, resume from the last seen
 * resourceVersion when the stream ends, relist on 410 Gone, reconnect with
 * backoff on network errors. Runs until cancelled or cb returns non-zero. */
int kube_watch(struct kube_client *c, const struct kube_resource *r, const char *ns,
	       const struct kube_watch_opts *opts, kube_watch_cb cb, void *arg,
	       struct kerr *err);

struct kube_apply_opts {
	const char *field_manager;    /* NULL = "kurator" */
	int force;                    /* take ownership on conflicts */
	int dry_run;                  /* dryRun=All */
	const char *default_namespace;/* for namespaced objects without one */
	const char *field_validation; /* NULL = "Strict" */
};
/* Server-side apply of one object (PATCH application/apply-patch+yaml with
 * a JSON body). *created (may be NULL) tells 201 from 200. Conflicts come
 * back as KERR_CONFLICT with the conflicting managers and fields. */
int kube_apply(struct kube_client *c, const json_t *obj, const struct kube_apply_opts *opts,
	       json_t **out, int *created, struct kerr *err);
/* Apply many objects concurrently (the client is thread-safe; the server
 * does the work). Up to `parallel` requests in flight (0 = 8). cb (may be
 * NULL) runs once per object, never two at once, in completion order;
 * returning non-zero stops starting new applies. Returns 0 when no
 * apply failed (and it was not cancelled), else -1 with err naming the first failure (by
 * position) and how many failed. Objects that depend on each other (a CRD
 * and its instances, a Namespace and what goes in it) belong in separate
 * batches. Cancellation of the calling job reaches every request. */
struct kube_apply_result {
	size_t index;               /* position in objs */
	const json_t *obj;          /* borrowed */
	const json_t *live;         /* the server's answer, NULL on error; valid during cb */
	int created;
	const struct kerr *err;     /* NULL on success */
};
int kube_apply_batch(struct kube_client *c, const json_t *objs, const struct kube_apply_opts *opts,
		     int parallel, int (*cb)(const struct kube_apply_result *res, void *arg),
		     void *arg, struct kerr *err);

/* The objects of a manifest stream as kubectl sees them: every document
 * whose kind ends in "List" and that has an items array (List,
 * ConfigMapList, ...) is replaced by its items; nulls are dropped. New
 * array of borrowed-then-increfed objects. */
json_t *kube_objects_flatten(const json_t *docs);
int kube_create(struct kube_client *c, const json_t *obj, const char *default_ns,
		json_t **out, struct kerr *err);
/* content_type: application/merge-patch+json, strategic-merge-patch+json,
 * json-patch+json. */
int kube_patch(struct kube_client *c, const struct kube_resource *r, const char *ns,
	       const char *name, const char *content_type, const char *patch,
	       json_t **out, struct kerr *err);

struct kube_delete_opts {
	const char *propagation;      /* Background (default), Foreground, Orphan */
	int wait;                     /* wait until the object is gone */
	long timeout_ms;              /* for wait; 0 = 60 s */
	int ignore_not_found;
};
int kube_delete(struct kube_client *c, const struct kube_resource *r, const char *ns,
		const char *name, const struct kube_delete_opts *opts, struct kerr *err);

/* Wait until status.conditions[type==cond_type].status == want ("True").
 * On timeout err says which conditions the object has and their messages. */
int kube_wait_condition(struct kube_client *c, const struct kube_resource *r,
			const char *ns, const char *name, const char *cond_type,
			const char *want, long timeout_ms, struct kerr *err);

struct kube_logs_opts {
	const char *container;
	int follow;
	long tail_lines;              /* -1 = all; 0 = none (with follow: new lines only) */
	long since_seconds;           /* 0 = all */
	int timestamps;
	int previous;
};
/* Without a container the pod's default one is used, as kubectl picks it
 * (kubectl.kubernetes.io/default-container, else the first container). */
/* Stream a pod's log; cb gets each line without its newline (borrowed).
 * Return non-zero from cb to stop. */
int kube_logs(struct kube_client *c, const char *ns, const char *pod,
	      const struct kube_logs_opts *opts,
	      int (*cb)(const char *line, size_t len, void *arg), void *arg,
	      struct kerr *err);

/* GET /version: gitVersion into *version (malloc'd). */
int kube_server_version(struct kube_client *c, char **version, struct kerr *err);

#endif
