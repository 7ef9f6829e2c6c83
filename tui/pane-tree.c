/* pane-tree.c - the fleet tree: fleet -> clusters -> components, nodes,
 * edge nodes, workloads (-> pods), namespaces, with live status glyphs.
 *
 * Rows are rebuilt only when the fleet, the expansion or the filter
 * changed (once per frame at most) and only rows on screen are formatted,
 * so a fleet of 20 x 5k pods costs one pass per change, not per event.
 */
#include <stdio.h>
#include <string.h>

#include "backends/fleet/fmap.h"
#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/logbuf.h"

enum row_type { R_CLUSTER, R_SECTION, R_COMPONENT, R_OBJ, R_NOTE };
enum section { SEC_COMPONENTS, SEC_NODES, SEC_EDGE, SEC_WORKLOADS, SEC_NAMESPACES, SEC__N };

static const char *const sec_names[SEC__N] = {
	"Components", "Nodes", "Edge nodes", "Workloads", "Namespaces",
};
static const char *const sec_ids[SEC__N] = { "comp", "nodes", "edge", "work", "ns" };
/* Expanded unless the user says otherwise: what fits for a few
 * clusters on one screen; workloads and namespaces open on demand (or
 * under a filter, which shows every match). */
static const int sec_open[SEC__N] = { 1, 1, 1, 0, 0 };

struct row {
	enum row_type type;
	int depth;
	size_t cluster;
	int section;
	struct fleet_obj *obj;             /* borrowed until the next rebuild */
	struct fleet_component *comp;
	int expandable;
	int expanded;
	char *key;                         /* expansion / cursor identity */
	const char *note;
	size_t count;                      /* sections: entries (after the filter) */
};

struct tree {
	struct row *rows;
	size_t n, cap;
	size_t cur, top;
	struct fmap state;                 /* key -> EXPANDED / COLLAPSED */
	char filter[128];
	int stale;
	char *cur_key;
	int land;                          /* put the cursor on the first match
	                                      (a new filter, until the user moves) */
};

#define EXPANDED ((void *)1)
#define COLLAPSED ((void *)2)

static void rows_clear(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rows[i].key);
	t->n = 0;
}

static struct row *row_add(struct tree *t, enum row_type type, int depth, size_t cluster)
{
	struct row *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->depth = depth;
	r->cluster = cluster;
	return r;
}

static int is_open(struct tree *t, const char *key, int dflt)
{
	void *v = fmap_get(&t->state, key);

	if (t->filter[0])
		return 1;
	return v ? v == EXPANDED : dflt;
}

static int matches(struct tree *t, const char *a, const char *b)
{
	if (!t->filter[0])
		return 1;
	return (a && logbuf_strcasestr(a, t->filter)) || (b && logbuf_strcasestr(b, t->filter));
}

static int workload_kind(int k)
{
	return k == FLEET_DEPLOYMENTS || k == FLEET_STATEFULSETS || k == FLEET_DAEMONSETS;
}

static void add_pods(struct tree *t, struct fleet_cluster *c, size_t ci, struct fleet_obj *w)
{
	size_t n;
	struct fleet_obj **pods = fleet_pods_of(c, w->ns, fleet_kind_name(w->kind), w->name, &n);

	if (!c->synced[FLEET_PODS] && n == 0) {
		struct row *r = row_add(t, R_NOTE, 4, ci);

		r->note = "loading pods...";
		r->key = xstrdup("note");
	}
	for (size_t i = 0; i < n; i++) {
		struct row *r = row_add(t, R_OBJ, 4, ci);

		r->obj = pods[i];
		r->key = xasprintf("o:%s:Pod:%s/%s", c->name, pods[i]->ns, pods[i]->name);
	}
	free(pods);
}

