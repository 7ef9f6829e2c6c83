/* glue.c - the TUI on top of the shell session (shell/session.h): the
 * session's output goes into the shell pane, the progress of its jobs into
 * the shell pane's last line and the logs pane, its queue is the TUI's
 * queue, and its kubeconfig is the fleet's (reloaded when `demo` or
 * --kubeconfig changes it).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <readline/readline.h>

#include "backends/recipes/recipe.h"
#include "lib/xalloc.h"
#include "shell/complete.h"
#include "shell/session.h"
#include "tui/app.h"
#include "tui/glue.h"
#include "tui/logbuf.h"

/* The glue's own state lives in statics: there is one TUI per process,
 * as there is one readline. */
static unsigned session_gen;
static int progress_open;           /* the shell pane's last line is a progress line */
static char prompt[192];
static char *fleet_path;            /* the kubeconfig the fleet was made from */

static struct pane *shell_pane(struct tui *app)
{
	return &app->panes[PANE_SHELL];
}

static void end_progress(struct tui *app)
{
	if (progress_open) {
		shell_pane_print(shell_pane(app), "\n", 1, LOGLINE_INFO);
		progress_open = 0;
	}
}

static void sink_write(void *arg, const char *text, size_t len, unsigned flags)
{
	struct tui *app = arg;
	unsigned lf = 0;

	end_progress(app);
	if (flags & SESSION_OUT_ERR)
		lf |= LOGLINE_ERR;
	if (flags & SESSION_OUT_NOTE)
		lf |= LOGLINE_INFO;
	shell_pane_print(shell_pane(app), text, len, lf);
}

static void rend_event(void *arg, const struct event *ev)
{
	struct tui *app = arg;
	char line[600];

	/* Everything a command's jobs say goes to the logs pane (jobs view). */
	logs_pane_job_event(&app->panes[PANE_LOGS], ev);
	switch (ev->kind) {
	case EV_JOB_PROGRESS:
		/* One line in the shell pane, rewritten in place. */
		if (ev->total > 0)
			snprintf(line, sizeof(line), "\r[%ld/%ld] %s%s%s", ev->done, ev->total,
				 ev->cluster ? ev->cluster : "", ev->cluster ? ": " : "",
				 ev->text ? ev->text : "");
		else
			snprintf(line, sizeof(line), "\r%s%s%s", ev->cluster ? ev->cluster : "",
				 ev->cluster ? ": " : "", ev->text ? ev->text : "");
		shell_pane_print(shell_pane(app), line, strlen(line), LOGLINE_INFO);
		progress_open = 1;
		break;
	case EV_JOB_FAILED:
		if (ev->err.kind != KERR_CANCELLED)
			tui_error(app, "%s", ev->err.msg);
		break;
	default:
		break;
	}
	app->status_dirty = 1;
}

static void rend_done(void *arg)
{
	struct tui *app = arg;

	end_progress(app);
	app->status_dirty = 1;
}

/* Components the fleet should recognise: the recipes' names and namespaces. */
static void fleet_components(struct tui *app)
{
	struct recipe_set *set = NULL;
	struct kerr err = { 0 };
	const char *const *names;
	struct fleet_component_sig *sigs;
	size_t n = 0, k = 0;

	if (recipe_set_load(NULL, &set, &err) < 0) {
		tui_error(app, "components: %s", err.msg);
		return;
	}
	names = recipe_set_components(set);
	while (names && names[n])
		n++;
	sigs = xcalloc(n + 1, sizeof(*sigs));
	for (size_t i = 0; i < n; i++) {
		const struct recipe *r;

		if (recipe_set_find(set, names[i], NULL, &r, NULL) == 0 && r->ns && *r->ns) {
			sigs[k].name = names[i];
			sigs[k].ns = r->ns;
			k++;
		}
	}
	fleet_set_components(app->fleet, sigs, k);
	free(sigs);
	recipe_set_free(set);
}

int glue_prepare(struct tui *app, struct kerr *err)
{
	const char *path = session_kubeconfig_path(app->s);

	app->q = session_evq(app->s);
	if (fleet_new(app->q, path, &app->fleet, err) < 0)
		return -1;
	free(fleet_path);
	fleet_path = xstrdup(path);
	session_gen = session_generation(app->s);
	return 0;
}

void glue_start(struct tui *app)
{
	struct session_sink sink = { .write = sink_write, .arg = app };
	struct session_renderer rend = { .event = rend_event, .done = rend_done, .arg = app };

	session_set_tty(app->s, 0, 1);
	session_set_sink(app->s, &sink);
	session_set_renderer(app->s, &rend);
	fleet_components(app);
}

void glue_stop(struct tui *app)
{
	if (session_busy(app->s))
		session_cancel(app->s);
	/* Output goes back to the terminal for whatever runs after us. */
	session_set_sink(app->s, NULL);
	session_set_renderer(app->s, NULL);
	fleet_free(app->fleet);
	app->fleet = NULL;
	complete_shutdown();
}

void glue_finish(struct tui *app)
{
	(void)app;
	free(fleet_path);
	fleet_path = NULL;
	progress_open = 0;
}

/* `demo`, `use`, --kubeconfig: follow the session to its kubeconfig. */
static void follow_session(struct tui *app)
{
	const char *path;
	struct kerr err = { 0 };

	if (session_generation(app->s) == session_gen)
		return;
	session_gen = session_generation(app->s);
	app->status_dirty = 1;
	path = session_kubeconfig_path(app->s);
	if ((!path && !fleet_path) || (path && fleet_path && !strcmp(path, fleet_path)))
		return;
	if (fleet_reload(app->fleet, path, &err) < 0)
		tui_error(app, "%s", err.msg);
	free(fleet_path);
	fleet_path = xstrdup(path);
	tui_dirty_all(app);
}

void glue_run_line(struct tui *app, const char *line)
{
	const char *p = line;
	char word[16];
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	while (p[n] && !isspace((unsigned char)p[n]) && n < sizeof(word) - 1) {
		word[n] = p[n];
		n++;
	}
	word[n] = '\0';
	if (!*p)
		return;
	/* Words that only mean something in the full screen. */
	if (!strcmp(word, "exit") || !strcmp(word, "quit")) {
		app->quit = 1;
		return;
	}
	if (!strcmp(word, "install")) {
		const char *rest = p + n;

		while (isspace((unsigned char)*rest))
			rest++;
		if (!*rest) {
			wizard_open(app, NULL);
			return;
		}
	}
	app->last_error[0] = '\0';
	session_start_line(app->s, p);
	follow_session(app);
	app->status_dirty = 1;
}

int glue_event(struct tui *app, const struct event *ev)
{
	int used = session_event(app->s, ev);

	if (used)
		follow_session(app);
	return used;
}

int glue_busy(struct tui *app)
{
	return session_busy(app->s);
}

void glue_cancel(struct tui *app)
{
	session_cancel(app->s);
}

const char *glue_context(struct tui *app)
{
	return session_context(app->s);
}

const char *glue_prompt(struct tui *app)
{
	const char *ctx = session_context(app->s);

	if (ctx)
		snprintf(prompt, sizeof(prompt), "kurator(%.128s)> ", ctx);
	else
		snprintf(prompt, sizeof(prompt), "kurator> ");
	return prompt;
}

void glue_readline_setup(struct tui *app)
{
	/* The shell's completer: same commands, same completion. */
	rl_readline_name = "kurator";
	complete_readline_setup(app->s);
}
