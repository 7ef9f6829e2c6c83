/* test_client.c - unit tests of the Kubernetes client's pure parts: Status
 * decoding, retry policy, paths, REST mapping from discovery documents,
 * the discovery cache format, the watch stream line splitter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "backends/kube/client-int.h"
#include "lib/xalloc.h"

#ifndef FIXTURES
#define FIXTURES "."
#endif

/* ---- Status decoding ------------------------------------------------------ */

static const struct status_case {
	long http;
	const char *body;
	enum kerr_kind kind;
	const char *reason;
	const char *want[3];     /* substrings of the message */
	const char *not_twice;   /* must appear exactly once, if set */
} status_cases[] = {
	{ 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
	       "\"configmaps \\\"nothere\\\" not found\",\"reason\":\"NotFound\",\"details\":"
	       "{\"name\":\"nothere\",\"kind\":\"configmaps\"},\"code\":404}",
	  KERR_NOTFOUND, "NotFound", { "configmaps \"nothere\" not found" }, NULL },
	{ 409, "{\"kind\":\"Status\",\"message\":\"namespaces \\\"x\\\" already exists\","
	       "\"reason\":\"AlreadyExists\",\"code\":409}",
	  KERR_CONFLICT, "AlreadyExists", { "already exists" }, NULL },
	{ 422, "{\"kind\":\"Status\",\"message\":\"Deployment.apps \\\"web\\\" is invalid\","
	       "\"reason\":\"Invalid\",\"details\":{\"causes\":[{\"reason\":\"FieldValueRequired\","
	       "\"message\":\"Required value\",\"field\":\"spec.selector\"},{\"reason\":"
	       "\"FieldValueInvalid\",\"message\":\"Invalid value: 0\",\"field\":\"spec.replicas\"}]},\"code\":422}",
	  KERR_INVALID, "Invalid", { "is invalid", "spec.selector: Required value", "spec.replicas: Invalid value: 0" }, NULL },
	{ 422, "{\"kind\":\"Status\",\"message\":\"Pod \\\"p\\\" is invalid: spec.containers: Required value\","
	       "\"reason\":\"Invalid\",\"details\":{\"causes\":[{\"reason\":\"FieldValueRequired\","
	       "\"message\":\"Required value\",\"field\":\"spec.containers\"}]},\"code\":422}",
	  KERR_INVALID, "Invalid", { "spec.containers: Required value" }, "Required value" },
	{ 403, "{\"kind\":\"Status\",\"message\":\"pods is forbidden: User \\\"bob\\\" cannot list\","
	       "\"reason\":\"Forbidden\",\"code\":403}",
	  KERR_AUTH, "Forbidden", { "forbidden", "bob" }, NULL },
	{ 401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}",
	  KERR_AUTH, "Unauthorized", { "Unauthorized", "credentials" }, NULL },
	{ 410, "{\"kind\":\"Status\",\"message\":\"too old resource version: 5 (90)\",\"reason\":\"Expired\",\"code\":410}",
	  KERR_GONE, "Expired", { "too old resource version" }, NULL },
	{ 409, "{\"kind\":\"Status\",\"message\":\"Operation cannot be fulfilled\",\"reason\":\"Conflict\",\"code\":409}",
	  KERR_CONFLICT, "Conflict", { "cannot be fulfilled" }, NULL },
	{ 504, "{\"kind\":\"Status\",\"message\":\"request timed out\",\"reason\":\"Timeout\",\"code\":504}",
	  KERR_TIMEOUT, "Timeout", { "timed out" }, NULL },
	{ 502, "<html><head><title>502 Bad Gateway</title></head>\n<body>\n<h1>Bad   Gateway</h1>\n</body></html>",
	  KERR_NETWORK, "", { "HTTP 502 Bad Gateway", "Bad Gateway Bad Gateway" }, NULL },
	{ 429, "", KERR_NETWORK, "", { "HTTP 429 Too Many Requests" }, NULL },
	{ 500, "{\"error\":\"boom\"}", KERR_FAIL, "", { "HTTP 500 Internal Server Error", "boom" }, NULL },
	{ 400, "{\"kind\":\"Status\",\"reason\":\"BadRequest\",\"code\":400}",
	  KERR_INVALID, "BadRequest", { "BadRequest", "400" }, NULL },
	{ 503, "{\"kind\":\"Status\",\"message\":\"the server is currently unable to handle the request\","
	       "\"reason\":\"ServiceUnavailable\",\"code\":503}",
	  KERR_NETWORK, "ServiceUnavailable", { "unable to handle" }, NULL },
	{ 0, "{\"kind\":\"Status\",\"message\":\"gone\",\"reason\":\"Gone\",\"code\":410}",
	  KERR_GONE, "Gone", { "gone" }, NULL },
};

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

