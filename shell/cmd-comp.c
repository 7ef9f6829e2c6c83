/* cmd-comp.c - the shared body of install/upgrade/uninstall/status/plan. */
#include "shell/cmd-comp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/components/engine.h"
#include "backends/kube/kubeconfig.h"
#include "lib/jsonx.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"
#include "shell/output.h"

static const char *const output_choices[] = { "text", "json", "yaml", NULL };

#define OPT_OUTPUT { 'o', "output", CMD_OPT_STRING, "FORMAT", "output format", \
		     COMP_CHOICES, output_choices, "text" }
#define OPT_CLUSTERS { 0, "clusters", CMD_OPT_STRING, "A,B", \
		       "target these contexts (comma-separated) instead of --context", \
		       COMP_CONTEXT, NULL, NULL }
#define OPT_TIMEOUT { 0, "timeout", CMD_OPT_STRING, "DURATION", \
		      "give up waiting for readiness after this long (90s, 5m)", COMP_NONE, NULL, "5m" }
#define OPT_MIRROR { 0, "mirror", CMD_OPT_STRING, "DIR", \
		     "read release files from DIR (searched by name, sha256-checked); also $KURATOR_MIRROR", \
		     COMP_FILE, NULL, NULL }
#define OPT_RECIPES { 0, "recipes", CMD_OPT_STRING, "DIR", \
		      "use the recipes in DIR instead of the built-in ones", COMP_FILE, NULL, NULL }
#define OPT_VERSION { 0, "version", CMD_OPT_STRING, "V", "component version (default: the newest recipe)", \
		      COMP_NONE, NULL, NULL }
#define OPT_SET { 0, "set", CMD_OPT_LIST, "NAME=VALUE", "set a recipe parameter", \
		  COMP_NONE, NULL, NULL }
#define OPT_DRY { 0, "dry-run", CMD_OPT_BOOL, NULL, "change nothing; show what would happen", \
		  COMP_NONE, NULL, NULL }
#define OPT_END { 0, NULL, 0, NULL, NULL, COMP_NONE, NULL, NULL }

const struct cmd_opt comp_opts_install[] = {
	OPT_VERSION, OPT_SET, OPT_CLUSTERS, OPT_TIMEOUT, OPT_DRY, OPT_MIRROR, OPT_RECIPES,
	{ 0, "adopt", CMD_OPT_BOOL, NULL,
	  "take over a copy that was installed without kurator", COMP_NONE, NULL, NULL },
	OPT_OUTPUT, OPT_END,
};
const struct cmd_opt comp_opts_upgrade[] = {
	OPT_VERSION, OPT_SET, OPT_CLUSTERS, OPT_TIMEOUT, OPT_DRY, OPT_MIRROR, OPT_RECIPES,
	{ 0, "purge-crds", CMD_OPT_BOOL, NULL,
	  "also delete CRDs the new version no longer has (and their objects)", COMP_NONE, NULL, NULL },
	OPT_OUTPUT, OPT_END,
};
const struct cmd_opt comp_opts_uninstall[] = {
	OPT_CLUSTERS, OPT_TIMEOUT, OPT_DRY, OPT_RECIPES,
	{ 0, "purge-crds", CMD_OPT_BOOL, NULL,
	  "also delete the CRDs, and with them every object of their kinds", COMP_NONE, NULL, NULL },
	OPT_OUTPUT, OPT_END,
};
const struct cmd_opt comp_opts_status[] = {
	OPT_CLUSTERS, OPT_RECIPES, OPT_OUTPUT, OPT_END,
};
const struct cmd_opt comp_opts_plan[] = {
	OPT_VERSION, OPT_SET, OPT_CLUSTERS, OPT_MIRROR, OPT_RECIPES,
	{ 0, "purge-crds", CMD_OPT_BOOL, NULL, "plan CRD removals too", COMP_NONE, NULL, NULL },
	OPT_OUTPUT, OPT_END,
};
const struct cmd_pos comp_pos_name[] = {
	{ "NAME", COMP_COMPONENT, NULL, NULL },
	{ NULL, COMP_NONE, NULL, NULL },
};

long comp_parse_duration(const char *s)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		return (long)(v * 1000);
	if (!strcmp(end, "ms"))
		return (long)v;
	if (!strcmp(end, "m"))
		return (long)(v * 60000);
	if (!strcmp(end, "h"))
		return (long)(v * 3600000);
	return -1;
}

