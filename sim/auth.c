/* auth.c - service-account tokens and the authn/authz review APIs.
 *
 * Service-account tokens are JWT-shaped (header.payload.signature, HS256
 * keyed with the cluster's admin secret), so they verify without a table
 * and keep working after a restart from --state-dir. Served here:
 * serviceaccounts/token (TokenRequest, `kubectl create token`),
 * authentication.k8s.io/v1 selfsubjectreviews (`kubectl auth whoami`) and
 * tokenreviews, authorization.k8s.io/v1 selfsubjectaccessreviews (`kubectl
 * auth can-i`) and subjectaccessreviews.
 */
#include "sim/core.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"

static void b64url(struct strbuf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		strbuf_addch(out, tab[p[i] >> 2]);
		strbuf_addch(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		strbuf_addch(out, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		strbuf_addch(out, tab[p[i + 2] & 63]);
	}
	if (i < n) {
		strbuf_addch(out, tab[p[i] >> 2]);
		if (i + 1 < n) {
			strbuf_addch(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
			strbuf_addch(out, tab[(p[i + 1] & 15) << 2]);
		} else {
			strbuf_addch(out, tab[(p[i] & 3) << 4]);
		}
	}
}

static int b64url_decode(const char *s, size_t n, struct strbuf *out)
{
	unsigned v = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char c = s[i];
		int d;
		if (c >= 'A' && c <= 'Z') d = c - 'A';
		else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
		else if (c >= '0' && c <= '9') d = c - '0' + 52;
		else if (c == '-' || c == '+') d = 62;
		else if (c == '_' || c == '/') d = 63;
		else if (c == '=') break;
		else return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(out, (int)((v >> bits) & 0xff));
		}
	}
	return 0;
}

static void sign(const struct sim_cluster *cl, const char *data, size_t len, unsigned char mac[32])
{
	unsigned int mlen = 32;

	HMAC(EVP_sha256(), cl->admin_token, (int)strlen(cl->admin_token), (const unsigned char *)data, len,
	     mac, &mlen);
}

int sim_cluster_issue_sa_token(struct sim_cluster *cl, const char *ns, const char *sa,
			       long expiration_seconds, char **token, int64_t *expires)
{
	struct strbuf tok = STRBUF_INIT;
	json_t *payload;
	char *ps, sub[600];
	unsigned char mac[32];
	int64_t now = (int64_t)time(NULL), exp = now + (expiration_seconds > 0 ? expiration_seconds : 3600);
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

	snprintf(sub, sizeof sub, "system:serviceaccount:%s:%s", ns, sa);
	payload = json_pack("{s:s,s:s,s:I,s:I,s:[s],s:{s:s,s:{s:s}}}", "iss", "kurator-sim", "sub", sub,
			    "iat", (json_int_t)now, "exp", (json_int_t)exp, "aud", "https://kubernetes.default.svc",
			    "kubernetes.io", "namespace", ns, "serviceaccount", "name", sa);
	ps = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	b64url(&tok, (const unsigned char *)header, strlen(header));
	strbuf_addch(&tok, '.');
	b64url(&tok, (const unsigned char *)ps, strlen(ps));
	free(ps);
	sign(cl, tok.buf, tok.len, mac);
	strbuf_addch(&tok, '.');
	b64url(&tok, mac, sizeof mac);
	*token = strbuf_detach(&tok, NULL);
	if (expires)
		*expires = exp;
	return 0;
}

int sim_auth_verify_sa_token(struct sim_cluster *cl, const char *token, struct sim_identity *id)
{
	const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char mac[32];
	struct strbuf got = STRBUF_INIT, payload = STRBUF_INIT;
	json_t *p = NULL;
	const char *sub;
	int rc = -1;

	if (!d1 || !d2 || strchr(d2 + 1, '.') || !cl->admin_token)
		return -1;
	sign(cl, token, (size_t)(d2 - token), mac);
	if (b64url_decode(d2 + 1, strlen(d2 + 1), &got) || got.len != sizeof mac ||
	    CRYPTO_memcmp(got.buf, mac, sizeof mac))
		goto out;
	if (b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &payload))
		goto out;
	p = json_loadb(payload.buf, payload.len, 0, NULL);
	sub = json_string_value(json_object_get(p, "sub"));
	if (!sub || json_integer_value(json_object_get(p, "exp")) < (json_int_t)time(NULL))
		goto out;
	snprintf(id->user, sizeof id->user, "%s", sub);
	snprintf(id->groups, sizeof id->groups, "system:serviceaccounts,system:serviceaccounts:%s,system:authenticated",
		 json_string_value(json_object_get(json_object_get(p, "kubernetes.io"), "namespace")) ?: "");
	rc = 0;
out:
	json_decref(p);
	strbuf_release(&got);
	strbuf_release(&payload);
	return rc;
}

/* ---- handlers ------------------------------------------------------------------ */

static int body_json(const struct sim_req *req, json_t **out, struct kerr *err)
{
	const char *ct = sim_req_header(req, "Content-Type");

	*out = NULL;
	if (ct && strstr(ct, "protobuf"))
		return sim_proto_decode(req->body, req->body_len, out, err);
	*out = req->body_len ? json_loadb(req->body, req->body_len, 0, NULL) : json_object();
	if (!*out)
		return sim_kerr_http(err, 400, "BadRequest", "the request body is not JSON");
	return 0;
}

