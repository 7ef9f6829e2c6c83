/* cmd-get.c - `get KIND [NAME...]`: kubectl get on one cluster, or on every
 * cluster of the kubeconfig with --all-clusters (a CLUSTER column).
 *
 * Default output is the server's Table (the apiserver's columns, like
 * kubectl); -o json/yaml print what kubectl prints (a List with kind and
 * apiVersion on every item, keys sorted as Go's encoder sorts map keys);
 * -o name streams metadata-only pages, so 10k+ objects never sit in memory
 * as full objects.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kube/client.h"
#include "backends/kube/kubeconfig.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/output.h"
#include "shell/session.h"

struct get_req {
	struct session *s;
	struct cmd_args *a;
	enum out_format fmt;
	const char *kind;
	const char *const *names;
	int nnames;
	int all_ns;
	const char *label_sel, *field_sel;
	int no_headers;
	/* accumulated over clusters */
	json_t *items;               /* -o json/yaml */
	struct out_table *table;     /* default/wide */
	const json_t *table_cols;    /* the first Table's (owned by `first_table`) */
	json_t *first_table;
	struct strbuf out;           /* -o name, flushed per page */
	long count;
	json_t *tables;              /* per-cluster jobs: Tables kept, not printed */
};

static char *api_version_of(const struct kube_resource *r)
{
	return *r->group ? xasprintf("%s/%s", r->group, r->version) : xstrdup(r->version);
}

static void add_item(struct get_req *g, const struct kube_resource *r, json_t *item)
{
	json_t *copy = json_incref(item);   /* the caller's, changed in place */
	char *av = api_version_of(r);

	/* list items come without kind/apiVersion; kubectl fills them in */
	if (!jx_kind(copy) || !strcmp(jx_kind(copy), "PartialObjectMetadata")) {
		jx_set_str(copy, "kind", r->kind);
		jx_set_str(copy, "apiVersion", av);
	}
	free(av);
	/* kubectl hides them unless --show-managed-fields */
	if (!cmd_opt_bool(g->a, "show-managed-fields"))
		jx_del(copy, "metadata.managedFields");
	json_array_append_new(g->items, copy);
	g->count++;
}

struct names_ctx {
	struct get_req *g;
	const struct kube_resource *r;
	const char *cluster;
};

static int names_each(json_t *item, void *arg)
{
	struct names_ctx *n = arg;
	struct get_req *g = n->g;

	if (g->a->all_clusters)
		strbuf_addf(&g->out, "%s/", n->cluster);
	out_name(&g->out, n->r->kind, n->r->group, jx_name(item));
	g->count++;
	if (!g->tables && g->out.len > 64 * 1024) {
		session_write(g->s, g->out.buf, g->out.len, 0);
		strbuf_reset(&g->out);
	}
	return session_cancelled(g->s);
}

static void table_rows(struct get_req *g, const json_t *table, const char *cluster)
{
	const json_t *rows = jx_get(table, "rows");

	if (g->tables) {
		/* a cluster's job: the command merges the tables in order */
		json_array_append_new(g->tables, json_deep_copy(table));
		g->count += json_array_size(rows);
		return;
	}
	int wide = g->fmt == OUT_WIDE;
	size_t i;
	const json_t *row;

	if (!g->table) {
		const char *heads[2];
		size_t np = 0;

		if (g->a->all_clusters)
			heads[np++] = "CLUSTER";
		if (g->all_ns)
			heads[np++] = "NAMESPACE";
		g->first_table = json_deep_copy(table);
		g->table = out_table_from_server(g->first_table, wide, np, heads);
	}
	json_array_foreach(rows, i, row) {
		const char *pv[3] = { 0 };
		size_t np = 0;

		if (g->a->all_clusters)
			pv[np++] = cluster;
		if (g->all_ns) {
			const char *ns = jx_str(row, "object.metadata.namespace");

			pv[np++] = ns ? ns : "";
		}
		out_table_add_server_row(g->table, g->first_table, row, wide, pv);
		g->count++;
	}
}

