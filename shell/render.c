/* render.c - how the shell and the one-shot CLI show job events.
 *
 * On a terminal (the diagnostics stream is a tty): one progress line at the bottom,
 * redrawn in place - spinner, job name, a bar with done/total when the
 * total is known, elapsed time and what the job does now; log lines and
 * "done" lines scroll above it. Otherwise: plain timestamped lines, one per
 * event, so CI logs read well. Everything goes to the session's diagnostics
 * stream: stderr one-shot, so stdout keeps only the command's data (and
 * `-o json > file` stays clean); stdout in the shell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "shell/session-int.h"

#define MAX_JOBS 32

struct rjob {
	unsigned long id;
	char *name;
	char *text;
	long done, total;
	double start;
	int progressed;
	long printed_done;          /* lines mode: the last count printed */
};

struct text_renderer {
	struct session *s;
	FILE *f;
	int tty;
	int bar_shown;
	unsigned long current;      /* the job the bar shows */
	double last_draw;
	int spin;
	struct rjob jobs[MAX_JOBS];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct text_renderer *text_renderer_new(struct session *s, FILE *f)
{
	struct text_renderer *t = xcalloc(1, sizeof(*t));

	t->s = s;
	t->f = f;
	t->tty = isatty(fileno(f));
	return t;
}

static void forget(struct rjob *j)
{
	free(j->name);
	free(j->text);
	memset(j, 0, sizeof(*j));
}

void text_renderer_free(struct text_renderer *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < MAX_JOBS; i++)
		forget(&t->jobs[i]);
	free(t);
}

static struct rjob *find_job(struct text_renderer *t, unsigned long id, int create)
{
	struct rjob *free_slot = NULL;

	for (size_t i = 0; i < MAX_JOBS; i++) {
		if (t->jobs[i].id == id)
			return &t->jobs[i];
		if (!t->jobs[i].id && !free_slot)
			free_slot = &t->jobs[i];
	}
	if (!create)
		return NULL;
	if (!free_slot) {
		free_slot = &t->jobs[0];
		forget(free_slot);
	}
	free_slot->id = id;
	free_slot->start = now_s();
	free_slot->done = free_slot->total = -1;
	return free_slot;
}

void text_renderer_erase(struct text_renderer *t)
{
	if (t && t->bar_shown) {
		fputs("\r\033[K", t->f);
		fflush(t->f);
		t->bar_shown = 0;
	}
}

static int term_cols(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void draw_bar(struct text_renderer *t)
{
	static const char spin[] = "-\\|/";
	struct rjob *j = t->current ? find_job(t, t->current, 0) : NULL;
	struct strbuf sb = STRBUF_INIT;
	int cols = term_cols(t->f);

	if (!j)
		return;
	strbuf_addf(&sb, "%c %s ", spin[t->spin++ % 4], j->name ? j->name : "job");
	if (j->total > 0 && j->done >= 0) {
		int width = 20, fill = (int)(width * (j->done > j->total ? j->total : j->done) / j->total);

		strbuf_addch(&sb, '[');
		for (int i = 0; i < width; i++)
			strbuf_addch(&sb, i < fill ? '#' : '.');
		strbuf_addf(&sb, "] %ld/%ld ", j->done, j->total);
	} else if (j->done >= 0) {
		strbuf_addf(&sb, "%ld ", j->done);
	}
	strbuf_addf(&sb, "%.1fs", now_s() - j->start);
	if (j->text && *j->text)
		strbuf_addf(&sb, "  %s", j->text);
	/* one screen line: cut at the width (bytes; good enough for ASCII names) */
	if ((int)sb.len > cols - 1)
		strbuf_setlen(&sb, cols - 1);
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n' || sb.buf[i] == '\t')
			sb.buf[i] = ' ';
	fprintf(t->f, "\r\033[K%s", sb.buf);
	fflush(t->f);
	t->bar_shown = 1;
	t->last_draw = now_s();
	strbuf_release(&sb);
}

static void stamp(struct strbuf *sb)
{
	time_t now = time(NULL);
	struct tm tm;
	char buf[16];

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	strbuf_addf(sb, "%s ", buf);
}

static void line(struct text_renderer *t, const struct rjob *j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(struct text_renderer *t, const struct rjob *j, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!t->tty)
		stamp(&sb);
	if (j && j->name)
		strbuf_addf(&sb, "%s: ", j->name);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	text_renderer_erase(t);
	fflush(stdout);
	fputs(sb.buf, t->f);
	fflush(t->f);
	strbuf_release(&sb);
}

void text_renderer_event(void *arg, const struct event *ev)
{
	struct text_renderer *t = arg;
	struct session *s = t->s;
	struct rjob *j;
	int is_cmd = ev->job && ev->job == s->cmd_job_id;

	pthread_mutex_lock(&s->out_lock);
	j = find_job(t, ev->job, ev->kind != EV_JOB_DONE && ev->kind != EV_JOB_FAILED);
	switch (ev->kind) {
	case EV_JOB_STARTED:
		if (j && ev->text && !j->name)
			j->name = xstrdup(ev->text);
		break;
	case EV_JOB_PROGRESS:
		if (!j)
			break;
		if (!j->name && !is_cmd)
			j->name = xstrdup("job");
		{
			/* lines mode: a line when the text changes, the count moves
			 * by a tenth, or it completes - not for every tick */
			int changed = !j->progressed || ev->total != j->total ||
				strcmp(j->text ? j->text : "", ev->text ? ev->text : "") ||
				(ev->total > 0 && ev->done >= ev->total && j->printed_done != ev->done) ||
				(ev->total > 0 && ev->done - j->printed_done >= (ev->total + 9) / 10);

			free(j->text);
			j->text = xstrdup(ev->text);
			j->done = ev->done;
			j->total = ev->total;
			j->progressed = 1;
			t->current = ev->job;
			if (t->tty) {
				draw_bar(t);
			} else if (changed) {
				j->printed_done = ev->done;
				if (ev->total > 0)
					line(t, j, "[%ld/%ld] %s", ev->done, ev->total, ev->text ? ev->text : "");
				else
					line(t, j, "%s", ev->text ? ev->text : "");
			}
		}
		break;
	case EV_JOB_LOG:
		if (ev->text)
			line(t, is_cmd ? NULL : j, "%s", ev->text);
		if (t->tty && t->current)
			draw_bar(t);
		break;
	case EV_JOB_DONE:
	case EV_JOB_FAILED:
		if (j && j->progressed && ev->kind == EV_JOB_DONE)
			line(t, j, "done in %.1fs", now_s() - j->start);
		else if (j && j->progressed && !t->tty)
			line(t, j, "failed after %.1fs", now_s() - j->start);
		if (j) {
			if (t->current == j->id)
				t->current = 0;
			forget(j);
		}
		text_renderer_erase(t);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&s->out_lock);
}

void text_renderer_tick(void *arg)
{
	struct text_renderer *t = arg;

	if (!t->tty || !t->current)
		return;
	pthread_mutex_lock(&t->s->out_lock);
	if (now_s() - t->last_draw >= 0.1)
		draw_bar(t);
	pthread_mutex_unlock(&t->s->out_lock);
}

void text_renderer_done(void *arg)
{
	struct text_renderer *t = arg;

	pthread_mutex_lock(&t->s->out_lock);
	text_renderer_erase(t);
	for (size_t i = 0; i < MAX_JOBS; i++)
		forget(&t->jobs[i]);
	t->current = 0;
	pthread_mutex_unlock(&t->s->out_lock);
}
