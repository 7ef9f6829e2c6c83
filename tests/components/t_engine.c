/* t_engine.c - the engine's pure parts: readiness rules, diffs, records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "backends/components/diff.h"
#include "backends/components/engine.h"
#include "backends/components/ready.h"
#include "backends/components/record.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"

static json_t *J(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);

	if (!v)
		fail_msg("bad test JSON (%s): %s", je.text, text);
	return v;
}

static void test_ready_rules(void **state)
{
	static const struct { const char *obj; enum ready_state want; const char *msg; } cases[] = {
		/* Deployments, like kubectl rollout status. */
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":2},"
		  "\"spec\":{\"replicas\":2},\"status\":{\"observedGeneration\":1}}",
		  READY_NO, "observe generation 2" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":2},\"status\":{\"observedGeneration\":1,\"updatedReplicas\":1,\"replicas\":1}}",
		  READY_NO, "1 of 2 replicas updated" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":1},\"status\":{\"observedGeneration\":1,\"updatedReplicas\":1,\"replicas\":2,\"availableReplicas\":1}}",
		  READY_NO, "old replicas pending termination" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":1},\"status\":{\"observedGeneration\":1,\"updatedReplicas\":1,\"replicas\":1,\"availableReplicas\":0}}",
		  READY_NO, "0 of 1 updated replicas available" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{},\"status\":{\"observedGeneration\":1,\"updatedReplicas\":1,\"replicas\":1,\"availableReplicas\":1}}",
		  READY_YES, "1/1 available" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"generation\":1},"
		  "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
		  "\"reason\":\"ProgressDeadlineExceeded\",\"message\":\"too slow\"}]}}",
		  READY_FAILED, "too slow" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{}}", READY_NO, "observe" },
		/* StatefulSets and DaemonSets. */
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":1,\"readyReplicas\":2}}",
		  READY_NO, "2 of 3 replicas ready" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":1},\"status\":{\"observedGeneration\":1,\"readyReplicas\":1,\"updatedReplicas\":1,"
		  "\"currentRevision\":\"a\",\"updateRevision\":\"b\"}}",
		  READY_NO, "revision b" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"generation\":1},"
		  "\"spec\":{\"replicas\":1},\"status\":{\"observedGeneration\":1,\"readyReplicas\":1,\"updatedReplicas\":1,"
		  "\"currentRevision\":\"b\",\"updateRevision\":\"b\"}}",
		  READY_YES, "1/1 ready" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"generation\":1},"
		  "\"status\":{\"observedGeneration\":1,\"desiredNumberScheduled\":2,\"updatedNumberScheduled\":2,\"numberAvailable\":1}}",
		  READY_NO, "1 of 2 updated pods available" },
		{ "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"generation\":1},"
		  "\"status\":{\"observedGeneration\":1,\"desiredNumberScheduled\":2,\"updatedNumberScheduled\":2,\"numberAvailable\":2}}",
		  READY_YES, "2/2" },
		/* Jobs. */
		{ "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"status\":{\"active\":1}}", READY_NO, "1 active" },
		{ "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}",
		  READY_YES, "complete" },
		{ "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"status\":{\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\","
		  "\"reason\":\"BackoffLimitExceeded\"}]}}",
		  READY_FAILED, "BackoffLimitExceeded" },
		/* CRDs. */
		{ "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"status\":{}}",
		  READY_NO, "not established" },
		{ "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"status\":{\"conditions\":"
		  "[{\"type\":\"NamesAccepted\",\"status\":\"True\"},{\"type\":\"Established\",\"status\":\"True\"}]}}",
		  READY_YES, "established" },
		{ "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"status\":{\"conditions\":"
		  "[{\"type\":\"NamesAccepted\",\"status\":\"False\",\"message\":\"taken\"}]}}",
		  READY_FAILED, "taken" },
		/* Webhooks: every service webhook needs a caBundle. */
		{ "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"ValidatingWebhookConfiguration\",\"webhooks\":["
		  "{\"name\":\"a\",\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"},\"caBundle\":\"Q0E=\"}},"
		  "{\"name\":\"b\",\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"}}}]}",
		  READY_NO, "1 of 2 webhooks have no caBundle yet (b)" },
		{ "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"MutatingWebhookConfiguration\",\"webhooks\":["
		  "{\"name\":\"a\",\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"},\"caBundle\":\"Q0E=\"}},"
		  "{\"name\":\"u\",\"clientConfig\":{\"url\":\"https://x\"}}]}",
		  READY_YES, "caBundle set" },
		/* Condition kinds and the rest. */
		{ "{\"apiVersion\":\"monitoring.coreos.com/v1\",\"kind\":\"Prometheus\",\"status\":{\"conditions\":"
		  "[{\"type\":\"Available\",\"status\":\"False\",\"message\":\"0/2 pods\"}]}}",
		  READY_NO, "Available=False: 0/2 pods" },
		{ "{\"apiVersion\":\"apiregistration.k8s.io/v1\",\"kind\":\"APIService\",\"status\":{}}",
		  READY_NO, "no Available condition" },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"status\":{\"phase\":\"Bound\"}}",
		  READY_YES, "Bound" },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}", READY_YES, "exists" },
		{ "{\"apiVersion\":\"scheduling.volcano.sh/v1beta1\",\"kind\":\"Queue\"}", READY_YES, "exists" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *o = J(cases[i].obj);
		struct ready_res res = { 0 };

		ready_eval(o, &res);
		if (res.state != cases[i].want || !strstr(res.msg, cases[i].msg))
			fail_msg("case %zu: state %d msg \"%s\", want %d \"%s\"", i, res.state, res.msg,
				 cases[i].want, cases[i].msg);
		json_decref(o);
	}
	assert_true(ready_has_rule("apps/v1", "Deployment"));
	assert_true(ready_has_rule("apiextensions.k8s.io/v1", "CustomResourceDefinition"));
	assert_false(ready_has_rule("v1", "ConfigMap"));
}

