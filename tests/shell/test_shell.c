/* test_shell.c - unit tests for the shell's pure parts: line splitting,
 * the option parser (kubectl's rules), lookup, history redaction,
 * completion from the table, output tables and ages. Table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/complete.h"
#include "shell/history.h"
#include "shell/output.h"
#include "shell/session.h"

/* ---- a private table to parse against ---------------------------------- */

static const char *const colors[] = { "red", "green", NULL };

static const struct cmd_opt t_opts[] = {
	{ 'A', "all-namespaces", CMD_OPT_BOOL, NULL, "all", COMP_NONE, NULL, NULL },
	{ 'f', "follow", CMD_OPT_BOOL, NULL, "follow", COMP_NONE, NULL, NULL },
	{ 0, "wait", CMD_OPT_BOOL, NULL, "wait", COMP_NONE, NULL, "true" },
	{ 'o', "output", CMD_OPT_STRING, "FMT", "fmt", COMP_CHOICES, colors, NULL },
	{ 0, "tail", CMD_OPT_INT, "N", "tail", COMP_NONE, NULL, "-1" },
	{ 'F', "file", CMD_OPT_LIST, "FILE", "files", COMP_FILE, NULL, NULL },
	{ 0 }
};

static const struct cmd_pos t_pos[] = { { .name = "A" }, { .name = "B" }, { 0 } };

static int t_exec(struct session *s, struct cmd_args *a, struct kerr *err)
{
	(void)s; (void)a; (void)err;
	return 0;
}

static const struct cmd_entry t_sub_view = {
	.name = "view", .summary = "v", .max_args = 0, .exec = t_exec,
};
static const struct cmd_entry t_sub_vanish = {
	.name = "vanish", .summary = "v", .max_args = 1, .exec = t_exec,
};
static const struct cmd_entry *const t_subs[] = { &t_sub_view, &t_sub_vanish, NULL };

static const struct cmd_entry t_get = {
	.name = "get", .alias = "g", .usage = "A [B]", .opts = t_opts, .args = t_pos,
	.min_args = 1, .max_args = 2, .exec = t_exec,
};
static const struct cmd_entry t_getall = {
	.name = "getall", .max_args = 0, .exec = t_exec,
};
static const struct cmd_entry t_cfg = {
	.name = "cfg", .subcmds = t_subs,
};
static const struct cmd_entry t_grp = {   /* a group with its own exec */
	.name = "grp", .subcmds = t_subs, .max_args = 1, .exec = t_exec,
};
static const struct cmd_entry *const t_table[] = { &t_get, &t_getall, &t_cfg, &t_grp, NULL };

/* ---- splitting -------------------------------------------------------------- */

