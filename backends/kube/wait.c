/* wait.c - delete (with propagation, optionally waiting until the object is
 * gone) and wait-for-condition. Both watch the one object (fieldSelector
 * metadata.name) instead of polling, and fall back to polling a server
 * that cannot watch it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "backends/kube/client-int.h"
#include "lib/monotime.h"
#include "lib/xalloc.h"

/* Returns 1 when the wait is over for obj (NULL: the object is absent). */
typedef int (*wait_pred)(const json_t *obj, void *arg);

struct waiter {
	const char *name;
	wait_pred pred;
	void *arg;
	json_t *last;     /* last state seen (for messages), NULL if absent */
	int done;
};

static void remember(struct waiter *w, json_t *obj)
{
	json_decref(w->last);
	w->last = obj ? json_incref(obj) : NULL;
}

static int on_wait_event(const char *type, json_t *obj, void *arg)
{
	struct waiter *w = arg;

	if (!strcmp(type, "SYNC")) {
		json_t *item, *found = NULL;
		size_t i;
		json_array_foreach(obj, i, item) {
			const char *n = json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
			if (n && !strcmp(n, w->name))
				found = item;
		}
		remember(w, found);
	} else if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED")) {
		remember(w, obj);
	} else if (!strcmp(type, "DELETED")) {
		remember(w, NULL);
	} else {
		return 0;   /* bookmarks */
	}
	w->done = w->pred(w->last, w->arg);
	return w->done;
}

static int poll_wait(struct kube_client *c, const struct kube_resource *r, const char *ns,
		     struct waiter *w, long long deadline, struct kerr *err)
{
	long delay = 100;

	for (;;) {
		json_t *obj = NULL;
		struct kerr e = { 0 };
		if (kube_get(c, r, ns, w->name, &obj, &e) < 0) {
			if (e.kind != KERR_NOTFOUND) {
				*err = e;
				return -1;
			}
		}
		remember(w, obj);
		json_decref(obj);
		if ((w->done = w->pred(w->last, w->arg)))
			return 0;
		if (monotime_ms() + delay > deadline)
			return kerr_set(err, KERR_TIMEOUT, "timed out");
		if (kube_sleep_ms(delay) < 0)
			return kerr_set(err, KERR_CANCELLED, "cancelled");
		if (delay < 1000)
			delay *= 2;
	}
}

static int wait_for(struct kube_client *c, const struct kube_resource *r, const char *ns,
		    struct waiter *w, long timeout_ms, struct kerr *err)
{
	struct strbuf fs = STRBUF_INIT;
	struct kube_watch_opts o = { .bookmarks = 1 };
	long long deadline = monotime_ms() + timeout_ms;
	int rc;

	strbuf_addf(&fs, "metadata.name=%s", w->name);
	o.field_selector = fs.buf;
	rc = kube_watch_until(c, r, ns, &o, deadline, on_wait_event, w, err);
	strbuf_release(&fs);
	/* A server that cannot select by name or watch this resource. */
	if (rc < 0 && !w->done && (err && (err->kind == KERR_INVALID || err->http == 405)))
		rc = poll_wait(c, r, ns, w, deadline, err);
	return rc;
}

/* ---- delete ---------------------------------------------------------------- */

struct gone_arg {
	char *uid;        /* the object we deleted; a new one with the same name is not it */
};

static int is_gone(const json_t *obj, void *arg)
{
	struct gone_arg *g = arg;
	const char *uid;

	if (!obj)
		return 1;
	uid = json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));
	return g->uid && uid && strcmp(uid, g->uid);
}

static void describe_pending(struct strbuf *sb, const json_t *obj)
{
	const json_t *md = json_object_get(obj, "metadata");
	json_t *fin = json_object_get(md, "finalizers"), *f;
	size_t i;

	if (json_array_size(fin)) {
		strbuf_addstr(sb, "; it still has finalizers:");
		json_array_foreach(fin, i, f)
			strbuf_addf(sb, " %s", json_string_value(f) ? json_string_value(f) : "?");
	} else if (json_object_get(md, "deletionTimestamp")) {
		strbuf_addstr(sb, "; it is terminating");
	}
}

