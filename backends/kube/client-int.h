/* client-int.h - internals shared by the files of the Kubernetes client
 * (http.c, status.c, discovery.c, ops.c, watch.c, apply.c, logs.c).
 * Not for use outside backends/kube/ and its tests.
 */
#ifndef KURATOR_KUBE_CLIENT_INT_H
#define KURATOR_KUBE_CLIENT_INT_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "backends/kube/client.h"

struct kube_disc;

struct kube_client {
	struct kube_conn *conn;          /* owned copy */
	struct kube_client_opts opts;    /* defaults filled in */
	char *user_agent;
	char *name;                      /* context name or server, for messages */
	char *base_url;                  /* scheme://host:port/prefix, no trailing '/' */
	char *authority;                 /* host:port as written in server */
	char *connect_to;                /* CURLOPT_CONNECT_TO entry (tls-server-name) */
	char *host_header;               /* "Host: authority" with tls-server-name */
	int https;

	pthread_mutex_t lock;            /* idle handles, file token */
	void **idle;                     /* CURL * easy handles ready for reuse */
	size_t nidle, aidle;
	void *share;                     /* CURLSH: DNS cache and TLS sessions */
	pthread_mutex_t share_locks[8];
	char *file_token;                /* secret: last token read from token_file */
	time_t file_token_at;

	pthread_mutex_t disc_lock;       /* discovery state */
	struct kube_disc *disc;          /* current discovery, NULL before the first */
	struct kube_disc **old_disc;     /* replaced ones, kept alive until free */
	size_t nold;
};

/* ---- one HTTP exchange (http.c) ----------------------------------------- */

struct kube_call {
	const char *method;
	const char *path;                /* with query string */
	const char *accept;              /* NULL = application/json */
	const char *content_type;
	const void *body;
	size_t body_len;
	/* Streaming (watch, logs): when on_data is set, a 2xx body is handed
	 * to it chunk by chunk instead of being kept; it returns 0 to go on or
	 * non-zero to stop the transfer (kube_call_do then returns 0). There is
	 * no total timeout unless timeout_ms is set. */
	int (*on_data)(const char *p, size_t n, void *arg);
	void *arg;
	long timeout_ms;                 /* 0: client default (none for streams) */
	int no_retry;
};

/* Perform the call with retries, auth and cancellation. resp (may be NULL
 * for streams) receives status, content type and a non-streamed body.
 * Returns 0 on 2xx; -1 with err decoded otherwise. *stopped (may be NULL)
 * is set when on_data asked to stop. */
int kube_call_do(struct kube_client *c, const struct kube_call *call,
		 struct kube_resp *resp, int *stopped, struct kerr *err);

/* Retry policy, pure for tests: method and content type, libcurl result
 * code, HTTP status (0 if none), whether any of the request went out, and
 * whether a client certificate is in use. Returns 1 if the attempt may be
 * repeated. */
int kube_retry_classify(const char *method, const char *content_type, int curl_code,
			long http_status, int request_sent, int have_client_cert);
/* Delay before retry number attempt (0-based): Retry-After when given
 * (capped), else exponential backoff with jitter; rnd in [0,1). */
long kube_retry_delay_ms(int attempt, long retry_after_s, double rnd);

/* Sleep up to ms, in slices, returning -1 early if the current job is
 * cancelled. */
int kube_sleep_ms(long ms);
int kube_cancelled(void);
/* Worker threads of a call made inside a job act for that job: its
 * cancellation aborts their transfers too. NULL clears. */
struct job;
void kube_thread_act_for(struct job *job);

/* Transport failure (libcurl code) into err: which server, why, a hint. */
int kube_curl_error(struct kerr *err, const struct kube_client *c, int curl_code,
		    const char *detail, int tls_done, int have_client_cert);

/* ---- helpers ----------------------------------------------------------- */

/* "pods/web in default on host" style context for messages. */
void kube_what(struct strbuf *sb, const struct kube_resource *r, const char *ns,
	       const char *name);
/* Add "&k=v" or "?k=v" (value url-encoded) depending on what sb holds. */
void kube_query_add(struct strbuf *sb, const char *key, const char *value);
/* Resolve an object's resource (by apiVersion and kind) and namespace
 * (metadata.namespace, else default_ns, else the context's; NULL for
 * cluster-scoped kinds). */
int kube_object_target(struct kube_client *c, const json_t *obj, const char *default_ns,
		       const struct kube_resource **r, const char **ns, struct kerr *err);
/* The namespace an operation on r uses: ns, else the context's, else
 * "default"; NULL for cluster-scoped resources. */
const char *kube_ns_or_default(struct kube_client *c, const struct kube_resource *r,
			       const char *ns);
const char *kube_kind_of(const json_t *obj);   /* "object" when missing */
/* Parse a JSON body; KERR_INVALID when it is not JSON. */
json_t *kube_parse_json(const struct kube_resp *resp, const char *what, struct kerr *err);

/* ---- watch stream lines (watch.c) ---------------------------------------- */

/* Splits a byte stream into lines; calls on_line for each complete one
 * (without '\n', NUL-terminated in place). A non-zero return from on_line
 * stops feeding and is returned. */
struct kube_lines {
	struct strbuf buf;
	int (*on_line)(char *line, size_t len, void *arg);
	void *arg;
};
void kube_lines_init(struct kube_lines *l, int (*on_line)(char *, size_t, void *), void *arg);
int kube_lines_feed(struct kube_lines *l, const char *p, size_t n);
int kube_lines_flush(struct kube_lines *l);      /* deliver a last partial line */
void kube_lines_release(struct kube_lines *l);

/* Watch internals shared with delete --wait and wait-for-condition:
 * deadline_ms (0 = none) is an absolute CLOCK_MONOTONIC time in ms; when it
 * passes the call fails with KERR_TIMEOUT. */
int kube_watch_until(struct kube_client *c, const struct kube_resource *r, const char *ns,
		     const struct kube_watch_opts *opts, long long deadline_ms,
		     kube_watch_cb cb, void *arg, struct kerr *err);

/* ---- discovery (discovery.c) ------------------------------------------- */

void kube_disc_free_all(struct kube_client *c);
/* Parse discovery documents into a resource table; exposed for tests:
 * aggregated: the /api and /apis APIGroupDiscoveryList objects (either may
 * be NULL). Returns a new table or NULL with err. */
struct kube_disc *kube_disc_from_aggregated(const json_t *api, const json_t *apis,
					    struct kerr *err);
/* legacy: groups is a JSON array of {"name","preferredVersion", "lists":
 * [APIResourceList...]} in server order (core first with name ""). */
struct kube_disc *kube_disc_from_legacy(const json_t *groups, struct kerr *err);
struct kube_disc *kube_disc_from_cache_json(const json_t *doc, struct kerr *err);
json_t *kube_disc_to_cache_json(const struct kube_disc *d);
void kube_disc_free(struct kube_disc *d);
/* Resolution on a table, without the client (tests). */
int kube_disc_resolve(const struct kube_disc *d, const char *what,
		      const struct kube_resource **out, struct kerr *err);
int kube_disc_resolve_gvk(const struct kube_disc *d, const char *api_version,
			  const char *kind, const struct kube_resource **out,
			  struct kerr *err);
const struct kube_resource *const *kube_disc_resources(const struct kube_disc *d);

#endif
