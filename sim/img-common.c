/* img-common.c - the table of known images (controllers.h) and the log
 * lines of families that have no other side effect. */
#include "sim/controllers.h"

#include <string.h>

static int image_has(const json_t *ctr, const char *what)
{
	const char *img = sim_ctl_str(ctr, "image");

	return img && strstr(img, what) != NULL;
}

static int match_ksm(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "kube-state-metrics");
}

static const char *const ksm_lines[] = {
	"Using default resources",
	"Using all namespaces",
	"Metric allow-denylisting: Excluding the following lists that were on denylist: ",
	"Tested connection with API server successfully",
	"Started metrics server on 0.0.0.0:8080",
	"Started kube-state-metrics self metrics server on 0.0.0.0:8081",
	"Active resources: certificatesigningrequests,configmaps,cronjobs,daemonsets,deployments,endpoints,"
	"jobs,leases,namespaces,nodes,pods,replicasets,secrets,services,statefulsets",
	NULL,
};

static const struct sim_img img_ksm = {
	.family = "kube-state-metrics",
	.match = match_ksm,
	.log_lines = ksm_lines,
};

static int match_node_exporter(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "node-exporter");
}

static const char *const node_exporter_lines[] = {
	"Starting node_exporter version=(1.8.2, branch=HEAD)",
	"Build context build_context=\"(go=go1.22.5, platform=linux/amd64)\"",
	"Enabled collectors",
	"collector=cpu",
	"collector=diskstats",
	"collector=filesystem",
	"collector=meminfo",
	"collector=netdev",
	"Listening on address=[::]:9100",
	"TLS is disabled. http2=false address=[::]:9100",
	NULL,
};

static const struct sim_img img_node_exporter = {
	.family = "node-exporter",
	.match = match_node_exporter,
	.log_lines = node_exporter_lines,
};

static const struct sim_img *const images[] = {
	&sim_img_volcano_admission_init,
	&sim_img_volcano_admission,
	&sim_img_volcano_scheduler,
	&sim_img_volcano_controllers,
	&sim_img_prometheus_operator,
	&img_ksm,
	&img_node_exporter,
};

const struct sim_img *sim_img_lookup(const json_t *pod, const json_t *container)
{
	size_t i;

	for (i = 0; i < sizeof images / sizeof images[0]; i++) {
		if (images[i]->match(pod, container))
			return images[i];
	}
	return NULL;
}