int kube_delete(struct kube_client *c, const struct kube_resource *r, const char *ns,
		const char *name, const struct kube_delete_opts *opts, struct kerr *err)
{
	struct kerr local_err = { 0 };
	struct kube_call call = { .method = "DELETE", .content_type = "application/json" };
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, what = STRBUF_INIT;
	struct gone_arg g = { 0 };
	struct kube_resp resp;
	int rc;

	if (!err)   /* decisions below read the error kind */
		err = &local_err;

	ns = kube_ns_or_default(c, r, ns);
	kube_what(&what, r, ns, name);
	kube_path(&path, r, ns, name);
	strbuf_addf(&body, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"%s\"}",
		    opts && opts->propagation ? opts->propagation : "Background");
	call.path = path.buf;
	call.body = body.buf;
	call.body_len = body.len;
	kube_resp_init(&resp);
	rc = kube_call_do(c, &call, &resp, NULL, err);
	if (!rc) {
		/* the answer is the object (still terminating) or a Status */
		json_t *v = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
		const char *uid = json_string_value(json_object_get(json_object_get(v, "metadata"), "uid"));
		const char *kind = json_string_value(json_object_get(v, "kind"));
		if (uid && !(kind && !strcmp(kind, "Status")))
			g.uid = xstrdup(uid);
		else if (json_is_string(json_object_get(json_object_get(v, "details"), "uid")))
			g.uid = xstrdup(json_string_value(json_object_get(json_object_get(v, "details"), "uid")));
		json_decref(v);
	}
	kube_resp_release(&resp);
	strbuf_release(&body);
	strbuf_release(&path);
	if (rc < 0) {
		if (opts && opts->ignore_not_found && kerr_is(err, KERR_NOTFOUND)) {
			kerr_clear(err);
			rc = 0;
		} else {
			kerr_prefix(err, "delete %s on %s", what.buf, c->name);
		}
		goto out;
	}
	if (opts && opts->wait) {
		long timeout = opts->timeout_ms > 0 ? opts->timeout_ms : 60000;
		struct waiter w = { .name = name, .pred = is_gone, .arg = &g };
		rc = wait_for(c, r, ns, &w, timeout, err);
		if (rc < 0 && kerr_is(err, KERR_TIMEOUT)) {
			struct strbuf sb = STRBUF_INIT;
			describe_pending(&sb, w.last);
			kerr_set(err, KERR_TIMEOUT, "timed out after %.1fs waiting for %s on %s to be deleted%s",
				 (double)timeout / 1000.0, what.buf, c->name, sb.buf);
			strbuf_release(&sb);
		} else if (rc < 0) {
			kerr_prefix(err, "waiting for %s on %s to be deleted", what.buf, c->name);
		}
		json_decref(w.last);
	}
out:
	free(g.uid);
	strbuf_release(&what);
	return rc;
}

/* ---- wait for a condition ------------------------------------------------------ */

struct cond_arg {
	const char *type, *want;
	int vanished;
};

static int cond_met(const json_t *obj, void *arg)
{
	struct cond_arg *a = arg;
	json_t *cond;
	size_t i;

	if (!obj) {
		a->vanished = 1;
		return 1;
	}
	json_array_foreach(json_object_get(json_object_get(obj, "status"), "conditions"), i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		const char *s = json_string_value(json_object_get(cond, "status"));
		json_t *og = json_object_get(cond, "observedGeneration");
		json_int_t gen = json_integer_value(json_object_get(json_object_get(obj, "metadata"), "generation"));
		if (!t || strcasecmp(t, a->type))
			continue;
		/* a condition about an older spec does not count (kubectl wait) */
		if (json_is_integer(og) && gen && json_integer_value(og) < gen)
			return 0;
		return s && !strcasecmp(s, a->want);
	}
	return 0;
}

static void describe_conditions(struct strbuf *sb, const json_t *obj)
{
	json_t *conds = json_object_get(json_object_get(obj, "status"), "conditions"), *cond;
	size_t i;

	if (!json_array_size(conds)) {
		strbuf_addstr(sb, "it has no status conditions yet");
		return;
	}
	strbuf_addstr(sb, "its conditions are");
	json_array_foreach(conds, i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		const char *s = json_string_value(json_object_get(cond, "status"));
		const char *reason = json_string_value(json_object_get(cond, "reason"));
		const char *msg = json_string_value(json_object_get(cond, "message"));
		strbuf_addf(sb, "%s %s=%s", i ? "," : "", t ? t : "?", s ? s : "?");
		if ((reason && *reason) || (msg && *msg)) {
			strbuf_addstr(sb, " (");
			if (reason && *reason)
				strbuf_addstr(sb, reason);
			if (msg && *msg)
				strbuf_addf(sb, "%s%s", reason && *reason ? ": " : "", msg);
			strbuf_addch(sb, ')');
		}
	}
}

int kube_wait_condition(struct kube_client *c, const struct kube_resource *r,
			const char *ns, const char *name, const char *cond_type,
			const char *want, long timeout_ms, struct kerr *err)
{
	struct kerr local_err = { 0 };
	struct cond_arg a = { .type = cond_type, .want = want && *want ? want : "True" };
	struct waiter w = { .name = name, .pred = cond_met, .arg = &a };
	struct strbuf what = STRBUF_INIT;
	json_t *obj = NULL;
	int rc;

	if (!err)   /* decisions below read the error kind */
		err = &local_err;

	if (timeout_ms <= 0)
		timeout_ms = 30000;
	ns = kube_ns_or_default(c, r, ns);
	kube_what(&what, r, ns, name);
	/* like kubectl wait: an object that does not exist is an error now */
	if (kube_get(c, r, ns, name, &obj, err) < 0) {
		strbuf_release(&what);
		return -1;
	}
	remember(&w, obj);
	json_decref(obj);
	if (cond_met(w.last, &a)) {
		rc = 0;
		goto out;
	}
	rc = wait_for(c, r, ns, &w, timeout_ms, err);
	if (!rc && a.vanished) {
		rc = kerr_set(err, KERR_NOTFOUND, "%s on %s was deleted while waiting for %s=%s",
			      what.buf, c->name, cond_type, a.want);
	} else if (rc < 0 && kerr_is(err, KERR_TIMEOUT)) {
		struct strbuf sb = STRBUF_INIT;
		describe_conditions(&sb, w.last);
		kerr_set(err, KERR_TIMEOUT, "timed out after %.1fs waiting for %s=%s on %s on %s: %s",
			 (double)timeout_ms / 1000.0, cond_type, a.want, what.buf, c->name, sb.buf);
		strbuf_release(&sb);
	} else if (rc < 0) {
		kerr_prefix(err, "waiting for %s=%s on %s on %s", cond_type, a.want, what.buf, c->name);
	}
out:
	json_decref(w.last);
	strbuf_release(&what);
	return rc;
}