static json_t *groups_array(const char *csv)
{
	return sim_csv_array(csv);
}

/* POST /api/v1/namespaces/NS/serviceaccounts/NAME/token */
static int token_request(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *body, *sa, *spec;
	char *token, ts[32];
	int64_t exp;
	time_t t;
	struct tm tm;

	if (strcmp(req->verb, "create"))
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	if (sim_store_get(req->cl->store, req->type, req->ns, req->name, &sa, err))
		return -1;
	json_decref(sa);
	if (body_json(req, &body, err))
		return -1;
	spec = json_object_get(body, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(body, "spec", spec);
	}
	sim_cluster_issue_sa_token(req->cl, req->ns, req->name,
				   (long)json_integer_value(json_object_get(spec, "expirationSeconds")), &token, &exp);
	t = (time_t)exp;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(body, "apiVersion", json_string("authentication.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("TokenRequest"));
	json_object_set_new(body, "status", json_pack("{s:s,s:s}", "token", token, "expirationTimestamp", ts));
	free_secret(token);
	sim_resp_json(resp, 201, body);
	return 0;
}

static int self_subject_review(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	(void)err;
	sim_resp_json(resp, 201, json_pack("{s:s,s:s,s:{},s:{s:{s:s,s:o}}}", "kind", "SelfSubjectReview", "apiVersion",
					   "authentication.k8s.io/v1", "metadata", "status", "userInfo", "username",
					   req->id.user, "groups", groups_array(req->id.groups)));
	return 0;
}

static int token_review(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *body;
	const char *tok;
	struct sim_identity id = { 0 };
	int ok = 0;

	if (body_json(req, &body, err))
		return -1;
	tok = json_string_value(json_object_get(json_object_get(body, "spec"), "token"));
	if (tok && req->cl->admin_token && !strcmp(tok, req->cl->admin_token)) {
		snprintf(id.user, sizeof id.user, "kurator-admin");
		snprintf(id.groups, sizeof id.groups, "system:masters,system:authenticated");
		ok = 1;
	} else if (tok && sim_auth_verify_sa_token(req->cl, tok, &id) == 0) {
		ok = 1;
	}
	json_object_set_new(body, "apiVersion", json_string("authentication.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("TokenReview"));
	if (ok)
		json_object_set_new(body, "status", json_pack("{s:b,s:{s:s,s:o}}", "authenticated", 1, "user",
							      "username", id.user, "groups", groups_array(id.groups)));
	else
		json_object_set_new(body, "status", json_pack("{s:b,s:s}", "authenticated", 0, "error",
							      "invalid bearer token"));
	sim_resp_json(resp, 201, body);
	return 0;
}

static int may(const char *user, const char *groups)
{
	char g[300];

	snprintf(g, sizeof g, ",%s,", groups ? groups : "");
	return strstr(g, ",system:masters,") || strstr(g, ",system:serviceaccounts,") ||
	       !strncmp(user ? user : "", "system:serviceaccount:", 22);
}

static int access_review(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *body, *spec;
	int self = !strcmp(req->type->plural, "selfsubjectaccessreviews"), allowed;
	struct strbuf groups = STRBUF_INIT;
	json_t *g;
	size_t i;

	if (body_json(req, &body, err))
		return -1;
	spec = json_object_get(body, "spec");
	if (self) {
		allowed = may(req->id.user, req->id.groups);
	} else {
		json_array_foreach(json_object_get(spec, "groups"), i, g) {
			if (groups.len)
				strbuf_addch(&groups, ',');
			strbuf_addstr(&groups, json_string_value(g) ?: "");
		}
		allowed = may(json_string_value(json_object_get(spec, "user")), groups.buf);
	}
	strbuf_release(&groups);
	json_object_set_new(body, "apiVersion", json_string("authorization.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string(self ? "SelfSubjectAccessReview" : "SubjectAccessReview"));
	json_object_set_new(body, "status", allowed ? json_pack("{s:b,s:s}", "allowed", 1, "reason", "kurator-sim: admin")
						    : json_pack("{s:b}", "allowed", 0));
	sim_resp_json(resp, 201, body);
	return 0;
}

static int authn_group(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	if (strcmp(req->verb, "create"))
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	if (!strcmp(req->type->plural, "selfsubjectreviews"))
		return self_subject_review(req, resp, err);
	return token_review(req, resp, err);
}

static int authz_group(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	if (strcmp(req->verb, "create"))
		return sim_kerr_http(err, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	return access_review(req, resp, err);
}

void sim_auth_register(void)
{
	static const struct sim_code_resource authn[] = {
		{ "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", 0, "create" },
		{ "tokenreviews", "tokenreview", "TokenReview", 0, "create" },
	};
	static const struct sim_code_resource authz[] = {
		{ "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", 0, "create" },
		{ "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", 0, "create" },
	};

	sim_server_add_group("authentication.k8s.io", "v1", authn, 2, authn_group);
	sim_server_add_group("authorization.k8s.io", "v1", authz, 2, authz_group);
	sim_server_add_subresource("", "serviceaccounts", "token", "TokenRequest", "create", token_request);
}
