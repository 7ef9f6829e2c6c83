/* t_recipes.c - recipes: format, parameters, templates, render, artifacts,
 * and the embedded recipes against the real upstream files ($MANIFESTS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/recipes/artifact.h"
#include "backends/recipes/recipe.h"
#include "backends/recipes/render.h"
#include "backends/recipes/template.h"
#include "lib/jsonx.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* A small valid recipe; tests replace parts of it. */
static const char *base_recipe =
	"component: demo\n"
	"version: 1.2.0\n"
	"namespace: demo-system\n"
	"detect:\n"
	"  - {apiVersion: apps/v1, kind: Deployment, namespace: demo-system, name: demo}\n"
	"parameters:\n"
	"  - {name: replicas, type: int, default: 1}\n"
	"  - {name: extras, type: bool, default: false}\n"
	"  - {name: level, type: string, default: low, choices: [low, high]}\n"
	"artifacts:\n"
	"  - file: demo.yaml\n"
	"    url: https://example.invalid/demo.yaml\n"
	"    sha256: " SHA_ABC "\n"
	"  - file: extra.yaml\n"
	"    url: https://example.invalid/extra.yaml\n"
	"    sha256: " SHA_ABC "\n"
	"    when: extras\n"
	"overlays:\n"
	"  - name: replicas\n"
	"    template: |\n"
	"      apiVersion: apps/v1\n"
	"      kind: Deployment\n"
	"      metadata:\n"
	"        name: demo\n"
	"        namespace: demo-system\n"
	"        annotations: {note: \"level ${level}, keep $${literal} and {{ .Values.x }}\"}\n"
	"      spec:\n"
	"        replicas: ${replicas}\n"
	"  - name: queue\n"
	"    when: extras\n"
	"    template: |\n"
	"      apiVersion: v1\n"
	"      kind: ConfigMap\n"
	"      metadata: {name: extra-cm, namespace: demo-system}\n"
	"skip:\n"
	"  - {kind: Secret, name: \"*-unused\"}\n"
	"phases:\n"
	"  - name: namespaces\n"
	"    select: {kind: Namespace}\n"
	"  - name: crds\n"
	"    select: {kind: CustomResourceDefinition}\n"
	"    wait: ready\n"
	"  - name: config\n"
	"    select:\n"
	"      - {kind: [ConfigMap, Secret]}\n"
	"      - {group: rbac.authorization.k8s.io}\n"
	"  - name: workloads\n"
	"    select: {kind: Deployment}\n"
	"    wait: ready\n"
	"  - name: extras\n"
	"    select: {file: extra.yaml}\n"
	"    when: extras\n"
	"  - name: checks\n"
	"    checks:\n"
	"      - exists: {apiVersion: v1, kind: ConfigMap, namespace: demo-system, name: made}\n"
	"      - condition: {apiVersion: apps/v1, kind: Deployment, namespace: demo-system, name: demo, type: Available}\n"
	"      - field: {apiVersion: v1, kind: ConfigMap, namespace: demo-system, name: made, path: data.k, equals: v}\n"
	"runtime-objects:\n"
	"  - {apiVersion: v1, kind: Secret, namespace: demo-system, name: made-cert, phase: workloads}\n";

static const char *demo_yaml =
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: demo-system}\n---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: demo, namespace: demo-system, labels: {app: demo}}\n"
	"spec: {replicas: 3, template: {metadata: {labels: {app: demo}}}}\n---\n"
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n"
	"- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r1, namespace: a}}\n"
	"- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r2, namespace: b}}\n---\n"
	"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.demo.io}\n---\n"
	"apiVersion: v1\nkind: Secret\nmetadata: {name: x-unused, namespace: demo-system}\n---\n"
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules, namespace: demo-system}\n"
	"data: {r: \"{{ $labels.job }} ${not_a_param}\"}\n";

static const char *extra_yaml =
	"apiVersion: v1\nkind: Service\nmetadata: {name: extra, namespace: demo-system}\n";

