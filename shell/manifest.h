/* manifest.h - reading manifests for apply/delete -f: files, directories
 * (*.yaml, *.yml, *.json in name order; -R descends), "-" for stdin;
 * multi-document YAML; List kinds unpacked; empty documents skipped.
 *
 * Ownership: *objs_out is a new JSON array; caller decrefs.
 * Owner: shell/manifest.c.
 */
#ifndef KURATOR_SHELL_MANIFEST_H
#define KURATOR_SHELL_MANIFEST_H

#include <jansson.h>

#include "lib/err.h"

int manifest_load(const char *const *paths, int recursive, json_t **objs_out, struct kerr *err);

/* Apply order: 0 = Namespaces and CRDs (first), 1 = everything else. */
int manifest_phase(const json_t *obj);
int manifest_is_crd(const json_t *obj);

#endif
