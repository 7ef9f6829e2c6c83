/* pane-details.c - what the tree has selected, in words: a cluster's
 * summary, a component's workloads, an object's status fields. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"
#include "tui/app.h"

struct details {
	int top;
	int y;                   /* next line while drawing (relative to top) */
};

static void line(struct pane *p, enum theme_elem e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(struct pane *p, enum theme_elem e, const char *fmt, ...)
{
	struct details *d = p->priv;
	char buf[512];
	va_list ap;
	int row = d->y++ - d->top;

	if (row < 0 || row >= pane_inner_h(p))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wattrset(p->win, theme_attr(e));
	text_put(p->win, row + 1, 1, buf, strlen(buf), 0, pane_inner_w(p));
	wattrset(p->win, theme_attr(THEME_NORMAL));
}

/* A long text (an error) wrapped over as many lines as it needs. */
static void para(struct pane *p, enum theme_elem e, const char *text)
{
	int w = pane_inner_w(p);
	size_t len = strlen(text);

	while (w > 0 && len > 0) {
		size_t n = text_fit(text, len, w);

		if (n < len) {
			/* Break at the last space that fits, if any. */
			size_t sp = n;

			while (sp > 0 && text[sp] != ' ')
				sp--;
			if (sp > 0)
				n = sp + 1;
		}
		line(p, e, "%.*s", (int)n, text);
		text += n;
		len -= n;
	}
}

static void kv(struct pane *p, const char *k, const char *v)
{
	line(p, THEME_NORMAL, "%-10s %s", k, v ? v : "-");
}

static const char *health_word(enum fleet_health h)
{
	static const char *const w[] = { "unknown", "ok", "progressing", "failing" };

	return w[h];
}

static void age(char *buf, size_t size, int64_t created)
{
	int64_t s = created > 0 ? (int64_t)time(NULL) - created : -1;

	if (s < 0)
		snprintf(buf, size, "-");
	else if (s < 120)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(buf, size, "%lldm", (long long)s / 60);
	else if (s < 172800)
		snprintf(buf, size, "%lldh", (long long)s / 3600);
	else
		snprintf(buf, size, "%lldd", (long long)s / 86400);
}

static void workloads_in(struct pane *p, struct fleet_cluster *c, const char *ns)
{
	static const int wk[] = { FLEET_DEPLOYMENTS, FLEET_STATEFULSETS, FLEET_DAEMONSETS };

	for (size_t w = 0; w < ARRAY_SIZE(wk); w++) {
		size_t n;
		struct fleet_obj *const *v = fleet_sorted(c, wk[w], &n);

		for (size_t i = 0; i < n; i++)
			if (!strcmp(v[i]->ns, ns))
				line(p, pane_health_elem(v[i]->health), "  %-11s %-28s %s",
				     fleet_kind_name(v[i]->kind), v[i]->name, v[i]->status);
	}
}

static void show_cluster(struct pane *p, struct fleet_cluster *c)
{
	size_t nn, nns, nd, nst, nds;
	char buf[160];

	fleet_sorted(c, FLEET_NODES, &nn);
	fleet_sorted(c, FLEET_NAMESPACES, &nns);
	fleet_sorted(c, FLEET_DEPLOYMENTS, &nd);
	fleet_sorted(c, FLEET_STATEFULSETS, &nst);
	fleet_sorted(c, FLEET_DAEMONSETS, &nds);
	kv(p, "cluster", c->name);
	if (c->reachable == 0) {
		line(p, THEME_STATUS_ERR, "%-10s unreachable", "state");
		para(p, THEME_STATUS_ERR, c->err);
	} else {
		kv(p, "state", c->reachable > 0 ? "reachable" : "connecting");
	}
	kv(p, "version", c->version);
	snprintf(buf, sizeof(buf), "%d/%zu ready, %d edge", c->nodes_ready, nn, c->edge_nodes);
	kv(p, "nodes", buf);
	snprintf(buf, sizeof(buf), "%zu", nns);
	kv(p, "namespaces", buf);
	snprintf(buf, sizeof(buf), "%zu deployments, %zu statefulsets, %zu daemonsets", nd, nst, nds);
	kv(p, "workloads", buf);
	if (c->synced[FLEET_PODS]) {
		snprintf(buf, sizeof(buf), "%zu", fmap_count(&c->objs[FLEET_PODS]));
		kv(p, "pods", buf);
	}
	for (size_t i = 0; i < c->ncomps; i++)
		line(p, pane_health_elem(c->comps[i].health), "%-10s %s %s %s", i ? "" : "components",
		     c->comps[i].name, c->comps[i].version ? c->comps[i].version : "",
		     c->comps[i].status);
}

static void show_object(struct pane *p, struct fleet_cluster *c, const struct tui_sel *sel)
{
	struct fleet_obj *o = fleet_obj_find(c, sel->kind, sel->ns, sel->name);
	char buf[160];

	if (!o) {
		line(p, THEME_DIM, "%s %s/%s is gone", fleet_kind_name(sel->kind), sel->ns, sel->name);
		return;
	}
	kv(p, "kind", fleet_kind_name(o->kind));
	kv(p, "name", o->name);
	if (o->ns[0])
		kv(p, "namespace", o->ns);
	kv(p, "cluster", c->name);
	line(p, pane_health_elem(o->health), "%-10s %s (%s)", "status", o->status, health_word(o->health));
	age(buf, sizeof(buf), o->created);
	kv(p, "age", buf);
	if (o->version)
		kv(p, "version", o->version);
	switch (o->kind) {
	case FLEET_NODES:
		if (o->flags & (FLEET_OBJ_EDGE | FLEET_OBJ_CONTROL_PLANE))
			kv(p, "role", o->flags & FLEET_OBJ_EDGE ? "edge" : "control-plane");
		if (o->cap_cpu_milli >= 0) {
			snprintf(buf, sizeof(buf), "%ldm used of %ldm", o->cpu_milli < 0 ? 0 : o->cpu_milli,
				 o->cap_cpu_milli);
			kv(p, "cpu", buf);
		}
		if (o->cap_mem_kib >= 0) {
			snprintf(buf, sizeof(buf), "%ldMi used of %ldMi",
				 o->mem_kib < 0 ? 0 : o->mem_kib / 1024, o->cap_mem_kib / 1024);
			kv(p, "memory", buf);
		}
		break;
	case FLEET_PODS:
		kv(p, "node", o->node);
		kv(p, "owner", o->owner);
		snprintf(buf, sizeof(buf), "%ld/%ld ready", o->ready, o->want);
		kv(p, "containers", buf);
		line(p, THEME_DIM, "l: follow its log");
		break;
	case FLEET_NAMESPACES:
		workloads_in(p, c, o->name);
		break;
	default: {
		size_t n;
		struct fleet_obj **pods = fleet_pods_of(c, o->ns, fleet_kind_name(o->kind), o->name, &n);

		snprintf(buf, sizeof(buf), "%ld/%ld ready", o->ready, o->want);
		kv(p, "replicas", buf);
		for (size_t i = 0; i < n; i++)
			line(p, pane_health_elem(pods[i]->health), "  pod %-30s %s %s", pods[i]->name,
			     pods[i]->status, pods[i]->node ? pods[i]->node : "");
		free(pods);
		break;
	}
	}
}

static void details_draw(struct pane *p)
{
	struct details *d = p->priv;
	const struct tui_sel *sel = &p->app->sel;
	struct fleet_cluster *c = fleet_cluster_find(p->app->fleet, sel->cluster);

	d->y = 0;
	snprintf(p->title, sizeof(p->title), "Details");
	if (!c) {
		line(p, THEME_DIM, "select a cluster, component or object in the tree");
		return;
	}
	switch (sel->type) {
	case SEL_CLUSTER:
	case SEL_SECTION:
		show_cluster(p, c);
		break;
	case SEL_COMPONENT:
		snprintf(p->title, sizeof(p->title), "Details: %s", sel->name);
		for (size_t i = 0; i < c->ncomps; i++) {
			struct fleet_component *fc = &c->comps[i];

			if (strcmp(fc->name, sel->name))
				continue;
			kv(p, "component", fc->name);
			kv(p, "cluster", c->name);
			kv(p, "namespace", fc->ns);
			kv(p, "version", fc->version);
			line(p, pane_health_elem(fc->health), "%-10s %s", "status", fc->status);
			workloads_in(p, c, fc->ns);
		}
		break;
	case SEL_OBJECT:
		snprintf(p->title, sizeof(p->title), "Details: %s", sel->name);
		show_object(p, c, sel);
		break;
	default:
		break;
	}
	if (d->top > 0 && d->y - d->top < pane_inner_h(p)) {
		/* Content shrank under the scroll position. */
		d->top = d->y > pane_inner_h(p) ? d->y - pane_inner_h(p) : 0;
		p->dirty = 1;
	}
}

static int details_action(struct pane *p, const char *action, const char *arg)
{
	struct details *d = p->priv;

	(void)arg;
	if (!strcmp(action, "scroll-up")) {
		if (d->top > 0)
			d->top--;
	} else if (!strcmp(action, "scroll-down")) {
		if (d->y - d->top > pane_inner_h(p))
			d->top++;
	} else {
		return 0;
	}
	p->dirty = 1;
	return 1;
}

static void details_init(struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct details));
	snprintf(p->title, sizeof(p->title), "Details");
}

static void details_free(struct pane *p)
{
	free(p->priv);
}

const struct pane_ops pane_details_ops = {
	.name = "details",
	.init = details_init,
	.free = details_free,
	.draw = details_draw,
	.action = details_action,
};
