/* logs.c - pod logs, streamed line by line (follow, tail, since,
 * container, timestamps, previous). Without a container the pod's default
 * one is used, chosen as kubectl does.
 */
#include <stdio.h>
#include <string.h>

#include "backends/kube/client-int.h"
#include "lib/xalloc.h"

struct log_stream {
	int (*cb)(const char *line, size_t len, void *arg);
	void *arg;
	struct kube_lines lines;
};

static int on_log_line(char *line, size_t len, void *arg)
{
	struct log_stream *s = arg;

	return s->cb(line, len, s->arg);
}

static int on_log_data(const char *p, size_t n, void *arg)
{
	struct log_stream *s = arg;

	return kube_lines_feed(&s->lines, p, n);
}

/* kubectl's choice: the kubectl.kubernetes.io/default-container
 * annotation, else the first container. */
static int default_container(struct kube_client *c, const char *ns, const char *pod,
			     char **out, struct kerr *err)
{
	static const struct kube_resource pods = {
		.group = "", .version = "v1", .kind = "Pod", .plural = "pods",
		.singular = "pod", .namespaced = 1,
	};
	const char *name;
	json_t *obj;

	if (kube_get(c, &pods, ns, pod, &obj, err) < 0)
		return -1;
	name = json_string_value(json_object_get(json_object_get(json_object_get(obj, "metadata"),
								 "annotations"),
						 "kubectl.kubernetes.io/default-container"));
	if (!name)
		name = json_string_value(json_object_get(json_array_get(json_object_get(
			json_object_get(obj, "spec"), "containers"), 0), "name"));
	if (!name) {
		json_decref(obj);
		return kerr_set(err, KERR_INVALID, "pod %s in %s on %s has no containers", pod, ns, c->name);
	}
	*out = xstrdup(name);
	json_decref(obj);
	return 0;
}

int kube_logs(struct kube_client *c, const char *ns, const char *pod,
	      const struct kube_logs_opts *opts,
	      int (*cb)(const char *line, size_t len, void *arg), void *arg,
	      struct kerr *err)
{
	struct log_stream s = { .cb = cb, .arg = arg };
	struct kube_call call = { .method = "GET", .accept = "text/plain, */*",
				  .on_data = on_log_data, .arg = &s };
	struct strbuf path = STRBUF_INIT;
	char *container = NULL;
	int rc, stopped = 0;
	char num[32];

	if (!ns || !*ns)
		ns = c->conn->namespace && *c->conn->namespace ? c->conn->namespace : "default";
	if (opts && opts->container && *opts->container)
		container = xstrdup(opts->container);
	else if (default_container(c, ns, pod, &container, err) < 0)
		return -1;

	strbuf_addstr(&path, "/api/v1/namespaces/");
	strbuf_addurlenc(&path, ns);
	strbuf_addstr(&path, "/pods/");
	strbuf_addurlenc(&path, pod);
	strbuf_addstr(&path, "/log");
	kube_query_add(&path, "container", container);
	if (opts && opts->follow)
		kube_query_add(&path, "follow", "true");
	if (opts && opts->tail_lines >= 0) {   /* -1: the whole log */
		snprintf(num, sizeof num, "%ld", opts->tail_lines);
		kube_query_add(&path, "tailLines", num);
	}
	if (opts && opts->since_seconds > 0) {
		snprintf(num, sizeof num, "%ld", opts->since_seconds);
		kube_query_add(&path, "sinceSeconds", num);
	}
	if (opts && opts->timestamps)
		kube_query_add(&path, "timestamps", "true");
	if (opts && opts->previous)
		kube_query_add(&path, "previous", "true");
	call.path = path.buf;
	if (!opts || !opts->follow)
		call.timeout_ms = c->opts.timeout_ms * 4;

	kube_lines_init(&s.lines, on_log_line, &s);
	rc = kube_call_do(c, &call, NULL, &stopped, err);
	if (!rc && !stopped)
		kube_lines_flush(&s.lines);
	kube_lines_release(&s.lines);
	if (rc < 0)
		kerr_prefix(err, "logs of pod %s (container %s) in %s on %s", pod, container, ns, c->name);
	strbuf_release(&path);
	free(container);
	return rc;
}
