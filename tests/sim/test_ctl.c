/* test_ctl.c - the controllers' pure parts (sim/controllers.h): label
 * selectors, node fitting, names and hashes, Service admission, workload
 * defaults, pods from templates. Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers.h"

static json_t *J(const char *s)
{
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &je);

	if (!v)
		fail_msg("bad JSON in test table: %s: %s", s, je.text);
	return v;
}

struct sel_case {
	const char *sel, *labels;
	int match_empty, want;
};

static const struct sel_case sel_cases[] = {
	{ "{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\",\"x\":\"y\"}", 0, 1 },
	{ "{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"db\"}", 0, 0 },
	{ "{\"matchLabels\":{\"app\":\"web\"}}", "{}", 0, 0 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}", "{\"tier\":\"b\"}", 0, 1 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\"]}]}", "{\"tier\":\"b\"}", 0, 0 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"a\"]}]}", "{\"tier\":\"b\"}", 0, 1 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"a\"]}]}", "{}", 0, 1 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}", "{\"tier\":\"\"}", 0, 1 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}", "{}", 0, 0 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"DoesNotExist\"}]}", "{}", 0, 1 },
	{ "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Bogus\"}]}", "{\"tier\":\"a\"}", 0, 0 },
	{ "{\"matchLabels\":{\"a\":\"1\"},\"matchExpressions\":[{\"key\":\"b\",\"operator\":\"Exists\"}]}",
	  "{\"a\":\"1\"}", 0, 0 },
	{ "{\"app\":\"web\"}", "{\"app\":\"web\"}", 0, 1 },          /* a Service's plain map */
	{ "{\"app\":\"web\"}", "{\"app\":\"x\"}", 0, 0 },
	{ "{}", "{\"app\":\"web\"}", 0, 0 },
	{ "{}", "{\"app\":\"web\"}", 1, 1 },
	{ "null", "{}", 1, 1 },
};

static void test_selectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sel_cases / sizeof sel_cases[0]; i++) {
		json_t *s = J(sel_cases[i].sel), *l = J(sel_cases[i].labels);
		int got = sim_ctl_selector_matches(s, l, sel_cases[i].match_empty);

		if (got != sel_cases[i].want)
			fail_msg("case %zu: %s on %s: got %d", i, sel_cases[i].sel, sel_cases[i].labels, got);
		json_decref(s);
		json_decref(l);
	}
}

struct fit_case {
	const char *name, *pod_spec, *node;
	int want;
};

#define NODE(labels, taints) "{\"metadata\":{\"name\":\"n1\",\"labels\":" labels "},\"spec\":{\"taints\":" taints "}}"

static const struct fit_case fit_cases[] = {
	{ "plain", "{}", NODE("{}", "[]"), 1 },
	{ "nodeSelector ok", "{\"nodeSelector\":{\"disk\":\"ssd\"}}", NODE("{\"disk\":\"ssd\"}", "[]"), 1 },
	{ "nodeSelector no", "{\"nodeSelector\":{\"disk\":\"ssd\"}}", NODE("{\"disk\":\"hdd\"}", "[]"), 0 },
	{ "taint not tolerated", "{}", NODE("{}", "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]"), 0 },
	{ "taint NoExecute not tolerated", "{}", NODE("{}", "[{\"key\":\"k\",\"effect\":\"NoExecute\"}]"), 0 },
	{ "PreferNoSchedule is soft", "{}", NODE("{}", "[{\"key\":\"k\",\"effect\":\"PreferNoSchedule\"}]"), 1 },
	{ "Exists toleration", "{\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}",
	  NODE("{}", "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]"), 1 },
	{ "tolerate everything", "{\"tolerations\":[{\"operator\":\"Exists\"}]}",
	  NODE("{}", "[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]"), 1 },
	{ "Equal toleration", "{\"tolerations\":[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]}",
	  NODE("{}", "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]"), 1 },
	{ "Equal toleration, other value", "{\"tolerations\":[{\"key\":\"k\",\"value\":\"w\"}]}",
	  NODE("{}", "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]"), 0 },
	{ "toleration for another effect", "{\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]}",
	  NODE("{}", "[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]"), 0 },
	{ "required affinity In", "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	  "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}}",
	  NODE("{\"zone\":\"a\"}", "[]"), 1 },
	{ "required affinity miss", "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	  "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}}",
	  NODE("{\"zone\":\"b\"}", "[]"), 0 },
	{ "terms are ORed", "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	  "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"x\"]}]},"
	  "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"Exists\"}]}]}}}}",
	  NODE("{\"zone\":\"b\"}", "[]"), 1 },
	{ "matchFields metadata.name", "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	  "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n1\"]}]}]}}}}",
	  NODE("{}", "[]"), 1 },
	{ "matchFields other node", "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	  "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n2\"]}]}]}}}}",
	  NODE("{}", "[]"), 0 },
};

