/* run.c - component operations as jobs (run.h). */
#include "backends/components/run.h"

#include <string.h>

const char *comp_op_name(enum comp_op op)
{
	switch (op) {
	case COMP_DETECT: return "detect";
	case COMP_PLAN: return "plan";
	case COMP_INSTALL: return "install";
	case COMP_UPGRADE: return "upgrade";
	case COMP_UNINSTALL: return "uninstall";
	case COMP_STATUS: return "status";
	}
	return "?";
}

static int dispatch(struct comp_run *run, struct job *job, struct kerr *err)
{
	struct comp_ctx ctx = {
		.ops = run->ops, .kc = run->kc, .cluster = run->cluster, .opts = run->opts,
		.recipes = run->recipes, .job = job,
	};
	int (*fn)(struct comp_ctx *, json_t **, struct kerr *) = NULL;

	switch (run->op) {
	case COMP_DETECT: fn = run->ops->detect; break;
	case COMP_PLAN: fn = run->ops->plan; break;
	case COMP_INSTALL: fn = run->ops->install; break;
	case COMP_UPGRADE: fn = run->ops->upgrade; break;
	case COMP_UNINSTALL: fn = run->ops->uninstall; break;
	case COMP_STATUS: fn = run->ops->status; break;
	}
	if (!fn)
		return kerr_set(err, KERR_USAGE, "%s does not support %s", run->ops->name,
				comp_op_name(run->op));
	return fn(&ctx, &run->result, err);
}

int comp_run_job(struct job *job, void *arg, struct kerr *err)
{
	struct comp_run *run = arg;

	kerr_clear(&run->err);
	run->rc = dispatch(run, job, &run->err);
	if (run->rc && err)
		*err = run->err;
	return run->rc;
}

int comp_run_now(struct comp_run *run)
{
	kerr_clear(&run->err);
	run->rc = dispatch(run, NULL, &run->err);
	return run->rc;
}

void comp_run_release(struct comp_run *run)
{
	if (!run)
		return;
	json_decref(run->result);
	run->result = NULL;
}
