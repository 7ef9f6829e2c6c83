/* engine-wait.c - readiness against a live cluster: evaluate, wait, explain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/components/engine-int.h"
#include "backends/components/engine.h"
#include "backends/components/ready.h"
#include "lib/jsonx.h"
#include "lib/monotime.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

/* A service has ready endpoints: its Endpoints object lists ready
 * addresses, or (for servers that keep no Endpoints) a Ready pod matches
 * its selector. */
static int service_ready(struct comp_ctx *ctx, const char *ns, const char *name, char *why,
			 size_t size, struct kerr *err)
{
	const struct kube_resource *res;
	json_t *svc = NULL, *ep = NULL, *pods = NULL, *sel, *v, *items, *pod;
	struct strbuf ls = STRBUF_INIT;
	const char *key;
	size_t i, ready = 0;

	if (kube_resolve_gvk(ctx->kc, "v1", "Service", &res, err))
		return -1;
	if (kube_get(ctx->kc, res, ns, name, &svc, err)) {
		if (!kerr_is(err, KERR_NOTFOUND))
			return -1;
		kerr_clear(err);
		snprintf(why, size, "service %s/%s does not exist", ns, name);
		return 0;
	}
	if (kube_resolve_gvk(ctx->kc, "v1", "Endpoints", &res, err) == 0 &&
	    kube_get(ctx->kc, res, ns, name, &ep, err) == 0 && ready_endpoints(ep) > 0) {
		json_decref(svc);
		json_decref(ep);
		return 1;
	}
	kerr_clear(err);
	json_decref(ep);
	sel = jx_get(svc, "spec.selector");
	if (!json_is_object(sel) || json_object_size(sel) == 0) {
		json_decref(svc);
		snprintf(why, size, "service %s/%s has no ready endpoints", ns, name);
		return 0;
	}
	json_object_foreach(sel, key, v)
		strbuf_addf(&ls, "%s%s=%s", ls.len ? "," : "", key,
			    json_is_string(v) ? json_string_value(v) : "");
	json_decref(svc);
	if (kube_resolve_gvk(ctx->kc, "v1", "Pod", &res, err)) {
		strbuf_release(&ls);
		return -1;
	}
	{
		struct kube_list_opts lo = { .label_selector = ls.buf };

		if (kube_list(ctx->kc, res, ns, &lo, &pods, err)) {
			strbuf_release(&ls);
			return -1;
		}
	}
	strbuf_release(&ls);
	items = json_object_get(pods, "items");
	json_array_foreach(items, i, pod) {
		char w[128];

		if (ready_pod(pod, w, sizeof w))
			ready++;
	}
	json_decref(pods);
	if (ready)
		return 1;
	snprintf(why, size, "service %s/%s has no ready endpoints", ns, name);
	return 0;
}

int engine_ready_now(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		     struct ready_res *res, json_t **live_out, struct kerr *err)
{
	json_t *live = NULL;

	if (live_out)
		*live_out = NULL;
	if (engine_get(ctx, ref, default_ns, &live, err)) {
		if (kerr_is(err, KERR_NOTFOUND)) {
			res->state = READY_NO;
			snprintf(res->msg, sizeof res->msg, "does not exist");
		}
		return -1;
	}
	ready_eval(live, res);
	if (res->state == READY_YES && jx_str(live, "kind") &&
	    strstr(jx_str(live, "kind"), "WebhookConfiguration")) {
		json_t *svcs = ready_webhook_services(live), *s;
		size_t i;

		json_array_foreach(svcs, i, s) {
			char why[256];
			int rc = service_ready(ctx, jx_str(s, "namespace"), jx_str(s, "name"), why,
					       sizeof why, err);

			if (rc < 0) {
				json_decref(svcs);
				json_decref(live);
				return -1;
			}
			if (rc == 0) {
				res->state = READY_NO;
				snprintf(res->msg, sizeof res->msg, "%s", why);
				break;
			}
		}
		if (res->state == READY_YES)
			snprintf(res->msg, sizeof res->msg, "caBundle set, service has ready endpoints");
		json_decref(svcs);
	}
	if (live_out)
		*live_out = live;
	else
		json_decref(live);
	return 0;
}

