/* test_kubeconfig.c - kubeconfig loading, merging, views, connections,
 * writing and exec credential plugins, table-driven.
 *
 * Every test works in its own temp directory with files it writes itself
 * (plugin scripts included); PEM contents here are placeholders, since
 * only the client parses them (the bash test uses real openssl certs).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/kube/kubeconfig.h"
#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

#define PEM_CERT "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
#define PEM_KEY "-----BEGIN PRIVATE KEY-----\nMIIBfake\n-----END PRIVATE KEY-----\n"
/* base64 of PEM_CERT and PEM_KEY */
#define PEM_CERT_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
#define PEM_KEY_B64 "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K"

static char *tmpdir;

static int setup_dir(void **state)
{
	char tmpl[] = "/tmp/kurator-kcfg.XXXXXX";

	(void)state;
	tmpdir = xstrdup(mkdtemp(tmpl));
	assert_non_null(tmpdir);
	unsetenv("KUBECONFIG");
	setenv("HOME", tmpdir, 1);
	kube_exec_cache_clear();
	kube_exec_set_interactive(0);
	return chdir(tmpdir);
}

static int teardown_dir(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	if (chdir("/") || system(cmd)) {
		/* nothing sensible to do: the temp dir stays behind */
	}
	free(cmd);
	free(tmpdir);
	tmpdir = NULL;
	unsetenv("KUBECONFIG");
	kube_exec_cache_clear();
	return 0;
}

/* Write file under tmpdir (creating subdirectories) with mode. */
static void put(const char *name, const char *content, int mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name), *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	{
		char *cmd = xasprintf("mkdir -p '%s'", path);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	chmod(path, (mode_t)mode);
	free(path);
}

static char *slurp(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/%s", tmpdir, name);

	if (strbuf_read_file(&sb, path) < 0) {
		free(path);
		strbuf_release(&sb);
		return NULL;
	}
	free(path);
	return strbuf_detach(&sb, NULL);
}

/* ---- checks against the raw view ------------------------------------------ */

