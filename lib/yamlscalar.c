/* yamlscalar.c - go-yaml v2's resolution of plain scalars.
 *
 * Kubernetes reads manifests with sigs.k8s.io/yaml, which decodes YAML 1.1
 * through go-yaml v2: the first byte decides what is tried (sign or digit:
 * numbers; y/n/t/f/o/~: the fixed words; '.': floats), integers are parsed
 * like Go's strconv.ParseInt(s, 0, 64) after removing underscores, and
 * anything that fails every rule stays a string.
 */
#include "lib/yamlscalar.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ys_word {
	const char *word;
	enum ys_type type;
	int b;
	double d;
};

static const struct ys_word ys_words[] = {
	{ "y", YS_BOOL, 1, 0 }, { "Y", YS_BOOL, 1, 0 },
	{ "yes", YS_BOOL, 1, 0 }, { "Yes", YS_BOOL, 1, 0 }, { "YES", YS_BOOL, 1, 0 },
	{ "true", YS_BOOL, 1, 0 }, { "True", YS_BOOL, 1, 0 }, { "TRUE", YS_BOOL, 1, 0 },
	{ "on", YS_BOOL, 1, 0 }, { "On", YS_BOOL, 1, 0 }, { "ON", YS_BOOL, 1, 0 },
	{ "n", YS_BOOL, 0, 0 }, { "N", YS_BOOL, 0, 0 },
	{ "no", YS_BOOL, 0, 0 }, { "No", YS_BOOL, 0, 0 }, { "NO", YS_BOOL, 0, 0 },
	{ "false", YS_BOOL, 0, 0 }, { "False", YS_BOOL, 0, 0 }, { "FALSE", YS_BOOL, 0, 0 },
	{ "off", YS_BOOL, 0, 0 }, { "Off", YS_BOOL, 0, 0 }, { "OFF", YS_BOOL, 0, 0 },
	{ "~", YS_NULL, 0, 0 }, { "null", YS_NULL, 0, 0 }, { "Null", YS_NULL, 0, 0 },
	{ "NULL", YS_NULL, 0, 0 },
	{ ".nan", YS_FLOAT, 0, NAN }, { ".NaN", YS_FLOAT, 0, NAN }, { ".NAN", YS_FLOAT, 0, NAN },
	{ ".inf", YS_FLOAT, 0, INFINITY }, { ".Inf", YS_FLOAT, 0, INFINITY },
	{ ".INF", YS_FLOAT, 0, INFINITY },
	{ "+.inf", YS_FLOAT, 0, INFINITY }, { "+.Inf", YS_FLOAT, 0, INFINITY },
	{ "+.INF", YS_FLOAT, 0, INFINITY },
	{ "-.inf", YS_FLOAT, 0, -INFINITY }, { "-.Inf", YS_FLOAT, 0, -INFINITY },
	{ "-.INF", YS_FLOAT, 0, -INFINITY },
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* strconv.ParseUint(s, 0, 64) on the magnitude (no sign). 0 or -1. */
static int parse_go_uint(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0;

	if (len == 0)
		return -1;
	if (s[0] == '0' && len > 1) {
		char p = s[1];
		if (p == 'x' || p == 'X') {
			base = 16;
			i = 2;
		} else if (p == 'o' || p == 'O') {
			base = 8;
			i = 2;
		} else if (p == 'b' || p == 'B') {
			base = 2;
			i = 2;
		} else {
			base = 8;
			i = 1;
		}
		if (i == len)
			return -1;
	}
	for (; i < len; i++) {
		unsigned d = (unsigned)digit_value((unsigned char)s[i]);
		if (d >= base)
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;   /* out of range, as ErrRange */
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int yaml_style_float(const char *s, size_t len)
{
	size_t i = 0, n;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < len && s[i] == '.') {
		i++;
		for (n = 0; i < len && is_digit((unsigned char)s[i]); i++)
			n++;
		if (!n)
			return 0;
	} else {
		for (n = 0; i < len && is_digit((unsigned char)s[i]); i++)
			n++;
		if (!n)
			return 0;
		if (i < len && s[i] == '.') {
			i++;
			while (i < len && is_digit((unsigned char)s[i]))
				i++;
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (n = 0; i < len && is_digit((unsigned char)s[i]); i++)
			n++;
		if (!n)
			return 0;
	}
	return i == len;
}

/* strconv.ParseFloat on a yamlStyleFloat string: fails on overflow. */
static int parse_float(const char *s, size_t len, double *out)
{
	char buf[512];
	char *end;
	double d;

	if (len >= sizeof(buf)) {
		/* Long digit strings are still numbers; keep what strtod needs. */
		char *tmp = malloc(len + 1);
		if (!tmp)
			return -1;
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		d = strtod(tmp, &end);
		free(tmp);
	} else {
		memcpy(buf, s, len);
		buf[len] = '\0';
		d = strtod(buf, &end);
	}
	if (isinf(d))
		return -1;
	*out = d;
	return 0;
}

static void resolve_number(const char *in, size_t len, struct ys_value *v)
{
	char stack[128];
	char *plain = len < sizeof(stack) ? stack : malloc(len + 1);
	size_t n = 0, i;
	uint64_t u;
	double d;

	v->type = YS_STR;
	if (!plain)
		return;
	for (i = 0; i < len; i++)
		if (in[i] != '_')
			plain[n++] = in[i];
	plain[n] = '\0';

	/* ParseInt(plain, 0, 64): optional sign, then ParseUint's syntax. */
	if (n > 0) {
		int neg = plain[0] == '-';
		size_t off = (plain[0] == '-' || plain[0] == '+') ? 1 : 0;
		if (parse_go_uint(plain + off, n - off, &u) == 0) {
			if (!neg && u <= (uint64_t)INT64_MAX) {
				v->type = YS_INT;
				v->i = (int64_t)u;
				goto out;
			}
			if (neg && u <= (uint64_t)INT64_MAX + 1) {
				v->type = YS_INT;
				v->i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
				goto out;
			}
			/* ParseUint refuses any sign. */
			if (off == 0) {
				v->type = YS_UINT;
				v->u = u;
				goto out;
			}
		}
	}
	if (yaml_style_float(plain, n) && parse_float(plain, n, &d) == 0) {
		v->type = YS_FLOAT;
		v->d = d;
	}
out:
	if (plain != stack)
		free(plain);
}

void ys_resolve_plain(const char *s, size_t len, struct ys_value *v)
{
	size_t i;
	char hint;

	memset(v, 0, sizeof(*v));
	v->type = YS_STR;
	if (len == 0) {
		v->type = YS_NULL;
		return;
	}
	switch (s[0]) {
	case '+': case '-':
		hint = 'S';
		break;
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		hint = 'D';
		break;
	case 'y': case 'Y': case 'n': case 'N': case 't': case 'T':
	case 'f': case 'F': case 'o': case 'O': case '~':
		hint = 'M';
		break;
	case '.':
		hint = '.';
		break;
	default:
		return;
	}
	for (i = 0; i < sizeof(ys_words) / sizeof(ys_words[0]); i++) {
		const struct ys_word *w = &ys_words[i];
		if (strlen(w->word) == len && memcmp(w->word, s, len) == 0) {
			v->type = w->type;
			v->b = w->b;
			v->d = w->d;
			return;
		}
	}
	if (hint == 'M')
		return;
	if (hint == '.') {
		/* ParseFloat on the text as is (no underscores allowed). */
		double d;
		if (yaml_style_float(s, len) && parse_float(s, len, &d) == 0) {
			v->type = YS_FLOAT;
			v->d = d;
		}
		return;
	}
	/* go-yaml tries timestamps first, but decoding into interface{}
	 * keeps them as strings, and no timestamp parses as a number. */
	resolve_number(s, len, v);
}

/* go-yaml v2 quotes "base 60 floats" (1:20) on output for YAML 1.1
 * readers: [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)? */
static int is_base60_float(const char *s, size_t len)
{
	size_t i = 0, n;
	int groups = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= len || !is_digit((unsigned char)s[i]))
		return 0;
	while (i < len && (is_digit((unsigned char)s[i]) || s[i] == '_'))
		i++;
	while (i < len && s[i] == ':') {
		i++;
		for (n = 0; i < len && is_digit((unsigned char)s[i]) && n < 2; i++)
			n++;
		if (n == 0 || (n == 2 && s[i - 2] > '5'))
			return 0;
		groups++;
	}
	if (!groups)
		return 0;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && (is_digit((unsigned char)s[i]) || s[i] == '_'))
			i++;
	}
	return i == len;
}

