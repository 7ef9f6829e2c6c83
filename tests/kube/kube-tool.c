/* kube-tool.c - a small test tool exposing the Kubernetes client calls to
 * the shell tests (tests/kube/client-*.sh). Not installed.
 *
 *   kube-tool [--kubeconfig F] [--context C] [-n NS] [--timeout-ms N]
 *             [--retries N] COMMAND [ARGS]
 *
 * Results go to stdout (JSON or one line per item); errors to stderr as
 *   error: <kind> http=<code> reason=<reason>: <message>
 * with exit status 1 (2 for usage errors).
 */
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backends/kube/client.h"
#include "backends/kube/kubeconfig.h"
#include "backends/kube/pool.h"
#include "lib/evq.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

struct tool {
	struct kube_client *c;
	const char *ns;
	int all_ns;
	const char *label, *field;
	long limit;
	int one_page, table, metadata;
	const char *rv;
	long events;              /* watch: stop after N events (0 = never) */
	int timeout_s;
	int once, bookmarks;
	int force, dry_run, parallel;
	const char *manager;
	int wait;
	long timeout_ms;
	const char *propagation;
	int ignore_not_found;
	const char *container;
	int follow, timestamps, previous;
	long tail, since, max_lines;
	long cancel_after_ms;
	int threads, iterations;
	long seen;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: kube-tool [--kubeconfig F] [--context C] [-n NS] [--timeout-ms N] [--retries N] CMD ...\n"
		"  version | resources | resolve WHAT | resolve-gvk APIVERSION KIND\n"
		"  get RES NAME | list RES [-A] [-l SEL] [--field-selector S] [--limit N] [--one-page] [--table] [--metadata]\n"
		"  list-each RES [...list options] | watch RES [--rv RV] [--events N] [--once] [--bookmarks]\n"
		"  apply FILE|DIR... [--force] [--dry-run] [--parallel N] [--manager M] | create FILE | patch RES NAME TYPE PATCH\n"
		"  delete RES NAME [--wait] [--wait-ms N] [--propagation P] [--ignore-not-found]\n"
		"  wait RES NAME COND [--status S] [--wait-ms N]\n"
		"  logs POD [-c C] [-f] [--tail N] [--since S] [--timestamps] [--previous] [--lines N]\n"
		"  request METHOD PATH [BODY] | stress THREADS ITERATIONS RES\n"
		"  any command: [--cancel-after-ms N] runs it as a job and cancels it\n");
	return 2;
}

static int report(const struct kerr *e)
{
	fprintf(stderr, "error: %s http=%d reason=%s: %s\n", kerr_kind_name(e->kind), e->http,
		e->reason[0] ? e->reason : "-", e->msg);
	return e->kind == KERR_USAGE ? 2 : 1;
}

static void print_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);

	puts(s ? s : "null");
	free(s);
}

static const char *obj_ref(const json_t *o, char *buf, size_t size)
{
	const json_t *md = json_object_get(o, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));

	snprintf(buf, size, "%s%s%s", ns ? ns : "", ns ? "/" : "", name ? name : "?");
	return buf;
}

/* ---- commands ------------------------------------------------------------- */

static int resolve_res(struct tool *t, const char *what, const struct kube_resource **r,
		       struct kerr *e)
{
	return kube_resolve(t->c, what, r, e);
}

static const char *list_ns(const struct tool *t)
{
	return t->all_ns ? NULL : t->ns ? t->ns :
	       kube_client_conn(t->c)->namespace ? kube_client_conn(t->c)->namespace : "default";
}

static int cmd_list(struct tool *t, const char *what, struct kerr *e)
{
	struct kube_list_opts o = { .label_selector = t->label, .field_selector = t->field,
				    .limit = t->limit, .one_page = t->one_page, .as_table = t->table,
				    .metadata_only = t->metadata, .resource_version = t->rv };
	const struct kube_resource *r;
	json_t *out;

	if (resolve_res(t, what, &r, e) < 0 || kube_list(t->c, r, list_ns(t), &o, &out, e) < 0)
		return -1;
	print_json(out);
	json_decref(out);
	return 0;
}

static int each_item(json_t *item, void *arg)
{
	struct tool *t = arg;
	char buf[512];

	puts(obj_ref(json_object_get(item, "object") ? json_object_get(item, "object") : item,
		     buf, sizeof buf));
	t->seen++;
	return t->events && t->seen >= t->events;
}

