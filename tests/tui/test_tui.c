/* test_tui.c - unit tests for the TUI's pure parts: layout, scrollback,
 * sparklines, key names, themes, the fleet's maps and object summaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/fleet/fleet.h"
#include "backends/fleet/fmap.h"
#include "lib/xalloc.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/logbuf.h"
#include "tui/pane.h"
#include "tui/spark.h"

/* ---- layout --------------------------------------------------------- */

static int overlap(const struct rect *a, const struct rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static void test_layout_sizes(void **state)
{
	static const int sizes[][2] = {
		{ 24, 80 }, { 40, 120 }, { 25, 80 }, { 50, 200 }, { 30, 100 },
		{ 24, 81 }, { 100, 300 }, { 12, 45 }, { 12, 40 },
	};

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		int rows = sizes[s][0], cols = sizes[s][1];
		struct rect r[PANE__COUNT], st;
		long area = 0;

		assert_int_equal(layout_compute(rows, cols, r, &st), 0);
		assert_int_equal(st.y, rows - 1);
		assert_int_equal(st.w, cols);
		for (int i = 0; i < PANE__COUNT; i++) {
			/* Every pane has room for its border and one line. */
			assert_true(r[i].h >= 3);
			assert_true(r[i].w >= (cols >= 80 ? 12 : 4));
			assert_true(r[i].x >= 0 && r[i].x + r[i].w <= cols);
			assert_true(r[i].y >= 0 && r[i].y + r[i].h <= rows - 1);
			area += (long)r[i].h * r[i].w;
			for (int j = i + 1; j < PANE__COUNT; j++)
				assert_false(overlap(&r[i], &r[j]));
		}
		/* Panes tile the screen above the status line exactly. */
		assert_int_equal(area, (long)(rows - 1) * cols);
	}
}

static void test_layout_too_small(void **state)
{
	struct rect r[PANE__COUNT], st;

	(void)state;
	assert_int_equal(layout_compute(11, 80, r, &st), -1);
	assert_int_equal(layout_compute(24, 39, r, &st), -1);
	assert_int_equal(layout_compute(0, 0, r, &st), -1);
}

/* ---- logbuf --------------------------------------------------------- */

static void test_logbuf_ring(void **state)
{
	struct logbuf lb;

	(void)state;
	logbuf_init(&lb, 3);
	logbuf_add(&lb, 1, 0, "a\nb\n", 4);
	assert_int_equal(logbuf_count(&lb), 2);
	logbuf_add(&lb, 2, LOGLINE_ERR, "c\td\r", 4);
	logbuf_add(&lb, 3, 0, "e", 1);
	assert_int_equal(logbuf_count(&lb), 3);
	assert_int_equal(lb.dropped, 1);
	assert_string_equal(logbuf_get(&lb, 0)->text, "b");
	assert_string_equal(logbuf_get(&lb, 1)->text, "c       d");
	assert_int_equal(logbuf_get(&lb, 1)->flags, LOGLINE_ERR);
	assert_string_equal(logbuf_get(&lb, 2)->text, "e");
	assert_null(logbuf_get(&lb, 3));
	logbuf_add(&lb, 4, 0, "\x01x", 2);
	assert_string_equal(logbuf_get(&lb, 2)->text, "?x");
	assert_int_equal(lb.added, 5);
	logbuf_release(&lb);
}

static void test_logbuf_search(void **state)
{
	static const char *const lines[] = { "starting", "ERROR one", "ok", "an error two", "done" };
	static const struct {
		const char *needle;
		long from;
		int dir;
		long want;
	} cases[] = {
		{ "error", -1, 1, 1 }, { "error", 1, 1, 3 }, { "error", 3, 1, 1 },
		{ "error", 5, -1, 3 }, { "error", 3, -1, 1 }, { "ERROR", 1, -1, 3 },
		{ "nothing", -1, 1, -1 }, { "", -1, 1, -1 }, { "done", 4, 1, 4 },
	};
	struct logbuf lb;

	(void)state;
	logbuf_init(&lb, 10);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		logbuf_add(&lb, 0, 0, lines[i], strlen(lines[i]));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(logbuf_find(&lb, cases[i].needle, cases[i].from, cases[i].dir),
				 cases[i].want);
	assert_ptr_equal(logbuf_strcasestr("abcABC", "xyz"), NULL);
	assert_string_equal(logbuf_strcasestr("xxAbCx", "abc"), "AbCx");
	logbuf_release(&lb);
}

