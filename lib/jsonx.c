/* jsonx.c - jansson helpers for Kubernetes objects: dotted paths, common
 * fields, Go-compatible serialisation, sorted copies, RFC 3339 times. */
#include "lib/jsonx.h"
#include "lib/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Copy the next path segment (dots escaped as "\.") into seg. Returns the
 * rest of the path after the dot, or NULL after the last segment. */
static const char *next_segment(const char *path, struct strbuf *seg)
{
	strbuf_reset(seg);
	while (*path && *path != '.') {
		if (path[0] == '\\' && path[1] == '.')
			path++;
		strbuf_addch(seg, *path);
		path++;
	}
	return *path == '.' ? path + 1 : NULL;
}

json_t *jx_get(const json_t *obj, const char *path)
{
	struct strbuf seg = STRBUF_INIT;
	const json_t *cur = obj;

	if (!path || !*path)
		return (json_t *)obj;
	while (cur && path) {
		path = next_segment(path, &seg);
		if (json_is_object(cur)) {
			cur = json_object_get(cur, seg.buf);
		} else if (json_is_array(cur)) {
			/* "spec.containers.0.image": a plain decimal index */
			char *end;
			unsigned long i = strtoul(seg.buf, &end, 10);

			cur = (seg.len && !*end && seg.buf[0] >= '0' && seg.buf[0] <= '9') ?
			      json_array_get(cur, i) : NULL;
		} else {
			cur = NULL;
		}
	}
	strbuf_release(&seg);
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
	if (json_is_real(v)) {
		double d = json_real_value(v);
		/* out of range conversions are undefined: keep the default */
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
			return (int64_t)d;
	}
	return dflt;
}

int jx_bool(const json_t *obj, const char *path, int dflt)
{
	json_t *v = jx_get(obj, path);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int jx_set_new(json_t *obj, const char *path, json_t *value)
{
	struct strbuf seg = STRBUF_INIT;
	json_t *cur = obj;
	int rc;

	if (!json_is_object(obj) || !value || !path) {
		json_decref(value);
		return -1;
	}
	for (;;) {
		json_t *next;

		path = next_segment(path, &seg);
		if (!path) {
			rc = json_object_set_new(cur, seg.buf, value);
			break;
		}
		next = json_object_get(cur, seg.buf);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(cur, seg.buf, next);
		}
		cur = next;
	}
	strbuf_release(&seg);
	return rc;
}

int jx_set_str(json_t *obj, const char *path, const char *s)
{
	return jx_set_new(obj, path, s ? json_string(s) : json_null());
}

int jx_del(json_t *obj, const char *path)
{
	struct strbuf seg = STRBUF_INIT;
	json_t *cur = obj;
	int rc = -1;

	if (!path)
		return -1;
	for (;;) {
		path = next_segment(path, &seg);
		if (!json_is_object(cur))
			break;
		if (!path) {
			rc = json_object_del(cur, seg.buf);
			break;
		}
		cur = json_object_get(cur, seg.buf);
	}
	strbuf_release(&seg);
	return rc;
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

/* ---- serialisation as Go's encoding/json writes it ---------------------- */

/* Go escapes <, > and & (HTML safety) and U+2028/U+2029, writes \n \r \t
 * short and other control bytes as \u00XX; everything else is raw UTF-8. */
static void dump_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	strbuf_addch(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			strbuf_addstr(out, "\\\"");
			continue;
		case '\\':
			strbuf_addstr(out, "\\\\");
			continue;
		case '\n':
			strbuf_addstr(out, "\\n");
			continue;
		case '\r':
			strbuf_addstr(out, "\\r");
			continue;
		case '\t':
			strbuf_addstr(out, "\\t");
			continue;
		case '<': case '>': case '&':
			break;
		default:
			if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
				strbuf_addstr(out, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028"
										  : "\\u2029");
				i += 2;
				continue;
			}
			if (c >= 0x20) {
				strbuf_addch(out, c);
				continue;
			}
		}
		strbuf_addstr(out, "\\u00");
		strbuf_addch(out, hex[c >> 4]);
		strbuf_addch(out, hex[c & 15]);
	}
	strbuf_addch(out, '"');
}

/* The shortest decimal that reads back as d, laid out as Go's
 * strconv.FormatFloat(d, 'f' or 'e', -1, 64) in encoding/json does:
 * plain notation for 1e-6 <= |d| < 1e21 (here: < 2^63), else an exponent
 * without padding. */
