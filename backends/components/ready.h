/* ready.h - is an object ready? The rules kurator waits on.
 *
 * Pure functions over a live object (no server calls), so every rule is
 * unit-tested on its own:
 *   Deployment        rollout observed, every replica updated and available
 *                     (like `kubectl rollout status`); ProgressDeadlineExceeded fails
 *   StatefulSet       rollout observed, replicas ready and updated, revisions equal
 *   DaemonSet         rollout observed, every scheduled pod updated and available
 *   Job               Complete=True; Failed=True fails
 *   CustomResourceDefinition  Established=True; NamesAccepted=False fails
 *   Mutating/ValidatingWebhookConfiguration  every service webhook has a
 *                     caBundle (the engine also checks the service has
 *                     ready endpoints: ready_webhook_services)
 *   APIService        Available=True
 *   Prometheus, Alertmanager (monitoring.coreos.com)  Available=True
 *   Pod               Ready=True
 *   PersistentVolumeClaim  Bound
 *   anything else     ready once it exists
 *
 * Owner: backends/components/ready.c.
 */
#ifndef KURATOR_COMPONENTS_READY_H
#define KURATOR_COMPONENTS_READY_H

#include <jansson.h>
#include <stddef.h>

#include "lib/strbuf.h"

enum ready_state { READY_NO = 0, READY_YES, READY_FAILED };

struct ready_res {
	enum ready_state state;
	char msg[384];          /* why not (or "ready"), for progress and errors */
};

/* Does kurator know more than "exists" for this kind? */
int ready_has_rule(const char *api_version, const char *kind);
void ready_eval(const json_t *obj, struct ready_res *res);
/* "Available=False (MinimumReplicasUnavailable: ...); Progressing=True" */
void ready_conditions(const json_t *obj, struct strbuf *out);
/* status.conditions[type].status, or NULL. */
const char *ready_condition(const json_t *obj, const char *type, const char **reason,
			    const char **message);
/* Services the webhooks of a webhook configuration call: a new array of
 * {"namespace","name"} (deduplicated). */
json_t *ready_webhook_services(const json_t *obj);
/* Is a pod Ready? If not, a short why ("ContainerCreating: secret x not found"). */
int ready_pod(const json_t *pod, char *why, size_t size);
/* Ready addresses in an Endpoints object. */
size_t ready_endpoints(const json_t *endpoints);

#endif
