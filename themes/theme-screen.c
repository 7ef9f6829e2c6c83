/* theme-screen.c - the active theme: colour pairs and attributes.
 * Main thread only (it is the screen's state). Pair numbers are e + 1.
 */
#include <curses.h>
#include <stdlib.h>

#include "themes/theme.h"

static struct theme *active;
static unsigned long attrs[THEME__COUNT];
static unsigned generation;
static int colors_started, default_colors;

static unsigned long to_curses(unsigned a)
{
	unsigned long r = A_NORMAL;

	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
#ifdef A_ITALIC
	if (a & THEME_A_ITALIC)
		r |= A_ITALIC;
#endif
	if (a & THEME_A_BLINK)
		r |= A_BLINK;
	return r;
}

void theme_activate(struct theme *t)
{
	int no_color = theme_no_color_env();
	int ncolors = 0;

	if (!t)
		return;
	if (!no_color && has_colors()) {
		if (!colors_started) {
			start_color();
			default_colors = use_default_colors() == OK;
			colors_started = 1;
		}
		ncolors = COLORS;
	}
	for (int e = 0; e < THEME__COUNT; e++) {
		struct theme_resolved r;

		theme_resolve(t, (enum theme_elem)e, ncolors, no_color, &r);
		attrs[e] = to_curses(r.attrs);
		if (!r.use_color || e + 1 >= COLOR_PAIRS)
			continue;
		if (!default_colors) {
			/* Without default-colour support -1 is not a colour. */
			if (r.fg < 0)
				r.fg = COLOR_WHITE;
			if (r.bg < 0)
				r.bg = COLOR_BLACK;
		}
		init_pair((short)(e + 1), r.fg, r.bg);
		attrs[e] |= COLOR_PAIR(e + 1);
	}
	theme_free(active);
	active = t;
	generation++;
}

int theme_use(const char *name, struct kerr *err)
{
	struct theme *t;

	if (theme_find(name, &t, err) < 0)
		return -1;
	theme_activate(t);
	return 0;
}

const char *theme_active_name(void)
{
	return active ? active->name : NULL;
}

unsigned long theme_attr(enum theme_elem e)
{
	if ((int)e < 0 || e >= THEME__COUNT)
		return A_NORMAL;
	return attrs[e];
}

unsigned theme_generation(void)
{
	return generation;
}

void theme_shutdown(void)
{
	theme_free(active);
	active = NULL;
}
