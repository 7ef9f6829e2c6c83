/* http.c - the client object and one HTTP exchange on libcurl: connection
 * reuse, TLS and auth from the kube_conn, timeouts, retries with backoff,
 * cancellation through the job system.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backends/kube/client-int.h"
#include "lib/evq.h"
#include "lib/log.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"

#define MAX_IDLE_HANDLES 16
#define MAX_BODY (512UL << 20)          /* refuse answers larger than this */
#define TOKEN_FILE_TTL 60               /* re-read tokenFile every minute, as client-go */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static __thread struct job *acting_for;

void kube_thread_act_for(struct job *job)
{
	acting_for = job;
}

int kube_cancelled(void)
{
	return job_cancelled(acting_for ? acting_for : job_current());
}

int kube_sleep_ms(long ms)
{
	long long end = monotime_ms() + ms;

	for (;;) {
		long long left = end - monotime_ms();
		struct timespec ts;
		if (kube_cancelled())
			return -1;
		if (left <= 0)
			return 0;
		if (left > 50)
			left = 50;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

static double rnd01(void)
{
	static __thread uint64_t s;

	if (!s) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)(uintptr_t)&ts ^ 0x9e3779b97f4a7c15ULL;
	}
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (double)(s >> 11) / 9007199254740992.0;
}