static void test_status_decode(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(status_cases); i++) {
		const struct status_case *t = &status_cases[i];
		struct kerr e = { 0 };
		int rc = kube_status_decode(t->http, t->body, strlen(t->body), &e);
		if (rc != -1 || e.kind != t->kind || strcmp(e.reason, t->reason))
			fail_msg("case %zu: rc %d kind %d reason '%s' msg '%s'", i, rc, e.kind, e.reason, e.msg);
		if (t->http)
			assert_int_equal(e.http, t->http);
		else
			assert_int_equal(e.http, 410);
		for (j = 0; j < ARRAY_SIZE(t->want) && t->want[j]; j++)
			if (!strstr(e.msg, t->want[j]))
				fail_msg("case %zu: '%s' not in '%s'", i, t->want[j], e.msg);
		if (t->not_twice && count(e.msg, t->not_twice) != 1)
			fail_msg("case %zu: '%s' repeated in '%s'", i, t->not_twice, e.msg);
	}
}

static void test_status_long_body(void **state)
{
	struct strbuf body = STRBUF_INIT;
	struct kerr e = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 500; i++)
		strbuf_addstr(&body, "word ");
	kube_status_decode(503, body.buf, body.len, &e);
	assert_true(strlen(e.msg) < 300);
	assert_non_null(strstr(e.msg, "..."));
	strbuf_release(&body);
	/* a NULL err is allowed */
	assert_int_equal(kube_status_decode(404, "x", 1, NULL), -1);
}

/* ---- retry policy ------------------------------------------------------------ */

static const struct retry_case {
	const char *method, *ctype;
	int curl;
	long http;
	int sent, cert;
	int want;
} retry_cases[] = {
	{ "GET", NULL, CURLE_COULDNT_CONNECT, 0, 0, 0, 1 },
	{ "POST", "application/json", CURLE_COULDNT_CONNECT, 0, 0, 0, 1 },
	{ "POST", "application/json", CURLE_COULDNT_RESOLVE_HOST, 0, 0, 0, 1 },
	{ "GET", NULL, CURLE_OK, 503, 1, 0, 1 },
	{ "GET", NULL, CURLE_OK, 500, 1, 0, 1 },
	{ "GET", NULL, CURLE_OK, 502, 1, 0, 1 },
	{ "GET", NULL, CURLE_OK, 504, 1, 0, 1 },
	{ "DELETE", NULL, CURLE_OK, 503, 1, 0, 1 },
	{ "PATCH", "application/apply-patch+yaml", CURLE_OK, 500, 1, 0, 1 },
	{ "PATCH", "application/json-patch+json", CURLE_OK, 500, 1, 0, 0 },
	{ "POST", "application/json", CURLE_OK, 500, 1, 0, 0 },
	{ "POST", "application/json", CURLE_OK, 503, 1, 0, 0 },
	{ "POST", "application/json", CURLE_OK, 429, 1, 0, 1 },
	{ "GET", NULL, CURLE_OK, 429, 1, 0, 1 },
	{ "GET", NULL, CURLE_OK, 404, 1, 0, 0 },
	{ "GET", NULL, CURLE_OK, 409, 1, 0, 0 },
	{ "GET", NULL, CURLE_OK, 401, 1, 0, 0 },
	{ "GET", NULL, CURLE_OK, 501, 1, 0, 0 },
	{ "GET", NULL, CURLE_RECV_ERROR, 0, 1, 0, 1 },
	{ "POST", "application/json", CURLE_RECV_ERROR, 0, 1, 0, 0 },
	{ "POST", "application/json", CURLE_GOT_NOTHING, 0, 1, 0, 0 },
	{ "GET", NULL, CURLE_GOT_NOTHING, 0, 1, 0, 1 },
	{ "GET", NULL, CURLE_RECV_ERROR, 0, 1, 1, 0 },   /* refused client cert */
	{ "GET", NULL, CURLE_SEND_ERROR, 0, 1, 1, 0 },
	{ "GET", NULL, CURLE_OPERATION_TIMEDOUT, 0, 0, 0, 1 },
	{ "GET", NULL, CURLE_OPERATION_TIMEDOUT, 0, 1, 0, 0 },
	{ "GET", NULL, CURLE_PEER_FAILED_VERIFICATION, 0, 0, 0, 0 },
	{ "GET", NULL, CURLE_SSL_CONNECT_ERROR, 0, 0, 0, 0 },
	{ "GET", NULL, CURLE_ABORTED_BY_CALLBACK, 0, 1, 0, 0 },
};