/* "clusters[dup].cluster.server" style lookups in the view JSON. */
static json_t *lookup(json_t *v, const char *path)
{
	char *p = xstrdup(path), *save = NULL, *tok;

	for (tok = strtok_r(p, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
		char *br = strchr(tok, '[');
		if (br) {
			char *name = br + 1;
			json_t *arr, *it, *found = NULL;
			size_t i;
			*br = '\0';
			name[strlen(name) - 1] = '\0';
			arr = json_object_get(v, tok);
			json_array_foreach(arr, i, it)
				if (!strcmp(json_string_value(json_object_get(it, "name")), name))
					found = it;
			v = found;
		} else {
			v = json_object_get(v, tok);
		}
	}
	free(p);
	return v;
}

static void check_view(json_t *view, const char *const *checks)
{
	size_t i;

	for (i = 0; checks[i]; i++) {
		const char *eq = strchr(checks[i], '=');
		char *path = xstrndup(checks[i], (size_t)(eq - checks[i]));
		const char *want = eq + 1;
		json_t *v;
		char *got;

		if (path[strlen(path) - 1] == '#') {
			/* element count of a list (null counts 0) */
			path[strlen(path) - 1] = '\0';
			v = lookup(view, path);
			got = xasprintf("%zu", json_is_array(v) ? json_array_size(v) : (size_t)0);
		} else {
			v = lookup(view, path);
			if (!v)
				got = xstrdup("<absent>");
			else if (json_is_string(v))
				got = xstrdup(json_string_value(v));
			else
				got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		}
		if (strcmp(got, want))
			fail_msg("check %s: want %s, got %s", path, want, got);
		free(got);
		free(path);
	}
}

/* ---- merge cases ------------------------------------------------------------ */

struct file {
	const char *name, *content;
};

static const char A[] =
	"apiVersion: v1\nkind: Config\n"
	"clusters:\n- name: c1\n  cluster:\n    server: https://one\n    certificate-authority: ca.crt\n"
	"- name: dup\n  cluster:\n    server: https://first\n"
	"users:\n- name: u1\n  user:\n    token: secret-a\n"
	"contexts:\n- name: ctx1\n  context:\n    cluster: c1\n    user: u1\n    namespace: ns1\n"
	"preferences:\n  colors: true\n";
static const char B[] =
	"apiVersion: v1\nkind: Config\ncurrent-context: ctx2\n"
	"clusters:\n- name: dup\n  cluster:\n    server: https://second\n    insecure-skip-tls-verify: true\n"
	"users:\n- name: u1\n  user:\n    token: secret-b\n"
	"contexts:\n- name: ctx2\n  context:\n    cluster: dup\n    user: u1\n"
	"- name: ctx1\n  context:\n    cluster: dup\n";
static const char C[] =
	"current-context: ctx1\n"
	"contexts:\n- name: c3\n  context: {cluster: c1, user: u1}\n";

static const struct merge_case {
	const char *what;
	struct file files[4];
	const char *kubeconfig;    /* $KUBECONFIG, NULL: unset */
	const char *explicit_path;
	const char *error;         /* substring of the expected error */
	const char *checks[12];
} merge_cases[] = {
	{ "first file wins each name as a whole",
	  { { "a.yaml", A }, { "b.yaml", B } }, "a.yaml:b.yaml", NULL, NULL,
	  { "clusters[dup].cluster.server=https://first",
	    "clusters[dup].cluster.insecure-skip-tls-verify=<absent>",
	    "users[u1].user.token=secret-a", "contexts[ctx1].context.namespace=ns1",
	    "contexts#=2", "clusters#=2", "current-context=ctx2", "preferences.colors=true" } },
	{ "order reversed",
	  { { "a.yaml", A }, { "b.yaml", B } }, "b.yaml:a.yaml", NULL, NULL,
	  { "clusters[dup].cluster.server=https://second",
	    "clusters[dup].cluster.insecure-skip-tls-verify=true",
	    "users[u1].user.token=secret-b", "contexts[ctx1].context.cluster=dup",
	    "contexts[ctx1].context.namespace=<absent>", "preferences.colors=true" } },
	{ "current-context from the first file that sets it",
	  { { "a.yaml", A }, { "b.yaml", B }, { "c.yaml", C } }, "a.yaml:c.yaml:b.yaml", NULL, NULL,
	  { "current-context=ctx1", "contexts#=3" } },
	{ "missing files skipped, repeats and empty entries ignored",
	  { { "a.yaml", A }, { "b.yaml", B } }, "nope.yaml::a.yaml:a.yaml:gone/x.yaml:b.yaml", NULL, NULL,
	  { "clusters[dup].cluster.server=https://first", "current-context=ctx2" } },
	{ "explicit file alone, KUBECONFIG ignored",
	  { { "a.yaml", A }, { "b.yaml", B } }, "a.yaml", "b.yaml", NULL,
	  { "clusters#=1", "current-context=ctx2", "preferences=" "{}" } },
	{ "explicit file must exist",
	  { { "a.yaml", A } }, NULL, "missing.yaml", "missing.yaml", { NULL } },
	{ "default ~/.kube/config",
	  { { ".kube/config", B } }, NULL, NULL, NULL, { "current-context=ctx2", "clusters#=1" } },
	{ "no file at all is an empty config",
	  { { "a.yaml", A } }, "none1:none2", NULL, NULL,
	  { "clusters=null", "users=null", "contexts=null", "current-context=", "kind=Config" } },
	{ "a file that fails to parse names the file and line",
	  { { "a.yaml", A }, { "bad.yaml", "clusters:\n- name: x\n  cluster: {server: a\n" } },
	  "a.yaml:bad.yaml", NULL, "bad.yaml", { NULL } },
	{ "duplicate name in one file",
	  { { "d.yaml", "clusters:\n- name: x\n  cluster: {server: one}\n- name: x\n  cluster: {server: two}\n" } },
	  "d.yaml", NULL, "duplicate name \"x\"", { NULL } },
	{ "bad base64 reported like kubectl",
	  { { "d.yaml", "users:\n- name: u\n  user: {client-key-data: aGVsbG8}\n" } },
	  "d.yaml", NULL, "illegal base64 data at input byte 4", { NULL } },
	{ "wrong type",
	  { { "d.yaml", "clusters:\n- name: x\n  cluster: {server: [1]}\n" } },
	  "d.yaml", NULL, "server: expected a string", { NULL } },
	{ "YAML 1.1 boolean as a name is a type error",
	  { { "d.yaml", "contexts:\n- name: n\n  context: {cluster: a}\n" } },
	  "d.yaml", NULL, "expected a string", { NULL } },
	{ "base64 re-encoded, exec defaults like kubectl",
	  { { "d.yaml", "users:\n- name: u\n  user:\n    client-key-data: \"aGVs\\nbG8=\"\n"
			"    exec: {command: p, apiVersion: client.authentication.k8s.io/v1beta1}\n"
			"- name: v\n  user:\n    exec: {command: p, apiVersion: client.authentication.k8s.io/v1, args: []}\n" } },
	  "d.yaml", NULL, NULL,
	  { "users[u].user.client-key-data=aGVsbG8=", "users[u].user.exec.interactiveMode=IfAvailable",
	    "users[u].user.exec.env=null", "users[u].user.exec.args=null",
	    "users[u].user.exec.provideClusterInfo=false",
	    "users[v].user.exec.interactiveMode=<absent>", "users[v].user.exec.args=[]" } },
	{ "only the first document counts, even when it is empty",
	  { { "e.yaml", "# leading comment\n---\n---\ncurrent-context: x\n" }, { "f.yaml", "current-context: f\n" } },
	  "e.yaml:f.yaml", NULL, NULL, { "current-context=f" } },
	{ "a first document after a marker line",
	  { { "e.yaml", "--- # c\n\ncurrent-context: x\n---\ncurrent-context: z\n" }, { "f.yaml", "current-context: f\n" } },
	  "e.yaml:f.yaml", NULL, NULL, { "current-context=x" } },
	{ "content on the marker line",
	  { { "e.yaml", "--- {current-context: x}\n" } }, "e.yaml", NULL, NULL, { "current-context=x" } },
	{ "unknown fields dropped, zero values as kubectl prints them",
	  { { "d.yaml", "foo: 1\ncurrent-context: \"\"\nclusters:\n- name: e\n  cluster: {bogus: 1, insecure-skip-tls-verify: false}\n"
			"contexts:\n- name: m\n" } },
	  "d.yaml", NULL, NULL,
	  { "clusters[e].cluster={\"server\":\"\"}", "contexts[m].context={\"cluster\":\"\",\"user\":\"\"}",
	    "foo=<absent>", "current-context=" } },
};

static void test_merge(void **state)
{
	size_t i, f;

	for (i = 0; i < ARRAY_SIZE(merge_cases); i++) {
		const struct merge_case *mc = &merge_cases[i];
		struct kubeconfig *kc = NULL;
		struct kerr err = { 0 };
		int rc;

		teardown_dir(state);
		setup_dir(state);
		for (f = 0; f < ARRAY_SIZE(mc->files) && mc->files[f].name; f++)
			put(mc->files[f].name, mc->files[f].content, 0600);
		if (mc->kubeconfig)
			setenv("KUBECONFIG", mc->kubeconfig, 1);
		rc = kubeconfig_load(mc->explicit_path, &kc, &err);
		if (mc->error) {
			if (rc == 0)
				fail_msg("%s: loaded, want error %s", mc->what, mc->error);
			if (!strstr(err.msg, mc->error))
				fail_msg("%s: error '%s' lacks '%s'", mc->what, err.msg, mc->error);
			assert_null(kc);
			continue;
		}
		if (rc)
			fail_msg("%s: %s", mc->what, err.msg);
		{
			json_t *view = kubeconfig_view(kc, 1, 0, &err);
			assert_non_null(view);
			check_view(view, mc->checks);
			json_decref(view);
		}
		kubeconfig_free(kc);
	}
}

/* ---- redaction and minify ------------------------------------------------ */

static void test_view_redaction(void **state)
{
	static const char doc[] =
		"current-context: c\n"
		"clusters:\n- name: k\n  cluster: {server: https://x, certificate-authority-data: " PEM_CERT_B64 "}\n"
		"- name: other\n  cluster: {server: https://o}\n"
		"users:\n- name: u\n  user: {client-certificate-data: " PEM_CERT_B64 ", client-key-data: " PEM_KEY_B64
		", token: tok, password: pw, username: bob}\n"
		"contexts:\n- name: c\n  context: {cluster: k, user: u}\n- name: d\n  context: {cluster: other, user: u}\n";
	static const char *const redacted[] = {
		"clusters[k].cluster.certificate-authority-data=DATA+OMITTED",
		"users[u].user.client-certificate-data=DATA+OMITTED",
		"users[u].user.client-key-data=DATA+OMITTED",
		"users[u].user.token=REDACTED", "users[u].user.password=REDACTED",
		"users[u].user.username=bob", "clusters#=2", NULL };
	static const char *const raw_min[] = {
		"clusters[k].cluster.certificate-authority-data=" PEM_CERT_B64,
		"users[u].user.token=tok", "users[u].user.password=pw",
		"clusters#=1", "contexts#=1", "users#=1", NULL };
	struct kubeconfig *kc;
	struct kerr err = { 0 };
	json_t *v;

	(void)state;
	assert_int_equal(kubeconfig_load_data(doc, strlen(doc), NULL, &kc, &err), 0);
	v = kubeconfig_view(kc, 0, 0, &err);
	check_view(v, redacted);
	json_decref(v);
	v = kubeconfig_view(kc, 1, 1, &err);
	check_view(v, raw_min);
	json_decref(v);
	kubeconfig_free(kc);

	/* minify needs a current context that exists */
	if (kubeconfig_load_data("contexts:\n- name: a\n", 20, NULL, &kc, &err))
		fail_msg("%s", err.msg);
	assert_null(kubeconfig_view(kc, 0, 1, &err));
	assert_string_equal(err.msg, "current-context must exist in order to minify");
	kubeconfig_free(kc);
	assert_int_equal(kubeconfig_load_data("current-context: zz\n", 20, NULL, &kc, &err), 0);
	assert_null(kubeconfig_view(kc, 0, 1, &err));
	assert_string_equal(err.msg, "cannot locate context zz");
	kubeconfig_free(kc);
}

/* ---- printed text --------------------------------------------------------- */

static void test_text(void **state)
{
	static const char doc[] =
		"current-context: ctx2\n"
		"clusters:\n- name: c1\n  cluster: {server: \"https://a?x=<1>&y\"}\n"
		"contexts:\n- {name: a-long-context-name, context: {cluster: dup, user: nobody}}\n"
		"- {name: ctx1, context: {cluster: c1, user: u1, namespace: ns1}}\n"
		"- {name: ctx2, context: {cluster: dup, user: ex}}\n";
	static const char table[] =
		"CURRENT   NAME                  CLUSTER   AUTHINFO   NAMESPACE\n"
		"          a-long-context-name   dup       nobody     \n"
		"          ctx1                  c1        u1         ns1\n"
		"*         ctx2                  dup       ex         \n";
	const char *const one[] = { "ctx2", NULL };
	const char *const bad[] = { "ctx1", "x", "y", NULL };
	struct kubeconfig *kc;
	struct kerr err = { 0 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(kubeconfig_load_data(doc, strlen(doc), NULL, &kc, &err), 0);
	assert_int_equal(kubeconfig_get_contexts_text(kc, NULL, 0, 0, &sb, &err), 0);
	assert_string_equal(sb.buf, table);
	strbuf_reset(&sb);
	/* minimum column width is 6, as with kubectl's tabwriter */
	assert_int_equal(kubeconfig_get_contexts_text(kc, one, 1, 0, &sb, &err), 0);
	assert_string_equal(sb.buf, "*     ctx2   dup   ex    \n");
	strbuf_reset(&sb);
	assert_int_equal(kubeconfig_get_contexts_text(kc, NULL, 0, 1, &sb, &err), 0);
	assert_string_equal(sb.buf, "a-long-context-name\nctx1\nctx2\n");
	strbuf_reset(&sb);
	assert_int_equal(kubeconfig_get_contexts_text(kc, bad, 0, 0, &sb, &err), -1);
	assert_string_equal(err.msg, "[context x not found, context y not found]");
	assert_non_null(strstr(sb.buf, "ctx1"));
	strbuf_reset(&sb);
	/* Go escapes <, > and & in JSON strings */
	assert_int_equal(kubeconfig_view_text(kc, "json", 0, &sb, &err), 0);
	assert_non_null(strstr(sb.buf, "\"server\": \"https://a?x=\\u003c1\\u003e\\u0026y\""));
	assert_non_null(strstr(sb.buf, "{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {},\n"));
	strbuf_reset(&sb);
	assert_int_equal(kubeconfig_view_text(kc, "yaml", 0, &sb, &err), 0);
	assert_non_null(strstr(sb.buf, "apiVersion: v1\n"));
	assert_true(strstr(sb.buf, "apiVersion") < strstr(sb.buf, "clusters:"));
	assert_true(strstr(sb.buf, "current-context") < strstr(sb.buf, "kind: Config"));
	assert_int_equal(kubeconfig_view_text(kc, "wide", 0, &sb, &err), -1);
	strbuf_release(&sb);
	kubeconfig_free(kc);
}

/* ---- base64 and paths ---------------------------------------------------- */

static void test_base64_paths(void **state)
{
	static const struct { const char *in; int ok; size_t bad_at; const char *out; } b64[] = {
		{ "aGVsbG8=", 1, 0, "hello" }, { "aGVs\nbG8=", 1, 0, "hello" }, { "", 1, 0, "" },
		{ "aGVsbG8", 0, 4, NULL }, { "aGVsbG8==", 0, 8, NULL }, { "aGV*bG8=", 0, 3, NULL },
		{ "a===", 0, 1, NULL }, { "aGVsbA==", 1, 0, "hell" }, { "aGVsbA=", 0, 7, NULL },
	};
	static const struct { const char *dir, *path, *want; } paths[] = {
		{ "/k", "ca.crt", "/k/ca.crt" }, { "/k", "./sub/../c.crt", "/k/c.crt" },
		{ "/k/a", "../b//x", "/k/b/x" }, { "/k", "/abs/x", "/abs/x" }, { "/", "x", "/x" },
		{ "/k", "", "" }, { "/k", "../../../x", "/x" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(b64); i++) {
		char *out = NULL;
		size_t len = 0, at = 0;
		int rc = kc_b64_decode(b64[i].in, &out, &len, &at);
		if (b64[i].ok) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, b64[i].out);
			free(out);
		} else {
			assert_int_equal(rc, -1);
			if (at != b64[i].bad_at)
				fail_msg("%s: bad at %zu, want %zu", b64[i].in, at, b64[i].bad_at);
		}
	}
	{
		char *e = kc_b64_encode("hello", 5);
		assert_string_equal(e, "aGVsbG8=");
		free(e);
	}
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		char *r = kc_resolve(paths[i].dir, paths[i].path);
		assert_string_equal(r, paths[i].want);
		free(r);
	}
}

