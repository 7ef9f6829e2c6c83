/* status.c - Kubernetes Status errors, transport errors and the retry
 * policy: everything that turns a failed exchange into one clear line.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "backends/kube/client-int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

static const struct {
	const char *reason;
	enum kerr_kind kind;
} reason_kinds[] = {
	{ "NotFound", KERR_NOTFOUND },
	{ "AlreadyExists", KERR_CONFLICT },
	{ "Conflict", KERR_CONFLICT },
	{ "Unauthorized", KERR_AUTH },
	{ "Forbidden", KERR_AUTH },
	{ "Invalid", KERR_INVALID },
	{ "BadRequest", KERR_INVALID },
	{ "NotAcceptable", KERR_INVALID },
	{ "UnsupportedMediaType", KERR_INVALID },
	{ "RequestEntityTooLarge", KERR_INVALID },
	{ "MethodNotAllowed", KERR_INVALID },
	{ "Gone", KERR_GONE },
	{ "Expired", KERR_GONE },
	{ "Timeout", KERR_TIMEOUT },
	{ "ServerTimeout", KERR_TIMEOUT },
	{ "TooManyRequests", KERR_NETWORK },
	{ "ServiceUnavailable", KERR_NETWORK },
	{ "InternalError", KERR_FAIL },
};

static enum kerr_kind kind_from_http(long code)
{
	switch (code) {
	case 400: case 405: case 406: case 413: case 415: case 422:
		return KERR_INVALID;
	case 401: case 403:
		return KERR_AUTH;
	case 404:
		return KERR_NOTFOUND;
	case 409:
		return KERR_CONFLICT;
	case 410:
		return KERR_GONE;
	case 408: case 504:
		return KERR_TIMEOUT;
	case 429: case 502: case 503:
		return KERR_NETWORK;
	default:
		return KERR_FAIL;
	}
}

static enum kerr_kind kind_from_reason(const char *reason, long code)
{
	size_t i;

	for (i = 0; reason && i < ARRAY_SIZE(reason_kinds); i++)
		if (!strcmp(reason, reason_kinds[i].reason))
			return reason_kinds[i].kind;
	return kind_from_http(code);
}

static const char *http_text(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* A readable excerpt of a non-JSON body: tags dropped, whitespace folded,
 * at most max characters. */
static void summarise(struct strbuf *out, const char *body, size_t len, size_t max)
{
	size_t i, start = out->len;
	int in_tag = 0, space = 0;

	for (i = 0; i < len && out->len - start < max; i++) {
		unsigned char ch = (unsigned char)body[i];
		if (ch == '<') {
			in_tag = 1;
			continue;
		}
		if (in_tag) {
			if (ch == '>') {
				in_tag = 0;
				space = 1;
			}
			continue;
		}
		if (isspace(ch) || ch < 0x20) {
			space = 1;
			continue;
		}
		if (space && out->len > start)
			strbuf_addch(out, ' ');
		space = 0;
		strbuf_addch(out, (char)ch);
	}
	if (i < len && out->len - start >= max)
		strbuf_addstr(out, "...");
}

static void add_causes(struct strbuf *msg, const json_t *causes)
{
	size_t i, n = 0;
	json_t *cause;

	json_array_foreach(causes, i, cause) {
		const char *cm = json_string_value(json_object_get(cause, "message"));
		const char *field = json_string_value(json_object_get(cause, "field"));
		const char *reason = json_string_value(json_object_get(cause, "reason"));
		if (!cm || !*cm)
			cm = reason;
		if (!cm || !*cm)
			continue;
		/* Invalid messages usually repeat their causes already. */
		if (strstr(msg->buf, cm))
			continue;
		strbuf_addstr(msg, n++ ? "; " : ": ");
		if (field && *field)
			strbuf_addf(msg, "%s: ", field);
		strbuf_addstr(msg, cm);
	}
}

