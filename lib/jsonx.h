/* jsonx.h - small helpers over jansson for Kubernetes objects.
 * Getters return borrowed references / pointers into the object; NULL when
 * absent or of the wrong type. Setters create intermediate objects.
 */
#ifndef KURATOR_JSONX_H
#define KURATOR_JSONX_H

#include <jansson.h>
#include <stdint.h>

#include "lib/strbuf.h"

/* Dotted path lookup: jx_get(obj, "metadata.labels") ; a key with dots can
 * be escaped as "metadata.labels.app\\.kubernetes\\.io/name"; a decimal
 * segment indexes an array ("spec.containers.0.image"). An empty path
 * returns obj itself. */
json_t *jx_get(const json_t *obj, const char *path);
const char *jx_str(const json_t *obj, const char *path);          /* NULL if not a string */
const char *jx_str_or(const json_t *obj, const char *path, const char *dflt);
int64_t jx_int(const json_t *obj, const char *path, int64_t dflt);
int jx_bool(const json_t *obj, const char *path, int dflt);
/* Set value at path, stealing the reference to value; creates objects. */
int jx_set_new(json_t *obj, const char *path, json_t *value);
int jx_set_str(json_t *obj, const char *path, const char *s);
int jx_del(json_t *obj, const char *path);

/* Common object fields. */
const char *jx_name(const json_t *obj);
const char *jx_namespace(const json_t *obj);
const char *jx_kind(const json_t *obj);
const char *jx_api_version(const json_t *obj);

/* Serialise compactly or indented like kubectl -o json (4 spaces, keys as
 * stored), with Go's encoding/json conventions: <, > and & escaped as
 * \u003c \u003e \u0026, shortest round-trip floats (1e-7, 0.1, 1e+21).
 * Integral floats of 2^63 and beyond keep an exponent so that jansson can
 * read the output back. No trailing newline. Appends to out. */
void jx_dump_compact(struct strbuf *out, const json_t *v);
void jx_dump_pretty(struct strbuf *out, const json_t *v);

/* Deep equality like json_equal, but also right for keys holding NUL bytes
 * (json_equal looks keys up as C strings). Key order does not matter. */
int jx_equal(const json_t *a, const json_t *b);

/* Deep copy of v with keys sorted recursively (stable output). New ref. */
json_t *jx_sorted_copy(const json_t *v);

/* RFC 3339 "2026-11-25T08:06:25Z" for t (UTC). buf must hold 21 bytes. */
void jx_time_rfc3339(char *buf, size_t size, int64_t t);
/* Parse RFC 3339 (with optional fraction and offset) to unix seconds; -1 on error. */
int64_t jx_parse_rfc3339(const char *s);
/* An age as kubectl prints it ("45s", "3m12s", "5h", "2d3h", "2y10d");
 * "<invalid>" for durations below -1 s. */
void jx_human_duration(char *buf, size_t size, int64_t seconds);

#endif
