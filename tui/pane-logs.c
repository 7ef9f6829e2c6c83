/* pane-logs.c - the logs pane: a pod's log (followed live) or the output
 * of jobs (installs, joins). Scrollback, search with highlight, follow,
 * wrap and timestamps toggles.
 *
 * A pod log is streamed by its own job with its own client (a copy of the
 * fleet's connection), so a slow log never blocks anything and switching
 * pods only cancels that job.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backends/kube/client.h"
#include "lib/xalloc.h"
#include "tui/app.h"
#include "tui/logbuf.h"

#define LOG_LINES 20000

enum logs_mode { MODE_JOBS, MODE_POD };

struct logs {
	enum logs_mode mode;
	struct logbuf jobs, pod;
	int follow, wrap, stamps;
	unsigned long bottom;     /* absolute index (dropped + i) of the last line shown */
	int hoff;                 /* horizontal offset in cells (no wrap) */
	char search[128];
	long match;               /* absolute index of the current match, -1 none */
	struct job *job;          /* the pod log stream */
	unsigned long job_id;
	unsigned long old_ids[8];  /* streams we stopped: their last events are dropped */
	size_t nold;
	char pod_title[300];
	char last_progress[256];
};

struct pod_arg {
	struct kube_client *client;
	char *ns, *pod, *container;
};

static void pod_arg_free(void *p)
{
	struct pod_arg *a = p;

	kube_client_free(a->client);
	free(a->ns);
	free(a->pod);
	free(a->container);
	free(a);
}

static int pod_line(const char *line, size_t len, void *p)
{
	struct event *ev = event_new(EV_JOB_LOG);

	(void)p;
	ev->text = xstrndup(line, len);
	job_post(job_current(), ev);
	return 0;
}

static int pod_job(struct job *job, void *p, struct kerr *err)
{
	struct pod_arg *a = p;
	struct kube_logs_opts o = { .container = a->container, .follow = 1, .tail_lines = 500 };
	long backoff = 500;

	/* Follow survives a restarting stream (the server closing it, a
	 * cluster that comes back) until the user moves on. */
	while (!job_cancelled(job)) {
		struct kerr e = { 0 };

		if (kube_logs(a->client, a->ns, a->pod, &o, pod_line, a, &e) < 0) {
			if (e.kind == KERR_CANCELLED || job_cancelled(job))
				break;
			if (e.kind == KERR_NOTFOUND || e.kind == KERR_AUTH || e.kind == KERR_USAGE) {
				*err = e;
				return -1;
			}
			{
				struct event *ev = event_new(EV_JOB_LOG);

				ev->text = xasprintf("(log stream interrupted: %s; retrying)", e.msg);
				job_post(job, ev);
			}
		}
		/* Resume from now on: no repeated tail after a reconnect. */
		o.tail_lines = 0;
		o.since_seconds = 1;
		if (job_sleep(job, backoff) < 0)
			break;
		if (backoff < 5000)
			backoff *= 2;
	}
	return kerr_set(err, KERR_CANCELLED, "log of %s/%s: stopped", a->ns, a->pod);
}

static struct logbuf *cur_buf(struct logs *l)
{
	return l->mode == MODE_POD ? &l->pod : &l->jobs;
}

static void stop_pod(struct logs *l)
{
	if (l->job_id) {
		l->old_ids[l->nold++ % ARRAY_SIZE(l->old_ids)] = l->job_id;
		l->job_id = 0;
	}
	if (l->job) {
		job_cancel(l->job);
		job_release(l->job);
		l->job = NULL;
	}
}

static void to_bottom(struct logs *l)
{
	struct logbuf *b = cur_buf(l);

	l->bottom = b->dropped + (logbuf_count(b) ? logbuf_count(b) - 1 : 0);
}