static void test_retry_classify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(retry_cases); i++) {
		const struct retry_case *t = &retry_cases[i];
		int got = kube_retry_classify(t->method, t->ctype, t->curl, t->http, t->sent, t->cert);
		if (got != t->want)
			fail_msg("case %zu (%s curl %d http %ld): got %d", i, t->method, t->curl, t->http, got);
	}
}

static void test_retry_delay(void **state)
{
	int a;

	(void)state;
	for (a = 0; a < 10; a++) {
		long lo = kube_retry_delay_ms(a, -1, 0.0), hi = kube_retry_delay_ms(a, -1, 0.999);
		long base = 200L << (a > 5 ? 5 : a);
		if (base > 5000)
			base = 5000;
		assert_int_equal(lo, base / 2);
		assert_true(hi <= base && hi >= base / 2);
		if (a > 0)
			assert_true(kube_retry_delay_ms(a, -1, 0.5) >= kube_retry_delay_ms(a - 1, -1, 0.5));
	}
	assert_int_equal(kube_retry_delay_ms(0, 2, 0.0), 2000);
	assert_int_equal(kube_retry_delay_ms(3, 0, 0.0), 0);
	assert_int_equal(kube_retry_delay_ms(0, 3600, 0.0), 10000);   /* capped */
}

static void test_curl_error(void **state)
{
	struct kerr e = { 0 };

	(void)state;
	kube_curl_error(&e, NULL, CURLE_RECV_ERROR, "SSL_read: tlsv13 alert certificate required", 1, 1);
	assert_int_equal(e.kind, KERR_AUTH);
	assert_non_null(strstr(e.msg, "server rejected the client certificate?"));
	kube_curl_error(&e, NULL, CURLE_RECV_ERROR, "Connection reset", 1, 0);
	assert_int_equal(e.kind, KERR_NETWORK);
	assert_null(strstr(e.msg, "client certificate"));
	kube_curl_error(&e, NULL, CURLE_COULDNT_CONNECT, "", 0, 0);
	assert_int_equal(e.kind, KERR_NETWORK);
	assert_non_null(strstr(e.msg, "(try: "));
	kube_curl_error(&e, NULL, CURLE_PEER_FAILED_VERIFICATION, "SSL certificate problem", 0, 0);
	assert_non_null(strstr(e.msg, "certificate-authority"));
	kube_curl_error(&e, NULL, CURLE_ABORTED_BY_CALLBACK, "", 0, 0);
	assert_int_equal(e.kind, KERR_CANCELLED);
	kube_curl_error(&e, NULL, CURLE_OPERATION_TIMEDOUT, "", 1, 0);
	assert_int_equal(e.kind, KERR_TIMEOUT);
}

/* ---- discovery and REST mapping ----------------------------------------------- */

static json_t *load_fixture(void)
{
	json_error_t je;
	json_t *doc = json_load_file(FIXTURES "/client-discovery.json", 0, &je);

	if (!doc)
		fail_msg("fixture: %s line %d", je.text, je.line);
	return doc;
}

static int setup_disc(void **state)
{
	json_t *doc = load_fixture();
	struct kerr e = { 0 };

	*state = kube_disc_from_aggregated(json_object_get(doc, "api"), json_object_get(doc, "apis"), &e);
	json_decref(doc);
	return *state ? 0 : -1;
}

static int teardown_disc(void **state)
{
	kube_disc_free(*state);
	return 0;
}