/* ---- client ------------------------------------------------------------ */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *arg)
{
	struct kube_client *c = arg;

	(void)h;
	(void)access;
	pthread_mutex_lock(&c->share_locks[(unsigned)data % ARRAY_SIZE(c->share_locks)]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct kube_client *c = arg;

	(void)h;
	pthread_mutex_unlock(&c->share_locks[(unsigned)data % ARRAY_SIZE(c->share_locks)]);
}

/* Split conn->server into base URL, authority and, for tls-server-name, the
 * connect-to entry that keeps connecting to the real address while TLS
 * (SNI and verification) uses the configured name. */
static int parse_server(struct kube_client *c, struct kerr *err)
{
	const char *server = c->conn->server, *auth, *slash;
	struct strbuf sb = STRBUF_INIT;
	size_t scheme_len;
	char *prefix;

	if (!server || !*server)
		return kerr_set(err, KERR_INVALID, "context %s has no server address", c->name);
	auth = strstr(server, "://");
	if (!auth)
		return kerr_set(err, KERR_INVALID, "server \"%s\" of context %s is not a URL (expected https://host:port)",
				server, c->name);
	scheme_len = (size_t)(auth - server);
	if (scheme_len == 5 && !strncasecmp(server, "https", 5))
		c->https = 1;
	else if (!(scheme_len == 4 && !strncasecmp(server, "http", 4)))
		return kerr_set(err, KERR_INVALID, "server \"%s\" of context %s: only http and https are supported",
				server, c->name);
	auth += 3;
	slash = strchr(auth, '/');
	c->authority = slash ? xstrndup(auth, (size_t)(slash - auth)) : xstrdup(auth);
	if (!*c->authority)
		return kerr_set(err, KERR_INVALID, "server \"%s\" of context %s has no host", server, c->name);
	prefix = xstrdup(slash ? slash : "");
	while (*prefix && prefix[strlen(prefix) - 1] == '/')
		prefix[strlen(prefix) - 1] = '\0';

	if (c->https && c->conn->tls_server_name && *c->conn->tls_server_name) {
		const char *colon = strrchr(c->authority, ':');
		const char *bracket = strrchr(c->authority, ']');
		char *host, *port;
		if (colon && (!bracket || colon > bracket)) {
			host = xstrndup(c->authority, (size_t)(colon - c->authority));
			port = xstrdup(colon + 1);
		} else {
			host = xstrdup(c->authority);
			port = xstrdup("443");
		}
		strbuf_addf(&sb, "https://%s:%s%s", c->conn->tls_server_name, port, prefix);
		c->connect_to = xasprintf("%s:%s:%s:%s", c->conn->tls_server_name, port, host, port);
		c->host_header = xasprintf("Host: %s", c->authority);
		free(host);
		free(port);
	} else {
		strbuf_add(&sb, server, scheme_len + 3);
		strbuf_addstr(&sb, c->authority);
		strbuf_addstr(&sb, prefix);
	}
	free(prefix);
	c->base_url = strbuf_detach(&sb, NULL);
	return 0;
}

struct kube_client *kube_client_new(const struct kube_conn *conn,
				    const struct kube_client_opts *opts, struct kerr *err)
{
	struct kube_client *c;
	size_t i;

	if (!conn)
		return kerr_set(err, KERR_INVALID, "no connection to create a client for"), NULL;
	pthread_once(&curl_once, curl_init_once);
	c = xcalloc(1, sizeof *c);
	c->conn = kube_conn_dup(conn);
	c->name = xstrdup(conn->context && *conn->context ? conn->context :
			  conn->server ? conn->server : "?");
	if (opts)
		c->opts = *opts;
	if (c->opts.timeout_ms <= 0)
		c->opts.timeout_ms = 30000;
	if (c->opts.connect_timeout_ms <= 0)
		c->opts.connect_timeout_ms = 10000;
	if (c->opts.retries == 0)
		c->opts.retries = 3;
	else if (c->opts.retries < 0)
		c->opts.retries = 0;
	c->user_agent = xstrdup(opts && opts->user_agent ? opts->user_agent : "kurator/" KURATOR_VERSION);
	c->opts.user_agent = c->user_agent;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->disc_lock, NULL);
	for (i = 0; i < ARRAY_SIZE(c->share_locks); i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	c->share = curl_share_init();
	if (c->share) {
		curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
		curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
		curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	if (parse_server(c, err) < 0) {
		kube_client_free(c);
		return NULL;
	}
	return c;
}

void kube_client_free(struct kube_client *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nidle; i++)
		curl_easy_cleanup(c->idle[i]);
	free(c->idle);
	if (c->share)
		curl_share_cleanup(c->share);
	kube_disc_free_all(c);
	for (i = 0; i < ARRAY_SIZE(c->share_locks); i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->disc_lock);
	free_secret(c->file_token);
	kube_conn_free(c->conn);
	free(c->user_agent);
	free(c->name);
	free(c->base_url);
	free(c->authority);
	free(c->connect_to);
	free(c->host_header);
	free(c);
}

const struct kube_conn *kube_client_conn(const struct kube_client *c)
{
	return c ? c->conn : NULL;
}

const char *kube_client_name(const struct kube_client *c)
{
	return c ? c->name : NULL;
}

void kube_resp_init(struct kube_resp *r)
{
	r->status = 0;
	strbuf_init(&r->body, 0);
	r->content_type[0] = '\0';
}

void kube_resp_release(struct kube_resp *r)
{
	if (!r)
		return;
	strbuf_release(&r->body);
	r->status = 0;
	r->content_type[0] = '\0';
}

/* ---- handle pool --------------------------------------------------------- */

static CURL *handle_get(struct kube_client *c)
{
	CURL *h = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->nidle)
		h = c->idle[--c->nidle];
	pthread_mutex_unlock(&c->lock);
	if (!h)
		h = curl_easy_init();
	else
		curl_easy_reset(h);   /* keeps its live connection */
	return h;
}

