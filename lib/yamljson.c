/* yamljson.c - YAML streams to jansson values, the way kubectl reads them.
 *
 * libyaml's event API drives an explicit stack (no recursion on input
 * depth); scalars are typed by lib/yamlscalar.c. Anchors are per document
 * and an alias becomes a deep copy, with go-yaml's "excessive aliasing"
 * ratio so a small file cannot expand into gigabytes. Merge keys follow
 * go-yaml v2: each "<<" is applied where it stands, so a key written after
 * it wins and one written before it is overwritten.
 */
#include "lib/yamljson.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "lib/xalloc.h"
#include "lib/yamlscalar.h"

#define YJ_MAX_DEPTH 1000
#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

struct yj_frame {
	json_t *node;
	int is_map;
	char *anchor;
	size_t start_count;
	int height;                /* levels below this node */
	int have_key, key_merge;
	char *key;
	size_t keylen;
};

struct yj_anchor {
	char *name;
	json_t *value;
	size_t count;              /* nodes in the value, for the alias ratio */
	int height;
};

struct yj_loader {
	const char *name;
	const char *data;
	size_t len;
	struct yj_frame *stack;
	size_t depth, alloc;
	struct yj_anchor *anchors;
	size_t nanchors, anchors_alloc;
	size_t decode_count, alias_count;
	json_t *doc;
	int doc_height;
	struct kerr *err;
};

