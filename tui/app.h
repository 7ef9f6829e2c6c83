/* app.h - the TUI application: panes, focus, selection, the `/` prompt,
 * the status line and the services panes call. Main thread only.
 */
#ifndef KURATOR_TUI_APP_H
#define KURATOR_TUI_APP_H

#include <time.h>

#include "backends/fleet/fleet.h"
#include "lib/evq.h"
#include "lib/strbuf.h"
#include "tui/pane.h"

struct session;
struct wizard;

enum tui_sel_type {
	SEL_NONE,
	SEL_CLUSTER,
	SEL_SECTION,      /* "Nodes", "Components" ... header rows */
	SEL_COMPONENT,
	SEL_OBJECT,       /* node, namespace, workload, pod: kind says which */
};

/* What the tree has selected; details, metrics and `l` read it. */
struct tui_sel {
	enum tui_sel_type type;
	char cluster[128];
	int kind;         /* enum fleet_kind for SEL_OBJECT */
	char ns[128];
	char name[256];
};

struct tui {
	struct session *s;
	struct evq *q;
	struct fleet *fleet;
	struct pane panes[PANE__COUNT];
	int focus, prev_focus;
	int rows, cols, too_small;
	int quit;
	int help_open, help_top;
	struct wizard *wiz;
	struct tui_sel sel;
	char last_error[512];
	WINDOW *status, *inwin, *overlay;
	struct rect status_r;
	int status_dirty;
	unsigned theme_gen, fleet_gen, metrics_gen;
	int sigfd[2];
	/* the `/` prompt */
	int prompt_on;
	int prompt_pane;
	struct strbuf prompt;
	char prompt_label[16];
	int spin;         /* spinner frame for running jobs */
	int jobs_running; /* shown on the status line */
};

/* Services for panes. */
void tui_focus(struct tui *app, int pane);
void tui_select(struct tui *app, const struct tui_sel *sel);
void tui_error(struct tui *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_dirty(struct tui *app, int pane);
void tui_dirty_all(struct tui *app);
/* Run a line of kurator's command language as if typed in the shell. */
void tui_run_line(struct tui *app, const char *line);
/* Open the `/` prompt for the focused pane. */
void tui_prompt_open(struct tui *app, const char *label, const char *initial);

/* Shell pane: append output (any text, lines split at newlines). */
void shell_pane_print(struct pane *p, const char *text, size_t len, unsigned flags);
/* Shell pane: a pending escape sequence waits for its next byte: returns
 * the ms to wait (or -1) and flushes when called with expired = 1. */
int shell_pane_pending(struct pane *p, int expired);
/* Shell pane: install readline (callback mode) / remove it. */
void shell_pane_rl_start(struct pane *p);
void shell_pane_rl_stop(struct pane *p);
void shell_pane_redisplay(struct pane *p);
void shell_pane_rl_resize(struct pane *p);

/* Logs pane: follow a pod's log / show job output. */
void logs_pane_follow_pod(struct pane *p, const char *cluster, const char *ns,
			  const char *pod, const char *container);
void logs_pane_job_event(struct pane *p, const struct event *ev);
/* The event belongs to the followed pod log: taken (1) or not (0). */
int logs_pane_owns(struct pane *p, const struct event *ev);
/* 1 while a pod log stream job runs. */
int logs_pane_streaming(struct pane *p);

/* Tree pane: the fleet changed. */
void tree_pane_fleet_changed(struct pane *p);

/* Wizard (wizard.c). */
int wizard_open(struct tui *app, const char *component);
void wizard_close(struct tui *app);
int wizard_key(struct tui *app, int key);
void wizard_draw(struct tui *app);
void wizard_resize(struct tui *app);

/* Key tables (keys.c). */
struct key_binding {
	const char *table;        /* "global", "tree", "logs", "details", "metrics", "wizard" */
	const char *key;          /* "q", "C-c", "Tab", "BTab", "Up", "Enter", "Space" ... */
	const char *action;       /* a line of the TUI's command language */
	const char *help;
};
/* ncurses key code for a key name, or -1. */
int keys_parse(const char *name);
/* Name for a key code into buf. */
const char *keys_name(int key, char *buf, size_t size);
/* The binding for key in table (user bindings first), or NULL. */
const struct key_binding *keys_lookup(const char *table, int key);
/* All bindings (defaults and user ones), for `?`: NULL-terminated. */
const struct key_binding *const *keys_all(void);
/* Read $XDG_CONFIG_HOME/kurator/keys (lines "bind TABLE KEY ACTION...");
 * bad lines are reported in err (the others still apply). */
int keys_load_user(struct kerr *err);
void keys_free_user(void);

/* Help overlay (help.c). */
void help_draw(struct tui *app);
int help_key(struct tui *app, int key);

/* Status line (statusline.c). */
void statusline_draw(struct tui *app);

#endif
