/* pane-shell.c - the readline shell inside ncurses (FACTS.md §2 recipe).
 *
 * readline runs in callback mode: ncurses reads bytes (keypad off on the
 * input window, so arrows reach readline as escape sequences) and hands
 * them one at a time to rl_callback_read_char through rl_getc_function;
 * rl_input_available_hook says nothing more is pending (without it
 * readline polls stdin and spins); readline's own terminal handling,
 * signals and environment changes are off; its output goes to /dev/null
 * and our redisplay function draws the line into this pane, computing the
 * cursor column as display width (never rl_point). Completion matches are
 * printed into the pane by a display hook.
 *
 * Escape sequences are sniffed first: a lone Escape or Shift-Tab leaves
 * the shell, PageUp/PageDown scroll the output; everything else goes to
 * readline untouched.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "lib/monotime.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/glue.h"
#include "tui/logbuf.h"

#define SHELL_LINES 5000
#define ESC_WAIT_MS 30

struct shell {
	struct logbuf out;
	struct strbuf partial;     /* output not yet ended by a newline */
	int scroll;                /* lines scrolled back from the bottom */
	int rl_on;
	unsigned char esc[16];
	size_t nesc;
	long esc_deadline;
	/* Bytes handed to readline: whole UTF-8 characters (or a whole
	 * escape sequence) at a time, popped by rl_getc_function. */
	unsigned char q[32];
	size_t qlen, qpos, utf8_need;
	FILE *devnull;
};

/* readline is process-global: so is the pane it draws into. */
static struct pane *rl_pane;

void shell_pane_print(struct pane *p, const char *text, size_t len, unsigned flags)
{
	struct shell *sh = p->priv;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '\n') {
			logbuf_add(&sh->out, time(NULL), flags, sh->partial.buf, sh->partial.len);
			strbuf_reset(&sh->partial);
		} else if (c == '\r') {
			/* A progress bar redrawing its line: keep the last state. */
			if (i + 1 < len && text[i + 1] != '\n')
				strbuf_reset(&sh->partial);
		} else if (c == '\033') {
			/* Drop terminal escape sequences (colours of a tty
			 * renderer): the pane has its own. */
			if (i + 1 < len && text[i + 1] == '[') {
				i += 2;
				while (i < len && !((unsigned char)text[i] >= 0x40 &&
						    (unsigned char)text[i] <= 0x7e))
					i++;
			} else if (i + 1 < len) {
				i++;
			}
			continue;
		} else {
			strbuf_addch(&sh->partial, c);
		}
	}
	sh->scroll = 0;
	p->dirty = 1;
}

/* ---- readline hooks ------------------------------------------------- */

static int rl_getc_cb(FILE *f)
{
	struct shell *sh = rl_pane->priv;

	(void)f;
	/* readline only asks when rl_avail_cb said so or at the start of a
	 * dispatch; an empty queue cannot happen, but never block. */
	if (sh->qpos >= sh->qlen)
		return 0;
	return sh->q[sh->qpos++];
}

static int rl_avail_cb(void)
{
	struct shell *sh = rl_pane ? rl_pane->priv : NULL;

	return sh && sh->qpos < sh->qlen;
}

static void rl_redisplay_cb(void)
{
	if (rl_pane)
		shell_pane_redisplay(rl_pane);
}

static void rl_matches_cb(char **matches, int n, int maxlen)
{
	struct pane *p = rl_pane;
	struct strbuf sb = STRBUF_INIT;
	int w = p ? pane_inner_w(p) : 80, col = 0;

	if (!p)
		return;
	/* Matches in columns, like readline would print them. */
	for (int i = 1; i <= n; i++) {
		int cw = maxlen + 2;

		if (col + cw > w && col > 0) {
			strbuf_addch(&sb, '\n');
			col = 0;
		}
		strbuf_addf(&sb, "%-*s", cw, matches[i]);
		col += cw;
	}
	strbuf_addch(&sb, '\n');
	shell_pane_print(p, sb.buf, sb.len, LOGLINE_INFO);
	strbuf_release(&sb);
	rl_forced_update_display();
}