/* ---- sparklines ----------------------------------------------------- */

static void test_spark(void **state)
{
	static const struct {
		double v[8];
		size_t n;
		double max;
		size_t width;
		const char *want;
	} cases[] = {
		{ { 0, 1, 2, 3, 4, 5, 6, 7 }, 8, 7, 8, "_.:-=+*#" },
		{ { 7, 7 }, 2, 0, 4, "  ##" },
		{ { 1, 2, 3 }, 3, 0, 2, "+#" },
		{ { 0 }, 0, 0, 3, "   " },
		{ { 10, 20 }, 2, 10, 2, "##" },
		{ { 0, 0 }, 2, 0, 2, "__" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;

		spark_render(&sb, cases[i].v, cases[i].n, cases[i].max, cases[i].width, 0);
		assert_string_equal(sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
	{
		struct strbuf sb = STRBUF_INIT;
		double v[2] = { 0, 4 };

		spark_render(&sb, v, 2, 4, 2, 1);
		assert_string_equal(sb.buf, "\u2581\u2588");
		strbuf_release(&sb);
	}
}

/* ---- keys ----------------------------------------------------------- */

static void test_keys(void **state)
{
	static const struct {
		const char *name;
		int code;
	} cases[] = {
		{ "q", 'q' }, { "?", '?' }, { "C-c", 3 }, { "C-L", 12 }, { "Tab", '\t' },
		{ "BTab", KEY_BTAB }, { "Enter", '\r' }, { "Up", KEY_UP }, { "F1", KEY_F(1) },
		{ "PageDown", KEY_NPAGE }, { "Escape", 27 }, { "", -1 }, { "Nope", -1 },
		{ "C-", -1 }, { "F13", -1 },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(keys_parse(cases[i].name), cases[i].code);
		if (cases[i].code > 0)
			assert_int_equal(keys_parse(keys_name(cases[i].code, buf, sizeof(buf))),
					 cases[i].code);
	}
	/* The acceptance keys are bound where the issue says. */
	assert_string_equal(keys_lookup("global", ':')->action, "focus shell");
	assert_string_equal(keys_lookup("global", '/')->action, "filter");
	assert_string_equal(keys_lookup("global", '?')->action, "help");
	assert_string_equal(keys_lookup("global", '\t')->action, "focus next");
	assert_string_equal(keys_lookup("global", KEY_BTAB)->action, "focus prev");
	assert_string_equal(keys_lookup("global", 'q')->action, "quit");
	assert_string_equal(keys_lookup("tree", 'l')->action, "logs");
	assert_string_equal(keys_lookup("tree", 'j')->action, "cursor-down");
	assert_string_equal(keys_lookup("tree", '\n')->action, "toggle");
	assert_null(keys_lookup("tree", 'Z'));
}

/* Every default binding is in the README's key table. */
static void test_keys_documented(void **state)
{
	const struct key_binding *const *all = keys_all();
	struct strbuf doc = STRBUF_INIT;
	const char *src = getenv("TUI_KEYS_DOC");

	(void)state;
	assert_non_null(src);
	assert_int_equal(strbuf_read_file(&doc, src), 0);
	for (size_t i = 0; all[i]; i++) {
		char want[160];

		snprintf(want, sizeof(want), "| %s | `%s` |", all[i]->table, all[i]->key);
		if (!strstr(doc.buf, want))
			fail_msg("README lacks the key row starting '%s'", want);
	}
	strbuf_release(&doc);
}

/* ---- themes --------------------------------------------------------- */

static void test_theme_colors(void **state)
{
	static const struct {
		const char *s;
		int rc;
		short want;
	} cases[] = {
		{ "default", 0, -1 }, { "red", 0, 1 }, { "bright-white", 0, 15 },
		{ "brightred", 0, 9 }, { "grey", 0, 8 }, { "0", 0, 0 }, { "255", 0, 255 },
		{ "256", -1, 0 }, { "-1", -1, 0 }, { "pink", -1, 0 }, { "", -1, 0 }, { "12x", -1, 0 },
	};
	static const short to16[][2] = {
		{ 5, 5 }, { 16, 0 }, { 231, 15 }, { 196, 9 }, { 46, 10 }, { 21, 4 },
		{ 244, 8 }, { 232, 0 }, { 226, 11 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		short c = 0;

		assert_int_equal(theme_parse_color(cases[i].s, &c), cases[i].rc);
		if (!cases[i].rc)
			assert_int_equal(c, cases[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(to16); i++)
		assert_int_equal(theme_color_to16(to16[i][0]), to16[i][1]);
	for (int e = 0; e < THEME__COUNT; e++)
		assert_int_equal(theme_elem_by_name(theme_elem_name(e)), e);
	assert_int_equal(theme_elem_by_name("nope"), -1);
}

static void test_theme_builtins(void **state)
{
	static const char *const want[] = { "default", "high-contrast", "light", "mono" };

	(void)state;
	assert_int_equal(theme_builtin_count(), ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct theme *t = NULL;
		struct kerr err = { 0 };

		assert_string_equal(theme_builtin_name(i), want[i]);
		if (theme_find(want[i], &t, &err) < 0)
			fail_msg("theme %s: %s", want[i], err.msg);
		assert_string_equal(t->name, want[i]);
		theme_free(t);
	}
}

static void test_theme_resolve(void **state)
{
	static const char doc[] =
		"name: t\n"
		"elements:\n"
		"  normal: {fg: 250, bg: 17, bg16: blue}\n"
		"  selected: {fg: black, bg: 39, attrs: [bold], mono: [reverse, underline]}\n"
		"  match: {fg: bright-red}\n";
	struct theme *t = NULL;
	struct theme_resolved r;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(theme_load_data(doc, sizeof(doc) - 1, "t.yaml", &t, &err), 0);
	/* 256 colours: as written. */
	theme_resolve(t, THEME_SELECTED, 256, 0, &r);
	assert_true(r.use_color);
	assert_int_equal(r.fg, 0);
	assert_int_equal(r.bg, 39);
	assert_int_equal(r.attrs, THEME_A_BOLD);
	/* 16 colours: nearest ANSI colour for 39, explicit bg16 for normal. */
	theme_resolve(t, THEME_SELECTED, 16, 0, &r);
	assert_int_equal(r.bg, theme_color_to16(39));
	theme_resolve(t, THEME_NORMAL, 16, 0, &r);
	assert_int_equal(r.bg, 4);
	assert_int_equal(r.fg, theme_color_to16(250));
	/* 8 colours: bright foregrounds become bold. */
	theme_resolve(t, THEME_MATCH, 8, 0, &r);
	assert_int_equal(r.fg, 1);
	assert_true(r.attrs & THEME_A_BOLD);
	/* Elements left out inherit normal's colours and built-in attributes. */
	theme_resolve(t, THEME_BORDER, 256, 0, &r);
	assert_int_equal(r.fg, 250);
	assert_int_equal(r.bg, 17);
	theme_resolve(t, THEME_DIM, 256, 0, &r);
	assert_int_equal(r.attrs, THEME_A_DIM);
	/* NO_COLOR and colourless terminals: attributes only. */
	theme_resolve(t, THEME_SELECTED, 256, 1, &r);
	assert_false(r.use_color);
	assert_int_equal(r.attrs, THEME_A_REVERSE | THEME_A_UNDERLINE);
	theme_resolve(t, THEME_MATCH, 0, 0, &r);
	assert_false(r.use_color);
	assert_int_equal(r.attrs, THEME_A_REVERSE | THEME_A_BOLD);
	theme_free(t);
}

static void test_theme_errors(void **state)
{
	static const struct {
		const char *doc;
		const char *msg;
	} cases[] = {
		{ "elements: {nope: {fg: red}}\n", "unknown element 'nope'" },
		{ "elements: {normal: {fg: pink}}\n", "bad colour 'pink'" },
		{ "elements: {normal: {attrs: [shiny]}}\n", "unknown attribute 'shiny'" },
		{ "elements: {normal: {colour: red}}\n", "unknown key 'colour'" },
		{ "elements: [1]\n", "'elements' must be a mapping" },
		{ "- a\n", "expected a mapping" },
		{ "elements: {normal: {fg: [\n", "bad.yaml" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct theme *t = (struct theme *)1;
		struct kerr err = { 0 };

		assert_int_equal(theme_load_data(cases[i].doc, strlen(cases[i].doc), "bad.yaml", &t,
						 &err), -1);
		assert_null(t);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].msg, err.msg);
	}
	{
		struct theme *t = NULL;
		struct kerr err = { 0 };

		assert_int_equal(theme_find("../etc/passwd", &t, &err), -1);
		assert_int_equal(err.kind, KERR_USAGE);
		assert_int_equal(theme_find("nosuchtheme", &t, &err), -1);
		assert_int_equal(err.kind, KERR_NOTFOUND);
	}
}

/* ---- fleet ---------------------------------------------------------- */

static void test_fmap(void **state)
{
	struct fmap m;
	char key[32];
	size_t i = 0, seen = 0;
	const char *k;
	void *v;

	(void)state;
	fmap_init(&m);
	assert_null(fmap_get(&m, "x"));
	for (long n = 0; n < 5000; n++) {
		snprintf(key, sizeof(key), "ns/pod-%ld", n);
		assert_null(fmap_put(&m, key, (void *)(n + 1)));
	}
	assert_int_equal(fmap_count(&m), 5000);
	for (long n = 0; n < 5000; n += 2) {
		snprintf(key, sizeof(key), "ns/pod-%ld", n);
		assert_ptr_equal(fmap_del(&m, key), (void *)(n + 1));
	}
	assert_int_equal(fmap_count(&m), 2500);
	/* Churn: tombstones must not make the table grow without bound. */
	for (int round = 0; round < 20; round++) {
		for (long n = 0; n < 1000; n++) {
			snprintf(key, sizeof(key), "churn-%d-%ld", round, n);
			fmap_put(&m, key, (void *)1);
		}
		for (long n = 0; n < 1000; n++) {
			snprintf(key, sizeof(key), "churn-%d-%ld", round, n);
			fmap_del(&m, key);
		}
	}
	assert_true(m.cap <= 16384);
	assert_ptr_equal(fmap_get(&m, "ns/pod-1"), (void *)2);
	assert_null(fmap_get(&m, "ns/pod-0"));
	assert_ptr_equal(fmap_put(&m, "ns/pod-1", (void *)9), (void *)2);
	while (fmap_next(&m, &i, &k, &v))
		seen++;
	assert_int_equal(seen, 2500);
	fmap_release(&m, NULL);
}

static void test_quantities(void **state)
{
	static const struct {
		const char *q;
		long milli, kib;
	} cases[] = {
		{ "250m", 250, 0 }, { "2", 2000, 0 }, { "1500000n", 2, 0 }, { "0.5", 500, 0 },
		{ "1Gi", 1073741824000L, 1048576 }, { "512Mi", 536870912000L, 524288 },
		{ "1024Ki", 1048576000L, 1024 }, { "2048", 2048000, 2 }, { "1k", 1000000, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(fleet_cpu_milli(cases[i].q), cases[i].milli);
		assert_int_equal(fleet_mem_kib(cases[i].q), cases[i].kib);
	}
	assert_int_equal(fleet_cpu_milli("abc"), -1);
	assert_int_equal(fleet_cpu_milli("1x"), -1);
	assert_int_equal(fleet_mem_kib(NULL), -1);
	assert_int_equal(fleet_mem_kib("-5"), -1);
}

static struct fleet_obj *summary(int kind, const char *json)
{
	json_error_t e;
	json_t *o = json_loads(json, 0, &e);
	struct fleet_obj *s;

	if (!o)
		fail_msg("bad test JSON: %s", e.text);
	s = fleet_obj_from_json(kind, o);
	json_decref(o);
	return s;
}

static void test_fleet_objects(void **state)
{
	static const struct {
		int kind;
		const char *json;
		const char *ns, *name, *status, *owner;
		enum fleet_health health;
		unsigned flags;
	} cases[] = {
		{ FLEET_NODES, "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"node-role.kubernetes.io/edge\":\"\"}},"
			       "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
		  "", "n1", "Ready", NULL, FLEET_OK, FLEET_OBJ_EDGE },
		{ FLEET_NODES, "{\"metadata\":{\"name\":\"n2\",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\"}},"
			       "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}",
		  "", "n2", "NotReady", NULL, FLEET_ERR, FLEET_OBJ_CONTROL_PLANE },
		{ FLEET_DEPLOYMENTS, "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
				     "\"spec\":{\"replicas\":3},\"status\":{\"readyReplicas\":1}}",
		  "default", "web", "1/3", NULL, FLEET_WARN, 0 },
		{ FLEET_DEPLOYMENTS, "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
				     "\"spec\":{\"replicas\":2},\"status\":{\"readyReplicas\":2}}",
		  "default", "web", "2/2", NULL, FLEET_OK, 0 },
		{ FLEET_DAEMONSETS, "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"kube-system\"},"
				    "\"status\":{\"desiredNumberScheduled\":3,\"numberReady\":3}}",
		  "kube-system", "ds", "3/3", NULL, FLEET_OK, 0 },
		{ FLEET_PODS, "{\"metadata\":{\"name\":\"web-5d9c7b-abcde\",\"namespace\":\"default\","
			      "\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"web-5d9c7b\"}]},"
			      "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\"}]},"
			      "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":true}]}}",
		  "default", "web-5d9c7b-abcde", "Running", "Deployment/web", FLEET_OK, 0 },
		{ FLEET_PODS, "{\"metadata\":{\"name\":\"p\",\"namespace\":\"x\","
			      "\"ownerReferences\":[{\"kind\":\"StatefulSet\",\"name\":\"db\"}]},"
			      "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
			      "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"ready\":false,"
			      "\"state\":{\"waiting\":{\"reason\":\"ContainerCreating\"}}}]}}",
		  "x", "p", "ContainerCreating", "StatefulSet/db", FLEET_WARN, 0 },
		{ FLEET_PODS, "{\"metadata\":{\"name\":\"q\",\"namespace\":\"x\"},"
			      "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":false,"
			      "\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
		  "x", "q", "CrashLoopBackOff", NULL, FLEET_ERR, 0 },
		{ FLEET_PODS, "{\"metadata\":{\"name\":\"t\",\"namespace\":\"x\","
			      "\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},\"status\":{\"phase\":\"Running\"}}",
		  "x", "t", "Terminating", NULL, FLEET_WARN, 0 },
		{ FLEET_NAMESPACES, "{\"metadata\":{\"name\":\"volcano-system\"},\"status\":{\"phase\":\"Terminating\"}}",
		  "", "volcano-system", "Terminating", NULL, FLEET_WARN, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fleet_obj *o = summary(cases[i].kind, cases[i].json);

		assert_non_null(o);
		assert_string_equal(o->ns, cases[i].ns);
		assert_string_equal(o->name, cases[i].name);
		assert_string_equal(o->status, cases[i].status);
		if (cases[i].owner)
			assert_string_equal(o->owner, cases[i].owner);
		else
			assert_null(o->owner);
		if (o->health != cases[i].health)
			fail_msg("case %zu: health %d, want %d", i, o->health, cases[i].health);
		assert_int_equal(o->flags, cases[i].flags);
		fleet_obj_free(o);
	}
	assert_null(summary(FLEET_PODS, "{\"metadata\":{}}"));
	assert_null(summary(FLEET_PODS, "[]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_sizes),
		cmocka_unit_test(test_layout_too_small),
		cmocka_unit_test(test_logbuf_ring),
		cmocka_unit_test(test_logbuf_search),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_keys_documented),
		cmocka_unit_test(test_theme_colors),
		cmocka_unit_test(test_theme_builtins),
		cmocka_unit_test(test_theme_resolve),
		cmocka_unit_test(test_theme_errors),
		cmocka_unit_test(test_fmap),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_fleet_objects),
	};

	/* theme_find looks in the user's directory first: keep it empty. */
	setenv("XDG_CONFIG_HOME", "/nonexistent-kurator-test", 1);
	return cmocka_run_group_tests_name("tui", tests, NULL, NULL);
}
