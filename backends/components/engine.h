/* engine.h - components: one `struct component_ops` each, one engine.
 *
 * A component (volcano.c, prometheus.c; next karmada.c, kubeedge.c,
 * istio.c, submariner.c) is a `const struct component_ops` naming its
 * operations. Most components point them at the generic engine_* functions
 * below, which do everything a recipe (backends/recipes/) can describe:
 * render the recipe, apply phase by phase with server-side apply
 * (fieldManager kurator, forced), wait for readiness with live progress,
 * prune what an upgrade dropped, record what was installed
 * (record.h), and remove it again. Component code only adds what data
 * cannot: the hooks (certificates, tokens, cross-cluster secrets) and
 * join/unjoin for multi-cluster components.
 *
 * Every operation runs inside a job (lib/evq.h) on a worker thread, with
 * one cluster connection (ctx->kc): progress goes out as job_progress /
 * job_log events on ctx->job (may be NULL in tests), results come back as
 * JSON for the shell to print as text, json or yaml. Operations against
 * several clusters are several contexts, one job each.
 *
 * Result shapes (all carry "component" and "cluster"):
 *   detect     {"present", "managedBy": "kurator"|"other"|null, "version",
 *               "state", "found": ["Deployment ns/name", ...]}
 *   status     detect's fields + {"ready", "objects": [{"kind","namespace",
 *               "name","phase","ready","message"}], "checks": [{"description",
 *               "ready","message"}]}
 *   plan       {"version", "from": installed version or null, "changes":
 *               [{"action": create|update|unchanged|delete|keep,
 *                 "kind","namespace","name","phase","adopt","diff":[lines]}],
 *               "summary": {"create":n,"update":n,"unchanged":n,"delete":n}}
 *   install/upgrade  {"version", "created", "updated", "unchanged", "pruned",
 *               "adopted", "elapsedMs"}    (--dry-run: the plan instead)
 *   uninstall  {"version", "deleted", "kept": ["CustomResourceDefinition x", ...],
 *               "released": [adopted objects left in place]}
 *
 * Owner: backends/components/engine.c, engine-apply.c, engine-wait.c,
 * engine-query.c; the component files own their ops tables.
 */
#ifndef KURATOR_COMPONENTS_ENGINE_H
#define KURATOR_COMPONENTS_ENGINE_H

#include <jansson.h>
#include <stddef.h>

#include "backends/components/ready.h"
#include "backends/kube/client.h"
#include "backends/recipes/recipe.h"
#include "backends/recipes/render.h"
#include "lib/err.h"
#include "lib/evq.h"

struct comp_opts {
	const char *version;           /* NULL: the default (install/upgrade), installed (others) */
	const char *const *sets;       /* "name=value" parameter assignments */
	size_t nsets;
	long timeout_ms;               /* readiness budget per run; 0 = 5 minutes */
	int dry_run;                   /* nothing is changed; install/upgrade return the plan */
	int purge_crds;                /* uninstall also removes CRDs (and with them all CRs) */
	int adopt;                     /* install over a copy kurator did not install */
	const char *mirror;            /* artifact mirror dir (NULL: $KURATOR_MIRROR) */
	const char *cache_dir;         /* NULL: $XDG_CACHE_HOME/kurator/artifacts */
	long poll_ms;                  /* readiness poll interval; 0 = 250 ms */
};

struct component_ops;

/* Everything one operation on one cluster needs. The caller fills it
 * (component_ctx_init does the common part) and owns every pointer. */
struct comp_ctx {
	const struct component_ops *ops;
	struct kube_client *kc;        /* the target cluster */
	const char *cluster;           /* its context name, for messages */
	const struct comp_opts *opts;
	const struct recipe_set *recipes;
	struct job *job;               /* progress goes here; may be NULL */
	void *priv;                    /* the component's own state, if any */
};

struct component_ops {
	const char *name;
	const char *summary;           /* one line for `help install` and completion */
	int multi_cluster;             /* has join/unjoin (karmada, kubeedge, submariner) */