static void test_pod_fits(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fit_cases / sizeof fit_cases[0]; i++) {
		json_t *pod = json_pack("{s:o}", "spec", J(fit_cases[i].pod_spec)), *node = J(fit_cases[i].node);
		int got = sim_ctl_pod_fits(pod, node);

		if (got != fit_cases[i].want)
			fail_msg("%s: got %d", fit_cases[i].name, got);
		json_decref(pod);
		json_decref(node);
	}
}

static int safe_chars(const char *s)
{
	for (; *s; s++) {
		if (!strchr("bcdfghjklmnpqrstvwxz2456789", *s))
			return 0;
	}
	return 1;
}

static void test_names(void **state)
{
	json_t *a = J("{\"spec\":{\"containers\":[{\"name\":\"w\",\"image\":\"nginx:1\"}]}}");
	json_t *b = J("{\"spec\":{\"containers\":[{\"image\":\"nginx:1\",\"name\":\"w\"}]}}");
	json_t *c = J("{\"spec\":{\"containers\":[{\"name\":\"w\",\"image\":\"nginx:2\"}]}}");
	char h1[16], h2[16], h3[16], suf[6], *enc, *dec;
	size_t n;
	int i;

	(void)state;
	sim_ctl_hash(a, h1);
	sim_ctl_hash(b, h2);
	sim_ctl_hash(c, h3);
	assert_string_equal(h1, h2);        /* key order does not matter */
	assert_string_not_equal(h1, h3);
	assert_true(strlen(h1) >= 1 && strlen(h1) <= 10);
	assert_true(safe_chars(h1));
	for (i = 0; i < 50; i++) {
		sim_ctl_suffix(suf);
		assert_int_equal(strlen(suf), 5);
		assert_true(safe_chars(suf));
	}
	enc = sim_ctl_b64("hello, world", 12);
	assert_string_equal(enc, "aGVsbG8sIHdvcmxk");
	dec = sim_ctl_unb64(enc, &n);
	assert_int_equal(n, 12);
	assert_string_equal(dec, "hello, world");
	free(enc);
	free(dec);
	dec = sim_ctl_unb64("YQ==", &n);
	assert_int_equal(n, 1);
	assert_string_equal(dec, "a");
	free(dec);
	assert_null(sim_ctl_unb64("abc", &n));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void test_paths_and_pods(void **state)
{
	json_t *rs = J("{\"metadata\":{\"name\":\"web-abc\",\"namespace\":\"prod\",\"uid\":\"u-1\",\"generation\":3},"
		       "\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"},\"creationTimestamp\":null},"
		       "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}}");
	json_t *pod, *ref;

	(void)state;
	assert_string_equal(sim_ctl_str(rs, "metadata.namespace"), "prod");
	assert_null(sim_ctl_str(rs, "metadata.nope"));
	assert_null(sim_ctl_str(rs, "metadata.generation"));
	assert_int_equal(sim_ctl_int(rs, "metadata.generation", 0), 3);
	assert_int_equal(sim_ctl_int(rs, "spec.replicas", 1), 1);
	pod = sim_ctl_pod_from_template(rs, "apps/v1", "ReplicaSet", json_object_get(json_object_get(rs, "spec"), "template"),
					NULL, "web-abc");
	assert_string_equal(sim_ctl_str(pod, "kind"), "Pod");
	assert_string_equal(sim_ctl_str(pod, "metadata.namespace"), "prod");
	assert_string_equal(sim_ctl_str(pod, "metadata.generateName"), "web-abc-");
	assert_int_equal(strlen(sim_ctl_str(pod, "metadata.name")), strlen("web-abc-") + 5);
	assert_string_equal(sim_ctl_str(pod, "metadata.labels.app"), "web");
	assert_null(json_object_get(json_object_get(pod, "metadata"), "creationTimestamp"));
	assert_true(sim_ctl_owned_by(pod, "u-1"));
	assert_false(sim_ctl_owned_by(pod, "u-2"));
	ref = (json_t *)sim_ctl_controller_ref(pod);
	assert_non_null(ref);
	assert_string_equal(sim_ctl_str(ref, "kind"), "ReplicaSet");
	assert_true(json_is_true(json_object_get(ref, "blockOwnerDeletion")));
	assert_true(json_is_array(json_object_get(json_object_get(pod, "spec"), "containers")));
	json_decref(pod);
	pod = sim_ctl_pod_from_template(rs, "apps/v1", "StatefulSet", json_object_get(json_object_get(rs, "spec"), "template"),
					"db-0", NULL);
	assert_string_equal(sim_ctl_str(pod, "metadata.name"), "db-0");
	assert_null(sim_ctl_str(pod, "metadata.generateName"));
	json_decref(pod);
	json_decref(rs);
}