static int cmd_list_each(struct tool *t, const char *what, struct kerr *e)
{
	struct kube_list_opts o = { .label_selector = t->label, .field_selector = t->field,
				    .limit = t->limit, .one_page = t->one_page, .as_table = t->table,
				    .metadata_only = t->metadata };
	const struct kube_resource *r;
	char *rv = NULL;

	if (resolve_res(t, what, &r, e) < 0 ||
	    kube_list_each(t->c, r, list_ns(t), &o, each_item, t, &rv, e) < 0)
		return -1;
	printf("count=%ld rv=%s\n", t->seen, rv ? rv : "");
	free(rv);
	return 0;
}

static int on_watch(const char *type, json_t *obj, void *arg)
{
	struct tool *t = arg;
	char buf[512];

	if (!strcmp(type, "SYNC")) {
		printf("SYNC %zu\n", json_array_size(obj));
	} else {
		const char *rv = json_string_value(json_object_get(json_object_get(obj, "metadata"),
								   "resourceVersion"));
		printf("%s %s %s\n", type, obj_ref(obj, buf, sizeof buf), rv ? rv : "-");
		t->seen++;
	}
	fflush(stdout);
	return t->events && t->seen >= t->events;
}

static int cmd_watch(struct tool *t, const char *what, struct kerr *e)
{
	struct kube_watch_opts o = { .label_selector = t->label, .field_selector = t->field,
				     .resource_version = t->rv, .bookmarks = t->bookmarks,
				     .timeout_s = t->timeout_s, .once = t->once };
	const struct kube_resource *r;

	if (resolve_res(t, what, &r, e) < 0)
		return -1;
	return kube_watch(t->c, r, list_ns(t), &o, on_watch, t, e);
}

/* Every file (a directory: its *.yaml, *.yml and *.json files in name
 * order) appended to docs, Lists flattened as kubectl does. */
