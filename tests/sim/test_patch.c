/* test_patch.c - the patch engine's pure functions (sim/patch.h): RFC 7386
 * and RFC 6902 appendix examples, strategic merge cases, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/patch.h"

static json_t *J(const char *s)
{
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &je);

	if (!v)
		fail_msg("bad JSON in test table: %s: %s", s, je.text);
	return v;
}

static void assert_json(const json_t *got, const char *want, const char *name)
{
	json_t *w = J(want);

	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fail_msg("%s: got %s, want %s", name, g, want);
	}
	json_decref(w);
}

/* ---- RFC 7386 ------------------------------------------------------------ */

struct case3 {
	const char *name, *target, *patch, *want;   /* want NULL: must fail */
};

static const struct case3 merge_cases[] = {
	/* RFC 7386 appendix A */
	{ "A1 replace", "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
	{ "A2 add", "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
	{ "A3 delete", "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
	{ "A4 delete one", "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
	{ "A5 array by string", "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
	{ "A6 string by array", "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
	{ "A7 nested", "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}" },
	{ "A8 array replaced", "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
	{ "A9 array document", "[\"a\",\"b\"]", "[\"c\",\"d\"]", NULL },
	{ "A10 array patch", "{\"a\":\"b\"}", "[\"c\"]", NULL },
	{ "A11 null patch", "{\"a\":\"foo\"}", "null", NULL },
	{ "A12 string patch", "{\"a\":\"foo\"}", "\"bar\"", NULL },
	{ "A13 null kept", "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}" },
	{ "A14 array target", "[1,2]", "{\"a\":\"b\",\"c\":null}", NULL },
	{ "A15 nulls dropped in new", "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
	{ "section 3 example",
	  "{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
	  "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
	  "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},"
	  "\"tags\":[\"example\"]}",
	  "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
	  "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}" },
	{ "labels", "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}}}",
	  "{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"}}}",
	  "{\"metadata\":{\"labels\":{\"b\":\"2\",\"c\":\"3\"}}}" },
};

static void test_merge_patch(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof merge_cases / sizeof merge_cases[0]; i++) {
		const struct case3 *c = &merge_cases[i];
		json_t *t = J(c->target), *p = J(c->patch);
		struct kerr err = { 0 };
		int rc = sim_merge_patch(t, p, &err);

		if (!c->want) {
			if (rc != -1)
				fail_msg("%s: expected failure", c->name);
			assert_int_equal(err.kind, KERR_INVALID);
		} else {
			if (rc != 0)
				fail_msg("%s: failed: %s", c->name, err.msg);
			assert_json(t, c->want, c->name);
		}
		json_decref(t);
		json_decref(p);
	}
}

/* ---- RFC 6902 ------------------------------------------------------------ */

static const struct case3 json_cases[] = {
	/* RFC 6902 appendix A */
	{ "A1 add member", "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
	  "{\"baz\":\"qux\",\"foo\":\"bar\"}" },
	{ "A2 add element", "{\"foo\":[\"bar\",\"baz\"]}",
	  "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}" },
	{ "A3 remove member", "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
	  "{\"foo\":\"bar\"}" },
	{ "A4 remove element", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
	  "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}" },
	{ "A5 replace", "{\"baz\":\"qux\",\"foo\":\"bar\"}",
	  "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\",\"foo\":\"bar\"}" },
	{ "A6 move value",
	  "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
	  "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
	  "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}" },
	{ "A7 move element", "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
	  "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
	  "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}" },
	{ "A8 test ok", "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
	  "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
	  "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}" },
	{ "A9 test fails", "{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", NULL },
	{ "A10 nested member", "{\"foo\":\"bar\"}",
	  "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
	  "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}" },
	{ "A11 unknown members ignored", "{\"foo\":\"bar\"}",
	  "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]", "{\"foo\":\"bar\",\"baz\":\"qux\"}" },
	{ "A12 missing parent", "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]",
	  NULL },
	{ "A14 ~01 escape", "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
	  "{\"/\":9,\"~1\":10}" },
	{ "A15 string vs number", "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]",
	  NULL },
	{ "A16 add array value", "{\"foo\":[\"bar\"]}",
	  "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
	  "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}" },
	/* more */
	{ "~1 escape", "{\"metadata\":{\"labels\":{}}}",
	  "[{\"op\":\"add\",\"path\":\"/metadata/labels/app.kubernetes.io~1name\",\"value\":\"x\"}]",
	  "{\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"x\"}}}" },
	{ "copy", "{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}]",
	  "{\"a\":{\"b\":1},\"c\":{\"b\":1}}" },
	{ "replace root", "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]", "{\"b\":2}" },
	{ "remove missing", "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", NULL },
	{ "replace missing", "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]", NULL },
	{ "index past end", "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/2\",\"value\":1}]", NULL },
	{ "leading zero", "{\"a\":[1,2]}", "[{\"op\":\"remove\",\"path\":\"/a/01\"}]", NULL },
	{ "bad escape", "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/a~2\"}]", NULL },
	{ "move into child", "{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/c\"}]", NULL },
	{ "unknown op", "{\"a\":1}", "[{\"op\":\"frob\",\"path\":\"/a\"}]", NULL },
	{ "not an array", "{\"a\":1}", "{\"op\":\"remove\",\"path\":\"/a\"}", NULL },
	{ "no value", "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", NULL },
	{ "sequence stops at failure", "{\"a\":1}",
	  "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"test\",\"path\":\"/a\",\"value\":5}]", NULL },
	{ "replace in array", "{\"spec\":{\"containers\":[{\"image\":\"a\"}]}}",
	  "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"b\"}]",
	  "{\"spec\":{\"containers\":[{\"image\":\"b\"}]}}" },
};

static void test_json_patch(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
		const struct case3 *c = &json_cases[i];
		json_t *t = J(c->target), *p = J(c->patch);
		struct kerr err = { 0 };
		int rc = sim_json_patch(&t, p, &err);

		if (!c->want) {
			if (rc != -1)
				fail_msg("%s: expected failure", c->name);
			assert_int_equal(err.kind, KERR_INVALID);
			assert_true(err.msg[0] != 0);
		} else {
			if (rc != 0)
				fail_msg("%s: failed: %s", c->name, err.msg);
			assert_json(t, c->want, c->name);
		}
		json_decref(t);
		json_decref(p);
	}
}

/* ---- strategic merge ------------------------------------------------------- */

struct smp_case {
	const char *name, *api_version, *kind, *target, *patch, *want;
};

#define POD(spec) "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":" spec "}"

static const struct smp_case smp_cases[] = {
	{ "containers by name", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\",\"image\":\"y\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"z\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\",\"image\":\"z\"}]}}" },
	{ "new container appended", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"q\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"c\",\"image\":\"q\"}]}}" },
	{ "kind and apiVersion from target", NULL, NULL,
	  POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\"}]}"),
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}",
	  POD("{\"containers\":[{\"name\":\"a\",\"image\":\"y\"},{\"name\":\"b\"}]}") },
	{ "deployment env by name", "apps/v1", "Deployment",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"env\":[{\"name\":\"A\",\"value\":\"1\"},"
	  "{\"name\":\"B\",\"value\":\"2\"}]}]}}}}",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"env\":[{\"name\":\"B\",\"value\":\"3\"}]}]}}}}",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"env\":[{\"name\":\"A\",\"value\":\"1\"},"
	  "{\"name\":\"B\",\"value\":\"3\"}]}]}}}}" },
	{ "container ports by containerPort", "apps/v1", "Deployment",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"}]}]}}}}",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"ports\":[{\"containerPort\":80,\"name\":\"web\"},"
	  "{\"containerPort\":443}]}]}}}}",
	  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\",\"ports\":[{\"containerPort\":80,\"name\":\"web\"},"
	  "{\"containerPort\":443}]}]}}}}" },
	{ "service ports by port", "v1", "Service",
	  "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":443,\"targetPort\":8443}]}}",
	  "{\"spec\":{\"ports\":[{\"port\":443,\"nodePort\":30443}]}}",
	  "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":443,\"targetPort\":8443,\"nodePort\":30443}]}}" },
	{ "volumes and volumeMounts", "v1", "Pod",
	  "{\"spec\":{\"volumes\":[{\"name\":\"v1\",\"emptyDir\":{}}],\"containers\":[{\"name\":\"c\","
	  "\"volumeMounts\":[{\"name\":\"v1\",\"mountPath\":\"/a\"}]}]}}",
	  "{\"spec\":{\"volumes\":[{\"name\":\"v2\",\"secret\":{\"secretName\":\"s\"}}],\"containers\":[{\"name\":\"c\","
	  "\"volumeMounts\":[{\"name\":\"v2\",\"mountPath\":\"/b\"},{\"name\":\"v1b\",\"mountPath\":\"/a\"}]}]}}",
	  "{\"spec\":{\"volumes\":[{\"name\":\"v1\",\"emptyDir\":{}},{\"name\":\"v2\",\"secret\":{\"secretName\":\"s\"}}],"
	  "\"containers\":[{\"name\":\"c\",\"volumeMounts\":[{\"name\":\"v1b\",\"mountPath\":\"/a\"},"
	  "{\"name\":\"v2\",\"mountPath\":\"/b\"}]}]}}" },
	{ "$patch delete item", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"$patch\":\"delete\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"b\"}]}}" },
	{ "$patch replace list", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"c\"},{\"$patch\":\"replace\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}" },
	{ "$patch replace map", "v1", "ConfigMap",
	  "{\"data\":{\"a\":\"1\",\"b\":\"2\"}}",
	  "{\"data\":{\"$patch\":\"replace\",\"c\":\"3\"}}",
	  "{\"data\":{\"c\":\"3\"}}" },
	{ "$patch delete map", "v1", "Pod",
	  "{\"spec\":{\"affinity\":{\"nodeAffinity\":{}},\"x\":1}}",
	  "{\"spec\":{\"affinity\":{\"$patch\":\"delete\"}}}",
	  "{\"spec\":{\"x\":1}}" },
	{ "finalizers union", "v1", "ConfigMap",
	  "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
	  "{\"metadata\":{\"finalizers\":[\"b\",\"c\"]}}",
	  "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}" },
	{ "$deleteFromPrimitiveList", "v1", "ConfigMap",
	  "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
	  "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"b\"]}}",
	  "{\"metadata\":{\"finalizers\":[\"a\",\"c\"]}}" },
	{ "$setElementOrder", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}",
	  "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"},{\"name\":\"a\"}],"
	  "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"a\"},{\"name\":\"b\"}]}}" },
	{ "$retainKeys", "apps/v1", "Deployment",
	  "{\"spec\":{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1}}}}",
	  "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}",
	  "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}" },
	{ "tolerations atomic", "v1", "Pod",
	  "{\"spec\":{\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}}",
	  "{\"spec\":{\"tolerations\":[{\"key\":\"b\",\"operator\":\"Exists\"}]}}",
	  "{\"spec\":{\"tolerations\":[{\"key\":\"b\",\"operator\":\"Exists\"}]}}" },
	{ "args atomic", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"x\",\"y\"]}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"z\"]}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"z\"]}]}}" },
	{ "conditions by type", "apps/v1", "Deployment",
	  "{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"False\"},{\"type\":\"Progressing\",\"status\":\"True\"}]}}",
	  "{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"}]}}",
	  "{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"},{\"type\":\"Progressing\",\"status\":\"True\"}]}}" },
	{ "ownerReferences by uid", "apps/v1", "ReplicaSet",
	  "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"}]}}",
	  "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"2\",\"name\":\"b\"}]}}",
	  "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"},{\"uid\":\"2\",\"name\":\"b\"}]}}" },
	{ "imagePullSecrets by name", "v1", "Pod",
	  "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"a\"}]}}",
	  "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"b\"}]}}",
	  "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}" },
	{ "webhooks by name", "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
	  "{\"webhooks\":[{\"name\":\"a\",\"clientConfig\":{}},{\"name\":\"b\"}]}",
	  "{\"webhooks\":[{\"name\":\"a\",\"clientConfig\":{\"caBundle\":\"Q0E=\"}}]}",
	  "{\"webhooks\":[{\"name\":\"a\",\"clientConfig\":{\"caBundle\":\"Q0E=\"}},{\"name\":\"b\"}]}" },
	{ "labels null deletes", "v1", "ConfigMap",
	  "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}}}",
	  "{\"metadata\":{\"labels\":{\"a\":null}}}",
	  "{\"metadata\":{\"labels\":{\"b\":\"2\"}}}" },
	{ "custom resource: merge semantics", "scheduling.volcano.sh/v1beta1", "Queue",
	  "{\"spec\":{\"weight\":1,\"list\":[{\"name\":\"a\"}],\"x\":1}}",
	  "{\"spec\":{\"list\":[{\"name\":\"b\"}],\"x\":null}}",
	  "{\"spec\":{\"weight\":1,\"list\":[{\"name\":\"b\"}]}}" },
	{ "missing merge key", "v1", "Pod",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}",
	  "{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}", NULL },
	{ "unknown $patch", "v1", "Pod", "{\"spec\":{}}", "{\"spec\":{\"$patch\":\"frob\"}}", NULL },
	{ "not an object", "v1", "Pod", "{}", "[1]", NULL },
	{ "new list cleaned", "v1", "Pod", "{\"spec\":{}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"x\":null},{\"name\":\"b\",\"$patch\":\"delete\"}]}}",
	  "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}" },
};

static void test_strategic(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof smp_cases / sizeof smp_cases[0]; i++) {
		const struct smp_case *c = &smp_cases[i];
		json_t *t = J(c->target), *p = J(c->patch);
		struct kerr err = { 0 };
		int rc = sim_strategic_merge_patch(t, p, c->api_version, c->kind, &err);

		if (!c->want) {
			if (rc != -1)
				fail_msg("%s: expected failure", c->name);
			assert_int_equal(err.kind, KERR_INVALID);
		} else {
			if (rc != 0)
				fail_msg("%s: failed: %s", c->name, err.msg);
			assert_json(t, c->want, c->name);
		}
		json_decref(t);
		json_decref(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_patch),
		cmocka_unit_test(test_json_patch),
		cmocka_unit_test(test_strategic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
