/* yamljson.h - YAML <-> JSON (jansson) with Kubernetes' scalar rules.
 *
 * Loading follows sigs.k8s.io/yaml (YAML 1.1 via go-yaml v2, then JSON):
 * plain scalars true/false/yes/no/on/off (any case form go-yaml accepts)
 * become booleans, ~ / null / empty become null, ints (decimal, 0x, 0o,
 * legacy 0755 octal, underscores), floats (1e3, .5, .inf, .nan) become
 * numbers; quoted and block scalars always stay strings; anchors, aliases
 * and merge keys (<<) are resolved; a bare "=" stays the string "=".
 * Mapping keys are always strings, made as sigs.k8s.io/yaml makes them
 * (yes: -> "true", 0x10: -> "16"); a null key is an error. Empty and null
 * documents are skipped, as kubectl skips them. .inf/.nan values are an
 * error (JSON cannot hold them). Integral floats (1e3) become integers,
 * as Go's JSON encoder writes them; integers beyond int64 become reals.
 * Merge keys apply where they stand (go-yaml v2): a key written after
 * "<<" wins over the merged one, a key written before it loses. Aliases
 * are copies, limited by go-yaml's "excessive aliasing" ratio; nesting is
 * limited to 1000 levels. JSON text loads too (with a JSON fallback for
 * what libyaml refuses, such as surrogate-pair escapes).
 *
 * Ownership: *docs_out is a new JSON array reference the caller decrefs.
 * Errors carry "NAME:LINE:COL: problem" (1-based), kind KERR_INVALID.
 */
#ifndef KURATOR_YAMLJSON_H
#define KURATOR_YAMLJSON_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

/* Parse a YAML (or JSON) stream into an array of documents. */
int yj_load_stream(const char *data, size_t len, const char *name,
		   json_t **docs_out, struct kerr *err);

/* Same, reading a file ("-" means stdin). */
int yj_load_file(const char *path, json_t **docs_out, struct kerr *err);

/* Parse exactly one document (error if the stream holds more than one);
 * a stream without documents gives JSON null. */
int yj_load_one(const char *data, size_t len, const char *name,
		json_t **doc_out, struct kerr *err);

/* Emit one JSON value as a YAML block document the way kubectl -o yaml
 * does: keys in the order given (callers sort with JSON_SORT_KEYS-style
 * helpers if they want), 2-space indent, sequences of mappings written
 * "- key: v", strings quoted only when needed to stay strings (e.g.
 * "true", "0755", "1e3", "", ": "), multi-line strings as "|" blocks.
 * Appends to out. */
void yj_dump(struct strbuf *out, const json_t *value);

/* Several documents separated by "---\n". */
void yj_dump_stream(struct strbuf *out, const json_t *docs_array);

#endif