static void rl_line_cb(char *line)
{
	struct pane *p = rl_pane;
	struct strbuf echo = STRBUF_INIT;

	if (!p)
		goto out;
	if (!line) {
		/* C-d on an empty line: leave the shell, not kurator. */
		tui_focus(p->app, p->app->prev_focus != PANE_SHELL ? p->app->prev_focus : PANE_TREE);
		goto out;
	}
	strbuf_addf(&echo, "%s%s\n", rl_display_prompt ? rl_display_prompt : "", line);
	shell_pane_print(p, echo.buf, echo.len, LOGLINE_INFO);
	if (*line)
		add_history(line);
	tui_run_line(p->app, line);
out:
	strbuf_release(&echo);
	free(line);
	if (p) {
		rl_set_prompt(glue_prompt(p->app));
		p->dirty = 1;
	}
}

void shell_pane_rl_start(struct pane *p)
{
	struct shell *sh = p->priv;

	rl_pane = p;
	sh->devnull = fopen("/dev/null", "w");
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_outstream = sh->devnull ? sh->devnull : stderr;
	rl_instream = stdin;
	glue_readline_setup(p->app);
	rl_completion_display_matches_hook = rl_matches_cb;
	rl_callback_handler_install(glue_prompt(p->app), rl_line_cb);
	sh->rl_on = 1;
	shell_pane_rl_resize(p);
}

void shell_pane_rl_stop(struct pane *p)
{
	struct shell *sh = p->priv;

	if (!sh->rl_on)
		return;
	rl_callback_handler_remove();
	rl_pane = NULL;
	sh->rl_on = 0;
	rl_outstream = stdout;
	if (sh->devnull)
		fclose(sh->devnull);
	sh->devnull = NULL;
}

void shell_pane_rl_resize(struct pane *p)
{
	struct shell *sh = p->priv;

	if (!sh->rl_on)
		return;
	rl_resize_terminal();
	rl_set_screen_size(1, pane_inner_w(p) > 1 ? pane_inner_w(p) : 80);
}

/* ---- drawing -------------------------------------------------------- */

void shell_pane_redisplay(struct pane *p)
{
	struct shell *sh = p->priv;
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	int w = pane_inner_w(p), y = p->r.h - 2, pw, cur, skip = 0, x;
	size_t point = (size_t)(rl_point > 0 ? rl_point : 0);

	if (!p->win || w <= 0 || y < 1 || !sh->rl_on)
		return;
	if (point > strlen(line))
		point = strlen(line);
	pw = text_width(prompt, strlen(prompt));
	cur = pw + text_width(line, point);
	/* Keep the cursor visible on long lines: scroll horizontally. */
	if (cur >= w)
		skip = cur - w + 1;
	wattrset(p->win, theme_attr(THEME_NORMAL));
	text_pad(p->win, y, 1, w);
	x = 1;
	if (skip < pw) {
		wattrset(p->win, theme_attr(THEME_PROMPT));
		x += text_put(p->win, y, x, prompt, strlen(prompt), skip, w);
		wattrset(p->win, theme_attr(THEME_NORMAL));
		x += text_put(p->win, y, x, line, strlen(line), 0, w - (x - 1));
	} else {
		wattrset(p->win, theme_attr(THEME_NORMAL));
		x += text_put(p->win, y, x, line, strlen(line), skip - pw, w);
	}
	wmove(p->win, y, 1 + cur - skip);
	wnoutrefresh(p->win);
	if (p->focused && !p->app->prompt_on && !p->app->wiz && !p->app->help_open) {
		curs_set(1);
		doupdate();
	}
}

/* Length of the next screen row of text (w cells wide), at least one
 * character so a character wider than the pane cannot stall the wrap. */
