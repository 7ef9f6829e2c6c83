/* wizard.c - `install` with no component: a guided form over the same
 * command. Steps: component, target clusters, version, options, plan,
 * confirm; then the install runs as the shell would run it and its
 * progress shows in the logs pane and the tree.
 *
 * Lists are ncurses menus (the target list is multi-valued), options an
 * ncurses form with one field per recipe parameter.
 */
#include <form.h>
#include <menu.h>
#include <stdio.h>
#include <string.h>

#include "backends/recipes/recipe.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/glue.h"

enum step { ST_COMPONENT, ST_TARGETS, ST_VERSION, ST_OPTIONS, ST_PLAN, ST__N };

static const char *const step_names[ST__N] = {
	"1 component", "2 targets", "3 version", "4 options", "5 plan",
};

struct wizard {
	enum step step;
	struct recipe_set *set;
	char *component, *version;
	char **clusters;
	size_t nclusters;
	int *picked;
	const struct recipe *recipe;
	WINDOW *win, *sub;
	MENU *menu;
	ITEM **items;
	size_t nitems;
	char **item_names;       /* storage for item names/descriptions */
	FORM *form;
	FIELD **fields;
	size_t nfields;
	char **sets;             /* "k=v" from the options step */
	size_t nsets;
	int cur_field;
	struct strbuf cmd;       /* the command line that will run */
	char err[256];
};

static void menu_drop(struct wizard *w)
{
	if (w->menu) {
		unpost_menu(w->menu);
		free_menu(w->menu);
		w->menu = NULL;
	}
	for (size_t i = 0; i < w->nitems; i++)
		free_item(w->items[i]);
	free(w->items);
	w->items = NULL;
	for (size_t i = 0; i < w->nitems * 2; i++)
		free(w->item_names[i]);
	free(w->item_names);
	w->item_names = NULL;
	w->nitems = 0;
}

static void form_drop(struct wizard *w)
{
	if (w->form) {
		unpost_form(w->form);
		free_form(w->form);
		w->form = NULL;
	}
	for (size_t i = 0; i < w->nfields; i++)
		free_field(w->fields[i]);
	free(w->fields);
	w->fields = NULL;
	w->nfields = 0;
}

static void sets_drop(struct wizard *w)
{
	for (size_t i = 0; i < w->nsets; i++)
		free(w->sets[i]);
	free(w->sets);
	w->sets = NULL;
	w->nsets = 0;
}

static void windows_make(struct tui *app, struct wizard *w)
{
	int h = app->rows - 4, cols = app->cols - 8;

	if (h > 22)
		h = 22;
	if (cols > 84)
		cols = 84;
	if (h < 8)
		h = 8;
	if (cols < 30)
		cols = 30;
	if (w->sub)
		delwin(w->sub);
	if (w->win)
		delwin(w->win);
	w->win = newwin(h, cols, (app->rows - h) / 2, (app->cols - cols) / 2);
	w->sub = w->win ? derwin(w->win, h - 6, cols - 4, 4, 2) : NULL;
	if (w->win)
		keypad(w->win, TRUE);
}

/* A menu over names (and optional descriptions); the target checklist
 * shows its ticks in the names ("[x] host"), rebuilt on each toggle. */
static void menu_make(struct wizard *w, const char *const *names, const char *const *descs,
		      size_t n, int multi)
{
	int cur = w->menu && current_item(w->menu) ? item_index(current_item(w->menu)) : 0;

	menu_drop(w);
	w->items = xcalloc(n + 1, sizeof(*w->items));
	w->item_names = xcalloc(n * 2 + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		w->item_names[2 * i] = multi ? xasprintf("[%c] %s", w->picked[i] ? 'x' : ' ', names[i]) :
				       xstrdup(names[i]);
		w->item_names[2 * i + 1] = xstrdup(descs && descs[i] ? descs[i] : "");
		w->items[i] = new_item(w->item_names[2 * i], w->item_names[2 * i + 1]);
	}
	w->nitems = n;
	w->menu = new_menu(w->items);
	if (!w->menu)
		return;
	set_menu_win(w->menu, w->win);
	set_menu_sub(w->menu, w->sub);
	set_menu_format(w->menu, getmaxy(w->sub) > 0 ? getmaxy(w->sub) : 1, 1);
	set_menu_mark(w->menu, "> ");
	set_menu_fore(w->menu, (chtype)theme_attr(THEME_SELECTED));
	set_menu_back(w->menu, (chtype)theme_attr(THEME_NORMAL));
	set_menu_grey(w->menu, (chtype)theme_attr(THEME_DIM));
	post_menu(w->menu);
	if (multi && cur > 0 && (size_t)cur < n)
		set_current_item(w->menu, w->items[cur]);
}