/* One check of a phase: fills res. */
int eng_check_now(struct comp_ctx *ctx, const struct rcheck *c, const char *default_ns,
		     struct ready_res *res, struct kerr *err)
{
	json_t *ref = json_pack("{s:s,s:s,s:s,s:s}", "apiVersion", c->ref.api_version, "kind",
				c->ref.kind, "namespace", c->ref.ns, "name", c->ref.name);
	json_t *live = NULL;
	int rc = 0;

	if (c->type == RCHECK_READY) {
		rc = engine_ready_now(ctx, ref, default_ns, res, NULL, err);
		if (rc && kerr_is(err, KERR_NOTFOUND)) {
			kerr_clear(err);
			rc = 0;
		}
		json_decref(ref);
		return rc;
	}
	if (engine_get(ctx, ref, default_ns, &live, err)) {
		json_decref(ref);
		if (!kerr_is(err, KERR_NOTFOUND))
			return -1;
		kerr_clear(err);
		res->state = READY_NO;
		snprintf(res->msg, sizeof res->msg, "does not exist yet");
		return 0;
	}
	json_decref(ref);
	res->state = READY_YES;
	snprintf(res->msg, sizeof res->msg, "exists");
	if (c->type == RCHECK_CONDITION) {
		const char *reason = NULL, *msg = NULL;
		const char *st = ready_condition(live, c->cond_type, &reason, &msg);

		if (!st || strcmp(st, c->equals)) {
			res->state = READY_NO;
			snprintf(res->msg, sizeof res->msg, "condition %s is %s, want %s%s%s",
				 c->cond_type, st ? st : "absent", c->equals, msg ? ": " : "",
				 msg ? msg : "");
		} else {
			snprintf(res->msg, sizeof res->msg, "%s=%s", c->cond_type, st);
		}
	} else if (c->type == RCHECK_FIELD) {
		json_t *v = jx_get(live, c->field);
		char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		const char *plain = json_is_string(v) ? json_string_value(v) : text;

		if (!v || (c->equals && strcmp(plain ? plain : "", c->equals))) {
			res->state = READY_NO;
			snprintf(res->msg, sizeof res->msg, "%s is %s%s%s", c->field,
				 v ? plain : "unset", c->equals ? ", want " : "",
				 c->equals ? c->equals : "");
		} else {
			snprintf(res->msg, sizeof res->msg, "%s=%s", c->field, plain ? plain : "");
		}
		free(text);
	}
	json_decref(live);
	return 0;
}

static const char *check_desc(const struct rcheck *c, char *buf, size_t size)
{
	if (c->description)
		snprintf(buf, size, "%s", c->description);
	else if (c->ref.ns && *c->ref.ns)
		snprintf(buf, size, "%s %s/%s", c->ref.kind, c->ref.ns, c->ref.name);
	else
		snprintf(buf, size, "%s %s", c->ref.kind, c->ref.name);
	return buf;
}

/* Sort key of an event: its newest timestamp. */
static const char *event_time(const json_t *ev)
{
	const char *t = jx_str(ev, "lastTimestamp");

	if (!t)
		t = jx_str(ev, "eventTime");
	if (!t)
		t = jx_str(ev, "metadata.creationTimestamp");
	return t ? t : "";
}

static int cmp_events(const void *a, const void *b)
{
	return strcmp(event_time(*(json_t *const *)a), event_time(*(json_t *const *)b));
}

/* The last events about name (or its pods, named name-...) in ns. */
static void explain_events(struct comp_ctx *ctx, const char *ns, const char *name,
			   struct strbuf *out)
{
	const struct kube_resource *res;
	struct kerr e = { 0 };
	json_t *list = NULL, *items, *ev;
	json_t **pick = NULL;
	size_t i, n = 0, plen = strlen(name);