static const struct map_case {
	const char *what;
	const char *group, *version, *plural;   /* NULL plural: not found */
	int namespaced;
} map_cases[] = {
	{ "pods", "", "v1", "pods", 1 },
	{ "pod", "", "v1", "pods", 1 },
	{ "po", "", "v1", "pods", 1 },
	{ "Pod", "", "v1", "pods", 1 },
	{ "PODS", "", "v1", "pods", 1 },
	{ "ns", "", "v1", "namespaces", 0 },
	{ "deploy", "apps", "v1", "deployments", 1 },
	{ "deployment", "apps", "v1", "deployments", 1 },
	{ "Deployment", "apps", "v1", "deployments", 1 },
	{ "deployments.apps", "apps", "v1", "deployments", 1 },
	{ "deployment.apps", "apps", "v1", "deployments", 1 },
	{ "deployment.v1.apps", "apps", "v1", "deployments", 1 },
	{ "deployments.v1.apps", "apps", "v1", "deployments", 1 },
	{ "events", "", "v1", "events", 1 },              /* core before events.k8s.io */
	{ "ev", "", "v1", "events", 1 },
	{ "events.events.k8s.io", "events.k8s.io", "v1", "events", 1 },
	{ "hpa", "autoscaling", "v2", "horizontalpodautoscalers", 1 },
	{ "hpa.v1.autoscaling", "autoscaling", "v1", "horizontalpodautoscalers", 1 },
	{ "horizontalpodautoscalers.autoscaling", "autoscaling", "v2", "horizontalpodautoscalers", 1 },
	{ "crd", "apiextensions.k8s.io", "v1", "customresourcedefinitions", 0 },
	{ "crds", "apiextensions.k8s.io", "v1", "customresourcedefinitions", 0 },
	{ "certificates.cert-manager.io", "cert-manager.io", "v1", "certificates", 1 },
	{ "certificate.v1.cert-manager.io", "cert-manager.io", "v1", "certificates", 1 },
	{ "cert", "cert-manager.io", "v1", "certificates", 1 },
	{ "ct", "stable.example.com", "v2", "crontabs", 1 },
	{ "crontabs.v1beta1.stable.example.com", "stable.example.com", "v1beta1", "crontabs", 1 },
	{ "oldtabs", "stable.example.com", "v1beta1", "oldtabs", 0 },
	{ "oldtab", "stable.example.com", "v1beta1", "oldtabs", 0 },
	{ "nosuch", NULL, NULL, NULL, 0 },
	{ "pods.apps", NULL, NULL, NULL, 0 },
	{ "deployments.v2.apps", NULL, NULL, NULL, 0 },
	{ "pods/log", NULL, NULL, NULL, 0 },
	{ "", NULL, NULL, NULL, 0 },
};

static void test_resolve(void **state)
{
	struct kube_disc *d = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map_cases); i++) {
		const struct map_case *t = &map_cases[i];
		const struct kube_resource *r = NULL;
		struct kerr e = { 0 };
		int rc = kube_disc_resolve(d, t->what, &r, &e);
		if (!t->plural) {
			if (rc != -1 || (e.kind != KERR_NOTFOUND && e.kind != KERR_USAGE))
				fail_msg("'%s': expected not found, got %s", t->what, r ? r->plural : "?");
			if (*t->what && !strstr(e.msg, "doesn't have a resource type"))
				fail_msg("'%s': message '%s'", t->what, e.msg);
			continue;
		}
		if (rc)
			fail_msg("'%s': %s", t->what, e.msg);
		if (strcmp(r->group, t->group) || strcmp(r->version, t->version) ||
		    strcmp(r->plural, t->plural) || r->namespaced != t->namespaced)
			fail_msg("'%s': got %s/%s %s ns=%d", t->what, r->group, r->version, r->plural,
				 r->namespaced);
	}
}

static const struct gvk_case {
	const char *api, *kind, *group, *version, *plural;
} gvk_cases[] = {
	{ "v1", "Pod", "", "v1", "pods" },
	{ "apps/v1", "Deployment", "apps", "v1", "deployments" },
	{ "autoscaling/v1", "HorizontalPodAutoscaler", "autoscaling", "v1", "horizontalpodautoscalers" },
	{ "autoscaling", "HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers" },
	{ "events.k8s.io/v1", "Event", "events.k8s.io", "v1", "events" },
	{ "stable.example.com/v1beta1", "CronTab", "stable.example.com", "v1beta1", "crontabs" },
	{ "apiextensions.k8s.io/v1", "CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions" },
	{ "apps/v1beta1", "Deployment", NULL, NULL, NULL },
	{ "apps/v1", "deployment", NULL, NULL, NULL },        /* kinds are case-sensitive */
	{ "example.com/v1", "Widget", NULL, NULL, NULL },
	{ "", "Pod", NULL, NULL, NULL },
	{ "v1", "", NULL, NULL, NULL },
};

