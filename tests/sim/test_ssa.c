/* test_ssa.c - server-side apply and managedFields (sim/patch.h), as
 * scenarios of writes checked step by step. */
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

static char *D(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

enum step_op { END = 0, APPLY, UPDATE };

struct step {
	enum step_op op;
	const char *manager;
	int force;
	const char *body;          /* applied config, or the whole new object for UPDATE */
	const char *want_err;      /* exact conflict message, or NULL */
	const char *tests;         /* JSON patch "test" ops checked against the result */
	const char *absent;        /* JSON array of pointers that must not exist */
	const char *owners;        /* {"manager/Op": fieldsV1 or null (no entry)} */
	int same_as_before;        /* result must equal the previous object exactly */
};

struct scenario {
	const char *name;
	struct step steps[8];
};

#define DEPLOY(spec) "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"," \
	"\"namespace\":\"default\"},\"spec\":" spec "}"
#define CM(meta, data) "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"" meta "}," \
	"\"data\":" data "}"

static const struct scenario scenarios[] = {
	{ "create, then the same apply is a no-op", {
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"app\":\"a\"}", "{\"k\":\"v\"}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"v\"},"
		  "{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"a\"},"
		  "{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"cfg\"},"
		  "{\"op\":\"test\",\"path\":\"/metadata/managedFields/0/operation\",\"value\":\"Apply\"},"
		  "{\"op\":\"test\",\"path\":\"/metadata/managedFields/0/fieldsType\",\"value\":\"FieldsV1\"},"
		  "{\"op\":\"test\",\"path\":\"/metadata/managedFields/0/apiVersion\",\"value\":\"v1\"}]",
		  NULL,
		  "{\"kubectl/Apply\":{\"f:data\":{\"f:k\":{}},\"f:metadata\":{\"f:labels\":{\"f:app\":{}}}}}", 0 },
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"app\":\"a\"}", "{\"k\":\"v\"}"), NULL, NULL, NULL, NULL, 1 },
		{ END } } },
	{ "dropped fields are removed", {
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"app\":\"a\",\"tier\":\"x\"}", "{\"k\":\"v\",\"k2\":\"v2\"}"),
		  NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"app\":\"a\"}", "{\"k\":\"v\"}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/data\",\"value\":{\"k\":\"v\"}}]",
		  "[\"/metadata/labels/tier\",\"/data/k2\"]",
		  "{\"kubectl/Apply\":{\"f:data\":{\"f:k\":{}},\"f:metadata\":{\"f:labels\":{\"f:app\":{}}}}}", 0 },
		{ END } } },
	{ "a dropped field another manager owns stays", {
		{ APPLY, "kubectl", 0, CM("", "{\"k\":\"v\",\"shared\":\"s\"}"), NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "other", 0, CM("", "{\"shared\":\"s\"}"), NULL, NULL, NULL,
		  "{\"kubectl/Apply\":{\"f:data\":{\"f:k\":{},\"f:shared\":{}}},\"other/Apply\":{\"f:data\":{\"f:shared\":{}}}}", 0 },
		{ APPLY, "kubectl", 0, CM("", "{\"k\":\"v\"}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/data\",\"value\":{\"k\":\"v\",\"shared\":\"s\"}}]", NULL,
		  "{\"kubectl/Apply\":{\"f:data\":{\"f:k\":{}}},\"other/Apply\":{\"f:data\":{\"f:shared\":{}}}}", 0 },
		{ END } } },
	{ "conflict with a client-side apply, then force", {
		{ UPDATE, "kubectl-client-side-apply", 0,
		  DEPLOY("{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}"), NULL, NULL, NULL,
		  "{\"kubectl-client-side-apply/Update\":{\"f:spec\":{\".\":{},\"f:replicas\":{},\"f:selector\":{}}}}", 0 },
		{ APPLY, "kubectl", 0, DEPLOY("{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}"),
		  "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas",
		  NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 1, DEPLOY("{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":2}]", NULL,
		  "{\"kubectl-client-side-apply/Update\":{\"f:spec\":{\".\":{},\"f:selector\":{}}},"
		  "\"kubectl/Apply\":{\"f:spec\":{\"f:replicas\":{},\"f:selector\":{}}}}", 0 },
		{ END } } },
	{ "several conflicts are listed per manager", {
		{ UPDATE, "helm", 0, CM(",\"labels\":{\"a\":\"1\"}", "{\"x\":\"1\",\"y\":\"1\"}"), NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"a\":\"2\"}", "{\"x\":\"2\",\"y\":\"1\"}"),
		  "Apply failed with 2 conflicts: conflicts with \"helm\" using v1:\n- .data.x\n- .metadata.labels.a",
		  NULL, NULL, NULL, 0 },
		{ END } } },
	{ "same value: shared ownership, no conflict", {
		{ UPDATE, "kubectl-create", 0, CM("", "{\"x\":\"1\"}"), NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 0, CM("", "{\"x\":\"1\"}"), NULL, NULL, NULL,
		  "{\"kubectl-create/Update\":{\"f:data\":{\".\":{},\"f:x\":{}}},\"kubectl/Apply\":{\"f:data\":{\"f:x\":{}}}}", 0 },
		{ END } } },
	{ "associative lists: containers by name, ports by containerPort and protocol", {
		{ APPLY, "a", 0, DEPLOY("{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
		  "\"ports\":[{\"containerPort\":80}]}]}}}"), NULL, NULL, NULL,
		  "{\"a/Apply\":{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":"
		  "{\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
		  "{\".\":{},\"f:containerPort\":{}}}}}}}}}}", 0 },
		{ APPLY, "b", 0, DEPLOY("{\"template\":{\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":\"envoy\"}]}}}"),
		  NULL, "[{\"op\":\"test\",\"path\":\"/spec/template/spec/containers/0/name\",\"value\":\"web\"},"
		  "{\"op\":\"test\",\"path\":\"/spec/template/spec/containers/1/name\",\"value\":\"side\"}]", NULL, NULL, 0 },
		{ APPLY, "a", 0, DEPLOY("{\"replicas\":1}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/spec/template/spec/containers\",\"value\":[{\"name\":\"side\",\"image\":\"envoy\"}]}]",
		  NULL, NULL, 0 },
		{ END } } },
	{ "a conflict inside a list item names the key", {
		{ APPLY, "a", 0, DEPLOY("{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1\"}]}}}"),
		  NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "b", 0, DEPLOY("{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:2\"}]}}}"),
		  "Apply failed with 1 conflict: conflict with \"a\": .spec.template.spec.containers[name=\"web\"].image",
		  NULL, NULL, NULL, 0 },
		{ END } } },
	{ "sets: finalizers", {
		{ APPLY, "a", 0, CM(",\"finalizers\":[\"x.io/a\"]", "{}"), NULL, NULL, NULL,
		  "{\"a/Apply\":{\"f:data\":{},\"f:metadata\":{\"f:finalizers\":{\"v:\\\"x.io/a\\\"\":{}}}}}", 0 },
		{ APPLY, "b", 0, CM(",\"finalizers\":[\"x.io/b\"]", "{}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/metadata/finalizers\",\"value\":[\"x.io/a\",\"x.io/b\"]}]", NULL, NULL, 0 },
		{ END } } },
	{ "status is not touched by an apply", {
		{ UPDATE, "ctl", 0, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
		  "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1}}", NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 1, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
		  "\"spec\":{\"replicas\":3},\"status\":{\"replicas\":7}}", NULL,
		  "[{\"op\":\"test\",\"path\":\"/status\",\"value\":{\"replicas\":1}},"
		  "{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3}]", NULL, NULL, 0 },
		{ END } } },
	{ "atomic selector is one field", {
		{ APPLY, "a", 0, DEPLOY("{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}"), NULL, NULL, NULL,
		  "{\"a/Apply\":{\"f:spec\":{\"f:selector\":{}}}}", 0 },
		{ END } } },
	{ "updates move ownership", {
		{ APPLY, "kubectl", 0, CM(",\"labels\":{\"a\":\"1\"}", "{\"x\":\"1\"}"), NULL, NULL, NULL, NULL, 0 },
		{ UPDATE, "kubectl-label", 0, CM(",\"labels\":{\"a\":\"2\"}", "{\"x\":\"1\"}"), NULL, NULL, NULL,
		  "{\"kubectl/Apply\":{\"f:data\":{\"f:x\":{}}},"
		  "\"kubectl-label/Update\":{\"f:metadata\":{\"f:labels\":{\"f:a\":{}}}}}", 0 },
		/* the applier no longer owns the label: dropping it leaves it */
		{ APPLY, "kubectl", 0, CM("", "{\"x\":\"1\"}"), NULL,
		  "[{\"op\":\"test\",\"path\":\"/metadata/labels/a\",\"value\":\"2\"}]", NULL, NULL, 0 },
		{ END } } },
	{ "an update that changes nothing keeps managedFields", {
		{ UPDATE, "a", 0, CM("", "{\"x\":\"1\"}"), NULL, NULL, NULL, NULL, 0 },
		{ UPDATE, "b", 0, CM("", "{\"x\":\"1\"}"), NULL, NULL, NULL,
		  "{\"a/Update\":{\"f:data\":{\".\":{},\"f:x\":{}}},\"b/Update\":null}", 1 },
		{ END } } },
	{ "removing a field takes it from its owner", {
		{ UPDATE, "a", 0, CM("", "{\"x\":\"1\",\"y\":\"2\"}"), NULL, NULL, NULL, NULL, 0 },
		{ UPDATE, "b", 0, CM("", "{\"y\":\"2\"}"), NULL, NULL, NULL,
		  "{\"a/Update\":{\"f:data\":{\".\":{},\"f:y\":{}}},\"b/Update\":null}", 0 },
		{ END } } },
	{ "status writes are recorded with their subresource", {
		{ UPDATE, "ctl", 0, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
		  "\"spec\":{},\"status\":{\"phase\":\"Running\"}}", NULL,
		  "[{\"op\":\"test\",\"path\":\"/metadata/managedFields/0/subresource\",\"value\":\"status\"}]", NULL,
		  "{\"ctl/Update\":{\"f:status\":{\".\":{},\"f:phase\":{}}}}", 0 },
		{ END } } },
	{ "an object nobody tracked belongs to before-first-apply", {
		{ UPDATE, NULL, 0, CM("", "{\"x\":\"1\"}"), NULL, NULL, NULL, NULL, 0 },
		{ APPLY, "kubectl", 0, CM("", "{\"x\":\"2\"}"),
		  "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.x",
		  NULL, NULL, NULL, 0 },
		{ END } } },
};

/* Entries of managedFields by "manager/Operation". */
static json_t *owner(const json_t *obj, const char *id)
{
	json_t *mf = json_object_get(json_object_get(obj, "metadata"), "managedFields"), *e;
	size_t i;
	char buf[256];

	json_array_foreach(mf, i, e) {
		snprintf(buf, sizeof buf, "%s/%s", json_string_value(json_object_get(e, "manager")),
			 json_string_value(json_object_get(e, "operation")));
		if (!strcmp(buf, id))
			return e;
	}
	return NULL;
}

static void check_step(const char *sname, size_t si, const struct step *st, const json_t *obj,
		       const json_t *prev)
{
	struct kerr err = { 0 };

	if (st->tests) {
		json_t *t = J(st->tests), *cp = json_deep_copy(obj);
		if (sim_json_patch(&cp, t, &err))
			fail_msg("%s step %zu: %s in %s", sname, si, err.msg, D(obj));
		json_decref(cp);
		json_decref(t);
	}
	if (st->absent) {
		json_t *a = J(st->absent), *p;
		size_t i;

		json_array_foreach(a, i, p) {
			json_t *cp = json_deep_copy(obj);
			json_t *op = json_pack("[{s:s,s:O}]", "op", "remove", "path", p);
			if (!sim_json_patch(&cp, op, &err))
				fail_msg("%s step %zu: %s still present in %s", sname, si,
					 json_string_value(p), D(obj));
			json_decref(cp);
			json_decref(op);
		}
		json_decref(a);
	}
	if (st->owners) {
		json_t *o = J(st->owners), *want;
		const char *id;

		json_object_foreach(o, id, want) {
			json_t *e = owner(obj, id);
			if (json_is_null(want)) {
				if (e)
					fail_msg("%s step %zu: unexpected entry %s", sname, si, id);
				continue;
			}
			if (!e)
				fail_msg("%s step %zu: no entry %s in %s", sname, si, id, D(obj));
			if (!json_equal(json_object_get(e, "fieldsV1"), want))
				fail_msg("%s step %zu: %s owns %s, want %s", sname, si, id,
					 D(json_object_get(e, "fieldsV1")), D(want));
			if (!json_string_value(json_object_get(e, "time")))
				fail_msg("%s step %zu: %s has no time", sname, si, id);
		}
		json_decref(o);
	}
	if (st->same_as_before && !json_equal(obj, prev))
		fail_msg("%s step %zu: changed: %s -> %s", sname, si, D(prev), D(obj));
}

static void test_scenarios(void **state)
{
	size_t i, si;

	(void)state;
	for (i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
		const struct scenario *sc = &scenarios[i];
		json_t *obj = NULL;

		for (si = 0; sc->steps[si].op != END; si++) {
			const struct step *st = &sc->steps[si];
			json_t *body = J(st->body), *out = NULL;
			struct kerr err = { 0 };
			int rc;

			if (st->op == APPLY) {
				rc = sim_ssa_apply(obj, body, st->manager, st->force, &out, &err);
			} else {
				out = json_deep_copy(body);
				/* carry the old ownership like a client PUT would */
				if (obj && json_object_get(json_object_get(obj, "metadata"), "managedFields"))
					json_object_set(json_object_get(out, "metadata"), "managedFields",
							json_object_get(json_object_get(obj, "metadata"),
									"managedFields"));
				if (st->manager)
					sim_managed_fields_update(out, obj, st->manager,
								  json_object_get(body, "status") ? "status" : NULL);
				rc = 0;
			}
			if (st->want_err) {
				if (rc != -1)
					fail_msg("%s step %zu: expected a conflict, got %s", sc->name, si, D(out));
				assert_int_equal(err.kind, KERR_CONFLICT);
				assert_int_equal(err.http, 409);
				assert_string_equal(err.reason, "Conflict");
				if (strcmp(err.msg, st->want_err))
					fail_msg("%s step %zu: message\n%s\nwant\n%s", sc->name, si, err.msg,
						 st->want_err);
				assert_null(out);
			} else {
				if (rc)
					fail_msg("%s step %zu: %s", sc->name, si, err.msg);
				check_step(sc->name, si, st, out, obj);
				json_decref(obj);
				obj = out;
			}
			json_decref(body);
		}
		json_decref(obj);
	}
}

/* Input checks. */
static void test_bad_input(void **state)
{
	json_t *out = NULL, *a = J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
	json_t *noav = J("{\"metadata\":{\"name\":\"x\"}}"), *live = J("{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}");
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(sim_ssa_apply(NULL, a, "", 0, &out, &err), -1);
	assert_int_equal(err.kind, KERR_INVALID);
	assert_int_equal(sim_ssa_apply(NULL, noav, "m", 0, &out, &err), -1);
	assert_int_equal(sim_ssa_apply(live, a, "m", 0, &out, &err), -1);
	assert_null(out);
	json_decref(a);
	json_decref(noav);
	json_decref(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