void logs_pane_follow_pod(struct pane *p, const char *cluster, const char *ns, const char *pod,
			  const char *container)
{
	struct logs *l = p->priv;
	struct kube_client *fc = fleet_client(p->app->fleet, cluster);
	struct kerr err = { 0 };
	struct pod_arg *a;
	struct kube_client *c;

	if (!fc) {
		tui_error(p->app, "logs of %s/%s: no connection to %s", ns, pod, cluster);
		return;
	}
	if (!(c = kube_client_new(kube_client_conn(fc), NULL, &err))) {
		tui_error(p->app, "logs of %s/%s on %s: %s", ns, pod, cluster, err.msg);
		return;
	}
	stop_pod(l);
	logbuf_clear(&l->pod);
	a = xcalloc(1, sizeof(*a));
	a->client = c;
	a->ns = xstrdup(ns);
	a->pod = xstrdup(pod);
	a->container = xstrdup(container);
	l->job = job_start(p->app->q, "logs", cluster, pod_job, a, pod_arg_free);
	l->job_id = job_id(l->job);
	l->mode = MODE_POD;
	l->follow = 1;
	l->match = -1;
	to_bottom(l);
	snprintf(l->pod_title, sizeof(l->pod_title), "%s %s/%s", cluster, ns, pod);
	p->dirty = 1;
	tui_focus(p->app, PANE_LOGS);
}

int logs_pane_owns(struct pane *p, const struct event *ev)
{
	struct logs *l = p->priv;

	for (size_t i = 0; ev->job && i < ARRAY_SIZE(l->old_ids); i++)
		if (l->old_ids[i] == ev->job)
			return 1;
	if (!l->job_id || ev->job != l->job_id)
		return 0;
	logs_pane_job_event(p, ev);
	return 1;
}

int logs_pane_streaming(struct pane *p)
{
	struct logs *l = p->priv;

	return l->job && !job_finished(l->job);
}

static void add(struct pane *p, struct logbuf *b, unsigned flags, const char *text)
{
	struct logs *l = p->priv;

	logbuf_add(b, time(NULL), flags, text, strlen(text));
	if (b == cur_buf(l)) {
		if (l->follow)
			to_bottom(l);
		p->dirty = 1;
	}
}

void logs_pane_job_event(struct pane *p, const struct event *ev)
{
	struct logs *l = p->priv;
	char buf[2048];

	if (l->job_id && ev->job == l->job_id) {
		if (ev->kind == EV_JOB_LOG && ev->text)
			add(p, &l->pod, 0, ev->text);
		else if (ev->kind == EV_JOB_FAILED && ev->err.kind != KERR_CANCELLED)
			add(p, &l->pod, LOGLINE_ERR, ev->err.msg);
		return;
	}
	switch (ev->kind) {
	case EV_JOB_STARTED:
		snprintf(buf, sizeof(buf), "== %s%s%s started", ev->text ? ev->text : "job",
			 ev->cluster ? " on " : "", ev->cluster ? ev->cluster : "");
		add(p, &l->jobs, LOGLINE_INFO, buf);
		break;
	case EV_JOB_LOG:
		if (ev->text)
			add(p, &l->jobs, 0, ev->text);
		break;
	case EV_JOB_PROGRESS:
		if (!ev->text || !strcmp(ev->text, l->last_progress))
			break;
		snprintf(l->last_progress, sizeof(l->last_progress), "%s", ev->text);
		if (ev->total > 0)
			snprintf(buf, sizeof(buf), "[%ld/%ld] %s", ev->done, ev->total, ev->text);
		else
			snprintf(buf, sizeof(buf), "%s", ev->text);
		add(p, &l->jobs, 0, buf);
		break;
	case EV_JOB_DONE:
		snprintf(buf, sizeof(buf), "== %s%s%s done", ev->text ? ev->text : "job",
			 ev->cluster ? " on " : "", ev->cluster ? ev->cluster : "");
		add(p, &l->jobs, LOGLINE_INFO, buf);
		break;
	case EV_JOB_FAILED:
		snprintf(buf, sizeof(buf), "== failed: %s", ev->err.msg);
		add(p, &l->jobs, LOGLINE_ERR, buf);
		break;
	default:
		break;
	}
}

/* ---- drawing -------------------------------------------------------- */

/* Draw text from cell `skip` on, highlighting needle; wraps onto further
 * rows when wrap (up to maxrows). Returns rows used. */
