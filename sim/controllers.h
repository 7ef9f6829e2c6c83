/* controllers.h - kurator-sim's controllers: what kube-controller-manager,
 * kube-scheduler, the kubelets and a few well-known images would do to the
 * objects of a simulated cluster.
 *
 * Owner: sim/ctl-*.c (controllers), sim/img-*.c (side effects of known
 * images), sim/podlog.c (pods/log), sim/metrics.c (metrics.k8s.io and
 * /metrics). Entry point: sim_ctl_register_all() (declared in server.h),
 * called once by main.c before any cluster starts; it registers cluster
 * start/stop hooks, admission (Service IPs and ports), the pods/log
 * subresource, metrics.k8s.io and /metrics.
 *
 * Threads: one controller thread per cluster. It watches every type of the
 * cluster's store and reconciles objects level-triggered from a work queue
 * of keys with due times (the delays: pods become Ready ready_delay_ms after
 * they were scheduled). Everything in struct sim_ctl except the service
 * allocators (under mu, used by admission in request threads) belongs to
 * that thread. Reconcilers write through the store like any client, with
 * managers named after the real components (kube-controller-manager,
 * kube-scheduler, kubelet).
 */
#ifndef KURATOR_SIM_CONTROLLERS_H
#define KURATOR_SIM_CONTROLLERS_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "lib/err.h"
#include "sim/server.h"
#include "sim/store.h"

/* Work queue key kinds. */
enum sim_ctl_kind {
	CTL_DEPLOYMENT = 'D',
	CTL_REPLICASET = 'R',
	CTL_STATEFULSET = 'S',
	CTL_DAEMONSET = 'A',
	CTL_JOB = 'J',
	CTL_POD = 'P',
	CTL_SERVICE = 'V',       /* endpoints of one service */
	CTL_NS_SERVICES = 'E',   /* endpoints of every service of a namespace (name "") */
	CTL_NS_PODS = 'M',       /* pods of a namespace waiting for volumes (name "") */
	CTL_NAMESPACE = 'N',     /* default ServiceAccount and kube-root-ca.crt */
	CTL_TOKEN = 'T',         /* a service-account token Secret */
	CTL_ALL_DAEMONSETS = 'X',/* nodes changed (ns and name "") */
};

struct sim_ctl {
	struct sim_cluster *cl;
	struct sim_store *st;
	pthread_t thread;
	int running;
	volatile int stop;
	struct sim_watch *watch;
	json_t *queue;              /* key -> due time (ms, monotonic) */
	json_t *started;            /* pod uid -> ms when its containers started being created */
	json_t *hooks_done;         /* pod uid -> {what: value}: image side effects done,
	                               events recorded (dropped with the pod) */
	unsigned pod_ip_seq;
	unsigned sched_seq;         /* round-robin over fitting nodes */
	/* Service allocators (admission runs in request threads). */
	pthread_mutex_t mu;
	json_t *cluster_ips;        /* ip -> true */
	json_t *node_ports;         /* "port" -> true */
	unsigned ip_seq;
	unsigned port_seq;
};

/* ---- configuration ------------------------------------------------------- */

long sim_ctl_ready_delay_ms(void);
const struct sim_config *sim_ctl_config(void);

/* ---- queue --------------------------------------------------------------- */

void sim_ctl_enqueue(struct sim_ctl *c, enum sim_ctl_kind kind, const char *ns, const char *name,
		     long delay_ms);
int64_t sim_ctl_now_ms(void);   /* monotonic */

/* ---- store helpers (all NULL/-1 safe; objects are caller-owned copies) ---- */

const struct sim_type *sim_ctl_type(struct sim_ctl *c, const char *group, const char *plural);
/* Copy of an object, NULL when absent (or the type is not served). */
json_t *sim_ctl_get(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		    const char *name);
/* New array of shared read-only objects (never modify them). */
json_t *sim_ctl_list(struct sim_ctl *c, const char *group, const char *plural, const char *ns);
/* Create (obj read, not stolen); 0 or -1 (AlreadyExists is -1 too). */
int sim_ctl_create(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const json_t *obj, const char *manager);
int sim_ctl_delete(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const char *name);
/* Replace status with the given one (stolen) when it differs. */
int sim_ctl_set_status(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		       const char *name, json_t *status, const char *manager);
/* Read-modify-write of the main resource. */
int sim_ctl_mutate(struct sim_ctl *c, const char *group, const char *plural, const char *ns,
		   const char *name, sim_mutate_fn fn, void *ud, const char *manager);

/* ---- object helpers ------------------------------------------------------ */

