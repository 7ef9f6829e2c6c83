/* fleet.h - the fleet model: clusters -> nodes, namespaces, workloads, pods,
 * components, edge nodes; kept live by watch jobs.
 *
 * The one owner of fleet state. Everything here runs on the main thread:
 * jobs (lib/evq.h) list+watch each kind (kube_watch) and probe each cluster
 * (/version, metrics.k8s.io), and post events; the main thread hands every
 * event to fleet_handle_event(), which updates the model in O(1) per object
 * (one hash map per cluster per kind) and bumps a generation counter. Views
 * compare generations once per frame, so a burst of events costs one
 * redraw (updates are coalesced per frame by construction).
 *
 * Watches are started lazily (fleet_want) and shared: one per cluster per
 * kind, whoever asks. The model keeps a small summary per object, not the
 * object itself, so 20 clusters x 5k pods stay well under 150 MB.
 * A cluster that stops answering is marked unreachable (with the reason)
 * and recovers by itself: the probe keeps trying and the watches resume.
 *
 * Ownership: struct fleet and everything reachable from it belong to the
 * fleet; pointers returned by getters stay valid until the next
 * fleet_handle_event / fleet_reload / fleet_free.
 */
#ifndef KURATOR_FLEET_FLEET_H
#define KURATOR_FLEET_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "backends/fleet/fmap.h"
#include "lib/err.h"
#include "lib/evq.h"

enum fleet_kind {
	FLEET_NODES,
	FLEET_NAMESPACES,
	FLEET_DEPLOYMENTS,
	FLEET_STATEFULSETS,
	FLEET_DAEMONSETS,
	FLEET_PODS,
	FLEET__KINDS
};

enum fleet_health { FLEET_UNKNOWN, FLEET_OK, FLEET_WARN, FLEET_ERR };

enum {
	FLEET_OBJ_EDGE = 1 << 0,          /* node-role.kubernetes.io/edge */
	FLEET_OBJ_CONTROL_PLANE = 1 << 1, /* node-role.kubernetes.io/control-plane */
};

/* Summary of one object. */
struct fleet_obj {
	char *key;               /* storage for ns and name (one allocation) */
	const char *ns;          /* "" when cluster-scoped */
	const char *name;
	enum fleet_kind kind;
	enum fleet_health health;
	char status[48];         /* "Running", "2/3", "Ready", "Active" */
	char *node;              /* pods: spec.nodeName */
	char *owner;             /* pods: owning workload "Deployment/web" */
	char *version;           /* nodes: kubelet version; workloads: app.kubernetes.io/version */
	unsigned flags;          /* FLEET_OBJ_* */
	long ready, want;        /* workloads: replicas; pods: containers */
	int64_t created;         /* unix seconds */
	long cpu_milli;          /* from metrics.k8s.io, -1 unknown */
	long mem_kib;
	long cap_cpu_milli;      /* nodes: status.allocatable, -1 unknown */
	long cap_mem_kib;
	char *container;         /* pods: first container name (for logs) */
};

/* A component detected on a cluster (see fleet_set_components). */
struct fleet_component {
	char *name;
	char *ns;
	char *version;           /* from workload labels, may be NULL */
	enum fleet_health health;
	int ready, total;        /* workloads ready / present */
	char status[48];         /* "ready", "2/3 ready", "installing" */
};

#define FLEET_SAMPLES 120
struct fleet_series {
	double v[FLEET_SAMPLES];
	size_t n, head;
};
void fleet_series_push(struct fleet_series *s, double v);
/* Copy the samples oldest first into out (FLEET_SAMPLES long); returns n. */
size_t fleet_series_get(const struct fleet_series *s, double *out);
double fleet_series_last(const struct fleet_series *s);

struct fleet_cluster {
	char *name;              /* context name */
	int reachable;           /* -1 not yet known, 0 no, 1 yes */
	char *version;           /* server gitVersion */
	char err[512];           /* why unreachable */
	struct fmap objs[FLEET__KINDS];
	int synced[FLEET__KINDS];        /* a full list has arrived */
	int watching[FLEET__KINDS];
	struct fleet_component *comps;
	size_t ncomps;
	/* Metrics, sampled by the metrics job: cluster totals. */
	struct fleet_series cpu, mem, pods;
	double cpu_capacity_milli, mem_capacity_kib;
	int metrics_ok;          /* metrics.k8s.io answered */
	unsigned gen;            /* bumped on any change in this cluster */
	int edge_nodes;          /* count of FLEET_OBJ_EDGE nodes */
	int nodes_ready;
	/* private: sorted views (fleet_sorted), rebuilt when stale */
	struct fleet_obj **sorted_[FLEET__KINDS];
	size_t nsorted_[FLEET__KINDS];
	int sorted_ok_[FLEET__KINDS];
	int comps_stale, nodes_stale;
};

