/* pane.h - panes as small objects with a const ops table (tmux window
 * modes, htop panels), the layout that places them, and the drawing helpers
 * they share. Main thread only.
 *
 * Ownership: the app creates every pane at start (pane_new calls ops->init)
 * and frees them at exit (ops->free, then the window). A pane's private
 * state lives in p->priv and belongs to its ops.
 */
#ifndef KURATOR_TUI_PANE_H
#define KURATOR_TUI_PANE_H

#include <curses.h>

#include "backends/fleet/fleet.h"
#include "themes/theme.h"

struct tui;
struct pane;

enum pane_id {
	PANE_TREE,
	PANE_DETAILS,
	PANE_METRICS,
	PANE_LOGS,
	PANE_SHELL,
	PANE__COUNT
};

struct rect {
	int y, x, h, w;
};

struct pane_ops {
	const char *name;                        /* "tree": key table name too */
	void (*init)(struct pane *p);
	void (*free)(struct pane *p);
	void (*resize)(struct pane *p);          /* window already re-made */
	/* A raw key (ncurses code) while the pane takes text (the shell);
	 * may be NULL. 1 handled, 0 not: then the key tables are consulted. */
	int (*key)(struct pane *p, int key);
	/* A bound action ("cursor-down", "logs"): 1 handled, 0 not (the
	 * global table gets it). May be NULL. */
	int (*action)(struct pane *p, const char *action, const char *arg);
	/* The `/` prompt's text changed (done 0), was accepted (1) or
	 * cancelled (-1). May be NULL: `/` then does nothing here. */
	void (*prompt)(struct pane *p, const char *text, int done);
	void (*draw)(struct pane *p);            /* draw into p->win (no refresh) */
	void (*focus)(struct pane *p, int focused);   /* may be NULL */
};

struct pane {
	const struct pane_ops *ops;
	struct tui *app;
	enum pane_id id;
	WINDOW *win;             /* the whole rectangle, border included */
	struct rect r;
	int dirty;
	int focused;
	char title[512];         /* set by the pane; drawn in the border */
	void *priv;
};

extern const struct pane_ops pane_tree_ops, pane_details_ops, pane_metrics_ops,
	pane_logs_ops, pane_shell_ops;

/* Layout: rectangles for every pane and the status line for a screen of
 * rows x cols. Returns 0, or -1 when the screen is too small for panes
 * (below 40x12): the app then shows only a notice. Pure. */
int layout_compute(int rows, int cols, struct rect out[PANE__COUNT], struct rect *status);

/* ---- drawing helpers (draw.c) -------------------------------------- */

/* Border and title, in the focus colours when p->focused. */
void pane_draw_frame(struct pane *p);
/* Inner area (inside the border). */
static inline int pane_inner_h(const struct pane *p) { return p->r.h > 2 ? p->r.h - 2 : 0; }
static inline int pane_inner_w(const struct pane *p) { return p->r.w > 2 ? p->r.w - 2 : 0; }
/* Display width of a UTF-8 string (invalid bytes count 1). */
int text_width(const char *s, size_t len);
/* Write s at (y, x) in win, at most maxw cells, skipping the first skip
 * cells; returns the number of cells written. */
int text_put(WINDOW *win, int y, int x, const char *s, size_t len, int skip, int maxw);
/* Byte length of the prefix of s that fits in w cells. */
size_t text_fit(const char *s, size_t len, int w);
/* Fill the rest of a row (from x to x+w) with spaces in the current attr. */
void text_pad(WINDOW *win, int y, int x, int w);
/* True when the locale's codeset is UTF-8 (glyph choice). */
int text_utf8(void);
/* A glyph by name in UTF-8 or its ASCII fallback. */
const char *glyph(const char *utf8, const char *ascii);
/* The theme colour that shows a health (tree rows, details lines). */
enum theme_elem pane_health_elem(enum fleet_health h);

#endif
