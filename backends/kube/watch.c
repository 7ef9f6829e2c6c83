/* watch.c - the informer loop: list (SYNC), then watch from the list's
 * resourceVersion, parse the chunked JSON-lines stream as it arrives,
 * resume from the last seen resourceVersion when a stream ends, relist on
 * 410 Gone, reconnect with backoff on network errors.
 */
#include <stdio.h>
#include <string.h>

#include "backends/kube/client-int.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"

#define BACKOFF_MAX_MS 30000

/* ---- lines ---------------------------------------------------------------- */

void kube_lines_init(struct kube_lines *l, int (*on_line)(char *, size_t, void *), void *arg)
{
	strbuf_init(&l->buf, 0);
	l->on_line = on_line;
	l->arg = arg;
}

void kube_lines_release(struct kube_lines *l)
{
	strbuf_release(&l->buf);
}

int kube_lines_feed(struct kube_lines *l, const char *p, size_t n)
{
	size_t start = 0, i;
	int rc = 0;

	/* Fast path: whole lines straight from the chunk when nothing is pending
	 * would need a writable copy anyway, so everything goes through buf. */
	strbuf_add(&l->buf, p, n);
	for (i = l->buf.len - n; i < l->buf.len; i++) {
		if (l->buf.buf[i] != '\n')
			continue;
		l->buf.buf[i] = '\0';
		rc = l->on_line(l->buf.buf + start, i - start, l->arg);
		start = i + 1;
		if (rc)
			break;
	}
	if (start) {
		memmove(l->buf.buf, l->buf.buf + start, l->buf.len - start);
		strbuf_setlen(&l->buf, l->buf.len - start);
	}
	return rc;
}

int kube_lines_flush(struct kube_lines *l)
{
	int rc = 0;

	if (l->buf.len)
		rc = l->on_line(l->buf.buf, l->buf.len, l->arg);
	strbuf_reset(&l->buf);
	return rc;
}

/* ---- one watch stream ---------------------------------------------------------- */

struct wstream {
	kube_watch_cb cb;
	void *arg;
	struct kube_lines lines;
	char *rv;           /* last seen resourceVersion (owned) */
	int gone;           /* an ERROR event said 410 */
	int stop;           /* the callback asked to stop */
	int failed;         /* an ERROR event other than 410 (in err) */
	struct kerr err;
	long events;
};

static int on_event(char *line, size_t len, void *arg)
{
	struct wstream *w = arg;
	json_t *ev, *obj;
	const char *type, *rv;
	int rc = 0;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		line[--len] = '\0';
	if (!len)
		return 0;
	ev = json_loadb(line, len, 0, NULL);
	type = json_string_value(json_object_get(ev, "type"));
	obj = json_object_get(ev, "object");
	if (!type || !json_is_object(obj)) {
		kerr_set(&w->err, KERR_INVALID, "malformed watch event: %.80s", line);
		w->failed = 1;
		json_decref(ev);
		return 1;
	}
	if (!strcmp(type, "ERROR")) {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));
		if (code == 410) {
			w->gone = 1;
		} else {
			char *body = json_dumps(obj, JSON_COMPACT);
			kube_status_decode(code, body, body ? strlen(body) : 0, &w->err);
			free(body);
			w->failed = 1;
		}
		json_decref(ev);
		return 1;
	}
	w->events++;
	rv = json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
	if (rv && *rv) {
		free(w->rv);
		w->rv = xstrdup(rv);
	}
	if (w->cb(type, obj, w->arg)) {
		w->stop = 1;
		rc = 1;
	}
	json_decref(ev);
	return rc;
}

static int on_stream_data(const char *p, size_t n, void *arg)
{
	struct wstream *w = arg;

	return kube_lines_feed(&w->lines, p, n);
}

static int collect(json_t *item, void *arg)
{
	json_array_append((json_t *)arg, item);
	return 0;
}

static int relist(struct kube_client *c, const struct kube_resource *r, const char *ns,
		  const struct kube_watch_opts *o, kube_watch_cb cb, void *arg,
		  char **rv, int *stop, struct kerr *err)
{
	struct kube_list_opts lo = {
		.label_selector = o ? o->label_selector : NULL,
		.field_selector = o ? o->field_selector : NULL,
	};
	json_t *items = json_array();

	free(*rv);
	*rv = NULL;
	if (kube_list_each(c, r, ns, &lo, collect, items, rv, err) < 0) {
		json_decref(items);
		return -1;
	}
	if (!*rv || !**rv) {
		json_decref(items);
		free(*rv);
		*rv = NULL;
		return kerr_set(err, KERR_INVALID, "the list of %s has no resourceVersion to watch from",
				r->plural);
	}
	*stop = cb("SYNC", items, arg) != 0;
	json_decref(items);
	return 0;
}

static void watch_path(struct strbuf *path, const struct kube_resource *r, const char *ns,
		       const struct kube_watch_opts *o, const char *rv, int timeout_s)
{
	char num[32];

	kube_path(path, r, ns, NULL);
	kube_query_add(path, "watch", "true");
	kube_query_add(path, "resourceVersion", rv);
	if (o && o->bookmarks)
		kube_query_add(path, "allowWatchBookmarks", "true");
	if (o && o->label_selector && *o->label_selector)
		kube_query_add(path, "labelSelector", o->label_selector);
	if (o && o->field_selector && *o->field_selector)
		kube_query_add(path, "fieldSelector", o->field_selector);
	snprintf(num, sizeof num, "%d", timeout_s);
	kube_query_add(path, "timeoutSeconds", num);
}