static void add_section(struct tree *t, struct fleet *f, size_t ci, int sec)
{
	struct fleet_cluster *c = fleet_cluster_at(f, ci);
	struct fleet_obj *const *v;
	size_t n = 0, count = 0, hdr;
	char key[256];
	int open;

	snprintf(key, sizeof(key), "s:%s:%s", c->name, sec_ids[sec]);
	open = is_open(t, key, sec_open[sec]);
	hdr = t->n;
	{
		struct row *r = row_add(t, R_SECTION, 1, ci);

		r->section = sec;
		r->expandable = 1;
		r->expanded = open;
		r->key = xstrdup(key);
	}
	switch (sec) {
	case SEC_COMPONENTS:
		for (size_t i = 0; i < c->ncomps; i++) {
			if (!matches(t, c->comps[i].name, c->comps[i].ns))
				continue;
			count++;
			if (open) {
				struct row *r = row_add(t, R_COMPONENT, 2, ci);

				r->comp = &c->comps[i];
				r->key = xasprintf("c:%s:%s", c->name, c->comps[i].name);
			}
		}
		break;
	case SEC_NODES:
	case SEC_EDGE:
		v = fleet_sorted(c, FLEET_NODES, &n);
		for (size_t i = 0; i < n; i++) {
			int edge = !!(v[i]->flags & FLEET_OBJ_EDGE);

			if (edge != (sec == SEC_EDGE) || !matches(t, v[i]->name, NULL))
				continue;
			count++;
			if (open) {
				struct row *r = row_add(t, R_OBJ, 2, ci);

				r->obj = v[i];
				r->key = xasprintf("o:%s:Node:%s", c->name, v[i]->name);
			}
		}
		break;
	case SEC_WORKLOADS:
		for (int k = 0; k < FLEET__KINDS; k++) {
			if (!workload_kind(k))
				continue;
			v = fleet_sorted(c, k, &n);
			for (size_t i = 0; i < n; i++) {
				struct row *r;

				if (!matches(t, v[i]->name, v[i]->ns))
					continue;
				count++;
				if (!open)
					continue;
				r = row_add(t, R_OBJ, 2, ci);
				r->obj = v[i];
				r->expandable = 1;
				r->key = xasprintf("o:%s:%s:%s/%s", c->name, fleet_kind_name(k),
						   v[i]->ns, v[i]->name);
				r->expanded = fmap_get(&t->state, r->key) == EXPANDED;
				if (r->expanded)
					add_pods(t, c, ci, v[i]);
			}
		}
		break;
	case SEC_NAMESPACES:
		v = fleet_sorted(c, FLEET_NAMESPACES, &n);
		for (size_t i = 0; i < n; i++) {
			if (!matches(t, v[i]->name, NULL))
				continue;
			count++;
			if (open) {
				struct row *r = row_add(t, R_OBJ, 2, ci);

				r->obj = v[i];
				r->key = xasprintf("o:%s:Namespace:%s", c->name, v[i]->name);
			}
		}
		break;
	}
	t->rows[hdr].count = count;
	/* Hide empty sections that have nothing to say (edge, components)
	 * and, under a filter, every section without matches. */
	if (count == 0 && (sec == SEC_EDGE || sec == SEC_COMPONENTS || t->filter[0])) {
		for (size_t i = hdr; i < t->n; i++)
			free(t->rows[i].key);
		t->n = hdr;
	}
}

static void rebuild(struct pane *p)
{
	struct tree *t = p->priv;
	struct fleet *f = p->app->fleet;
	size_t nc = fleet_cluster_count(f);

	free(t->cur_key);
	t->cur_key = t->cur < t->n ? xstrdup(t->rows[t->cur].key) : NULL;
	rows_clear(t);
	for (size_t ci = 0; ci < nc; ci++) {
		struct fleet_cluster *c = fleet_cluster_at(f, ci);
		struct row *r = row_add(t, R_CLUSTER, 0, ci);
		char key[160];

		snprintf(key, sizeof(key), "k:%s", c->name);
		r->key = xstrdup(key);
		r->expandable = 1;
		r->expanded = is_open(t, key, 1);
		if (!r->expanded)
			continue;
		for (int s = 0; s < SEC__N; s++)
			add_section(t, f, ci, s);
	}
	if (nc == 0) {
		struct row *r = row_add(t, R_NOTE, 0, 0);

		r->note = "no clusters: type `demo` below, or start with --kubeconfig";
		r->key = xstrdup("note");
	}
	if (t->cur_key) {
		for (size_t i = 0; i < t->n; i++) {
			if (!strcmp(t->rows[i].key, t->cur_key)) {
				t->cur = i;
				break;
			}
		}
	}
	if (t->cur >= t->n)
		t->cur = t->n ? t->n - 1 : 0;
	/* Matches may arrive after the filter was typed (a watch still
	 * listing): land on the first one when it shows up. */
	for (size_t i = 0; t->land && t->filter[0] && i < t->n; i++) {
		if (t->rows[i].type == R_OBJ || t->rows[i].type == R_COMPONENT) {
			t->cur = i;
			t->land = 0;
			break;
		}
	}
	t->stale = 0;
}