/* Keys may hold NUL bytes ("\0" in a quoted scalar): copy by length. */
static char *yj_memdup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static int yj_fail_at(struct yj_loader *l, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int yj_fail_at(struct yj_loader *l, yaml_mark_t mark, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kerr_set(l->err, KERR_INVALID, "%s:%zu:%zu: %s", l->name,
			mark.line + 1, mark.column + 1, what);
}

static void yj_clear_anchors(struct yj_loader *l)
{
	size_t i;

	for (i = 0; i < l->nanchors; i++) {
		free(l->anchors[i].name);
		json_decref(l->anchors[i].value);
	}
	l->nanchors = 0;
}

static struct yj_anchor *yj_find_anchor(struct yj_loader *l, const char *name)
{
	size_t i;

	/* Latest definition wins: YAML lets an anchor be redefined. */
	for (i = l->nanchors; i-- > 0;)
		if (strcmp(l->anchors[i].name, name) == 0)
			return &l->anchors[i];
	return NULL;
}

static void yj_add_anchor(struct yj_loader *l, const char *name, json_t *value,
			  size_t count, int height)
{
	struct yj_anchor *a;

	if (l->nanchors == l->anchors_alloc) {
		l->anchors_alloc = l->anchors_alloc ? 2 * l->anchors_alloc : 8;
		l->anchors = xrealloc(l->anchors, l->anchors_alloc * sizeof(*a));
	}
	a = &l->anchors[l->nanchors++];
	a->name = xstrdup(name);
	a->value = json_incref(value);
	a->count = count;
	a->height = height;
}

/* go-yaml v2's allowedAliasRatio. */
static double yj_alias_ratio(size_t decode_count)
{
	if (decode_count <= 400000)
		return 0.99;
	if (decode_count >= 4000000)
		return 0.10;
	return 0.99 - 0.89 * ((double)(decode_count - 400000) / 3600000.0);
}

static json_t *yj_number(double d)
{
	/* Go's encoding/json writes an integral float64 without a fraction,
	 * so "1e3" reaches the API server as 1000: keep it an integer. */
	if (d == floor(d) && fabs(d) < 9223372036854775808.0)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static int yj_is_plain_untagged(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	return !tag && ev->data.scalar.plain_implicit &&
	       ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int yj_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static json_t *yj_binary(const char *s, size_t len)
{
	char *out = xmalloc(len / 4 * 3 + 4);
	size_t n = 0, i;
	unsigned acc = 0;
	int bits = 0, pad = 0;
	json_t *v;

	for (i = 0; i < len; i++) {
		int d;
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		d = yj_b64val((unsigned char)s[i]);
		if (d < 0 || pad) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	v = json_stringn(out, n);
	free(out);
	return v;
}

/* Type a scalar event as go-yaml v2 would (tag, style, text). */
static int yj_scalar_resolve(struct yj_loader *l, const yaml_event_t *ev,
			     struct ys_value *v, int *binary)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *want;

	memset(v, 0, sizeof(*v));
	*binary = 0;
	v->type = YS_STR;
	if (!tag) {
		if (yj_is_plain_untagged(ev))
			ys_resolve_plain(s, len, v);
		return 0;
	}
	if (strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) != 0)
		return 0;   /* "!" and application tags: the text as a string */
	want = tag + strlen(YAML_TAG_PREFIX);
	if (strcmp(want, "binary") == 0) {
		*binary = 1;
		return 0;
	}
	if (strcmp(want, "int") && strcmp(want, "float") && strcmp(want, "bool") &&
	    strcmp(want, "null"))
		return 0;
	ys_resolve_plain(s, len, v);
	if (strcmp(want, "float") == 0 && v->type == YS_INT) {
		v->type = YS_FLOAT;
		v->d = (double)v->i;
	} else if (strcmp(want, "float") == 0 && v->type == YS_UINT) {
		v->type = YS_FLOAT;
		v->d = (double)v->u;
	}
	if ((strcmp(want, "int") == 0 && (v->type == YS_INT || v->type == YS_UINT)) ||
	    (strcmp(want, "float") == 0 && v->type == YS_FLOAT) ||
	    (strcmp(want, "bool") == 0 && v->type == YS_BOOL) ||
	    (strcmp(want, "null") == 0 && v->type == YS_NULL))
		return 0;
	return yj_fail_at(l, ev->start_mark, "cannot decode `%.*s` as a !!%s",
			  (int)(len > 80 ? 80 : len), s, want);
}

static json_t *yj_scalar_value(struct yj_loader *l, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ys_value v;
	int binary;
	json_t *j = NULL;

	if (yj_scalar_resolve(l, ev, &v, &binary))
		return NULL;
	if (binary) {
		j = yj_binary(s, len);
		if (!j)
			yj_fail_at(l, ev->start_mark, "!!binary value is not base64 of UTF-8 text");
		return j;
	}
	switch (v.type) {
	case YS_STR:
	case YS_MERGE:
		j = json_stringn(s, len);
		if (!j)
			yj_fail_at(l, ev->start_mark, "string is not valid UTF-8");
		return j;
	case YS_NULL:
		return json_null();
	case YS_BOOL:
		return json_boolean(v.b);
	case YS_INT:
		return json_integer(v.i);
	case YS_UINT:
		return json_real((double)v.u);
	case YS_FLOAT:
		if (!isfinite(v.d)) {
			yj_fail_at(l, ev->start_mark,
				   "%.*s is not a number JSON can hold (quote it to keep the text)",
				   (int)(len > 40 ? 40 : len), s);
			return NULL;
		}
		return yj_number(v.d);
	}
	return NULL;
}

/* The string sigs.k8s.io/yaml makes of a typed mapping key. */
static int yj_key_from_value(struct yj_loader *l, yaml_mark_t mark, const json_t *v,
			     char **key, size_t *keylen)
{
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		*keylen = json_string_length(v);
		*key = yj_memdup(json_string_value(v), *keylen);
		return 0;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		ys_format_key_float(buf, sizeof(buf), json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, sizeof(buf), "true");
		break;
	case JSON_FALSE:
		snprintf(buf, sizeof(buf), "false");
		break;
	case JSON_NULL:
		return yj_fail_at(l, mark, "a mapping key cannot be null");
	default:
		return yj_fail_at(l, mark, "a mapping key must be a scalar");
	}
	*key = xstrdup(buf);
	*keylen = strlen(buf);
	return 0;
}

static int yj_scalar_key(struct yj_loader *l, const yaml_event_t *ev, struct yj_frame *f)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	struct ys_value v;
	char buf[64];
	int binary;

	if (len == 2 && memcmp(s, "<<", 2) == 0 &&
	    (yj_is_plain_untagged(ev) || (tag && strcmp(tag, YAML_TAG_PREFIX "merge") == 0))) {
		f->key_merge = 1;
		f->have_key = 1;
		return 0;
	}
	if (yj_scalar_resolve(l, ev, &v, &binary))
		return -1;
	if (binary) {
		json_t *j = yj_binary(s, len);
		int rc;
		if (!j)
			return yj_fail_at(l, ev->start_mark, "!!binary key is not base64 of UTF-8 text");
		rc = yj_key_from_value(l, ev->start_mark, j, &f->key, &f->keylen);
		json_decref(j);
		if (rc == 0)
			f->have_key = 1;
		return rc;
	}
	switch (v.type) {
	case YS_STR:
	case YS_MERGE:
		f->key = yj_memdup(s, len);
		f->keylen = len;
		f->have_key = 1;
		return 0;
	case YS_NULL:
		return yj_fail_at(l, ev->start_mark, "a mapping key cannot be null");
	case YS_UINT:
		return yj_fail_at(l, ev->start_mark,
				  "unsupported mapping key %.*s (too big for int64)", (int)len, s);
	case YS_BOOL:
		snprintf(buf, sizeof(buf), "%s", v.b ? "true" : "false");
		break;
	case YS_INT:
		snprintf(buf, sizeof(buf), "%lld", (long long)v.i);
		break;
	case YS_FLOAT:
		ys_format_key_float(buf, sizeof(buf), v.d);
		break;
	}
	f->key = xstrdup(buf);
	f->keylen = strlen(buf);
	f->have_key = 1;
	return 0;
}