static int retriable(const struct kerr *e)
{
	return e->kind == KERR_NETWORK || e->kind == KERR_TIMEOUT ||
	       (e->kind == KERR_FAIL && e->http >= 500);
}

int kube_watch_until(struct kube_client *c, const struct kube_resource *r, const char *ns,
		     const struct kube_watch_opts *opts, long long deadline_ms,
		     kube_watch_cb cb, void *arg, struct kerr *err)
{
	struct kerr local_err = { 0 };
	struct wstream w = { .cb = cb, .arg = arg };
	long backoff = 0;
	int rc = -1, stop = 0, gone_streak = 0;

	if (!err)   /* decisions below read the error kind */
		err = &local_err;

	if (r->namespaced && ns && !*ns)
		ns = NULL;
	if (opts && opts->resource_version && *opts->resource_version)
		w.rv = xstrdup(opts->resource_version);
	for (;;) {
		struct strbuf path = STRBUF_INIT;
		struct kube_call call = { .method = "GET", .on_data = on_stream_data, .arg = &w,
					  .no_retry = 1 };
		struct kerr e = { 0 };
		int timeout_s = opts && opts->timeout_s > 0 ? opts->timeout_s : 300;
		long long started, left = 0;
		int crc;

		if (kube_cancelled()) {
			kerr_set(err, KERR_CANCELLED, "cancelled");
			break;
		}
		if (deadline_ms) {
			left = deadline_ms - monotime_ms();
			if (left <= 0) {
				kerr_set(err, KERR_TIMEOUT, "timed out");
				break;
			}
			if (timeout_s > left / 1000 + 1)
				timeout_s = (int)(left / 1000) + 1;
		}
		if (!w.rv) {
			if (relist(c, r, ns, opts, cb, arg, &w.rv, &stop, &e) < 0) {
				if (!retriable(&e) || (opts && opts->once)) {
					*err = e;
					break;
				}
				goto backoff;
			}
			if (stop) {
				rc = 0;
				break;
			}
		}
		watch_path(&path, r, ns, opts, w.rv, timeout_s);
		call.path = path.buf;
		/* The server ends the stream after timeoutSeconds; the margin
		 * catches a connection that silently died. */
		call.timeout_ms = deadline_ms ? left : (timeout_s + 30) * 1000L;
		kube_lines_init(&w.lines, on_event, &w);
		w.gone = w.failed = w.stop = 0;
		w.events = 0;
		started = monotime_ms();
		crc = kube_call_do(c, &call, NULL, NULL, &e);
		if (!crc && !w.stop && !w.gone && !w.failed)
			kube_lines_flush(&w.lines);
		kube_lines_release(&w.lines);
		strbuf_release(&path);
		if (w.stop) {
			rc = 0;
			break;
		}
		if (w.gone || (crc < 0 && e.kind == KERR_GONE)) {
			/* our resourceVersion is too old: start over from a list,
			 * at once the first time, with backoff if it keeps happening
			 * with nothing in between */
			free(w.rv);
			w.rv = NULL;
			if (w.events)
				gone_streak = 0;
			if (!gone_streak++)
				continue;
			goto backoff;
		}
		gone_streak = 0;
		if (w.failed) {
			e = w.err;
			crc = -1;
		}
		if (crc < 0) {
			if (e.kind == KERR_CANCELLED || !retriable(&e) ||
			    (deadline_ms && monotime_ms() >= deadline_ms)) {
				*err = e;
				if (e.kind == KERR_TIMEOUT && deadline_ms)
					kerr_set(err, KERR_TIMEOUT, "timed out");
				break;
			}
			if (opts && opts->once) {
				*err = e;
				break;
			}
			goto backoff;
		}
		if (opts && opts->once) {
			rc = 0;
			break;
		}
		/* A stream that ends at once with nothing in it (a server
		 * dropping watches) must not turn into a busy loop. */
		if (w.events || monotime_ms() - started > 1000) {
			backoff = 0;
			continue;
		}
backoff:
		backoff = backoff ? backoff * 2 : 200;
		if (backoff > BACKOFF_MAX_MS)
			backoff = BACKOFF_MAX_MS;
		if (kube_sleep_ms(backoff / 2 + (long)(monotime_ms() % (backoff / 2 + 1))) < 0) {
			kerr_set(err, KERR_CANCELLED, "cancelled");
			break;
		}
	}
	free(w.rv);
	return rc;
}

int kube_watch(struct kube_client *c, const struct kube_resource *r, const char *ns,
	       const struct kube_watch_opts *opts, kube_watch_cb cb, void *arg,
	       struct kerr *err)
{
	if (kube_watch_until(c, r, ns, opts, 0, cb, arg, err) < 0) {
		struct strbuf sb = STRBUF_INIT;
		kube_what(&sb, r, ns, NULL);
		kerr_prefix(err, "watch %s on %s", sb.buf, c->name);
		strbuf_release(&sb);
		return -1;
	}
	return 0;
}
