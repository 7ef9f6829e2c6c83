/* help.c - the `?` overlay: every key binding, from the tables. */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"

static int help_lines(char lines[][160], int max)
{
	const struct key_binding *const *all = keys_all();
	const char *table = NULL;
	int n = 0;

	for (size_t i = 0; all[i] && n < max; i++) {
		if (!table || strcmp(table, all[i]->table)) {
			table = all[i]->table;
			if (n && n < max)
				lines[n++][0] = '\0';
			if (n < max)
				snprintf(lines[n++], 160, "[%s]", table);
		}
		if (n < max)
			snprintf(lines[n++], 160, "  %-9s %-16s %s", all[i]->key, all[i]->action,
				 all[i]->help);
	}
	return n;
}

void help_draw(struct tui *app)
{
	static char lines[200][160];
	int n = help_lines(lines, 200);
	int h = app->rows - 4, w = app->cols - 8;

	if (h < 5 || w < 30)
		return;
	if (h > n + 2)
		h = n + 2;
	if (w > 90)
		w = 90;
	if (app->overlay)
		delwin(app->overlay);
	app->overlay = newwin(h, w, (app->rows - h) / 2, (app->cols - w) / 2);
	if (!app->overlay)
		return;
	wbkgdset(app->overlay, ' ' | theme_attr(THEME_NORMAL));
	werase(app->overlay);
	wattrset(app->overlay, theme_attr(THEME_BORDER_FOCUS));
	box(app->overlay, 0, 0);
	wattrset(app->overlay, theme_attr(THEME_TITLE_FOCUS));
	mvwaddstr(app->overlay, 0, 2, " Keys (q/Esc closes, j/k scroll) ");
	if (app->help_top > n - (h - 2))
		app->help_top = n - (h - 2) > 0 ? n - (h - 2) : 0;
	for (int y = 0; y < h - 2 && app->help_top + y < n; y++) {
		const char *l = lines[app->help_top + y];

		wattrset(app->overlay, theme_attr(l[0] == '[' ? THEME_HELP_KEY : THEME_NORMAL));
		text_put(app->overlay, y + 1, 2, l, strlen(l), 0, w - 4);
	}
	wnoutrefresh(app->overlay);
}

int help_key(struct tui *app, int key)
{
	if (key == 'j' || key == KEY_DOWN) {
		app->help_top++;
	} else if (key == 'k' || key == KEY_UP) {
		if (app->help_top > 0)
			app->help_top--;
	} else if (key == KEY_NPAGE || key == ' ') {
		app->help_top += app->rows / 2;
	} else if (key == KEY_PPAGE) {
		app->help_top = app->help_top > app->rows / 2 ? app->help_top - app->rows / 2 : 0;
	} else {
		return 0;
	}
	tui_dirty_all(app);
	return 1;
}