static size_t row_len(const char *text, size_t len, int w)
{
	size_t n = text_fit(text, len, w);

	if (!n && len) {
		n = 1;
		while (n < len && ((unsigned char)text[n] & 0xc0) == 0x80)
			n++;
	}
	return n;
}

/* Screen rows a line takes when wrapped at w cells, like a terminal
 * (wrapped at draw time, so a resize re-wraps everything). */
static int wrap_rows(const char *text, int w)
{
	size_t len = strlen(text);
	int rows = 1;

	if (w <= 0)
		return 1;
	for (;;) {
		size_t n = row_len(text, len, w);

		text += n;
		len -= n;
		if (!len)
			return rows;
		rows++;
	}
}

static void shell_draw(struct pane *p)
{
	struct shell *sh = p->priv;
	int h = pane_inner_h(p) - 1, w = pane_inner_w(p);
	long n = (long)logbuf_count(&sh->out) + (sh->partial.len ? 1 : 0);
	long last = n - 1 - sh->scroll;

	snprintf(p->title, sizeof(p->title), "Shell%s", sh->scroll ? " [scrolled]" : "");
	for (int y = h; y >= 1 && last >= 0 && w > 0; last--) {
		const char *text;
		unsigned flags = 0;
		size_t len;
		int rows, row;

		if (last == (long)logbuf_count(&sh->out)) {
			text = sh->partial.buf;
		} else {
			const struct logline *ll = logbuf_get(&sh->out, (size_t)last);

			text = ll->text;
			flags = ll->flags;
		}
		wattrset(p->win, theme_attr(flags & LOGLINE_ERR ? THEME_LOG_ERR :
					     flags & LOGLINE_INFO ? THEME_DIM : THEME_NORMAL));
		/* The line's rows end at y; rows above the pane are cut. */
		rows = wrap_rows(text, w);
		len = strlen(text);
		for (row = y - rows + 1; len > 0 || row == y - rows + 1; row++) {
			size_t k = row_len(text, len, w);

			if (row >= 1)
				text_put(p->win, row, 1, text, k, 0, w);
			text += k;
			len -= k;
			if (!len)
				break;
		}
		y -= rows;
	}
	wattrset(p->win, theme_attr(THEME_NORMAL));
	if (!sh->rl_on)
		return;
	/* The prompt line is drawn by redisplay (also called by readline). */
	{
		int saved = p->focused;

		p->focused = 0;   /* no doupdate from inside a frame */
		shell_pane_redisplay(p);
		p->focused = saved;
	}
}

static void dispatch(struct shell *sh)
{
	sh->qpos = 0;
	while (sh->rl_on && sh->qpos < sh->qlen)
		rl_callback_read_char();
	sh->qlen = sh->qpos = 0;
}

/* Queue one byte; dispatch when a whole UTF-8 character is there. */
static void feed(struct shell *sh, int c)
{
	if (sh->qlen == sizeof(sh->q))
		dispatch(sh);
	sh->q[sh->qlen++] = (unsigned char)c;
	if (sh->utf8_need) {
		if ((c & 0xc0) == 0x80 && --sh->utf8_need)
			return;
		sh->utf8_need = 0;
	} else if ((c & 0xe0) == 0xc0) {
		sh->utf8_need = 1;
		return;
	} else if ((c & 0xf0) == 0xe0) {
		sh->utf8_need = 2;
		return;
	} else if ((c & 0xf8) == 0xf0) {
		sh->utf8_need = 3;
		return;
	}
	dispatch(sh);
}

/* Hand a held escape sequence to readline in one go (Meta-x, arrows). */
static void esc_flush(struct shell *sh)
{
	for (size_t i = 0; i < sh->nesc && sh->qlen < sizeof(sh->q); i++)
		sh->q[sh->qlen++] = sh->esc[i];
	sh->nesc = 0;
	dispatch(sh);
}