static struct recipe *parse_ok(const char *text)
{
	struct recipe *r = NULL;
	struct kerr err = { 0 };

	if (recipe_parse(text, strlen(text), "t.yaml", &r, &err))
		fail_msg("recipe_parse: %s", err.msg);
	return r;
}

/* Replace the first occurrence of from in base_recipe. */
static char *variant(const char *from, const char *to)
{
	const char *p = strstr(base_recipe, from);
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(p);
	strbuf_add(&sb, base_recipe, (size_t)(p - base_recipe));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, p + strlen(from));
	return strbuf_detach(&sb, NULL);
}

static void test_parse_valid(void **state)
{
	struct recipe *r = parse_ok(base_recipe);

	assert_string_equal(r->component, "demo");
	assert_string_equal(r->version, "1.2.0");
	assert_int_equal(r->nparams, 3);
	assert_int_equal(r->params[0].type, RPARAM_INT);
	assert_int_equal(r->nartifacts, 2);
	assert_string_equal(r->artifacts[1].when, "extras");
	assert_int_equal(r->nphases, 6);
	assert_true(r->phases[1].wait_ready);
	assert_int_equal(r->phases[2].nselect, 2);
	assert_int_equal(r->phases[5].nchecks, 3);
	assert_int_equal(r->phases[5].checks[1].type, RCHECK_CONDITION);
	assert_string_equal(r->phases[5].checks[1].equals, "True");
	assert_int_equal(r->phases[5].checks[2].type, RCHECK_FIELD);
	assert_string_equal(r->phases[5].checks[2].field, "data.k");
	assert_int_equal(r->nruntime, 1);
	assert_string_equal(r->runtime[0].phase, "workloads");
	/* Default uninstall order: phases reversed. */
	assert_string_equal(r->uninstall[0], "checks");
	assert_string_equal(r->uninstall[5], "namespaces");
	assert_null(r->uninstall[6]);
	recipe_free(r);
}

static void test_parse_invalid(void **state)
{
	static const struct { const char *from, *to, *want; } cases[] = {
		{ "component: demo\n", "", "missing \"component\"" },
		{ "version: 1.2.0\n", "version: \"1.2 beta\"\n", "not a valid label value" },
		{ "sha256: " SHA_ABC "\n", "sha256: abc\n", "64 lowercase hex" },
		{ "{name: replicas, type: int, default: 1}", "{name: replicas, type: int, default: x}",
		  "needs a default of its type" },
		{ "type: int, default: 1}", "type: float, default: 1}", "not one of string, int, bool" },
		{ "default: low, choices", "default: mid, choices", "not among its choices" },
		{ "    when: extras\noverlays", "    when: replicas\noverlays", "not a bool parameter" },
		{ "    when: extras\noverlays", "    when: nope\noverlays", "not a parameter" },
		{ "select: {kind: Namespace}", "select: {kinds: Namespace}", "unknown selector key" },
		{ "  - name: crds\n", "  - name: namespaces\n", "phase name used twice" },
		{ "    wait: ready\n", "    wait: soon\n", "the only value is" },
		{ "phase: workloads}", "phase: later}", "is not a phase" },
		{ "      - exists: {", "      - gone: {", "needs one of exists" },
		{ "file: demo.yaml\n", "file: dir/demo.yaml\n", "plain file name" },
		{ "runtime-objects:", "uninstall: [crds]\nruntime-objects:", "every phase exactly once" },
		{ "runtime-objects:", "uninstall: [crds, crds, config, workloads, extras, checks]\nruntime-objects:",
		  "named twice" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = variant(cases[i].from, cases[i].to);
		struct recipe *r = NULL;
		struct kerr err = { 0 };

		if (recipe_parse(text, strlen(text), "t.yaml", &r, &err) == 0)
			fail_msg("case %zu: parsed, wanted \"%s\"", i, cases[i].want);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
		assert_int_equal(err.kind, KERR_INVALID);
		assert_null(r);
		free(text);
	}
}

static void test_params(void **state)
{
	struct recipe *r = parse_ok(base_recipe);
	struct kerr err = { 0 };
	json_t *p = NULL, *base = json_pack("{s:i,s:s,s:b}", "replicas", 4, "gone", "x", "extras", 1);
	const char *sets[] = { "level=high", "replicas=7" };
	static const struct { const char *set, *want; } bad[] = {
		{ "replicas=two", "is not a valid int" },
		{ "extras=maybe", "is not a valid bool" },
		{ "level=mid", "must be one of" },
		{ "colour=red", "has no parameter \"colour\"" },
		{ "=1", "expected NAME=VALUE" },
		{ "replicas", "expected NAME=VALUE" },
	};

	assert_int_equal(recipe_params_resolve(r, NULL, NULL, 0, &p, &err), 0);
	assert_int_equal(jx_int(p, "replicas", -1), 1);
	assert_false(jx_bool(p, "extras", 1));
	assert_string_equal(jx_str(p, "level"), "low");
	json_decref(p);

	/* Earlier values stay, unknown ones go, --set wins. */
	assert_int_equal(recipe_params_resolve(r, base, sets, 2, &p, &err), 0);
	assert_int_equal(jx_int(p, "replicas", -1), 7);
	assert_true(jx_bool(p, "extras", 0));
	assert_string_equal(jx_str(p, "level"), "high");
	assert_null(json_object_get(p, "gone"));
	assert_true(recipe_when("extras", p));
	assert_false(recipe_when("!extras", p));
	assert_true(recipe_when(NULL, p));
	json_decref(p);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *one[] = { bad[i].set };

		kerr_clear(&err);
		assert_int_equal(recipe_params_resolve(r, NULL, one, 1, &p, &err), -1);
		assert_null(p);
		assert_int_equal(err.kind, KERR_USAGE);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].set, err.msg, bad[i].want);
	}
	json_decref(base);
	recipe_free(r);
}