/* Go's time.getnum: one or two digits (exactly two when fixed). */
static int ts_num(const char *s, size_t len, size_t *i, int fixed, int *out)
{
	if (*i >= len || !is_digit((unsigned char)s[*i]))
		return -1;
	if (*i + 1 >= len || !is_digit((unsigned char)s[*i + 1])) {
		if (fixed)
			return -1;
		*out = s[(*i)++] - '0';
		return 0;
	}
	*out = (s[*i] - '0') * 10 + (s[*i + 1] - '0');
	*i += 2;
	return 0;
}

static int ts_days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* go-yaml v2 resolves a plain scalar as a timestamp (and so quotes such a
 * string on output) when Go's time.Parse accepts it with one of the
 * layouts "2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case
 * 't', "2006-1-2 15:4:5.999999999" or "2006-1-2". This follows time.Parse
 * for exactly those layouts: a layout space eats any run of spaces, the
 * fraction takes any number of digits after '.' or ',', the zone is 'Z'
 * or [+-]hh:mm, and the day must exist in that month. */
static int is_go_timestamp(const char *s, size_t len)
{
	size_t i = 0;
	int year, month, day, hour, min, sec, tzh, tzm;

	for (i = 0; i < 4; i++)
		if (i >= len || !is_digit((unsigned char)s[i]))
			return 0;
	if (i >= len || s[i] != '-')
		return 0;
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	i++;
	if (ts_num(s, len, &i, 0, &month) || month < 1 || month > 12)
		return 0;
	if (i >= len || s[i++] != '-')
		return 0;
	if (ts_num(s, len, &i, 0, &day) || day < 1 || day > ts_days_in(month, year))
		return 0;
	if (i == len)
		return 1;       /* "2006-1-2" */
	if (s[i] == 'T' || s[i] == 't') {
		i++;
		if (ts_num(s, len, &i, 0, &hour) || hour >= 24 || i >= len || s[i++] != ':' ||
		    ts_num(s, len, &i, 0, &min) || min >= 60 || i >= len || s[i++] != ':' ||
		    ts_num(s, len, &i, 0, &sec) || sec >= 60)
			return 0;
		if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit((unsigned char)s[i + 1]))
			for (i++; i < len && is_digit((unsigned char)s[i]); i++)
				;
		if (i < len && s[i] == 'Z')
			return i + 1 == len;
		if (len - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':')
			return 0;
		i++;
		if (ts_num(s, len, &i, 1, &tzh) || tzh > 24)
			return 0;
		i++;
		if (ts_num(s, len, &i, 1, &tzm) || tzm > 60)
			return 0;
		return i == len;
	}
	if (s[i] != ' ')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	if (ts_num(s, len, &i, 0, &hour) || hour >= 24 || i >= len || s[i++] != ':' ||
	    ts_num(s, len, &i, 0, &min) || min >= 60 || i >= len || s[i++] != ':' ||
	    ts_num(s, len, &i, 0, &sec) || sec >= 60)
		return 0;
	if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit((unsigned char)s[i + 1]))
		for (i++; i < len && is_digit((unsigned char)s[i]); i++)
			;
	return i == len;
}

