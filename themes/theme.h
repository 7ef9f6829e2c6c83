/* theme.h - colour themes as data (htop's CRT colour schemes, kurator style).
 *
 * A theme is an array of styles indexed by semantic element (THEME_SELECTED,
 * THEME_STATUS_ERR ...). Panes never name colours: they ask theme_attr()
 * for an element and get an ncurses attribute (colour pair + attributes).
 *
 * Theme files are YAML (themes/NAME.yaml, embedded in the binary at build
 * time; user themes in $XDG_CONFIG_HOME/kurator/themes/NAME.yaml, which win
 * over built-ins of the same name):
 *
 *     name: default
 *     description: dark terminals
 *     elements:
 *       selected: {fg: black, bg: 39, bg16: cyan, attrs: [bold], mono: [reverse]}
 *
 * Colours are names (default, black, red, green, yellow, blue, magenta,
 * cyan, white, bright-black ... bright-white) or xterm numbers 0-255.
 * On a 16-colour terminal a number >= 16 becomes fg16/bg16 when given,
 * else the nearest of the 16 ANSI colours; on 8 colours bright colours
 * become their dim twin (bold for foregrounds). With NO_COLOR set (any
 * non-empty value, https://no-color.org) or a terminal without colours
 * only the `mono` attributes are used. Elements a file leaves out take the
 * file's `normal` colours and the built-in attributes.
 *
 * Ownership: theme_load_* return a struct theme the caller frees with
 * theme_free. theme_use() keeps the active theme in this module (main
 * thread only; it is the screen's state).
 */
#ifndef KURATOR_THEMES_THEME_H
#define KURATOR_THEMES_THEME_H

#include <stddef.h>

#include "lib/err.h"

enum theme_elem {
	THEME_NORMAL,
	THEME_BORDER,
	THEME_BORDER_FOCUS,
	THEME_TITLE,
	THEME_TITLE_FOCUS,
	THEME_SELECTED,          /* cursor line in the focused pane */
	THEME_SELECTED_IDLE,     /* cursor line in other panes */
	THEME_STATUS_OK,         /* ready, running, reachable */
	THEME_STATUS_WARN,       /* progressing, pending */
	THEME_STATUS_ERR,        /* failed, unreachable */
	THEME_STATUS_UNKNOWN,
	THEME_DIM,               /* secondary text: counts, namespaces */
	THEME_STATUSLINE,
	THEME_STATUSLINE_KEY,
	THEME_STATUSLINE_ERR,
	THEME_MATCH,             /* search / filter matches */
	THEME_LOG_TIME,
	THEME_LOG_ERR,
	THEME_SPARK_CPU,
	THEME_SPARK_MEM,
	THEME_SPARK_PODS,
	THEME_PROMPT,
	THEME_HELP_KEY,
	THEME_FIELD,             /* wizard form fields */
	THEME_FIELD_ACTIVE,
	THEME__COUNT
};

/* Attribute flags of our own, so the loader works without a screen. */
enum {
	THEME_A_BOLD = 1 << 0,
	THEME_A_DIM = 1 << 1,
	THEME_A_REVERSE = 1 << 2,
	THEME_A_UNDERLINE = 1 << 3,
	THEME_A_ITALIC = 1 << 4,
	THEME_A_BLINK = 1 << 5,
};

#define THEME_COLOR_DEFAULT (-1)   /* the terminal's own fg/bg */
#define THEME_COLOR_UNSET (-2)     /* not given in the file */

struct theme_style {
	short fg, bg;          /* 0-255 or THEME_COLOR_DEFAULT */
	short fg16, bg16;      /* explicit 16-colour fallbacks or THEME_COLOR_UNSET */
	unsigned attrs;        /* THEME_A_* with colours */
	unsigned mono;         /* THEME_A_* without colours */
};

struct theme {
	char *name;
	char *description;
	struct theme_style st[THEME__COUNT];
};

/* What one element becomes at a given colour depth. */
struct theme_resolved {
	short fg, bg;          /* colour numbers for init_pair, -1 default */
	unsigned attrs;        /* THEME_A_* */
	int use_color;         /* 0: attributes only */
};

/* Element names as written in theme files ("status.err"); NULL if out of range. */
const char *theme_elem_name(enum theme_elem e);
int theme_elem_by_name(const char *name);     /* -1 when unknown */

/* Parse a colour name or number; returns 0 and *out, or -1. */
int theme_parse_color(const char *s, short *out);
/* Nearest of the 16 ANSI colours for an xterm-256 colour (0-15 map to themselves). */
short theme_color_to16(short c);

int theme_load_data(const char *data, size_t len, const char *name,
		    struct theme **out, struct kerr *err);
int theme_load_file(const char *path, struct theme **out, struct kerr *err);
/* Find by name: user directory first, then the built-in themes. */
int theme_find(const char *name, struct theme **out, struct kerr *err);
void theme_free(struct theme *t);               /* NULL-safe */

/* Names of all themes (built-in and user), sorted, unique, NULL-terminated;
 * caller frees each and the array. */
char **theme_names(void);

/* The theme remembered by `theme NAME` ($XDG_CONFIG_HOME/kurator/theme,
 * one line): malloc'd name or NULL. */
char *theme_saved_name(void);
int theme_save_name(const char *name, struct kerr *err);

/* Built-in theme sources (embedded YAML): count and access by index. */
size_t theme_builtin_count(void);
const char *theme_builtin_name(size_t i);
const char *theme_builtin_data(size_t i, size_t *len);

/* Pure: the style of e in t for a terminal with `colors` colours
 * (0 = no colour support) and NO_COLOR set or not. */
void theme_resolve(const struct theme *t, enum theme_elem e, int colors, int no_color,
		   struct theme_resolved *out);
/* True when NO_COLOR is set to a non-empty value. */
int theme_no_color_env(void);

/* ---- screen side (needs initscr) ---------------------------------- */

/* Make t the active theme: init_pair for every element (pair e+1). Takes
 * ownership of t (the previous active theme is freed). */
void theme_activate(struct theme *t);
/* Find + activate; on error the active theme stays. */
int theme_use(const char *name, struct kerr *err);
/* Name of the active theme or NULL before the first activation. */
const char *theme_active_name(void);
/* ncurses attribute for e under the active theme (A_NORMAL before any). */
unsigned long theme_attr(enum theme_elem e);
/* Bumped on every activation: panes compare it to know they must redraw. */
unsigned theme_generation(void);
/* Free the active theme (at exit). */
void theme_shutdown(void);

#endif
