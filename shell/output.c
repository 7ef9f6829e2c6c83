/* output.c - tables and formats, the way kubectl prints them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/kube/kubeconfig.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"
#include "shell/output.h"

const char *const out_format_choices[] = { "json", "yaml", "name", "wide", NULL };

int out_parse_format(const char *s, enum out_format *out, struct kerr *err)
{
	if (!s || !*s)
		*out = OUT_DEFAULT;
	else if (!strcmp(s, "json"))
		*out = OUT_JSON;
	else if (!strcmp(s, "yaml"))
		*out = OUT_YAML;
	else if (!strcmp(s, "name"))
		*out = OUT_NAME;
	else if (!strcmp(s, "wide"))
		*out = OUT_WIDE;
	else {
		kerr_set(err, KERR_USAGE, "unknown output format \"%s\"", s);
		return kerr_hint(err, "-o json, yaml, name or wide");
	}
	return 0;
}

struct out_table {
	size_t ncols;
	char **cells;          /* row-major, headers first */
	size_t nrows, alloc;   /* nrows counts the header row */
};

struct out_table *out_table_new(size_t ncols, const char *const *headers)
{
	struct out_table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	out_table_add(t, headers);
	return t;
}

void out_table_free(struct out_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void out_table_add(struct out_table *t, const char *const *cells)
{
	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->cells = xrealloc(t->cells, t->alloc * t->ncols * sizeof(*t->cells));
	}
	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = cells ? cells[c] : NULL;

		t->cells[t->nrows * t->ncols + c] = xstrdup(v ? v : "<none>");
	}
	t->nrows++;
}

size_t out_table_rows(const struct out_table *t)
{
	return t->nrows ? t->nrows - 1 : 0;
}

void out_table_render(const struct out_table *t, struct strbuf *out, int no_headers)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));

	for (size_t r = no_headers ? 1 : 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = utf8_runes(t->cells[r * t->ncols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = no_headers ? 1 : 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = t->cells[r * t->ncols + c];

			strbuf_addstr(out, v);
			if (c + 1 < t->ncols)
				for (size_t p = utf8_runes(v); p < w[c] + 3; p++)
					strbuf_addch(out, ' ');
		}
		strbuf_addch(out, '\n');
	}
	free(w);
}

void out_cell_text(struct strbuf *out, const json_t *cell)
{
	if (!cell || json_is_null(cell))
		strbuf_addstr(out, "<none>");
	else if (json_is_string(cell))
		strbuf_addstr(out, json_string_value(cell));
	else if (json_is_integer(cell))
		strbuf_addf(out, "%lld", (long long)json_integer_value(cell));
	else if (json_is_real(cell))
		strbuf_addf(out, "%g", json_real_value(cell));
	else if (json_is_true(cell))
		strbuf_addstr(out, "true");
	else if (json_is_false(cell))
		strbuf_addstr(out, "false");
	else
		jx_dump_compact(out, cell);
}

static int col_shown(const json_t *col, int wide)
{
	return wide || jx_int(col, "priority", 0) == 0;
}

struct out_table *out_table_from_server(const json_t *table, int wide, size_t nprefix,
					const char *const *prefix_names)
{
	const json_t *cols = jx_get(table, "columnDefinitions");
	size_t n = nprefix, i;
	const json_t *col;
	const char **heads;
	struct out_table *t;

	json_array_foreach(cols, i, col)
		if (col_shown(col, wide))
			n++;
	heads = xcalloc(n + 1, sizeof(*heads));
	char **owned = xcalloc(n + 1, sizeof(*owned));
	for (i = 0; i < nprefix; i++)
		heads[i] = prefix_names[i];
	size_t k = nprefix;
	json_array_foreach(cols, i, col) {
		const char *name;
		char *up;

		if (!col_shown(col, wide))
			continue;
		name = jx_str_or(col, "name", "");
		up = xstrdup(name);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		owned[k] = up;
		heads[k++] = up;
	}
	t = out_table_new(n, heads);
	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(heads);
	return t;
}

void out_table_add_server_row(struct out_table *t, const json_t *table, const json_t *row,
			      int wide, const char *const *prefix_values)
{
	const json_t *cols = jx_get(table, "columnDefinitions");
	const json_t *cells = jx_get(row, "cells");
	char **vals = xcalloc(t->ncols + 1, sizeof(*vals));
	size_t k = 0, i;
	const json_t *col;

	while (prefix_values && k < t->ncols && prefix_values[k]) {
		vals[k] = xstrdup(prefix_values[k]);
		k++;
	}
	json_array_foreach(cols, i, col) {
		struct strbuf sb = STRBUF_INIT;

		if (!col_shown(col, wide) || k >= t->ncols)
			continue;
		out_cell_text(&sb, json_array_get(cells, i));
		vals[k++] = strbuf_detach(&sb, NULL);
	}
	out_table_add(t, (const char *const *)vals);
	for (i = 0; i < t->ncols; i++)
		free(vals[i]);
	free(vals);
}

void out_json(struct strbuf *out, const json_t *v)
{
	kubeconfig_dump_json(out, v);
}

void out_yaml(struct strbuf *out, const json_t *v)
{
	yj_dump(out, v);
}

void out_name(struct strbuf *out, const char *kind, const char *group, const char *name)
{
	for (const char *p = kind ? kind : ""; *p; p++)
		strbuf_addch(out, (char)tolower((unsigned char)*p));
	if (group && *group)
		strbuf_addf(out, ".%s", group);
	strbuf_addf(out, "/%s\n", name ? name : "");
}

void out_age(char *buf, size_t size, int64_t d)
{
	jx_human_duration(buf, size, d);
}

void out_age_since(char *buf, size_t size, const char *ts)
{
	int64_t t = ts ? jx_parse_rfc3339(ts) : -1;

	if (t < 0) {
		snprintf(buf, size, "<unknown>");
		return;
	}
	out_age(buf, size, (int64_t)time(NULL) - t);
}