/* A component kurator knows: its name and namespace (from the recipes). */
struct fleet_component_sig {
	const char *name;
	const char *ns;
};

struct fleet;
struct kube_client;

/* Load the kubeconfig (path NULL: kubectl's rules) and make one cluster per
 * context. Nothing touches the network until fleet_start. */
int fleet_new(struct evq *q, const char *kubeconfig_path, struct fleet **out,
	      struct kerr *err);
/* Stop every job of the fleet (cancel + join) and free it. NULL-safe. */
void fleet_free(struct fleet *f);
/* Replace the clusters with the contexts of another kubeconfig (after
 * `demo`, `use`): stops old jobs, keeps nothing. Starts if started. */
int fleet_reload(struct fleet *f, const char *kubeconfig_path, struct kerr *err);

/* Start the probe and metrics jobs and the watches every view needs
 * (nodes, namespaces, workloads). Pods are watched on demand. */
void fleet_start(struct fleet *f);
/* Make sure a watch runs for this cluster and kind (lazily started,
 * shared). cluster NULL: every cluster. */
void fleet_want(struct fleet *f, const char *cluster, enum fleet_kind kind);

/* The fleet's own jobs still running (watches, probes): the status line
 * counts only the user's jobs. */
size_t fleet_job_count(const struct fleet *f);

/* Components to detect: copied. */
void fleet_set_components(struct fleet *f, const struct fleet_component_sig *sigs, size_t n);

/* Hand an event from the queue to the model. Returns 1 when the event was
 * the fleet's (consumed: the caller frees it as usual), 0 otherwise. */
int fleet_handle_event(struct fleet *f, const struct event *ev);
/* Bumped on every change of objects or reachability anywhere. */
unsigned fleet_generation(const struct fleet *f);
/* Bumped when metrics samples arrive (the sparklines, node usage). */
unsigned fleet_metrics_generation(const struct fleet *f);
/* Once per frame, before drawing: recompute what depends on many objects
 * (component health, node counts) for clusters that changed. */
void fleet_refresh(struct fleet *f);
/* Once a second: sample pod counts into the series. */
void fleet_tick(struct fleet *f);

size_t fleet_cluster_count(const struct fleet *f);
struct fleet_cluster *fleet_cluster_at(const struct fleet *f, size_t i);
struct fleet_cluster *fleet_cluster_find(const struct fleet *f, const char *name);
const char *fleet_kubeconfig_path(const struct fleet *f);    /* may be NULL */
/* The cluster's client (borrowed: valid until fleet_reload/fleet_free;
 * jobs that outlive the caller copy its connection with kube_client_conn
 * and make their own). NULL when the context could not be resolved. */
struct kube_client *fleet_client(const struct fleet *f, const char *cluster);

/* Objects of a kind sorted by key (namespace, then name): an array owned
 * by the cluster, rebuilt only when that kind changed. */
struct fleet_obj *const *fleet_sorted(struct fleet_cluster *c, enum fleet_kind kind,
				      size_t *n);
struct fleet_obj *fleet_obj_find(const struct fleet_cluster *c, enum fleet_kind kind,
				 const char *ns, const char *name);
/* Pods owned by a workload ("Deployment", "web" in ns), sorted; caller
 * frees the array (not the objects). */
struct fleet_obj **fleet_pods_of(struct fleet_cluster *c, const char *ns,
				 const char *owner_kind, const char *owner_name, size_t *n);

/* "pods", "deployments.apps" ... and "Pod", "Deployment" ... */
const char *fleet_kind_resource(enum fleet_kind kind);
const char *fleet_kind_name(enum fleet_kind kind);

/* Kubernetes quantities: CPU in millicores ("250m", "2", "1500000n"),
 * memory in KiB ("512Mi", "1G", "1048576"); -1 when unparsable. */
long fleet_cpu_milli(const char *q);
long fleet_mem_kib(const char *q);

/* Pure: the summary of one object (exposed for tests). Returns NULL when
 * obj lacks a name. */
struct fleet_obj *fleet_obj_from_json(enum fleet_kind kind, const json_t *obj);
void fleet_obj_free(struct fleet_obj *o);

#endif