static int yj_merge(struct yj_loader *l, yaml_mark_t mark, json_t *target, json_t *v)
{
	size_t i;

	if (json_is_object(v))
		return json_object_update(target, v) ? yj_fail_at(l, mark, "merge failed") : 0;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (!json_is_object(json_array_get(v, i)))
				goto bad;
		/* Earlier maps take precedence: apply them last. */
		for (i = json_array_size(v); i-- > 0;)
			json_object_update(target, json_array_get(v, i));
		return 0;
	}
bad:
	return yj_fail_at(l, mark, "map merge (<<) requires a mapping or a sequence of mappings");
}

/* Attach a finished value to its parent (takes the reference). */
static int yj_add_value(struct yj_loader *l, json_t *v, int height, yaml_mark_t mark)
{
	struct yj_frame *f;
	int rc = 0;

	if (l->depth == 0) {
		json_decref(l->doc);
		l->doc = v;
		l->doc_height = height;
		return 0;
	}
	f = &l->stack[l->depth - 1];
	if (height + 1 > f->height)
		f->height = height + 1;
	if (!f->is_map) {
		json_array_append_new(f->node, v);
		return 0;
	}
	if (f->key_merge) {
		rc = yj_merge(l, mark, f->node, v);
		json_decref(v);
	} else {
		json_object_setn_new(f->node, f->key, f->keylen, v);
	}
	free(f->key);
	f->key = NULL;
	f->have_key = f->key_merge = 0;
	return rc;
}

static int yj_check_aliasing(struct yj_loader *l, yaml_mark_t mark)
{
	if (l->alias_count > 100 && l->decode_count > 1000 &&
	    (double)l->alias_count / (double)l->decode_count > yj_alias_ratio(l->decode_count))
		return yj_fail_at(l, mark, "document contains excessive aliasing");
	return 0;
}

static int yj_push(struct yj_loader *l, const yaml_event_t *ev, int is_map)
{
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
					   : ev->data.sequence_start.anchor;
	struct yj_frame *f;

	if (l->depth >= YJ_MAX_DEPTH)
		return yj_fail_at(l, ev->start_mark, "nesting deeper than %d levels", YJ_MAX_DEPTH);
	if (l->depth == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->stack = xrealloc(l->stack, l->alloc * sizeof(*f));
	}
	f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->node = is_map ? json_object() : json_array();
	f->is_map = is_map;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->start_count = l->decode_count;
	return 0;
}

static int yj_pop(struct yj_loader *l, const yaml_event_t *ev)
{
	struct yj_frame f = l->stack[--l->depth];
	int rc;

	l->decode_count++;
	if (f.anchor)
		yj_add_anchor(l, f.anchor, f.node, l->decode_count - f.start_count, f.height);
	free(f.anchor);
	free(f.key);
	rc = yj_add_value(l, f.node, f.height, ev->start_mark);
	return rc;
}