static void test_template(void **state)
{
	json_t *params = json_pack("{s:i,s:b,s:s}", "n", 3, "on", 1, "name", "web");
	static const struct { const char *in, *want_json; } cases[] = {
		{ "${n}", "3" },
		{ "${on}", "true" },
		{ "${name}", "\"web\"" },
		{ "x-${n}-${on}", "\"x-3-true\"" },
		{ "keep $${n} and {{ .Values.n }}", "\"keep ${n} and {{ .Values.n }}\"" },
		{ "$ {n} $n", "\"$ {n} $n\"" },
		{ "", "\"\"" },
	};
	struct kerr err = { 0 };
	json_t *out;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *want = json_loads(cases[i].want_json, JSON_DECODE_ANY, NULL);

		assert_int_equal(tpl_expand_string(cases[i].in, params, &out, &err), 0);
		if (!json_equal(out, want))
			fail_msg("case %zu: %s", i, cases[i].in);
		json_decref(out);
		json_decref(want);
	}
	assert_int_equal(tpl_expand_string("a ${missing} b", params, &out, &err), -1);
	assert_non_null(strstr(err.msg, "unknown parameter ${missing}"));
	assert_int_equal(tpl_expand_string("a ${n", params, &out, &err), -1);
	assert_non_null(strstr(err.msg, "unclosed"));

	/* Keys and nested values; YAML parsed first. */
	assert_int_equal(tpl_render("metadata:\n  labels:\n    app-${name}: \"${n}\"\nspec:\n  replicas: ${n}\n"
				    "  list: [\"${on}\", \"x${n}\"]\n",
				    "t", params, &out, &err), 0);
	assert_int_equal(json_array_size(out), 1);
	assert_int_equal(jx_int(json_array_get(out, 0), "spec.replicas", 0), 3);
	assert_int_equal(jx_int(json_array_get(out, 0), "metadata.labels.app-web", 0), 3);
	assert_true(json_is_true(json_array_get(jx_get(json_array_get(out, 0), "spec.list"), 0)));
	assert_string_equal(json_string_value(json_array_get(jx_get(json_array_get(out, 0), "spec.list"), 1)),
			    "x3");
	json_decref(out);
	assert_int_equal(tpl_render("a: ${nope}\n", "ov", params, &out, &err), -1);
	assert_non_null(strstr(err.msg, "overlay ov"));
	json_decref(params);
}