static void handle_put(struct kube_client *c, CURL *h)
{
	pthread_mutex_lock(&c->lock);
	if (c->nidle < MAX_IDLE_HANDLES) {
		if (c->nidle == c->aidle) {
			c->aidle = c->aidle ? c->aidle * 2 : 4;
			c->idle = xrealloc(c->idle, c->aidle * sizeof *c->idle);
		}
		c->idle[c->nidle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	if (h)
		curl_easy_cleanup(h);
}

/* ---- credentials ----------------------------------------------------------- */

struct creds {
	char *token, *cert, *key;     /* secrets, malloc'd */
};

static void creds_release(struct creds *cr)
{
	free_secret(cr->token);
	free_secret(cr->cert);
	free_secret(cr->key);
	memset(cr, 0, sizeof *cr);
}

static int read_token_file(struct kube_client *c, int force, char **out, struct kerr *err)
{
	int rc = 0;
	time_t now = time(NULL);

	pthread_mutex_lock(&c->lock);
	if (force || !c->file_token || now - c->file_token_at >= TOKEN_FILE_TTL) {
		struct strbuf sb = STRBUF_INIT;
		if (strbuf_read_file(&sb, c->conn->token_file) < 0) {
			int e = errno;
			kerr_set(err, KERR_AUTH, "cannot read the token file %s of context %s: %s",
				 c->conn->token_file, c->name, strerror(e));
			rc = -1;
		} else {
			strbuf_trim(&sb);
			free_secret(c->file_token);
			c->file_token = strbuf_detach(&sb, NULL);
			c->file_token_at = now;
		}
		if (sb.alloc)
			memset(sb.buf, 0, sb.alloc);
		strbuf_release(&sb);
	}
	if (!rc)
		*out = xstrdup(c->file_token);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int get_creds(struct kube_client *c, int refresh, struct creds *cr, struct kerr *err)
{
	const struct kube_conn *k = c->conn;

	memset(cr, 0, sizeof *cr);
	if (k->token && *k->token) {
		cr->token = xstrdup(k->token);
	} else if (k->token_file && *k->token_file) {
		if (read_token_file(c, refresh, &cr->token, err) < 0)
			return -1;
	} else if (k->exec) {
		if (refresh)
			kube_exec_invalidate(k->exec);
		if (kube_exec_credential(k->exec, k->cluster_info_json, &cr->token, &cr->cert,
					 &cr->key, err) < 0) {
			creds_release(cr);
			return kerr_prefix(err, "getting credentials for context %s", c->name);
		}
	}
	return 0;
}

static int can_refresh(const struct kube_client *c)
{
	const struct kube_conn *k = c->conn;

	return !(k->token && *k->token) && ((k->token_file && *k->token_file) || k->exec);
}

/* ---- one exchange ------------------------------------------------------------ */

struct xfer {
	const struct kube_call *call;
	struct kube_resp *resp;
	long status;
	long retry_after;
	int stopped;
	int delivered;
	int too_big;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (len > 5 && !strncmp(p, "HTTP/", 5)) {
		const char *sp = memchr(p, ' ', len);
		x->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		x->retry_after = -1;
		x->resp->content_type[0] = '\0';
	} else if (len > 13 && !strncasecmp(p, "content-type:", 13)) {
		size_t i = 13, j;
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		j = len;
		while (j > i && (p[j - 1] == '\r' || p[j - 1] == '\n' || p[j - 1] == ' '))
			j--;
		if (j - i >= sizeof x->resp->content_type)
			j = i + sizeof x->resp->content_type - 1;
		memcpy(x->resp->content_type, p + i, j - i);
		x->resp->content_type[j - i] = '\0';
	} else if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		char tmp[32];
		size_t m = len - 12 < sizeof tmp - 1 ? len - 12 : sizeof tmp - 1;
		char *end;
		long v;
		memcpy(tmp, p + 12, m);
		tmp[m] = '\0';
		v = strtol(tmp, &end, 10);
		if (end != tmp && v >= 0)
			x->retry_after = v;
	}
	return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (x->call->on_data && x->status >= 200 && x->status < 300) {
		x->delivered = 1;
		if (x->call->on_data(p, len, x->call->arg)) {
			x->stopped = 1;
			return 0;
		}
		return len;
	}
	if (x->resp->body.len + len > MAX_BODY) {
		x->too_big = 1;
		return 0;
	}
	strbuf_add(&x->resp->body, p, len);
	return len;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)arg;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return kube_cancelled();
}

static struct curl_slist *add_header(struct curl_slist *l, const char *h)
{
	struct curl_slist *n = curl_slist_append(l, h);

	if (!n) {
		fprintf(stderr, "kurator: out of memory\n");
		exit(1);
	}
	return n;
}

static void free_headers(struct curl_slist *l)
{
	struct curl_slist *i;

	/* the Authorization line is a secret: wipe every line before freeing */
	for (i = l; i; i = i->next)
		if (i->data)
			memset(i->data, 0, strlen(i->data));
	curl_slist_free_all(l);
}

static void setup(struct kube_client *c, CURL *h, const struct kube_call *call,
		  const struct creds *cr, struct xfer *x, char *errbuf,
		  struct curl_slist **headers, struct curl_slist **connect_to, const char *url)
{
	const struct kube_conn *k = c->conn;
	struct curl_slist *hl = NULL;
	struct strbuf line = STRBUF_INIT;
	long timeout = call->timeout_ms ? call->timeout_ms :
		       call->on_data ? 0 : c->opts.timeout_ms;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	if (c->share)
		curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	if (k->proxy_url && *k->proxy_url)
		curl_easy_setopt(h, CURLOPT_PROXY, k->proxy_url);

	if (!strcmp(call->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(call->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call->method);
		if (call->body || strcmp(call->method, "DELETE")) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, call->body ? call->body : "");
		}
	}

	strbuf_addf(&line, "Accept: %s", call->accept ? call->accept : "application/json");
	hl = add_header(hl, line.buf);
	if (call->content_type) {
		strbuf_reset(&line);
		strbuf_addf(&line, "Content-Type: %s", call->content_type);
		hl = add_header(hl, line.buf);
	}
	strbuf_release(&line);
	hl = add_header(hl, "Expect:");   /* no 100-continue round trip */
	if (c->host_header)
		hl = add_header(hl, c->host_header);

	if (c->https) {
		if (k->ca_pem && k->ca_len) {
			/* the conn lives as long as the client: no copy per request */
			struct curl_blob b = { .data = k->ca_pem, .len = k->ca_len, .flags = CURL_BLOB_NOCOPY };
			curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b);
		}
		if (k->insecure) {
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		{
			const char *cert = cr->cert ? cr->cert : k->cert_pem;
			const char *key = cr->key ? cr->key : k->key_pem;
			size_t cert_len = cr->cert ? strlen(cr->cert) : k->cert_len;
			size_t key_len = cr->key ? strlen(cr->key) : k->key_len;
			if (cert && cert_len && key && key_len) {
				/* exec credentials are freed after the request: copy those */
				unsigned int fl = cr->cert || cr->key ? CURL_BLOB_COPY : CURL_BLOB_NOCOPY;
				struct curl_blob cb = { .data = (void *)cert, .len = cert_len, .flags = fl };
				struct curl_blob kb = { .data = (void *)key, .len = key_len, .flags = fl };
				curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cb);
				curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
				curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &kb);
				curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
			}
		}
		if (c->connect_to) {
			*connect_to = curl_slist_append(NULL, c->connect_to);
			curl_easy_setopt(h, CURLOPT_CONNECT_TO, *connect_to);
		}
		/* Like client-go, credentials only travel over TLS. */
		if (cr->token && *cr->token) {
			struct strbuf a = STRBUF_INIT;
			strbuf_addf(&a, "Authorization: Bearer %s", cr->token);
			hl = add_header(hl, a.buf);
			memset(a.buf, 0, a.len);
			strbuf_release(&a);
		} else if (k->username && *k->username) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(h, CURLOPT_USERNAME, k->username);
			curl_easy_setopt(h, CURLOPT_PASSWORD, k->password ? k->password : "");
		}
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	*headers = hl;
}

