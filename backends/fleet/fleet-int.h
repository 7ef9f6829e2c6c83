/* fleet-int.h - private to backends/fleet: the fleet and its jobs. */
#ifndef KURATOR_FLEET_FLEET_INT_H
#define KURATOR_FLEET_FLEET_INT_H

#include "backends/fleet/fleet.h"
#include "backends/kube/client.h"

enum fleet_job_type { FJOB_WATCH, FJOB_PROBE, FJOB_METRICS };

struct fleet_jobref {
	struct job *job;
	unsigned long id;
	size_t cluster;          /* index into clusters */
	enum fleet_job_type type;
	int kind;                /* FJOB_WATCH */
	int finished;
};

struct fleet {
	struct evq *q;
	char *kubeconfig;
	struct fleet_cluster **clusters;
	struct kube_client **clients;   /* per cluster, NULL when unusable */
	size_t nclusters;
	struct fmap by_name;
	struct fleet_component_sig *sigs;  /* owned strings */
	size_t nsigs;
	struct fleet_jobref *jobs;
	size_t njobs, capjobs;
	unsigned long *retired;  /* ids of stopped jobs */
	size_t nretired;
	int started;
	unsigned gen;
	unsigned mgen;           /* metrics samples only: no tree rebuild */
};

void fleet_jobs_stop(struct fleet *f);
struct fleet_jobref *fleet_job_lookup(struct fleet *f, unsigned long id);
int fleet_job_retired(const struct fleet *f, unsigned long id);
void fleet_job_finished(struct fleet *f, unsigned long id);

#endif
