/* statusline.c - the bottom line: context, clusters, jobs running, the
 * last error, key hints; the `/` prompt when it is open. */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/glue.h"

static int put(WINDOW *w, int x, int maxx, unsigned long attr, const char *s)
{
	if (x >= maxx)
		return x;
	wattrset(w, attr);
	return x + text_put(w, 0, x, s, strlen(s), 0, maxx - x);
}

void statusline_draw(struct tui *app)
{
	static const char *const spin_utf8[] = { "\u280b", "\u2819", "\u2839", "\u2838",
						 "\u283c", "\u2834", "\u2826", "\u2827" };
	static const char *const spin_ascii[] = { "|", "/", "-", "\\" };
	WINDOW *w = app->status;
	int maxx = app->cols, x = 0, down = 0;
	size_t nc = fleet_cluster_count(app->fleet);
	char buf[1024];
	unsigned long base = theme_attr(THEME_STATUSLINE);
	const char *ctx = glue_context(app);

	if (!w)
		return;
	wattrset(w, base);
	wbkgdset(w, ' ' | base);
	werase(w);
	if (app->prompt_on) {
		x = put(w, x, maxx, theme_attr(THEME_STATUSLINE_KEY), app->prompt_label);
		x = put(w, x, maxx, base, app->prompt.buf);
		wmove(w, 0, x < maxx ? x : maxx - 1);
		wnoutrefresh(w);
		return;
	}
	for (size_t i = 0; i < nc; i++)
		if (fleet_cluster_at(app->fleet, i)->reachable == 0)
			down++;
	x = put(w, x, maxx, theme_attr(THEME_STATUSLINE_KEY), " kurator ");
	snprintf(buf, sizeof(buf), " ctx %s ", ctx && *ctx ? ctx : "-");
	x = put(w, x, maxx, base, buf);
	snprintf(buf, sizeof(buf), " %zu clusters", nc);
	x = put(w, x, maxx, base, buf);
	if (down) {
		snprintf(buf, sizeof(buf), " (%d unreachable)", down);
		x = put(w, x, maxx, theme_attr(THEME_STATUSLINE_ERR), buf);
	}
	if (glue_busy(app) || app->jobs_running > 0) {
		int n = app->jobs_running;

		if (text_utf8())
			snprintf(buf, sizeof(buf), "  %s %d job%s", spin_utf8[app->spin % 8], n,
				 n == 1 ? "" : "s");
		else
			snprintf(buf, sizeof(buf), "  %s %d job%s", spin_ascii[app->spin % 4], n,
				 n == 1 ? "" : "s");
		x = put(w, x, maxx, base, buf);
	}
	x = put(w, x, maxx, base, "  ");
	if (app->last_error[0]) {
		snprintf(buf, sizeof(buf), " %s ", app->last_error);
		put(w, x, maxx, theme_attr(THEME_STATUSLINE_ERR), buf);
	} else {
		const char *hints = "?:help  ::shell  /:filter  Tab:pane  l:logs  i:install  q:quit";
		int hw = (int)strlen(hints);

		if (maxx - hw - 1 > x)
			put(w, maxx - hw - 1, maxx, base, hints);
	}
	wnoutrefresh(w);
}
