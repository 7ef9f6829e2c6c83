/* t_yaml.c - YAML loading with go-yaml v2 scalar rules, dumping like
 * kubectl -o yaml, round trips, error positions, the real manifests. */
#include "tests/lib/t_lib.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jsonx.h"
#include "lib/yamljson.h"

/* Load "v: TEXT" and return the compact JSON of v (caller frees). */
static char *scalar_json(const char *text)
{
	char *src = xasprintf("v: %s\n", text);
	struct kerr e = { 0 };
	json_t *doc;
	char *out;

	if (yj_load_one(src, strlen(src), "t", &doc, &e)) {
		out = xasprintf("ERROR %s", e.msg);
	} else {
		out = json_dumps(json_object_get(doc, "v"),
				 JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
		json_decref(doc);
	}
	free(src);
	return out;
}

static const struct { const char *yaml, *json; } scalar_cases[] = {
	/* booleans: go-yaml v2's table, exact spellings only */
	{ "y", "true" }, { "Y", "true" }, { "yes", "true" }, { "Yes", "true" },
	{ "YES", "true" }, { "on", "true" }, { "On", "true" }, { "ON", "true" },
	{ "true", "true" }, { "True", "true" }, { "TRUE", "true" },
	{ "n", "false" }, { "N", "false" }, { "no", "false" }, { "No", "false" },
	{ "NO", "false" }, { "off", "false" }, { "Off", "false" }, { "OFF", "false" },
	{ "false", "false" }, { "False", "false" }, { "FALSE", "false" },
	{ "tRue", "\"tRue\"" }, { "yEs", "\"yEs\"" }, { "oN", "\"oN\"" },
	/* nulls */
	{ "~", "null" }, { "null", "null" }, { "Null", "null" }, { "NULL", "null" },
	{ "", "null" }, { "nUll", "\"nUll\"" },
	/* integers as strconv.ParseInt(s, 0, 64) after removing underscores */
	{ "0", "0" }, { "42", "42" }, { "-17", "-17" }, { "+5", "5" },
	{ "0x1F", "31" }, { "0X1f", "31" }, { "-0x10", "-16" }, { "0o17", "15" },
	{ "0755", "493" }, { "0b101", "5" }, { "-0b11", "-3" }, { "1_000", "1000" },
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	/* too big for int64: Go yields uint64 or float64, JSON a number */
	{ "9223372036854775808", "9.2233720368547758e18" },
	{ "18446744073709551616", "1.8446744073709552e19" },
	/* not octal, but a yamlStyleFloat */
	{ "08", "8" }, { "0999", "999" },
	/* floats: integral ones are written by Go's JSON encoder as integers */
	{ "1e3", "1000" }, { "1.0", "1" }, { "1.5", "1.5" }, { ".5", "0.5" },
	{ "-.5", "-0.5" }, { "+1.5e-1", "0.14999999999999999" }, { "1.", "1" },
	{ "1_0.5", "10.5" },
	/* strings: failed numbers, timestamps, sexagesimal, odd words */
	{ "0x", "\"0x\"" }, { "0b2", "\"0b2\"" }, { "1e400", "\"1e400\"" },
	{ ".e3", "\".e3\"" }, { ".", "\".\"" }, { ".5_0", "\".5_0\"" },
	{ "+", "\"+\"" }, { "-x", "\"-x\"" }, { "[-]", "[\"-\"]" }, { "12:30", "\"12:30\"" },
	{ "2001-12-14", "\"2001-12-14\"" },
	{ "2001-12-14T21:59:43.10-05:00", "\"2001-12-14T21:59:43.10-05:00\"" },
	{ "=", "\"=\"" }, { "<<", "\"<<\"" }, { "1.2.3", "\"1.2.3\"" },
	{ "_1", "\"_1\"" }, { "0x_", "\"0x_\"" }, { "v1", "\"v1\"" },
	/* quoted and block scalars always stay strings */
	{ "\"true\"", "\"true\"" }, { "'0755'", "\"0755\"" }, { "\"\"", "\"\"" },
	{ "'~'", "\"~\"" }, { "\"1e3\"", "\"1e3\"" }, { "|\n  yes\n", "\"yes\\n\"" },
	{ ">-\n  a\n  b\n", "\"a b\"" }, { "|-\n  x\n\n", "\"x\"" },
	{ "|+\n  x\n\n", "\"x\\n\\n\\n\"" }, { "|2\n   lead\n", "\" lead\\n\"" },
	{ ">\n  a\n\n  b\n", "\"a\\nb\\n\"" },
	/* explicit tags */
	{ "!!str 123", "\"123\"" }, { "!!int \"12\"", "12" }, { "!!float 3", "3" },
	{ "!!bool yes", "true" }, { "!custom 5", "\"5\"" }, { "! 5", "\"5\"" },
	{ "!!binary aGVsbG8=", "\"hello\"" },
	/* flow collections and unicode */
	{ "[1, \"a\", {b: c}]", "[1,\"a\",{\"b\":\"c\"}]" }, { "{}", "{}" },
	{ "\"\\u00e9\\t\"", "\"\xc3\xa9\\t\"" }, { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
};

static void test_scalars(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(scalar_cases); i++) {
		char *got = scalar_json(scalar_cases[i].yaml);
		if (strcmp(got, scalar_cases[i].json) != 0) {
			print_error("scalar %s: got %s, want %s\n", scalar_cases[i].yaml, got,
				    scalar_cases[i].json);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

static json_t *load_one(const char *src)
{
	struct kerr e = { 0 };
	json_t *doc = NULL;

	if (yj_load_one(src, strlen(src), "t", &doc, &e))
		fail_msg("load failed: %s", e.msg);
	return doc;
}

static void assert_json(const json_t *v, const char *want)
{
	char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);

	if (strcmp(got, want) != 0)
		fail_msg("got %s\nwant %s", got, want);
	free(got);
}

/* sigs.k8s.io/yaml turns typed keys into strings (yes -> "true"). */
static void test_keys(void **state)
{
	json_t *d = load_one("yes: a\n1: b\n0x10: c\n1.5: d\n1e7: e\n.inf: f\n-0.0: g\n"
			     "\"yes\": h\n~x: i\n");

	(void)state;
	assert_json(d, "{\"true\":\"a\",\"1\":\"b\",\"16\":\"c\",\"1.5\":\"d\",\"1e+07\":\"e\","
		       "\".inf\":\"f\",\"-0\":\"g\",\"yes\":\"h\",\"~x\":\"i\"}");
	json_decref(d);
}

static void test_anchors_merge(void **state)
{
	json_t *d;

	(void)state;
	d = load_one("base: &b\n  x: 1\n  z: 2\n"
		     "m:\n  <<: *b\n  z: 3\n"
		     "before:\n  z: 3\n  <<: *b\n"
		     "list:\n  <<: [{a: 1}, {a: 2, c: 3}]\n"
		     "seq: &s [1, 2]\n"
		     "copy: *s\n"
		     "key: &k name\n"
		     "*k : aliased key\n"
		     "quoted:\n  \"<<\": {q: 1}\n");
	assert_json(d, "{\"base\":{\"x\":1,\"z\":2},\"m\":{\"x\":1,\"z\":3},"
		       "\"before\":{\"z\":2,\"x\":1},\"list\":{\"a\":1,\"c\":3},"
		       "\"seq\":[1,2],\"copy\":[1,2],\"key\":\"name\",\"name\":\"aliased key\","
		       "\"quoted\":{\"<<\":{\"q\":1}}}");
	/* an alias is a copy: changing one does not change the other */
	json_array_append_new(json_object_get(d, "copy"), json_integer(3));
	assert_int_equal(json_array_size(json_object_get(d, "seq")), 2);
	json_decref(d);
}

static void test_streams(void **state)
{
	const char *src = "a: 1\n---\n---\n# only a comment\n---\nnull\n---\n- x\n...\n---\nb: 2\n";
	struct kerr e = { 0 };
	json_t *docs, *one;

	(void)state;
	assert_int_equal(yj_load_stream(src, strlen(src), "s", &docs, &e), 0);
	assert_json(docs, "[{\"a\":1},[\"x\"],{\"b\":2}]");
	json_decref(docs);
	assert_int_equal(yj_load_one(src, strlen(src), "s.yaml", &one, &e), -1);
	assert_non_null(strstr(e.msg, "s.yaml"));
	assert_non_null(strstr(e.msg, "3"));
	assert_int_equal(yj_load_one(NULL, 0, "null", &one, &e), 0);
	assert_true(json_is_null(one));
	json_decref(one);
	one = load_one("&k .inf: a\nv: *k\n");   /* an anchored key that is no JSON value */
	assert_json(one, "{\".inf\":\"a\",\"v\":\".inf\"}");
	json_decref(one);
	assert_int_equal(yj_load_one("", 0, "empty", &one, &e), 0);
	assert_true(json_is_null(one));
	json_decref(one);
	/* JSON is YAML; surrogate pairs (which libyaml refuses) still load */
	one = load_one("{\"a\": [1, 2.5, \"\\ud83d\\ude00\"], \"b\": {\"c\": null}}");
	assert_json(one, "{\"a\":[1,2.5,\"\xf0\x9f\x98\x80\"],\"b\":{\"c\":null}}");
	json_decref(one);
	one = load_one("{\"n\": 2.0}");
	assert_json(one, "{\"n\":2}");
	json_decref(one);
}

static const struct { const char *src, *want; } error_cases[] = {
	{ "a: b\n c: d\n", "f.yaml:2:3: mapping values are not allowed" },
	{ "a:\n\tb: 1\n", "f.yaml:2:1: found character that cannot start any token" },
	{ "a: *nope\n", "f.yaml:1:4: unknown anchor 'nope'" },
	{ "a: .inf\n", "f.yaml:1:4: .inf is not a number JSON can hold" },
	{ "x:\n  b: -.Inf\n", "f.yaml:2:6: -.Inf is not a number" },
	{ "? [a]\n: b\n", "f.yaml:1:3: a mapping key must be a scalar" },
	{ "~: a\n", "f.yaml:1:1: a mapping key cannot be null" },
	{ "a: 1\n<<: 5\n", "f.yaml:2:5: map merge (<<) requires a mapping" },
	{ "a: !!int abc\n", "f.yaml:1:4: cannot decode `abc` as a !!int" },
	{ "a: \"unterminated\n", "f.yaml:2:1: found unexpected end of stream" },
	{ "a: [1, 2\n", "f.yaml:2:1: did not find expected ',' or ']'" },
	{ "a: \xff\n", "f.yaml:1:4: invalid leading UTF-8 octet" },
	{ "18446744073709551615: x\n", "f.yaml:1:1: unsupported mapping key" },
};

static void test_errors(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct kerr e = { 0 };
		json_t *docs = NULL;
		int rc = yj_load_stream(error_cases[i].src, strlen(error_cases[i].src), "f.yaml",
					&docs, &e);
		if (rc != -1 || docs || e.kind != KERR_INVALID ||
		    strncmp(e.msg, error_cases[i].want, strlen(error_cases[i].want)) != 0) {
			print_error("error case %zu: rc %d msg \"%s\", want \"%s\"\n", i, rc, e.msg,
				    error_cases[i].want);
			bad++;
		}
		json_decref(docs);
	}
	assert_int_equal(bad, 0);
}

/* A billion-laughs document must fail fast, not expand. */
static void test_alias_bomb(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kerr e = { 0 };
	json_t *docs;
	int i, j;

	(void)state;
	strbuf_addstr(&sb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		strbuf_addf(&sb, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			strbuf_addf(&sb, "%s*a%d", j ? ", " : "", i - 1);
		strbuf_addstr(&sb, "]\n");
	}
	assert_int_equal(yj_load_stream(sb.buf, sb.len, "bomb", &docs, &e), -1);
	assert_non_null(strstr(e.msg, "excessive aliasing"));
	strbuf_release(&sb);
	/* and deep nesting is refused, not a stack overflow */
	for (i = 0; i < 5000; i++)
		strbuf_addch(&sb, '[');
	assert_int_equal(yj_load_stream(sb.buf, sb.len, "deep", &docs, &e), -1);
	assert_non_null(strstr(e.msg, "nesting"));
	strbuf_release(&sb);
}

static void test_dump_layout(void **state)
{
	json_t *v = load_one("{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"web\","
			     " \"labels\": {\"app\": \"web\"}, \"annotations\": {}},"
			     " \"spec\": {\"containers\": [{\"name\": \"c\", \"args\": [\"true\", \"0755\","
			     " \"-\", \"a: b\", \"\"], \"ports\": [], \"env\": [{\"name\": \"X\", \"value\":"
			     " \"line1\\nline2\\n\"}]}], \"replicas\": 3, \"ratio\": 0.5, \"on\": false,"
			     " \"none\": null}}");
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	yj_dump(&sb, v);
	assert_string_equal(sb.buf,
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: web\n"
		"  labels:\n"
		"    app: web\n"
		"  annotations: {}\n"
		"spec:\n"
		"  containers:\n"
		"  - name: c\n"
		"    args:\n"
		"    - \"true\"\n"
		"    - \"0755\"\n"
		"    - '-'\n"
		"    - 'a: b'\n"
		"    - \"\"\n"
		"    ports: []\n"
		"    env:\n"
		"    - name: X\n"
		"      value: |\n"
		"        line1\n"
		"        line2\n"
		"  replicas: 3\n"
		"  ratio: 0.5\n"
		"  \"on\": false\n"
		"  none: null\n");
	strbuf_reset(&sb);
	yj_dump(&sb, json_object_get(json_object_get(v, "metadata"), "name"));
	assert_string_equal(sb.buf, "web\n");
	strbuf_reset(&sb);
	{
		json_t *docs = json_pack("[{s:i},[s]]", "a", 1, "b");
		yj_dump_stream(&sb, docs);
		assert_string_equal(sb.buf, "a: 1\n---\n- b\n");
		json_decref(docs);
	}
	strbuf_release(&sb);
	json_decref(v);
}

#define NUL_STRING "nul\0inside"
/* The one string with a NUL inside, found by address (not by content:
 * comparing its bytes would read past the end of shorter strings). */
static const char nul_string[] = NUL_STRING;

static const char *const roundtrip_strings[] = {
	"true", "True", "yes", "y", "N", "off", "null", "Null", "~", "", " ", " lead",
	"trail ", "0755", "0x1F", "0o7", "0b1", "1e3", "1_000", ".5", "-.5", "+1", "1.0",
	".inf", "-.Inf", ".nan", "12:30", "1:2:3.5", "=", "<<", "-", "- x", "-x", "? x",
	":", "a: b", "a:b", "#x", "a #b", "{", "}", "[", "]", ",", "@x", "`x", "!x", "&x",
	"*x", "|", ">", "%x", "'", "\"", "\\", "multi\nline", "multi\nline\n",
	"trailing\nspaces  \n", "\n", "\n\nx", "x\n\n", " \nx", "tab\there", "\t",
	"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", "\xef\xbb\xbf" "bom", nul_string,
	"\x7f", "\xc2\x85", "\xe2\x80\xa8", "a\rb", "---", "...", "--- x",
	"very long string that goes past eighty columns so the emitter folds it "
	"across lines and it must still read back exactly the same, spaces  and all",
	/* timestamps as Go's time.Parse takes them (quoted) and near misses */
	"2026-11-25T08:06:25Z", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
	"2001-12-14 21:59:43.10", "2001-12-14   1:2:3", "2001-1-2T3:4:5,25+05:30",
	"2000-02-29", "2001-02-29", "2001-13-01", "2001-12-14T24:00:00Z",
	"2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43z", "20011-12-14",
	"2001-12-14T21:59:43+5:00", "1:20", "190:20:30.15", "-1:20",
	"2001-12-14T1:2:3+24:00", "2001-12-14T1:2:3+25:00", "2001-12-14T21:59:43.5",
	"1900-02-29", "0000-01-01",
	/* (keys are k00..k99: Go sorts k100 after k99, strcmp does not) */
};

static void check_roundtrip(const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct kerr e = { 0 };
	json_t *back;

	yj_dump(&sb, v);
	if (yj_load_one(sb.buf, sb.len, "dump", &back, &e))
		fail_msg("reload failed: %s\n%s", e.msg, sb.buf);
	if (!jx_equal(back, v)) {
		char *a = json_dumps(v, JSON_ENCODE_ANY), *b = json_dumps(back, JSON_ENCODE_ANY);
		fail_msg("round trip changed %s into %s via\n%s", a, b, sb.buf);
	}
	json_decref(back);
	strbuf_release(&sb);
}

static void test_roundtrip(void **state)
{
	json_t *obj = json_object(), *arr = json_array();
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(roundtrip_strings); i++) {
		const char *s = roundtrip_strings[i];
		/* the NUL case is the only one whose length strlen misses */
		size_t len = s == nul_string ? sizeof(nul_string) - 1 : strlen(s);
		json_t *str = json_stringn(s, len);
		assert_non_null(str);
		json_array_append(arr, str);
		json_object_setn(obj, s, len, str);   /* the same text as a key */
		check_roundtrip(str);
		{
			json_t *one = json_object();
			json_object_setn(one, s, len, str);
			check_roundtrip(one);
			json_decref(one);
		}
		json_decref(str);
	}
	json_object_set(obj, "list", arr);
	check_roundtrip(obj);
	check_roundtrip(arr);
	json_decref(arr);
	json_decref(obj);
	/* numbers stay numbers */
	arr = json_pack("[i,i,i,f,f,f,f,b,b,n,{},[],{s:[]}]", 0, -5, 493, 0.5, -1.25e-7,
			1.8446744073709552e19, 3.141592653589793, 1, 0, "k");
	json_array_append_new(arr, json_integer(INT64_MIN));
	json_array_append_new(arr, json_integer(INT64_MAX));
	check_roundtrip(arr);
	json_decref(arr);
}

/* Run argv, return its stdout (NULL if it could not run or failed). */
static char *run_capture(char *const argv[])
{
	struct strbuf sb = STRBUF_INIT;
	int fds[2], status;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* kubectl prints the same object as -o json and -o yaml: our YAML of its
 * JSON (keys sorted, as Go maps print) must be byte for byte its YAML. */
static void test_dump_vs_kubectl(void **state)
{
	const char *kubectl = getenv("KUBECTL");
	char *argv[8 + 2 * ARRAY_SIZE(roundtrip_strings)];
	char *json_text, *yaml_text;
	struct strbuf ours = STRBUF_INIT;
	struct kerr e = { 0 };
	json_t *obj, *sorted;
	size_t i, argc = 0, nargs;

	(void)state;
	if (!kubectl)
		kubectl = "/usr/lib/google-cloud-sdk/bin/kubectl.1.30";
	if (access(kubectl, X_OK) != 0)
		skip();
	argv[argc++] = (char *)kubectl;
	argv[argc++] = "create";
	argv[argc++] = "configmap";
	argv[argc++] = "quoting";
	argv[argc++] = "--dry-run=client";
	nargs = argc;
	for (i = 0; i < ARRAY_SIZE(roundtrip_strings); i++) {
		const char *v = roundtrip_strings[i];
		if (v == nul_string)
			continue;   /* a NUL cannot pass through argv */
		/* kubectl re-reads its own JSON as YAML and refuses control
		 * characters there ("yaml: control characters are not allowed") */
		if (strpbrk(v, "\x7f\r") || strstr(v, "\xc2\x85") || strstr(v, "\xef\xbb\xbf"))
			continue;
		/* A single-quoted string ending in U+2028: libyaml indents
		 * before the closing quote, go-yaml does not; both read back
		 * the same. */
		if (strcmp(v, "\xe2\x80\xa8") == 0)
			continue;
		argv[argc++] = xasprintf("--from-literal=k%02zu=%s", i, v);
	}
	argv[argc++] = "-o";
	argv[argc + 1] = NULL;
	argv[argc] = "json";
	json_text = run_capture(argv);
	argv[argc] = "yaml";
	yaml_text = run_capture(argv);
	for (i = nargs; i < argc - 1; i++)
		free(argv[i]);
	if (!json_text || !yaml_text)
		fail_msg("%s did not run", kubectl);
	if (yj_load_one(json_text, strlen(json_text), "kubectl.json", &obj, &e))
		fail_msg("%s", e.msg);
	sorted = jx_sorted_copy(obj);
	yj_dump(&ours, sorted);
	if (strcmp(ours.buf, yaml_text) != 0) {
		/* show the first differing line */
		size_t at = 0;
		while (ours.buf[at] && ours.buf[at] == yaml_text[at])
			at++;
		while (at > 0 && ours.buf[at - 1] != '\n')
			at--;
		fail_msg("differs from kubectl -o yaml at:\nours:    %.120s\nkubectl: %.120s",
			 ours.buf + at, yaml_text + at);
	}
	/* and jx_dump_pretty writes the JSON exactly as kubectl -o json */
	strbuf_reset(&ours);
	jx_dump_pretty(&ours, obj);
	strbuf_addch(&ours, '\n');
	assert_string_equal(ours.buf, json_text);
	strbuf_release(&ours);
	json_decref(sorted);
	json_decref(obj);
	free(json_text);
	free(yaml_text);
}

static int manifest_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

struct manifest_stats {
	size_t files, docs, crds, volcano_crds, eq_enum;
};

/* Is there an "enum" array holding the one-character string "="? */
static void find_eq_enum(const json_t *v, struct manifest_stats *st, int depth)
{
	const char *k;
	json_t *c;
	size_t i;

	if (depth > 200)
		return;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			if (strcmp(k, "enum") == 0 && json_is_array(c)) {
				json_array_foreach(c, i, v)
					if (json_is_string(v) && strcmp(json_string_value(v), "=") == 0)
						st->eq_enum++;
			} else {
				find_eq_enum(c, st, depth + 1);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c)
			find_eq_enum(c, st, depth + 1);
	}
}

static void load_manifest(const char *path, struct manifest_stats *st)
{
	struct kerr e = { 0 };
	struct strbuf sb = STRBUF_INIT;
	json_t *docs, *doc, *back;
	size_t i;

	if (yj_load_file(path, &docs, &e))
		fail_msg("%s", e.msg);
	st->files++;
	json_array_foreach(docs, i, doc) {
		const char *kind = json_string_value(json_object_get(doc, "kind"));
		if (!kind || !json_is_string(json_object_get(doc, "apiVersion")))
			fail_msg("%s: document %zu has no kind/apiVersion", path, i);
		if (strcmp(kind, "CustomResourceDefinition") == 0) {
			st->crds++;
			if (strstr(path, "volcano"))
				st->volcano_crds++;
		}
		if (strstr(path, "alertmanagerConfigCustomResourceDefinition"))
			find_eq_enum(doc, st, 0);
		st->docs++;
	}
	/* whatever we load we can print and load again unchanged */
	yj_dump_stream(&sb, docs);
	if (yj_load_stream(sb.buf, sb.len, path, &back, &e))
		fail_msg("%s: reloading the dump: %s", path, e.msg);
	if (!jx_equal(back, docs))
		fail_msg("%s: dump and reload changed the documents", path);
	json_decref(back);
	strbuf_release(&sb);
	json_decref(docs);
}

static void walk_manifests(const char *dir, struct manifest_stats *st)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d))) {
		char *p;
		struct stat sbuf;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &sbuf) == 0 && S_ISDIR(sbuf.st_mode))
			walk_manifests(p, st);
		else if (manifest_file(de->d_name))
			load_manifest(p, st);
		free(p);
	}
	closedir(d);
}

static void test_manifests(void **state)
{
	const char *dir = getenv("MANIFESTS");
	struct manifest_stats st = { 0 };

	(void)state;
	if (!dir || !*dir)
		skip();
	walk_manifests(dir, &st);
	print_message("manifests: %zu files, %zu documents, %zu CRDs\n", st.files, st.docs,
		      st.crds);
	assert_true(st.files >= 100);
	assert_true(st.docs > st.files);
	assert_true(st.volcano_crds >= 5);
	assert_true(st.crds >= 50);
	/* the bare "- =" enum items of the AlertmanagerConfig CRD */
	assert_true(st.eq_enum >= 3);
}

int t_yaml(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_anchors_merge),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_dump_layout),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_dump_vs_kubectl),
		cmocka_unit_test(test_manifests),
	};
	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
