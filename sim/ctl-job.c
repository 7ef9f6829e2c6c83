/* ctl-job.c - the job controller (pods that run to completion, then the
 * Complete condition) and ttlSecondsAfterFinished. CronJobs stay idle. */
#include "sim/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MGR "kube-controller-manager"

static int has_condition(const json_t *job, const char *type)
{
	json_t *cd;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(job, "status"), "conditions"), i, cd) {
		if (!strcmp(sim_ctl_str(cd, "type") ?: "", type) && !strcmp(sim_ctl_str(cd, "status") ?: "", "True"))
			return 1;
	}
	return 0;
}

static json_t *job_cond(const char *type, const char *reason, const char *msg, const char *ts)
{
	json_t *c = json_pack("{s:s,s:s,s:s,s:s}", "type", type, "status", "True", "lastProbeTime", ts,
			      "lastTransitionTime", ts);

	if (reason)
		json_object_set_new(c, "reason", json_string(reason));
	if (msg)
		json_object_set_new(c, "message", json_string(msg));
	return c;
}

/* Delete a finished Job after its TTL (seconds since completionTime). */
static void ttl(struct sim_ctl *c, const json_t *job, const char *ns, const char *name)
{
	json_t *t = json_object_get(json_object_get(job, "spec"), "ttlSecondsAfterFinished");
	const char *done = sim_ctl_str(job, "status.completionTime");
	struct tm tm;
	time_t at;
	long left;

	if (!json_is_integer(t))
		return;
	memset(&tm, 0, sizeof tm);
	if (!done || !strptime(done, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		done = NULL;
		at = time(NULL);
	} else {
		at = timegm(&tm);
	}
	left = (long)(at + json_integer_value(t) - time(NULL));
	if (left <= 0) {
		sim_ctl_delete(c, "batch", "jobs", ns, name);
		return;
	}
	/* Come back when it expires (at most an hour's sleep per visit). */
	sim_ctl_enqueue(c, CTL_JOB, ns, name, (left > 3600 ? 3600 : left) * 1000);
}

void sim_ctl_job(struct sim_ctl *c, const char *ns, const char *name)
{
	json_t *job = sim_ctl_get(c, "batch", "jobs", ns, name), *pods, *p, *st, *conds;
	const char *uid;
	long completions, parallelism, backoff, active = 0, succeeded = 0, failed = 0, ready = 0, need, i;
	char ts[32];
	size_t k;

	if (!job || sim_ctl_terminating(job))
		goto out0;
	if (has_condition(job, "Complete") || has_condition(job, "Failed")) {
		ttl(c, job, ns, name);
		goto out0;
	}
	uid = sim_ctl_str(job, "metadata.uid");
	parallelism = sim_ctl_int(job, "spec.parallelism", 1);
	completions = sim_ctl_int(job, "spec.completions", 1);
	backoff = sim_ctl_int(job, "spec.backoffLimit", 6);
	pods = sim_ctl_list(c, "", "pods", ns);
	json_array_foreach(pods, k, p) {
		const char *ph = sim_ctl_str(p, "status.phase") ?: "";
		if (!sim_ctl_owned_by(p, uid))
			continue;
		if (!strcmp(ph, "Succeeded"))
			succeeded++;
		else if (!strcmp(ph, "Failed"))
			failed++;
		else if (!sim_ctl_terminating(p)) {
			active++;
			if (sim_ctl_pod_ready(p))
				ready++;
		}
	}
	need = (parallelism < completions - succeeded ? parallelism : completions - succeeded) - active;
	if (json_is_true(json_object_get(json_object_get(job, "spec"), "suspend")))
		need = 0;
	if (failed > backoff)
		need = 0;
	for (i = 0; i < need; i++) {
		json_t *pod = sim_ctl_pod_from_template(job, "batch/v1", "Job",
							json_object_get(json_object_get(job, "spec"), "template"), NULL, name);
		json_t *labels = json_object_get(json_object_get(pod, "metadata"), "labels");

		if (!json_is_object(labels)) {
			labels = json_object();
			json_object_set_new(json_object_get(pod, "metadata"), "labels", labels);
		}
		json_object_set_new(labels, "batch.kubernetes.io/job-name", json_string(name));
		json_object_set_new(labels, "job-name", json_string(name));
		json_object_set_new(labels, "batch.kubernetes.io/controller-uid", json_string(uid));
		json_object_set_new(labels, "controller-uid", json_string(uid));
		if (sim_ctl_create(c, "", "pods", ns, pod, MGR) == 0) {
			sim_ctl_event(c, job, "Normal", "SuccessfulCreate", "job-controller", "Created pod: %s",
				      sim_ctl_str(pod, "metadata.name"));
			active++;
		}
		json_decref(pod);
	}
	sim_ctl_rfc3339(ts);
	st = json_pack("{s:s,s:I,s:{}}", "startTime", sim_ctl_str(job, "status.startTime") ?: ts, "ready",
		       (json_int_t)ready, "uncountedTerminatedPods");
	if (active)
		json_object_set_new(st, "active", json_integer(active));
	if (succeeded)
		json_object_set_new(st, "succeeded", json_integer(succeeded));
	if (failed)
		json_object_set_new(st, "failed", json_integer(failed));
	json_object_set_new(st, "terminating", json_integer(0));
	conds = json_array();
	if (succeeded >= completions) {
		json_array_append_new(conds, job_cond("SuccessCriteriaMet", "CompletionsReached",
						      "Reached expected number of succeeded pods", ts));
		json_array_append_new(conds, job_cond("Complete", "CompletionsReached",
						      "Reached expected number of succeeded pods", ts));
		json_object_set_new(st, "completionTime", json_string(ts));
		json_object_del(st, "active");
		sim_ctl_event(c, job, "Normal", "Completed", "job-controller", "Job completed");
	} else if (failed > backoff) {
		json_array_append_new(conds, job_cond("FailureTarget", "BackoffLimitExceeded",
						      "Job has reached the specified backoff limit", ts));
		json_array_append_new(conds, job_cond("Failed", "BackoffLimitExceeded",
						      "Job has reached the specified backoff limit", ts));
		sim_ctl_event(c, job, "Warning", "BackoffLimitExceeded", "job-controller",
			      "Job has reached the specified backoff limit");
	}
	if (json_array_size(conds))
		json_object_set_new(st, "conditions", conds);
	else
		json_decref(conds);
	sim_ctl_set_status(c, "batch", "jobs", ns, name, st, MGR);
	json_decref(pods);
	if (succeeded >= completions || failed > backoff) {
		json_t *j2 = sim_ctl_get(c, "batch", "jobs", ns, name);
		if (j2)
			ttl(c, j2, ns, name);
		json_decref(j2);
	}
out0:
	json_decref(job);
}
