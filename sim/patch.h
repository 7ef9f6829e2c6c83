/* patch.h - kurator-sim's patch engine: the four PATCH content types of the
 * apiserver and field ownership (metadata.managedFields).
 *
 * Owner: sim/patch-merge.c (RFC 7386, RFC 6902), sim/patch-strategic.c
 * (strategic merge), sim/patch-schema.c (which lists of built-in kinds are
 * associative, sets or atomic), sim/fieldset.c (fieldsV1 sets), sim/ssa.c
 * (server-side apply, ownership of plain writes). Used by sim/store.c.
 *
 * These are pure functions over jansson values: no store, no locks, no
 * threads. Every function accepts err == NULL. On failure the target is
 * left in an unspecified (but valid, freeable) state: callers patch a copy.
 *
 * Errors: kind KERR_INVALID (http 0, the store answers 422) for malformed
 * patches and failed JSON-patch tests; KERR_CONFLICT with http 409 and
 * reason "Conflict" for server-side apply conflicts, worded exactly like
 * the apiserver.
 */
#ifndef KURATOR_SIM_PATCH_H
#define KURATOR_SIM_PATCH_H

#include <jansson.h>

#include "lib/err.h"

/* RFC 7386 JSON merge patch, applied to target in place. A patch that is
 * not an object would replace the whole document: refused (a Kubernetes
 * object stays an object). */
int sim_merge_patch(json_t *target, const json_t *patch, struct kerr *err);

/* RFC 6902 JSON patch: add, remove, replace, move, copy, test, with RFC
 * 6901 pointers (~0 ~1, "-" appends). *target may be replaced (path "");
 * the old value is then released. Ops are applied in order; the first
 * failing op stops the patch. */
int sim_json_patch(json_t **target, const json_t *ops, struct kerr *err);

/* Kubernetes strategic merge patch for built-in kinds: lists merge by
 * their merge key (containers by name, ports by containerPort, ...),
 * primitive merge lists (finalizers) union, other lists replace; the
 * directives $patch (replace, delete, merge), $retainKeys,
 * $deleteFromPrimitiveList/<field> and $setElementOrder/<field> are
 * honoured. Kinds outside the built-in groups fall back to JSON merge
 * patch semantics. api_version/kind may be NULL (taken from target). */
int sim_strategic_merge_patch(json_t *target, const json_t *patch, const char *api_version,
			      const char *kind, struct kerr *err);

/* Server-side apply. live NULL: create. applied: the applied configuration
 * (read only). *out: new object (caller owns) with metadata.managedFields
 * updated: manager's Apply entry owns exactly the applied fields; fields
 * it owned before and no longer applies are removed unless another
 * manager owns them; a field owned by another manager with a different
 * value is a conflict (KERR_CONFLICT, http 409) unless force, which takes
 * the field over. status is never touched. When nothing would change,
 * *out is an exact copy of live (same managedFields times), so the caller
 * can keep the resourceVersion. */
int sim_ssa_apply(const json_t *live, const json_t *applied, const char *manager, int force,
		  json_t **out, struct kerr *err);

/* Ownership for non-apply writes (operation Update): manager gains the
 * fields that changed from obj_old (NULL on create) to obj_new, and every
 * other manager loses them. subresource "status" records the entry with
 * subresource status; NULL for the main resource. A write that changes
 * metadata.managedFields itself is taken as given (an empty list resets
 * it), as the apiserver does. Nothing changes when nothing changed. */
void sim_managed_fields_update(json_t *obj_new, const json_t *obj_old, const char *manager,
			       const char *subresource);

#endif