static void test_split(void **state)
{
	static const struct { const char *line; int rc; const char *joined; } cases[] = {
		{ "get pods -n x", 0, "get|pods|-n|x" },
		{ "  get\t pods  ", 0, "get|pods" },
		{ "echo 'a b' \"c d\" e\\ f", 0, "echo|a b|c d|e f" },
		{ "x \"q\\\"uote\" 'lit\\n'", 0, "x|q\"uote|lit\\n" },
		{ "get pods # a comment", 0, "get|pods" },
		{ "a#b", 0, "a#b" },
		{ "", 0, "" },
		{ "'unterminated", -1, NULL },
		{ "\"also", -1, NULL },
		{ "''", 0, "" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kerr err = { 0 };
		char **argv = NULL;
		int argc = -1;
		int rc = cmd_split_line(cases[i].line, &argc, &argv, &err);

		assert_int_equal(rc, cases[i].rc);
		if (rc < 0) {
			assert_int_equal(err.kind, KERR_USAGE);
			continue;
		}
		struct strbuf sb = STRBUF_INIT;

		for (int k = 0; k < argc; k++)
			strbuf_addf(&sb, "%s%s", k ? "|" : "", argv[k]);
		if (strcmp(sb.buf, cases[i].joined))
			fail_msg("split(%s) = %s, want %s", cases[i].line, sb.buf, cases[i].joined);
		if (!strcmp(cases[i].line, "''"))
			assert_int_equal(argc, 1);   /* an empty quoted word is a word */
		strbuf_release(&sb);
		cmd_argv_free(argv);
	}
}

/* ---- parsing ----------------------------------------------------------------------- */

struct pcase {
	const char *line;
	int rc;               /* 0, or -1 (usage error) */
	int help;
	const char *path;     /* leaf path */
	const char *pos;      /* positionals joined by | */
	int all, follow, wait;
	const char *output;
	long tail;
	const char *files;    /* joined by | */
	const char *errpart;
};

static const struct pcase pcases[] = {
	{ "get pods", 0, 0, "get", "pods", 0, 0, 1, NULL, -1, "", NULL },
	{ "g pods web", 0, 0, "get", "pods|web", 0, 0, 1, NULL, -1, "", NULL },
	{ "get -A pods", 0, 0, "get", "pods", 1, 0, 1, NULL, -1, "", NULL },
	{ "get pods -Af", 0, 0, "get", "pods", 1, 1, 1, NULL, -1, "", NULL },
	{ "get pods --wait=false", 0, 0, "get", "pods", 0, 0, 0, NULL, -1, "", NULL },
	{ "get pods --wait=F", 0, 0, "get", "pods", 0, 0, 0, NULL, -1, "", NULL },
	{ "get pods --wait=true", 0, 0, "get", "pods", 0, 0, 1, NULL, -1, "", NULL },
	{ "get pods -f=false", 0, 0, "get", "pods", 0, 0, 1, NULL, -1, "", NULL },
	{ "get pods --wait false", 0, 0, "get", "pods|false", 0, 0, 1, NULL, -1, "", NULL },
	{ "get pods -o red", 0, 0, "get", "pods", 0, 0, 1, "red", -1, "", NULL },
	{ "get pods -ored", 0, 0, "get", "pods", 0, 0, 1, "red", -1, "", NULL },
	{ "get pods -o=green", 0, 0, "get", "pods", 0, 0, 1, "green", -1, "", NULL },
	{ "get pods --output=green", 0, 0, "get", "pods", 0, 0, 1, "green", -1, "", NULL },
	{ "get pods --output green", 0, 0, "get", "pods", 0, 0, 1, "green", -1, "", NULL },
	{ "get pods --tail -5", 0, 0, "get", "pods", 0, 0, 1, NULL, -5, "", NULL },
	{ "get pods --tail=7", 0, 0, "get", "pods", 0, 0, 1, NULL, 7, "", NULL },
	{ "get -F a -F b --file=c pods", 0, 0, "get", "pods", 0, 0, 1, NULL, -1, "a|b|c", NULL },
	{ "get pods -- -A", 0, 0, "get", "pods|-A", 0, 0, 1, NULL, -1, "", NULL },
	{ "get pods -", 0, 0, "get", "pods|-", 0, 0, 1, NULL, -1, "", NULL },
	{ "get -n ns pods --context=c", 0, 0, "get", "pods", 0, 0, 1, NULL, -1, "", NULL },
	{ "get pods -h", 0, 1, "get", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "get --bogus -h", 0, 1, "get", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "cfg view", 0, 0, "cfg view", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "cfg vie", 0, 0, "cfg view", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "cfg --context x view", 0, 0, "cfg view", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "cfg -h", 0, 1, "cfg", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "grp view", 0, 0, "grp view", "", 0, 0, 1, NULL, -1, "", NULL },
	{ "grp vie", 0, 0, "grp", "vie", 0, 0, 1, NULL, -1, "", NULL },
	/* errors */
	{ "get", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "missing" },
	{ "get a b c", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "too many" },
	{ "getall x", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "takes no arguments" },
	{ "get pods --bogus", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "unknown flag: --bogus" },
	{ "get pods -Z", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "unknown flag: -Z" },
	{ "get pods -o", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "needs an argument" },
	{ "get pods --output", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "needs an argument" },
	{ "get pods -o blue", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "invalid value \"blue\"" },
	{ "get pods --tail=x", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "not an integer" },
	{ "get pods --wait=maybe", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "not a boolean" },
	{ "nosuch", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "unknown command" },
	{ "ge", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "ambiguous" },
	{ "cfg", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "needs a subcommand" },
	{ "cfg v", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "unknown cfg subcommand" },
	{ "cfg view extra", -1, 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL, "takes no arguments" },
};

static void joined(struct strbuf *sb, const char *const *v, int n)
{
	for (int i = 0; (n < 0 ? v[i] != NULL : i < n); i++)
		strbuf_addf(sb, "%s%s", i ? "|" : "", v[i]);
}

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pcases); i++) {
		const struct pcase *c = &pcases[i];
		struct kerr err = { 0 };
		struct cmd_args *a = NULL;
		char **argv;
		int argc, help = -1, rc;
		struct strbuf sb = STRBUF_INIT;

		assert_int_equal(cmd_split_line(c->line, &argc, &argv, NULL), 0);
		rc = cmd_parse(t_table, argc, argv, &a, &help, &err);
		if (rc != c->rc)
			fail_msg("parse(%s) = %d (%s), want %d", c->line, rc, err.msg, c->rc);
		if (rc < 0) {
			assert_int_equal(err.kind, KERR_USAGE);
			if (!strstr(err.msg, c->errpart))
				fail_msg("parse(%s): error \"%s\" lacks \"%s\"", c->line, err.msg, c->errpart);
			assert_null(a);
			cmd_argv_free(argv);
			continue;
		}
		assert_int_equal(help, c->help);
		assert_string_equal(a->path, c->path);
		if (!c->help) {
			joined(&sb, (const char *const *)a->argv, a->argc);
			if (strcmp(sb.buf, c->pos))
				fail_msg("parse(%s): positionals %s, want %s", c->line, sb.buf, c->pos);
			strbuf_reset(&sb);
			if (a->entry == &t_get) {
				assert_int_equal(cmd_opt_bool(a, "all-namespaces"), c->all);
				assert_int_equal(cmd_opt_bool(a, "follow"), c->follow);
				assert_int_equal(cmd_opt_bool(a, "wait"), c->wait);
				if (c->output)
					assert_string_equal(cmd_opt_str(a, "output"), c->output);
				else
					assert_null(cmd_opt_str(a, "output"));
				assert_int_equal(cmd_opt_int(a, "tail"), c->tail);
				joined(&sb, cmd_opt_list(a, "file", NULL), -1);
				assert_string_equal(sb.buf, c->files);
				assert_int_equal(cmd_opt_given(a, "tail"), c->tail != -1);
				if (strstr(c->line, "-n ns"))
					assert_string_equal(cmd_opt_str(a, "namespace"), "ns");
				if (strstr(c->line, "--context=c"))
					assert_string_equal(cmd_opt_str(a, "context"), "c");
			}
		}
		strbuf_release(&sb);
		cmd_args_free(a);
		cmd_argv_free(argv);
	}
}