static json_t *load_docs(const char *text)
{
	json_t *docs = NULL;
	struct kerr err = { 0 };

	if (yj_load_stream(text, strlen(text), "t", &docs, &err))
		fail_msg("yaml: %s", err.msg);
	return docs;
}

static void test_render(void **state)
{
	struct recipe *r = parse_ok(base_recipe);
	json_t *docs = json_object(), *params = NULL;
	struct rplan *plan = NULL;
	struct kerr err = { 0 };
	static const char *const want_default[] = {
		"/Namespace//demo-system",
		"apiextensions.k8s.io/CustomResourceDefinition//things.demo.io",
		"rbac.authorization.k8s.io/Role/a/r1",
		"rbac.authorization.k8s.io/Role/b/r2",
		"/ConfigMap/demo-system/rules",
		"apps/Deployment/demo-system/demo",
	};
	const char *sets[] = { "extras=true", "replicas=5", "level=high" };
	const json_t *dep = NULL;

	json_object_set_new(docs, "demo.yaml", load_docs(demo_yaml));
	json_object_set_new(docs, "extra.yaml", load_docs(extra_yaml));
	assert_int_equal(recipe_params_resolve(r, NULL, NULL, 0, &params, &err), 0);
	if (recipe_render_docs(r, params, docs, &plan, &err))
		fail_msg("render: %s", err.msg);
	assert_int_equal(plan->n, ARRAY_SIZE(want_default));
	for (size_t i = 0; i < plan->n; i++) {
		assert_string_equal(plan->objs[i].key, want_default[i]);
		assert_string_equal(json_string_value(json_object_get(jx_get(plan->objs[i].obj, "metadata.labels"),
								      "app.kubernetes.io/managed-by")), "kurator");
		assert_string_equal(json_string_value(json_object_get(jx_get(plan->objs[i].obj, "metadata.labels"),
								      "kurator.dev/version")), "1.2.0");
		assert_string_equal(json_string_value(json_object_get(jx_get(plan->objs[i].obj, "metadata.labels"),
								      "kurator.dev/component")), "demo");
		if (!strcmp(jx_kind(plan->objs[i].obj), "Deployment"))
			dep = plan->objs[i].obj;
	}
	assert_int_equal(plan->objs[0].phase, 0);
	assert_int_equal(plan->objs[5].phase, 3);
	/* The overlay merged into the upstream Deployment: replicas from the
	 * parameter, upstream labels kept, upstream text untouched. */
	assert_non_null(dep);
	assert_int_equal(jx_int(dep, "spec.replicas", 0), 1);
	assert_string_equal(jx_str(dep, "metadata.labels.app"), "demo");
	assert_string_equal(jx_str(dep, "metadata.annotations.note"),
			    "level low, keep ${literal} and {{ .Values.x }}");
	assert_string_equal(jx_str(plan->objs[4].obj, "data.r"), "{{ $labels.job }} ${not_a_param}");
	rplan_free(plan);
	json_decref(params);

	/* Switched on: the extra artifact, its phase and the extra overlay. */
	assert_int_equal(recipe_params_resolve(r, NULL, sets, 3, &params, &err), 0);
	assert_int_equal(recipe_render_docs(r, params, docs, &plan, &err), 0);
	assert_int_equal(plan->n, ARRAY_SIZE(want_default) + 2);
	assert_string_equal(plan->objs[plan->n - 1].key, "/Service/demo-system/extra");
	assert_string_equal(plan->objs[plan->n - 1].source, "extra.yaml");
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->objs[i].key, "apps/Deployment/demo-system/demo"))
			assert_int_equal(jx_int(plan->objs[i].obj, "spec.replicas", 0), 5);
		else if (!strcmp(plan->objs[i].key, "/ConfigMap/demo-system/extra-cm"))
			assert_string_equal(plan->objs[i].source, "overlay queue");
	rplan_free(plan);
	json_decref(params);
	json_decref(docs);

	/* An object no phase selects is an error naming it. */
	docs = json_object();
	json_object_set_new(docs, "demo.yaml",
			    load_docs("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: q}\n"));
	assert_int_equal(recipe_params_resolve(r, NULL, NULL, 0, &params, &err), 0);
	assert_int_equal(recipe_render_docs(r, params, docs, &plan, &err), -1);
	assert_non_null(strstr(err.msg, "Pod q/p (from demo.yaml) matches no phase"));
	json_decref(docs);

	/* Not a Kubernetes object. */
	docs = json_object();
	json_object_set_new(docs, "demo.yaml", load_docs("a: 1\n"));
	assert_int_equal(recipe_render_docs(r, params, docs, &plan, &err), -1);
	assert_non_null(strstr(err.msg, "not a Kubernetes object"));
	json_decref(docs);
	json_decref(params);
	recipe_free(r);
}

