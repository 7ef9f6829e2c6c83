/* volcano.c - Volcano, the batch scheduler.
 *
 * Everything Volcano needs is data (backends/recipes/data/volcano-*.yaml):
 * its installer creates its own certificate (the admission-init Job writes
 * volcano-admission-secret, the admission server patches caBundle into the
 * webhook configurations), so the generic engine does the whole job.
 */
#include "backends/components/engine.h"

const struct component_ops component_volcano = {
	.name = "volcano",
	.summary = "Volcano batch scheduler: scheduler, controllers, admission webhooks, queues",
	.detect = engine_detect,
	.plan = engine_plan,
	.install = engine_install,
	.upgrade = engine_upgrade,
	.uninstall = engine_uninstall,
	.status = engine_status,
};