static void test_lookup(void **state)
{
	int amb = 0;

	(void)state;
	assert_ptr_equal(cmd_lookup(t_table, "get", &amb), &t_get);
	assert_ptr_equal(cmd_lookup(t_table, "g", &amb), &t_get);          /* alias before prefix */
	assert_ptr_equal(cmd_lookup(t_table, "geta", &amb), &t_getall);
	assert_null(cmd_lookup(t_table, "ge", &amb));
	assert_int_equal(amb, 1);
	assert_null(cmd_lookup(t_table, "zzz", &amb));
	assert_int_equal(amb, 0);
	assert_null(cmd_lookup(t_table, "", &amb));
	/* the real table: every entry is reachable by its name and has help */
	for (size_t i = 0; cmd_table[i]; i++) {
		struct strbuf sb = STRBUF_INIT;

		assert_ptr_equal(cmd_lookup(cmd_table, cmd_table[i]->name, NULL), cmd_table[i]);
		assert_non_null(cmd_table[i]->summary);
		cmd_help(&sb, cmd_table[i], cmd_table[i]->name);
		assert_non_null(strstr(sb.buf, "usage: kurator "));
		strbuf_release(&sb);
	}
}

static void test_help_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	cmd_help(&sb, &t_get, "get");
	assert_non_null(strstr(sb.buf, "usage: kurator get A [B]"));
	assert_non_null(strstr(sb.buf, "-A, --all-namespaces"));
	assert_non_null(strstr(sb.buf, "--output FMT"));
	assert_non_null(strstr(sb.buf, "(red|green)"));
	assert_non_null(strstr(sb.buf, "[default: true]"));
	assert_non_null(strstr(sb.buf, "(repeatable)"));
	assert_non_null(strstr(sb.buf, "Global options:"));
	strbuf_reset(&sb);
	cmd_help(&sb, &t_cfg, "cfg");
	assert_non_null(strstr(sb.buf, "usage: kurator cfg SUBCOMMAND"));
	assert_non_null(strstr(sb.buf, "Subcommands:"));
	assert_non_null(strstr(sb.buf, "vanish"));
	strbuf_release(&sb);
}

/* ---- history redaction ------------------------------------------------------------ */

static void test_redact(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "get pods -n x", "get pods -n x" },
		{ "get pods  -n   x", "get pods  -n   x" },   /* kept as typed */
		{ "join edge --token abc123", "join edge --token <redacted>" },
		{ "join edge --token=abc123 -n x", "join edge --token=<redacted> -n x" },
		{ "bootstrap --password 'p w'", "bootstrap --password <redacted>" },
		{ "x --client-key=/tmp/k.pem", "x --client-key=<redacted>" },
		{ "install a --set adminPassword=hunter2 --set replicas=2",
		  "install a --set adminPassword=<redacted> --set replicas=2" },
		{ "install a --set=api.token=zzz", "install a --set=api.token=<redacted>" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *r = history_redact(cases[i].in);

		if (strcmp(r, cases[i].out))
			fail_msg("redact(%s) = %s, want %s", cases[i].in, r, cases[i].out);
		free(r);
	}
	/* whatever log_redact catches stays caught */
	char *r = history_redact("curl -H 'Authorization: Bearer sekrit'");

	assert_null(strstr(r, "sekrit"));
	free(r);
	r = history_redact("x --client-key-data=QUJDREVGR0g");
	assert_null(strstr(r, "QUJDREVGR0g"));
	free(r);
}