static int have_cert(const struct kube_client *c, const struct creds *cr)
{
	return c->https && ((c->conn->cert_pem && c->conn->cert_len) || cr->cert);
}

int kube_call_do(struct kube_client *c, const struct kube_call *call,
		 struct kube_resp *resp, int *stopped, struct kerr *err)
{
	struct kube_resp local;
	struct strbuf url = STRBUF_INIT;
	int attempt = 0, refreshed = 0, rc = -1;

	if (stopped)
		*stopped = 0;
	if (!resp) {
		kube_resp_init(&local);
		resp = &local;
	}
	strbuf_addstr(&url, c->base_url);
	strbuf_addstr(&url, call->path);

	for (;;) {
		struct xfer x = { .call = call, .resp = resp, .retry_after = -1 };
		struct curl_slist *headers = NULL, *connect_to = NULL;
		char errbuf[CURL_ERROR_SIZE] = "";
		struct creds cr;
		CURLcode cc;
		curl_off_t appconnect = 0;
		long req_size = 0;
		long long t0;
		int retry, cert;
		CURL *h;

		if (kube_cancelled()) {
			kerr_set(err, KERR_CANCELLED, "cancelled");
			break;
		}
		if (get_creds(c, refreshed == 1, &cr, err) < 0)
			break;
		if (refreshed == 1)
			refreshed = 2;
		strbuf_reset(&resp->body);
		resp->status = 0;
		resp->content_type[0] = '\0';
		h = handle_get(c);
		if (!h) {
			creds_release(&cr);
			kerr_set(err, KERR_FAIL, "cannot create an HTTP handle");
			break;
		}
		setup(c, h, call, &cr, &x, errbuf, &headers, &connect_to, url.buf);
		t0 = monotime_ms();
		cc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &appconnect);
		curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &req_size);
		if (cc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		else
			resp->status = x.status;
		/* Drop the options (blob copies, pointers into this call) before
		 * the handle waits in the pool; its connection stays open. */
		curl_easy_reset(h);
		handle_put(c, h);
		free_headers(headers);
		curl_slist_free_all(connect_to);
		cert = have_cert(c, &cr);
		creds_release(&cr);
		/* no headers, no bodies: the path and the outcome only */
		log_debug("kube %s: %s %s -> %ld%s%s (%lld ms, attempt %d)", c->name, call->method,
			  call->path, resp->status, cc ? ", " : "", cc ? curl_easy_strerror(cc) : "",
			  monotime_ms() - t0, attempt + 1);

		if (x.stopped) {
			if (stopped)
				*stopped = 1;
			rc = 0;
			break;
		}
		if (cc == CURLE_WRITE_ERROR && x.too_big) {
			kerr_set(err, KERR_FAIL, "%s %s: the answer is larger than %lu MB",
				 call->method, call->path, MAX_BODY >> 20);
			break;
		}
		if (cc != CURLE_OK) {
			retry = !call->no_retry && !x.delivered && attempt < c->opts.retries &&
				kube_retry_classify(call->method, call->content_type, cc, x.status,
						    req_size > 0, cert);
			if (retry) {
				if (kube_sleep_ms(kube_retry_delay_ms(attempt, -1, rnd01())) < 0) {
					kerr_set(err, KERR_CANCELLED, "cancelled");
					break;
				}
				attempt++;
				continue;
			}
			kube_curl_error(err, c, cc, errbuf, appconnect > 0, cert);
			break;
		}
		if (resp->status >= 200 && resp->status < 300) {
			rc = 0;
			break;
		}
		if (resp->status == 401 && !refreshed && can_refresh(c)) {
			refreshed = 1;   /* expired token: read or run it again, once */
			continue;
		}
		retry = !call->no_retry && attempt < c->opts.retries &&
			kube_retry_classify(call->method, call->content_type, CURLE_OK,
					    resp->status, 1, cert);
		if (retry) {
			if (kube_sleep_ms(kube_retry_delay_ms(attempt, x.retry_after, rnd01())) < 0) {
				kerr_set(err, KERR_CANCELLED, "cancelled");
				break;
			}
			attempt++;
			continue;
		}
		kube_status_decode(resp->status, resp->body.buf, resp->body.len, err);
		break;
	}
	strbuf_release(&url);
	if (resp == &local)
		kube_resp_release(&local);
	return rc;
}

int kube_request(struct kube_client *c, const char *method, const char *path,
		 const char *accept, const char *content_type,
		 const void *body, size_t body_len, struct kube_resp *resp, struct kerr *err)
{
	struct kube_call call = {
		.method = method, .path = path, .accept = accept,
		.content_type = content_type, .body = body, .body_len = body_len,
	};

	if (!c || !method || !path || path[0] != '/')
		return kerr_set(err, KERR_USAGE, "bad request: method and an absolute path are needed");
	if (kube_call_do(c, &call, resp, NULL, err) < 0)
		return kerr_prefix(err, "%s %s on %s", method, path, c->name);
	return 0;
}