static void test_ready_helpers(void **state)
{
	json_t *pod = J("{\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"state\":{\"waiting\":"
			"{\"reason\":\"ContainerCreating\",\"message\":\"secret x not found\"}}}]}}");
	json_t *ok = J("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
	json_t *ep = J("{\"subsets\":[{\"addresses\":[{\"ip\":\"1\"},{\"ip\":\"2\"}],\"notReadyAddresses\":[{}]}]}");
	json_t *wh = J("{\"webhooks\":[{\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"}}},"
		       "{\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"}}},"
		       "{\"clientConfig\":{\"service\":{\"name\":\"t\",\"namespace\":\"n\"}}}]}");
	json_t *cond = J("{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"False\","
			 "\"reason\":\"MinimumReplicasUnavailable\",\"message\":\"no\"},{\"type\":\"Progressing\",\"status\":\"True\"}]}}");
	struct strbuf sb = STRBUF_INIT;
	char why[128];
	json_t *svcs;

	assert_false(ready_pod(pod, why, sizeof why));
	assert_string_equal(why, "ContainerCreating: secret x not found");
	assert_true(ready_pod(ok, why, sizeof why));
	assert_int_equal(ready_endpoints(ep), 2);
	svcs = ready_webhook_services(wh);
	assert_int_equal(json_array_size(svcs), 2);
	ready_conditions(cond, &sb);
	assert_string_equal(sb.buf, "Available=False (MinimumReplicasUnavailable: no); Progressing=True");
	strbuf_release(&sb);
	json_decref(svcs);
	json_decref(pod);
	json_decref(ok);
	json_decref(ep);
	json_decref(wh);
	json_decref(cond);
}

static void test_diff(void **state)
{
	static const struct { const char *live, *want; enum diff_mode mode; const char *lines; } cases[] = {
		{ "{\"a\":1}", "{\"a\":1}", DIFF_FULL, "" },
		{ "{\"spec\":{\"replicas\":1}}", "{\"spec\":{\"replicas\":2}}", DIFF_FULL,
		  "~ spec.replicas: 1 -> 2|" },
		{ "{\"a\":1,\"b\":2}", "{\"a\":1}", DIFF_FULL, "- b|" },
		{ "{\"a\":1,\"b\":2}", "{\"a\":1}", DIFF_SUBSET, "" },
		{ "{}", "{\"metadata\":{\"labels\":{\"kurator.dev/v\":\"x\"}}}", DIFF_FULL,
		  "+ metadata: {\"labels\":{\"kurator.dev/v\":\"x\"}}|" },
		{ "{\"metadata\":{\"labels\":{}}}", "{\"metadata\":{\"labels\":{\"kurator.dev/v\":\"x\"}}}", DIFF_FULL,
		  "+ metadata.labels.kurator\\.dev/v: \"x\"|" },
		{ "{\"l\":[1,2,3]}", "{\"l\":[1,5]}", DIFF_FULL, "~ l[1]: 2 -> 5|- l[2]|" },
		{ "{\"l\":[{\"a\":1,\"d\":0}]}", "{\"l\":[{\"a\":1},{\"b\":2}]}", DIFF_SUBSET, "+ l[1]: {\"b\":2}|" },
		{ "{\"metadata\":{\"resourceVersion\":\"1\",\"managedFields\":[],\"uid\":\"u\"},\"status\":{\"x\":1}}",
		  "{\"metadata\":{\"resourceVersion\":\"2\"},\"status\":{\"x\":2}}", DIFF_FULL, "" },
		{ "{\"n\":1.0}", "{\"n\":1}", DIFF_FULL, "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *a = J(cases[i].live), *b = J(cases[i].want), *lines = json_array(), *l;
		struct strbuf got = STRBUF_INIT;
		size_t k, n = diff_objects(a, b, cases[i].mode, lines);

		assert_int_equal(n, json_array_size(lines));
		json_array_foreach(lines, k, l)
			strbuf_addf(&got, "%s|", json_string_value(l));
		if (strcmp(got.buf, cases[i].lines))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got.buf, cases[i].lines);
		strbuf_release(&got);
		json_decref(a);
		json_decref(b);
		json_decref(lines);
	}
}

