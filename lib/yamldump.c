/* yamldump.c - JSON values as YAML the way kubectl -o yaml prints them.
 *
 * kubectl prints through go-yaml v2, itself a port of libyaml's emitter, so
 * libyaml's emitter gives the same layout: 2-space indent, sequences inside
 * mappings not indented ("- name: x"), empty collections as {} and [], long
 * strings folded at 80 columns, non-ASCII left as is. Like go-yaml, a string
 * that would read back as another type is double-quoted, and a multi-line
 * string asks for a literal block (the emitter falls back to quotes when a
 * block cannot hold it exactly).
 */
#include "lib/yamljson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/yamlscalar.h"

#define YD_MAX_DEPTH 2000

static int yd_write(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

static int yd_scalar(yaml_emitter_t *e, const char *s, size_t len, int plain_ok,
		     yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len,
					  plain_ok, 1, style))
		return -1;
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int yd_string(yaml_emitter_t *e, const char *s, size_t len, int is_key)
{
	if (memchr(s, '\n', len))
		return yd_scalar(e, s, len, 0, YAML_LITERAL_SCALAR_STYLE);
	/* kubectl writes a "<<" value plain; as a key it would read back as
	 * a merge, so there (only) it is quoted. */
	if (ys_needs_quotes(s, len) || (is_key && len == 2 && memcmp(s, "<<", 2) == 0))
		return yd_scalar(e, s, len, 0, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	return yd_scalar(e, s, len, 1, YAML_ANY_SCALAR_STYLE);
}

/* Shortest text that reads back as the same double. */
static void yd_real(char *buf, size_t size, double d)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
}

static int yd_value(yaml_emitter_t *e, const json_t *v, int depth)
{
	yaml_event_t ev;
	char buf[64];
	const char *key;
	size_t keylen, i;
	json_t *c;

	if (depth > YD_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return -1;
		json_object_keylen_foreach((json_t *)v, key, keylen, c) {
			if (yd_string(e, key, keylen, 1) || yd_value(e, c, depth + 1))
				return -1;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev) ? 0 : -1;
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return -1;
		for (i = 0; i < json_array_size(v); i++)
			if (yd_value(e, json_array_get(v, i), depth + 1))
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev) ? 0 : -1;
	case JSON_STRING:
		return yd_string(e, json_string_value(v), json_string_length(v), 0);
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return yd_scalar(e, buf, strlen(buf), 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		yd_real(buf, sizeof(buf), json_real_value(v));
		return yd_scalar(e, buf, strlen(buf), 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return yd_scalar(e, "true", 4, 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return yd_scalar(e, "false", 5, 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
		return yd_scalar(e, "null", 4, 1, YAML_PLAIN_SCALAR_STYLE);
	}
	return -1;
}

static int yd_documents(struct strbuf *out, const json_t *const *vals, size_t n)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	size_t i, start = out->len;
	int rc = -1;

	if (!yaml_emitter_initialize(&e))
		return -1;
	yaml_emitter_set_output(&e, yd_write, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_indent(&e, 2);
	yaml_emitter_set_width(&e, 80);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!yaml_emitter_emit(&e, &ev))
		goto out;
	for (i = 0; i < n; i++) {
		/* "---" only between documents, as kubectl separates them. */
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, i == 0);
		if (!yaml_emitter_emit(&e, &ev) || yd_value(&e, vals[i], 0))
			goto out;
		yaml_document_end_event_initialize(&ev, 1);
		if (!yaml_emitter_emit(&e, &ev))
			goto out;
	}
	yaml_stream_end_event_initialize(&ev);
	if (!yaml_emitter_emit(&e, &ev) || !yaml_emitter_flush(&e))
		goto out;
	/* After a "|+" block libyaml ends the stream with "...", go-yaml
	 * (and so kubectl) does not; the block reads the same without it. */
	if (out->len >= start + 5 && memcmp(out->buf + out->len - 5, "\n...\n", 5) == 0)
		strbuf_setlen(out, out->len - 4);
	rc = 0;
out:
	yaml_emitter_delete(&e);
	return rc;
}

void yj_dump(struct strbuf *out, const json_t *value)
{
	size_t start = out->len;

	if (!value || yd_documents(out, &value, 1)) {
		/* Only an absurdly deep value gets here; say so in the output
		 * rather than print half a document. */
		strbuf_setlen(out, start);
		strbuf_addstr(out, "# value too deeply nested to print as YAML\n");
	}
}

void yj_dump_stream(struct strbuf *out, const json_t *docs_array)
{
	size_t n = json_array_size(docs_array), i, start = out->len;
	const json_t **vals;

	if (n == 0)
		return;
	vals = malloc(n * sizeof(*vals));
	if (!vals)
		return;
	for (i = 0; i < n; i++)
		vals[i] = json_array_get(docs_array, i);
	if (yd_documents(out, vals, n)) {
		strbuf_setlen(out, start);
		strbuf_addstr(out, "# value too deeply nested to print as YAML\n");
	}
	free(vals);
}