/* ---- text output ---------------------------------------------------------- */

static const char *obj_name(const json_t *o, char *buf, size_t size)
{
	const char *ns = jx_str_or(o, "namespace", "");

	if (*ns)
		snprintf(buf, size, "%s %s/%s", jx_str_or(o, "kind", ""), ns, jx_str_or(o, "name", ""));
	else
		snprintf(buf, size, "%s %s", jx_str_or(o, "kind", ""), jx_str_or(o, "name", ""));
	return buf;
}

static void print_plan(struct session *s, const json_t *r)
{
	json_t *changes = json_object_get(r, "changes"), *c, *l;
	const json_t *sum = json_object_get(r, "summary");
	const char *from = jx_str(r, "from");
	size_t i, k;

	session_out(s, "plan: %s %s on %s%s%s%s\n", jx_str_or(r, "component", ""),
		    jx_str_or(r, "version", ""), jx_str_or(r, "cluster", ""),
		    from ? " (installed: " : "", from ? from : "", from ? ")" : "");
	json_array_foreach(changes, i, c) {
		const char *act = jx_str_or(c, "action", "");
		char name[320];

		if (!strcmp(act, "unchanged"))
			continue;
		session_out(s, "  %c %-7s %s%s\n",
			    !strcmp(act, "create") ? '+' : !strcmp(act, "update") ? '~' :
			    !strcmp(act, "delete") ? '-' : '=',
			    act, obj_name(c, name, sizeof name),
			    jx_bool(c, "adopt", 0) ? " (exists, not kurator's: adopt)" : "");
		json_array_foreach(json_object_get(c, "diff"), k, l)
			session_out(s, "        %s\n", json_string_value(l));
	}
	session_out(s, "%lld to create, %lld to update, %lld unchanged, %lld to delete\n",
		    (long long)jx_int(sum, "create", 0), (long long)jx_int(sum, "update", 0),
		    (long long)jx_int(sum, "unchanged", 0), (long long)jx_int(sum, "delete", 0));
}

static void print_status(struct session *s, const json_t *r)
{
	const char *comp = jx_str_or(r, "component", ""), *cl = jx_str_or(r, "cluster", "");
	const char *by = jx_str(r, "managedBy"), *ver = jx_str(r, "version"), *st = jx_str(r, "state");
	json_t *o;
	size_t i, notready = 0;

	if (!jx_bool(r, "present", 0)) {
		if (jx_int(r, "crdsKept", 0))
			session_out(s, "%s on %s: not installed (%lld CRDs kept from an earlier install; "
				    "`uninstall %s --purge-crds` removes them)\n", comp, cl,
				    (long long)jx_int(r, "crdsKept", 0), comp);
		else
			session_out(s, "%s on %s: not installed\n", comp, cl);
		return;
	}
	session_out(s, "%s on %s: %s%s%s%s, %s\n", comp, cl,
		    by && !strcmp(by, "kurator") ? "installed by kurator" : "installed, not by kurator",
		    ver ? ", version " : "", ver ? ver : "",
		    st && strcmp(st, "installed") ? (!strcmp(st, "installing") ? " (install unfinished)" :
						      !strcmp(st, "upgrading") ? " (upgrade unfinished)" :
						      " (uninstall unfinished)") : "",
		    jx_bool(r, "ready", 0) ? "ready" : "NOT READY");
	if (st && strcmp(st, "installed"))
		session_out(s, "  state: %s (run the command again to finish it)\n", st);
	{
		static const char *const hdr[] = { "READY", "OBJECT", "STATUS" };
		struct out_table *t = out_table_new(3, hdr);
		struct strbuf sb = STRBUF_INIT;

		json_array_foreach(json_object_get(r, "objects"), i, o) {
			char name[320];
			const char *row[3];

			if (!jx_bool(o, "ready", 0))
				notready++;
			row[0] = jx_bool(o, "ready", 0) ? "yes" : "no";
			row[1] = obj_name(o, name, sizeof name);
			row[2] = jx_str_or(o, "message", "");
			out_table_add(t, row);
		}
		json_array_foreach(json_object_get(r, "checks"), i, o) {
			const char *row[3] = { jx_bool(o, "ready", 0) ? "yes" : "no",
					       jx_str_or(o, "description", ""),
					       jx_str_or(o, "message", "") };

			if (!jx_bool(o, "ready", 0))
				notready++;
			out_table_add(t, row);
		}
		if (out_table_rows(t)) {
			out_table_render(t, &sb, 0);
			session_write(s, sb.buf, sb.len, 0);
		}
		strbuf_release(&sb);
		out_table_free(t);
	}
	if (notready)
		session_out(s, "%zu not ready\n", notready);
}

