/* engine-int.h - internals shared by engine*.c (not for component files). */
#ifndef KURATOR_COMPONENTS_ENGINE_INT_H
#define KURATOR_COMPONENTS_ENGINE_INT_H

#include <jansson.h>
#include <stddef.h>

#include "backends/components/engine.h"

/* Name / namespace of a full object or of a record ref. */
const char *eng_ref_name(const json_t *ref);
const char *eng_ref_ns(const json_t *ref);
const char *eng_ref_desc(const json_t *ref, char *buf, size_t size);
/* Resolve the resource and the namespace to use (NULL when cluster-scoped). */
int eng_resolve(struct comp_ctx *ctx, const json_t *ref, const char *default_ns,
		const struct kube_resource **res, const char **ns, struct kerr *err);
/* A label of an object, or NULL. */
const char *eng_label(const json_t *obj, const char *key);
/* {"component", "cluster"}: the start of every result. */
json_t *eng_result(struct comp_ctx *ctx);
/* The readiness budget of this run. */
long long eng_deadline(struct comp_ctx *ctx);
/* Evaluate one recipe check now. */
int eng_check_now(struct comp_ctx *ctx, const struct rcheck *c, const char *default_ns,
		  struct ready_res *res, struct kerr *err);
/* The parameters a user set: earlier ones plus this run's --set, with
 * their resolved (typed) values. New reference. */
json_t *eng_user_set(struct comp_ctx *ctx, const json_t *earlier, const json_t *params);
/* Sleep ms (cut short when the job is cancelled: returns -1 then). */
int eng_sleep(struct comp_ctx *ctx, long ms);
/* Is the object kurator's for this component (by its labels)? */
int eng_is_ours(struct comp_ctx *ctx, const json_t *live);

#endif
