/* cmd-config.c - `config get-contexts|view|current-context|use-context`:
 * kubectl's `config` subcommands, same output byte for byte.
 *
 * Like kubectl, every subcommand reads the kubeconfig files afresh (another
 * program may have changed them) and a missing --kubeconfig file is an
 * empty config here rather than an error.
 */
#include <string.h>

#include "backends/kube/kubeconfig.h"
#include "lib/strbuf.h"
#include "shell/cmd.h"
#include "shell/session.h"

/* The file list this line means: --kubeconfig, else the session's. */
static const char *kc_path(struct session *s, struct cmd_args *a)
{
	const char *p = cmd_opt_str(a, "kubeconfig");

	if (p && *p)
		return p;
	if (a->kubeconfig_path && *a->kubeconfig_path)
		return a->kubeconfig_path;
	return session_kubeconfig_path(s);
}

static int load(struct session *s, struct cmd_args *a, struct kubeconfig **kc, struct kerr *err)
{
	return kubeconfig_load_lenient(kc_path(s, a), kc, err);
}

static void emit(struct session *s, struct strbuf *sb)
{
	if (sb->len)
		session_write(s, sb->buf, sb->len, 0);
	/* a raw view holds credentials */
	if (sb->alloc)
		memset(sb->buf, 0, sb->alloc);
	strbuf_release(sb);
}

/* ---- get-contexts ----------------------------------------------------------- */

static const char *const name_choice[] = { "name", NULL };

static const struct cmd_opt get_contexts_opts[] = {
	{ 'o', "output", CMD_OPT_STRING, "FORMAT", "name: context names only", COMP_CHOICES,
	  name_choice, NULL },
	{ 0, "no-headers", CMD_OPT_BOOL, NULL, "leave out the header line", COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_pos context_pos[] = {
	{ "CONTEXT", COMP_CONTEXT, NULL, NULL },
	{ NULL, COMP_NONE, NULL, NULL }
};

static int exec_get_contexts(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct kubeconfig *kc;
	struct strbuf sb = STRBUF_INIT;
	const char *o = cmd_opt_str(a, "output");
	int rc;

	if (load(s, a, &kc, err) < 0)
		return -1;
	rc = kubeconfig_get_contexts_text(kc, (const char *const *)a->argv, cmd_opt_bool(a, "no-headers"),
					  o && !strcmp(o, "name"), &sb, err);
	emit(s, &sb);
	kubeconfig_free(kc);
	return rc;
}

static const struct cmd_entry get_contexts_entry = {
	.name = "get-contexts",
	.usage = "[CONTEXT...] [-o name] [--no-headers]",
	.summary = "list the kubeconfig's contexts (the current one starred)",
	.help = "Columns CURRENT NAME CLUSTER AUTHINFO NAMESPACE, as kubectl prints them.",
	.opts = get_contexts_opts,
	.args = context_pos,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_F_READONLY,
	.exec = exec_get_contexts,
};

/* ---- view ------------------------------------------------------------------- */

static const char *const view_formats[] = { "yaml", "json", NULL };

static const struct cmd_opt view_opts[] = {
	{ 'o', "output", CMD_OPT_STRING, "FORMAT", "yaml or json", COMP_CHOICES, view_formats, "yaml" },
	{ 0, "raw", CMD_OPT_BOOL, NULL, "show certificates, keys, tokens and passwords", COMP_NONE, NULL, NULL },
	{ 0, "minify", CMD_OPT_BOOL, NULL, "only the current context (or --context) and what it uses",
	  COMP_NONE, NULL, NULL },
	{ 0, "flatten", CMD_OPT_BOOL, NULL, "inline the certificate and key files as data (implies --raw)",
	  COMP_NONE, NULL, NULL },
	{ 0 }
};

static int exec_view(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct kubeconfig *kc;
	struct strbuf sb = STRBUF_INIT;
	const char *ctx = cmd_opt_str(a, "context");
	int rc;

	if (load(s, a, &kc, err) < 0)
		return -1;
	/* kubectl's --minify follows --context when it is given */
	rc = 0;
	if (cmd_opt_bool(a, "minify") && ctx && *ctx)
		kubeconfig_set_current(kc, ctx);
	if (!rc)
		rc = kubeconfig_view_text(kc, cmd_opt_str(a, "output"),
					  (cmd_opt_bool(a, "raw") ? KC_VIEW_RAW : 0) |
					  (cmd_opt_bool(a, "minify") ? KC_VIEW_MINIFY : 0) |
					  (cmd_opt_bool(a, "flatten") ? KC_VIEW_FLATTEN : 0), &sb, err);
	emit(s, &sb);
	kubeconfig_free(kc);
	return rc;
}

static const struct cmd_entry view_entry = {
	.name = "view",
	.usage = "[-o yaml|json] [--raw] [--minify] [--flatten]",
	.summary = "print the merged kubeconfig as kubectl config view does",
	.help = "Secrets show as DATA+OMITTED or REDACTED unless --raw is given.",
	.opts = view_opts,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_F_READONLY,
	.exec = exec_view,
};

/* ---- current-context -------------------------------------------------------- */

static int exec_current_context(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct kubeconfig *kc;
	const char *cur;
	int rc = 0;

	if (load(s, a, &kc, err) < 0)
		return -1;
	cur = kubeconfig_current_context(kc);
	if (cur && *cur)
		session_out(s, "%s\n", cur);
	else
		rc = kerr_set(err, KERR_NOTFOUND, "current-context is not set");
	kubeconfig_free(kc);
	return rc;
}

static const struct cmd_entry current_context_entry = {
	.name = "current-context",
	.usage = "",
	.summary = "print the kubeconfig's current-context",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_F_READONLY,
	.exec = exec_current_context,
};

/* ---- use-context -------------------------------------------------------------- */

static const struct cmd_pos use_pos[] = {
	{ "CONTEXT", COMP_CONTEXT, NULL, NULL },
	{ NULL, COMP_NONE, NULL, NULL }
};

static int exec_use_context(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct kubeconfig *kc;
	const char *ctx = a->argv[0], *sp = session_kubeconfig_path(s), *p = kc_path(s, a);
	int rc;

	if (load(s, a, &kc, err) < 0)
		return -1;
	rc = kubeconfig_use_context(kc, ctx, err);
	kubeconfig_free(kc);
	if (rc < 0)
		return -1;
	session_out(s, "Switched to context \"%s\".\n", ctx);
	/* the session follows when it reads the same files */
	if ((!p && !sp) || (p && sp && !strcmp(p, sp))) {
		struct kerr ignored = { 0 };
		session_use(s, ctx, NULL, &ignored);
	}
	return 0;
}

static const struct cmd_entry use_context_entry = {
	.name = "use-context",
	.alias = "use",
	.usage = "CONTEXT",
	.summary = "set current-context in the kubeconfig file kubectl would change",
	.help = "Writes the --kubeconfig file, else the first existing file of $KUBECONFIG,\n"
		"else ~/.kube/config (mode 0600), and switches this session to CONTEXT.",
	.args = use_pos,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_F_MAIN,
	.exec = exec_use_context,
};

/* ---- the group ---------------------------------------------------------------- */

static const struct cmd_entry *const config_subcmds[] = {
	&current_context_entry,
	&get_contexts_entry,
	&use_context_entry,
	&view_entry,
	NULL
};

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "get-contexts|view|current-context|use-context ...",
	.summary = "read and change kubeconfig files as kubectl config does",
	.subcmds = config_subcmds,
	.min_args = 0,
	.max_args = -1,
};
