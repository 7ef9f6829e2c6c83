/* draw.c - drawing helpers shared by the panes: frames, UTF-8 aware
 * clipping (cells, not bytes: never rl_point or strlen as a column). */
#include <langinfo.h>
#include <string.h>
#include <wchar.h>

#include "tui/app.h"
#include "tui/pane.h"

int text_utf8(void)
{
	static int cached = -1;

	if (cached < 0) {
		const char *cs = nl_langinfo(CODESET);

		cached = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	}
	return cached;
}

const char *glyph(const char *utf8, const char *ascii)
{
	return text_utf8() ? utf8 : ascii;
}

/* Decode one character: its byte length and cell width (>= 0). */
static size_t char_at(const char *s, size_t len, int *w)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*w = 1;
		return 1;
	}
	*w = wcwidth(wc);
	if (*w < 0)
		*w = 1;
	return n;
}

int text_width(const char *s, size_t len)
{
	int total = 0;

	for (size_t i = 0; i < len;) {
		int w;

		i += char_at(s + i, len - i, &w);
		total += w;
	}
	return total;
}

size_t text_fit(const char *s, size_t len, int maxw)
{
	int col = 0;
	size_t i = 0;

	while (i < len) {
		int w;
		size_t n = char_at(s + i, len - i, &w);

		if (col + w > maxw)
			break;
		col += w;
		i += n;
	}
	return i;
}

int text_put(WINDOW *win, int y, int x, const char *s, size_t len, int skip, int maxw)
{
	int col = 0, out = 0;
	size_t i = 0;

	if (maxw <= 0)
		return 0;
	while (i < len && col < skip) {
		int w;

		i += char_at(s + i, len - i, &w);
		col += w;
	}
	/* A wide character cut by the left edge leaves a blank cell. */
	if (col > skip && out < maxw) {
		mvwaddch(win, y, x, ' ');
		out++;
	}
	if (i < len) {
		size_t n = text_fit(s + i, len - i, maxw - out);

		if (n) {
			mvwaddnstr(win, y, x + out, s + i, (int)n);
			out += text_width(s + i, n);
		}
	}
	return out;
}

void text_pad(WINDOW *win, int y, int x, int w)
{
	if (w > 0)
		mvwhline(win, y, x, ' ', w);
}

void pane_draw_frame(struct pane *p)
{
	unsigned long ba = theme_attr(p->focused ? THEME_BORDER_FOCUS : THEME_BORDER);
	unsigned long ta = theme_attr(p->focused ? THEME_TITLE_FOCUS : THEME_TITLE);
	int maxw = p->r.w - 4;

	wattrset(p->win, ba);
	box(p->win, 0, 0);
	if (p->title[0] && maxw > 0) {
		char t[600];

		snprintf(t, sizeof(t), " %s ", p->title);
		wattrset(p->win, ta);
		text_put(p->win, 0, 2, t, strlen(t), 0, maxw);
	}
	wattrset(p->win, theme_attr(THEME_NORMAL));
}

enum theme_elem pane_health_elem(enum fleet_health h)
{
	switch (h) {
	case FLEET_OK:
		return THEME_STATUS_OK;
	case FLEET_WARN:
		return THEME_STATUS_WARN;
	case FLEET_ERR:
		return THEME_STATUS_ERR;
	default:
		return THEME_STATUS_UNKNOWN;
	}
}
