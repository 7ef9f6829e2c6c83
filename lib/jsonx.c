/* jsonx.c - jansson helpers for Kubernetes objects. */
#include "lib/jsonx.h"
#include "lib/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Split the next path segment (dots escaped as "\\.") into buf. Returns the
 * rest of the path (after the dot) or NULL at the end. */
static const char *next_segment(const char *path, char *buf, size_t size)
{
	size_t n = 0;

	while (*path && *path != '.') {
		if (path[0] == '\\' && path[1] == '.')
			path++;
		if (n + 1 < size)
			buf[n++] = *path;
		path++;
	}
	buf[n] = '\0';
	return *path == '.' ? path + 1 : NULL;
}

json_t *jx_get(const json_t *obj, const char *path)
{
	char seg[256];
	const json_t *cur = obj;

	if (!path || !*path)
		return (json_t *)obj;
	while (cur && path) {
		path = next_segment(path, seg, sizeof seg);
		if (json_is_object(cur)) {
			cur = json_object_get(cur, seg);
		} else if (json_is_array(cur)) {
			char *end;
			unsigned long i = strtoul(seg, &end, 10);

			cur = (*seg && !*end) ? json_array_get(cur, i) : NULL;
		} else {
			return NULL;
		}
	}
	return (json_t *)cur;
}

const char *jx_str(const json_t *obj, const char *path)
{
	return json_string_value(jx_get(obj, path));
}

const char *jx_str_or(const json_t *obj, const char *path, const char *dflt)
{
	const char *s = jx_str(obj, path);

	return s ? s : dflt;
}

int64_t jx_int(const json_t *obj, const char *path, int64_t dflt)
{
	json_t *v = jx_get(obj, path);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return dflt;
}

int jx_bool(const json_t *obj, const char *path, int dflt)
{
	json_t *v = jx_get(obj, path);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int jx_set_new(json_t *obj, const char *path, json_t *value)
{
	char seg[256];
	json_t *cur = obj;

	if (!json_is_object(obj) || !value) {
		json_decref(value);
		return -1;
	}
	for (;;) {
		path = next_segment(path, seg, sizeof seg);
		if (!path)
			return json_object_set_new(cur, seg, value);
		json_t *next = json_object_get(cur, seg);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(cur, seg, next);
		}
		cur = next;
	}
}

int jx_set_str(json_t *obj, const char *path, const char *s)
{
	return jx_set_new(obj, path, s ? json_string(s) : json_null());
}

int jx_del(json_t *obj, const char *path)
{
	char seg[256];
	json_t *cur = obj;

	for (;;) {
		path = next_segment(path, seg, sizeof seg);
		if (!json_is_object(cur))
			return -1;
		if (!path)
			return json_object_del(cur, seg);
		cur = json_object_get(cur, seg);
	}
}

const char *jx_name(const json_t *obj)
{
	return jx_str(obj, "metadata.name");
}

const char *jx_namespace(const json_t *obj)
{
	return jx_str(obj, "metadata.namespace");
}

const char *jx_kind(const json_t *obj)
{
	return jx_str(obj, "kind");
}

const char *jx_api_version(const json_t *obj)
{
	return jx_str(obj, "apiVersion");
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	strbuf_add(data, buffer, size);
	return 0;
}

void jx_dump_compact(struct strbuf *out, const json_t *v)
{
	json_dump_callback(v, dump_cb, out,
			   JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
}

void jx_dump_pretty(struct strbuf *out, const json_t *v)
{
	json_dump_callback(v, dump_cb, out,
			   JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
}

int jx_equal(const json_t *a, const json_t *b)
{
	const char *key;
	size_t keylen, i;
	json_t *va;

	if (a == b)
		return 1;
	if (!a || !b || json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_keylen_foreach((json_t *)a, key, keylen, va) {
			if (!jx_equal(va, json_object_getn(b, key, keylen)))
				return 0;
		}
		return 1;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!jx_equal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	default:
		return json_equal(a, b);
	}
}

json_t *jx_sorted_copy(const json_t *v)
{
	if (json_is_object(v)) {
		size_t n = json_object_size(v), i = 0;
		const char **keys = xcalloc(n ? n : 1, sizeof *keys);
		const char *key;
		json_t *val, *out = json_object();

		json_object_foreach((json_t *)v, key, val)
			keys[i++] = key;
		/* insertion sort is fine: objects are small; strcmp order */
		for (size_t a = 1; a < n; a++) {
			const char *k = keys[a];
			size_t b = a;
			while (b > 0 && strcmp(keys[b - 1], k) > 0) {
				keys[b] = keys[b - 1];
				b--;
			}
			keys[b] = k;
		}
		for (i = 0; i < n; i++)
			json_object_set_new(out, keys[i], jx_sorted_copy(json_object_get(v, keys[i])));
		free(keys);
		return out;
	}
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *val;

		json_array_foreach(v, i, val)
			json_array_append_new(out, jx_sorted_copy(val));
		return out;
	}
	return json_deep_copy(v);
}

void jx_time_rfc3339(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t jx_parse_rfc3339(const char *s)
{
	struct tm tm;
	const char *p;
	int64_t t;
	int sign, oh, om;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	t = (int64_t)timegm(&tm);
	if (*p == 'Z' || *p == 'z')
		return p[1] ? -1 : t;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
		return -1;
	return t - sign * (oh * 3600 + om * 60);
}
