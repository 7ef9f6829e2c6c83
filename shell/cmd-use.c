/* cmd-use.c - `use CONTEXT [-n NS]`: the session's target cluster and
 * namespace. Only the session changes; the kubeconfig file does not
 * (that is `config use-context`). */
#include "backends/kube/kubeconfig.h"
#include "shell/cmd.h"
#include "shell/session.h"

static int exec_use(struct session *s, struct cmd_args *a, struct kerr *err)
{
	const char *ns = cmd_opt_str(a, "namespace");
	const char *ctx = a->argc ? a->argv[0] : NULL;

	if (!ctx && !ns) {
		const char *cur = session_context(s);

		if (!cur) {
			kerr_set(err, KERR_NOTFOUND, "no current context");
			return kerr_hint(err, "use CONTEXT, or start `kurator demo`");
		}
		session_out(s, "%s (namespace %s)\n", cur, session_namespace(s));
		return 0;
	}
	if (session_use(s, ctx, ns, err) < 0)
		return -1;
	session_out(s, "using %s, namespace %s\n", session_context(s), session_namespace(s));
	return 0;
}

static const struct cmd_pos use_pos[] = {
	{ .name = "CONTEXT", .comp = COMP_CONTEXT },
	{ 0 },
};

const struct cmd_entry cmd_use_entry = {
	.name = "use",
	.usage = "[CONTEXT] [-n NS]",
	.summary = "choose the cluster (context) and namespace this session works on",
	.help = "Without arguments, shows the current context and namespace. The kubeconfig\n"
		"file is not changed (see `config use-context` for that).",
	.args = use_pos,
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_F_MAIN | CMD_F_KUBECONFIG,
	.exec = exec_use,
};