static void dump_real(struct strbuf *out, double d)
{
	char tmp[40], digits[24];
	int prec, exp, nd = 0, i;
	char *e;
	double a = fabs(d);

	if (!isfinite(d)) {
		strbuf_addstr(out, "null");   /* JSON has no inf/nan */
		return;
	}
	if (d == 0) {
		strbuf_addstr(out, signbit(d) ? "-0" : "0");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	for (i = 0; tmp + i < e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (d < 0)
		strbuf_addch(out, '-');
	/* Go writes 1e20 as 100000000000000000000, but jansson (and so this
	 * program) refuses integers beyond int64: keep the exponent there. */
	if (a < 1e-6 || a >= 9223372036854775808.0) {
		strbuf_addch(out, digits[0]);
		if (nd > 1) {
			strbuf_addch(out, '.');
			strbuf_add(out, digits + 1, (size_t)nd - 1);
		}
		strbuf_addf(out, "e%c%d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		strbuf_addstr(out, "0.");
		for (i = exp + 1; i < 0; i++)
			strbuf_addch(out, '0');
		strbuf_add(out, digits, (size_t)nd);
	} else {
		for (i = 0; i <= exp; i++)
			strbuf_addch(out, i < nd ? digits[i] : '0');
		if (nd > exp + 1) {
			strbuf_addch(out, '.');
			strbuf_add(out, digits + exp + 1, (size_t)(nd - exp - 1));
		}
	}
}

static void dump_indent(struct strbuf *out, int indent, int level)
{
	if (indent < 0)
		return;
	strbuf_addch(out, '\n');
	for (int i = 0; i < indent * level; i++)
		strbuf_addch(out, ' ');
}

static void dump_value(struct strbuf *out, const json_t *v, int indent, int level)
{
	const char *key;
	size_t keylen, i, n;
	json_t *c;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!json_object_size(v)) {
			strbuf_addstr(out, "{}");
			return;
		}
		strbuf_addch(out, '{');
		n = 0;
		json_object_keylen_foreach((json_t *)v, key, keylen, c) {
			if (n++)
				strbuf_addch(out, ',');
			dump_indent(out, indent, level + 1);
			dump_string(out, key, keylen);
			strbuf_addstr(out, indent < 0 ? ":" : ": ");
			dump_value(out, c, indent, level + 1);
		}
		dump_indent(out, indent, level);
		strbuf_addch(out, '}');
		return;
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			strbuf_addstr(out, "[]");
			return;
		}
		strbuf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				strbuf_addch(out, ',');
			dump_indent(out, indent, level + 1);
			dump_value(out, json_array_get(v, i), indent, level + 1);
		}
		dump_indent(out, indent, level);
		strbuf_addch(out, ']');
		return;
	case JSON_STRING:
		dump_string(out, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	case JSON_REAL:
		dump_real(out, json_real_value(v));
		return;
	case JSON_TRUE:
		strbuf_addstr(out, "true");
		return;
	case JSON_FALSE:
		strbuf_addstr(out, "false");
		return;
	case JSON_NULL:
		strbuf_addstr(out, "null");
		return;
	}
}

void jx_dump_compact(struct strbuf *out, const json_t *v)
{
	if (v)
		dump_value(out, v, -1, 0);
}

void jx_dump_pretty(struct strbuf *out, const json_t *v)
{
	if (v)
		dump_value(out, v, 4, 0);
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

struct sort_key {
	const char *key;
	size_t len;
	json_t *value;
};

/* Byte order, as Go sorts map keys when it marshals them. */
static int sort_key_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

json_t *jx_sorted_copy(const json_t *v)
{
	if (json_is_object(v)) {
		size_t n = json_object_size(v), i = 0, keylen;
		struct sort_key *keys = xcalloc(n ? n : 1, sizeof(*keys));
		const char *key;
		json_t *val, *out = json_object();

		json_object_keylen_foreach((json_t *)v, key, keylen, val) {
			keys[i].key = key;
			keys[i].len = keylen;
			keys[i++].value = val;
		}
		qsort(keys, n, sizeof(*keys), sort_key_cmp);
		for (i = 0; i < n; i++)
			json_object_setn_new(out, keys[i].key, keys[i].len,
					     jx_sorted_copy(keys[i].value));
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

	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, size, "%s", "");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* n decimal digits at *p into *out; advances *p. */
static int take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	/* Howard Hinnant's days_from_civil: proleptic Gregorian, no tables */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t jx_parse_rfc3339(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	int64_t t;

	if (!s)
		return -1;
	if (take_digits(&p, 4, &y) || *p++ != '-' || take_digits(&p, 2, &mo) || *p++ != '-' ||
	    take_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (take_digits(&p, 2, &h) || *p++ != ':' || take_digits(&p, 2, &mi) || *p++ != ':' ||
	    take_digits(&p, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (take_digits(&p, 2, &oh) || *p++ != ':' || take_digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	if (sec == 60)
		sec = 59;   /* a leap second: the instant before is close enough */
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return t - sign * (oh * 3600 + om * 60);
}

/* kubectl's HumanDuration (k8s.io/apimachinery duration.HumanDuration). */
void jx_human_duration(char *buf, size_t size, int64_t d)
{
	long long s, m, h, days, y;

	if (d < -1) {
		snprintf(buf, size, "<invalid>");
		return;
	}
	if (d < 0)
		d = 0;
	s = d;
	m = s / 60;
	h = m / 60;
	days = h / 24;
	y = days / 365;
	if (s < 120)
		snprintf(buf, size, "%llds", s);
	else if (m < 10 && s % 60)
		snprintf(buf, size, "%lldm%llds", m, s % 60);
	else if (m < 180)
		snprintf(buf, size, "%lldm", m);
	else if (h < 8 && m % 60)
		snprintf(buf, size, "%lldh%lldm", h, m % 60);
	else if (h < 48)
		snprintf(buf, size, "%lldh", h);
	else if (h < 24 * 8 && h % 24)
		snprintf(buf, size, "%lldd%lldh", days, h % 24);
	else if (days < 365 * 2)
		snprintf(buf, size, "%lldd", days);
	else if (y < 8 && days % 365)
		snprintf(buf, size, "%lldy%lldd", y, days % 365);
	else
		snprintf(buf, size, "%lldy", y);
}