static int put_hl(WINDOW *w, int y, int x, int width, int maxrows, const char *s, int skip,
		  const char *needle, int wrap, unsigned long base)
{
	size_t len = strlen(s), nl = needle ? strlen(needle) : 0;
	const char *m = nl ? logbuf_strcasestr(s, needle) : NULL;
	int col = 0, row = 0, cx = 0;
	size_t i = 0;

	while (i < len && row < maxrows) {
		size_t n = 1;
		int cw, in_match;

		/* One UTF-8 character (continuation bytes belong to it). */
		while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n++;
		cw = text_width(s + i, n);
		while (m && s + i >= m + nl)
			m = logbuf_strcasestr(m + nl, needle);
		in_match = m && s + i >= m && s + i < m + nl;
		if (col >= skip) {
			if (cx + cw > width) {
				if (!wrap)
					break;
				row++;
				cx = 0;
				if (row >= maxrows)
					break;
			}
			wattrset(w, in_match ? theme_attr(THEME_MATCH) : base);
			mvwaddnstr(w, y + row, x + cx, s + i, (int)n);
			cx += cw;
		}
		col += cw;
		i += n;
	}
	wattrset(w, base);
	return row + 1;
}

static int line_rows(struct logs *l, const struct logline *ll, int width, int prefix)
{
	int tw;

	if (!l->wrap || width <= prefix)
		return 1;
	tw = text_width(ll->text, strlen(ll->text));
	return tw <= width - prefix ? 1 : (tw + (width - prefix) - 1) / (width - prefix);
}

static void logs_draw(struct pane *p)
{
	struct logs *l = p->priv;
	struct logbuf *b = cur_buf(l);
	int h = pane_inner_h(p), w = pane_inner_w(p);
	int prefix = l->stamps ? 9 : 0;
	long n = (long)logbuf_count(b), idx;
	int y = h;   /* rows left, filling from the bottom */

	if (l->follow)
		to_bottom(l);
	idx = (long)(l->bottom - b->dropped);
	if (idx >= n)
		idx = n - 1;
	if (idx < 0 && n > 0) {
		idx = 0;
		l->bottom = b->dropped;
	}
	/* Find the first line shown so that lines idx.. fill the pane. */
	{
		long first = idx;
		int used = 0;

		while (first >= 0) {
			int r = line_rows(l, logbuf_get(b, (size_t)first), w, prefix);

			if (used + r > h && used > 0)
				break;
			used += r;
			first--;
		}
		first++;
		y = 1;
		for (long i = first; i <= idx && i >= 0 && y <= h; i++) {
			const struct logline *ll = logbuf_get(b, (size_t)i);
			unsigned long base = theme_attr(ll->flags & LOGLINE_ERR ? THEME_LOG_ERR :
							ll->flags & LOGLINE_INFO ? THEME_DIM : THEME_NORMAL);
			int x = 1;

			if (l->stamps) {
				char ts[16];
				struct tm tm;

				localtime_r(&ll->ts, &tm);
				strftime(ts, sizeof(ts), "%H:%M:%S ", &tm);
				wattrset(p->win, theme_attr(THEME_LOG_TIME));
				mvwaddnstr(p->win, y, x, ts, w);
				x += prefix;
			}
			y += put_hl(p->win, y, x, w - (x - 1), h - y + 1, ll->text, l->wrap ? 0 : l->hoff,
				    l->search[0] ? l->search : NULL, l->wrap, base);
		}
	}
	if (l->mode == MODE_POD)
		snprintf(p->title, sizeof(p->title), "Logs: %s%s%s", l->pod_title,
			 l->follow ? " [follow]" : "", l->wrap ? " [wrap]" : "");
	else
		snprintf(p->title, sizeof(p->title), "Logs: jobs%s%s", l->follow ? " [follow]" : "",
			 l->wrap ? " [wrap]" : "");
	if (l->search[0]) {
		size_t t = strlen(p->title);

		snprintf(p->title + t, sizeof(p->title) - t, " /%s", l->search);
	}
}