static void step_enter(struct tui *app, struct wizard *w);

static int load_recipe(struct wizard *w)
{
	struct kerr err = { 0 };

	if (recipe_set_find(w->set, w->component, w->version, &w->recipe, &err) < 0) {
		snprintf(w->err, sizeof(w->err), "%.*s", (int)sizeof(w->err) - 1, err.msg);
		return -1;
	}
	return 0;
}

static void options_make(struct wizard *w)
{
	const struct recipe *r = w->recipe;
	int width = getmaxx(w->sub) - 24;

	form_drop(w);
	if (!r || !r->nparams || width < 8)
		return;
	w->fields = xcalloc(r->nparams + 1, sizeof(*w->fields));
	for (size_t i = 0; i < r->nparams && (int)i < getmaxy(w->sub); i++) {
		FIELD *f = new_field(1, width, (int)i, 22, 0, 0);
		char val[256] = "";

		if (!f)
			break;
		if (json_is_string(r->params[i].dflt))
			snprintf(val, sizeof(val), "%s", json_string_value(r->params[i].dflt));
		else if (json_is_integer(r->params[i].dflt))
			snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(r->params[i].dflt));
		else if (json_is_boolean(r->params[i].dflt))
			snprintf(val, sizeof(val), "%s", json_is_true(r->params[i].dflt) ? "true" : "false");
		set_field_buffer(f, 0, val);
		field_opts_off(f, O_AUTOSKIP);
		set_field_back(f, (chtype)theme_attr(THEME_FIELD));
		w->fields[w->nfields++] = f;
	}
	w->form = new_form(w->fields);
	if (!w->form)
		return;
	set_form_win(w->form, w->win);
	set_form_sub(w->form, w->sub);
	post_form(w->form);
}

/* Read the option fields back as --set k=v for values that differ from
 * the defaults (so the command line stays short and honest). */
static void options_collect(struct wizard *w)
{
	const struct recipe *r = w->recipe;

	sets_drop(w);
	if (!w->form)
		return;
	form_driver(w->form, REQ_VALIDATION);
	w->sets = xcalloc(w->nfields + 1, sizeof(char *));
	for (size_t i = 0; i < w->nfields; i++) {
		char *v = xstrdup(field_buffer(w->fields[i], 0));
		size_t l = strlen(v);
		char dflt[256] = "";

		while (l && v[l - 1] == ' ')
			v[--l] = '\0';
		if (json_is_string(r->params[i].dflt))
			snprintf(dflt, sizeof(dflt), "%s", json_string_value(r->params[i].dflt));
		else if (json_is_integer(r->params[i].dflt))
			snprintf(dflt, sizeof(dflt), "%lld", (long long)json_integer_value(r->params[i].dflt));
		else if (json_is_boolean(r->params[i].dflt))
			snprintf(dflt, sizeof(dflt), "%s", json_is_true(r->params[i].dflt) ? "true" : "false");
		if (strcmp(v, dflt))
			w->sets[w->nsets++] = xasprintf("%s=%s", r->params[i].name, v);
		free(v);
	}
}

static void build_cmd(struct wizard *w)
{
	int first = 1;

	strbuf_reset(&w->cmd);
	strbuf_addf(&w->cmd, "install %s", w->component);
	if (w->version)
		strbuf_addf(&w->cmd, " --version %s", w->version);
	for (size_t i = 0; i < w->nclusters; i++) {
		if (!w->picked[i])
			continue;
		strbuf_addstr(&w->cmd, first ? " --clusters " : ",");
		strbuf_addstr(&w->cmd, w->clusters[i]);
		first = 0;
	}
	for (size_t i = 0; i < w->nsets; i++)
		strbuf_addf(&w->cmd, " --set %s", w->sets[i]);
}

