/* store.h - kurator-sim object storage, one store per simulated cluster.
 *
 * Owner: sim/store.c, sim/store-*.c (the simulator core). Used by the HTTP
 * layer (sim/server.c, sim/api-*.c) and by the controllers (sim/ctl-*.c).
 *
 * Every object of every served resource type lives here as a json_t. The
 * functions below behave exactly like the matching HTTP verbs of a real
 * kube-apiserver: they set uid, creationTimestamp, resourceVersion and
 * generation, keep managedFields (sim/patch.h), honour finalizers and
 * deletionTimestamp, garbage-collect dependents through ownerReferences
 * (Background / Foreground / Orphan) and cascade namespace deletion. A
 * controller calling sim_store_create() produces the same object and the
 * same watch event as kubectl POSTing it.
 *
 * Threads: one recursive mutex per store (libmicrohttpd runs one thread per
 * connection; controllers run their own threads). Every function here takes
 * it; none may be called from inside another store call except from an
 * admission hook (which may call sim_store_get/sim_store_list only).
 *
 * Objects: stored objects are immutable snapshots. A write replaces the
 * snapshot with a new one, so a reference handed out earlier (a watch event,
 * a list item) never changes under its reader. Functions that return a
 * single object (get/create/update/patch/delete *out) return a fresh deep copy
 * the caller owns and may modify; sim_store_list() and watch events hand
 * out shared read-only references (json_incref'd): never modify those,
 * json_deep_copy() first.
 *
 * Errors: -1 with struct kerr filled the way the apiserver words it:
 *   err->http 404, err->reason "NotFound", msg `pods "x" not found`
 *   409 AlreadyExists `pods "x" already exists`
 *   409 Conflict `Operation cannot be fulfilled on pods "x": the object has
 *       been modified; please apply your changes to the latest version and try again`
 *   422 Invalid (sim_status_from_kerr adds details.causes when given)
 *   403 Forbidden (namespace terminating), 410 Expired/Gone (watch, continue)
 * sim_status_from_kerr() (server.h) turns any kerr into a Status object.
 */
#ifndef KURATOR_SIM_STORE_H
#define KURATOR_SIM_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct sim_store;
struct sim_cluster;

/* ---- resource types ------------------------------------------------------ */

/* Static description of a resource type. Built-in kinds are listed in
 * sim/types.c (sim_builtin_types); CRDs become types when established.
 * Strings are comma-separated lists where plural ("po,pods"). */
struct sim_type_def {
	const char *group;        /* "" for the core group */
	const char *version;      /* "v1" */
	const char *kind;         /* "Pod" */
	const char *plural;       /* "pods" (the resource name in URLs) */
	const char *singular;     /* "pod" */
	int namespaced;
	const char *short_names;  /* "po" or NULL */
	const char *categories;   /* "all" or NULL */
	int has_status;           /* a /status subresource (status kept apart) */
	int has_scale;            /* a /scale subresource */
	const char *verbs;        /* NULL = the full set; e.g. "create,get,list" */
};

/* A type as served by one store. Fields are read-only after registration;
 * the pointer stays valid for the store's life (a deleted CRD's type is
 * marked !served, never freed, and revived if the CRD comes back). */
struct sim_type {
	int id;                   /* index in the store's table */
	char *group, *version, *kind, *plural, *singular, *list_kind;
	char *api_version;        /* "v1" or "apps/v1" */
	int namespaced;
	int has_status, has_scale;
	int served;
	json_t *short_names;      /* array of strings */
	json_t *categories;       /* array of strings */
	json_t *verbs;            /* array of strings */
	json_t *printer_columns;  /* CRD additionalPrinterColumns or NULL */
	json_t *schema;           /* CRD openAPIV3Schema of this version or NULL */
	char *crd_name;           /* "queues.scheduling.volcano.sh" for CRD types, else NULL */
	int storage_id;           /* id of the type whose table holds the objects: a CRD's
	                             versions share one table (objects are returned with
	                             the apiVersion asked for); itself for built-ins */
};

/* Register a type (idempotent: same group/version/plural updates it). */
const struct sim_type *sim_store_add_type(struct sim_store *st, const struct sim_type_def *def);

/* Lookups; NULL when not served. version NULL: the preferred version. */
const struct sim_type *sim_store_type(struct sim_store *st, const char *group,
				      const char *version, const char *plural);
const struct sim_type *sim_store_type_by_kind(struct sim_store *st, const char *api_version,
					      const char *kind);
/* Snapshot of all served types (array owned by the caller, free() it;
 * entries are borrowed). */
const struct sim_type **sim_store_types(struct sim_store *st, size_t *n);

/* ---- reading ------------------------------------------------------------- */

