/* cmd-logs.c - `logs POD [-c C] [-f] [--tail N] [--since D] [--timestamps]`:
 * a pod's log, kubectl's flags. With -f it streams until the pod's log
 * ends or Ctrl-C cancels it (the stream aborts promptly: the client checks
 * the command job's cancel flag).
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kube/client.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/session.h"

struct log_out {
	struct session *s;
	struct strbuf buf;
	int follow;
};

static int line_cb(const char *line, size_t len, void *arg)
{
	struct log_out *o = arg;

	strbuf_add(&o->buf, line, len);
	strbuf_addch(&o->buf, '\n');
	/* following: show each line now; otherwise batch for speed */
	if (o->follow || o->buf.len > 64 * 1024) {
		session_write(o->s, o->buf.buf, o->buf.len, 0);
		strbuf_reset(&o->buf);
		if (o->follow)
			session_flush(o->s);
	}
	return session_cancelled(o->s);
}

/* "30s", "5m", "2h", "1h30m" -> seconds; -1 on error. */
static long parse_duration(const char *s)
{
	long total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s)
			return -1;
		switch (*end) {
		case 's': total += v; break;
		case 'm': total += v * 60; break;
		case 'h': total += v * 3600; break;
		case 'd': total += v * 86400; break;
		default: return -1;
		}
		s = end + 1;
	}
	return total;
}

static int pick_container(struct session *s, struct cmd_args *a, const char *pod,
			  char **out, struct kerr *err)
{
	const struct kube_resource *r;
	json_t *obj = NULL, *ctrs;
	const char *dflt;
	size_t n;

	*out = NULL;
	if (kube_resolve(a->client, "pods", &r, err) < 0 ||
	    kube_get(a->client, r, a->ns, pod, &obj, err) < 0)
		return -1;
	ctrs = jx_get(obj, "spec.containers");
	n = json_array_size(ctrs);
	dflt = jx_str(obj, "metadata.annotations.kubectl\\.kubernetes\\.io/default-container");
	if (dflt) {
		*out = xstrdup(dflt);
	} else if (n >= 1) {
		*out = xstrdup(jx_str(json_array_get(ctrs, 0), "name"));
		if (n > 1) {
			/* kubectl's note, on stderr */
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "Defaulted container \"%s\" out of: ", *out);
			for (size_t i = 0; i < n; i++)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", jx_str(json_array_get(ctrs, i), "name"));
			strbuf_addch(&sb, '\n');
			session_write(s, sb.buf, sb.len, SESSION_OUT_NOTE);
			strbuf_release(&sb);
		}
	} else {
		json_decref(obj);
		return kerr_set(err, KERR_INVALID, "pod %s in %s has no containers", pod, a->ns);
	}
	json_decref(obj);
	return 0;
}

static int exec_logs(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct kube_logs_opts lo = { .tail_lines = -1 };
	struct log_out o = { .s = s, .buf = STRBUF_INIT };
	const char *pod = a->argv[0];
	const char *since = cmd_opt_str(a, "since");
	char *container = NULL;
	int rc;

	if (!strncmp(pod, "pod/", 4) || !strncmp(pod, "pods/", 5))
		pod = strchr(pod, '/') + 1;
	lo.follow = o.follow = cmd_opt_bool(a, "follow");
	lo.timestamps = cmd_opt_bool(a, "timestamps");
	lo.previous = cmd_opt_bool(a, "previous");
	if (cmd_opt_given(a, "tail"))
		lo.tail_lines = cmd_opt_int(a, "tail");
	if (since) {
		lo.since_seconds = parse_duration(since);
		if (lo.since_seconds <= 0) {
			kerr_set(err, KERR_USAGE, "invalid --since \"%s\"", since);
			return kerr_hint(err, "a duration like 30s, 5m, 2h");
		}
	}
	if (a->argc > 1)
		container = xstrdup(a->argv[1]);
	else if (cmd_opt_str(a, "container"))
		container = xstrdup(cmd_opt_str(a, "container"));
	else if (pick_container(s, a, pod, &container, err) < 0)
		return -1;
	lo.container = container;
	rc = kube_logs(a->client, a->ns, pod, &lo, line_cb, &o, err);
	session_write(s, o.buf.buf, o.buf.len, 0);
	strbuf_release(&o.buf);
	free(container);
	if (rc < 0 && err->kind == KERR_CANCELLED && o.follow)
		return 0;   /* Ctrl-C ends a follow: that is how one stops it */
	if (rc < 0)
		kerr_prefix(err, "logs of pod %s in %s on %s", pod, a->ns, a->context);
	return rc;
}

static const struct cmd_opt logs_opts[] = {
	{ 'c', "container", CMD_OPT_STRING, "NAME", "the container (default: the pod's default)",
	  COMP_CONTAINER, NULL, NULL },
	{ 'f', "follow", CMD_OPT_BOOL, NULL, "keep streaming new lines", COMP_NONE, NULL, NULL },
	{ 0, "tail", CMD_OPT_INT, "N", "only the last N lines (-1: all)", COMP_NONE, NULL, "-1" },
	{ 0, "since", CMD_OPT_STRING, "DURATION", "only lines newer than this (5s, 2m, 3h)",
	  COMP_NONE, NULL, NULL },
	{ 0, "timestamps", CMD_OPT_BOOL, NULL, "prefix each line with its time", COMP_NONE,
	  NULL, NULL },
	{ 'p', "previous", CMD_OPT_BOOL, NULL, "the previous instance of the container",
	  COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_pos logs_pos[] = {
	{ .name = "POD", .comp = COMP_NAME, .kind = "pods" },
	{ .name = "CONTAINER", .comp = COMP_CONTAINER },
	{ 0 },
};

const struct cmd_entry cmd_logs_entry = {
	.name = "logs",
	.usage = "POD [CONTAINER] [-c NAME] [-f] [--tail N] [--since D] [--timestamps]",
	.summary = "print or follow a pod's log",
	.help = "Ctrl-C stops -f.",
	.opts = logs_opts,
	.args = logs_pos,
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_F_CLUSTER | CMD_F_READONLY,
	.exec = exec_logs,
};
