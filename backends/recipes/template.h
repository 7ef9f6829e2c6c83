/* template.h - the placeholder syntax of kurator's own overlays.
 *
 * Only overlays (templates written for kurator) are expanded; upstream
 * artifacts pass through untouched, whatever text they hold (kube-prometheus
 * rules carry "{{ $labels.job }}" of their own).
 *
 * Syntax, applied to every string (values and mapping keys) after the
 * overlay's YAML is parsed, so a value can never break the YAML around it:
 *   ${name}    the parameter's value. A string that is exactly "${name}"
 *              becomes the parameter with its type (int and bool stay
 *              numbers and booleans); inside a longer string the value is
 *              written as text (true/false, decimal).
 *   $${        a literal "${".
 * An unknown parameter or an unclosed "${" is an error naming both.
 *
 * Owner: backends/recipes/template.c. Results are new references.
 */
#ifndef KURATOR_RECIPES_TEMPLATE_H
#define KURATOR_RECIPES_TEMPLATE_H

#include <jansson.h>

#include "lib/err.h"

/* Expand one string. */
int tpl_expand_string(const char *s, const json_t *params, json_t **out, struct kerr *err);
/* Expand a whole JSON value (deep copy). */
int tpl_expand(const json_t *v, const json_t *params, json_t **out, struct kerr *err);
/* Parse an overlay (YAML, one or more documents) and expand it: a new
 * array of documents. name is used in messages. */
int tpl_render(const char *text, const char *name, const json_t *params, json_t **docs_out,
	       struct kerr *err);

#endif