static void jump_match(struct pane *p, int dir)
{
	struct logs *l = p->priv;
	struct logbuf *b = cur_buf(l);
	long from = (long)(l->bottom - b->dropped), i;

	if (!l->search[0])
		return;
	if (l->match >= 0 && (unsigned long)l->match >= b->dropped)
		from = l->match - (long)b->dropped;
	else if (dir > 0)
		from = -1;
	else
		from = (long)logbuf_count(b);
	i = logbuf_find(b, l->search, from, dir);
	if (i < 0) {
		tui_error(p->app, "no match for '%s'", l->search);
		return;
	}
	l->match = (long)b->dropped + i;
	l->bottom = b->dropped + (unsigned long)i;
	l->follow = 0;
}

static void logs_prompt(struct pane *p, const char *text, int done)
{
	struct logs *l = p->priv;

	snprintf(l->search, sizeof(l->search), "%s", done < 0 ? "" : text);
	l->match = -1;
	if (done > 0 && l->search[0]) {
		/* Like less's ?: the newest match first. */
		jump_match(p, -1);
		/* Keep following when the newest match is in view anyway. */
	}
	p->dirty = 1;
}

static int logs_action(struct pane *p, const char *action, const char *arg)
{
	struct logs *l = p->priv;
	struct logbuf *b = cur_buf(l);
	unsigned long last = b->dropped + (logbuf_count(b) ? logbuf_count(b) - 1 : 0);
	unsigned long page = pane_inner_h(p) > 1 ? (unsigned long)pane_inner_h(p) - 1 : 1;

	(void)arg;
	if (!strcmp(action, "scroll-up") || !strcmp(action, "page-up")) {
		unsigned long d = action[0] == 'p' ? page : 1;

		l->follow = 0;
		l->bottom = l->bottom > b->dropped + d ? l->bottom - d : b->dropped;
	} else if (!strcmp(action, "scroll-down") || !strcmp(action, "page-down")) {
		unsigned long d = action[0] == 'p' ? page : 1;

		l->bottom = l->bottom + d < last ? l->bottom + d : last;
	} else if (!strcmp(action, "top")) {
		l->follow = 0;
		l->bottom = b->dropped + (page < logbuf_count(b) ? page : last - b->dropped);
	} else if (!strcmp(action, "bottom")) {
		l->follow = 1;
	} else if (!strcmp(action, "follow")) {
		l->follow = !l->follow;
	} else if (!strcmp(action, "wrap")) {
		l->wrap = !l->wrap;
		l->hoff = 0;
	} else if (!strcmp(action, "timestamps")) {
		l->stamps = !l->stamps;
	} else if (!strcmp(action, "scroll-left")) {
		l->hoff = l->hoff > 8 ? l->hoff - 8 : 0;
	} else if (!strcmp(action, "scroll-right")) {
		if (!l->wrap)
			l->hoff += 8;
	} else if (!strcmp(action, "search-next")) {
		jump_match(p, 1);
	} else if (!strcmp(action, "search-prev")) {
		jump_match(p, -1);
	} else if (!strcmp(action, "clear")) {
		logbuf_clear(b);
		l->follow = 1;
	} else if (!strcmp(action, "jobs")) {
		l->mode = MODE_JOBS;
		l->follow = 1;
	} else if (!strcmp(action, "clear-filter")) {
		if (!l->search[0])
			return 0;
		l->search[0] = '\0';
	} else {
		return 0;
	}
	if (l->follow)
		to_bottom(l);
	p->dirty = 1;
	return 1;
}

static void logs_init(struct pane *p)
{
	struct logs *l = xcalloc(1, sizeof(*l));

	logbuf_init(&l->jobs, LOG_LINES);
	logbuf_init(&l->pod, LOG_LINES);
	l->follow = 1;
	l->match = -1;
	p->priv = l;
	snprintf(p->title, sizeof(p->title), "Logs");
}

static void logs_free(struct pane *p)
{
	struct logs *l = p->priv;

	/* At exit the stream must end before the queue it posts to goes. */
	if (l->job) {
		job_cancel(l->job);
		job_join(l->job);
	}
	stop_pod(l);
	logbuf_release(&l->jobs);
	logbuf_release(&l->pod);
	free(l);
}

const struct pane_ops pane_logs_ops = {
	.name = "logs",
	.init = logs_init,
	.free = logs_free,
	.draw = logs_draw,
	.action = logs_action,
	.prompt = logs_prompt,
};
