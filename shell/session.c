/* session.c - the session's state: globals, kubeconfig, clients, output.
 * Running commands is session-run.c; the text renderer is render.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kube/kubeconfig.h"
#include "backends/kube/pool.h"
#include "lib/xalloc.h"
#include "shell/session-int.h"

struct session *session_new(enum session_mode mode)
{
	struct session *s = xcalloc(1, sizeof(*s));

	s->mode = mode;
	s->main_thread = pthread_self();
	s->is_tty = isatty(STDOUT_FILENO);
	s->interactive = mode != SESSION_ONESHOT || isatty(STDIN_FILENO);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->out_lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->q = evq_create();
	s->diag = mode == SESSION_SHELL ? stdout : stderr;
	s->text = text_renderer_new(s, s->diag);
	session_set_renderer(s, NULL);
	return s;
}

static void drop_kcs(struct session_kc *k)
{
	while (k) {
		struct session_kc *next = k->next;

		kube_clients_free(k->pool);
		kubeconfig_free(k->kc);
		free(k);
		k = next;
	}
}

void session_free(struct session *s)
{
	struct event *ev;

	if (!s)
		return;
	if (s->cmd_job) {
		job_cancel(s->cmd_job);
		job_join(s->cmd_job);
		job_release(s->cmd_job);
	}
	while ((ev = evq_pop(s->q)))
		event_free(ev);
	evq_free(s->q);
	text_renderer_free(s->text);
	drop_kcs(s->kcs);
	free(s->kc_path);
	free(s->context);
	free(s->ns);
	free(s->view_ctx);
	free(s->view_ns);
	free(s->last_line);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->out_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

enum session_mode session_mode(const struct session *s) { return s->mode; }
int session_is_tty(const struct session *s) { return s->is_tty; }
int session_interactive(const struct session *s) { return s->interactive; }
struct evq *session_evq(struct session *s) { return s->q; }
unsigned session_generation(const struct session *s) { return s->gen; }
int session_last_status(const struct session *s) { return s->last_status; }
const char *session_last_line(const struct session *s) { return s->last_line; }

int session_on_main(const struct session *s)
{
	return pthread_equal(pthread_self(), s->main_thread);
}

void session_set_tty(struct session *s, int is_tty, int interactive)
{
	s->is_tty = is_tty;
	s->interactive = interactive;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? xstrdup(v) : NULL;
}

void session_set_globals(struct session *s, const char *kubeconfig_path,
			 const char *context, const char *ns)
{
	pthread_mutex_lock(&s->lock);
	if (kubeconfig_path && (!s->kc_path || strcmp(kubeconfig_path, s->kc_path))) {
		set_str(&s->kc_path, kubeconfig_path);
		/* Keep the old ones alive: a running command may hold a client. */
		if (s->kcs && s->kcs->kc) {
			struct session_kc *k = xcalloc(1, sizeof(*k));

			k->next = s->kcs;
			s->kcs = k;
		}
		s->kc_loaded = 0;
	}
	if (context)
		set_str(&s->context, context);
	if (ns)
		set_str(&s->ns, ns);
	s->gen++;
	pthread_mutex_unlock(&s->lock);
}

/* With s->lock held. */
static int load_locked(struct session *s, struct kerr *err)
{
	struct kubeconfig *kc = NULL;
	struct kube_client_opts opts = { 0 };

	if (s->kc_loaded)
		return 0;
	if (kubeconfig_load(s->kc_path, &kc, err) < 0)
		return -1;
	if (!s->kcs || s->kcs->kc) {
		struct session_kc *k = xcalloc(1, sizeof(*k));

		k->next = s->kcs;
		s->kcs = k;
	}
	s->kcs->kc = kc;
	s->kcs->pool = kube_clients_new(kc, &opts);
	s->kc_loaded = 1;
	return 0;
}