/* ---- admission ---------------------------------------------------------------------------- */

struct svc_case {
	const char *name, *obj, *old;
	int want_rc;
	const char *want_type;
	int want_nodeport;         /* ports[0].nodePort set */
};

static const struct svc_case svc_cases[] = {
	{ "ClusterIP allocated", "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"ports\":[{\"port\":80}]}}", NULL, 0, "ClusterIP", 0 },
	{ "NodePort allocated", "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}",
	  NULL, 0, "NodePort", 1 },
	{ "LoadBalancer gets node ports", "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"type\":\"LoadBalancer\","
	  "\"ports\":[{\"port\":443}]}}", NULL, 0, "LoadBalancer", 1 },
	{ "explicit nodePort", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,"
	  "\"nodePort\":30080}]}}", NULL, 0, "NodePort", 1 },
	{ "the same nodePort again", "{\"metadata\":{\"name\":\"e\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,"
	  "\"nodePort\":30080}]}}", NULL, -1, NULL, 0 },
	{ "nodePort out of range", "{\"metadata\":{\"name\":\"f\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,"
	  "\"nodePort\":80}]}}", NULL, -1, NULL, 0 },
	{ "explicit clusterIP", "{\"metadata\":{\"name\":\"g\"},\"spec\":{\"clusterIP\":\"10.96.5.5\"}}", NULL, 0, "ClusterIP", 0 },
	{ "the same clusterIP again", "{\"metadata\":{\"name\":\"h\"},\"spec\":{\"clusterIP\":\"10.96.5.5\"}}", NULL, -1, NULL, 0 },
	{ "update keeps the IP and port", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}",
	  "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.100.1.1\","
	  "\"ports\":[{\"port\":80,\"nodePort\":30080}]}}", 0, "NodePort", 1 },
	{ "clusterIP is immutable", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"clusterIP\":\"10.100.1.2\"}}",
	  "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"clusterIP\":\"10.100.1.1\"}}", -1, NULL, 0 },
	{ "headless", "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"clusterIP\":\"None\"}}", NULL, 0, "ClusterIP", 0 },
	{ "ExternalName gets no IP", "{\"metadata\":{\"name\":\"j\"},\"spec\":{\"type\":\"ExternalName\","
	  "\"externalName\":\"example.com\"}}", NULL, 0, "ExternalName", 0 },
};