/* ---- connections ---------------------------------------------------------- */

static const char conn_doc[] =
	"current-context: tok\n"
	"clusters:\n"
	"- name: k\n  cluster: {server: https://k:6443, certificate-authority: pki/ca.crt, tls-server-name: api.k, proxy-url: http://px:3128}\n"
	"- name: inline\n  cluster: {server: https://i, certificate-authority-data: " PEM_CERT_B64 "}\n"
	"- name: insecure\n  cluster: {server: https://ins, insecure-skip-tls-verify: true}\n"
	"- name: both\n  cluster: {server: https://b, insecure-skip-tls-verify: true, certificate-authority-data: " PEM_CERT_B64 "}\n"
	"- name: noserver\n  cluster: {}\n"
	"- name: badca\n  cluster: {server: https://x, certificate-authority: missing.crt}\n"
	"- name: ftpproxy\n  cluster: {server: https://x, proxy-url: \"ftp://p:21\"}\n"
	"- name: socks\n  cluster: {server: https://x, proxy-url: \"socks5://127.0.0.1:1080\"}\n"
	"users:\n"
	"- name: tok\n  user: {token: t0k}\n"
	"- name: tokfile\n  user: {tokenFile: secrets/token, token: ignored}\n"
	"- name: nofile\n  user: {tokenFile: secrets/none}\n"
	"- name: certfiles\n  user: {client-certificate: pki/c.crt, client-key: pki/c.key}\n"
	"- name: certdata\n  user: {client-certificate-data: " PEM_CERT_B64 ", client-key-data: " PEM_KEY_B64 "}\n"
	"- name: certboth\n  user: {client-certificate: pki/c.crt, client-certificate-data: " PEM_CERT_B64 ", client-key-data: " PEM_KEY_B64 "}\n"
	"- name: nokey\n  user: {client-certificate: pki/c.crt}\n"
	"- name: basic\n  user: {username: bob, password: pw}\n"
	"- name: tokbasic\n  user: {token: x, username: bob}\n"
	"- name: execrel\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plug, interactiveMode: Never, args: [x], env: [{name: A, value: b}], provideClusterInfo: true}\n"
	"- name: execpath\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: plug}\n"
	"- name: execnomode\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: plug}\n"
	"- name: exectok\n  user:\n    token: wins\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: plug, interactiveMode: Never}\n"
	"- name: execbadapi\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v2, command: plug, interactiveMode: Never}\n"
	"contexts:\n"
	"- {name: tok, context: {cluster: k, user: tok, namespace: team}}\n"
	"- {name: tokfile, context: {cluster: inline, user: tokfile}}\n"
	"- {name: nofile, context: {cluster: inline, user: nofile}}\n"
	"- {name: certfiles, context: {cluster: k, user: certfiles}}\n"
	"- {name: certdata, context: {cluster: insecure, user: certdata}}\n"
	"- {name: certboth, context: {cluster: k, user: certboth}}\n"
	"- {name: nokey, context: {cluster: k, user: nokey}}\n"
	"- {name: basic, context: {cluster: insecure, user: basic}}\n"
	"- {name: tokbasic, context: {cluster: k, user: tokbasic}}\n"
	"- {name: both, context: {cluster: both, user: tok}}\n"
	"- {name: noserver, context: {cluster: noserver, user: tok}}\n"
	"- {name: badca, context: {cluster: badca, user: tok}}\n"
	"- {name: nocluster, context: {cluster: gone, user: tok}}\n"
	"- {name: ftpproxy, context: {cluster: ftpproxy, user: tok}}\n"
	"- {name: socks, context: {cluster: socks, user: tok}}\n"
	"- {name: nouser, context: {cluster: insecure, user: gone}}\n"
	"- {name: execrel, context: {cluster: k, user: execrel}}\n"
	"- {name: execpath, context: {cluster: k, user: execpath}}\n"
	"- {name: execnomode, context: {cluster: k, user: execnomode}}\n"
	"- {name: execbadapi, context: {cluster: k, user: execbadapi}}\n"
	"- {name: exectok, context: {cluster: k, user: exectok}}\n";