/* One cluster. */
static int get_one(struct get_req *g, struct kube_client *c, const char *cluster,
		   struct kerr *err)
{
	const struct kube_resource *r;
	const char *ns;
	struct kube_list_opts lo = { .label_selector = g->label_sel,
				     .field_selector = g->field_sel };

	if (kube_resolve(c, g->kind, &r, err) < 0)
		return -1;
	ns = !r->namespaced || g->all_ns ? NULL : g->a->ns;
	if (g->nnames) {
		for (int i = 0; i < g->nnames; i++) {
			json_t *obj = NULL;

			if (g->fmt == OUT_DEFAULT || g->fmt == OUT_WIDE) {
				char *fs = xasprintf("metadata.name=%s", g->names[i]);
				struct kube_list_opts one = { .field_selector = fs, .as_table = 1 };
				json_t *t = NULL;
				int rc;

				rc = kube_list(c, r, ns, &one, &t, err);
				free(fs);
				if (rc < 0)
					return -1;
				if (!json_array_size(jx_get(t, "rows"))) {
					json_decref(t);
					/* the apiserver's NotFound wording */
					kerr_set(err, KERR_NOTFOUND, "%s%s%s \"%s\" not found", r->plural,
						 *r->group ? "." : "", r->group, g->names[i]);
					return -1;
				}
				table_rows(g, t, cluster);
				json_decref(t);
				continue;
			}
			if (kube_get(c, r, ns, g->names[i], &obj, err) < 0)
				return -1;
			if (g->fmt == OUT_NAME) {
				if (g->a->all_clusters)
					strbuf_addf(&g->out, "%s/", cluster);
				out_name(&g->out, r->kind, r->group, jx_name(obj));
				g->count++;
			} else {
				add_item(g, r, obj);
			}
			json_decref(obj);
		}
		return 0;
	}
	switch (g->fmt) {
	case OUT_NAME: {
		struct names_ctx n = { g, r, cluster };

		lo.metadata_only = 1;
		if (kube_list_each(c, r, ns, &lo, names_each, &n, NULL, err) < 0)
			return -1;
		return 0;
	}
	case OUT_JSON:
	case OUT_YAML: {
		json_t *list = NULL;
		size_t i;
		json_t *item;

		if (kube_list(c, r, ns, &lo, &list, err) < 0)
			return -1;
		json_array_foreach(jx_get(list, "items"), i, item)
			add_item(g, r, item);
		json_decref(list);
		return 0;
	}
	default: {
		json_t *t = NULL;

		lo.as_table = 1;
		if (kube_list(c, r, ns, &lo, &t, err) < 0)
			return -1;
		if (jx_get(t, "columnDefinitions")) {
			table_rows(g, t, cluster);
		} else {
			/* a server without Table support: NAME and AGE ourselves */
			size_t i;
			json_t *item;
			json_t *fake = json_pack("{s:[{s:s,s:s,s:i},{s:s,s:s,s:i}],s:[]}",
						 "columnDefinitions", "name", "Name", "type", "string",
						 "priority", 0, "name", "Age", "type", "string",
						 "priority", 0, "rows");

			json_array_foreach(jx_get(t, "items"), i, item) {
				char age[32];

				out_age_since(age, sizeof(age), jx_str(item, "metadata.creationTimestamp"));
				json_array_append_new(jx_get(fake, "rows"),
					json_pack("{s:[s,s],s:{s:{s:s?}}}", "cells", jx_name(item), age,
						  "object", "metadata", "namespace", jx_namespace(item)));
			}
			table_rows(g, fake, cluster);
			json_decref(fake);
		}
		json_decref(t);
		return 0;
	}
	}
}