static int load_docs(int nfiles, char **files, json_t *docs, struct kerr *e)
{
	int i;

	for (i = 0; i < nfiles; i++) {
		struct dirent **ents = NULL;
		int n = scandir(files[i], &ents, NULL, alphasort), j, rc = 0;
		if (n < 0) {
			json_t *d, *flat;
			if (yj_load_file(files[i], &d, e) < 0)
				return -1;
			flat = kube_objects_flatten(d);
			json_array_extend(docs, flat);
			json_decref(flat);
			json_decref(d);
			continue;
		}
		for (j = 0; j < n; j++) {
			const char *name = ents[j]->d_name;
			size_t len = strlen(name);
			if (!rc && ((len > 5 && !strcmp(name + len - 5, ".yaml")) ||
				    (len > 4 && !strcmp(name + len - 4, ".yml")) ||
				    (len > 5 && !strcmp(name + len - 5, ".json")))) {
				char *path = xasprintf("%s/%s", files[i], name);
				rc = load_docs(1, &path, docs, e) < 0 ? -1 : 0;
				free(path);
			}
			free(ents[j]);
		}
		free(ents);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int on_applied(const struct kube_apply_result *res, void *arg)
{
	const char *kind = json_string_value(json_object_get(res->obj, "kind"));
	const char *name = json_string_value(json_object_get(json_object_get(res->obj, "metadata"), "name"));

	(void)arg;
	if (res->err)
		fprintf(stderr, "failed %s/%s: %s\n", kind ? kind : "?", name ? name : "?", res->err->msg);
	else
		printf("%s/%s %s\n", kind ? kind : "?", name ? name : "?", res->created ? "created" : "configured");
	return 0;
}

static int cmd_apply(struct tool *t, int nfiles, char **files, int create, struct kerr *e)
{
	struct kube_apply_opts o = { .field_manager = t->manager, .force = t->force,
				     .dry_run = t->dry_run, .default_namespace = t->ns };
	json_t *docs, *d;
	size_t i;
	int rc = 0;

	docs = json_array();
	if (load_docs(nfiles, files, docs, e) < 0) {
		json_decref(docs);
		return -1;
	}
	if (t->parallel && !create) {
		rc = kube_apply_batch(t->c, docs, &o, t->parallel, on_applied, NULL, e);
		json_decref(docs);
		return rc;
	}
	json_array_foreach(docs, i, d) {
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *name = json_string_value(json_object_get(json_object_get(d, "metadata"), "name"));
		int created = 0;
		json_t *out = NULL;
		if (create)
			rc = kube_create(t->c, d, t->ns, &out, e);
		else
			rc = kube_apply(t->c, d, &o, &out, &created, e);
		if (rc < 0)
			break;
		if (!name)
			name = json_string_value(json_object_get(json_object_get(out, "metadata"), "name"));
		printf("%s/%s %s\n", kind ? kind : "?", name ? name : "?",
		       create ? "created" : created ? "created" : "configured");
		json_decref(out);
	}
	json_decref(docs);
	return rc;
}

static int on_log(const char *line, size_t len, void *arg)
{
	struct tool *t = arg;

	fwrite(line, 1, len, stdout);
	putchar('\n');
	fflush(stdout);
	t->seen++;
	return t->max_lines && t->seen >= t->max_lines;
}

struct stress_arg {
	struct tool *t;
	const struct kube_resource *r;
	int fails;
	struct kerr err;
};

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	int i;

	for (i = 0; i < a->t->iterations; i++) {
		json_t *out = NULL;
		const struct kube_resource *r2;
		if (kube_list(a->t->c, a->r, NULL, NULL, &out, &a->err) < 0 ||
		    kube_resolve(a->t->c, a->r->plural, &r2, &a->err) < 0) {
			a->fails++;
			break;
		}
		json_decref(out);
	}
	return NULL;
}

static int cmd_stress(struct tool *t, const char *what, struct kerr *e)
{
	const struct kube_resource *r;
	struct stress_arg *args;
	pthread_t *th;
	int i, fails = 0;

	if (t->threads <= 0 || t->iterations <= 0)
		return kerr_set(e, KERR_USAGE, "stress needs THREADS and ITERATIONS > 0");
	if (resolve_res(t, what, &r, e) < 0)
		return -1;
	args = xcalloc((size_t)t->threads, sizeof *args);
	th = xcalloc((size_t)t->threads, sizeof *th);
	for (i = 0; i < t->threads; i++) {
		args[i].t = t;
		args[i].r = r;
		pthread_create(&th[i], NULL, stress_thread, &args[i]);
	}
	for (i = 0; i < t->threads; i++) {
		pthread_join(th[i], NULL);
		if (args[i].fails && !fails++)
			*e = args[i].err;
	}
	printf("requests=%d failed_threads=%d\n", t->threads * t->iterations * 2, fails);
	free(args);
	free(th);
	return fails ? -1 : 0;
}

static int run(struct tool *t, int argc, char **argv, struct kerr *e)
{
	const char *cmd = argv[0];
	const struct kube_resource *r;

#define NEED(n) do { if (argc < (n) + 1) return kerr_set(e, KERR_USAGE, "%s needs %d argument(s)", cmd, (n)); } while (0)
	if (!strcmp(cmd, "version")) {
		char *v;
		if (kube_server_version(t->c, &v, e) < 0)
			return -1;
		puts(v);
		free(v);
		return 0;
	}
	if (!strcmp(cmd, "resources")) {
		const struct kube_resource *const *all;
		if (kube_discover(t->c, 0, e) < 0)
			return -1;
		for (all = kube_resources(t->c); *all; all++)
			printf("%s%s%s %s %d %s\n", (*all)->plural, *(*all)->group ? "." : "",
			       (*all)->group, (*all)->version, (*all)->namespaced, (*all)->kind);
		return 0;
	}
	if (!strcmp(cmd, "resolve") || !strcmp(cmd, "resolve-gvk")) {
		int gvk = !strcmp(cmd, "resolve-gvk");
		NEED(gvk ? 2 : 1);
		if ((gvk ? kube_resolve_gvk(t->c, argv[1], argv[2], &r, e) :
			   kube_resolve(t->c, argv[1], &r, e)) < 0)
			return -1;
		printf("%s %s %s %s namespaced=%d status=%d log=%d\n", r->group[0] ? r->group : "core",
		       r->version, r->plural, r->kind, r->namespaced, r->has_status, r->has_log);
		return 0;
	}
	if (!strcmp(cmd, "get")) {
		json_t *out;
		NEED(2);
		if (resolve_res(t, argv[1], &r, e) < 0 || kube_get(t->c, r, t->ns, argv[2], &out, e) < 0)
			return -1;
		print_json(out);
		json_decref(out);
		return 0;
	}
	if (!strcmp(cmd, "list")) {
		NEED(1);
		return cmd_list(t, argv[1], e);
	}
	if (!strcmp(cmd, "list-each")) {
		NEED(1);
		return cmd_list_each(t, argv[1], e);
	}
	if (!strcmp(cmd, "watch")) {
		NEED(1);
		return cmd_watch(t, argv[1], e);
	}
	if (!strcmp(cmd, "apply") || !strcmp(cmd, "create")) {
		NEED(1);
		return cmd_apply(t, argc - 1, argv + 1, !strcmp(cmd, "create"), e);
	}
	if (!strcmp(cmd, "patch")) {
		json_t *out;
		NEED(4);
		if (resolve_res(t, argv[1], &r, e) < 0 ||
		    kube_patch(t->c, r, t->ns, argv[2], argv[3], argv[4], &out, e) < 0)
			return -1;
		print_json(out);
		json_decref(out);
		return 0;
	}
	if (!strcmp(cmd, "delete")) {
		struct kube_delete_opts o = { .propagation = t->propagation, .wait = t->wait,
					      .timeout_ms = t->timeout_ms,
					      .ignore_not_found = t->ignore_not_found };
		NEED(2);
		if (resolve_res(t, argv[1], &r, e) < 0 || kube_delete(t->c, r, t->ns, argv[2], &o, e) < 0)
			return -1;
		printf("deleted %s/%s\n", r->plural, argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "wait")) {
		NEED(3);
		if (resolve_res(t, argv[1], &r, e) < 0 ||
		    kube_wait_condition(t->c, r, t->ns, argv[2], argv[3], argc > 4 ? argv[4] : "True",
					t->timeout_ms, e) < 0)
			return -1;
		printf("condition met\n");
		return 0;
	}
	if (!strcmp(cmd, "logs")) {
		struct kube_logs_opts o = { .container = t->container, .follow = t->follow,
					    .tail_lines = t->tail, .since_seconds = t->since,
					    .timestamps = t->timestamps, .previous = t->previous };
		NEED(1);
		return kube_logs(t->c, t->ns, argv[1], &o, on_log, t, e);
	}
	if (!strcmp(cmd, "request")) {
		struct kube_resp resp;
		int rc;
		NEED(2);
		kube_resp_init(&resp);
		rc = kube_request(t->c, argv[1], argv[2], NULL, argc > 3 ? "application/json" : NULL,
				  argc > 3 ? argv[3] : NULL, argc > 3 ? strlen(argv[3]) : 0, &resp, e);
		printf("%ld %s\n%s\n", resp.status, resp.content_type, resp.body.buf);
		kube_resp_release(&resp);
		return rc;
	}
	if (!strcmp(cmd, "stress")) {
		NEED(3);
		t->threads = atoi(argv[1]);
		t->iterations = atoi(argv[2]);
		return cmd_stress(t, argv[3], e);
	}
#undef NEED
	return kerr_set(e, KERR_USAGE, "unknown command %s", cmd);
}

/* Running the command as a job lets tests check cancellation. */
struct job_arg {
	struct tool *t;
	int argc;
	char **argv;
};

static int job_body(struct job *job, void *p, struct kerr *err)
{
	struct job_arg *a = p;

	(void)job;
	return run(a->t, a->argc, a->argv, err);
}

static int run_as_job(struct tool *t, int argc, char **argv, struct kerr *e)
{
	struct job_arg a = { .t = t, .argc = argc, .argv = argv };
	struct evq *q = evq_create();
	struct job *job = job_start(q, argv[0], kube_client_name(t->c), job_body, &a, NULL);
	struct event *ev;
	struct timespec ts = { .tv_sec = t->cancel_after_ms / 1000,
			       .tv_nsec = (t->cancel_after_ms % 1000) * 1000000L };
	long long t0;
	int rc;

	nanosleep(&ts, NULL);
	t0 = (long long)time(NULL);
	job_cancel(job);
	rc = job_join(job);
	while ((ev = evq_pop(q))) {
		if (ev->kind == EV_JOB_FAILED)
			*e = ev->err;
		event_free(ev);
	}
	fprintf(stderr, "job finished %lld s after cancel\n", (long long)time(NULL) - t0);
	job_release(job);
	evq_free(q);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "context", required_argument, NULL, 'x' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "selector", required_argument, NULL, 'l' },
		{ "field-selector", required_argument, NULL, 'F' },
		{ "limit", required_argument, NULL, 'L' },
		{ "one-page", no_argument, NULL, 'O' },
		{ "table", no_argument, NULL, 'T' },
		{ "metadata", no_argument, NULL, 'G' },
		{ "rv", required_argument, NULL, 'R' },
		{ "events", required_argument, NULL, 'E' },
		{ "watch-timeout-s", required_argument, NULL, 'W' },
		{ "once", no_argument, NULL, '1' },
		{ "bookmarks", no_argument, NULL, 'B' },
		{ "force", no_argument, NULL, 'f' + 256 },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "manager", required_argument, NULL, 'M' },
		{ "wait", no_argument, NULL, 'w' },
		{ "wait-ms", required_argument, NULL, 'm' },
		{ "propagation", required_argument, NULL, 'P' },
		{ "ignore-not-found", no_argument, NULL, 'I' },
		{ "container", required_argument, NULL, 'c' },
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "timestamps", no_argument, NULL, 'S' },
		{ "previous", no_argument, NULL, 'p' },
		{ "lines", required_argument, NULL, 'N' },
		{ "timeout-ms", required_argument, NULL, 'o' },
		{ "retries", required_argument, NULL, 'r' },
		{ "cancel-after-ms", required_argument, NULL, 'C' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .tail = -1 };
	struct kube_client_opts copts = { 0 };
	const char *kubeconfig = NULL, *context = NULL;
	struct kubeconfig *kc = NULL;
	struct kube_clients *pool = NULL;
	struct kerr e = { 0 };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "n:Al:c:ft:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'k': kubeconfig = optarg; break;
		case 'x': context = optarg; break;
		case 'n': t.ns = optarg; break;
		case 'A': t.all_ns = 1; break;
		case 'l': t.label = optarg; break;
		case 'F': t.field = optarg; break;
		case 'L': t.limit = atol(optarg); break;
		case 'O': t.one_page = 1; break;
		case 'T': t.table = 1; break;
		case 'G': t.metadata = 1; break;
		case 'R': t.rv = optarg; break;
		case 'E': t.events = atol(optarg); break;
		case 'W': t.timeout_s = atoi(optarg); break;
		case '1': t.once = 1; break;
		case 'B': t.bookmarks = 1; break;
		case 'f' + 256: t.force = 1; break;
		case 'D': t.dry_run = 1; break;
		case 'j': t.parallel = atoi(optarg); break;
		case 'M': t.manager = optarg; break;
		case 'w': t.wait = 1; break;
		case 'm': t.timeout_ms = atol(optarg); break;
		case 'P': t.propagation = optarg; break;
		case 'I': t.ignore_not_found = 1; break;
		case 'c': t.container = optarg; break;
		case 'f': t.follow = 1; break;
		case 't': t.tail = atol(optarg); break;
		case 's': t.since = atol(optarg); break;
		case 'S': t.timestamps = 1; break;
		case 'p': t.previous = 1; break;
		case 'N': t.max_lines = atol(optarg); break;
		case 'o': copts.timeout_ms = atol(optarg); break;
		case 'r': copts.retries = atoi(optarg); break;
		case 'C': t.cancel_after_ms = atol(optarg); break;
		case 'd': log_set_level(LOG_DEBUG); break;   /* with KURATOR_LOG=stderr */
		default: return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage();
	if (kubeconfig_load(kubeconfig, &kc, &e) < 0)
		return report(&e);
	pool = kube_clients_new(kc, &copts);
	if (kube_clients_get(pool, context, &t.c, &e) < 0) {
		rc = report(&e);
		goto out;
	}
	if (t.cancel_after_ms > 0)
		rc = run_as_job(&t, argc, argv, &e);
	else
		rc = run(&t, argc, argv, &e);
	rc = rc < 0 ? report(&e) : 0;
out:
	kube_clients_free(pool);
	kubeconfig_free(kc);
	return rc;
}
