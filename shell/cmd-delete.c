/* cmd-delete.c - `delete -f FILE|DIR` or `delete KIND NAME...`: like
 * kubectl delete, waiting until the objects are gone (--wait=true by
 * default, as kubectl). With -f, objects go in reverse dependency order:
 * everything else first, then CRDs and Namespaces.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kube/client.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/manifest.h"
#include "shell/output.h"
#include "shell/session.h"

static const char *const cascade_choices[] = { "background", "foreground", "orphan", NULL };

static const char *propagation(const char *cascade)
{
	if (!cascade || !strcmp(cascade, "background"))
		return "Background";
	if (!strcmp(cascade, "foreground"))
		return "Foreground";
	return "Orphan";
}

static int delete_one(struct session *s, struct cmd_args *a, const struct kube_resource *r,
		      const char *ns, const char *name, const struct kube_delete_opts *o,
		      struct kerr *err)
{
	const char *where = r->namespaced ? ns : NULL;
	struct kube_delete_opts mine = *o;

	/* not found is handled here, so nothing is printed for it */
	mine.ignore_not_found = 0;
	if (kube_delete(a->client, r, where, name, &mine, err) < 0) {
		if (err->kind == KERR_NOTFOUND && o->ignore_not_found) {
			kerr_clear(err);
			return 0;
		}
		return -1;
	}
	{
		/* kubectl's line: deployment.apps "web" deleted */
		struct strbuf sb = STRBUF_INIT;

		out_name(&sb, r->kind, r->group, name);
		strbuf_setlen(&sb, strchr(sb.buf, '/') - sb.buf);
		session_out(s, "%s \"%s\" deleted\n", sb.buf, name);
		strbuf_release(&sb);
	}
	return 0;
}

static int exec_delete(struct session *s, struct cmd_args *a, struct kerr *err)
{
	const char *const *files = cmd_opt_list(a, "filename", NULL);
	struct kube_delete_opts o = {
		.propagation = propagation(cmd_opt_str(a, "cascade")),
		.wait = cmd_opt_bool(a, "wait"),
		.timeout_ms = cmd_opt_int(a, "timeout") * 1000,
		.ignore_not_found = cmd_opt_bool(a, "ignore-not-found"),
	};
	struct kerr first = { 0 };
	int failed = 0, total = 0;

	if (files[0] && a->argc) {
		kerr_set(err, KERR_USAGE, "give either -f or KIND NAME, not both");
		return -1;
	}
	if (!files[0] && a->argc < 2) {
		kerr_set(err, KERR_USAGE, "delete needs -f FILE or KIND NAME...");
		return kerr_hint(err, "delete pods web-1, or delete -f manifests/");
	}
	if (files[0]) {
		json_t *objs = NULL;

		if (manifest_load(files, cmd_opt_bool(a, "recursive"), &objs, err) < 0)
			return -1;
		for (int phase = 1; phase >= 0 && !session_cancelled(s); phase--) {
			size_t n = json_array_size(objs);

			for (size_t k = n; k-- > 0 && !session_cancelled(s);) {
				json_t *obj = json_array_get(objs, k);
				const struct kube_resource *r;
				struct kerr e = { 0 };
				const char *ns = jx_namespace(obj) ? jx_namespace(obj) : a->ns;

				if (manifest_phase(obj) != phase)
					continue;
				total++;
				job_progress(job_current(), total, (long)n, "deleting");
				if (kube_resolve_gvk(a->client, jx_api_version(obj), jx_kind(obj), &r, &e) < 0 ||
				    delete_one(s, a, r, ns, jx_name(obj), &o, &e) < 0) {
					session_error(s, &e);
					if (!failed++)
						first = e;
				}
			}
		}
		json_decref(objs);
	} else {
		const struct kube_resource *r;

		if (kube_resolve(a->client, a->argv[0], &r, err) < 0)
			return -1;
		for (int i = 1; i < a->argc && !session_cancelled(s); i++) {
			struct kerr e = { 0 };

			total++;
			if (delete_one(s, a, r, a->ns, a->argv[i], &o, &e) < 0) {
				if (a->argc == 2) {   /* one object: its error is the answer */
					*err = e;
					return -1;
				}
				session_error(s, &e);
				if (!failed++)
					first = e;
			}
		}
	}
	if (session_cancelled(s))
		return kerr_set(err, KERR_CANCELLED, "delete cancelled");
	if (failed) {
		/* each failure was printed above: sum them up */
		return kerr_set(err, first.kind, "%d of %d deletions failed on %s (each is shown above)",
				failed, total, a->context);
	}
	return 0;
}

static const struct cmd_opt delete_opts[] = {
	{ 'f', "filename", CMD_OPT_LIST, "FILE", "delete what these manifests describe",
	  COMP_FILE, NULL, NULL },
	{ 'R', "recursive", CMD_OPT_BOOL, NULL, "descend into subdirectories of -f DIR",
	  COMP_NONE, NULL, NULL },
	{ 0, "wait", CMD_OPT_BOOL, NULL, "wait until the objects are gone", COMP_NONE, NULL,
	  "true" },
	{ 0, "timeout", CMD_OPT_INT, "SECONDS", "how long to wait per object", COMP_NONE, NULL,
	  "60" },
	{ 0, "cascade", CMD_OPT_STRING, "MODE", "what happens to dependents", COMP_CHOICES,
	  cascade_choices, "background" },
	{ 0, "ignore-not-found", CMD_OPT_BOOL, NULL, "a missing object is not an error",
	  COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_pos delete_pos[] = {
	{ .name = "KIND", .comp = COMP_KIND },
	{ .name = "NAME", .comp = COMP_NAME },
	{ 0 },
};

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.usage = "(-f FILE|DIR | KIND NAME...) [--wait=false] [--ignore-not-found]",
	.summary = "delete objects by manifest or by kind and name",
	.opts = delete_opts,
	.args = delete_pos,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_F_CLUSTER,
	.exec = exec_delete,
};
