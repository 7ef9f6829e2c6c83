/* selector.c - label and field selectors, as the apiserver parses them.
 *
 * Labels: "a=b", "a==b", "a!=b", "a in (x,y)", "a notin (x)", "a", "!a",
 * comma-separated (AND). Fields: "path=v", "path==v", "path!=v" where path
 * is a dotted JSON path (metadata.name, metadata.namespace, status.phase,
 * spec.nodeName, involvedObject.name ...); a missing field compares as "".
 */
#include "sim/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

enum sel_op { OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_EXISTS, OP_NOTEXISTS };

struct req {
	int field;              /* field selector requirement */
	enum sel_op op;
	char *key;
	char **vals;
	size_t nvals;
};

struct sim_selector {
	struct req *reqs;
	size_t n, alloc;
	char *pinned_ns;
};

static void sel_add(struct sim_selector *s, struct req r)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 4;
		s->reqs = xrealloc(s->reqs, s->alloc * sizeof *s->reqs);
	}
	s->reqs[s->n++] = r;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static char *trim_dup(const char *a, const char *b)
{
	while (a < b && isspace((unsigned char)*a))
		a++;
	while (b > a && isspace((unsigned char)b[-1]))
		b--;
	return xstrndup(a, (size_t)(b - a));
}

static int valid_label_token(const char *s, int allow_empty)
{
	if (!*s)
		return allow_empty;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_./", *s))
			return 0;
	return 1;
}

static int parse_labels(struct sim_selector *s, const char *sel, struct kerr *err)
{
	const char *p = sel;

	while (*(p = skip_ws(p))) {
		struct req r = { 0 };
		const char *start = p;
		int neg = 0;

		if (*p == '!') {
			neg = 1;
			p = skip_ws(p + 1);
			start = p;
		}
		while (*p && !strchr(" ,=!()", *p))
			p++;
		r.key = trim_dup(start, p);
		if (!*r.key || !valid_label_token(r.key, 0)) {
			free(r.key);
			return sim_kerr_http(err, 400, "BadRequest",
					     "unable to parse requirement: invalid label key in \"%s\"", sel);
		}
		p = skip_ws(p);
		if (neg) {
			r.op = OP_NOTEXISTS;
		} else if (*p == ',' || !*p) {
			r.op = OP_EXISTS;
		} else if (p[0] == '=' || (p[0] == '!' && p[1] == '=')) {
			r.op = p[0] == '!' ? OP_NE : OP_EQ;
			p += (p[0] == '!' || p[1] == '=') ? 2 : 1;
			p = skip_ws(p);
			start = p;
			while (*p && *p != ',' && *p != ' ')
				p++;
			r.vals = xmalloc(sizeof *r.vals);
			r.vals[0] = trim_dup(start, p);
			r.nvals = 1;
			if (!valid_label_token(r.vals[0], 1)) {
				sel_add(s, r);
				return sim_kerr_http(err, 400, "BadRequest",
						     "unable to parse requirement: invalid label value: \"%s\"",
						     r.vals[0]);
			}
		} else if (!strncmp(p, "in", 2) || !strncmp(p, "notin", 5)) {
			r.op = p[0] == 'i' ? OP_IN : OP_NOTIN;
			p = skip_ws(p + (r.op == OP_IN ? 2 : 5));
			if (*p != '(') {
				sel_add(s, r);
				return sim_kerr_http(err, 400, "BadRequest",
						     "unable to parse requirement: found '%c', expected: '('",
						     *p ? *p : ' ');
			}
			p++;
			for (;;) {
				start = p;
				while (*p && *p != ',' && *p != ')')
					p++;
				if (!*p) {
					sel_add(s, r);
					return sim_kerr_http(err, 400, "BadRequest",
							     "unable to parse requirement: found '', expected: ')'");
				}
				r.vals = xrealloc(r.vals, (r.nvals + 1) * sizeof *r.vals);
				r.vals[r.nvals++] = trim_dup(start, p);
				if (*p++ == ')')
					break;
			}
		} else {
			sel_add(s, r);
			return sim_kerr_http(err, 400, "BadRequest",
					     "unable to parse requirement: found '%c' in \"%s\"", *p, sel);
		}
		sel_add(s, r);
		p = skip_ws(p);
		if (*p == ',')
			p++;
		else if (*p)
			return sim_kerr_http(err, 400, "BadRequest",
					     "unable to parse requirement: unexpected '%c' in \"%s\"", *p, sel);
	}
	return 0;
}