static void test_version_cmp(void **state)
{
	static const struct { const char *a, *b; int want; } cases[] = {
		{ "1.10.0", "1.9.3", 1 }, { "v1.2", "1.2", 0 }, { "1.2", "1.2.1", -1 },
		{ "master-ed72c7c", "master-ed72c7c", 0 }, { "0.09", "0.9", 0 }, { "2", "10", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(recipe_version_cmp(cases[i].a, cases[i].b), cases[i].want);
}

/* ---- artifacts ------------------------------------------------------------ */

static char tmpdir[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/t_recipes.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void test_artifacts(void **state)
{
	char sum[65], *path = NULL, *p;
	struct kerr err = { 0 };
	struct strbuf data = STRBUF_INIT;
	struct rartifact a = { .file = "x.yaml", .sha256 = SHA_ABC };
	struct artifact_opts ao = { 0 };
	char *mirror = xasprintf("%s/mirror", tmpdir), *sub = xasprintf("%s/mirror/b/c", tmpdir);
	char *src = NULL, *url;

	artifact_sha256("abc", 3, sum);
	assert_string_equal(sum, SHA_ABC);

	/* Two files of that name: the one with the right checksum wins. */
	assert_int_equal(mkdir(mirror, 0700), 0);
	p = xasprintf("%s/mirror/b", tmpdir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	assert_int_equal(mkdir(sub, 0700), 0);
	p = xasprintf("%s/mirror/x.yaml", tmpdir);
	write_file(p, "abd");
	free(p);
	p = xasprintf("%s/x.yaml", sub);
	write_file(p, "abc");
	assert_int_equal(artifact_mirror_find(mirror, "x.yaml", SHA_ABC, &path, &err), 0);
	assert_string_equal(path, p);
	free(path);
	free(p);

	ao.mirror = mirror;
	assert_int_equal(artifact_get(&a, &ao, &data, &src, &err), 0);
	assert_string_equal(data.buf, "abc");
	assert_non_null(strstr(src, "mirror "));
	free(src);

	/* Wrong checksum everywhere: the error names the copies it saw. */
	a.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	assert_int_equal(artifact_get(&a, &ao, &data, NULL, &err), -1);
	assert_int_equal(err.kind, KERR_INVALID);
	assert_non_null(strstr(err.msg, "has sha256 " SHA_ABC));
	a.file = "absent.yaml";
	assert_int_equal(artifact_get(&a, &ao, &data, NULL, &err), -1);
	assert_int_equal(err.kind, KERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "not in mirror"));

	/* Download (file:// URL) into the cache, then from the cache. */
	p = xasprintf("%s/upstream.yaml", tmpdir);
	write_file(p, "abc");
	url = xasprintf("file://%s", p);
	free(p);
	ao.mirror = NULL;
	ao.cache_dir = p = xasprintf("%s/cache", tmpdir);
	unsetenv("KURATOR_MIRROR");
	a.file = "x.yaml";
	a.sha256 = SHA_ABC;
	a.url = url;
	assert_int_equal(artifact_get(&a, &ao, &data, &src, &err), 0);
	assert_string_equal(src, url);
	free(src);
	path = xasprintf("%s/%s/x.yaml", p, SHA_ABC);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(artifact_get(&a, &ao, &data, &src, &err), 0);
	assert_non_null(strstr(src, "cache "));
	free(src);
	free(path);

	/* A download that does not match is refused and not kept. */
	a.file = "y.yaml";
	a.sha256 = "1111111111111111111111111111111111111111111111111111111111111111";
	assert_int_equal(artifact_get(&a, &ao, &data, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "the recipe pins"));
	path = xasprintf("%s/%s/y.yaml", p, a.sha256);
	assert_int_not_equal(access(path, F_OK), 0);
	free(path);

	/* A URL that does not exist. */
	a.url = "file:///nonexistent/kurator/x.yaml";
	assert_int_equal(artifact_get(&a, &ao, &data, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "download file:///nonexistent/kurator/x.yaml"));

	free(p);
	free(url);
	free(mirror);
	free(sub);
	strbuf_release(&data);
}

/* ---- the embedded recipes, against the real upstream files --------------- */

static const char *manifests(void)
{
	const char *m = getenv("MANIFESTS");

	return m && *m ? m : NULL;
}

static struct rplan *render_real(const struct recipe *r, const char *const *sets, size_t n)
{
	struct artifact_opts ao = { .mirror = manifests() };
	struct kerr err = { 0 };
	struct rplan *plan = NULL;
	json_t *params = NULL;

	if (recipe_params_resolve(r, NULL, sets, n, &params, &err) ||
	    recipe_render(r, params, &ao, &plan, &err))
		fail_msg("%s %s: %s", r->component, r->version, err.msg);
	json_decref(params);
	return plan;
}

static size_t count_kind(const struct rplan *p, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += !strcmp(jx_kind(p->objs[i].obj), kind);
	return n;
}

static void test_embedded(void **state)
{
	struct recipe_set *s = NULL;
	struct kerr err = { 0 };
	const struct recipe *r;
	const char *const *names;

	if (recipe_set_load(NULL, &s, &err))
		fail_msg("embedded recipes: %s", err.msg);
	names = recipe_set_components(s);
	assert_string_equal(names[0], "prometheus");
	assert_string_equal(names[1], "volcano");
	assert_null(names[2]);
	assert_int_equal(recipe_set_find(s, "volcano", NULL, &r, &err), 0);
	assert_string_equal(r->version, "master-ed72c7c");
	assert_string_equal(r->ns, "volcano-system");
	assert_int_equal(recipe_set_find(s, "volcano", "9.9.9", &r, &err), -1);
	assert_int_equal(err.kind, KERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "known versions of volcano: master-ed72c7c"));
	assert_int_equal(recipe_set_find(s, "nosuch", NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "known components: prometheus, volcano"));
	recipe_set_free(s);
}

static void test_real_volcano(void **state)
{
	struct recipe_set *s = NULL;
	struct kerr err = { 0 };
	const struct recipe *r;
	struct rplan *p;
	const char *sets[] = { "schedulerReplicas=2" };
	int last_phase = -1;

	if (!manifests())
		skip();
	assert_int_equal(recipe_set_load(NULL, &s, &err), 0);
	assert_int_equal(recipe_set_find(s, "volcano", NULL, &r, &err), 0);
	p = render_real(r, NULL, 0);
	/* The real layout of volcano-development.yaml. */
	assert_int_equal(p->n, 43);
	assert_int_equal(count_kind(p, "Namespace"), 2);
	assert_int_equal(count_kind(p, "CustomResourceDefinition"), 11);
	assert_int_equal(count_kind(p, "Deployment"), 3);
	assert_int_equal(count_kind(p, "Job"), 1);
	assert_int_equal(count_kind(p, "MutatingWebhookConfiguration"), 2);
	assert_int_equal(count_kind(p, "ValidatingWebhookConfiguration"), 5);
	assert_string_equal(jx_name(p->objs[0].obj), "volcano-system");
	for (size_t i = 0; i < p->n; i++) {
		const char *phase = r->phases[p->objs[i].phase].name;
		const char *kind = jx_kind(p->objs[i].obj);

		assert_true(p->objs[i].phase >= last_phase);
		last_phase = p->objs[i].phase;
		if (!strcmp(kind, "Job"))
			assert_string_equal(phase, "admission-init");
		if (!strcmp(kind, "Deployment")) {
			assert_string_equal(phase, "workloads");
			assert_int_equal(jx_int(p->objs[i].obj, "spec.replicas", 0), 1);
		}
		if (strstr(kind, "WebhookConfiguration"))
			assert_string_equal(phase, "webhooks");
	}
	/* Upstream images and flags pass through. */
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(jx_name(p->objs[i].obj), "volcano-scheduler") &&
		    !strcmp(jx_kind(p->objs[i].obj), "Deployment")) {
			json_t *c = json_array_get(jx_get(p->objs[i].obj, "spec.template.spec.containers"), 0);

			assert_string_equal(jx_str(c, "image"), "docker.io/volcanosh/vc-scheduler:latest");
			assert_string_equal(json_string_value(json_array_get(json_object_get(c, "args"), 1)),
					    "--scheduler-conf=/volcano.scheduler/volcano-scheduler.conf");
		}
	rplan_free(p);
	p = render_real(r, sets, 1);
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(jx_name(p->objs[i].obj), "volcano-scheduler") &&
		    !strcmp(jx_kind(p->objs[i].obj), "Deployment"))
			assert_int_equal(jx_int(p->objs[i].obj, "spec.replicas", 0), 2);
	rplan_free(p);
	recipe_set_free(s);
}