static const struct conn_case {
	const char *context;
	const char *error;
	const char *checks[8];   /* field=value; "%D" stands for the temp dir */
} conn_cases[] = {
	{ NULL, NULL, { "context=tok", "server=https://k:6443", "namespace=team", "token=t0k",
			"tls_server_name=api.k", "proxy_url=http://px:3128", "ca=" PEM_CERT, "insecure=0" } },
	{ "tokfile", NULL, { "token=<null>", "token_file=%D/cfg/secrets/token", "ca=" PEM_CERT, "namespace=default" } },
	{ "nofile", "%D/cfg/secrets/none", { NULL } },
	{ "certfiles", NULL, { "cert=" PEM_CERT, "key=" PEM_KEY, "ca=" PEM_CERT } },
	{ "certdata", NULL, { "cert=" PEM_CERT, "key=" PEM_KEY, "insecure=1", "ca=<null>" } },
	{ "certboth", "client-cert-data and client-cert are both specified", { NULL } },
	{ "nokey", "client-key-data or client-key must be specified", { NULL } },
	{ "basic", NULL, { "username=bob", "password=pw", "token=<null>" } },
	{ "tokbasic", "more than one authentication method", { NULL } },
	{ "both", "insecure flag is not allowed", { NULL } },
	{ "noserver", "has no server", { NULL } },
	{ "badca", "%D/cfg/missing.crt", { NULL } },
	{ "nocluster", "cluster \"gone\" does not exist", { NULL } },
	{ "ftpproxy", "unsupported scheme \"ftp\", must be http, https, or socks5", { NULL } },
	{ "socks", NULL, { "proxy_url=socks5://127.0.0.1:1080" } },
	{ "nouser", NULL, { "user=gone", "token=<null>", "cert=<null>" } },
	{ "nothere", "context \"nothere\" does not exist", { NULL } },
	{ "execrel", NULL, { "exec.command=%D/cfg/bin/plug", "exec.args=x", "exec.env=A=b",
			     "exec.mode=Never", "cluster_info={\"server\": \"https://k:6443\", \"tls-server-name\": \"api.k\", \"certificate-authority-data\": \"" PEM_CERT_B64 "\", \"proxy-url\": \"http://px:3128\"}" } },
	{ "execpath", NULL, { "exec.command=plug", "exec.mode=IfAvailable", "cluster_info=<null>" } },
	{ "execnomode", "interactiveMode must be specified", { NULL } },
	{ "execbadapi", "is not supported", { NULL } },
	{ "exectok", NULL, { "token=wins", "exec.command=<null>" } },
};