static int yj_alias(struct yj_loader *l, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct yj_anchor *a = yj_find_anchor(l, name);
	struct yj_frame *f = l->depth ? &l->stack[l->depth - 1] : NULL;

	if (!a)
		return yj_fail_at(l, ev->start_mark, "unknown anchor '%s' referenced", name);
	l->decode_count += a->count;
	l->alias_count += a->count;
	if (yj_check_aliasing(l, ev->start_mark))
		return -1;
	if (f && f->is_map && !f->have_key) {
		if (yj_key_from_value(l, ev->start_mark, a->value, &f->key, &f->keylen))
			return -1;
		f->have_key = 1;
		return 0;
	}
	if (l->depth + (size_t)a->height >= YJ_MAX_DEPTH)
		return yj_fail_at(l, ev->start_mark, "nesting deeper than %d levels", YJ_MAX_DEPTH);
	return yj_add_value(l, json_deep_copy(a->value), a->height, ev->start_mark);
}

static int yj_scalar(struct yj_loader *l, const yaml_event_t *ev)
{
	struct yj_frame *f = l->depth ? &l->stack[l->depth - 1] : NULL;
	const yaml_char_t *anchor = ev->data.scalar.anchor;
	json_t *v;

	if (f && f->is_map && !f->have_key) {
		l->decode_count++;
		if (yj_scalar_key(l, ev, f))
			return -1;
		if (anchor) {
			/* An anchored key: record what the key text resolves to
			 * (or the key string when that is no JSON value, .inf). */
			v = yj_scalar_value(l, ev);
			if (!v) {
				kerr_clear(l->err);
				v = json_stringn(f->key ? f->key : "<<", f->key ? f->keylen : 2);
			}
			yj_add_anchor(l, (const char *)anchor, v, 1, 0);
			json_decref(v);
		}
		return 0;
	}
	v = yj_scalar_value(l, ev);
	if (!v)
		return -1;
	l->decode_count++;
	if (anchor)
		yj_add_anchor(l, (const char *)anchor, v, 1, 0);
	return yj_add_value(l, v, 0, ev->start_mark);
}

static void yj_line_col(const char *data, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int yj_parser_error(struct yj_loader *l, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	size_t line, col;

	if (p->error == YAML_READER_ERROR) {
		yj_line_col(l->data, l->len, p->problem_offset, &line, &col);
		return kerr_set(l->err, KERR_INVALID, "%s:%zu:%zu: %s", l->name, line, col,
				problem);
	}
	if (p->error == YAML_MEMORY_ERROR)
		return kerr_set(l->err, KERR_FAIL, "%s: out of memory while parsing YAML", l->name);
	line = p->problem_mark.line + 1;
	col = p->problem_mark.column + 1;
	if (p->context)
		kerr_set(l->err, KERR_INVALID, "%s:%zu:%zu: %s (%s at line %zu, column %zu)",
			 l->name, line, col, problem, p->context,
			 p->context_mark.line + 1, p->context_mark.column + 1);
	else
		kerr_set(l->err, KERR_INVALID, "%s:%zu:%zu: %s", l->name, line, col, problem);
	if (p->problem_mark.index < l->len && l->data[p->problem_mark.index] == '\t')
		kerr_hint(l->err, "indent with spaces; YAML does not allow tabs there");
	return -1;
}

static void yj_loader_release(struct yj_loader *l)
{
	while (l->depth > 0) {
		struct yj_frame *f = &l->stack[--l->depth];
		json_decref(f->node);
		free(f->anchor);
		free(f->key);
	}
	free(l->stack);
	yj_clear_anchors(l);
	free(l->anchors);
	json_decref(l->doc);
}

/* Integral reals from a JSON text become integers, as they do from YAML. */
static void yj_normalize(json_t *v, int depth)
{
	const char *k;
	json_t *c;
	size_t i;

	if (depth > YJ_MAX_DEPTH)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, k, c) {
			if (json_is_real(c)) {
				double d = json_real_value(c);
				if (d == floor(d) && fabs(d) < 9223372036854775808.0)
					json_object_set_new(v, k, json_integer((json_int_t)d));
			} else {
				yj_normalize(c, depth + 1);
			}
		}
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			c = json_array_get(v, i);
			if (json_is_real(c)) {
				double d = json_real_value(c);
				if (d == floor(d) && fabs(d) < 9223372036854775808.0)
					json_array_set_new(v, i, json_integer((json_int_t)d));
			} else {
				yj_normalize(c, depth + 1);
			}
		}
	}
}

