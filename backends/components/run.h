/* run.h - one component operation on one cluster, as a job.
 *
 * The shell (cmd-install.c, cmd-status.c ...) and the TUI start one job per
 * target cluster with comp_run_job and a struct comp_run; progress arrives
 * as job events, the result stays in the struct for the caller to print
 * after job_join.
 *
 * Owner: backends/components/run.c. The caller owns every pointer in
 * struct comp_run except result, which comp_run_release frees.
 */
#ifndef KURATOR_COMPONENTS_RUN_H
#define KURATOR_COMPONENTS_RUN_H

#include <jansson.h>

#include "backends/components/engine.h"
#include "lib/evq.h"

enum comp_op { COMP_DETECT, COMP_PLAN, COMP_INSTALL, COMP_UPGRADE, COMP_UNINSTALL, COMP_STATUS };

struct comp_run {
	enum comp_op op;
	const struct component_ops *ops;
	const struct comp_opts *opts;
	const struct recipe_set *recipes;
	struct kube_client *kc;
	const char *cluster;
	/* Filled by the job: */
	int rc;
	json_t *result;         /* owned; NULL on failure */
	struct kerr err;
};

/* "install", "uninstall" ... */
const char *comp_op_name(enum comp_op op);
/* A job_fn: arg is a struct comp_run. */
int comp_run_job(struct job *job, void *arg, struct kerr *err);
/* Run synchronously on this thread (no job; tests). */
int comp_run_now(struct comp_run *run);
void comp_run_release(struct comp_run *run);   /* frees result */

#endif