int session_kubeconfig(struct session *s, struct kubeconfig **out, struct kerr *err)
{
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = load_locked(s, err);
	*out = rc < 0 ? NULL : s->kcs->kc;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

const char *session_kubeconfig_path(const struct session *s)
{
	return s->kc_path;
}

struct kube_clients *session_pool(struct session *s)
{
	struct kube_clients *p;

	pthread_mutex_lock(&s->lock);
	p = s->kc_loaded ? s->kcs->pool : NULL;
	pthread_mutex_unlock(&s->lock);
	return p;
}

/* With s->lock held: the effective context (may be NULL). */
static const char *context_locked(struct session *s)
{
	if (s->context)
		return s->context;
	if (!s->kc_loaded && load_locked(s, NULL) < 0)
		return NULL;
	return kubeconfig_current_context(s->kcs->kc);
}

static const char *namespace_locked(struct session *s, const char *ctx)
{
	const char *ns = NULL;

	if (s->ns)
		return s->ns;
	if (ctx && s->kc_loaded)
		ns = kubeconfig_context_field(s->kcs->kc, ctx, "namespace");
	return ns && *ns ? ns : "default";
}

const char *session_context(struct session *s)
{
	const char *c;

	pthread_mutex_lock(&s->lock);
	c = context_locked(s);
	set_str(&s->view_ctx, c);
	pthread_mutex_unlock(&s->lock);
	return s->view_ctx;
}

const char *session_namespace(struct session *s)
{
	pthread_mutex_lock(&s->lock);
	set_str(&s->view_ns, namespace_locked(s, context_locked(s)));
	pthread_mutex_unlock(&s->lock);
	return s->view_ns;
}

void session_snapshot(struct session *s, char **kc_path, char **context, char **ns)
{
	const char *c;

	pthread_mutex_lock(&s->lock);
	c = context_locked(s);
	if (kc_path)
		*kc_path = xstrdup(s->kc_path);
	if (context)
		*context = xstrdup(c);
	if (ns)
		*ns = xstrdup(namespace_locked(s, c));
	pthread_mutex_unlock(&s->lock);
}

int session_use(struct session *s, const char *context, const char *ns, struct kerr *err)
{
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (context) {
		if (load_locked(s, err) < 0) {
			rc = -1;
			goto out;
		}
		if (!kubeconfig_has_context(s->kcs->kc, context)) {
			rc = kerr_set(err, KERR_NOTFOUND, "no context \"%s\" in %s", context,
				      s->kc_path ? s->kc_path : "the kubeconfig");
			kerr_hint(err, "clusters");
			goto out;
		}
		set_str(&s->context, context);
		/* a new context starts in its own namespace unless one is given */
		if (!ns)
			set_str(&s->ns, NULL);
	}
	if (ns)
		set_str(&s->ns, ns);
	s->gen++;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int session_switch_kubeconfig(struct session *s, const char *path, struct kerr *err)
{
	struct kubeconfig *kc = NULL;
	struct session_kc *k;

	if (kubeconfig_load(path, &kc, err) < 0)
		return -1;
	k = xcalloc(1, sizeof(*k));
	k->kc = kc;
	k->pool = kube_clients_new(kc, NULL);
	pthread_mutex_lock(&s->lock);
	k->next = s->kcs;
	s->kcs = k;
	s->kc_loaded = 1;
	set_str(&s->kc_path, path);
	set_str(&s->context, NULL);
	set_str(&s->ns, NULL);
	s->gen++;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int session_client(struct session *s, const char *context, struct kube_client **out,
		   struct kerr *err)
{
	struct kube_clients *pool;
	char *ctx = NULL;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&s->lock);
	if (load_locked(s, err) < 0) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	pool = s->kcs->pool;
	ctx = xstrdup(context ? context : context_locked(s));
	pthread_mutex_unlock(&s->lock);
	if (!ctx) {
		kerr_set(err, KERR_NOTFOUND, "no current context in %s",
			 s->kc_path ? s->kc_path : "the kubeconfig");
		return kerr_hint(err, "use --context NAME, `use CONTEXT`, or `kurator demo`");
	}
	rc = kube_clients_get(pool, ctx, out, err);
	free(ctx);
	return rc;
}

/* ---- output -------------------------------------------------------------------- */

void session_set_sink(struct session *s, const struct session_sink *sink)
{
	if (sink)
		s->sink = *sink;
	else
		memset(&s->sink, 0, sizeof(s->sink));
}

void session_set_renderer(struct session *s, const struct session_renderer *r)
{
	if (r) {
		s->rend = *r;
		return;
	}
	s->rend.event = text_renderer_event;
	s->rend.tick = text_renderer_tick;
	s->rend.done = text_renderer_done;
	s->rend.arg = s->text;
}

static void write_fd(FILE *f, const char *text, size_t len)
{
	fwrite(text, 1, len, f);
}

void session_write(struct session *s, const char *text, size_t len, unsigned flags)
{
	if (!len)
		return;
	if (s->sink.write) {
		struct job *cur = job_current();

		if (session_on_main(s) || !cur) {
			s->sink.write(s->sink.arg, text, len, flags);
			return;
		}
		/* Off the main thread: travel as an EV_USER event (resource
		 * SESSION_OUTPUT_EV) so it reaches the sink in order, on the main thread
		 * (session_event; the flags ride in `done`). */
		{
			struct event *ev = event_new(EV_USER);

			ev->text = xstrndup(text, len);
			ev->resource = xstrdup(SESSION_OUTPUT_EV);
			ev->done = flags;
			job_post(cur, ev);
		}
		return;
	}
	pthread_mutex_lock(&s->out_lock);
	text_renderer_erase(s->text);
	if (flags & (SESSION_OUT_ERR | SESSION_OUT_NOTE)) {
		fflush(stdout);
		write_fd(s->diag, text, len);
		fflush(s->diag);
	} else {
		write_fd(stdout, text, len);
	}
	pthread_mutex_unlock(&s->out_lock);
}

void session_vout(struct session *s, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	session_write(s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

void session_out(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_vout(s, fmt, ap);
	va_end(ap);
}

void session_error(struct session *s, const struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *msg = err && err->msg[0] ? err->msg : "failed";

	strbuf_addf(&sb, "error: %s", msg);
	/* one line: the message may carry server text with newlines */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n' || sb.buf[i] == '\r')
			sb.buf[i] = ' ';
	strbuf_addch(&sb, '\n');
	session_write(s, sb.buf, sb.len, SESSION_OUT_ERR);
	strbuf_release(&sb);
}

void session_flush(struct session *s)
{
	if (s->sink.write)
		return;
	pthread_mutex_lock(&s->out_lock);
	fflush(stdout);
	pthread_mutex_unlock(&s->out_lock);
}

void session_set_tui(struct session *s, int (*tui)(struct session *s))
{
	s->tui = tui;
}

int session_open_tui(struct session *s, struct kerr *err)
{
	enum session_mode old = s->mode;
	int rc;

	if (!s->tui)
		return kerr_set(err, KERR_FAIL, "this kurator has no full-screen UI");
	if (old == SESSION_TUI)
		return 0;   /* already on screen */
	s->mode = SESSION_TUI;
	rc = s->tui(s);
	s->mode = old;
	session_set_sink(s, NULL);
	session_set_renderer(s, NULL);
	return rc;
}