/* Copy of one object; ns NULL or "" for cluster-scoped types. */
int sim_store_get(struct sim_store *st, const struct sim_type *t, const char *ns,
		  const char *name, json_t **out, struct kerr *err);

struct sim_list_opts {
	const char *ns;              /* NULL/"" = all namespaces */
	const char *label_selector;  /* kube syntax: a=b,c!=d,e in (f,g),h notin (i),j,!k */
	const char *field_selector;  /* metadata.name=, metadata.namespace=, status.phase=,
	                                spec.nodeName= (pods), with = == != */
	long limit;                  /* 0 = all */
	const char *continue_token;  /* from a previous page */
};

/* Items sorted by namespace then name. *items: new array of shared
 * read-only objects. *rv: the store's resourceVersion at the time of the list.
 * *continue_out: malloc'd token when more items remain, else NULL;
 * *remaining: count of items after this page (when continue_out is set).
 * Bad selectors: 400 BadRequest; expired token: 410 Expired. */
int sim_store_list(struct sim_store *st, const struct sim_type *t,
		   const struct sim_list_opts *opts, json_t **items, uint64_t *rv,
		   char **continue_out, long *remaining, struct kerr *err);

/* Check one object against selectors (used by watch filtering). Returns 1
 * match, 0 no match, -1 bad selector (err set). */
int sim_selector_match(const char *label_selector, const char *field_selector,
		       const json_t *obj, struct kerr *err);

uint64_t sim_store_rv(struct sim_store *st);   /* current resourceVersion */

/* ---- writing ------------------------------------------------------------- */

struct sim_write_opts {
	const char *manager;        /* fieldManager; NULL = derived from user agent,
	                               for controllers give their name */
	const char *subresource;    /* NULL, "status" (only status changes), "scale" */
	int dry_run;                /* validate and compute, store nothing, no events */
	int force;                  /* server-side apply force */
	const char *user;           /* who asks (for messages); may be NULL */
};

/* Create. obj is read (not stolen); metadata.name or generateName required.
 * Fills uid, creationTimestamp, resourceVersion, generation 1, managedFields,
 * namespace (from ns when the object has none; a mismatch is 400). */
int sim_store_create(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const json_t *obj, const struct sim_write_opts *o, json_t **out,
		     struct kerr *err);

/* Replace (PUT). A non-empty metadata.resourceVersion must match (else 409
 * Conflict). Bumps generation when anything outside metadata/status changed.
 * Keeps uid/creationTimestamp. A write that removes the last finalizer of an
 * object with deletionTimestamp completes its deletion (out = final state). */
int sim_store_update(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, const json_t *obj, const struct sim_write_opts *o,
		     json_t **out, struct kerr *err);

enum sim_patch_type {
	SIM_PATCH_MERGE,          /* application/merge-patch+json */
	SIM_PATCH_JSON,           /* application/json-patch+json */
	SIM_PATCH_STRATEGIC,      /* application/strategic-merge-patch+json */
	SIM_PATCH_APPLY,          /* application/apply-patch+yaml (server-side apply) */
};

/* Patch atomically under the store lock (read, patch with sim/patch.h,
 * write). APPLY creates the object when absent (*created = 1; HTTP 201).
 * created may be NULL. */
int sim_store_patch(struct sim_store *st, const struct sim_type *t, const char *ns,
		    const char *name, enum sim_patch_type pt, const json_t *patch,
		    const struct sim_write_opts *o, json_t **out, int *created,
		    struct kerr *err);

/* Read-modify-write for controllers: fn edits a private copy of the live
 * object in place (return 0 to write, 1 to skip the write, -1 error with
 * err set). Runs under the store lock: fn must not call the store. The
 * write follows update semantics (subresource honoured). */
typedef int (*sim_mutate_fn)(json_t *obj, void *ud, struct kerr *err);
int sim_store_mutate(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, sim_mutate_fn fn, void *ud,
		     const struct sim_write_opts *o, json_t **out, struct kerr *err);

enum sim_propagation {
	SIM_PROPAGATE_DEFAULT = 0,  /* Background for most kinds (like the apiserver) */
	SIM_PROPAGATE_BACKGROUND,
	SIM_PROPAGATE_FOREGROUND,
	SIM_PROPAGATE_ORPHAN,
};

struct sim_delete_opts {
	enum sim_propagation propagation;
	long grace_period;          /* -1 = default */
	int dry_run;
	const char *precondition_uid;   /* DeleteOptions.preconditions, may be NULL */
	const char *precondition_rv;
};

/* Delete. An object with finalizers (or Foreground propagation, or a
 * namespace) gets deletionTimestamp and stays until its finalizers are
 * gone; *out is then the updated object and *deleted 0. Otherwise the
 * object is removed, *out is its final state and *deleted 1 (the HTTP layer
 * then answers a Status naming it, as the apiserver does for most kinds).
 * deleted may be NULL. */