void tree_pane_fleet_changed(struct pane *p)
{
	struct tree *t = p->priv;

	t->stale = 1;
	p->dirty = 1;
}

/* ---- selection ------------------------------------------------------ */

static void publish(struct pane *p)
{
	struct tree *t = p->priv;
	struct tui_sel sel;
	struct row *r;
	struct fleet_cluster *c;

	memset(&sel, 0, sizeof(sel));
	if (t->cur < t->n && t->rows[t->cur].type != R_NOTE) {
		r = &t->rows[t->cur];
		c = fleet_cluster_at(p->app->fleet, r->cluster);
		if (c)
			snprintf(sel.cluster, sizeof(sel.cluster), "%s", c->name);
		switch (r->type) {
		case R_CLUSTER:
			sel.type = SEL_CLUSTER;
			break;
		case R_SECTION:
			sel.type = SEL_SECTION;
			snprintf(sel.name, sizeof(sel.name), "%s", sec_names[r->section]);
			break;
		case R_COMPONENT:
			sel.type = SEL_COMPONENT;
			snprintf(sel.name, sizeof(sel.name), "%s", r->comp->name);
			snprintf(sel.ns, sizeof(sel.ns), "%s", r->comp->ns);
			break;
		case R_OBJ:
			sel.type = SEL_OBJECT;
			sel.kind = r->obj->kind;
			snprintf(sel.ns, sizeof(sel.ns), "%s", r->obj->ns);
			snprintf(sel.name, sizeof(sel.name), "%s", r->obj->name);
			break;
		default:
			break;
		}
	}
	tui_select(p->app, &sel);
}

static void set_open(struct tree *t, struct row *r, int open)
{
	fmap_put(&t->state, r->key, open ? EXPANDED : COLLAPSED);
	t->stale = 1;
}

static void logs_of(struct pane *p, struct row *r)
{
	struct tui *app = p->app;
	struct fleet_cluster *c = fleet_cluster_at(app->fleet, r->cluster);
	struct pane *logs = &app->panes[PANE_LOGS];

	if (r->type == R_OBJ && r->obj->kind == FLEET_PODS) {
		logs_pane_follow_pod(logs, c->name, r->obj->ns, r->obj->name, r->obj->container);
		return;
	}
	if (r->type == R_OBJ && workload_kind(r->obj->kind)) {
		size_t n;
		struct fleet_obj **pods;

		fleet_want(app->fleet, c->name, FLEET_PODS);
		pods = fleet_pods_of(c, r->obj->ns, fleet_kind_name(r->obj->kind), r->obj->name, &n);
		if (n)
			logs_pane_follow_pod(logs, c->name, pods[0]->ns, pods[0]->name,
					     pods[0]->container);
		else
			tui_error(app, "%s/%s on %s: no pods yet%s", r->obj->ns, r->obj->name, c->name,
				  c->synced[FLEET_PODS] ? "" : " (pods are loading, try again)");
		free(pods);
		return;
	}
	/* Anything else: the output of jobs (installs, joins). */
	logs->ops->action(logs, "jobs", NULL);
}

static int tree_action(struct pane *p, const char *action, const char *arg)
{
	struct tree *t = p->priv;
	int page = pane_inner_h(p) > 1 ? pane_inner_h(p) - 1 : 1;
	struct row *r = t->cur < t->n ? &t->rows[t->cur] : NULL;

	if (t->stale)
		rebuild(p);
	t->land = 0;
	if (!strcmp(action, "cursor-up")) {
		if (t->cur > 0)
			t->cur--;
	} else if (!strcmp(action, "cursor-down")) {
		if (t->cur + 1 < t->n)
			t->cur++;
	} else if (!strcmp(action, "page-up")) {
		t->cur = t->cur > (size_t)page ? t->cur - (size_t)page : 0;
	} else if (!strcmp(action, "page-down")) {
		t->cur += (size_t)page;
		if (t->cur >= t->n)
			t->cur = t->n ? t->n - 1 : 0;
	} else if (!strcmp(action, "top")) {
		t->cur = 0;
	} else if (!strcmp(action, "bottom")) {
		t->cur = t->n ? t->n - 1 : 0;
	} else if (!strcmp(action, "expand")) {
		if (r && r->expandable && !r->expanded) {
			set_open(t, r, 1);
			if (r->type == R_OBJ)
				fleet_want(p->app->fleet, fleet_cluster_at(p->app->fleet, r->cluster)->name,
					   FLEET_PODS);
		}
	} else if (!strcmp(action, "collapse")) {
		if (r && r->expandable && r->expanded) {
			set_open(t, r, 0);
		} else if (r) {
			/* Go to the parent row. */
			for (size_t i = t->cur; i-- > 0;) {
				if (t->rows[i].depth < r->depth) {
					t->cur = i;
					break;
				}
			}
		}
	} else if (!strcmp(action, "toggle")) {
		if (r && r->expandable) {
			set_open(t, r, !r->expanded);
			if (!r->expanded && r->type == R_OBJ)
				fleet_want(p->app->fleet, fleet_cluster_at(p->app->fleet, r->cluster)->name,
					   FLEET_PODS);
		}
	} else if (!strcmp(action, "logs")) {
		if (r && r->type != R_NOTE)
			logs_of(p, r);
	} else if (!strcmp(action, "clear-filter")) {
		if (!t->filter[0])
			return 0;
		t->filter[0] = '\0';
		t->stale = 1;
	} else {
		(void)arg;
		return 0;
	}
	if (t->stale)
		rebuild(p);
	publish(p);
	p->dirty = 1;
	return 1;
}

