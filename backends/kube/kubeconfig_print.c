/* kubeconfig_print.c - `config view` and `config get-contexts` text,
 * byte for byte as kubectl prints them.
 *
 * kubectl's JSON printer is Go's json.MarshalIndent with four spaces, which
 * escapes <, > and & (and U+2028/U+2029); its YAML printer goes through a
 * map, so keys come out sorted. get-contexts uses Go's tabwriter with
 * minwidth 6, padding 3, no trailing-cell alignment, widths in runes.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

void kubeconfig_dump_json(struct strbuf *out, const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(4) | JSON_ENCODE_ANY);
	const unsigned char *p;

	if (!s)
		return;
	for (p = (const unsigned char *)s; *p; p++) {
		/* these bytes can only occur inside strings in JSON text */
		if (*p == '<')
			strbuf_addstr(out, "\\u003c");
		else if (*p == '>')
			strbuf_addstr(out, "\\u003e");
		else if (*p == '&')
			strbuf_addstr(out, "\\u0026");
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			strbuf_addstr(out, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else
			strbuf_addch(out, (char)*p);
	}
	strbuf_addch(out, '\n');
	/* a raw view holds credentials */
	memset(s, 0, strlen(s));
	free(s);
}

int kubeconfig_view_text(const struct kubeconfig *kc, const char *format, unsigned flags,
			 struct strbuf *out, struct kerr *err)
{
	json_t *v;

	if (format && *format && strcmp(format, "json") && strcmp(format, "yaml"))
		return kerr_set(err, KERR_USAGE, "unsupported output format \"%s\" (json or yaml)", format);
	v = kubeconfig_view_flags(kc, flags, err);
	if (!v)
		return -1;
	if (format && !strcmp(format, "json")) {
		kubeconfig_dump_json(out, v);
	} else {
		json_t *s = kc_sorted(v);
		yj_dump(out, s);
		json_decref(s);
	}
	json_decref(v);
	return 0;
}

int kubeconfig_get_contexts_text(const struct kubeconfig *kc, const char *const *names,
				 int no_headers, int name_only, struct strbuf *out,
				 struct kerr *err)
{
	enum { NCOL = 5 };
	static const char *const head[NCOL] = { "CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE" };
	const char ***rows;
	const char *const *all = kubeconfig_contexts(kc);
	size_t nrows = 0, i, c, width[NCOL] = { 0 };
	struct strbuf missing = STRBUF_INIT;
	int rc = 0, nmissing = 0;

	rows = xcalloc(kc->contexts.n + 1, sizeof *rows);
	if (!no_headers && !name_only)
		rows[nrows++] = (const char **)head;
	/* kubectl lists the named contexts in sorted order, whatever order they were given in */
	for (i = 0; all[i]; i++) {
		const char **r;
		int want = !names || !names[0];
		for (c = 0; !want && names[c]; c++)
			want = !strcmp(names[c], all[i]);
		if (!want)
			continue;
		r = xcalloc(NCOL, sizeof *r);
		r[0] = kc->current && !strcmp(kc->current, all[i]) ? "*" : "";
		r[1] = all[i];
		r[2] = kubeconfig_context_field(kc, all[i], "cluster");
		r[3] = kubeconfig_context_field(kc, all[i], "user");
		r[4] = kubeconfig_context_field(kc, all[i], "namespace");
		for (c = 2; c < NCOL; c++)
			if (!r[c])
				r[c] = "";
		rows[nrows++] = r;
	}
	for (c = 0; names && names[c]; c++)
		if (!kubeconfig_has_context(kc, names[c])) {
			strbuf_addf(&missing, "%scontext %s not found", missing.len ? ", " : "", names[c]);
			nmissing++;
		}

	if (name_only) {
		for (i = 0; i < nrows; i++)
			strbuf_addf(out, "%s\n", rows[i][1]);
	} else {
		for (c = 0; c < NCOL - 1; c++) {
			width[c] = 6;
			for (i = 0; i < nrows; i++)
				if (utf8_runes(rows[i][c]) + 3 > width[c])
					width[c] = utf8_runes(rows[i][c]) + 3;
		}
		for (i = 0; i < nrows; i++) {
			for (c = 0; c < NCOL - 1; c++)
				strbuf_addf(out, "%s%*s", rows[i][c], (int)(width[c] - utf8_runes(rows[i][c])), "");
			strbuf_addf(out, "%s\n", rows[i][NCOL - 1]);
		}
	}
	for (i = 0; i < nrows; i++)
		if (rows[i] != (const char **)head)
			free(rows[i]);
	free(rows);
	if (missing.len)
		/* Go's aggregate error: one message alone, several in brackets */
		rc = kerr_set(err, KERR_NOTFOUND, nmissing > 1 ? "[%s]" : "%s", missing.buf);
	strbuf_release(&missing);
	return rc;
}