static void test_resolve_gvk(void **state)
{
	struct kube_disc *d = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gvk_cases); i++) {
		const struct gvk_case *t = &gvk_cases[i];
		const struct kube_resource *r = NULL;
		struct kerr e = { 0 };
		int rc = kube_disc_resolve_gvk(d, t->api, t->kind, &r, &e);
		if (!t->plural) {
			if (rc != -1)
				fail_msg("%s %s: expected an error", t->api, t->kind);
			if (*t->api && *t->kind && (e.kind != KERR_NOTFOUND || !strstr(e.msg, "no matches for kind") ||
						    !strstr(e.msg, "CRDs")))
				fail_msg("%s %s: '%s'", t->api, t->kind, e.msg);
			continue;
		}
		if (rc || strcmp(r->group, t->group) || strcmp(r->version, t->version) ||
		    strcmp(r->plural, t->plural))
			fail_msg("%s %s: rc %d %s", t->api, t->kind, rc, rc ? e.msg : r->version);
	}
}

static void test_resources_and_subresources(void **state)
{
	struct kube_disc *d = *state;
	const struct kube_resource *const *all = kube_disc_resources(d), *const *p;
	const struct kube_resource *r;
	int n = 0, hpa = 0;

	for (p = all; *p; p++) {
		n++;
		if (!strcmp((*p)->plural, "horizontalpodautoscalers"))
			hpa++;
		assert_true(strcmp((*p)->version, "v1beta1") != 0);   /* preferred only */
	}
	/* 5 core + 2 apps + events + hpa + crd + certificates + crontabs */
	assert_int_equal(n, 12);
	assert_int_equal(hpa, 1);
	assert_int_equal(kube_disc_resolve(d, "po", &r, NULL), 0);
	assert_true(r->has_log && r->has_status);
	assert_string_equal(r->short_names[0], "po");
	assert_null(r->short_names[1]);
	assert_string_equal(r->categories[0], "all");
	assert_int_equal(kube_disc_resolve(d, "deploy", &r, NULL), 0);
	assert_true(r->has_status && !r->has_log);
	assert_string_equal(r->kind, "Deployment");
	assert_int_equal(kube_disc_resolve(d, "cm", &r, NULL), 0);
	assert_false(r->has_status);
	assert_null(r->categories);
}

static void test_cache_roundtrip(void **state)
{
	struct kube_disc *d = *state, *back;
	json_t *doc = kube_disc_to_cache_json(d);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_t *parsed = json_loads(text, 0, NULL);
	const struct kube_resource *a, *b;
	struct kerr e = { 0 };
	size_t i;

	back = kube_disc_from_cache_json(parsed, &e);
	assert_non_null(back);
	for (i = 0; i < ARRAY_SIZE(map_cases); i++) {
		int ra = kube_disc_resolve(d, map_cases[i].what, &a, NULL);
		int rb = kube_disc_resolve(back, map_cases[i].what, &b, NULL);
		assert_int_equal(ra, rb);
		if (!ra) {
			assert_ptr_not_equal(a, b);
			assert_string_equal(a->plural, b->plural);
			assert_string_equal(a->version, b->version);
			assert_string_equal(a->singular, b->singular);
			assert_int_equal(a->namespaced, b->namespaced);
			assert_int_equal(a->has_log, b->has_log);
		}
	}
	kube_disc_free(back);
	/* an unknown format is refused, not misread */
	json_object_set_new(parsed, "version", json_integer(7));
	assert_null(kube_disc_from_cache_json(parsed, &e));
	assert_int_equal(e.kind, KERR_INVALID);
	json_decref(parsed);
	json_decref(doc);
	free(text);
}

