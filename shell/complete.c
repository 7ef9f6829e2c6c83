/* complete.c - completion from the command table plus live names. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <readline/readline.h>

#include "backends/components/engine.h"
#include "backends/kube/client.h"
#include "backends/kube/kubeconfig.h"
#include "lib/jsonx.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/complete.h"
#include "shell/session.h"
#include "themes/theme.h"

/* ---- a growable list of strings ------------------------------------------ */

struct strv {
	char **v;
	size_t n, a;
};

static void strv_add(struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return;
	if (sv->n + 2 > sv->a) {
		sv->a = sv->a ? sv->a * 2 : 16;
		sv->v = xrealloc(sv->v, sv->a * sizeof(*sv->v));
	}
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

static char **strv_dup(char *const *v)
{
	struct strv sv = { 0 };

	for (size_t i = 0; v && v[i]; i++)
		strv_add(&sv, v[i]);
	if (!sv.v)
		sv.v = xcalloc(1, sizeof(*sv.v));
	return sv.v;
}

/* ---- live fetches ------------------------------------------------------------ */

enum fetch_what { F_NAMESPACES, F_KINDS, F_NAMES, F_CONTAINERS };

struct fetch {
	pthread_mutex_t m;
	pthread_cond_t c;
	int refs, done;
	char *key;
	enum fetch_what what;
	struct kube_conn *conn;
	char *kind, *ns, *name;
	char **result;             /* NULL-terminated; NULL on failure */
	long finished_ms;
	struct fetch *next;        /* in `fetches` */
};

static pthread_mutex_t fetch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fetch_idle = PTHREAD_COND_INITIALIZER;
static int fetch_running;
static struct fetch *fetches;  /* main thread only: in flight and cached */

static void fetch_unref(struct fetch *f)
{
	int last;

	pthread_mutex_lock(&f->m);
	last = --f->refs == 0;
	pthread_mutex_unlock(&f->m);
	if (!last)
		return;
	kube_conn_free(f->conn);
	cmd_argv_free(f->result);
	free(f->key);
	free(f->kind);
	free(f->ns);
	free(f->name);
	pthread_mutex_destroy(&f->m);
	pthread_cond_destroy(&f->c);
	free(f);
}

static int add_item_name(json_t *item, void *arg)
{
	const char *n = jx_name(item);

	if (n)
		strv_add(arg, n);
	return 0;
}

static void fetch_run(struct fetch *f, struct strv *out)
{
	struct kube_client_opts opts = { .timeout_ms = COMPLETE_TIMEOUT_MS * 2,
					 .connect_timeout_ms = COMPLETE_TIMEOUT_MS, .retries = -1 };
	struct kube_client *c = kube_client_new(f->conn, &opts, NULL);
	const struct kube_resource *r = NULL;
	struct kube_list_opts lo = { .metadata_only = 1 };

	if (!c)
		return;
	switch (f->what) {
	case F_NAMESPACES:
		if (kube_resolve(c, "namespaces", &r, NULL) == 0)
			kube_list_each(c, r, NULL, &lo, add_item_name, out, NULL, NULL);
		break;
	case F_KINDS: {
		const struct kube_resource *const *all;

		if (kube_discover(c, 0, NULL) < 0)
			break;
		all = kube_resources(c);
		for (size_t i = 0; all && all[i]; i++) {
			strv_add(out, all[i]->plural);
			for (size_t j = 0; all[i]->short_names && all[i]->short_names[j]; j++)
				strv_add(out, all[i]->short_names[j]);
		}
		break;
	}
	case F_NAMES:
		if (kube_resolve(c, f->kind, &r, NULL) == 0)
			kube_list_each(c, r, r->namespaced ? f->ns : NULL, &lo, add_item_name, out,
				       NULL, NULL);
		break;
	case F_CONTAINERS: {
		json_t *pod = NULL;
		size_t i;
		json_t *ctr;

		if (kube_resolve(c, "pods", &r, NULL) < 0 ||
		    kube_get(c, r, f->ns, f->name, &pod, NULL) < 0)
			break;
		json_array_foreach(jx_get(pod, "spec.containers"), i, ctr)
			if (jx_str(ctr, "name"))
				strv_add(out, jx_str(ctr, "name"));
		json_array_foreach(jx_get(pod, "spec.initContainers"), i, ctr)
			if (jx_str(ctr, "name"))
				strv_add(out, jx_str(ctr, "name"));
		json_decref(pod);
		break;
	}
	}
	kube_client_free(c);
}

static void *fetch_thread(void *arg)
{
	struct fetch *f = arg;
	struct strv out = { 0 };

	fetch_run(f, &out);
	if (!out.v)
		out.v = xcalloc(1, sizeof(*out.v));
	pthread_mutex_lock(&f->m);
	f->result = out.v;
	f->done = 1;
	f->finished_ms = monotime_ms();
	pthread_cond_broadcast(&f->c);
	pthread_mutex_unlock(&f->m);
	fetch_unref(f);
	pthread_mutex_lock(&fetch_lock);
	fetch_running--;
	pthread_cond_broadcast(&fetch_idle);
	pthread_mutex_unlock(&fetch_lock);
	return NULL;
}

/* Drop finished entries older than the cache time. */
static void fetch_expire(void)
{
	struct fetch **pp = &fetches;
	long now = monotime_ms();

	while (*pp) {
		struct fetch *f = *pp;
		int stale;

		pthread_mutex_lock(&f->m);
		stale = f->done && now - f->finished_ms > COMPLETE_CACHE_MS;
		pthread_mutex_unlock(&f->m);
		if (stale) {
			*pp = f->next;
			fetch_unref(f);
		} else {
			pp = &f->next;
		}
	}
}

/* Names for what/ctx/kind/ns/name: cached, in flight, or fetched now with
 * a bounded wait. Returns a new NULL-terminated array or NULL. */
static char **live(struct session *s, enum fetch_what what, const char *ctx, const char *kind,
		   const char *ns, const char *name)
{
	struct kubeconfig *kc;
	struct fetch *f;
	char *key;
	char **res = NULL;
	struct timespec ts;
	pthread_t th;
	pthread_attr_t attr;

	key = xasprintf("%d|%s|%s|%s|%s", (int)what, ctx ? ctx : "", kind ? kind : "",
			ns ? ns : "", name ? name : "");
	fetch_expire();
	for (f = fetches; f; f = f->next)
		if (!strcmp(f->key, key))
			break;
	if (!f) {
		struct kube_conn *conn = NULL;

		if (session_kubeconfig(s, &kc, NULL) < 0 ||
		    kubeconfig_conn(kc, ctx, &conn, NULL) < 0) {
			free(key);
			return NULL;
		}
		f = xcalloc(1, sizeof(*f));
		pthread_mutex_init(&f->m, NULL);
		pthread_cond_init(&f->c, NULL);
		f->refs = 2;        /* the list and the thread */
		f->key = key;
		key = NULL;
		f->what = what;
		f->conn = conn;
		f->kind = xstrdup(kind);
		f->ns = xstrdup(ns);
		f->name = xstrdup(name);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&fetch_lock);
		fetch_running++;
		pthread_mutex_unlock(&fetch_lock);
		if (pthread_create(&th, &attr, fetch_thread, f) != 0) {
			pthread_mutex_lock(&fetch_lock);
			fetch_running--;
			pthread_mutex_unlock(&fetch_lock);
			f->refs = 1;
			fetch_unref(f);
			pthread_attr_destroy(&attr);
			return NULL;
		}
		pthread_attr_destroy(&attr);
		f->next = fetches;
		fetches = f;
	}
	free(key);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += COMPLETE_TIMEOUT_MS / 1000;
	ts.tv_nsec += (COMPLETE_TIMEOUT_MS % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->m);
	while (!f->done)
		if (pthread_cond_timedwait(&f->c, &f->m, &ts) == ETIMEDOUT)
			break;
	if (f->done)
		res = strv_dup(f->result);
	pthread_mutex_unlock(&f->m);
	return res;
}