static void step_enter(struct tui *app, struct wizard *w)
{
	menu_drop(w);
	form_drop(w);
	w->err[0] = '\0';
	switch (w->step) {
	case ST_COMPONENT: {
		const char *const *names = recipe_set_components(w->set);
		size_t n = 0;
		const char **descs;

		while (names && names[n])
			n++;
		descs = xcalloc(n + 1, sizeof(*descs));
		for (size_t i = 0; i < n; i++) {
			const struct recipe *r = NULL;

			if (recipe_set_find(w->set, names[i], NULL, &r, NULL) == 0)
				descs[i] = r->description;
		}
		menu_make(w, names, descs, n, 0);
		free(descs);
		break;
	}
	case ST_TARGETS:
		menu_make(w, (const char *const *)w->clusters, NULL, w->nclusters, 1);
		break;
	case ST_VERSION: {
		const char *const *v = recipe_set_versions(w->set, w->component);
		size_t n = 0;

		while (v && v[n])
			n++;
		menu_make(w, v, NULL, n, 0);
		break;
	}
	case ST_OPTIONS:
		options_make(w);
		break;
	case ST_PLAN:
		options_collect(w);
		build_cmd(w);
		break;
	default:
		break;
	}
	(void)app;
}

int wizard_open(struct tui *app, const char *component)
{
	struct wizard *w;
	struct kerr err = { 0 };
	const char *ctx = glue_context(app);

	if (app->wiz)
		return 0;
	w = xcalloc(1, sizeof(*w));
	strbuf_init(&w->cmd, 128);
	if (recipe_set_load(NULL, &w->set, &err) < 0) {
		tui_error(app, "install wizard: %s", err.msg);
		strbuf_release(&w->cmd);
		free(w);
		return -1;
	}
	w->nclusters = fleet_cluster_count(app->fleet);
	w->clusters = xcalloc(w->nclusters + 1, sizeof(char *));
	w->picked = xcalloc(w->nclusters + 1, sizeof(int));
	for (size_t i = 0; i < w->nclusters; i++) {
		w->clusters[i] = xstrdup(fleet_cluster_at(app->fleet, i)->name);
		/* Start from the selected cluster, else the current context. */
		w->picked[i] = app->sel.cluster[0] ? !strcmp(app->sel.cluster, w->clusters[i]) :
			       ctx && !strcmp(ctx, w->clusters[i]);
	}
	app->wiz = w;
	windows_make(app, w);
	if (component && *component) {
		w->component = xstrdup(component);
		w->step = ST_TARGETS;
	}
	step_enter(app, w);
	keypad(app->inwin, TRUE);
	curs_set(0);
	tui_dirty_all(app);
	return 0;
}

void wizard_close(struct tui *app)
{
	struct wizard *w = app->wiz;

	if (!w)
		return;
	menu_drop(w);
	form_drop(w);
	sets_drop(w);
	if (w->sub)
		delwin(w->sub);
	if (w->win)
		delwin(w->win);
	for (size_t i = 0; i < w->nclusters; i++)
		free(w->clusters[i]);
	free(w->clusters);
	free(w->picked);
	free(w->component);
	free(w->version);
	strbuf_release(&w->cmd);
	recipe_set_free(w->set);
	free(w);
	app->wiz = NULL;
	keypad(app->inwin, app->focus != PANE_SHELL);
	curs_set(app->focus == PANE_SHELL);
	tui_dirty_all(app);
}

void wizard_resize(struct tui *app)
{
	struct wizard *w = app->wiz;

	/* Windows change size: rebuild the current step's widgets. */
	if (w->step == ST_OPTIONS && w->form)
		options_collect(w);
	menu_drop(w);
	form_drop(w);
	windows_make(app, w);
	step_enter(app, w);
}

static int picked_any(struct wizard *w)
{
	for (size_t i = 0; i < w->nclusters; i++)
		if (w->picked[i])
			return 1;
	return 0;
}