static int parse_fields(struct sim_selector *s, const char *sel, struct kerr *err)
{
	const char *p = sel;

	while (*p) {
		const char *end = strchr(p, ','), *op;
		struct req r = { .field = 1 };
		char *part;

		if (!end)
			end = p + strlen(p);
		part = xstrndup(p, (size_t)(end - p));
		op = strstr(part, "!=");
		if (op) {
			r.op = OP_NE;
		} else if ((op = strstr(part, "=="))) {
			r.op = OP_EQ;
		} else if ((op = strchr(part, '='))) {
			r.op = OP_EQ;
		} else {
			free(part);
			if (end == p && !*end)
				break;
			return sim_kerr_http(err, 400, "BadRequest",
					     "invalid selector: '%s'; can't understand '%.*s'", sel,
					     (int)(end - p), p);
		}
		r.key = trim_dup(part, op);
		r.vals = xmalloc(sizeof *r.vals);
		r.vals[0] = trim_dup(op + ((r.op == OP_NE || op[1] == '=') ? 2 : 1), part + strlen(part));
		r.nvals = 1;
		free(part);
		if (r.op == OP_EQ && !strcmp(r.key, "metadata.namespace") && !s->pinned_ns)
			s->pinned_ns = xstrdup(r.vals[0]);
		sel_add(s, r);
		p = *end ? end + 1 : end;
	}
	return 0;
}

void sim_selector_free(struct sim_selector *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->reqs[i].key);
		for (j = 0; j < s->reqs[i].nvals; j++)
			free(s->reqs[i].vals[j]);
		free(s->reqs[i].vals);
	}
	free(s->reqs);
	free(s->pinned_ns);
	free(s);
}

int sim_selector_parse(const char *labels, const char *fields, struct sim_selector **out,
		       struct kerr *err)
{
	struct sim_selector *s;

	*out = NULL;
	if ((!labels || !*labels) && (!fields || !*fields))
		return 0;
	s = xcalloc(1, sizeof *s);
	if ((labels && parse_labels(s, labels, err)) || (fields && parse_fields(s, fields, err))) {
		sim_selector_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

const char *sim_selector_namespace(const struct sim_selector *s)
{
	return s ? s->pinned_ns : NULL;
}

/* Dotted path lookup for field selectors; numbers and booleans compare as text. */
static const char *field_value(const json_t *obj, const char *path, char *buf, size_t size)
{
	const json_t *v = obj;
	char part[256];
	const char *p = path;

	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof part)
			return "";
		memcpy(part, p, n);
		part[n] = '\0';
		v = json_object_get(v, part);
		p = dot ? dot + 1 : p + n;
	}
	if (!v)
		return "";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return "";
}

int sim_selector_matches(const struct sim_selector *s, const json_t *obj)
{
	const json_t *labels;
	size_t i, j;
	char buf[64];

	if (!s)
		return 1;
	labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	for (i = 0; i < s->n; i++) {
		const struct req *r = &s->reqs[i];
		const char *v;
		int found = 0;

		if (r->field) {
			v = field_value(obj, r->key, buf, sizeof buf);
			if ((strcmp(v, r->vals[0]) == 0) != (r->op == OP_EQ))
				return 0;
			continue;
		}
		v = json_string_value(json_object_get(labels, r->key));
		switch (r->op) {
		case OP_EXISTS:
			if (!v)
				return 0;
			break;
		case OP_NOTEXISTS:
			if (v)
				return 0;
			break;
		case OP_EQ:
			if (!v || strcmp(v, r->vals[0]))
				return 0;
			break;
		case OP_NE:
			if (v && !strcmp(v, r->vals[0]))
				return 0;
			break;
		case OP_IN:
		case OP_NOTIN:
			for (j = 0; v && j < r->nvals; j++)
				if (!strcmp(v, r->vals[j]))
					found = 1;
			if (r->op == OP_IN ? !found : found)
				return 0;
			break;
		}
	}
	return 1;
}

int sim_selector_match(const char *label_selector, const char *field_selector,
		       const json_t *obj, struct kerr *err)
{
	struct sim_selector *s;
	int rc;

	if (sim_selector_parse(label_selector, field_selector, &s, err))
		return -1;
	rc = sim_selector_matches(s, obj);
	sim_selector_free(s);
	return rc;
}