void complete_shutdown(void)
{
	struct timespec ts;

	while (fetches) {
		struct fetch *f = fetches;

		fetches = f->next;
		fetch_unref(f);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 3;
	pthread_mutex_lock(&fetch_lock);
	while (fetch_running > 0)
		if (pthread_cond_timedwait(&fetch_idle, &fetch_lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&fetch_lock);
}

/* ---- analysis of the line ------------------------------------------------------ */

struct line_ctx {
	const struct cmd_entry *e;
	const char *context;       /* from --context on the line */
	const char *ns;            /* from -n */
	int all_ns;                /* -A */
	const char *pos[64];
	int npos;
};

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *lname, char sname)
{
	static const struct cmd_opt all_clusters = { 0, "all-clusters", CMD_OPT_BOOL, NULL, NULL,
						     COMP_NONE, NULL, NULL };
	const struct cmd_opt *sets[2] = { e->opts, cmd_global_opts };

	for (int k = 0; k < 2; k++)
		for (const struct cmd_opt *o = sets[k]; o && (o->long_name || o->short_name); o++) {
			if (lname && o->long_name && !strcmp(o->long_name, lname))
				return o;
			if (sname && o->short_name == sname)
				return o;
		}
	if (lname && (e->flags & CMD_F_ALL_CLUSTERS) && !strcmp(lname, "all-clusters"))
		return &all_clusters;
	return NULL;
}

static void note_value(struct line_ctx *lc, const struct cmd_opt *o, const char *v)
{
	if (!o->long_name)
		return;
	if (!strcmp(o->long_name, "context"))
		lc->context = v;
	else if (!strcmp(o->long_name, "namespace"))
		lc->ns = v;
}

static void add_prefixed(struct strv *out, const char *cand, const char *prefix)
{
	if (!strncmp(cand, prefix, strlen(prefix)))
		strv_add(out, cand);
}

static void add_all(struct strv *out, char **list, const char *prefix)
{
	for (size_t i = 0; list && list[i]; i++)
		add_prefixed(out, list[i], prefix);
	cmd_argv_free(list);
}

static void complete_kind(struct session *s, struct line_ctx *lc, enum cmd_comp comp,
			  const struct cmd_pos *spec, const char *const *choices, const char *cur,
			  struct strv *out, int *want_files)
{
	const char *ctx = lc->context ? lc->context : session_context(s);
	const char *ns = lc->ns ? lc->ns : session_namespace(s);
	char *ctx_copy = xstrdup(ctx), *ns_copy = xstrdup(ns);

	switch (comp) {
	case COMP_NONE:
		break;
	case COMP_FILE:
		*want_files = 1;
		break;
	case COMP_CONTEXT: {
		struct kubeconfig *kc;

		if (session_kubeconfig(s, &kc, NULL) == 0) {
			const char *const *names = kubeconfig_contexts(kc);

			for (size_t i = 0; names && names[i]; i++)
				add_prefixed(out, names[i], cur);
		}
		break;
	}
	case COMP_NAMESPACE:
		add_all(out, live(s, F_NAMESPACES, ctx_copy, NULL, NULL, NULL), cur);
		break;
	case COMP_KIND:
		add_all(out, live(s, F_KINDS, ctx_copy, NULL, NULL, NULL), cur);
		break;
	case COMP_NAME: {
		const char *kind = spec && spec->kind ? spec->kind : lc->npos > 0 ? lc->pos[0] : NULL;

		if (kind)
			add_all(out, live(s, F_NAMES, ctx_copy, kind, lc->all_ns ? NULL : ns_copy, NULL),
				cur);
		break;
	}
	case COMP_CONTAINER:
		if (lc->npos > 0)
			add_all(out, live(s, F_CONTAINERS, ctx_copy, "pods", ns_copy, lc->pos[0]), cur);
		break;
	case COMP_COMPONENT: {
		const struct component_ops *const *all = component_all();

		for (size_t i = 0; all && all[i]; i++)
			add_prefixed(out, all[i]->name, cur);
		break;
	}
	case COMP_THEME:
		add_all(out, theme_names(), cur);
		break;
	case COMP_COMMAND:
		for (size_t i = 0; cmd_table[i]; i++)
			if (!(cmd_table[i]->flags & CMD_F_HIDDEN))
				add_prefixed(out, cmd_table[i]->name, cur);
		break;
	case COMP_CHOICES:
		for (size_t i = 0; choices && choices[i]; i++)
			add_prefixed(out, choices[i], cur);
		break;
	}
	free(ctx_copy);
	free(ns_copy);
}

static void complete_value(struct session *s, struct line_ctx *lc, const struct cmd_opt *o,
			   const char *cur, struct strv *out, int *want_files)
{
	if (o->choices)
		complete_kind(s, lc, COMP_CHOICES, NULL, o->choices, cur, out, want_files);
	else
		complete_kind(s, lc, o->comp, NULL, NULL, cur, out, want_files);
}

static void complete_opts(const struct cmd_entry *e, const char *cur, struct strv *out)
{
	const struct cmd_opt *sets[2] = { e->opts, cmd_global_opts };
	char buf[128];

	for (int k = 0; k < 2; k++)
		for (const struct cmd_opt *o = sets[k]; o && (o->long_name || o->short_name); o++) {
			if (o->long_name)
				snprintf(buf, sizeof(buf), "--%s", o->long_name);
			else
				snprintf(buf, sizeof(buf), "-%c", o->short_name);
			add_prefixed(out, buf, cur);
		}
	if (e->flags & CMD_F_ALL_CLUSTERS)
		add_prefixed(out, "--all-clusters", cur);
}

char **complete_candidates(struct session *s, const char *before, int *want_files)
{
	struct line_ctx lc = { 0 };
	struct strv out = { 0 };
	char **w = NULL;
	const char *cur;
	int n = 0, ends_blank;
	size_t len = strlen(before);

	*want_files = 0;
	if (cmd_split_line(before, &n, &w, NULL) < 0)
		return NULL;
	ends_blank = !len || before[len - 1] == ' ' || before[len - 1] == '\t';
	if (ends_blank) {
		w = xrealloc(w, (n + 2) * sizeof(*w));
		w[n++] = xstrdup("");
		w[n] = NULL;
	}
	cur = w[n - 1];
	if (n == 1) {
		for (size_t i = 0; cmd_table[i]; i++) {
			if (cmd_table[i]->flags & CMD_F_HIDDEN)
				continue;
			add_prefixed(&out, cmd_table[i]->name, cur);
		}
		goto done;
	}
	lc.e = cmd_lookup(cmd_table, w[0], NULL);
	if (!lc.e)
		goto done;
	for (int i = 1; i < n - 1; i++) {
		const char *x = w[i];
		const struct cmd_opt *o = NULL;

		if (x[0] == '-' && x[1] == '-' && x[2]) {
			const char *eq = strchr(x, '=');
			char *name = eq ? xstrndup(x + 2, eq - x - 2) : xstrdup(x + 2);

			o = find_opt(lc.e, name, 0);
			free(name);
			if (o && o->type != CMD_OPT_BOOL) {
				if (eq)
					note_value(&lc, o, eq + 1);
				else if (i + 1 < n - 1)
					note_value(&lc, o, w[++i]);
				else if (i + 1 == n - 1) {
					/* the current word is this option's value */
					complete_value(s, &lc, o, cur, &out, want_files);
					goto done;
				}
			}
			continue;
		}
		if (x[0] == '-' && x[1]) {
			for (const char *c = x + 1; *c; c++) {
				if (*c == 'A' && !find_opt(lc.e, NULL, 'A'))
					continue;
				o = find_opt(lc.e, NULL, *c);
				if (o && o->long_name && !strcmp(o->long_name, "all-namespaces"))
					lc.all_ns = 1;
				if (!o || o->type == CMD_OPT_BOOL)
					continue;
				if (c[1]) {
					note_value(&lc, o, c[1] == '=' ? c + 2 : c + 1);
				} else if (i + 1 < n - 1) {
					note_value(&lc, o, w[++i]);
				} else {
					complete_value(s, &lc, o, cur, &out, want_files);
					goto done;
				}
				break;
			}
			continue;
		}
		/* a positional: maybe a subcommand */
		if (lc.npos == 0 && lc.e->subcmds) {
			const struct cmd_entry *sub = cmd_lookup(lc.e->subcmds, x, NULL);

			if (sub) {
				lc.e = sub;
				continue;
			}
		}
		if (lc.npos < (int)ARRAY_SIZE(lc.pos))
			lc.pos[lc.npos++] = x;
	}
	if (cur[0] == '-' && cur[1] == '-' && strchr(cur, '=')) {
		const char *eq = strchr(cur, '=');
		char *name = xstrndup(cur + 2, eq - cur - 2);
		const struct cmd_opt *o = find_opt(lc.e, name, 0);

		free(name);
		if (o && o->type != CMD_OPT_BOOL)
			complete_value(s, &lc, o, eq + 1, &out, want_files);
		goto done;
	}
	if (cur[0] == '-') {
		complete_opts(lc.e, cur, &out);
		goto done;
	}
	if (lc.npos == 0 && lc.e->subcmds)
		for (size_t i = 0; lc.e->subcmds[i]; i++)
			add_prefixed(&out, lc.e->subcmds[i]->name, cur);
	if (lc.e->args && (lc.e->max_args < 0 || lc.npos < lc.e->max_args)) {
		const struct cmd_pos *spec = NULL;
		int k = 0;

		for (k = 0; lc.e->args[k].name; k++)
			if (k == lc.npos) {
				spec = &lc.e->args[k];
				break;
			}
		if (!spec && k > 0)
			spec = &lc.e->args[k - 1];   /* the last one repeats */
		if (spec)
			complete_kind(s, &lc, spec->comp, spec, spec->choices, cur, &out,
				      want_files);
	}
done:
	cmd_argv_free(w);
	return out.v;
}

/* ---- readline ------------------------------------------------------------------------ */

static struct session *rl_session;

static char **kurator_rl_complete(const char *text, int start, int end)
{
	char *before = xstrndup(rl_line_buffer, end);
	char **cands;
	char **matches;
	int want_files = 0;
	size_t n = 0, common;

	(void)start;
	cands = complete_candidates(rl_session, before, &want_files);
	free(before);
	if (want_files && !cands) {
		rl_attempted_completion_over = 0;
		return NULL;
	}
	rl_attempted_completion_over = 1;
	while (cands && cands[n])
		n++;
	if (!n) {
		cmd_argv_free(cands);
		return NULL;
	}
	/* readline's protocol: [0] is the common prefix, then the matches.
	 * '=' breaks words, so "--output=js" completes "js" to "json". */
	matches = xcalloc(n + 2, sizeof(*matches));
	common = strlen(cands[0]);
	for (size_t i = 1; i < n; i++) {
		size_t j = 0;

		while (j < common && cands[i][j] == cands[0][j])
			j++;
		common = j;
	}
	matches[0] = xstrndup(cands[0], common);
	for (size_t i = 0; i < n; i++)
		matches[i + 1] = cands[i];
	free(cands);
	if (n == 1) {
		/* a single match: readline appends the space itself */
		free(matches[0]);
		matches[0] = matches[1];
		matches[1] = NULL;
	}
	return matches;
}

void complete_readline_setup(struct session *s)
{
	rl_session = s;
	rl_attempted_completion_function = kurator_rl_complete;
	rl_completer_word_break_characters = " \t\n=";
	rl_completer_quote_characters = "'\"";
	rl_completion_append_character = ' ';
}