static void next_step(struct tui *app, struct wizard *w)
{
	ITEM *it = w->menu ? current_item(w->menu) : NULL;

	switch (w->step) {
	case ST_COMPONENT:
		if (!it)
			return;
		free(w->component);
		w->component = xstrdup(item_name(it));
		break;
	case ST_TARGETS:
		if (!picked_any(w)) {
			snprintf(w->err, sizeof(w->err), "pick at least one cluster (Space)");
			return;
		}
		break;
	case ST_VERSION:
		if (!it)
			return;
		free(w->version);
		w->version = xstrdup(item_name(it));
		if (load_recipe(w) < 0)
			return;
		break;
	case ST_OPTIONS:
		break;
	case ST_PLAN: {
		char *cmd = xstrdup(w->cmd.buf);

		wizard_close(app);
		/* The same command the shell runs: progress goes to the logs
		 * pane (jobs) and the tree. */
		tui_run_line(app, cmd);
		app->panes[PANE_LOGS].ops->action(&app->panes[PANE_LOGS], "jobs", NULL);
		free(cmd);
		return;
	}
	default:
		return;
	}
	w->step++;
	step_enter(app, w);
}

static void prev_step(struct tui *app, struct wizard *w)
{
	if (w->step == ST_OPTIONS)
		options_collect(w);
	if (w->step > ST_COMPONENT)
		w->step--;
	step_enter(app, w);
}

int wizard_key(struct tui *app, int key)
{
	struct wizard *w = app->wiz;
	const struct key_binding *b;

	if (key == KEY_RESIZE)
		return 0;
	b = keys_lookup("wizard", key);
	if (b && !strcmp(b->action, "cancel")) {
		wizard_close(app);
		return 1;
	}
	if (b && !strcmp(b->action, "next-step")) {
		next_step(app, w);
		return 1;
	}
	if (key == KEY_LEFT && w->step != ST_OPTIONS) {
		prev_step(app, w);
		return 1;
	}
	if (w->menu) {
		switch (key) {
		case KEY_UP:
		case 'k':
			menu_driver(w->menu, REQ_UP_ITEM);
			break;
		case KEY_DOWN:
		case 'j':
			menu_driver(w->menu, REQ_DOWN_ITEM);
			break;
		case ' ':
			if (w->step == ST_TARGETS && current_item(w->menu)) {
				int i = item_index(current_item(w->menu));

				w->picked[i] = !w->picked[i];
				menu_make(w, (const char *const *)w->clusters, NULL, w->nclusters, 1);
			}
			break;
		case KEY_BACKSPACE:
		case 127:
			prev_step(app, w);
			break;
		default:
			break;
		}
		return 1;
	}
	if (w->form) {
		switch (key) {
		case '\t':
		case KEY_DOWN:
			form_driver(w->form, REQ_NEXT_FIELD);
			form_driver(w->form, REQ_END_LINE);
			break;
		case KEY_BTAB:
		case KEY_UP:
			form_driver(w->form, REQ_PREV_FIELD);
			form_driver(w->form, REQ_END_LINE);
			break;
		case KEY_LEFT:
			form_driver(w->form, REQ_PREV_CHAR);
			break;
		case KEY_RIGHT:
			form_driver(w->form, REQ_NEXT_CHAR);
			break;
		case KEY_BACKSPACE:
		case 127:
		case 8:
			form_driver(w->form, REQ_DEL_PREV);
			break;
		case 21:
			form_driver(w->form, REQ_CLR_FIELD);
			break;
		default:
			if (key >= 32 && key < 127)
				form_driver(w->form, key);
			break;
		}
		return 1;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 'b')
		prev_step(app, w);
	return 1;
}