	if (!ns || !*ns || kube_resolve_gvk(ctx->kc, "v1", "Event", &res, &e) ||
	    kube_list(ctx->kc, res, ns, NULL, &list, &e))
		return;
	items = json_object_get(list, "items");
	pick = xcalloc(json_array_size(items) + 1, sizeof *pick);
	json_array_foreach(items, i, ev) {
		const char *on = jx_str_or(ev, "involvedObject.name", "");

		if (!strcmp(on, name) || (!strncmp(on, name, plen) && on[plen] == '-'))
			pick[n++] = ev;
	}
	if (n) {
		qsort(pick, n, sizeof *pick, cmp_events);
		strbuf_addstr(out, "; last events:");
		for (i = n > 3 ? n - 3 : 0; i < n; i++)
			strbuf_addf(out, " [%s %s %s/%s: %s]", jx_str_or(pick[i], "type", "Normal"),
				    jx_str_or(pick[i], "reason", ""),
				    jx_str_or(pick[i], "involvedObject.kind", ""),
				    jx_str_or(pick[i], "involvedObject.name", ""),
				    jx_str_or(pick[i], "message", ""));
	}
	free(pick);
	json_decref(list);
}

/* Pods of a workload that are not ready, and why. */
static void explain_pods(struct comp_ctx *ctx, const json_t *live, struct strbuf *out)
{
	const struct kube_resource *res;
	struct kerr e = { 0 };
	struct strbuf ls = STRBUF_INIT;
	json_t *ml = jx_get(live, "spec.selector.matchLabels"), *v, *list = NULL, *pod;
	const char *key, *kind = jx_str_or(live, "kind", "");
	size_t i, shown = 0;

	if (strcmp(kind, "Deployment") && strcmp(kind, "StatefulSet") &&
	    strcmp(kind, "DaemonSet") && strcmp(kind, "Job"))
		return;
	json_object_foreach(ml, key, v)
		strbuf_addf(&ls, "%s%s=%s", ls.len ? "," : "", key,
			    json_is_string(v) ? json_string_value(v) : "");
	if (!ls.len && !strcmp(kind, "Job"))
		strbuf_addf(&ls, "job-name=%s", jx_name(live));
	if (!ls.len || kube_resolve_gvk(ctx->kc, "v1", "Pod", &res, &e)) {
		strbuf_release(&ls);
		return;
	}
	{
		struct kube_list_opts lo = { .label_selector = ls.buf };

		if (kube_list(ctx->kc, res, jx_namespace(live), &lo, &list, &e)) {
			strbuf_release(&ls);
			return;
		}
	}
	strbuf_release(&ls);
	json_array_foreach(json_object_get(list, "items"), i, pod) {
		char why[256];

		if (ready_pod(pod, why, sizeof why) || shown >= 3)
			continue;
		strbuf_addf(out, "%s pod %s: %s", shown ? ";" : "; not ready:", jx_name(pod), why);
		shown++;
	}
	if (!json_array_size(json_object_get(list, "items")))
		strbuf_addstr(out, "; no pods yet");
	json_decref(list);
}

/* The timeout message: which object, why, conditions, pods, events. */
static void explain(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		    const char *why, long long waited_ms, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *live = NULL;
	struct kerr e = { 0 };
	char desc[320];

	strbuf_addf(&sb, "timed out after %.0fs waiting for %s on %s: %s",
		    (double)waited_ms / 1000.0, eng_ref_desc(ref, desc, sizeof desc),
		    ctx->cluster ? ctx->cluster : "cluster", why);
	if (engine_get(ctx, ref, default_ns, &live, &e) == 0) {
		struct strbuf conds = STRBUF_INIT;

		ready_conditions(live, &conds);
		if (conds.len)
			strbuf_addf(&sb, "; conditions: %s", conds.buf);
		strbuf_release(&conds);
		explain_pods(ctx, live, &sb);
		explain_events(ctx, jx_namespace(live), jx_name(live), &sb);
		json_decref(live);
	}
	kerr_set(err, KERR_TIMEOUT, "%s", sb.buf);
	kerr_hint(err, "raise --timeout, or check the object with `kurator describe`");
	strbuf_release(&sb);
}