const char *sim_ctl_str(const json_t *obj, const char *path);   /* dotted path, NULL */
long sim_ctl_int(const json_t *obj, const char *path, long dflt);
/* 1 when obj has an ownerReference with this uid. */
int sim_ctl_owned_by(const json_t *obj, const char *uid);
/* The controller ownerReference of obj (borrowed) or NULL. */
const json_t *sim_ctl_controller_ref(const json_t *obj);
/* A controller ownerReference to owner (new reference). */
json_t *sim_ctl_owner_ref(const json_t *owner, const char *api_version, const char *kind);
/* 5 characters as the apiserver's generateName uses. */
void sim_ctl_suffix(char out[6]);
/* Short stable hash of a JSON value (pod-template-hash style, <= 10 chars). */
void sim_ctl_hash(const json_t *v, char out[16]);
/* 1 when labels match a LabelSelector object (matchLabels/matchExpressions)
 * or, when plain, a map selector (Service). NULL/empty selector: match_empty. */
int sim_ctl_selector_matches(const json_t *selector, const json_t *labels, int match_empty);
/* 1 when the pod is Ready / has terminated / is being deleted. */
int sim_ctl_pod_ready(const json_t *pod);
int sim_ctl_pod_finished(const json_t *pod);
int sim_ctl_terminating(const json_t *obj);
/* 1 when the pod may run on node (nodeSelector, required node affinity,
 * taints against tolerations). */
int sim_ctl_pod_fits(const json_t *pod, const json_t *node);
/* Record an Event about obj (type "Normal" or "Warning"). */
void sim_ctl_event(struct sim_ctl *c, const json_t *obj, const char *type, const char *reason,
		   const char *component, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A pod for a workload: template copied, labels/ownerReference set. New
 * reference; name NULL uses generateName "<prefix>-". */
json_t *sim_ctl_pod_from_template(const json_t *owner, const char *owner_api_version,
				  const char *owner_kind, const json_t *tmpl, const char *name,
				  const char *generate_prefix);
void sim_ctl_rfc3339(char buf[32]);
/* Standard base64 of n bytes (malloc'd) and back (malloc'd, NUL-added, *n
 * set; NULL on bad input). */
char *sim_ctl_b64(const void *data, size_t n);
char *sim_ctl_unb64(const char *s, size_t *n);

/* ---- reconcilers (ctl-*.c) --------------------------------------------- */

void sim_ctl_deployment(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_replicaset(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_statefulset(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_daemonset(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_job(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_pod(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_ns_pods(struct sim_ctl *c, const char *ns);
void sim_ctl_service(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_ns_services(struct sim_ctl *c, const char *ns);
void sim_ctl_namespace(struct sim_ctl *c, const char *name);
void sim_ctl_token(struct sim_ctl *c, const char *ns, const char *name);
void sim_ctl_all_daemonsets(struct sim_ctl *c);

/* Start-up work of a cluster (ctl-node.c): nodes, the kubernetes Service. */
void sim_ctl_bootstrap(struct sim_ctl *c);
/* Node names in order (new array of strings) and a node's index (-1). */
json_t *sim_ctl_node_names(struct sim_ctl *c);

/* ctl-svc.c: admission of Services (ClusterIP, NodePort, defaults). */
int sim_ctl_admit_service(struct sim_cluster *cl, enum sim_op op, const struct sim_type *t,
			  json_t *obj, const json_t *old, void *ud, struct kerr *err);
void sim_ctl_svc_init(struct sim_ctl *c);
/* ctl-defaults.c: the apiserver's defaults of workload kinds. */
int sim_ctl_admit_defaults(struct sim_cluster *cl, enum sim_op op, const struct sim_type *t,
			   json_t *obj, const json_t *old, void *ud, struct kerr *err);
/* A deleted Service gives its ClusterIP and NodePorts back. */
void sim_ctl_service_deleted(struct sim_ctl *c, const json_t *svc);

/* ---- images (img-*.c) ------------------------------------------------------ */

/* Side effects of a known image. running: when a pod with a matching
 * container is Running; returns 0 when done (not called again for that
 * pod), 1 to be called again a second later (what it needs is not there
 * yet). complete: for pods that run to completion (Jobs), before the pod
 * is marked Succeeded; 0 ok, 1 not yet, -1 the pod fails. Either may be
 * NULL. */
struct sim_img {
	const char *family;
	int (*match)(const json_t *pod, const json_t *container);
	int (*running)(struct sim_ctl *c, const json_t *pod, const json_t *container);
	int (*complete)(struct sim_ctl *c, const json_t *pod, const json_t *container);
	/* Log lines of this family (podlog.c): printf format taking one
	 * string (the component name); NULL for the generic lines. */
	const char *const *log_lines;
};
extern const struct sim_img sim_img_volcano_admission_init;
extern const struct sim_img sim_img_volcano_admission;
extern const struct sim_img sim_img_volcano_scheduler;
extern const struct sim_img sim_img_volcano_controllers;
extern const struct sim_img sim_img_prometheus_operator;
/* The image entry for a container, NULL for unknown images. */
const struct sim_img *sim_img_lookup(const json_t *pod, const json_t *container);

/* ---- podlog.c, metrics.c -------------------------------------------------- */

void sim_podlog_register(void);
void sim_metrics_register(void);

#endif
