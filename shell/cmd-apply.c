/* cmd-apply.c - `apply -f FILE|DIR|- [-R]`: server-side apply, in
 * dependency order.
 *
 * Phase 0 applies Namespaces and CRDs; then every CRD of the set must be
 * Established and discovery is refreshed so its kinds are served; phase 1
 * applies the rest. Within a phase objects go out in parallel (a few
 * workers sharing the client's connections): order inside a phase does not
 * matter to the apiserver, and it is what makes apply fast. Results are
 * printed in manifest order ("kind.group/name serverside-applied", as
 * kubectl prints them); failures are reported one line each, the others
 * still go through, and the command fails at the end.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/kube/client.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/manifest.h"
#include "shell/output.h"
#include "shell/session.h"

#define APPLY_WORKERS 8

struct apply_item {
	json_t *obj;                 /* borrowed from the manifest array */
	int phase;
	int done, rc, created;
	struct kerr err;
	const struct kube_resource *r;
};

struct apply_run {
	struct session *s;
	struct kube_client *c;
	struct kube_apply_opts opts;
	struct apply_item *items;
	size_t n;
	int phase;
	pthread_mutex_t lock;
	size_t next, finished, total;
	volatile int cancel;
};

static const char *dry_choices[] = { "none", "server", NULL };

static int apply_one(struct apply_run *ar, struct apply_item *it)
{
	json_t *out = NULL;

	if (kube_resolve_gvk(ar->c, jx_api_version(it->obj), jx_kind(it->obj), &it->r, &it->err) < 0) {
		kerr_hint(&it->err, "apply its CRD first");
		return -1;
	}
	if (kube_apply(ar->c, it->obj, &ar->opts, &out, &it->created, &it->err) < 0)
		return -1;
	json_decref(out);
	return 0;
}

static void *worker(void *arg)
{
	struct apply_run *ar = arg;

	for (;;) {
		struct apply_item *it = NULL;

		pthread_mutex_lock(&ar->lock);
		while (ar->next < ar->n && ar->items[ar->next].phase != ar->phase)
			ar->next++;
		if (ar->next < ar->n && !ar->cancel)
			it = &ar->items[ar->next++];
		pthread_mutex_unlock(&ar->lock);
		if (!it)
			return NULL;
		it->rc = apply_one(ar, it);
		pthread_mutex_lock(&ar->lock);
		it->done = 1;
		ar->finished++;
		pthread_mutex_unlock(&ar->lock);
	}
}

static void item_name(struct strbuf *sb, const struct apply_item *it)
{
	const char *av = jx_api_version(it->obj);
	const char *slash = av ? strchr(av, '/') : NULL;
	char *group = slash ? xstrndup(av, slash - av) : NULL;

	out_name(sb, jx_kind(it->obj), group, jx_name(it->obj));
	free(group);
	strbuf_setlen(sb, sb->len - 1);   /* out_name ends the line */
}

/* Run one phase with workers while the command job reports progress. */
static void run_phase(struct apply_run *ar, int phase, size_t *shown)
{
	pthread_t th[APPLY_WORKERS];
	size_t count = 0, nth = 0;

	for (size_t i = 0; i < ar->n; i++)
		count += ar->items[i].phase == phase;
	if (!count)
		return;
	ar->phase = phase;
	ar->next = 0;
	nth = count < APPLY_WORKERS ? count : APPLY_WORKERS;
	for (size_t i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, worker, ar) != 0) {
			nth = i;
			break;
		}
	if (!nth)
		worker(ar);
	for (long last = -1, ticks = 0;; ticks++) {
		struct timespec ts = { 0, 10 * 1000000L };
		size_t fin;

		pthread_mutex_lock(&ar->lock);
		fin = ar->finished;
		pthread_mutex_unlock(&ar->lock);
		/* a progress event when the count moves, else every ~250 ms */
		if ((long)fin != last || ticks % 25 == 0)
			job_progress(job_current(), (long)fin, (long)ar->total, "applying");
		last = (long)fin;
		if (session_cancelled(ar->s))
			ar->cancel = 1;
		if (fin >= *shown + count || ar->cancel)
			break;
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	*shown += count;
}