static void test_service_admission(void **state)
{
	struct sim_ctl ctl;
	struct sim_cluster cl;
	struct sim_type t;
	size_t i;

	(void)state;
	memset(&ctl, 0, sizeof ctl);
	memset(&cl, 0, sizeof cl);
	memset(&t, 0, sizeof t);
	ctl.cluster_ips = json_object();
	ctl.node_ports = json_object();
	pthread_mutex_init(&ctl.mu, NULL);
	cl.ctl = &ctl;
	t.kind = "Service";
	t.group = "";
	for (i = 0; i < sizeof svc_cases / sizeof svc_cases[0]; i++) {
		const struct svc_case *c = &svc_cases[i];
		json_t *obj = J(c->obj), *old = c->old ? J(c->old) : NULL;
		struct kerr err = { 0 };
		int rc = sim_ctl_admit_service(&cl, old ? SIM_OP_UPDATE : SIM_OP_CREATE, &t, obj, old, NULL, &err);

		if (rc != c->want_rc)
			fail_msg("%s: rc %d (%s)", c->name, rc, err.msg);
		if (rc) {
			assert_int_equal(err.http, 422);
			assert_string_equal(err.reason, "Invalid");
		} else {
			const char *ip = sim_ctl_str(obj, "spec.clusterIP");
			json_t *p0 = json_array_get(json_object_get(json_object_get(obj, "spec"), "ports"), 0);
			json_int_t np = json_integer_value(json_object_get(p0, "nodePort"));

			assert_string_equal(sim_ctl_str(obj, "spec.type"), c->want_type);
			if (!strcmp(c->want_type, "ExternalName")) {
				assert_null(ip);
			} else {
				unsigned a, b;
				assert_non_null(ip);
				if (strcmp(ip, "None")) {
					assert_int_equal(sscanf(ip, "%u.%u.", &a, &b), 2);
					assert_int_equal(a, 10);
					assert_true(b >= 96 && b <= 111);
				}
				assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(obj,
															     "spec"),
												     "clusterIPs"), 0)),
						    ip);
			}
			if (c->want_nodeport)
				assert_true(np >= 30000 && np <= 32767);
			else
				assert_int_equal(np, 0);
			if (p0) {
				assert_string_equal(sim_ctl_str(p0, "protocol"), "TCP");
				assert_true(json_equal(json_object_get(p0, "targetPort"), json_object_get(p0, "port")));
			}
			if (old)
				assert_string_equal(ip, sim_ctl_str(old, "spec.clusterIP"));
			if (old && c->want_nodeport)
				assert_int_equal(np, 30080);
		}
		json_decref(obj);
		json_decref(old);
	}
	json_decref(ctl.cluster_ips);
	json_decref(ctl.node_ports);
	pthread_mutex_destroy(&ctl.mu);
}

struct dflt_case {
	const char *kind, *obj, *path, *want;
};

static const struct dflt_case dflt_cases[] = {
	{ "StatefulSet", "{\"spec\":{}}", "spec.updateStrategy.type", "RollingUpdate" },
	{ "StatefulSet", "{\"spec\":{}}", "spec.podManagementPolicy", "OrderedReady" },
	{ "StatefulSet", "{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}}}", "spec.updateStrategy.type", "OnDelete" },
	{ "DaemonSet", "{}", "spec.updateStrategy.type", "RollingUpdate" },
	{ "Deployment", "{\"spec\":{}}", "spec.strategy.type", "RollingUpdate" },
	{ "Deployment", "{\"spec\":{}}", "spec.strategy.rollingUpdate.maxSurge", "25%" },
	{ "Deployment", "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}", "spec.strategy.type", "Recreate" },
	{ "Job", "{\"spec\":{}}", "spec.completionMode", "NonIndexed" },
};

static void test_defaults(void **state)
{
	struct sim_type t;
	size_t i;

	(void)state;
	memset(&t, 0, sizeof t);
	for (i = 0; i < sizeof dflt_cases / sizeof dflt_cases[0]; i++) {
		json_t *o = J(dflt_cases[i].obj);

		t.kind = (char *)dflt_cases[i].kind;
		assert_int_equal(sim_ctl_admit_defaults(NULL, SIM_OP_CREATE, &t, o, NULL, NULL, NULL), 0);
		if (strcmp(sim_ctl_str(o, dflt_cases[i].path) ?: "(none)", dflt_cases[i].want))
			fail_msg("%s %s: got %s", dflt_cases[i].kind, dflt_cases[i].path,
				 sim_ctl_str(o, dflt_cases[i].path) ?: "(none)");
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_pod_fits),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_paths_and_pods),
		cmocka_unit_test(test_service_admission),
		cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