int engine_wait(struct comp_ctx *ctx, const json_t *objs, const struct rcheck *checks,
		size_t nchecks, const char *default_ns, long long deadline_ms, long *done,
		long total, struct kerr *err)
{
	size_t nobj = json_array_size(objs), n = nobj + nchecks;
	char *ready = xcalloc(n + 1, 1);
	long long start = monotime_ms(), last_post = 0;
	long poll = ctx->opts && ctx->opts->poll_ms > 0 ? ctx->opts->poll_ms : 250;
	char last_msg[800] = "";
	int rc = -1;

	for (;;) {
		size_t nready = 0, first = n;
		struct ready_res first_res = { 0 };

		for (size_t i = 0; i < n; i++) {
			struct ready_res res = { 0 };

			if (ready[i]) {
				nready++;
				continue;
			}
			if (i < nobj) {
				if (engine_ready_now(ctx, json_array_get(objs, i), default_ns, &res, NULL,
						     err)) {
					if (!kerr_is(err, KERR_NOTFOUND))
						goto out;
					kerr_clear(err);
				}
			} else if (eng_check_now(ctx, &checks[i - nobj], default_ns, &res, err)) {
				goto out;
			}
			if (res.state == READY_FAILED) {
				char desc[320];

				if (i < nobj)
					eng_ref_desc(json_array_get(objs, i), desc, sizeof desc);
				else
					check_desc(&checks[i - nobj], desc, sizeof desc);
				kerr_set(err, KERR_FAIL, "%s on %s failed: %s", desc,
					 ctx->cluster ? ctx->cluster : "cluster", res.msg);
				goto out;
			}
			if (res.state == READY_YES) {
				char desc[320];

				ready[i] = 1;
				nready++;
				if (i < nobj)
					eng_ref_desc(json_array_get(objs, i), desc, sizeof desc);
				else
					check_desc(&checks[i - nobj], desc, sizeof desc);
				engine_log(ctx, "ready  %s (%s)", desc, res.msg);
				continue;
			}
			if (first == n) {
				first = i;
				first_res = res;
			}
		}
		if (nready == n) {
			*done += (long)n;
			rc = 0;
			goto out;
		}
		{
			long long now = monotime_ms();
			char desc[320], msg[800];

			if (first < nobj)
				eng_ref_desc(json_array_get(objs, first), desc, sizeof desc);
			else
				check_desc(&checks[first - nobj], desc, sizeof desc);
			snprintf(msg, sizeof msg, "waiting for %s: %s", desc, first_res.msg);
			if (strcmp(msg, last_msg) || now - last_post >= 1000) {
				engine_progress(ctx, *done + (long)nready, total, "%s (%.1fs)", msg,
						(double)(now - start) / 1000.0);
				snprintf(last_msg, sizeof last_msg, "%s", msg);
				last_post = now;
			}
			if (now >= deadline_ms) {
				if (first < nobj) {
					explain(ctx, json_array_get(objs, first), default_ns, first_res.msg,
						now - start, err);
				} else {
					kerr_set(err, KERR_TIMEOUT,
						 "timed out after %.0fs waiting for %s on %s: %s",
						 (double)(now - start) / 1000.0, desc,
						 ctx->cluster ? ctx->cluster : "cluster", first_res.msg);
					kerr_hint(err, "raise --timeout");
				}
				goto out;
			}
		}
		if (eng_sleep(ctx, poll)) {
			kerr_set(err, KERR_CANCELLED, "cancelled while waiting");
			goto out;
		}
	}
out:
	free(ready);
	return rc;
}
