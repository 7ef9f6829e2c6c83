/* yamlscalar.h - YAML 1.1 plain scalar resolution as go-yaml v2 does it
 * (the rules sigs.k8s.io/yaml, and so kubectl, apply). Private to
 * lib/yamljson.c and lib/yamldump.c.
 */
#ifndef KURATOR_YAMLSCALAR_H
#define KURATOR_YAMLSCALAR_H

#include <stddef.h>
#include <stdint.h>

enum ys_type { YS_STR, YS_NULL, YS_BOOL, YS_INT, YS_UINT, YS_FLOAT, YS_MERGE };

struct ys_value {
	enum ys_type type;
	int b;         /* YS_BOOL */
	int64_t i;     /* YS_INT */
	uint64_t u;    /* YS_UINT: above INT64_MAX only */
	double d;      /* YS_FLOAT, may be inf or nan */
};

/* Resolve an untagged plain scalar. */
void ys_resolve_plain(const char *s, size_t len, struct ys_value *v);

/* 1 when a string written plain would not read back as the same string
 * (it resolves to another type, or is a base 60 float go-yaml quotes).
 * As a mapping key, "<<" needs quotes too (the caller's business). */
int ys_needs_quotes(const char *s, size_t len);

/* Go's strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml turns a
 * float mapping key into a string (".inf", "-.inf", ".nan" for the rest). */
void ys_format_key_float(char *buf, size_t size, double v);

#endif
