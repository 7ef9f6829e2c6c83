/* podlog.c - GET /api/v1/namespaces/NS/pods/NAME/log for simulated pods.
 *
 * A container's log is a pure function of its start time: the start-up
 * lines of its image family (known images in img-*.c, nginx, anything
 * else), then one periodic line every 500 ms while it runs. So plain GETs,
 * tailLines, sinceSeconds/sinceTime and follow all see one consistent
 * history; follow keeps streaming new lines until the client goes away or
 * the pod is deleted. Errors are worded like the kubelet's.
 */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define PERIOD_MS 500
#define FIRST_PERIODIC_MS 2000
#define HISTORY_MAX 1000

enum style { STYLE_KLOG, STYLE_NGINX };

struct plog {
	struct sim_cluster *cl;
	const struct sim_type *t;
	char *ns, *pod, *uid, *container;
	const char *const *startup;    /* family lines, NULL-terminated */
	enum style style;
	char component[128];
	int64_t start_ms, end_ms;      /* end 0: still running */
	long nstart;
	long next;                     /* next line index (follow) */
	int timestamps;
	long limit_bytes;              /* 0: none */
	long sent;
	int done;                      /* limitBytes reached: end after this chunk */
};

static const char *const generic_lines[] = {
	"Starting %s",
	"Loading configuration",
	"Serving metrics on :8080",
	"Listening on :8080",
	"%s is ready",
	NULL,
};

static const char *const nginx_lines[] = {
	"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
	"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
	"/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
	"10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
	"/docker-entrypoint.sh: Configuration complete; ready for start up",
	"%s: using the \"epoll\" event method",
	"%s: start worker processes",
	NULL,
};

static const char *const periodic_klog[] = {
	"\"Successfully synced\" key=\"%s\"",
	"\"Reconciling\" component=\"%s\" generation=1",
	"\"Health check succeeded\" component=\"%s\"",
	"\"Leader election renewed\" lease=\"%s\"",
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t parse_time_ms(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm) * 1000;
}

static int64_t line_time(const struct plog *p, long k)
{
	if (k < p->nstart)
		return p->start_ms + k * 37 + (k * 7919) % 13;
	return p->start_ms + FIRST_PERIODIC_MS + (int64_t)(k - p->nstart) * PERIOD_MS;
}

/* Lines that exist at time now: [0, count). */
static long line_count(const struct plog *p, int64_t now)
{
	int64_t end = p->end_ms ? p->end_ms : now;

	if (p->end_ms || end < p->start_ms + FIRST_PERIODIC_MS)
		return p->nstart;
	return p->nstart + (long)((end - p->start_ms - FIRST_PERIODIC_MS) / PERIOD_MS) + 1;
}

static void add_line(const struct plog *p, long k, struct strbuf *out)
{
	int64_t ms = line_time(p, k);
	time_t sec = (time_t)(ms / 1000);
	long usec = (long)(ms % 1000) * 1000 + (k * 271) % 1000;
	struct tm tm;
	char msg[700], stamp[64];
	const char *fmt;

	gmtime_r(&sec, &tm);
	if (k < p->nstart)
		fmt = p->startup[k];
	else
		fmt = NULL;
	if (p->timestamps) {
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		strbuf_addf(out, "%s.%06ld000Z ", stamp, usec);
	}
	if (p->style == STYLE_NGINX) {
		if (fmt) {
			snprintf(msg, sizeof msg, fmt, "nginx");
			if (strchr(fmt, ':') && fmt[0] == '%') {
				strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", &tm);
				strbuf_addf(out, "%s [notice] 1#1: %s\n", stamp, msg + strlen("nginx: "));
			} else {
				strbuf_addf(out, "%s\n", msg);
			}
		} else {
			strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", &tm);
			strbuf_addf(out, "10.244.0.1 - - [%s] \"GET %s HTTP/1.1\" 200 615 \"-\" \"kube-probe/1.30\" \"-\"\n",
				    stamp, k % 3 ? "/" : "/healthz");
		}
		return;
	}
	if (fmt)
		snprintf(msg, sizeof msg, fmt, p->component, p->component);
	else
		snprintf(msg, sizeof msg, periodic_klog[(k - p->nstart) % 4], p->component);
	strbuf_addf(out, "I%02d%02d %02d:%02d:%02d.%06ld       1 %s.go:%ld] %s\n", tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, usec, k < p->nstart ? "main" : "controller",
		    40 + (k * 17) % 300, msg);
}

