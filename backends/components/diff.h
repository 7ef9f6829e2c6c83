/* diff.h - what would change: a field-level diff of two Kubernetes objects.
 *
 * Lines look like
 *   + metadata.labels.kurator\.dev/version: "b"
 *   - spec.template.spec.containers[0].args[3]
 *   ~ spec.replicas: 1 -> 2
 * (keys containing dots are escaped with a backslash, as jsonx paths are).
 * Fields the server owns (metadata.resourceVersion, uid, generation,
 * creationTimestamp, managedFields, status) are ignored.
 *
 * Owner: backends/components/diff.c.
 */
#ifndef KURATOR_COMPONENTS_DIFF_H
#define KURATOR_COMPONENTS_DIFF_H

#include <jansson.h>

enum diff_mode {
	DIFF_FULL,      /* every difference between live and want */
	DIFF_SUBSET,    /* only fields present in want (no removals): used when
	                   the server cannot dry-run an apply */
};

/* Append one string per difference to lines (an array). Returns the count. */
size_t diff_objects(const json_t *live, const json_t *want, enum diff_mode mode, json_t *lines);

#endif