static void report(struct apply_run *ar, int phase, int dry, int *failed, struct kerr *first)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ar->n; i++) {
		struct apply_item *it = &ar->items[i];

		if (it->phase != phase || !it->done)
			continue;
		if (it->rc == 0) {
			item_name(&sb, it);
			strbuf_addf(&sb, " serverside-applied%s\n", dry ? " (server dry run)" : "");
			continue;
		}
		session_write(ar->s, sb.buf, sb.len, 0);
		strbuf_reset(&sb);
		/* with one object its error is the command's: printed once */
		if (ar->n > 1)
			session_error(ar->s, &it->err);
		if (!(*failed)++)
			*first = it->err;
	}
	session_write(ar->s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

static int wait_crds(struct apply_run *ar, long timeout_ms, struct kerr *err)
{
	const struct kube_resource *crd = NULL;
	int any = 0;

	for (size_t i = 0; i < ar->n; i++) {
		struct apply_item *it = &ar->items[i];

		if (!manifest_is_crd(it->obj) || it->rc || !it->done)
			continue;
		if (!crd && kube_resolve(ar->c, "customresourcedefinitions.apiextensions.k8s.io",
					 &crd, err) < 0)
			return -1;
		job_progress(job_current(), -1, -1, "waiting for CRD %s", jx_name(it->obj));
		if (kube_wait_condition(ar->c, crd, NULL, jx_name(it->obj), "Established", "True",
					timeout_ms, err) < 0)
			return kerr_prefix(err, "CRD %s", jx_name(it->obj));
		any = 1;
	}
	/* the new kinds must be served before their objects go out */
	if (any && kube_discover(ar->c, 1, err) < 0)
		return -1;
	return 0;
}

static int exec_apply(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct apply_run ar = { .s = s, .c = a->client };
	const char *const *files = cmd_opt_list(a, "filename", NULL);
	const char *dry = cmd_opt_str(a, "dry-run");
	json_t *objs = NULL;
	struct kerr first = { 0 };
	int failed = 0, rc = 0;
	size_t shown = 0;

	if (!files[0]) {
		kerr_set(err, KERR_USAGE, "apply needs -f FILE, DIR or -");
		return kerr_hint(err, "apply -f manifests/ [-R]");
	}
	if (manifest_load(files, cmd_opt_bool(a, "recursive"), &objs, err) < 0)
		return -1;
	ar.n = json_array_size(objs);
	ar.total = ar.n;
	ar.items = xcalloc(ar.n, sizeof(*ar.items));
	for (size_t i = 0; i < ar.n; i++) {
		ar.items[i].obj = json_array_get(objs, i);
		ar.items[i].phase = manifest_phase(ar.items[i].obj);
	}
	ar.opts.field_manager = cmd_opt_str(a, "field-manager");
	ar.opts.force = cmd_opt_bool(a, "force-conflicts");
	ar.opts.dry_run = dry && !strcmp(dry, "server");
	ar.opts.default_namespace = a->ns;
	ar.opts.field_validation = cmd_opt_bool(a, "validate") ? "Strict" : "Ignore";
	pthread_mutex_init(&ar.lock, NULL);

	run_phase(&ar, 0, &shown);
	report(&ar, 0, ar.opts.dry_run, &failed, &first);
	if (!ar.cancel && !ar.opts.dry_run &&
	    wait_crds(&ar, cmd_opt_int(a, "timeout") * 1000, err) < 0) {
		rc = -1;
		goto out;
	}
	if (!ar.cancel) {
		run_phase(&ar, 1, &shown);
		report(&ar, 1, ar.opts.dry_run, &failed, &first);
	}
	if (ar.cancel) {
		rc = kerr_set(err, KERR_CANCELLED, "apply cancelled after %zu of %zu objects",
			      ar.finished, ar.n);
	} else if (failed && ar.n == 1) {
		*err = first;
		rc = -1;
	} else if (failed) {
		/* each failure was printed above: sum them up */
		kerr_set(err, first.kind, "%d of %zu objects failed on %s (each is shown above)",
			 failed, ar.n, a->context);
		rc = -1;
	}
out:
	pthread_mutex_destroy(&ar.lock);
	free(ar.items);
	json_decref(objs);
	return rc;
}

static const struct cmd_opt apply_opts[] = {
	{ 'f', "filename", CMD_OPT_LIST, "FILE", "a manifest file, a directory, or - for stdin",
	  COMP_FILE, NULL, NULL },
	{ 'R', "recursive", CMD_OPT_BOOL, NULL, "descend into subdirectories of -f DIR",
	  COMP_NONE, NULL, NULL },
	{ 0, "field-manager", CMD_OPT_STRING, "NAME", "the field manager recorded by the server",
	  COMP_NONE, NULL, "kurator" },
	{ 0, "force-conflicts", CMD_OPT_BOOL, NULL, "take over fields other managers own",
	  COMP_NONE, NULL, NULL },
	{ 0, "dry-run", CMD_OPT_STRING, "MODE", "server: validate and compute, change nothing",
	  COMP_CHOICES, dry_choices, "none" },
	{ 0, "validate", CMD_OPT_BOOL, NULL, "ask the server to reject unknown fields",
	  COMP_NONE, NULL, "true" },
	{ 0, "timeout", CMD_OPT_INT, "SECONDS", "how long CRDs may take to be established",
	  COMP_NONE, NULL, "60" },
	{ 0 }
};

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = "-f FILE|DIR|- [-R] [--dry-run=server] [--force-conflicts]",
	.summary = "server-side apply manifests (CRDs and namespaces first)",
	.help = "Multi-document YAML, JSON and List kinds are read; -f may repeat.\n"
		"Namespaces and CRDs go first, then kurator waits until the CRDs are\n"
		"established and served, then applies the rest in parallel.",
	.opts = apply_opts,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_F_CLUSTER,
	.exec = exec_apply,
};