static void print_result(struct session *s, enum comp_op op, const json_t *r, int dry)
{
	const char *comp = jx_str_or(r, "component", ""), *cl = jx_str_or(r, "cluster", "");
	json_t *e;
	size_t i;

	switch (op) {
	case COMP_PLAN:
		print_plan(s, r);
		return;
	case COMP_INSTALL:
	case COMP_UPGRADE:
		if (dry) {
			print_plan(s, r);
			return;
		}
		session_out(s, "%s %s %s on %s: %lld created, %lld configured, %lld unchanged%s (%.1fs)\n",
			    comp, jx_str_or(r, "version", ""), op == COMP_INSTALL ? "installed" : "upgraded",
			    cl, (long long)jx_int(r, "created", 0), (long long)jx_int(r, "updated", 0),
			    (long long)jx_int(r, "unchanged", 0),
			    jx_int(r, "pruned", 0) ? ", some removed" : "",
			    (double)jx_int(r, "elapsedMs", 0) / 1000.0);
		if (jx_int(r, "adopted", 0))
			session_out(s, "  adopted %lld objects that existed before (uninstall leaves them)\n",
				    (long long)jx_int(r, "adopted", 0));
		return;
	case COMP_UNINSTALL:
		if (!jx_str(r, "version")) {
			session_out(s, "%s on %s: not installed, nothing to do\n", comp, cl);
			return;
		}
		if (dry) {
			session_out(s, "uninstall %s %s on %s would:\n", comp, jx_str(r, "version"), cl);
			json_array_foreach(json_object_get(r, "deleted"), i, e)
				session_out(s, "  - delete  %s\n", json_string_value(e));
		} else {
			session_out(s, "%s %s removed from %s: %zu objects deleted\n", comp,
				    jx_str(r, "version"), cl, json_array_size(json_object_get(r, "deleted")));
		}
		json_array_foreach(json_object_get(r, "kept"), i, e)
			session_out(s, "  kept %s (--purge-crds removes it)\n", json_string_value(e));
		json_array_foreach(json_object_get(r, "released"), i, e)
			session_out(s, "  left %s in place (it existed before kurator)\n",
				    json_string_value(e));
		return;
	case COMP_STATUS:
	case COMP_DETECT:
		print_status(s, r);
		return;
	}
}

