/* record.h - what kurator installed, kept in the cluster itself.
 *
 * One ConfigMap per component per cluster: kube-system/kurator-component-NAME
 * (labelled like everything kurator creates). It holds the version, the
 * resolved parameters, the state (installing, installed, upgrading,
 * uninstalling) and the objects: those kurator applied and those it found
 * already there and adopted (uninstall leaves adopted objects in place and
 * only removes kurator's labels from them). It is written before anything
 * is applied, so an install killed at any point is resumed by the next one,
 * and only when its content changes, so a second identical install leaves
 * the cluster untouched.
 *
 * Owner: backends/components/record.c. Strings are owned by the record.
 */
#ifndef KURATOR_COMPONENTS_RECORD_H
#define KURATOR_COMPONENTS_RECORD_H

#include <jansson.h>

#include "backends/kube/client.h"
#include "lib/err.h"

#define RECORD_NAMESPACE "kube-system"
/* The state left by an uninstall that kept CRDs: objects lists them. */
#define RECORD_REMOVED "removed"

struct comp_record {
	char *component;
	char *version;
	char *state;            /* installing, installed, upgrading, uninstalling,
	                           removed (only kept CRDs are left) */
	char *installed_at;     /* RFC 3339, set once */
	json_t *params;         /* object: every parameter as resolved */
	json_t *set;            /* object: the ones a user set (--set), kept across
	                           upgrades; the rest follow the recipe's defaults */
	json_t *objects;        /* array of {apiVersion, kind, namespace, name} */
	json_t *adopted;        /* same shape */
};

struct comp_record *record_new(const char *component);
void record_free(struct comp_record *rec);          /* NULL-safe */

/* "kurator-component-NAME" into buf. */
const char *record_name(const char *component, char *buf, size_t size);
/* ConfigMap object for rec (new reference). */
json_t *record_to_configmap(const struct comp_record *rec);
/* Parse a ConfigMap (KERR_INVALID when it is not a kurator record). */
int record_from_configmap(const json_t *cm, struct comp_record **out, struct kerr *err);
/* Same content (ignores nothing: state, version, params, objects, adopted)? */
int record_equal(const struct comp_record *a, const struct comp_record *b);

/* {apiVersion, kind, namespace, name} of an object (new reference). */
json_t *record_ref(const json_t *obj);
/* Is this ref (or object) in the list? */
int record_has(const json_t *list, const json_t *obj);

/* Read from the cluster: *out NULL (and 0) when there is no record. */
int record_read(struct kube_client *kc, const char *component, struct comp_record **out,
		struct kerr *err);
/* Write (server-side apply, fieldManager kurator) unless the cluster
 * already holds exactly this content. */
int record_write(struct kube_client *kc, const struct comp_record *rec,
		 const struct comp_record *current, struct kerr *err);
int record_delete(struct kube_client *kc, const char *component, struct kerr *err);

#endif