/* libyaml refuses some valid JSON (surrogate pair escapes); kubectl reads
 * JSON with a JSON decoder, so retry those texts with jansson. */
static int yj_try_json(const char *data, size_t len, json_t **docs_out)
{
	size_t i = 0;
	json_t *v;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
			   data[i] == '\r'))
		i++;
	if (i == len || (data[i] != '{' && data[i] != '['))
		return -1;
	v = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!v)
		return -1;
	yj_normalize(v, 0);
	*docs_out = json_array();
	json_array_append_new(*docs_out, v);
	return 0;
}

int yj_load_stream(const char *data, size_t len, const char *name,
		   json_t **docs_out, struct kerr *err)
{
	struct yj_loader l = { .name = name ? name : "<input>", .data = data, .len = len,
			       .err = err };
	yaml_parser_t p;
	yaml_event_t ev;
	json_t *docs = json_array();
	int rc = 0, done = 0;

	*docs_out = NULL;
	if (!data) {
		data = "";
		len = 0;
		l.data = data;
	}
	if (!yaml_parser_initialize(&p)) {
		json_decref(docs);
		return kerr_set(err, KERR_FAIL, "%s: cannot initialise the YAML parser", l.name);
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			if (yj_try_json(data, len, docs_out) == 0) {
				json_decref(docs);
				yaml_parser_delete(&p);
				yj_loader_release(&l);
				return 0;
			}
			rc = yj_parser_error(&l, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			json_decref(l.doc);
			l.doc = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			/* kubectl skips empty and null documents. */
			if (l.doc && !json_is_null(l.doc))
				json_array_append(docs, l.doc);
			json_decref(l.doc);
			l.doc = NULL;
			yj_clear_anchors(&l);
			break;
		case YAML_SCALAR_EVENT:
			rc = yj_scalar(&l, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = yj_alias(&l, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (l.depth && l.stack[l.depth - 1].is_map && !l.stack[l.depth - 1].have_key)
				rc = yj_fail_at(&l, ev.start_mark,
						"a mapping key must be a scalar, not a %s",
						ev.type == YAML_MAPPING_START_EVENT ? "mapping" : "sequence");
			else
				rc = yj_push(&l, &ev, ev.type == YAML_MAPPING_START_EVENT);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = yj_pop(&l, &ev);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	yj_loader_release(&l);
	if (rc) {
		json_decref(docs);
		return -1;
	}
	*docs_out = docs;
	return 0;
}

int yj_load_file(const char *path, json_t **docs_out, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	*docs_out = NULL;
	if (strcmp(path, "-") == 0) {
		char buf[65536];
		ssize_t n;
		while ((n = read(0, buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				rc = errno;
				strbuf_release(&sb);
				return kerr_set(err, KERR_FAIL, "reading stdin: %s", strerror(rc));
			}
			strbuf_add(&sb, buf, (size_t)n);
		}
	} else if (strbuf_read_file(&sb, path) < 0) {
		int e = errno;
		strbuf_release(&sb);
		return kerr_set(err, e == ENOENT ? KERR_NOTFOUND : KERR_FAIL, "cannot read %s: %s",
				path, strerror(e));
	}
	rc = yj_load_stream(sb.buf, sb.len, strcmp(path, "-") ? path : "<stdin>", docs_out, err);
	strbuf_release(&sb);
	return rc;
}

int yj_load_one(const char *data, size_t len, const char *name, json_t **doc_out,
		struct kerr *err)
{
	json_t *docs;

	*doc_out = NULL;
	if (yj_load_stream(data, len, name, &docs, err))
		return -1;
	if (json_array_size(docs) > 1) {
		size_t n = json_array_size(docs);
		json_decref(docs);
		return kerr_set(err, KERR_INVALID, "%s: expected one YAML document, found %zu",
				name ? name : "<input>", n);
	}
	*doc_out = json_array_size(docs) ? json_incref(json_array_get(docs, 0)) : json_null();
	json_decref(docs);
	return 0;
}