static void tree_prompt(struct pane *p, const char *text, int done)
{
	struct tree *t = p->priv;

	snprintf(t->filter, sizeof(t->filter), "%s", done < 0 ? "" : text);
	t->stale = 1;
	t->cur = 0;
	/* Land on the first match rather than the first cluster. */
	t->land = 1;
	rebuild(p);
	publish(p);
	p->dirty = 1;
}

/* ---- drawing -------------------------------------------------------- */

static const char *health_glyph(enum fleet_health h)
{
	switch (h) {
	case FLEET_OK:
		return glyph("\u25cf", "*");
	case FLEET_WARN:
		return glyph("\u25d0", "~");
	case FLEET_ERR:
		return glyph("\u2716", "x");
	default:
		return glyph("\u25cb", "?");
	}
}

/* Draw one segment, return the new column. */
static int seg(WINDOW *w, int y, int x, int maxx, unsigned long attr, const char *s)
{
	if (x >= maxx)
		return x;
	wattrset(w, attr);
	return x + text_put(w, y, x, s, strlen(s), 0, maxx - x);
}

static void draw_row(struct pane *p, struct row *r, int y, int selected)
{
	struct fleet_cluster *c = fleet_cluster_at(p->app->fleet, r->cluster);
	WINDOW *w = p->win;
	int x = 1 + r->depth * 2, maxx = p->r.w - 1;
	unsigned long base = theme_attr(THEME_NORMAL);
	unsigned long sel = theme_attr(p->focused ? THEME_SELECTED : THEME_SELECTED_IDLE);
	char buf[1024];
	int unreachable = c && c->reachable == 0;

	if (selected) {
		wattrset(w, sel);
		text_pad(w, y, 1, maxx - 1);
	}
#define A(e) (selected ? sel : theme_attr(e))
	if (r->expandable)
		x = seg(w, y, x, maxx, A(THEME_DIM), r->expanded ? glyph("\u25be ", "- ") :
			glyph("\u25b8 ", "+ "));
	else if (r->depth > 0)
		x = seg(w, y, x, maxx, A(THEME_DIM), "  ");
	switch (r->type) {
	case R_CLUSTER:
		if (c->reachable == 0) {
			x = seg(w, y, x, maxx, A(THEME_STATUS_ERR), glyph("\u2716 ", "x "));
			x = seg(w, y, x, maxx, selected ? sel : base | A_BOLD, c->name);
			x = seg(w, y, x, maxx, A(THEME_STATUS_ERR), "  unreachable");
			if (c->err[0]) {
				snprintf(buf, sizeof(buf), ": %s", c->err);
				seg(w, y, x, maxx, A(THEME_DIM), buf);
			}
			break;
		}
		x = seg(w, y, x, maxx, A(c->reachable > 0 ? THEME_STATUS_OK : THEME_STATUS_UNKNOWN),
			c->reachable > 0 ? glyph("\u25cf ", "* ") : glyph("\u25cb ", "? "));
		x = seg(w, y, x, maxx, selected ? sel : base | A_BOLD, c->name);
		{
			size_t nn;

			fleet_sorted(c, FLEET_NODES, &nn);
			snprintf(buf, sizeof(buf), "  %s  %d/%zu nodes ready", c->version ? c->version : "",
				 c->nodes_ready, nn);
			if (c->synced[FLEET_PODS])
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "  %zu pods",
					 fmap_count(&c->objs[FLEET_PODS]));
			if (c->reachable < 0)
				snprintf(buf, sizeof(buf), "  connecting...");
			seg(w, y, x, maxx, A(THEME_DIM), buf);
		}
		break;
	case R_SECTION:
		snprintf(buf, sizeof(buf), "%s", sec_names[r->section]);
		x = seg(w, y, x, maxx, selected ? sel : base | A_BOLD, buf);
		snprintf(buf, sizeof(buf), " (%zu)", r->count);
		seg(w, y, x, maxx, A(THEME_DIM), buf);
		break;
	case R_COMPONENT:
		x = seg(w, y, x, maxx, A(pane_health_elem(r->comp->health)), health_glyph(r->comp->health));
		x = seg(w, y, x, maxx, A(THEME_NORMAL), " ");
		x = seg(w, y, x, maxx, selected ? sel : base | A_BOLD, r->comp->name);
		snprintf(buf, sizeof(buf), "  %s", r->comp->version ? r->comp->version : "");
		x = seg(w, y, x, maxx, A(THEME_DIM), buf);
		x = seg(w, y, x, maxx, A(THEME_NORMAL), "  ");
		seg(w, y, x, maxx, A(pane_health_elem(r->comp->health)), r->comp->status);
		break;
	case R_OBJ: {
		struct fleet_obj *o = r->obj;
		enum fleet_health h = unreachable ? FLEET_UNKNOWN : o->health;

		x = seg(w, y, x, maxx, A(pane_health_elem(h)), health_glyph(h));
		x = seg(w, y, x, maxx, A(THEME_NORMAL), " ");
		if (o->ns[0] && o->kind != FLEET_PODS) {
			snprintf(buf, sizeof(buf), "%s/", o->ns);
			x = seg(w, y, x, maxx, A(THEME_DIM), buf);
		}
		x = seg(w, y, x, maxx, A(THEME_NORMAL), o->name);
		if (workload_kind(o->kind))
			snprintf(buf, sizeof(buf), "  %s %s", fleet_kind_name(o->kind), o->status);
		else if (o->kind == FLEET_NODES)
			snprintf(buf, sizeof(buf), "  %s%s", o->status,
				 o->flags & FLEET_OBJ_CONTROL_PLANE ? "  control-plane" : "");
		else if (o->kind == FLEET_PODS)
			snprintf(buf, sizeof(buf), "  %s %ld/%ld", o->status, o->ready, o->want);
		else
			snprintf(buf, sizeof(buf), "  %s", o->status);
		seg(w, y, x, maxx, A(pane_health_elem(h)), buf);
		break;
	}
	case R_NOTE:
		seg(w, y, x, maxx, A(THEME_DIM), r->note);
		break;
	}