	int (*detect)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	int (*plan)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	int (*install)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	int (*upgrade)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	int (*uninstall)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	int (*status)(struct comp_ctx *ctx, json_t **out, struct kerr *err);
	/* Multi-cluster components: attach / detach member to the control
	 * plane in host. NULL when not applicable. */
	int (*join)(struct comp_ctx *host, struct comp_ctx *member, json_t **out,
		    struct kerr *err);
	int (*unjoin)(struct comp_ctx *host, struct comp_ctx *member, json_t **out,
		      struct kerr *err);

	/* Hooks the generic engine calls; NULL = nothing to do. */
	/* Before a phase is applied (e.g. generate certificates into Secrets
	 * that phase's Deployments mount). Must be idempotent. */
	int (*before_phase)(struct comp_ctx *ctx, const struct rplan *plan, int phase,
			    struct kerr *err);
	/* After every object is gone (e.g. remove secrets handed to members). */
	int (*after_uninstall)(struct comp_ctx *ctx, struct kerr *err);
};

/* ---- the component table ---------------------------------------------- */

/* All components, sorted by name, NULL-terminated. */
const struct component_ops *const *component_all(void);
/* By exact name; NULL when unknown. */
const struct component_ops *component_find(const char *name);
/* KERR_USAGE naming the known components when name is unknown. */
int component_lookup(const char *name, const struct component_ops **out, struct kerr *err);

/* ---- the generic engine -------------------------------------------------- */

int engine_detect(struct comp_ctx *ctx, json_t **out, struct kerr *err);
int engine_plan(struct comp_ctx *ctx, json_t **out, struct kerr *err);
int engine_install(struct comp_ctx *ctx, json_t **out, struct kerr *err);
int engine_upgrade(struct comp_ctx *ctx, json_t **out, struct kerr *err);
int engine_uninstall(struct comp_ctx *ctx, json_t **out, struct kerr *err);
int engine_status(struct comp_ctx *ctx, json_t **out, struct kerr *err);

/* Building blocks for component code. */
/* The recipe for ctx (opts->version, else `installed` when not NULL,
 * else the default). */
int engine_recipe(struct comp_ctx *ctx, const char *installed, const struct recipe **out,
		  struct kerr *err);
/* Render with parameters resolved from base (earlier values) and opts->sets. */
int engine_render(struct comp_ctx *ctx, const struct recipe *r, const json_t *base,
		  struct rplan **out, struct kerr *err);
/* Server-side apply one object (fieldManager kurator, forced). *result:
 * 0 unchanged, 1 created, 2 updated. may_skip: the caller knows this exact
 * object was applied before (same recipe version and parameters); then an
 * object of ours whose live fields already hold every desired value is not
 * written again. */
int engine_apply_object(struct comp_ctx *ctx, const json_t *obj, const char *default_ns,
			int may_skip, int *result, struct kerr *err);
/* Wait until every object is ready (ready.h) and every check holds, or the
 * deadline (monotonic ms) passes; the timeout error names the object that
 * is not ready, its conditions, its pods and its last events. */
int engine_wait(struct comp_ctx *ctx, const json_t *objs, const struct rcheck *checks,
		size_t nchecks, const char *default_ns, long long deadline_ms, long *done,
		long total, struct kerr *err);
/* Evaluate one object now (ref: an object or {apiVersion,kind,namespace,
 * name}): fills res; *live (may be NULL) gets the object (new reference).
 * KERR_NOTFOUND when it is absent. Webhook configurations also need their
 * services to have ready endpoints. */
int engine_ready_now(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		     struct ready_res *res, json_t **live, struct kerr *err);
/* Get the live object for ref (KERR_NOTFOUND when absent or when its kind
 * is not served). */
int engine_get(struct comp_ctx *ctx, const json_t *ref, const char *default_ns, json_t **out,
	       struct kerr *err);
/* Post progress / a log line on ctx->job (and to the log file). */
void engine_progress(struct comp_ctx *ctx, long done, long total, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void engine_log(struct comp_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
