/* app.c - the TUI's main loop (tmux server_loop, sway's dirty commit).
 *
 * One thread, one poll: the terminal, the event queue's fd and a signal
 * self-pipe. Events mark panes dirty; each iteration repaints only dirty
 * panes with one doupdate. The terminal is in raw mode, so Ctrl-C is a key;
 * fatal signals restore the terminal before dying.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "backends/kube/kubeconfig.h"
#include "lib/log.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/glue.h"
#include "tui/tui.h"

static const struct pane_ops *const pane_ops_by_id[PANE__COUNT] = {
	[PANE_TREE] = &pane_tree_ops,
	[PANE_DETAILS] = &pane_details_ops,
	[PANE_METRICS] = &pane_metrics_ops,
	[PANE_LOGS] = &pane_logs_ops,
	[PANE_SHELL] = &pane_shell_ops,
};

/* ---- signals ------------------------------------------------------- */

static int sig_wfd = -1;
static volatile sig_atomic_t screen_up;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_wfd >= 0)
		(void)!write(sig_wfd, &b, 1);
	errno = saved;
}

/* htop's fail(): put the terminal back first, then die as we would have. */
static void on_fatal(int sig)
{
	if (screen_up)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_install(struct tui *app)
{
	static const int soft[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCONT };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	if (pipe(app->sigfd) == 0) {
		for (int i = 0; i < 2; i++) {
			fcntl(app->sigfd[i], F_SETFL, O_NONBLOCK);
			fcntl(app->sigfd[i], F_SETFD, FD_CLOEXEC);
		}
		sig_wfd = app->sigfd[1];
	} else {
		app->sigfd[0] = app->sigfd[1] = -1;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < ARRAY_SIZE(soft); i++)
		sigaction(soft[i], &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void signals_restore(struct tui *app)
{
	static const int all[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCONT,
				   SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		signal(all[i], SIG_DFL);
	sig_wfd = -1;
	if (app->sigfd[0] >= 0) {
		close(app->sigfd[0]);
		close(app->sigfd[1]);
	}
}

/* ---- panes and layout ---------------------------------------------- */

void tui_dirty(struct tui *app, int pane)
{
	if (pane >= 0 && pane < PANE__COUNT)
		app->panes[pane].dirty = 1;
}

void tui_dirty_all(struct tui *app)
{
	for (int i = 0; i < PANE__COUNT; i++)
		app->panes[i].dirty = 1;
	app->status_dirty = 1;
}

static void relayout(struct tui *app)
{
	struct rect r[PANE__COUNT];

	getmaxyx(stdscr, app->rows, app->cols);
	app->too_small = layout_compute(app->rows, app->cols, r, &app->status_r) < 0;
	for (int i = 0; i < PANE__COUNT; i++) {
		struct pane *p = &app->panes[i];

		if (p->win)
			delwin(p->win);
		p->win = NULL;
		p->r = r[i];
		if (!app->too_small && r[i].h > 0 && r[i].w > 0)
			p->win = newwin(r[i].h, r[i].w, r[i].y, r[i].x);
		if (p->win && p->ops->resize)
			p->ops->resize(p);
	}
	if (app->status)
		delwin(app->status);
	app->status = newwin(1, app->cols > 0 ? app->cols : 1, app->rows > 0 ? app->rows - 1 : 0, 0);
	if (app->wiz)
		wizard_resize(app);
	clearok(curscr, TRUE);
	tui_dirty_all(app);
}

static void handle_resize(struct tui *app)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	relayout(app);
	shell_pane_rl_resize(&app->panes[PANE_SHELL]);
}

void tui_focus(struct tui *app, int pane)
{
	if (pane < 0 || pane >= PANE__COUNT || pane == app->focus)
		return;
	app->panes[app->focus].focused = 0;
	if (app->panes[app->focus].ops->focus)
		app->panes[app->focus].ops->focus(&app->panes[app->focus], 0);
	app->panes[app->focus].dirty = 1;
	app->prev_focus = app->focus;
	app->focus = pane;
	app->panes[pane].focused = 1;
	if (app->panes[pane].ops->focus)
		app->panes[pane].ops->focus(&app->panes[pane], 1);
	app->panes[pane].dirty = 1;
	app->status_dirty = 1;
	/* The shell reads raw bytes for readline; the other panes want
	 * KEY_UP and friends. */
	keypad(app->inwin, pane != PANE_SHELL);
}

void tui_select(struct tui *app, const struct tui_sel *sel)
{
	if (!memcmp(&app->sel, sel, sizeof(*sel)))
		return;
	app->sel = *sel;
	tui_dirty(app, PANE_DETAILS);
	tui_dirty(app, PANE_METRICS);
	app->status_dirty = 1;
	if (sel->cluster[0])
		fleet_want(app->fleet, sel->cluster, FLEET_PODS);
}

void tui_error(struct tui *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->last_error, sizeof(app->last_error), fmt, ap);
	va_end(ap);
	app->status_dirty = 1;
}

void tui_run_line(struct tui *app, const char *line)
{
	glue_run_line(app, line);
}

void tui_prompt_open(struct tui *app, const char *label, const char *initial)
{
	app->prompt_on = 1;
	app->prompt_pane = app->focus;
	snprintf(app->prompt_label, sizeof(app->prompt_label), "%s", label);
	strbuf_reset(&app->prompt);
	if (initial)
		strbuf_addstr(&app->prompt, initial);
	app->status_dirty = 1;
	curs_set(1);
}

static void prompt_key(struct tui *app, int key)
{
	struct pane *p = &app->panes[app->prompt_pane];
	int done = 0;

	if (key == 27) {
		done = -1;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		done = 1;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* Drop one UTF-8 character. */
		size_t l = app->prompt.len;

		while (l > 0 && ((unsigned char)app->prompt.buf[l - 1] & 0xc0) == 0x80)
			l--;
		strbuf_setlen(&app->prompt, l ? l - 1 : 0);
	} else if (key == 21) {           /* C-u */
		strbuf_reset(&app->prompt);
	} else if (key == 3) {            /* C-c */
		done = -1;
	} else if (key >= 32 && key < 256 && key != 127) {
		if (app->prompt.len < 200)
			strbuf_addch(&app->prompt, key);
	} else {
		return;
	}
	if (done) {
		app->prompt_on = 0;
		curs_set(app->focus == PANE_SHELL);
	}
	if (p->ops->prompt)
		p->ops->prompt(p, done < 0 ? "" : app->prompt.buf, done);
	app->status_dirty = 1;
}

/* ---- actions ------------------------------------------------------- */

static int pane_by_name(const char *name)
{
	for (int i = 0; i < PANE__COUNT; i++)
		if (!strcmp(pane_ops_by_id[i]->name, name))
			return i;
	return -1;
}

static void theme_next(struct tui *app)
{
	char **names = theme_names();
	const char *cur = theme_active_name();
	size_t n = 0, i;

	while (names[n])
		n++;
	for (i = 0; i < n; i++)
		if (cur && !strcmp(names[i], cur))
			break;
	if (n) {
		struct kerr err = { 0 };

		if (theme_use(names[(i + 1) % n], &err) < 0)
			tui_error(app, "%s", err.msg);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void global_action(struct tui *app, const char *action)
{
	char verb[32] = "", arg[96] = "";

	sscanf(action, "%31s %95[^\n]", verb, arg);
	if (!strcmp(verb, "quit")) {
		app->quit = 1;
	} else if (!strcmp(verb, "help")) {
		app->help_open = !app->help_open;
		app->help_top = 0;
		tui_dirty_all(app);
	} else if (!strcmp(verb, "focus")) {
		int n = app->focus;

		if (!strcmp(arg, "next"))
			n = (app->focus + 1) % PANE__COUNT;
		else if (!strcmp(arg, "prev"))
			n = (app->focus + PANE__COUNT - 1) % PANE__COUNT;
		else if (pane_by_name(arg) >= 0)
			n = pane_by_name(arg);
		tui_focus(app, n);
	} else if (!strcmp(verb, "filter")) {
		struct pane *p = &app->panes[app->focus];

		if (p->ops->prompt)
			tui_prompt_open(app, "/", NULL);
	} else if (!strcmp(verb, "redraw")) {
		clearok(curscr, TRUE);
		tui_dirty_all(app);
	} else if (!strcmp(verb, "install")) {
		wizard_open(app, arg[0] ? arg : NULL);
	} else if (!strcmp(verb, "theme")) {
		if (!strcmp(arg, "next") || !arg[0]) {
			theme_next(app);
		} else {
			struct kerr err = { 0 };

			if (theme_use(arg, &err) < 0)
				tui_error(app, "%s", err.msg);
		}
	} else if (!strcmp(verb, "run")) {
		tui_run_line(app, arg);
	} else if (verb[0]) {
		/* A user binding may name any shell command. */
		tui_run_line(app, action);
	}
}

static void handle_key(struct tui *app, int key)
{
	struct pane *p = &app->panes[app->focus];
	const struct key_binding *b;

	if (key == KEY_RESIZE) {
		handle_resize(app);
		return;
	}
	if (app->wiz) {
		wizard_key(app, key);
		return;
	}
	if (app->help_open) {
		if (!help_key(app, key)) {
			app->help_open = 0;
			tui_dirty_all(app);
		}
		return;
	}
	if (app->prompt_on) {
		prompt_key(app, key);
		return;
	}
	if (app->too_small) {
		if (key == 'q' || key == 3)
			app->quit = 1;
		return;
	}
	if (p->ops->key && p->ops->key(p, key))
		return;
	b = keys_lookup(p->ops->name, key);
	if (b && p->ops->action) {
		char verb[32] = "", arg[96] = "";

		sscanf(b->action, "%31s %95[^\n]", verb, arg);
		if (p->ops->action(p, verb, arg[0] ? arg : NULL))
			return;
	}
	b = keys_lookup("global", key);
	if (b)
		global_action(app, b->action);
}

/* ---- drawing ------------------------------------------------------- */

static void draw_too_small(struct tui *app)
{
	const char *msg = "terminal too small (need 40x12)";

	werase(stdscr);
	mvwaddnstr(stdscr, app->rows / 2, 0, msg, app->cols);
	wnoutrefresh(stdscr);
}

/* Jobs the user started (installs, commands): not the fleet's watches
 * and probes nor the followed log, which run all the time. */
static int user_jobs(struct tui *app)
{
	int n = job_running_count() - (int)fleet_job_count(app->fleet) -
		logs_pane_streaming(&app->panes[PANE_LOGS]);

	return n > 0 ? n : 0;
}

static void draw(struct tui *app)
{
	int any = 0;

	if (theme_generation() != app->theme_gen) {
		app->theme_gen = theme_generation();
		clearok(curscr, TRUE);
		tui_dirty_all(app);
	}
	if (fleet_generation(app->fleet) != app->fleet_gen) {
		app->fleet_gen = fleet_generation(app->fleet);
		fleet_refresh(app->fleet);
		tree_pane_fleet_changed(&app->panes[PANE_TREE]);
		tui_dirty(app, PANE_DETAILS);
		tui_dirty(app, PANE_METRICS);
		app->status_dirty = 1;
	}
	if (fleet_metrics_generation(app->fleet) != app->metrics_gen) {
		app->metrics_gen = fleet_metrics_generation(app->fleet);
		tui_dirty(app, PANE_METRICS);
		if (app->sel.type == SEL_OBJECT && app->sel.kind == FLEET_NODES)
			tui_dirty(app, PANE_DETAILS);
	}
	if (app->jobs_running != user_jobs(app)) {
		app->jobs_running = user_jobs(app);
		app->status_dirty = 1;
	}
	if (app->too_small) {
		draw_too_small(app);
		doupdate();
		return;
	}
	for (int i = 0; i < PANE__COUNT; i++) {
		struct pane *p = &app->panes[i];

		if (!p->dirty || !p->win)
			continue;
		p->dirty = 0;
		wattrset(p->win, theme_attr(THEME_NORMAL));
		wbkgdset(p->win, ' ' | theme_attr(THEME_NORMAL));
		werase(p->win);
		p->ops->draw(p);
		pane_draw_frame(p);
		wnoutrefresh(p->win);
		any = 1;
	}
	if (app->status_dirty || any) {
		app->status_dirty = 0;
		statusline_draw(app);
	}
	if (app->help_open)
		help_draw(app);
	if (app->wiz)
		wizard_draw(app);
	/* Leave the cursor where text is typed: the prompt, the wizard's
	 * field, or readline's line. */
	if (!app->prompt_on && !app->wiz && !app->help_open && app->focus == PANE_SHELL)
		shell_pane_redisplay(&app->panes[PANE_SHELL]);
	doupdate();
}

/* ---- events -------------------------------------------------------- */

static void drain_events(struct tui *app)
{
	struct event *ev;
	int n = 0;

	/* Bounded per iteration so keys stay responsive under a flood. */
	while (n++ < 2000 && (ev = evq_pop(app->q))) {
		/* The fleet's watches, then the followed pod log, then the
		 * session (commands and their jobs); anything else (a job
		 * nobody claims) still shows in the logs pane. */
		if (!fleet_handle_event(app->fleet, ev) &&
		    !logs_pane_owns(&app->panes[PANE_LOGS], ev) &&
		    !glue_event(app, ev))
			logs_pane_job_event(&app->panes[PANE_LOGS], ev);
		event_free(ev);
	}
}

static void drain_signals(struct tui *app)
{
	unsigned char b[16];
	ssize_t n;

	while ((n = read(app->sigfd[0], b, sizeof(b))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (b[i]) {
			case SIGWINCH:
				handle_resize(app);
				break;
			case SIGCONT:
				/* Back from a stop: the terminal lost raw mode. */
				reset_prog_mode();
				clearok(curscr, TRUE);
				tui_dirty_all(app);
				break;
			default:
				app->quit = 1;
				break;
			}
		}
	}
}

static void drain_keys(struct tui *app)
{
	int key, n = 0;

	while (!app->quit && n++ < 4096 && (key = wgetch(app->inwin)) != ERR)
		handle_key(app, key);
}

static void loop(struct tui *app)
{
	long next_tick = monotime_ms() + 1000;

	while (!app->quit) {
		struct pollfd fds[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = evq_fd(app->q), .events = POLLIN },
			{ .fd = app->sigfd[0], .events = POLLIN },
		};
		long now = monotime_ms();
		int timeout = (int)(next_tick - now), pend;

		draw(app);
		if (timeout < 0)
			timeout = 0;
		/* A spinner only while something runs: idle means asleep. */
		if (app->jobs_running > 0 && timeout > 250)
			timeout = 250;
		pend = shell_pane_pending(&app->panes[PANE_SHELL], 0);
		if (pend >= 0 && pend < timeout)
			timeout = pend;
		if (poll(fds, 3, timeout) < 0 && errno != EINTR)
			break;
		if (fds[2].revents & POLLIN)
			drain_signals(app);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			drain_keys(app);
		if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN))
			app->quit = 1;   /* the terminal went away */
		if (fds[1].revents & POLLIN)
			drain_events(app);
		if (shell_pane_pending(&app->panes[PANE_SHELL], 0) == 0)
			shell_pane_pending(&app->panes[PANE_SHELL], 1);
		now = monotime_ms();
		if (app->jobs_running > 0) {
			app->spin++;
			app->status_dirty = 1;
		}
		if (now >= next_tick) {
			next_tick = now + 1000;
			fleet_tick(app->fleet);
		}
	}
}

/* ---- setup --------------------------------------------------------- */

/* KURATOR_THEME, else the one `theme NAME` remembered, else default. */
static void theme_setup(struct tui *app)
{
	struct kerr err = { 0 };
	const char *env = getenv("KURATOR_THEME");
	char *saved = env && *env ? NULL : theme_saved_name();
	const char *name = env && *env ? env : saved;

	if (!name || theme_use(name, &err) < 0) {
		if (name)
			tui_error(app, "%s", err.msg);
		if (theme_use("default", &err) < 0)
			tui_error(app, "%s", err.msg);
	}
	free(saved);
}

static int tui_run(struct session *s);

int tui_main(struct session *s)
{
	int rc, was_interactive = kube_exec_interactive();

	/* ncurses owns the terminal: a credential plugin that prompted
	 * would fight it for the keyboard and scribble over the screen. */
	kube_exec_set_interactive(0);
	rc = tui_run(s);
	kube_exec_set_interactive(was_interactive);
	return rc;
}

static int tui_run(struct session *s)
{
	struct tui app;
	struct kerr err = { 0 };
	int rc = 0;

	memset(&app, 0, sizeof(app));
	app.s = s;
	strbuf_init(&app.prompt, 64);
	setlocale(LC_ALL, "");
	if (glue_prepare(&app, &err) < 0) {
		fprintf(stderr, "kurator: %s\n", err.msg);
		strbuf_release(&app.prompt);
		return 1;
	}
	signals_install(&app);
	if (!initscr()) {
		fprintf(stderr, "kurator: cannot initialise the terminal\n");
		signals_restore(&app);
		glue_finish(&app);
		strbuf_release(&app.prompt);
		return 1;
	}
	screen_up = 1;
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	curs_set(0);
	theme_setup(&app);
	if (keys_load_user(&err) < 0)
		tui_error(&app, "%s", err.msg);
	app.inwin = newwin(1, 1, 0, 0);
	nodelay(app.inwin, TRUE);
	keypad(app.inwin, TRUE);
	for (int i = 0; i < PANE__COUNT; i++) {
		app.panes[i].ops = pane_ops_by_id[i];
		app.panes[i].app = &app;
		app.panes[i].id = (enum pane_id)i;
		app.panes[i].ops->init(&app.panes[i]);
	}
	app.focus = PANE_TREE;
	app.prev_focus = PANE_TREE;
	app.panes[PANE_TREE].focused = 1;
	relayout(&app);
	shell_pane_rl_start(&app.panes[PANE_SHELL]);
	glue_start(&app);
	fleet_start(app.fleet);

	loop(&app);

	shell_pane_rl_stop(&app.panes[PANE_SHELL]);
	wizard_close(&app);
	glue_stop(&app);
	for (int i = 0; i < PANE__COUNT; i++) {
		app.panes[i].ops->free(&app.panes[i]);
		if (app.panes[i].win)
			delwin(app.panes[i].win);
	}
	if (app.status)
		delwin(app.status);
	if (app.overlay)
		delwin(app.overlay);
	delwin(app.inwin);
	endwin();
	screen_up = 0;
	signals_restore(&app);
	theme_shutdown();
	keys_free_user();
	glue_finish(&app);
	strbuf_release(&app.prompt);
	return rc;
}
