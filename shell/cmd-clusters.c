/* cmd-clusters.c - `clusters`: every context of the kubeconfig probed in
 * parallel (one job each, each with its own timeout): reachable or why
 * not, server version, node count.
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

struct probe {
	struct kube_conn *conn;
	long timeout_ms;
	/* results, read after the job finished */
	char *version;
	long nodes;
	struct kerr err;
	int ok;
};

static int count_cb(json_t *item, void *arg)
{
	(void)item;
	(*(long *)arg)++;
	return 0;
}

static int probe_job(struct job *job, void *arg, struct kerr *err)
{
	struct probe *p = arg;
	struct kube_client_opts o = { .timeout_ms = p->timeout_ms,
				      .connect_timeout_ms = p->timeout_ms, .retries = -1 };
	struct kube_client *c = kube_client_new(p->conn, &o, &p->err);
	const struct kube_resource *r;
	struct kube_list_opts lo = { .metadata_only = 1 };

	(void)job;
	(void)err;
	if (!c)
		return 0;   /* the probe's outcome is data, not a job failure */
	if (kube_server_version(c, &p->version, &p->err) == 0 &&
	    kube_resolve(c, "nodes", &r, &p->err) == 0 &&
	    kube_list_each(c, r, NULL, &lo, count_cb, &p->nodes, NULL, &p->err) == 0)
		p->ok = 1;
	kube_client_free(c);
	return 0;
}

static int exec_clusters(struct session *s, struct cmd_args *a, struct kerr *err)
{
	const char *const *ctxs = kubeconfig_contexts(a->kc);
	char *cur = xstrdup(a->context);
	size_t n = 0;
	struct probe *p;
	struct job **jobs;
	enum out_format fmt;
	long timeout = cmd_opt_int(a, "timeout");

	if (out_parse_format(cmd_opt_str(a, "output"), &fmt, err) < 0)
		return -1;
	if (timeout <= 0) {
		kerr_set(err, KERR_USAGE, "--timeout must be a positive number of seconds");
		return -1;
	}
	while (ctxs && ctxs[n])
		n++;
	if (!n) {
		kerr_set(err, KERR_NOTFOUND, "no contexts in %s",
			 a->kubeconfig_path ? a->kubeconfig_path : "the kubeconfig");
		return kerr_hint(err, "start `kurator demo`, or pass --kubeconfig FILE");
	}
	p = xcalloc(n, sizeof(*p));
	jobs = xcalloc(n, sizeof(*jobs));
	for (size_t i = 0; i < n; i++) {
		p[i].timeout_ms = timeout * 1000;
		if (kubeconfig_conn(a->kc, ctxs[i], &p[i].conn, &p[i].err) < 0)
			continue;
		jobs[i] = job_start(session_evq(s), "probe", ctxs[i], probe_job, &p[i], NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (jobs[i])
			session_run_job(s, jobs[i], NULL);

	struct strbuf sb = STRBUF_INIT;

	if (fmt == OUT_JSON || fmt == OUT_YAML) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:b,s:s?,s:s?,s:o,s:s?}",
				"name", ctxs[i], "current", cur && !strcmp(cur, ctxs[i]),
				"server", p[i].conn ? p[i].conn->server : NULL,
				"version", p[i].ok ? p[i].version : NULL,
				"nodes", p[i].ok ? json_integer(p[i].nodes) : json_null(),
				"error", p[i].ok ? NULL : p[i].err.msg));
		if (fmt == OUT_JSON)
			out_json(&sb, arr);
		else
			out_yaml(&sb, arr);
		json_decref(arr);
	} else if (fmt == OUT_NAME) {
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&sb, "%s\n", ctxs[i]);
	} else {
		static const char *const heads[] = { "CURRENT", "NAME", "SERVER", "STATUS",
						     "VERSION", "NODES" };
		struct out_table *t = out_table_new(6, heads);

		for (size_t i = 0; i < n; i++) {
			char nodes[32];
			const char *row[6];

			snprintf(nodes, sizeof(nodes), "%ld", p[i].nodes);
			row[0] = cur && !strcmp(cur, ctxs[i]) ? "*" : "";
			row[1] = ctxs[i];
			row[2] = p[i].conn ? p[i].conn->server : "";
			row[3] = p[i].ok ? "Ready" : "Unreachable";
			row[4] = p[i].ok ? p[i].version : "";
			row[5] = p[i].ok ? nodes : "";
			out_table_add(t, row);
		}
		out_table_render(t, &sb, 0);
		out_table_free(t);
		/* why each unreachable one failed, one line each */
		for (size_t i = 0; i < n; i++)
			if (!p[i].ok)
				strbuf_addf(&sb, "%s: %s\n", ctxs[i], p[i].err.msg);
	}
	session_write(s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
	for (size_t i = 0; i < n; i++) {
		kube_conn_free(p[i].conn);
		free(p[i].version);
	}
	free(p);
	free(jobs);
	free(cur);
	return 0;
}

static const char *const output_choices[] = { "json", "yaml", "name", NULL };

static const struct cmd_opt clusters_opts[] = {
	{ 'o', "output", CMD_OPT_STRING, "FORMAT", "output format", COMP_CHOICES,
	  output_choices, NULL },
	{ 0, "timeout", CMD_OPT_INT, "SECONDS", "give up on a cluster after this long",
	  COMP_NONE, NULL, "5" },
	{ 0 }
};

const struct cmd_entry cmd_clusters_entry = {
	.name = "clusters",
	.usage = "[-o json|yaml|name] [--timeout SECONDS]",
	.summary = "every context of the kubeconfig: reachable, version, nodes",
	.opts = clusters_opts,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_F_KUBECONFIG | CMD_F_READONLY,
	.exec = exec_clusters,
};