static void test_record(void **state)
{
	struct comp_record *rec = record_new("volcano"), *back = NULL;
	json_t *obj = J("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"namespace\":\"n\"}}");
	json_t *moved = J("{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\",\"namespace\":\"n\",\"name\":\"d\"}");
	json_t *other = J("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"m\",\"name\":\"d\"}");
	json_t *cm;
	struct kerr err = { 0 };
	char name[64];

	rec->version = xstrdup("master-ed72c7c");
	rec->state = xstrdup("installed");
	rec->installed_at = xstrdup("2026-11-25T08:00:00Z");
	json_object_set_new(rec->params, "schedulerReplicas", json_integer(2));
	json_object_set_new(rec->set, "schedulerReplicas", json_integer(2));
	json_array_append_new(rec->objects, record_ref(obj));
	cm = record_to_configmap(rec);
	assert_string_equal(jx_name(cm), "kurator-component-volcano");
	assert_string_equal(jx_namespace(cm), "kube-system");
	assert_string_equal(json_string_value(json_object_get(jx_get(cm, "metadata.labels"),
							      "app.kubernetes.io/managed-by")), "kurator");
	assert_string_equal(jx_str(cm, "data.version"), "master-ed72c7c");
	assert_string_equal(json_string_value(json_object_get(jx_get(cm, "metadata.labels"),
							      "kurator.dev/version")), "master-ed72c7c");
	assert_int_equal(record_from_configmap(cm, &back, &err), 0);
	assert_true(record_equal(rec, back));
	assert_int_equal(jx_int(back->set, "schedulerReplicas", 0), 2);
	assert_true(record_has(back->objects, obj));
	assert_true(record_has(back->objects, moved));    /* same group, other version */
	assert_false(record_has(back->objects, other));
	free(back->state);
	back->state = xstrdup("installing");
	assert_false(record_equal(rec, back));
	record_free(back);
	assert_string_equal(record_name("x", name, sizeof name), "kurator-component-x");

	/* Not a record. */
	json_object_del(json_object_get(cm, "data"), "component");
	assert_int_equal(record_from_configmap(cm, &back, &err), -1);
	assert_non_null(strstr(err.msg, "not a kurator install record"));
	json_object_set_new(json_object_get(cm, "data"), "component", json_string("volcano"));
	json_object_set_new(json_object_get(cm, "data"), "objects", json_string("[oops"));
	assert_int_equal(record_from_configmap(cm, &back, &err), -1);
	assert_non_null(strstr(err.msg, "data.objects is not JSON"));
	json_decref(cm);
	json_decref(obj);
	json_decref(moved);
	json_decref(other);
	record_free(rec);
}

static void test_component_table(void **state)
{
	const struct component_ops *const *all = component_all();
	const struct component_ops *ops;
	struct kerr err = { 0 };

	assert_string_equal(all[0]->name, "prometheus");
	assert_string_equal(all[1]->name, "volcano");
	assert_null(all[2]);
	for (size_t i = 0; all[i]; i++) {
		assert_non_null(all[i]->install);
		assert_non_null(all[i]->uninstall);
		assert_non_null(all[i]->status);
		assert_non_null(all[i]->plan);
		assert_non_null(all[i]->detect);
		assert_non_null(all[i]->upgrade);
	}
	assert_int_equal(component_lookup("volcano", &ops, &err), 0);
	assert_ptr_equal(ops, all[1]);
	assert_int_equal(component_lookup("volcan", &ops, &err), -1);
	assert_int_equal(err.kind, KERR_USAGE);
	assert_non_null(strstr(err.msg, "components: prometheus, volcano"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_rules),
		cmocka_unit_test(test_ready_helpers),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_component_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