static void test_real_prometheus(void **state)
{
	struct recipe_set *s = NULL;
	struct kerr err = { 0 };
	const struct recipe *r;
	struct rplan *p;
	const char *sets[] = { "grafana=true", "alertmanager=true", "controlPlane=false" };
	size_t base;

	if (!manifests())
		skip();
	assert_int_equal(recipe_set_load(NULL, &s, &err), 0);
	assert_int_equal(recipe_set_find(s, "prometheus", NULL, &r, &err), 0);
	p = render_real(r, NULL, 0);
	assert_string_equal(jx_kind(p->objs[0].obj), "Namespace");
	assert_string_equal(jx_name(p->objs[0].obj), "monitoring");
	assert_int_equal(count_kind(p, "CustomResourceDefinition"), 10);
	assert_int_equal(count_kind(p, "Prometheus"), 1);
	assert_int_equal(count_kind(p, "DaemonSet"), 1);
	assert_int_equal(count_kind(p, "Deployment"), 2);   /* operator, kube-state-metrics */
	assert_int_equal(count_kind(p, "Alertmanager"), 0);
	/* RoleList/RoleBindingList unpacked into their items (3 namespaces) + config. */
	assert_int_equal(count_kind(p, "Role"), 4);
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(jx_kind(p->objs[i].obj), "Prometheus"))
			assert_int_equal(jx_int(p->objs[i].obj, "spec.replicas", 0), 2);
	base = p->n;
	rplan_free(p);
	p = render_real(r, sets, 3);
	assert_int_equal(count_kind(p, "Alertmanager"), 1);
	assert_true(count_kind(p, "ConfigMap") > 20);   /* grafana dashboards */
	assert_true(p->n > base);
	rplan_free(p);
	recipe_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test_setup_teardown(test_artifacts, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_embedded),
		cmocka_unit_test(test_real_volcano),
		cmocka_unit_test(test_real_prometheus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
