/* pane-metrics.c - sparklines of CPU, memory and pods for the selected
 * cluster (or node: its current usage against capacity), sampled by the
 * fleet from metrics.k8s.io. */
#include <stdio.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/spark.h"

static void spark_row(struct pane *p, int y, enum theme_elem e, const char *label,
		      const struct fleet_series *s, double max, const char *now)
{
	double v[FLEET_SAMPLES];
	size_t n = fleet_series_get(s, v);
	int w = pane_inner_w(p);
	int sw = w - 6 - (int)strlen(now) - 1;
	struct strbuf sb = STRBUF_INIT;

	if (y > pane_inner_h(p))
		return;
	wattrset(p->win, theme_attr(THEME_DIM));
	mvwprintw(p->win, y, 1, "%-5s", label);
	if (sw > 0) {
		spark_render(&sb, v, n, max, (size_t)sw, text_utf8());
		wattrset(p->win, theme_attr(e));
		text_put(p->win, y, 7, sb.buf, sb.len, 0, sw);
	}
	wattrset(p->win, theme_attr(THEME_NORMAL));
	text_put(p->win, y, 1 + w - (int)strlen(now), now, strlen(now), 0, (int)strlen(now));
	strbuf_release(&sb);
}

static void metrics_draw(struct pane *p)
{
	const struct tui_sel *sel = &p->app->sel;
	struct fleet_cluster *c = fleet_cluster_find(p->app->fleet, sel->cluster);
	char now[48];
	int y = 1;

	if (!c && fleet_cluster_count(p->app->fleet))
		c = fleet_cluster_at(p->app->fleet, 0);
	if (!c) {
		snprintf(p->title, sizeof(p->title), "Metrics");
		return;
	}
	snprintf(p->title, sizeof(p->title), "Metrics: %s", c->name);
	if (sel->type == SEL_OBJECT && sel->kind == FLEET_NODES) {
		struct fleet_obj *o = fleet_obj_find(c, FLEET_NODES, NULL, sel->name);

		if (o) {
			snprintf(p->title, sizeof(p->title), "Metrics: %s", o->name);
			snprintf(now, sizeof(now), "cpu %ldm / %ldm", o->cpu_milli < 0 ? 0 : o->cpu_milli,
				 o->cap_cpu_milli < 0 ? 0 : o->cap_cpu_milli);
			wattrset(p->win, theme_attr(THEME_SPARK_CPU));
			text_put(p->win, y++, 1, now, strlen(now), 0, pane_inner_w(p));
			snprintf(now, sizeof(now), "mem %ldMi / %ldMi", o->mem_kib < 0 ? 0 : o->mem_kib / 1024,
				 o->cap_mem_kib < 0 ? 0 : o->cap_mem_kib / 1024);
			wattrset(p->win, theme_attr(THEME_SPARK_MEM));
			text_put(p->win, y++, 1, now, strlen(now), 0, pane_inner_w(p));
			wattrset(p->win, theme_attr(THEME_NORMAL));
			y++;
		}
	}
	spark_human(now, sizeof(now), fleet_series_last(&c->cpu) / 1000.0, "c");
	spark_row(p, y, THEME_SPARK_CPU, "cpu", &c->cpu, c->cpu_capacity_milli, now);
	y += 2;
	spark_human(now, sizeof(now), fleet_series_last(&c->mem) / 1048576.0, "G");
	spark_row(p, y, THEME_SPARK_MEM, "mem", &c->mem, c->mem_capacity_kib, now);
	y += 2;
	snprintf(now, sizeof(now), "%.0f", fleet_series_last(&c->pods));
	spark_row(p, y, THEME_SPARK_PODS, "pods", &c->pods, 0, now);
	y += 2;
	if (!c->metrics_ok && y <= pane_inner_h(p)) {
		wattrset(p->win, theme_attr(THEME_DIM));
		mvwaddnstr(p->win, y, 1, "no metrics yet", pane_inner_w(p));
		wattrset(p->win, theme_attr(THEME_NORMAL));
	}
}

static void metrics_init(struct pane *p)
{
	snprintf(p->title, sizeof(p->title), "Metrics");
}

static void metrics_free(struct pane *p)
{
	(void)p;
}

const struct pane_ops pane_metrics_ops = {
	.name = "metrics",
	.init = metrics_init,
	.free = metrics_free,
	.draw = metrics_draw,
};