#undef A
	wattrset(w, base);
}

static void tree_draw(struct pane *p)
{
	struct tree *t = p->priv;
	int h = pane_inner_h(p);

	if (t->stale) {
		rebuild(p);
		publish(p);
	}
	if (t->cur < t->top)
		t->top = t->cur;
	if (h > 0 && t->cur >= t->top + (size_t)h)
		t->top = t->cur - (size_t)h + 1;
	if (t->top + (size_t)h > t->n)
		t->top = t->n > (size_t)h ? t->n - (size_t)h : 0;
	for (int y = 0; y < h && t->top + (size_t)y < t->n; y++)
		draw_row(p, &t->rows[t->top + (size_t)y], y + 1, t->top + (size_t)y == t->cur);
	if (t->filter[0])
		snprintf(p->title, sizeof(p->title), "Fleet  /%s", t->filter);
	else
		snprintf(p->title, sizeof(p->title), "Fleet");
}

static void tree_init(struct pane *p)
{
	struct tree *t = xcalloc(1, sizeof(*t));

	fmap_init(&t->state);
	t->stale = 1;
	p->priv = t;
	snprintf(p->title, sizeof(p->title), "Fleet");
}

static void tree_free(struct pane *p)
{
	struct tree *t = p->priv;

	rows_clear(t);
	free(t->rows);
	free(t->cur_key);
	fmap_release(&t->state, NULL);
	free(t);
}

const struct pane_ops pane_tree_ops = {
	.name = "tree",
	.init = tree_init,
	.free = tree_free,
	.draw = tree_draw,
	.action = tree_action,
	.prompt = tree_prompt,
};