static void plog_free(void *ud)
{
	struct plog *p = ud;

	if (!p)
		return;
	free(p->ns);
	free(p->pod);
	free(p->uid);
	free(p->container);
	free(p);
}

/* Append lines [from, to) honouring limitBytes (counting what was sent
 * before). Returns 0 when the limit is hit. */
static int emit(struct plog *p, long from, long to, struct strbuf *out)
{
	size_t base = out->len;
	long k;

	for (k = from; k < to; k++) {
		add_line(p, k, out);
		if (p->limit_bytes > 0 && p->sent + (long)(out->len - base) >= p->limit_bytes) {
			strbuf_setlen(out, base + (size_t)(p->limit_bytes - p->sent));
			return 0;
		}
	}
	return 1;
}

static int follow_next(void *ud, struct strbuf *out)
{
	struct plog *p = ud;
	int64_t now = wall_ms(), due;
	json_t *pod = NULL;
	long have;
	size_t before = out->len;

	if (sim_server_stopping() || p->done)
		return 0;
	due = line_time(p, p->next);
	if (due > now) {
		long wait = (long)(due - now);
		usleep((useconds_t)(wait > 1000 ? 1000 : wait) * 1000);
		now = wall_ms();
	}
	/* The stream ends with the pod. */
	if (sim_store_get(p->cl->store, p->t, p->ns, p->pod, &pod, NULL) ||
	    strcmp(sim_ctl_str(pod, "metadata.uid") ?: "", p->uid)) {
		json_decref(pod);
		return 0;
	}
	json_decref(pod);
	have = line_count(p, now);
	if (have > p->next) {
		int more = emit(p, p->next, have, out);
		p->sent += (long)(out->len - before);
		p->next = have;
		if (!more)
			p->done = 1;
	}
	/* A finished container has nothing more to say. */
	if (p->end_ms && p->next >= p->nstart)
		return out->len > before ? 1 : 0;
	return 1;
}

static const json_t *find_status(const json_t *pod, const char *container)
{
	static const char *const lists[] = { "containerStatuses", "initContainerStatuses" };
	json_t *cs;
	size_t i, j;

	for (j = 0; j < 2; j++) {
		json_array_foreach(json_object_get(json_object_get(pod, "status"), lists[j]), i, cs) {
			if (!strcmp(sim_ctl_str(cs, "name") ?: "", container))
				return cs;
		}
	}
	return NULL;
}

static const json_t *find_container(const json_t *pod, const char *name)
{
	static const char *const lists[] = { "containers", "initContainers", "ephemeralContainers" };
	json_t *ct;
	size_t i, j;

	for (j = 0; j < 3; j++) {
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[j]), i, ct) {
			if (!strcmp(sim_ctl_str(ct, "name") ?: "", name))
				return ct;
		}
	}
	return NULL;
}

