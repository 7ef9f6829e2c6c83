/* t_jsonx.c - dotted paths, setters, Go-style JSON output, sorted copies,
 * RFC 3339 times. */
#include "tests/lib/t_lib.h"

#include <string.h>

#include "lib/jsonx.h"

static json_t *pod(void)
{
	json_t *v = json_loads("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\","
			       "\"namespace\":\"prod\",\"labels\":{\"app.kubernetes.io/name\":\"web\","
			       "\"tier\":\"front\"}},\"spec\":{\"replicas\":3,\"ratio\":2.5,\"paused\":true,"
			       "\"containers\":[{\"name\":\"c0\"},{\"name\":\"c1\"}]}}",
			       JSON_PRESERVE_ORDER, NULL);
	assert_non_null(v);
	return v;
}

static void test_get(void **state)
{
	json_t *p = pod();

	(void)state;
	assert_string_equal(jx_str(p, "metadata.labels.app\\.kubernetes\\.io/name"), "web");
	assert_null(jx_str(p, "metadata.labels.app.kubernetes.io/name"));
	assert_string_equal(jx_str(p, "spec.containers.1.name"), "c1");
	assert_null(jx_get(p, "spec.containers.2"));
	assert_null(jx_get(p, "spec.containers.x"));
	assert_null(jx_get(p, "spec.containers.-1"));
	assert_null(jx_str(p, "spec.replicas"));          /* wrong type */
	assert_null(jx_get(p, "kind.more"));               /* through a scalar */
	assert_ptr_equal(jx_get(p, ""), p);
	assert_string_equal(jx_str_or(p, "metadata.missing", "dflt"), "dflt");
	assert_int_equal(jx_int(p, "spec.replicas", -1), 3);
	assert_int_equal(jx_int(p, "spec.ratio", -1), 2);
	assert_int_equal(jx_int(p, "spec.none", -7), -7);
	assert_int_equal(jx_bool(p, "spec.paused", 0), 1);
	assert_int_equal(jx_bool(p, "spec.replicas", 0), 0);
	assert_string_equal(jx_name(p), "web");
	assert_string_equal(jx_namespace(p), "prod");
	assert_string_equal(jx_kind(p), "Pod");
	assert_string_equal(jx_api_version(p), "v1");
	assert_null(jx_name(NULL));
	json_decref(p);
}

static void test_set_del(void **state)
{
	json_t *o = json_object();
	char *long_key = xmalloc(1001);

	(void)state;
	assert_int_equal(jx_set_str(o, "metadata.annotations.a\\.b/c", "v"), 0);
	assert_string_equal(jx_str(o, "metadata.annotations.a\\.b/c"), "v");
	assert_non_null(json_object_get(json_object_get(json_object_get(o, "metadata"),
							"annotations"), "a.b/c"));
	/* a scalar in the way is replaced by an object */
	assert_int_equal(jx_set_new(o, "x", json_integer(1)), 0);
	assert_int_equal(jx_set_new(o, "x.y", json_true()), 0);
	assert_int_equal(jx_bool(o, "x.y", 0), 1);
	assert_int_equal(jx_set_str(o, "n", NULL), 0);
	assert_true(json_is_null(jx_get(o, "n")));
	assert_int_equal(jx_set_new(NULL, "a", json_integer(1)), -1);  /* value freed */
	/* keys longer than any fixed buffer are not truncated */
	memset(long_key, 'k', 1000);
	long_key[1000] = '\0';
	assert_int_equal(jx_set_str(o, long_key, "long"), 0);
	assert_string_equal(jx_str(o, long_key), "long");
	long_key[999] = '\0';
	assert_null(jx_str(o, long_key));
	assert_int_equal(jx_del(o, "metadata.annotations.a\\.b/c"), 0);
	assert_null(jx_get(o, "metadata.annotations.a\\.b/c"));
	assert_int_equal(jx_del(o, "metadata.nothere"), -1);
	assert_int_equal(jx_del(o, "n.deeper"), -1);
	free(long_key);
	json_decref(o);
}

