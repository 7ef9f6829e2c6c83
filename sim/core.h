/* core.h - internals shared by the simulator core's files (not a contract
 * for controllers; they use store.h and server.h).
 *
 * Owner: the simulator core (sim/store.c, sim/selector.c, sim/types.c,
 * sim/crd.c, sim/certs.c, sim/server.c, sim/api-*.c, sim/table.c, sim/main.c).
 */
#ifndef KURATOR_SIM_CORE_H
#define KURATOR_SIM_CORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/strbuf.h"
#include "sim/server.h"
#include "sim/store.h"

/* types.c: the built-in kinds every cluster serves. */
extern const struct sim_type_def sim_builtin_types[];
extern const size_t sim_builtin_types_count;

/* Split "a,b,c" into a new JSON array of strings ("" or NULL: empty). */
json_t *sim_csv_array(const char *csv);

/* crd.c: CRDs become types. Called by the store under its lock. */
int sim_crd_admit(struct sim_store *st, json_t *crd, struct kerr *err);
void sim_crd_sync(struct sim_store *st, const json_t *crd, int deleted);

/* store.c internals used by crd.c */
void sim_store_lock(struct sim_store *st);
void sim_store_unlock(struct sim_store *st);
/* Delete every object of the type (CRD removed); lock held. */
void sim_store_drop_type_objects(struct sim_store *st, const struct sim_type *t);
void sim_store_set_served(struct sim_store *st, const struct sim_type *t, int served);
/* Make a version-specific copy ready to hand out (apiVersion of t). */
json_t *sim_obj_for_type(json_t *shared, const struct sim_type *t);
/* Default namespaces of a fresh cluster. */
void sim_store_bootstrap(struct sim_store *st);
/* sim_store_list with the items appended to out as serialized JSON
 * separated by commas (no brackets); *count items. */
int sim_store_list_raw(struct sim_store *st, const struct sim_type *t,
		       const struct sim_list_opts *opts, struct strbuf *out, size_t *count,
		       uint64_t *rv, char **continue_out, long *remaining, struct kerr *err);
/* Patch a plain document (not a stored object: e.g. a Scale) in place. */
int sim_patch_doc(enum sim_patch_type pt, json_t **doc, const json_t *patch, const char *api_version,
		  const char *kind, struct kerr *err);
/* Start the janitor (namespace termination, periodic save to save_path). */
int sim_store_start(struct sim_store *st, const char *save_path);
/* Keep v (stolen) alive until the store is freed: values that readers use
 * without a reference (a type's printer columns) are retired, not freed. */
void sim_store_retire(struct sim_store *st, json_t *v);
void sim_store_retire_str(struct sim_store *st, char *s);       /* stolen */
/* Signal watchers and janitor to stop. */
void sim_store_shutdown(struct sim_store *st);

/* selector.c */
struct sim_selector;
/* *out NULL when both are empty (matches everything). */
int sim_selector_parse(const char *labels, const char *fields, struct sim_selector **out,
		       struct kerr *err);
int sim_selector_matches(const struct sim_selector *s, const json_t *obj);
void sim_selector_free(struct sim_selector *s);
/* The namespace an "metadata.namespace=X" field selector pins, or NULL. */
const char *sim_selector_namespace(const struct sim_selector *s);

/* certs.c: OpenSSL certificate material. All outputs malloc'd PEM. */
int sim_certs_make_ca(const char *cn, char **cert_pem, char **key_pem, struct kerr *err);
int sim_certs_make_leaf(const char *ca_cert_pem, const char *ca_key_pem, const char *cn,
			const char *org, const char *san_ip, int server,
			char **cert_pem, char **key_pem, struct kerr *err);

/* random helpers */
void sim_random_hex(char *buf, size_t nbytes);   /* writes 2*nbytes hex + NUL */
void sim_uuid(char buf[37]);

/* table.c: Table output. */
json_t *sim_table_columns(const struct sim_type *t, json_t *printer_columns);
json_t *sim_table_row(const struct sim_type *t, json_t *printer_columns, const json_t *obj,
		      int include_object);

/* api-discovery.c */
int sim_api_discovery(struct sim_req *req, struct sim_resp *resp, struct kerr *err);
int sim_api_openapi(struct sim_req *req, struct sim_resp *resp, struct kerr *err);
/* Code-served groups registered by sim_server_add_group. */
struct sim_code_group {
	char *group, *version;
	struct sim_code_resource *res;
	size_t nres;
	struct sim_type *types;      /* descriptions handed to handlers */
	sim_handler_fn fn;
};
size_t sim_server_code_groups(struct sim_code_group **out);
struct sim_subres {
	char *group, *plural, *sub, *kind, *verbs;
	sim_handler_fn fn;
};
size_t sim_server_subresources(struct sim_subres **out);
const char *sim_server_version(void);   /* "v1.30.0" */
const struct sim_config *sim_server_config(void);

/* proto.c: a Kubernetes protobuf body (k8s\0 + runtime.Unknown) as JSON,
 * for the kinds kubectl's typed clients create; 415 for others. */
int sim_proto_decode(const void *data, size_t len, json_t **out, struct kerr *err);

/* auth.c: service-account token check (0 and *id filled when valid), and the
 * review APIs and serviceaccounts/token registration (called by main). */
int sim_auth_verify_sa_token(struct sim_cluster *cl, const char *token, struct sim_identity *id);
void sim_auth_register(void);

/* api-resource.c: resource verbs. */
int sim_api_resource(struct sim_req *req, struct sim_resp *resp, struct kerr *err);
/* Wants a Table (Accept has as=Table). */
int sim_req_wants_table(const struct sim_req *req);
/* The scale subresource of types with has_scale (spec.replicas). */
int sim_api_scale(struct sim_req *req, struct sim_resp *resp, struct kerr *err);

/* server.c */
int sim_server_start_cluster(struct sim_cluster *cl, struct kerr *err);
void sim_server_stop_cluster(struct sim_cluster *cl);
void sim_server_begin_stop(void);
int sim_server_run_start_hooks(struct sim_cluster *cl, struct kerr *err);
void sim_server_run_stop_hooks(struct sim_cluster *cl);
void sim_server_set_config(const struct sim_config *cfg);
int sim_server_register_cluster(struct sim_cluster *cl);   /* -1: too many */
size_t sim_server_extra_types(const struct sim_type_def **out);

/* main.c / state.c */
json_t *sim_state_dump_all(int strip_managed);

#endif