static int pod_log(struct sim_req *req, struct sim_resp *resp, struct kerr *err)
{
	json_t *pod = NULL, *ctrs;
	const json_t *ct, *cs, *state;
	const struct sim_img *img;
	const char *container = sim_req_query(req, "container"), *image;
	struct plog *p;
	struct strbuf sb = STRBUF_INIT;
	int64_t now = wall_ms(), since = 0;
	long count, from, tail;

	if (sim_store_get(req->cl->store, req->type, req->ns, req->name, &pod, err))
		return -1;
	ctrs = json_object_get(json_object_get(pod, "spec"), "containers");
	if (!container || !*container) {
		if (json_array_size(ctrs) != 1) {
			struct strbuf names = STRBUF_INIT;
			json_t *c;
			size_t i;

			json_array_foreach(ctrs, i, c)
				strbuf_addf(&names, "%s%s", i ? " " : "", sim_ctl_str(c, "name") ?: "");
			sim_kerr_http(err, 400, "BadRequest",
				      "a container name must be specified for pod %s, choose one of: [%s]", req->name,
				      names.buf);
			strbuf_release(&names);
			json_decref(pod);
			return -1;
		}
		container = sim_ctl_str(json_array_get(ctrs, 0), "name") ?: "";
	}
	ct = find_container(pod, container);
	if (!ct) {
		sim_kerr_http(err, 400, "BadRequest", "container %s is not valid for pod %s", container, req->name);
		json_decref(pod);
		return -1;
	}
	if (sim_req_query_bool(req, "previous")) {
		sim_kerr_http(err, 400, "BadRequest", "previous terminated container \"%s\" in pod \"%s\" not found",
			      container, req->name);
		json_decref(pod);
		return -1;
	}
	cs = find_status(pod, container);
	state = json_object_get(cs, "state");
	if (!json_object_get(state, "running") && !json_object_get(state, "terminated")) {
		const char *why = sim_ctl_str(state, "waiting.reason") ?: "ContainerCreating";
		sim_kerr_http(err, 400, "BadRequest", "container \"%s\" in pod \"%s\" is waiting to start: %s",
			      container, req->name, why);
		json_decref(pod);
		return -1;
	}
	p = xcalloc(1, sizeof *p);
	p->cl = req->cl;
	p->t = req->type;
	p->ns = xstrdup(req->ns);
	p->pod = xstrdup(req->name);
	p->uid = xstrdup(sim_ctl_str(pod, "metadata.uid") ?: "");
	p->container = xstrdup(container);
	p->start_ms = parse_time_ms(sim_ctl_str(state, "running.startedAt") ?: sim_ctl_str(state, "terminated.startedAt"));
	if (!p->start_ms)
		p->start_ms = now;
	p->end_ms = parse_time_ms(sim_ctl_str(state, "terminated.finishedAt"));
	if (json_object_get(state, "terminated") && !p->end_ms)
		p->end_ms = p->start_ms + 1000;
	image = sim_ctl_str(ct, "image") ?: "";
	img = sim_img_lookup(pod, ct);
	snprintf(p->component, sizeof p->component, "%s", img ? img->family : container);
	if (img && img->log_lines) {
		p->startup = img->log_lines;
	} else if (strstr(image, "nginx")) {
		p->startup = nginx_lines;
		p->style = STYLE_NGINX;
	} else {
		p->startup = generic_lines;
	}
	while (p->startup[p->nstart])
		p->nstart++;
	p->timestamps = sim_req_query_bool(req, "timestamps");
	p->limit_bytes = sim_req_query_long(req, "limitBytes", 0);
	json_decref(pod);

	count = line_count(p, now);
	from = count - p->nstart > HISTORY_MAX ? count - HISTORY_MAX : 0;
	if (sim_req_query(req, "sinceSeconds"))
		since = now - sim_req_query_long(req, "sinceSeconds", 0) * 1000;
	if (sim_req_query(req, "sinceTime"))
		since = parse_time_ms(sim_req_query(req, "sinceTime"));
	while (since && from < count && line_time(p, from) < since)
		from++;
	tail = sim_req_query_long(req, "tailLines", -1);
	if (tail >= 0 && count - from > tail)
		from = count - tail;
	if (!sim_req_query_bool(req, "follow")) {
		emit(p, from, count, &sb);
		snprintf(resp->content_type, sizeof resp->content_type, "text/plain");
		strbuf_add(&resp->body, sb.buf, sb.len);
		strbuf_release(&sb);
		plog_free(p);
		resp->status = 200;
		return 0;
	}
	/* Follow: the history first, then live lines. */
	p->next = from;
	sim_resp_stream(resp, "text/plain", follow_next, plog_free, p);
	return 0;
}

void sim_podlog_register(void)
{
	sim_server_add_subresource("", "pods", "log", "Pod", "get", pod_log);
}