int sim_store_delete(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, const struct sim_delete_opts *o, json_t **out,
		     int *deleted, struct kerr *err);

/* deletecollection: delete every object matching the list options. *out is
 * the list of what was deleted (items array). */
int sim_store_delete_collection(struct sim_store *st, const struct sim_type *t,
				const struct sim_list_opts *lo, const struct sim_delete_opts *o,
				json_t **out, struct kerr *err);

/* ---- admission ----------------------------------------------------------- */

enum sim_op { SIM_OP_CREATE, SIM_OP_UPDATE, SIM_OP_DELETE };

/* Called (under the store lock) before every create/update of objects of
 * the given kind (group "" + kind NULL = every kind), after defaults and
 * before validation. It may modify obj (mutating admission: ClusterIPs,
 * defaults, webhooks' side effects) or refuse with -1 and err (e.g. 422 or
 * 403 as the real admission would). old is NULL on create. May call
 * sim_store_get/list on the same store. Register before clusters start. */
typedef int (*sim_admit_fn)(struct sim_cluster *cl, enum sim_op op, const struct sim_type *t,
			    json_t *obj, const json_t *old, void *ud, struct kerr *err);
void sim_store_add_admission(const char *group, const char *kind, sim_admit_fn fn, void *ud);

/* ---- change notification (watch) ---------------------------------------- */

enum sim_event_type { SIM_EV_ADDED, SIM_EV_MODIFIED, SIM_EV_DELETED, SIM_EV_BOOKMARK };

struct sim_event {
	enum sim_event_type type;
	const struct sim_type *t;
	json_t *obj;                /* new state (final state on DELETED); shared, read-only */
	json_t *old;                /* previous state on MODIFIED/DELETED, else NULL; shared */
	uint64_t rv;
};
/* Drop the references an event holds (after sim_watch_next). */
void sim_event_release(struct sim_event *ev);

struct sim_watch;

struct sim_watch_opts {
	const struct sim_type *t;   /* NULL = every type (controllers) */
	const char *ns;             /* NULL = all namespaces */
	const char *label_selector;
	const char *field_selector;
	uint64_t since_rv;          /* 0 = from now; otherwise replay events after it
	                               (410 Gone when it fell out of the history) */
};

/* Open a watch. The history keeps the last SIM_WATCH_HISTORY events per
 * store; a since_rv older than that fails with KERR_GONE, http 410, reason
 * "Expired", message "too old resource version: N (M)". */
#define SIM_WATCH_HISTORY 20000
struct sim_watch *sim_watch_open(struct sim_store *st, const struct sim_watch_opts *o,
				 struct kerr *err);

/* Next matching event. Returns 1 with *ev filled (release it), 0 on timeout
 * (timeout_ms elapsed, or sim_watch_cancel was called, or the store is
 * shutting down: check sim_watch_closed), -1 when the watcher fell behind
 * the history (err: 410 Expired) . An object that stops matching the
 * selectors is reported as DELETED, one that starts matching as ADDED (like
 * the apiserver's filtered watch). */
int sim_watch_next(struct sim_watch *w, int timeout_ms, struct sim_event *ev, struct kerr *err);
int sim_watch_closed(const struct sim_watch *w);
/* resourceVersion up to which this watcher has seen every event (for BOOKMARKs). */
uint64_t sim_watch_rv(struct sim_watch *w);
void sim_watch_cancel(struct sim_watch *w);   /* wakes a blocked sim_watch_next; thread-safe */
void sim_watch_close(struct sim_watch *w);    /* NULL-safe; frees */

/* ---- lifecycle and state ------------------------------------------------- */

struct sim_store *sim_store_new(struct sim_cluster *cl);
void sim_store_free(struct sim_store *st);     /* NULL-safe */
struct sim_cluster *sim_store_cluster(struct sim_store *st);

/* All objects as an array sorted by apiVersion, kind, namespace, name
 * (new reference; items are shared read-only snapshots, or shallow copies
 * without managedFields when strip_managed: do not modify them). Used by
 * the state dump and tests. */
json_t *sim_store_dump(struct sim_store *st, int strip_managed);

/* Persistence (--state-dir): save every object and the resourceVersion to
 * FILE atomically; load restores them (CRD types first). */
int sim_store_save(struct sim_store *st, const char *path, struct kerr *err);
int sim_store_load(struct sim_store *st, const char *path, struct kerr *err);

/* Helpers shared with the HTTP layer. */
json_t *sim_status_new(int code, const char *reason, const char *message,
		       const json_t *details);           /* new Status object */
void sim_now_rfc3339(char buf[32]);                   /* "2026-11-25T08:06:25Z" */

#endif