static void draw_plan(struct wizard *w)
{
	const struct recipe *r = w->recipe;
	int y = 0, maxy = getmaxy(w->sub), width = getmaxx(w->sub);
	char buf[512];

#define OUT(e, ...) do { if (y < maxy) { snprintf(buf, sizeof(buf), __VA_ARGS__); \
	wattrset(w->sub, theme_attr(e)); text_put(w->sub, y++, 0, buf, strlen(buf), 0, width); } } while (0)
	OUT(THEME_NORMAL, "%s %s into namespace %s on:", w->component, w->version ? w->version : "",
	    r && r->ns ? r->ns : "-");
	for (size_t i = 0; i < w->nclusters; i++)
		if (w->picked[i])
			OUT(THEME_STATUS_OK, "  %s", w->clusters[i]);
	if (r) {
		OUT(THEME_DIM, "upstream artifacts:");
		for (size_t i = 0; i < r->nartifacts; i++)
			OUT(THEME_NORMAL, "  %s", r->artifacts[i].file);
		OUT(THEME_DIM, "phases, applied in order and waited for:");
		for (size_t i = 0; i < r->nphases; i++)
			OUT(THEME_NORMAL, "  %zu. %s%s", i + 1, r->phases[i].name,
			    r->phases[i].wait_ready ? " (wait ready)" : "");
	}
	for (size_t i = 0; i < w->nsets; i++)
		OUT(THEME_NORMAL, "  --set %s", w->sets[i]);
	y = maxy - 2 > y ? maxy - 2 : y;
	OUT(THEME_DIM, "runs:");
	OUT(THEME_PROMPT, "%s", w->cmd.buf);
#undef OUT
}

void wizard_draw(struct tui *app)
{
	struct wizard *w = app->wiz;
	int cols;
	char buf[256];

	if (!w || !w->win)
		return;
	cols = getmaxx(w->win);
	wbkgdset(w->win, ' ' | theme_attr(THEME_NORMAL));
	if (!w->menu && !w->form)
		werase(w->win);
	wattrset(w->win, theme_attr(THEME_BORDER_FOCUS));
	box(w->win, 0, 0);
	wattrset(w->win, theme_attr(THEME_TITLE_FOCUS));
	snprintf(buf, sizeof(buf), " Install%s%s ", w->component ? ": " : "",
		 w->component ? w->component : "");
	text_put(w->win, 0, 2, buf, strlen(buf), 0, cols - 4);
	/* Step bar. */
	{
		int x = 2;

		for (int s = 0; s < ST__N; s++) {
			wattrset(w->win, theme_attr(s == (int)w->step ? THEME_SELECTED : THEME_DIM));
			x += text_put(w->win, 1, x, step_names[s], strlen(step_names[s]), 0, cols - 2 - x);
			x += 2;
		}
	}
	wattrset(w->win, theme_attr(THEME_DIM));
	{
		const char *hint = w->step == ST_TARGETS ? "Space: tick  Enter: next  Left: back  Esc: close" :
				   w->step == ST_OPTIONS ? "Tab/Up/Down: field  Enter: next  Esc: close" :
				   w->step == ST_PLAN ? "Enter: install  Left/b: back  Esc: close" :
				   "Up/Down: choose  Enter: next  Left: back  Esc: close";

		mvwhline(w->win, 2, 1, ' ', cols - 2);
		text_put(w->win, 2, 2, hint, strlen(hint), 0, cols - 4);
	}
	if (w->err[0]) {
		wattrset(w->win, theme_attr(THEME_STATUS_ERR));
		text_put(w->win, getmaxy(w->win) - 2, 2, w->err, strlen(w->err), 0, cols - 4);
	}
	if (w->step == ST_OPTIONS && w->recipe) {
		if (!w->recipe->nparams) {
			wattrset(w->sub, theme_attr(THEME_DIM));
			mvwaddstr(w->sub, 0, 0, "no options: Enter to continue");
		}
		for (size_t i = 0; i < w->nfields; i++) {
			wattrset(w->sub, theme_attr(THEME_NORMAL));
			text_put(w->sub, (int)i, 0, w->recipe->params[i].name,
				 strlen(w->recipe->params[i].name), 0, 21);
		}
	}
	if (w->step == ST_PLAN) {
		werase(w->sub);
		draw_plan(w);
	}
	wattrset(w->win, theme_attr(THEME_NORMAL));
	if (w->menu)
		pos_menu_cursor(w->menu);
	/* Panes redrawn underneath must not win: copy the whole wizard. */
	touchwin(w->win);
	wnoutrefresh(w->win);
	if (w->sub)
		wnoutrefresh(w->sub);
	if (w->form) {
		pos_form_cursor(w->form);
		wnoutrefresh(w->sub);
		curs_set(1);
	} else {
		curs_set(0);
	}
}