static void test_legacy(void **state)
{
	static const char groups_json[] =
		"[{\"name\":\"\",\"preferredVersion\":\"v1\",\"lists\":[{\"kind\":\"APIResourceList\","
		"\"groupVersion\":\"v1\",\"resources\":[{\"name\":\"pods\",\"singularName\":\"pod\","
		"\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\"],\"shortNames\":[\"po\"]},"
		"{\"name\":\"pods/log\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\"]},"
		"{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"Node\",\"verbs\":[\"get\"]}]}]},"
		"{\"name\":\"batch\",\"preferredVersion\":\"v1\",\"lists\":[{\"groupVersion\":\"batch/v1beta1\","
		"\"resources\":[{\"name\":\"cronjobs\",\"namespaced\":true,\"kind\":\"CronJob\"}]},"
		"{\"groupVersion\":\"batch/v1\",\"resources\":[{\"name\":\"jobs\",\"namespaced\":true,\"kind\":\"Job\"},"
		"{\"name\":\"jobs/status\",\"namespaced\":true,\"kind\":\"Job\"},"
		"{\"name\":\"cronjobs\",\"namespaced\":true,\"kind\":\"CronJob\",\"shortNames\":[\"cj\"]}]}]}]";
	json_t *groups = json_loads(groups_json, 0, NULL);
	struct kube_disc *d;
	const struct kube_resource *r;
	struct kerr e = { 0 };

	(void)state;
	assert_non_null(groups);
	d = kube_disc_from_legacy(groups, &e);
	assert_non_null(d);
	assert_int_equal(kube_disc_resolve(d, "po", &r, &e), 0);
	assert_true(r->has_log);
	assert_int_equal(kube_disc_resolve(d, "node", &r, &e), 0);   /* singular from the kind */
	assert_false(r->namespaced);
	assert_int_equal(kube_disc_resolve(d, "jobs", &r, &e), 0);
	assert_true(r->has_status);
	assert_int_equal(kube_disc_resolve_gvk(d, "batch", "CronJob", &r, &e), 0);
	assert_string_equal(r->version, "v1");
	assert_int_equal(kube_disc_resolve_gvk(d, "batch/v1beta1", "CronJob", &r, &e), 0);
	assert_string_equal(r->version, "v1beta1");
	assert_int_equal(kube_disc_resolve(d, "pods/log", &r, &e), -1);
	kube_disc_free(d);
	json_decref(groups);
	assert_null(kube_disc_from_legacy(NULL, &e));
}

static void test_aggregated_bad(void **state)
{
	json_t *bad = json_pack("{s:s}", "kind", "APIGroupDiscoveryList");
	struct kerr e = { 0 };

	(void)state;
	assert_null(kube_disc_from_aggregated(bad, NULL, &e));
	assert_int_equal(e.kind, KERR_INVALID);
	json_decref(bad);
}

/* ---- paths -------------------------------------------------------------------- */