static void scroll_by(struct pane *p, int d)
{
	struct shell *sh = p->priv;
	int max = (int)logbuf_count(&sh->out);

	sh->scroll += d;
	if (sh->scroll > max)
		sh->scroll = max;
	if (sh->scroll < 0)
		sh->scroll = 0;
	p->dirty = 1;
}

static void leave(struct pane *p)
{
	struct tui *app = p->app;

	tui_focus(app, app->prev_focus != PANE_SHELL ? app->prev_focus : PANE_TREE);
}

/* A complete CSI sequence in sh->esc: act on the ones we own. */
static void esc_done(struct pane *p)
{
	struct shell *sh = p->priv;
	int page = pane_inner_h(p) > 2 ? pane_inner_h(p) - 2 : 1;

	if (sh->nesc == 3 && sh->esc[2] == 'Z') {
		sh->nesc = 0;
		leave(p);
	} else if (sh->nesc == 4 && sh->esc[2] == '5' && sh->esc[3] == '~') {
		sh->nesc = 0;
		scroll_by(p, page);
	} else if (sh->nesc == 4 && sh->esc[2] == '6' && sh->esc[3] == '~') {
		sh->nesc = 0;
		scroll_by(p, -page);
	} else {
		esc_flush(sh);
	}
}

int shell_pane_pending(struct pane *p, int expired)
{
	struct shell *sh = p->priv;
	long left;

	if (!sh->nesc)
		return -1;
	left = sh->esc_deadline - monotime_ms();
	if (!expired)
		return left > 0 ? (int)left : 0;
	if (sh->nesc == 1) {
		sh->nesc = 0;
		leave(p);
	} else {
		esc_flush(sh);
	}
	return -1;
}

static int shell_key(struct pane *p, int key)
{
	struct shell *sh = p->priv;

	if (!sh->rl_on || key == KEY_RESIZE)
		return 0;
	if (key > 255) {
		/* keypad is off here, but be safe: let the tables have it. */
		return 0;
	}
	if (sh->nesc) {
		sh->esc[sh->nesc++] = (unsigned char)key;
		if (sh->nesc == 2 && key != '[') {
			esc_flush(sh);          /* Meta-x for readline */
		} else if (sh->nesc > 2 && key >= 0x40 && key <= 0x7e) {
			esc_done(p);
		} else if (sh->nesc == sizeof(sh->esc)) {
			esc_flush(sh);
		}
		return 1;
	}
	if (key == 27) {
		sh->esc[0] = 27;
		sh->nesc = 1;
		sh->esc_deadline = monotime_ms() + ESC_WAIT_MS;
		return 1;
	}
	if (key == 3) {            /* C-c: cancel the command, or the line */
		if (glue_busy(p->app)) {
			glue_cancel(p->app);
			shell_pane_print(p, "^C\n", 3, LOGLINE_INFO);
		} else {
			rl_replace_line("", 0);
			rl_point = rl_end = 0;
			rl_redisplay();
		}
		return 1;
	}
	sh->scroll = 0;
	feed(sh, key);
	return 1;
}

static void shell_focus(struct pane *p, int focused)
{
	curs_set(focused);
	if (focused)
		p->dirty = 1;
}

static void shell_resize(struct pane *p)
{
	shell_pane_rl_resize(p);
}

static void shell_init(struct pane *p)
{
	struct shell *sh = xcalloc(1, sizeof(*sh));

	logbuf_init(&sh->out, SHELL_LINES);
	strbuf_init(&sh->partial, 128);
	p->priv = sh;
	snprintf(p->title, sizeof(p->title), "Shell");
}

static void shell_free(struct pane *p)
{
	struct shell *sh = p->priv;

	shell_pane_rl_stop(p);
	logbuf_release(&sh->out);
	strbuf_release(&sh->partial);
	free(sh);
}

const struct pane_ops pane_shell_ops = {
	.name = "shell",
	.init = shell_init,
	.free = shell_free,
	.resize = shell_resize,
	.draw = shell_draw,
	.key = shell_key,
	.focus = shell_focus,
};