/* ---- completion from the real table (no cluster needed) ------------------------------- */

static void test_complete(void **state)
{
	static const struct { const char *before; const char *want; int files; int absent; } cases[] = {
		{ "ge", "get", 0, 0 },
		{ "", "describe", 0, 0 },
		{ "get pods --all-n", "--all-namespaces", 0, 0 },
		{ "get pods --all-c", "--all-clusters", 0, 0 },
		{ "get pods -o ", "yaml", 0, 0 },
		{ "get pods -o j", "json", 0, 0 },
		{ "get pods --output=ya", "yaml", 0, 0 },
		{ "get pods --kube", "--kubeconfig", 0, 0 },
		{ "apply -f ", NULL, 1, 0 },
		{ "apply --filename=", NULL, 1, 0 },
		{ "demo s", "stop", 0, 0 },
		{ "demo s", "status", 0, 0 },
		{ "help ge", "get", 0, 0 },
		{ "logs x --tail ", NULL, 0, 1 },
		{ "nosuchcmd ", NULL, 0, 1 },
		{ "get 'unterminated", NULL, 0, 1 },
	};
	struct session *s = session_new(SESSION_SHELL);

	(void)state;
	session_set_globals(s, "/nonexistent/kubeconfig", NULL, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int files = -1, found = 0;
		char **c = complete_candidates(s, cases[i].before, &files);

		assert_int_equal(files, cases[i].files);
		for (size_t k = 0; c && c[k]; k++)
			if (cases[i].want && !strcmp(c[k], cases[i].want))
				found = 1;
		if (cases[i].want && !found)
			fail_msg("complete(%s) lacks %s", cases[i].before, cases[i].want);
		if (cases[i].absent && c && c[0])
			fail_msg("complete(%s) offers %s", cases[i].before, c[0]);
		cmd_argv_free(c);
	}
	complete_shutdown();
	session_free(s);
}

/* ---- output ------------------------------------------------------------------------------ */

static void test_table(void **state)
{
	static const char *const h[] = { "NAME", "STATUS", "AGE" };
	static const char *const r1[] = { "web-1", "Running", "5s" };
	static const char *const r2[] = { "a-much-longer-name", NULL, "3m" };
	struct out_table *t = out_table_new(3, h);
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	out_table_add(t, r1);
	out_table_add(t, r2);
	assert_int_equal(out_table_rows(t), 2);
	out_table_render(t, &sb, 0);
	assert_string_equal(sb.buf,
		"NAME                 STATUS    AGE\n"
		"web-1                Running   5s\n"
		"a-much-longer-name   <none>    3m\n");
	strbuf_reset(&sb);
	out_table_render(t, &sb, 1);
	assert_string_equal(sb.buf,
		"web-1                Running   5s\n"
		"a-much-longer-name   <none>    3m\n");
	strbuf_release(&sb);
	out_table_free(t);
}

static void test_age(void **state)
{
	static const struct { long s; const char *want; } cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 119, "119s" }, { 120, "2m" }, { 125, "2m5s" },
		{ 600, "10m" }, { 10799, "179m" }, { 10800, "3h" }, { 11100, "3h5m" },
		{ 8 * 3600, "8h" }, { 47 * 3600, "47h" }, { 50 * 3600, "2d2h" }, { 48 * 3600, "2d" },
		{ 9L * 86400, "9d" }, { 800L * 86400, "2y70d" }, { 9L * 365 * 86400, "9y" }, { -5, "<invalid>" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[32];

		out_age(buf, sizeof(buf), cases[i].s);
		if (strcmp(buf, cases[i].want))
			fail_msg("age(%ld) = %s, want %s", cases[i].s, buf, cases[i].want);
	}
}

static void test_name(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	enum out_format f;

	(void)state;
	out_name(&sb, "Deployment", "apps", "web");
	out_name(&sb, "Pod", "", "p");
	assert_string_equal(sb.buf, "deployment.apps/web\npod/p\n");
	strbuf_release(&sb);
	assert_int_equal(out_parse_format("wide", &f, NULL), 0);
	assert_int_equal(f, OUT_WIDE);
	assert_int_equal(out_parse_format(NULL, &f, NULL), 0);
	assert_int_equal(f, OUT_DEFAULT);
	assert_int_equal(out_parse_format("xml", &f, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