static void test_path(void **state)
{
	struct kube_resource pods = { .group = "", .version = "v1", .plural = "pods", .namespaced = 1 };
	struct kube_resource deps = { .group = "apps", .version = "v1", .plural = "deployments", .namespaced = 1 };
	struct kube_resource nodes = { .group = "", .version = "v1", .plural = "nodes", .namespaced = 0 };
	struct kube_resource crds = { .group = "apiextensions.k8s.io", .version = "v1",
				      .plural = "customresourcedefinitions", .namespaced = 0 };
	const struct {
		const struct kube_resource *r;
		const char *ns, *name, *want;
	} cases[] = {
		{ &pods, "default", "web-1", "/api/v1/namespaces/default/pods/web-1" },
		{ &pods, "kube-system", NULL, "/api/v1/namespaces/kube-system/pods" },
		{ &pods, NULL, NULL, "/api/v1/pods" },
		{ &pods, "", NULL, "/api/v1/pods" },
		{ &deps, "ns1", "web", "/apis/apps/v1/namespaces/ns1/deployments/web" },
		{ &deps, NULL, NULL, "/apis/apps/v1/deployments" },
		{ &nodes, "default", "n1", "/api/v1/nodes/n1" },
		{ &crds, NULL, "crontabs.stable.example.com",
		  "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com" },
		{ &pods, "default", "a b/c", "/api/v1/namespaces/default/pods/a%20b%2Fc" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		kube_path(&sb, cases[i].r, cases[i].ns, cases[i].name);
		assert_string_equal(sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_query_and_what(void **state)
{
	struct kube_resource deps = { .group = "apps", .version = "v1", .plural = "deployments", .namespaced = 1 };
	struct kube_resource nodes = { .group = "", .version = "v1", .plural = "nodes", .namespaced = 0 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "/api/v1/pods");
	kube_query_add(&sb, "labelSelector", "app=web,tier in (a,b)");
	kube_query_add(&sb, "limit", "500");
	assert_string_equal(sb.buf, "/api/v1/pods?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=500");
	strbuf_reset(&sb);
	kube_what(&sb, &deps, "default", "web");
	assert_string_equal(sb.buf, "deployments.apps/web in default");
	strbuf_reset(&sb);
	kube_what(&sb, &deps, NULL, NULL);
	assert_string_equal(sb.buf, "deployments.apps in all namespaces");
	strbuf_reset(&sb);
	kube_what(&sb, &nodes, "default", "n1");
	assert_string_equal(sb.buf, "nodes/n1");
	strbuf_release(&sb);
}

/* ---- watch stream lines --------------------------------------------------------- */

struct seen {
	char lines[16][64];
	int n;
	int stop_at;
};

static int record(char *line, size_t len, void *arg)
{
	struct seen *s = arg;

	assert_int_equal(strlen(line), len);
	snprintf(s->lines[s->n], sizeof s->lines[0], "%s", line);
	s->n++;
	return s->stop_at && s->n == s->stop_at;
}

static void test_lines(void **state)
{
	static const char stream[] =
		"{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":\"MODIFIED\"}\n\n{\"type\":\"DELETED\"}\ntail";
	size_t cut, total = strlen(stream);

	(void)state;
	/* every way of cutting the stream in two gives the same lines */
	for (cut = 0; cut <= total; cut++) {
		struct seen s = { .n = 0 };
		struct kube_lines l;
		kube_lines_init(&l, record, &s);
		assert_int_equal(kube_lines_feed(&l, stream, cut), 0);
		assert_int_equal(kube_lines_feed(&l, stream + cut, total - cut), 0);
		assert_int_equal(s.n, 4);
		assert_string_equal(s.lines[0], "{\"type\":\"ADDED\",\"object\":{}}");
		assert_string_equal(s.lines[1], "{\"type\":\"MODIFIED\"}");
		assert_string_equal(s.lines[2], "");
		assert_string_equal(s.lines[3], "{\"type\":\"DELETED\"}");
		assert_int_equal(kube_lines_flush(&l), 0);
		assert_int_equal(s.n, 5);
		assert_string_equal(s.lines[4], "tail");
		kube_lines_release(&l);
	}
	/* byte by byte */
	{
		struct seen s = { .n = 0 };
		struct kube_lines l;
		size_t i;
		kube_lines_init(&l, record, &s);
		for (i = 0; i < total; i++)
			kube_lines_feed(&l, stream + i, 1);
		assert_int_equal(s.n, 4);
		assert_int_equal(l.buf.len, 4);
		kube_lines_release(&l);
	}
	/* a non-zero return stops at once */
	{
		struct seen s = { .n = 0, .stop_at = 2 };
		struct kube_lines l;
		kube_lines_init(&l, record, &s);
		assert_int_equal(kube_lines_feed(&l, stream, total), 1);
		assert_int_equal(s.n, 2);
		kube_lines_release(&l);
	}
}

/* ---- client construction: server URL forms, tls-server-name ---------------------- */

static void test_client_server(void **state)
{
	const struct {
		const char *server, *sni;
		const char *base, *authority, *connect_to, *host;   /* NULL base: refused */
	} cases[] = {
		{ "https://127.0.0.2:6443", NULL, "https://127.0.0.2:6443", "127.0.0.2:6443", NULL, NULL },
		{ "https://k8s.example.com/", NULL, "https://k8s.example.com", "k8s.example.com", NULL, NULL },
		{ "https://10.0.0.1:443/prefix/", NULL, "https://10.0.0.1:443/prefix", "10.0.0.1:443", NULL, NULL },
		{ "http://127.0.0.1:8080", "ignored.example", "http://127.0.0.1:8080", "127.0.0.1:8080", NULL, NULL },
		{ "https://127.0.0.2:6443", "kubernetes", "https://kubernetes:6443", "127.0.0.2:6443",
		  "kubernetes:6443:127.0.0.2:6443", "Host: 127.0.0.2:6443" },
		{ "https://[::1]:6443", "api.local", "https://api.local:6443", "[::1]:6443",
		  "api.local:6443:[::1]:6443", "Host: [::1]:6443" },
		{ "https://10.1.1.1", "api.local", "https://api.local:443", "10.1.1.1",
		  "api.local:443:10.1.1.1:443", "Host: 10.1.1.1" },
		{ "ftp://x", NULL, NULL, NULL, NULL, NULL },
		{ "127.0.0.1:6443", NULL, NULL, NULL, NULL, NULL },
		{ "https://", NULL, NULL, NULL, NULL, NULL },
		{ "", NULL, NULL, NULL, NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kube_conn conn = { .context = (char *)"ctx", .server = (char *)cases[i].server,
					  .tls_server_name = (char *)cases[i].sni };
		struct kerr e = { 0 };
		struct kube_client *c = kube_client_new(&conn, NULL, &e);
		if (!cases[i].base) {
			if (c || e.kind != KERR_INVALID || !strstr(e.msg, "ctx"))
				fail_msg("'%s' accepted or bad error '%s'", cases[i].server, e.msg);
			continue;
		}
		if (!c)
			fail_msg("'%s': %s", cases[i].server, e.msg);
		assert_string_equal(c->base_url, cases[i].base);
		assert_string_equal(c->authority, cases[i].authority);
		if (cases[i].connect_to)
			assert_string_equal(c->connect_to, cases[i].connect_to);
		else
			assert_null(c->connect_to);
		if (cases[i].host)
			assert_string_equal(c->host_header, cases[i].host);
		else
			assert_null(c->host_header);
		assert_string_equal(kube_client_name(c), "ctx");
		assert_int_equal(c->opts.timeout_ms, 30000);
		assert_int_equal(c->opts.retries, 3);
		kube_client_free(c);
	}
	{
		struct kube_conn conn = { .server = (char *)"https://h:1" };
		struct kube_client_opts o = { .retries = -1, .timeout_ms = 5, .user_agent = "ua/1" };
		struct kube_client *c = kube_client_new(&conn, &o, NULL);
		assert_non_null(c);
		assert_int_equal(c->opts.retries, 0);
		assert_int_equal(c->opts.timeout_ms, 5);
		assert_string_equal(c->user_agent, "ua/1");
		assert_string_equal(kube_client_name(c), "https://h:1");
		kube_client_free(c);
	}
	kube_client_free(NULL);
	assert_null(kube_client_new(NULL, NULL, NULL));
}

/* ---- manifest Lists ---------------------------------------------------------------- */

static void test_flatten(void **state)
{
	json_t *docs = json_loads("[{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}},"
				  "{\"kind\":\"List\",\"items\":[{\"kind\":\"Secret\"},"
				  "{\"kind\":\"RoleList\",\"items\":[{\"kind\":\"Role\"}]}]},"
				  "null,"
				  "{\"kind\":\"ConfigMapList\",\"items\":[]},"
				  "{\"kind\":\"PlayList\",\"spec\":{}},"
				  "{\"kind\":\"Service\"}]", 0, NULL);
	json_t *flat, *one;
	const char *want[] = { "ConfigMap", "Secret", "Role", "PlayList", "Service" };
	size_t i;

	(void)state;
	assert_non_null(docs);
	flat = kube_objects_flatten(docs);
	assert_int_equal(json_array_size(flat), ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(flat, i), "kind")), want[i]);
	/* the same objects, not copies */
	assert_ptr_equal(json_array_get(flat, 0), json_array_get(docs, 0));
	json_decref(flat);
	one = json_pack("{s:s}", "kind", "Pod");
	flat = kube_objects_flatten(one);
	assert_int_equal(json_array_size(flat), 1);
	json_decref(flat);
	json_decref(one);
	json_decref(docs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_decode),
		cmocka_unit_test(test_status_long_body),
		cmocka_unit_test(test_retry_classify),
		cmocka_unit_test(test_retry_delay),
		cmocka_unit_test(test_curl_error),
		cmocka_unit_test_setup_teardown(test_resolve, setup_disc, teardown_disc),
		cmocka_unit_test_setup_teardown(test_resolve_gvk, setup_disc, teardown_disc),
		cmocka_unit_test_setup_teardown(test_resources_and_subresources, setup_disc, teardown_disc),
		cmocka_unit_test_setup_teardown(test_cache_roundtrip, setup_disc, teardown_disc),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_aggregated_bad),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_query_and_what),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_client_server),
		cmocka_unit_test(test_flatten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