static char *subst(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = s; *p; p++) {
		if (p[0] == '%' && p[1] == 'D') {
			strbuf_addstr(&sb, tmpdir);
			p++;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static const char *conn_field(const struct kube_conn *k, const char *f, char *buf, size_t n)
{
	if (!strcmp(f, "context")) return k->context;
	if (!strcmp(f, "user")) return k->user;
	if (!strcmp(f, "server")) return k->server;
	if (!strcmp(f, "namespace")) return k->namespace;
	if (!strcmp(f, "token")) return k->token;
	if (!strcmp(f, "token_file")) return k->token_file;
	if (!strcmp(f, "tls_server_name")) return k->tls_server_name;
	if (!strcmp(f, "proxy_url")) return k->proxy_url;
	if (!strcmp(f, "ca")) return k->ca_pem;
	if (!strcmp(f, "cert")) return k->cert_pem;
	if (!strcmp(f, "key")) return k->key_pem;
	if (!strcmp(f, "username")) return k->username;
	if (!strcmp(f, "password")) return k->password;
	if (!strcmp(f, "insecure")) {
		snprintf(buf, n, "%d", k->insecure);
		return buf;
	}
	if (!strcmp(f, "cluster_info")) {
		json_t *j = k->cluster_info_json ? json_loads(k->cluster_info_json, 0, NULL) : NULL;
		char *s;
		if (!j)
			return NULL;
		s = json_dumps(j, 0);
		snprintf(buf, n, "%s", s);
		free(s);
		json_decref(j);
		return buf;
	}
	if (!k->exec)
		return NULL;
	if (!strcmp(f, "exec.command")) return k->exec->command;
	if (!strcmp(f, "exec.args")) return k->exec->args ? k->exec->args[0] : NULL;
	if (!strcmp(f, "exec.env")) return k->exec->env ? k->exec->env[0] : NULL;
	if (!strcmp(f, "exec.mode")) return k->exec->interactive_mode;
	return "<unknown field>";
}

static void test_conn(void **state)
{
	struct kubeconfig *kc;
	struct kerr err = { 0 };
	size_t i, c;

	(void)state;
	put("cfg/pki/ca.crt", PEM_CERT, 0644);
	put("cfg/pki/c.crt", PEM_CERT, 0644);
	put("cfg/pki/c.key", PEM_KEY, 0600);
	put("cfg/secrets/token", "file-token\n", 0600);
	put("cfg/config", conn_doc, 0600);
	/* load from another directory: paths are relative to the file */
	setenv("KUBECONFIG", "cfg/config", 1);
	assert_int_equal(kubeconfig_load(NULL, &kc, &err), 0);
	for (i = 0; i < ARRAY_SIZE(conn_cases); i++) {
		const struct conn_case *cc = &conn_cases[i];
		struct kube_conn *k = NULL, *d;
		int rc = kubeconfig_conn(kc, cc->context, &k, &err);

		if (cc->error) {
			char *want = subst(cc->error);
			if (!rc)
				fail_msg("%s: connected, want error %s", cc->context, want);
			if (!strstr(err.msg, want))
				fail_msg("%s: error '%s' lacks '%s'", cc->context, err.msg, want);
			assert_null(k);
			free(want);
			continue;
		}
		if (rc)
			fail_msg("%s: %s", cc->context, err.msg);
		/* a duplicate must carry the same values */
		d = kube_conn_dup(k);
		for (c = 0; c < ARRAY_SIZE(cc->checks) && cc->checks[c]; c++) {
			const char *eq = strchr(cc->checks[c], '=');
			char *field = xstrndup(cc->checks[c], (size_t)(eq - cc->checks[c]));
			char *want = subst(eq + 1), buf[2048];
			const char *got = conn_field(d, field, buf, sizeof buf);
			if (strcmp(got ? got : "<null>", want))
				fail_msg("%s: %s = '%s', want '%s'", cc->context ? cc->context : "(current)",
					 field, got ? got : "<null>", want);
			free(field);
			free(want);
		}
		kube_conn_free(d);
		kube_conn_free(k);
	}
	kubeconfig_free(kc);

	/* --flatten: files read relative to the kubeconfig, inlined in place of the path */
	{
		static const char flat[] =
			"clusters:\n- name: k\n  cluster: {server: https://k, certificate-authority: pki/ca.crt, proxy-url: http://p}\n"
			"users:\n- name: u\n  user: {client-certificate: pki/c.crt, client-key: pki/c.key, tokenFile: secrets/token}\n"
			"- name: gone\n  user: {client-key: pki/none.key}\n";
		char *dir = xasprintf("%s/cfg", tmpdir);
		json_t *v;
		struct strbuf sb = STRBUF_INIT;

		assert_int_equal(kubeconfig_load_data(flat, strlen(flat), dir, &kc, &err), 0);
		assert_null(kubeconfig_view_flags(kc, KC_VIEW_FLATTEN, &err));
		assert_non_null(strstr(err.msg, "pki/none.key"));
		kubeconfig_free(kc);
		assert_int_equal(kubeconfig_load_data(flat, strlen(flat) - 48, dir, &kc, &err), 0);
		v = kubeconfig_view_flags(kc, KC_VIEW_FLATTEN, &err);
		check_view(v, (const char *const[]){
			"clusters[k].cluster.certificate-authority-data=" PEM_CERT_B64,
			"clusters[k].cluster.certificate-authority=<absent>",
			"users[u].user.client-certificate-data=" PEM_CERT_B64,
			"users[u].user.client-key-data=" PEM_KEY_B64,
			"users[u].user.tokenFile=secrets/token", NULL });
		json_decref(v);
		/* kubectl's order: the data sits where the path was */
		assert_int_equal(kubeconfig_view_text(kc, "json", KC_VIEW_FLATTEN, &sb, &err), 0);
		assert_true(strstr(sb.buf, "certificate-authority-data") < strstr(sb.buf, "proxy-url"));
		strbuf_release(&sb);
		kubeconfig_free(kc);
		free(dir);
	}

	/* no current-context: a usage error with a hint */
	assert_int_equal(kubeconfig_load_data("contexts: []\n", 13, NULL, &kc, &err), 0);
	assert_int_equal(kubeconfig_conn(kc, NULL, &(struct kube_conn *){ NULL }, &err), -1);
	assert_int_equal(err.kind, KERR_USAGE);
	kubeconfig_free(kc);
}

/* ---- exec plugins -------------------------------------------------------- */

/* The plugin records each run (args, env, KUBERNETES_EXEC_INFO) and prints
 * what $PLUGIN_OUT holds, or fails when $PLUGIN_FAIL is set. */
static const char plugin[] =
	"#!/bin/sh\n"
	"d=$(dirname \"$0\")\n"
	"echo \"run $* A=$A\" >> \"$d/runs\"\n"
	"printf '%s\\n' \"$KUBERNETES_EXEC_INFO\" > \"$d/info\"\n"
	"if [ -n \"$PLUGIN_FAIL\" ]; then echo \"boom: $PLUGIN_FAIL\" >&2; exit 3; fi\n"
	"if [ -n \"$PLUGIN_SLEEP\" ]; then sleep \"$PLUGIN_SLEEP\"; fi\n"
	"cat \"$d/$PLUGIN_OUT\"\n";

static int runs(void)
{
	char *s = slurp("bin/runs");
	int n = 0;
	char *p;

	for (p = s; p && *p; p++)
		n += *p == '\n';
	free(s);
	return n;
}

static struct kube_exec *mk_exec(const char *api, const char *out, const char *fail)
{
	struct kube_exec *x = xcalloc(1, sizeof *x);

	x->api_version = xstrdup(api);
	x->command = xasprintf("%s/bin/plug", tmpdir);
	x->args = xcalloc(3, sizeof *x->args);
	x->args[0] = xstrdup("get-token");
	x->args[1] = xstrdup("--x");
	x->env = xcalloc(4, sizeof *x->env);
	x->env[0] = xasprintf("PLUGIN_OUT=%s", out);
	x->env[1] = xstrdup("A=from-kubeconfig");
	if (fail)
		x->env[2] = xasprintf("PLUGIN_FAIL=%s", fail);
	x->interactive_mode = xstrdup("IfAvailable");
	x->install_hint = xstrdup("get it from example.com/plug");
	return x;
}

static void free_exec(struct kube_exec *x)
{
	struct kube_conn *k = xcalloc(1, sizeof *k);

	k->exec = x;   /* kube_conn_free knows how to free a kube_exec */
	kube_conn_free(k);
}

static void cred_at(int line, struct kube_exec *x, const char *ci, int want_rc, const char *want_tok,
		    const char *want_cert, const char *want_err)
{
	char *tok = NULL, *cert = NULL, *key = NULL;
	struct kerr err = { 0 };
	int rc = kube_exec_credential(x, ci, &tok, &cert, &key, &err);

	if (rc != want_rc)
		fail_msg("line %d: exec rc %d, want %d (%s)", line, rc, want_rc, err.msg);
	if (want_tok) {
		assert_non_null(tok);
		assert_string_equal(tok, want_tok);
	}
	if (want_cert) {
		assert_non_null(cert);
		assert_string_equal(cert, want_cert);
		assert_non_null(key);
	}
	if (want_err && !strstr(err.msg, want_err))
		fail_msg("line %d: exec error '%s' lacks '%s'", line, err.msg, want_err);
	free_secret(tok);
	free(cert);
	free_secret(key);
}

#define cred(...) cred_at(__LINE__, __VA_ARGS__)

static void *cred_thread(void *arg)
{
	char *tok = NULL, *cert = NULL, *key = NULL;
	struct kerr err = { 0 };
	int ok = kube_exec_credential(arg, NULL, &tok, &cert, &key, &err) == 0 && tok &&
		 !strcmp(tok, "tok-v1");

	free_secret(tok);
	free(cert);
	free_secret(key);
	return ok ? arg : NULL;
}

static void test_exec(void **state)
{
	char past[32], future[32], *info, *body;
	time_t now = time(NULL);
	struct kube_exec *x;
	struct tm tm;

	(void)state;
	gmtime_r(&(time_t){ now - 60 }, &tm);
	strftime(past, sizeof past, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&(time_t){ now + 3600 }, &tm);
	strftime(future, sizeof future, "%Y-%m-%dT%H:%M:%SZ", &tm);
	put("bin/plug", plugin, 0755);
	put("bin/v1", "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
		      "\"status\":{\"token\":\"tok-v1\"}}", 0644);
	body = xasprintf("{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
			 "\"status\":{\"clientCertificateData\":\"%s\",\"clientKeyData\":\"%s\",\"expirationTimestamp\":\"%s\"}}",
			 "-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----\\n",
			 "-----BEGIN PRIVATE KEY-----\\nY\\n-----END PRIVATE KEY-----\\n", future);
	put("bin/v1beta1", body, 0644);
	free(body);
	body = xasprintf("{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
			 "\"status\":{\"token\":\"old\",\"expirationTimestamp\":\"%s\"}}", past);
	put("bin/expired", body, 0644);
	free(body);
	put("bin/wrongapi", "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}", 0644);
	put("bin/nostatus", "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\"}", 0644);
	put("bin/halfcert", "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"c\"}}", 0644);
	put("bin/garbage", "this is not json", 0644);

	/* v1 token, cached with no expiry; args and env reach the plugin */
	x = mk_exec("client.authentication.k8s.io/v1", "v1", NULL);
	cred(x, NULL, 0, "tok-v1", NULL, NULL);
	cred(x, NULL, 0, "tok-v1", NULL, NULL);
	assert_int_equal(runs(), 1);
	body = slurp("bin/runs");
	assert_string_equal(body, "run get-token --x A=from-kubeconfig\n");
	free(body);
	info = slurp("bin/info");
	assert_non_null(strstr(info, "\"apiVersion\":\"client.authentication.k8s.io/v1\""));
	assert_non_null(strstr(info, "\"kind\":\"ExecCredential\""));
	assert_non_null(strstr(info, "\"interactive\":false"));
	assert_null(strstr(info, "cluster"));
	free(info);
	/* after a 401 the client invalidates: the plugin runs again */
	kube_exec_invalidate(x);
	cred(x, NULL, 0, "tok-v1", NULL, NULL);
	assert_int_equal(runs(), 2);
	/* cluster info is passed only with provideClusterInfo */
	x->provide_cluster_info = 1;
	cred(x, "{\"server\":\"https://k:6443\"}", 0, "tok-v1", NULL, NULL);
	info = slurp("bin/info");
	assert_non_null(strstr(info, "\"cluster\":{\"server\":\"https://k:6443\"}"));
	free(info);
	assert_int_equal(runs(), 3);
	free_exec(x);

	/* v1beta1 client certificate, cached until a future expiry */
	x = mk_exec("client.authentication.k8s.io/v1beta1", "v1beta1", NULL);
	cred(x, NULL, 0, NULL, "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n", NULL);
	cred(x, NULL, 0, NULL, "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n", NULL);
	assert_int_equal(runs(), 4);
	free_exec(x);

	/* an expired credential is fetched again on every use */
	x = mk_exec("client.authentication.k8s.io/v1", "expired", NULL);
	cred(x, NULL, 0, "old", NULL, NULL);
	cred(x, NULL, 0, "old", NULL, NULL);
	assert_int_equal(runs(), 6);
	free_exec(x);

	/* the cache is keyed by env too: a different env runs the plugin */
	x = mk_exec("client.authentication.k8s.io/v1", "v1", NULL);
	free(x->env[1]);
	x->env[1] = xstrdup("A=other");
	cred(x, NULL, 0, "tok-v1", NULL, NULL);
	assert_int_equal(runs(), 7);
	free_exec(x);

	/* failures: stderr and the install hint in the message */
	x = mk_exec("client.authentication.k8s.io/v1", "v1", "no credentials today");
	cred(x, NULL, -1, NULL, NULL, "exit code 3: boom: no credentials today");
	cred(x, NULL, -1, NULL, NULL, "get it from example.com/plug");
	free(x->command);
	x->command = xstrdup("kurator-no-such-plugin");
	cred(x, NULL, -1, NULL, NULL, "executable kurator-no-such-plugin not found");
	cred(x, NULL, -1, NULL, NULL, "get it from example.com/plug");
	free_exec(x);
	{
		static const struct { const char *out, *err; } bad[] = {
			{ "wrongapi", "plugin returned version client.authentication.k8s.io/v1beta1" },
			{ "nostatus", "didn't return a status field" },
			{ "halfcert", "only certificate or key" },
			{ "garbage", "printed no ExecCredential JSON" },
		};
		size_t i;
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			x = mk_exec("client.authentication.k8s.io/v1", bad[i].out, NULL);
			cred(x, NULL, -1, NULL, NULL, bad[i].err);
			free_exec(x);
		}
	}
	/* threads wanting the same credential share one run */
	kube_exec_cache_clear();
	{
		pthread_t th[4];
		size_t i;
		int before = runs();

		x = mk_exec("client.authentication.k8s.io/v1", "v1", NULL);
		x->env[2] = xstrdup("PLUGIN_SLEEP=0.3");
		for (i = 0; i < ARRAY_SIZE(th); i++)
			assert_int_equal(pthread_create(&th[i], NULL, cred_thread, x), 0);
		for (i = 0; i < ARRAY_SIZE(th); i++) {
			void *ok;
			pthread_join(th[i], &ok);
			assert_non_null(ok);
		}
		assert_int_equal(runs(), before + 1);
		free_exec(x);
	}

	/* Always needs a terminal, which the tests do not have (a cached
	 * credential would be used without asking: clear the cache) */
	kube_exec_cache_clear();
	x = mk_exec("client.authentication.k8s.io/v1", "v1", NULL);
	free(x->interactive_mode);
	x->interactive_mode = xstrdup("Always");
	cred(x, NULL, -1, NULL, NULL, "interactive terminal");
	free_exec(x);
}

/* ---- writing ------------------------------------------------------------- */

static void test_merge_into(void **state)
{
	struct kerr err = { 0 };
	struct stat st;
	json_t *frag = json_pack("{s:[{s:s,s:{s:s}}],s:[{s:s,s:{s:s}}],s:[{s:s,s:{s:s,s:s}}],s:s}",
				 "clusters", "name", "m1", "cluster", "server", "https://m1",
				 "users", "name", "m1-admin", "user", "token", "sekret",
				 "contexts", "name", "m1", "context", "cluster", "m1", "user", "m1-admin",
				 "current-context", "m1");
	json_t *frag2 = json_pack("{s:[{s:s,s:{s:s}}]}", "clusters", "name", "m1", "cluster", "server", "https://other");
	char *path = xasprintf("%s/new/dir/config", tmpdir), *before, *after;
	struct kubeconfig *kc;
	json_t *v;

	(void)state;
	assert_int_equal(kubeconfig_merge_into(path, frag, 0, 0, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(kubeconfig_load(path, &kc, &err), 0);
	assert_true(kubeconfig_has_context(kc, "m1"));
	assert_null(kubeconfig_current_context(kc));
	kubeconfig_free(kc);

	/* same names: refused without replace, file untouched */
	before = slurp("new/dir/config");
	assert_int_equal(kubeconfig_merge_into(path, frag2, 0, 1, &err), -1);
	assert_int_equal(err.kind, KERR_CONFLICT);
	assert_non_null(strstr(err.msg, "cluster \"m1\""));
	after = slurp("new/dir/config");
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* a world-readable file is made private again; replace and set current */
	chmod(path, 0644);
	assert_int_equal(kubeconfig_merge_into(path, frag, 1, 1, &err), 0);
	assert_int_equal(kubeconfig_merge_into(path, frag2, 1, 0, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(kubeconfig_load(path, &kc, &err), 0);
	assert_string_equal(kubeconfig_current_context(kc), "m1");
	v = kubeconfig_view(kc, 1, 0, &err);
	check_view(v, (const char *const[]){ "clusters#=1", "clusters[m1].cluster.server=https://other",
					     "users[m1-admin].user.token=sekret", NULL });
	json_decref(v);
	kubeconfig_free(kc);
	json_decref(frag);
	json_decref(frag2);
	free(path);
}

static const struct use_case {
	const char *what;
	struct file files[3];
	const char *kubeconfig, *explicit_path, *context;
	const char *written;       /* file expected to change, NULL: error */
} use_cases[] = {
	{ "the first existing file, not the one that set current-context",
	  { { "a.yaml", A }, { "b.yaml", B } }, "a.yaml:b.yaml", NULL, "ctx1", "a.yaml" },
	{ "missing files are passed over",
	  { { "a.yaml", A }, { "c.yaml", "contexts:\n- {name: z, context: {cluster: c1}}\n" } },
	  "missing.yaml:c.yaml:a.yaml", NULL, "ctx1", "c.yaml" },
	{ "explicit file",
	  { { "a.yaml", A }, { "b.yaml", B } }, "b.yaml", "a.yaml", "ctx1", "a.yaml" },
	{ "default file",
	  { { ".kube/config", A } }, NULL, NULL, "ctx1", ".kube/config" },
	{ "unknown context",
	  { { "a.yaml", A } }, "a.yaml", NULL, "nope", NULL },
};

static void test_use_context(void **state)
{
	size_t i, f;

	for (i = 0; i < ARRAY_SIZE(use_cases); i++) {
		const struct use_case *uc = &use_cases[i];
		struct kubeconfig *kc, *again;
		struct kerr err = { 0 };
		struct stat st;
		char *path;

		teardown_dir(state);
		setup_dir(state);
		for (f = 0; f < ARRAY_SIZE(uc->files) && uc->files[f].name; f++)
			put(uc->files[f].name, uc->files[f].content, 0644);
		if (uc->kubeconfig)
			setenv("KUBECONFIG", uc->kubeconfig, 1);
		assert_int_equal(kubeconfig_load(uc->explicit_path, &kc, &err), 0);
		if (!uc->written) {
			assert_int_equal(kubeconfig_use_context(kc, uc->context, &err), -1);
			assert_non_null(strstr(err.msg, "no context exists with the name: \"nope\""));
			kubeconfig_free(kc);
			continue;
		}
		if (kubeconfig_use_context(kc, uc->context, &err))
			fail_msg("%s: %s", uc->what, err.msg);
		assert_string_equal(kubeconfig_current_context(kc), uc->context);
		kubeconfig_free(kc);
		path = xasprintf("%s/%s", tmpdir, uc->written);
		assert_int_equal(stat(path, &st), 0);
		if ((st.st_mode & 0777) != 0600)
			fail_msg("%s: %s not rewritten (mode %o)", uc->what, uc->written, st.st_mode & 0777);
		free(path);
		assert_int_equal(kubeconfig_load(uc->explicit_path, &again, &err), 0);
		assert_string_equal(kubeconfig_current_context(again), uc->context);
		kubeconfig_free(again);
	}
}

/* A symlinked ~/.kube/config stays a symlink; its target is rewritten. */
static void test_symlink(void **state)
{
	struct kubeconfig *kc;
	struct kerr err = { 0 };
	struct stat st;
	char *link = xasprintf("%s/.kube/config", tmpdir), *target = xasprintf("%s/real/config", tmpdir);

	(void)state;
	put("real/config", A, 0600);
	put(".kube/keep", "", 0600);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(kubeconfig_load(NULL, &kc, &err), 0);
	assert_int_equal(kubeconfig_use_context(kc, "ctx1", &err), 0);
	kubeconfig_free(kc);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(kubeconfig_load(target, &kc, &err), 0);
	assert_string_equal(kubeconfig_current_context(kc), "ctx1");
	kubeconfig_free(kc);
	free(link);
	free(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_view_redaction, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_text, setup_dir, teardown_dir),
		cmocka_unit_test(test_base64_paths),
		cmocka_unit_test_setup_teardown(test_conn, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_exec, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_merge_into, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_use_context, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_symlink, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