int kube_status_decode(long http_status, const char *body, size_t len, struct kerr *err)
{
	struct strbuf msg = STRBUF_INIT;
	json_t *st = NULL;
	const char *reason = NULL, *message = NULL;
	long code = http_status;
	enum kerr_kind kind;

	if (body && len)
		st = json_loadb(body, len, 0, NULL);
	if (st && json_is_object(st)) {
		const char *k = json_string_value(json_object_get(st, "kind"));
		reason = json_string_value(json_object_get(st, "reason"));
		message = json_string_value(json_object_get(st, "message"));
		if (!code && json_is_integer(json_object_get(st, "code")))
			code = (long)json_integer_value(json_object_get(st, "code"));
		if (!k || strcmp(k, "Status"))
			reason = message = NULL;
	}
	if (message && *message) {
		strbuf_addstr(&msg, message);
		add_causes(&msg, json_object_get(json_object_get(st, "details"), "causes"));
	} else if (st && reason && *reason) {
		strbuf_addf(&msg, "the server reported %s (HTTP %ld)", reason, code);
		add_causes(&msg, json_object_get(json_object_get(st, "details"), "causes"));
	} else {
		const char *t = http_text(code);
		strbuf_addf(&msg, "the server responded with HTTP %ld%s%s", code, *t ? " " : "", t);
		if (body && len) {
			strbuf_addstr(&msg, ": ");
			summarise(&msg, body, len, 200);
		}
	}
	kind = kind_from_reason(reason, code);
	kerr_set(err, kind, "%s", msg.buf);
	if (err) {
		err->http = (int)code;
		if (reason)
			snprintf(err->reason, sizeof err->reason, "%s", reason);
		if (code == 401)
			kerr_hint(err, "check the credentials of this context: token expired, or client certificate not trusted by the server");
	}
	json_decref(st);
	strbuf_release(&msg);
	return -1;
}

int kube_curl_error(struct kerr *err, const struct kube_client *c, int curl_code,
		    const char *detail, int tls_done, int have_client_cert)
{
	const char *server = c && c->base_url ? c->base_url : "the server";
	const char *why = detail && *detail ? detail : curl_easy_strerror((CURLcode)curl_code);
	enum kerr_kind kind = KERR_NETWORK;
	const char *hint = NULL;

	switch (curl_code) {
	case CURLE_ABORTED_BY_CALLBACK:
		return kerr_set(err, KERR_CANCELLED, "cancelled");
	case CURLE_OPERATION_TIMEDOUT:
		kind = KERR_TIMEOUT;
		hint = "the server is slow or unreachable; a longer --request-timeout may help";
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		hint = "check the server address in the kubeconfig";
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		hint = "check proxy-url in the kubeconfig and the *_proxy environment variables";
		break;
	case CURLE_COULDNT_CONNECT:
		hint = "is the cluster running and the address in the kubeconfig right?";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		hint = "the server certificate does not match the cluster's certificate-authority or "
		       "its name; check certificate-authority-data and tls-server-name";
		break;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		kind = KERR_AUTH;
		hint = "the client certificate, key or CA in the kubeconfig cannot be used; check they are PEM and match";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		hint = "TLS handshake failed; is this an https endpoint, and does it accept this client?";
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		/* TLS 1.3: a refused client certificate shows up on the first
		 * read or write after the handshake, not during it. */
		if (tls_done && have_client_cert) {
			kind = KERR_AUTH;
			return kerr_set(err, kind, "%s (context %s): %s: server rejected the client certificate?"
					" (try: check client-certificate-data/client-key-data belong to a CA the server trusts)",
					server, c && c->name ? c->name : "?", why);
		}
		break;
	default:
		break;
	}
	kerr_set(err, kind, "%s (context %s): %s", server, c && c->name ? c->name : "?", why);
	if (hint)
		kerr_hint(err, "%s", hint);
	return -1;
}

static int is_idempotent(const char *method, const char *content_type)
{
	if (!strcasecmp(method, "POST"))
		return 0;
	/* A JSON patch may add to lists: repeating it is not harmless. */
	if (!strcasecmp(method, "PATCH") && content_type &&
	    strstr(content_type, "json-patch+json"))
		return 0;
	return 1;
}

int kube_retry_classify(const char *method, const char *content_type, int curl_code,
			long http_status, int request_sent, int have_client_cert)
{
	if (curl_code == CURLE_OK) {
		if (http_status == 429)
			return 1;   /* throttled before it was processed */
		if (http_status == 500 || http_status == 502 || http_status == 503 ||
		    http_status == 504)
			return is_idempotent(method, content_type);
		return 0;
	}
	switch (curl_code) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return 1;   /* nothing was sent */
	case CURLE_OPERATION_TIMEDOUT:
		return !request_sent;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (have_client_cert && !http_status)
			return 0;   /* most likely a refused certificate */
		/* fall through */
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return !request_sent || is_idempotent(method, content_type);
	default:
		return 0;
	}
}

long kube_retry_delay_ms(int attempt, long retry_after_s, double rnd)
{
	long d;

	if (retry_after_s >= 0)
		return (retry_after_s > 10 ? 10 : retry_after_s) * 1000 + (long)(rnd * 100);
	d = 200L << (attempt > 5 ? 5 : attempt);
	if (d > 5000)
		d = 5000;
	/* "equal jitter": half fixed, half random, so retries spread out. */
	return d / 2 + (long)(rnd * (double)(d / 2));
}