static void test_dump(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v = json_loads("{\"b\":{\"x\":[1,2.5,{}]},\"a\":[],\"s\":\"<a&b>\\u2028\\u0001\\n\\\"/\","
			       "\"r\":[0.1,1e21,1e-7,123456789.125,1e20,5e-324],\"t\":true,\"n\":null}",
			       JSON_PRESERVE_ORDER, NULL);

	(void)state;
	assert_non_null(v);
	jx_dump_pretty(&sb, v);
	/* Go's json.MarshalIndent(v, "", "    "), as kubectl -o json prints */
	assert_string_equal(sb.buf,
		"{\n"
		"    \"b\": {\n"
		"        \"x\": [\n"
		"            1,\n"
		"            2.5,\n"
		"            {}\n"
		"        ]\n"
		"    },\n"
		"    \"a\": [],\n"
		"    \"s\": \"\\u003ca\\u0026b\\u003e\\u2028\\u0001\\n\\\"/\",\n"
		"    \"r\": [\n"
		"        0.1,\n"
		"        1e+21,\n"
		"        1e-7,\n"
		"        123456789.125,\n"
		
		"        1e+20,\n"
		"        5e-324\n"
		"    ],\n"
		"    \"t\": true,\n"
		"    \"n\": null\n"
		"}");
	strbuf_reset(&sb);
	jx_dump_compact(&sb, v);
	assert_string_equal(sb.buf,
		"{\"b\":{\"x\":[1,2.5,{}]},\"a\":[],\"s\":\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\\n\\\"/\","
		"\"r\":[0.1,1e+21,1e-7,123456789.125,1e+20,5e-324],\"t\":true,\"n\":null}");
	/* and jansson reads our output back to the same values */
	{
		json_t *back = json_loads(sb.buf, 0, NULL);
		assert_non_null(back);
		assert_true(jx_equal(back, v));
		json_decref(back);
	}
	strbuf_reset(&sb);
	{
		json_t *str = json_string("plain"), *mz = json_real(-0.0);
		jx_dump_compact(&sb, mz);
		assert_string_equal(sb.buf, "-0");
		json_decref(mz);
		strbuf_reset(&sb);
		jx_dump_pretty(&sb, str);   /* a bare scalar is fine too */
		assert_string_equal(sb.buf, "\"plain\"");
		json_decref(str);
	}
	strbuf_release(&sb);
	json_decref(v);
}

static void test_sorted_equal(void **state)
{
	json_t *v = json_loads("{\"b\":1,\"a\":{\"z\":[{\"y\":1,\"x\":2}],\"é\":0,\"B\":1}}",
			       JSON_PRESERVE_ORDER, NULL);
	json_t *s = jx_sorted_copy(v), *w;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	jx_dump_compact(&sb, s);
	assert_string_equal(sb.buf, "{\"a\":{\"B\":1,\"z\":[{\"x\":2,\"y\":1}],\"é\":0},\"b\":1}");
	assert_true(jx_equal(v, s));
	w = json_deep_copy(v);
	json_object_setn_new(w, "k\0x", 3, json_integer(1));
	json_object_setn_new(v, "k\0y", 3, json_integer(1));
	assert_false(jx_equal(v, w));         /* json_equal would say equal */
	assert_false(jx_equal(v, NULL));
	assert_false(jx_equal(json_object_get(v, "b"), json_object_get(v, "a")));
	strbuf_release(&sb);
	json_decref(w);
	json_decref(s);
	json_decref(v);
}

static const struct { const char *s; int64_t t; } time_cases[] = {
	{ "2026-11-25T08:06:25Z", 1795593985 },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "2026-11-25T08:06:25.123456Z", 1795593985 },
	{ "2026-11-25T10:06:25+02:00", 1795593985 },
	{ "2026-11-25T03:36:25-04:30", 1795593985 },
	{ "2024-02-29t12:00:00z", 1709208000 },
	{ "2023-02-29T12:00:00Z", -1 },
	{ "2026-13-01T00:00:00Z", -1 },
	{ "2026-11-25T08:06:25", -1 },
	{ "2026-11-25T08:06:25Zjunk", -1 },
	{ "2026-11-25 08:06", -1 },
	{ "2026-11-25T08:06:25.Z", -1 },
	{ "", -1 },
	{ NULL, -1 },
};

/* kubectl's HumanDuration at each boundary. */
static void test_human_duration(void **state)
{
	static const struct { int64_t s; const char *want; } cases[] = {
		{ -5, "<invalid>" }, { -1, "0s" }, { 0, "0s" }, { 119, "119s" },
		{ 120, "2m" }, { 125, "2m5s" }, { 599, "9m59s" }, { 600, "10m" },
		{ 3 * 3600 - 1, "179m" }, { 3 * 3600, "3h" }, { 3 * 3600 + 60, "3h1m" },
		{ 8 * 3600, "8h" }, { 47 * 3600 + 59 * 60, "47h" }, { 48 * 3600, "2d" },
		{ 49 * 3600, "2d1h" }, { 8 * 86400, "8d" }, { 729 * 86400, "729d" },
		{ 730 * 86400, "2y" }, { 731 * 86400, "2y1d" }, { 8 * 365 * 86400LL, "8y" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		jx_human_duration(buf, sizeof buf, cases[i].s);
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_time(void **state)
{
	char buf[21];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(time_cases); i++) {
		int64_t got = jx_parse_rfc3339(time_cases[i].s);
		if (got != time_cases[i].t)
			fail_msg("%s: got %lld want %lld", time_cases[i].s ? time_cases[i].s : "NULL",
				 (long long)got, (long long)time_cases[i].t);
	}
	jx_time_rfc3339(buf, sizeof(buf), 1795593985);
	assert_string_equal(buf, "2026-11-25T08:06:25Z");
	jx_time_rfc3339(buf, sizeof(buf), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(jx_parse_rfc3339(buf), 0);
}

int t_jsonx(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_set_del),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_sorted_equal),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_human_duration),
	};
	return cmocka_run_group_tests_name("jsonx", tests, NULL, NULL);
}
