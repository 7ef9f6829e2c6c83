/* output.h - how commands print: kubectl-like aligned tables, -o json
 * (kubectl's bytes: 4-space indent, Go's escaping), -o yaml (yj_dump),
 * -o name, and the server's Table objects.
 *
 * Everything is appended to a strbuf the command then writes with
 * session_write (one write per listing: fast, and the TUI gets whole
 * lines). Ownership: struct out_table is the caller's; out_table_free.
 *
 * Owner: shell/output.c.
 */
#ifndef KURATOR_SHELL_OUTPUT_H
#define KURATOR_SHELL_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/strbuf.h"

enum out_format { OUT_DEFAULT, OUT_WIDE, OUT_JSON, OUT_YAML, OUT_NAME };

/* "-o" value -> format; NULL/"" = default. Unknown: KERR_USAGE. */
int out_parse_format(const char *s, enum out_format *out, struct kerr *err);
/* The choices for -o (json, yaml, name, wide), NULL-terminated. */
extern const char *const out_format_choices[];

struct out_table;
struct out_table *out_table_new(size_t ncols, const char *const *headers);
void out_table_free(struct out_table *t);           /* NULL-safe */
/* Add a row of ncols cells (NULL cell = "<none>"). */
void out_table_add(struct out_table *t, const char *const *cells);
size_t out_table_rows(const struct out_table *t);
/* Columns padded to the widest cell plus 3 spaces (kubectl's tabwriter);
 * the last column is not padded. no_headers drops the header line. */
void out_table_render(const struct out_table *t, struct strbuf *out, int no_headers);

/* A meta.k8s.io/v1 Table as kubectl prints it: columns with priority 0
 * (all with wide), upper-cased names, cells as text ("<none>" for null).
 * prefix_name/prefix_value (may be NULL) add a first column (NAMESPACE or
 * CLUSTER) whose per-row value comes from prefix_cb(row, arg). */
struct out_table *out_table_from_server(const json_t *table, int wide, size_t nprefix,
					const char *const *prefix_names);
/* A row of a server Table with prefix values. */
void out_table_add_server_row(struct out_table *t, const json_t *table, const json_t *row,
			      int wide, const char *const *prefix_values);

/* A cell value (string, number, bool, null, other JSON) as text. */
void out_cell_text(struct strbuf *out, const json_t *cell);

/* kubectl -o json of one value (object or List), with a final newline. */
void out_json(struct strbuf *out, const json_t *v);
/* kubectl -o yaml of one value. */
void out_yaml(struct strbuf *out, const json_t *v);
/* "kind.group/name" (kind lower-cased; no group for core). */
void out_name(struct strbuf *out, const char *kind, const char *group, const char *name);

/* kubectl's HumanDuration of seconds ("5s", "3m20s", "2d4h"). */
void out_age(char *buf, size_t size, int64_t seconds);
/* Age of an RFC 3339 timestamp relative to now; "<unknown>" if absent. */
void out_age_since(char *buf, size_t size, const char *rfc3339);

#endif