static void print_structured(struct session *s, const json_t *v, const char *fmt)
{
	struct strbuf sb = STRBUF_INIT;

	if (!strcmp(fmt, "yaml"))
		out_yaml(&sb, v);
	else
		out_json(&sb, v);
	session_write(s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

/* ---- running ---------------------------------------------------------------- */

struct target {
	char *context;
	struct kube_client *kc;
};

static int targets_of(struct session *s, struct cmd_args *a, struct target **out, size_t *n,
		      struct kerr *err)
{
	const char *list = cmd_opt_str(a, "clusters");
	struct target *t = NULL;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (list && *list) {
		char *copy = xstrdup(list), *save = NULL, *tok;

		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			while (isspace((unsigned char)*tok))
				tok++;
			if (!*tok)
				continue;
			t = xrealloc(t, (cnt + 1) * sizeof *t);
			t[cnt].context = xstrdup(tok);
			if (session_client(s, tok, &t[cnt].kc, err)) {
				free(t[cnt].context);
				for (size_t i = 0; i < cnt; i++)
					free(t[i].context);
				free(t);
				free(copy);
				return -1;
			}
			cnt++;
		}
		free(copy);
		if (!cnt)
			return kerr_set(err, KERR_USAGE, "--clusters needs at least one context");
	} else {
		if (!a->client)
			return kerr_set(err, KERR_USAGE, "no target cluster: give --context or --clusters");
		t = xcalloc(1, sizeof *t);
		t[0].context = xstrdup(a->context ? a->context : "");
		t[0].kc = a->client;
		cnt = 1;
	}
	*out = t;
	*n = cnt;
	return 0;
}

int comp_cmd_exec(struct session *s, struct cmd_args *a, enum comp_op op, struct kerr *err)
{
	const char *fmt = cmd_opt_str(a, "output") ? cmd_opt_str(a, "output") : "text";
	struct recipe_set *recipes = NULL;
	struct comp_opts opts = { 0 };
	struct target *targets = NULL;
	const struct component_ops *const *comps;
	const struct component_ops *one[2] = { NULL, NULL };
	size_t ntargets = 0, ncomps = 0, nruns = 0, nsets = 0;
	struct comp_run *runs = NULL;
	json_t *all = json_array();
	int rc = 0, dry = cmd_opt_bool(a, "dry-run");

	if (a->argc > 0) {
		if (component_lookup(a->argv[0], &one[0], err)) {
			json_decref(all);
			return -1;
		}
		comps = one;
	} else {
		comps = component_all();   /* status without a name: every component */
	}
	while (comps[ncomps])
		ncomps++;
	if (cmd_opt_given(a, "timeout")) {
		opts.timeout_ms = comp_parse_duration(cmd_opt_str(a, "timeout"));
		if (opts.timeout_ms <= 0) {
			json_decref(all);
			return kerr_set(err, KERR_USAGE, "--timeout %s: expected a duration like 90s or 5m",
					cmd_opt_str(a, "timeout"));
		}
	}
	opts.version = cmd_opt_str(a, "version");
	opts.sets = cmd_opt_list(a, "set", &nsets);
	opts.nsets = nsets;
	opts.dry_run = dry;
	opts.purge_crds = cmd_opt_bool(a, "purge-crds");
	opts.adopt = cmd_opt_bool(a, "adopt");
	opts.mirror = cmd_opt_str(a, "mirror");

	if (recipe_set_load(cmd_opt_str(a, "recipes"), &recipes, err) ||
	    targets_of(s, a, &targets, &ntargets, err)) {
		recipe_set_free(recipes);
		json_decref(all);
		return -1;
	}
	runs = xcalloc(ntargets * ncomps, sizeof *runs);
	for (size_t t = 0; t < ntargets; t++)
		for (size_t c = 0; c < ncomps; c++) {
			struct comp_run *r = &runs[nruns++];

			r->op = op;
			r->ops = comps[c];
			r->opts = &opts;
			r->recipes = recipes;
			r->kc = targets[t].kc;
			r->cluster = targets[t].context;
		}
	/* One job per cluster and component; they run side by side and the
	 * session renders their progress. */
	{
		struct job **jobs = xcalloc(nruns, sizeof *jobs);

		for (size_t i = 0; i < nruns; i++) {
			char name[128];

			snprintf(name, sizeof name, "%s %s", comp_op_name(op), runs[i].ops->name);
			jobs[i] = job_start(session_evq(s), name, runs[i].cluster, comp_run_job, &runs[i],
					    NULL);
		}
		for (size_t i = 0; i < nruns; i++) {
			struct kerr jerr = { 0 };

			session_run_job(s, jobs[i], &jerr);
		}
		free(jobs);
	}
	for (size_t i = 0; i < nruns; i++) {
		if (runs[i].rc) {
			if (rc == 0)
				*err = runs[i].err;
			else
				session_error(s, &runs[i].err);
			rc = -1;
			continue;
		}
		if (!strcmp(fmt, "text")) {
			/* `status` without a name lists only what is there. */
			if (a->argc == 0 && !jx_bool(runs[i].result, "present", 0))
				continue;
			print_result(s, op, runs[i].result, dry);
		} else {
			json_array_append(all, runs[i].result);
		}
	}
	if (strcmp(fmt, "text"))
		print_structured(s, json_array_size(all) == 1 && nruns == 1 ? json_array_get(all, 0) : all,
				 fmt);
	else if (a->argc == 0 && rc == 0) {
		int any = 0;

		for (size_t i = 0; i < nruns; i++)
			any |= jx_bool(runs[i].result, "present", 0);
		if (!any)
			session_out(s, "no components installed\n");
	}
	for (size_t i = 0; i < nruns; i++)
		comp_run_release(&runs[i]);
	free(runs);
	for (size_t t = 0; t < ntargets; t++)
		free(targets[t].context);
	free(targets);
	recipe_set_free(recipes);
	json_decref(all);
	return rc;
}