static void flush_result(struct get_req *g)
{
	struct strbuf sb = STRBUF_INIT;

	switch (g->fmt) {
	case OUT_NAME:
		session_write(g->s, g->out.buf, g->out.len, 0);
		strbuf_reset(&g->out);
		break;
	case OUT_JSON:
	case OUT_YAML: {
		json_t *v;

		if (g->nnames == 1 && !g->a->all_clusters && json_array_size(g->items) == 1)
			v = json_incref(json_array_get(g->items, 0));
		else
			v = json_pack("{s:s,s:O,s:s,s:{s:s}}", "apiVersion", "v1", "items", g->items,
				      "kind", "List", "metadata", "resourceVersion", "");
		json_t *sorted = jx_sorted_copy(v);

		if (g->fmt == OUT_JSON)
			out_json(&sb, sorted);
		else
			out_yaml(&sb, sorted);
		json_decref(sorted);
		json_decref(v);
		break;
	}
	default:
		if (g->table && out_table_rows(g->table))
			out_table_render(g->table, &sb, g->no_headers);
		break;
	}
	session_write(g->s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

struct cluster_get {
	struct get_req g;          /* a copy with its own results */
	const char *ctx;
	struct job *job;
	int rc;
	struct kerr err;
};

static int cluster_job(struct job *job, void *arg, struct kerr *err)
{
	struct cluster_get *cg = arg;
	struct kube_client *c;

	(void)job;
	(void)err;
	/* the outcome is reported by the command, cluster by cluster */
	cg->rc = session_client(cg->g.s, cg->ctx, &c, &cg->err);
	if (cg->rc == 0)
		cg->rc = get_one(&cg->g, c, cg->ctx, &cg->err);
	return 0;
}

static int exec_get(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct get_req g = { .s = s, .a = a };
	int rc = 0, failed = 0;
	const char **slash_names = NULL;
	char *kind_buf = NULL;

	if (out_parse_format(cmd_opt_str(a, "output"), &g.fmt, err) < 0)
		return -1;
	g.kind = a->argv[0];
	g.names = (const char *const *)a->argv + 1;
	g.nnames = a->argc - 1;
	if (strchr(a->argv[0], '/')) {
		/* kubectl's KIND/NAME form: get deploy/web pod/x is not mixed here */
		char *slash;

		for (int i = 0; i < a->argc; i++) {
			slash = strchr(a->argv[i], '/');
			if (!slash || (i && strncmp(a->argv[i], a->argv[0], slash - a->argv[i] + 1))) {
				kerr_set(err, KERR_USAGE, "\"%s\": give every object as KIND/NAME of one kind",
					 a->argv[i]);
				return kerr_hint(err, "get KIND NAME..., or get KIND/NAME");
			}
		}
		slash_names = xcalloc(a->argc + 1, sizeof(*slash_names));
		for (int i = 0; i < a->argc; i++)
			slash_names[i] = strchr(a->argv[i], '/') + 1;
		kind_buf = xstrndup(a->argv[0], strchr(a->argv[0], '/') - a->argv[0]);
		g.kind = kind_buf;
		g.names = slash_names;
		g.nnames = a->argc;
	}
	g.all_ns = cmd_opt_bool(a, "all-namespaces");
	g.label_sel = cmd_opt_str(a, "selector");
	g.field_sel = cmd_opt_str(a, "field-selector");
	g.no_headers = cmd_opt_bool(a, "no-headers");
	if (g.all_ns && g.nnames) {
		kerr_set(err, KERR_USAGE, "a resource cannot be retrieved by name across all namespaces");
		kerr_hint(err, "drop -A or the names");
		free(slash_names);
		free(kind_buf);
		return -1;
	}
	g.items = json_array();
	if (a->all_clusters) {
		const char *const *ctxs = kubeconfig_contexts(a->kc);
		size_t n = 0;
		struct cluster_get *cg;

		while (ctxs && ctxs[n])
			n++;
		cg = xcalloc(n + 1, sizeof(*cg));
		/* one job per cluster, all at once; merged in context order */
		for (size_t i = 0; i < n; i++) {
			cg[i].g = g;
			cg[i].g.items = json_array();
			cg[i].g.tables = json_array();
			cg[i].g.table = NULL;
			strbuf_init(&cg[i].g.out, 0);
			cg[i].ctx = ctxs[i];
			cg[i].job = job_start(session_evq(s), "get", ctxs[i], cluster_job, &cg[i], NULL);
		}
		for (size_t i = 0; i < n; i++) {
			struct kerr e = { 0 };

			session_run_job(s, cg[i].job, &e);
			if (cg[i].rc < 0) {
				e = cg[i].err;
				kerr_prefix(&e, "cluster %s", ctxs[i]);
				session_error(s, &e);
				if (!failed)
					*err = e;
				failed++;
			}
		}
		for (size_t i = 0; i < n; i++) {
			size_t k;
			json_t *v;

			strbuf_add(&g.out, cg[i].g.out.buf, cg[i].g.out.len);
			json_array_extend(g.items, cg[i].g.items);
			g.count += cg[i].g.fmt == OUT_DEFAULT || cg[i].g.fmt == OUT_WIDE ? 0 : cg[i].g.count;
			json_array_foreach(cg[i].g.tables, k, v)
				table_rows(&g, v, ctxs[i]);
			json_decref(cg[i].g.items);
			json_decref(cg[i].g.tables);
			strbuf_release(&cg[i].g.out);
		}
		free(cg);
		if (failed) {
			/* each failure was printed above: sum them up */
			kerr_set(err, err->kind, "%d of %zu clusters failed (each is shown above)",
				 failed, n);
			rc = -1;
		}
	} else {
		rc = get_one(&g, a->client, a->context, err);
	}
	if (session_cancelled(s) && rc == 0)
		rc = kerr_set(err, KERR_CANCELLED, "cancelled");
	if (rc == 0 || a->all_clusters) {
		if (!g.count && g.fmt != OUT_JSON && g.fmt != OUT_YAML && !g.nnames) {
			/* kubectl says so on stderr; stdout stays empty */
			char *m = g.all_ns || a->all_clusters ? xstrdup("No resources found\n") :
				xasprintf("No resources found in %s namespace.\n", a->ns);

			session_write(s, m, strlen(m), SESSION_OUT_NOTE);
			free(m);
		} else {
			flush_result(&g);
		}
	}
	free(slash_names);
	free(kind_buf);
	json_decref(g.items);
	json_decref(g.first_table);
	out_table_free(g.table);
	strbuf_release(&g.out);
	return rc;
}

static const char *const output_choices[] = { "json", "yaml", "name", "wide", NULL };

static const struct cmd_opt get_opts[] = {
	{ 'A', "all-namespaces", CMD_OPT_BOOL, NULL, "every namespace (a NAMESPACE column)",
	  COMP_NONE, NULL, NULL },
	{ 'l', "selector", CMD_OPT_STRING, "SELECTOR", "label selector (app=web,tier!=db)",
	  COMP_NONE, NULL, NULL },
	{ 0, "field-selector", CMD_OPT_STRING, "SELECTOR",
	  "field selector (metadata.name=x, status.phase=Running)", COMP_NONE, NULL, NULL },
	{ 'o', "output", CMD_OPT_STRING, "FORMAT", "output format", COMP_CHOICES,
	  output_choices, NULL },
	{ 0, "show-managed-fields", CMD_OPT_BOOL, NULL, "keep metadata.managedFields in json/yaml",
	  COMP_NONE, NULL, NULL },
	{ 0, "no-headers", CMD_OPT_BOOL, NULL, "no header line in tables", COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_pos get_pos[] = {
	{ .name = "KIND", .comp = COMP_KIND },
	{ .name = "NAME", .comp = COMP_NAME },
	{ 0 },
};

const struct cmd_entry cmd_get_entry = {
	.name = "get",
	.usage = "KIND [NAME...] [-n NS | -A] [-l SEL] [-o wide|json|yaml|name] [--all-clusters]",
	.summary = "list objects of one kind (like kubectl get), on one or all clusters",
	.help = "KIND is what kubectl accepts: pods, pod, po, deployments.apps, deploy ...\n"
		"The default table has the server's columns; -o json and -o yaml print\n"
		"what kubectl prints.",
	.opts = get_opts,
	.args = get_pos,
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_F_CLUSTER | CMD_F_READONLY | CMD_F_ALL_CLUSTERS,
	.exec = exec_get,
};