int ys_needs_quotes(const char *s, size_t len)
{
	struct ys_value v;

	ys_resolve_plain(s, len, &v);
	if (v.type != YS_STR)
		return 1;
	return is_base60_float(s, len) || is_go_timestamp(s, len);
}

void ys_format_key_float(char *buf, size_t size, double v)
{
	float f = (float)v;
	char digits[32], tmp[48];
	int prec, exp, nd, i;
	char *e;
	size_t o = 0;

	if (isnan(v)) {
		snprintf(buf, size, ".nan");
		return;
	}
	if (isinf(f)) {
		snprintf(buf, size, "%s", f > 0 ? ".inf" : "-.inf");
		return;
	}
	if (f == 0) {
		snprintf(buf, size, "%s", signbit(f) ? "-0" : "0");
		return;
	}
	/* Shortest decimal that reads back as the same float32. */
	for (prec = 1; prec <= 9; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, (double)f);
		if (strtof(tmp, NULL) == f)
			break;
	}
	e = strchr(tmp, 'e');
	exp = e ? atoi(e + 1) : 0;
	nd = 0;
	for (i = 0; tmp + i < (e ? e : tmp + strlen(tmp)); i++)
		if (is_digit((unsigned char)tmp[i]))
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (f < 0)
		tmp[o++] = '-';
	if (exp < -4 || exp >= 6) {
		tmp[o++] = digits[0];
		if (nd > 1) {
			tmp[o++] = '.';
			for (i = 1; i < nd; i++)
				tmp[o++] = digits[i];
		}
		o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, "e%c%02d",
				      exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		tmp[o++] = '0';
		tmp[o++] = '.';
		for (i = exp + 1; i < 0; i++)
			tmp[o++] = '0';
		for (i = 0; i < nd; i++)
			tmp[o++] = digits[i];
	} else {
		for (i = 0; i <= exp; i++)
			tmp[o++] = i < nd ? digits[i] : '0';
		if (nd > exp + 1) {
			tmp[o++] = '.';
			for (i = exp + 1; i < nd; i++)
				tmp[o++] = digits[i];
		}
	}
	tmp[o] = '\0';
	snprintf(buf, size, "%s", tmp);
}
