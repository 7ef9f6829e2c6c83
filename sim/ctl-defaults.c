/* ctl-defaults.c - the apiserver's defaults for workload kinds that the
 * controllers and kubectl rely on (rollout status refuses a StatefulSet or
 * DaemonSet without an update strategy), applied at admission when the
 * client left them out. */
#include "sim/controllers.h"

#include <string.h>

static json_t *obj_at(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

static void dflt(json_t *o, const char *key, json_t *v /* stolen */)
{
	if (!json_object_get(o, key))
		json_object_set_new(o, key, v);
	else
		json_decref(v);
}

int sim_ctl_admit_defaults(struct sim_cluster *cl, enum sim_op op, const struct sim_type *t,
			   json_t *obj, const json_t *old, void *ud, struct kerr *err)
{
	json_t *spec, *st;

	(void)cl;
	(void)old;
	(void)ud;
	(void)err;
	if (op == SIM_OP_DELETE || !json_is_object(obj))
		return 0;
	spec = obj_at(obj, "spec");
	if (!strcmp(t->kind, "Deployment")) {
		st = obj_at(spec, "strategy");
		dflt(st, "type", json_string("RollingUpdate"));
		if (!strcmp(json_string_value(json_object_get(st, "type")) ?: "", "RollingUpdate"))
			dflt(st, "rollingUpdate", json_pack("{s:s,s:s}", "maxUnavailable", "25%", "maxSurge", "25%"));
		dflt(spec, "replicas", json_integer(1));
		dflt(spec, "revisionHistoryLimit", json_integer(10));
		dflt(spec, "progressDeadlineSeconds", json_integer(600));
	} else if (!strcmp(t->kind, "StatefulSet")) {
		st = obj_at(spec, "updateStrategy");
		dflt(st, "type", json_string("RollingUpdate"));
		if (!strcmp(json_string_value(json_object_get(st, "type")) ?: "", "RollingUpdate"))
			dflt(st, "rollingUpdate", json_pack("{s:i}", "partition", 0));
		dflt(spec, "replicas", json_integer(1));
		dflt(spec, "podManagementPolicy", json_string("OrderedReady"));
		dflt(spec, "revisionHistoryLimit", json_integer(10));
		dflt(spec, "persistentVolumeClaimRetentionPolicy",
		     json_pack("{s:s,s:s}", "whenDeleted", "Retain", "whenScaled", "Retain"));
	} else if (!strcmp(t->kind, "DaemonSet")) {
		st = obj_at(spec, "updateStrategy");
		dflt(st, "type", json_string("RollingUpdate"));
		if (!strcmp(json_string_value(json_object_get(st, "type")) ?: "", "RollingUpdate"))
			dflt(st, "rollingUpdate", json_pack("{s:i,s:i}", "maxUnavailable", 1, "maxSurge", 0));
		dflt(spec, "revisionHistoryLimit", json_integer(10));
	} else if (!strcmp(t->kind, "Job")) {
		dflt(spec, "backoffLimit", json_integer(6));
		dflt(spec, "completionMode", json_string("NonIndexed"));
		dflt(spec, "suspend", json_false());
		if (!json_object_get(spec, "parallelism"))
			json_object_set_new(spec, "parallelism", json_integer(1));
		if (!json_object_get(spec, "completions"))
			json_object_set_new(spec, "completions", json_integer(1));
	}
	return 0;
}
