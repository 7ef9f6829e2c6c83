/* recipe.c - parse and validate one recipe document (the README's "Recipes" section). */
#include "backends/recipes/recipe.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "lib/yamljson.h"

/* Where in the document we are, for error messages. */
struct pctx {
	const char *origin;
	struct kerr *err;
};

static int bad(struct pctx *p, const char *where, const char *fmt, const char *what)
{
	kerr_set(p->err, KERR_INVALID, "recipe %s: %s: ", p->origin, where);
	size_t len = strlen(p->err->msg);
	snprintf(p->err->msg + len, sizeof p->err->msg - len, fmt, what ? what : "");
	return -1;
}

static const char *get_str(struct pctx *p, json_t *obj, const char *key, int required,
			   const char *where, int *failed)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		if (required) {
			bad(p, where, "missing \"%s\"", key);
			*failed = 1;
		}
		return NULL;
	}
	if (!json_is_string(v)) {
		bad(p, where, "\"%s\" must be a string", key);
		*failed = 1;
		return NULL;
	}
	return json_string_value(v);
}

static int valid_label_value(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

static int valid_param_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

static int valid_sha256(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return 0;
	return 1;
}

/* Lists of maps: NULL/absent is an empty list. */
static json_t *get_list(struct pctx *p, json_t *obj, const char *key, const char *where,
			int *failed)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		bad(p, where, "\"%s\" must be a list", key);
		*failed = 1;
		return NULL;
	}
	return v;
}

static int parse_ref(struct pctx *p, json_t *m, struct kref *ref, const char *where)
{
	int failed = 0;

	if (!json_is_object(m))
		return bad(p, where, "must be a mapping with apiVersion, kind, name%s", "");
	ref->api_version = get_str(p, m, "apiVersion", 1, where, &failed);
	ref->kind = get_str(p, m, "kind", 1, where, &failed);
	ref->name = get_str(p, m, "name", 1, where, &failed);
	ref->ns = get_str(p, m, "namespace", 0, where, &failed);
	if (!ref->ns)
		ref->ns = "";
	return failed ? -1 : 0;
}

static int parse_when(struct pctx *p, const struct recipe *r, const char *when,
		      const char *where)
{
	const struct rparam *pa;

	if (!when)
		return 0;
	pa = recipe_param(r, when[0] == '!' ? when + 1 : when);
	if (!pa)
		return bad(p, where, "when: \"%s\" is not a parameter", when);
	if (pa->type != RPARAM_BOOL)
		return bad(p, where, "when: \"%s\" is not a bool parameter", when);
	return 0;
}

static int param_value_ok(const struct rparam *pa, const json_t *v)
{
	switch (pa->type) {
	case RPARAM_STRING: return json_is_string(v);
	case RPARAM_INT: return json_is_integer(v);
	case RPARAM_BOOL: return json_is_boolean(v);
	}
	return 0;
}

static int parse_params(struct pctx *p, struct recipe *r)
{
	int failed = 0;
	json_t *list = get_list(p, r->doc, "parameters", "parameters", &failed), *m;
	size_t i;

	if (failed)
		return -1;
	r->nparams = list ? json_array_size(list) : 0;
	r->params = xcalloc(r->nparams + 1, sizeof *r->params);
	json_array_foreach(list, i, m) {
		struct rparam *pa = &r->params[i];
		char where[64];
		const char *type;

		snprintf(where, sizeof where, "parameters[%zu]", i);
		if (!json_is_object(m))
			return bad(p, where, "must be a mapping%s", "");
		pa->name = get_str(p, m, "name", 1, where, &failed);
		type = get_str(p, m, "type", 1, where, &failed);
		pa->description = get_str(p, m, "description", 0, where, &failed);
		if (failed)
			return -1;
		if (!valid_param_name(pa->name))
			return bad(p, where, "bad parameter name \"%s\" (letters, digits, _ . -)",
				   pa->name);
		if (!strcmp(type, "string"))
			pa->type = RPARAM_STRING;
		else if (!strcmp(type, "int"))
			pa->type = RPARAM_INT;
		else if (!strcmp(type, "bool"))
			pa->type = RPARAM_BOOL;
		else
			return bad(p, where, "type \"%s\" is not one of string, int, bool", type);
		pa->dflt = json_object_get(m, "default");
		if (!pa->dflt || !param_value_ok(pa, pa->dflt))
			return bad(p, where, "parameter %s needs a default of its type", pa->name);
		pa->choices = json_object_get(m, "choices");
		if (pa->choices) {
			json_t *c;
			size_t k;
			int dflt_ok = 0;

			if (!json_is_array(pa->choices))
				return bad(p, where, "choices must be a list%s", "");
			json_array_foreach(pa->choices, k, c) {
				if (!param_value_ok(pa, c))
					return bad(p, where, "choices of %s must have its type",
						   pa->name);
				if (json_equal(c, pa->dflt))
					dflt_ok = 1;
			}
			if (!dflt_ok)
				return bad(p, where, "the default of %s is not among its choices",
					   pa->name);
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->params[k].name, pa->name))
				return bad(p, where, "parameter \"%s\" defined twice", pa->name);
	}
	return 0;
}

static int parse_select(struct pctx *p, json_t *m, struct rselect *s, const char *where)
{
	static const char *const keys[] = { "kind", "name", "namespace", "file", "group" };
	json_t **slots[] = { &s->kind, &s->name, &s->ns, &s->file, &s->group };
	const char *key;
	json_t *v;

	if (!json_is_object(m))
		return bad(p, where, "a selector is a mapping of kind/name/namespace/file/group%s",
			   "");
	json_object_foreach(m, key, v) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(key, keys[k]))
				break;
		if (k == ARRAY_SIZE(keys))
			return bad(p, where, "unknown selector key \"%s\"", key);
		if (json_is_array(v)) {
			json_t *e;
			size_t j;

			json_array_foreach(v, j, e)
				if (!json_is_string(e))
					return bad(p, where, "\"%s\" must hold strings", key);
		} else if (!json_is_string(v)) {
			return bad(p, where, "\"%s\" must be a string or a list of strings", key);
		}
		*slots[k] = v;
	}
	return 0;
}

static int parse_selects(struct pctx *p, json_t *v, struct rselect **out, size_t *n,
			 const char *where)
{
	char w[128];

	if (!v || json_is_null(v)) {
		*out = xcalloc(1, sizeof **out);
		*n = 0;
		return 0;
	}
	if (json_is_object(v)) {
		*out = xcalloc(1, sizeof **out);
		*n = 1;
		return parse_select(p, v, *out, where);
	}
	if (!json_is_array(v))
		return bad(p, where, "select must be a selector or a list of them%s", "");
	*n = json_array_size(v);
	*out = xcalloc(*n + 1, sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		snprintf(w, sizeof w, "%s[%zu]", where, i);
		if (parse_select(p, json_array_get(v, i), &(*out)[i], w))
			return -1;
	}
	return 0;
}

static int parse_check(struct pctx *p, json_t *m, struct rcheck *c, const char *where)
{
	static const struct { const char *key; enum rcheck_type type; } types[] = {
		{ "exists", RCHECK_EXISTS }, { "condition", RCHECK_CONDITION },
		{ "field", RCHECK_FIELD }, { "ready", RCHECK_READY },
	};
	int failed = 0, found = 0;
	json_t *body = NULL;

	if (!json_is_object(m))
		return bad(p, where, "a check is a mapping%s", "");
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		json_t *v = json_object_get(m, types[i].key);

		if (!v)
			continue;
		if (found++)
			return bad(p, where, "a check has exactly one of exists, condition, field, ready%s",
				   "");
		c->type = types[i].type;
		body = v;
	}
	if (!found)
		return bad(p, where, "a check needs one of exists, condition, field, ready%s", "");
	if (parse_ref(p, body, &c->ref, where))
		return -1;
	c->description = get_str(p, m, "description", 0, where, &failed);
	if (c->type == RCHECK_CONDITION) {
		c->cond_type = get_str(p, body, "type", 1, where, &failed);
		c->equals = get_str(p, body, "status", 0, where, &failed);
		if (!c->equals)
			c->equals = "True";
	} else if (c->type == RCHECK_FIELD) {
		c->field = get_str(p, body, "path", 1, where, &failed);
		c->equals = get_str(p, body, "equals", 0, where, &failed);
	}
	return failed ? -1 : 0;
}

static int parse_phases(struct pctx *p, struct recipe *r)
{
	int failed = 0;
	json_t *list = get_list(p, r->doc, "phases", "phases", &failed), *m;
	size_t i;

	if (failed)
		return -1;
	if (!list || json_array_size(list) == 0)
		return bad(p, "phases", "a recipe needs at least one phase%s", "");
	r->nphases = json_array_size(list);
	r->phases = xcalloc(r->nphases + 1, sizeof *r->phases);
	json_array_foreach(list, i, m) {
		struct rphase *ph = &r->phases[i];
		char where[96];
		const char *wait;
		json_t *checks;

		snprintf(where, sizeof where, "phases[%zu]", i);
		if (!json_is_object(m))
			return bad(p, where, "must be a mapping%s", "");
		ph->name = get_str(p, m, "name", 1, where, &failed);
		wait = get_str(p, m, "wait", 0, where, &failed);
		ph->when = get_str(p, m, "when", 0, where, &failed);
		if (failed)
			return -1;
		snprintf(where, sizeof where, "phase %s", ph->name);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->phases[k].name, ph->name))
				return bad(p, where, "phase name used twice%s", "");
		if (wait && strcmp(wait, "ready"))
			return bad(p, where, "wait: \"%s\" (the only value is \"ready\")", wait);
		ph->wait_ready = wait != NULL;
		if (parse_when(p, r, ph->when, where))
			return -1;
		if (parse_selects(p, json_object_get(m, "select"), &ph->select, &ph->nselect,
				  where))
			return -1;
		checks = get_list(p, m, "checks", where, &failed);
		if (failed)
			return -1;
		ph->nchecks = checks ? json_array_size(checks) : 0;
		ph->checks = xcalloc(ph->nchecks + 1, sizeof *ph->checks);
		for (size_t k = 0; k < ph->nchecks; k++) {
			char w[128];

			snprintf(w, sizeof w, "%s: checks[%zu]", where, k);
			if (parse_check(p, json_array_get(checks, k), &ph->checks[k], w))
				return -1;
		}
	}
	return 0;
}

static int parse_uninstall(struct pctx *p, struct recipe *r)
{
	json_t *v = json_object_get(r->doc, "uninstall"), *e;
	size_t i, n;

	n = v && json_is_array(v) ? json_array_size(v) : r->nphases;
	if (v && !json_is_null(v) && !json_is_array(v))
		return bad(p, "uninstall", "must be a list of phase names%s", "");
	r->uninstall = xcalloc(n + 1, sizeof *r->uninstall);
	if (!v || json_is_null(v)) {
		for (i = 0; i < r->nphases; i++)
			r->uninstall[i] = r->phases[r->nphases - 1 - i].name;
		return 0;
	}
	if (n != r->nphases)
		return bad(p, "uninstall", "must name every phase exactly once%s", "");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || recipe_phase_index(r, json_string_value(e)) < 0)
			return bad(p, "uninstall", "\"%s\" is not a phase",
				   json_is_string(e) ? json_string_value(e) : "?");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->uninstall[k], json_string_value(e)))
				return bad(p, "uninstall", "phase \"%s\" named twice",
					   json_string_value(e));
		r->uninstall[i] = json_string_value(e);
	}
	return 0;
}

static int parse_body(struct pctx *p, struct recipe *r)
{
	int failed = 0;
	json_t *list, *m;
	size_t i;
	char where[96];

	if (!json_is_object(r->doc))
		return bad(p, "top level", "a recipe is a mapping%s", "");
	r->component = get_str(p, r->doc, "component", 1, "top level", &failed);
	r->version = get_str(p, r->doc, "version", 1, "top level", &failed);
	r->description = get_str(p, r->doc, "description", 0, "top level", &failed);
	r->ns = get_str(p, r->doc, "namespace", 1, "top level", &failed);
	if (failed)
		return -1;
	r->is_default = json_is_true(json_object_get(r->doc, "default"));
	if (!valid_label_value(r->component))
		return bad(p, "component", "\"%s\" is not a valid label value", r->component);
	if (!valid_label_value(r->version))
		return bad(p, "version", "\"%s\" is not a valid label value (letters, digits, - _ .)",
			   r->version);
	if (parse_params(p, r))
		return -1;

	list = get_list(p, r->doc, "detect", "detect", &failed);
	r->ndetect = list ? json_array_size(list) : 0;
	r->detect = xcalloc(r->ndetect + 1, sizeof *r->detect);
	json_array_foreach(list, i, m) {
		snprintf(where, sizeof where, "detect[%zu]", i);
		if (parse_ref(p, m, &r->detect[i], where))
			return -1;
	}

	list = get_list(p, r->doc, "artifacts", "artifacts", &failed);
	r->nartifacts = list ? json_array_size(list) : 0;
	r->artifacts = xcalloc(r->nartifacts + 1, sizeof *r->artifacts);
	json_array_foreach(list, i, m) {
		struct rartifact *a = &r->artifacts[i];

		snprintf(where, sizeof where, "artifacts[%zu]", i);
		if (!json_is_object(m))
			return bad(p, where, "must be a mapping%s", "");
		a->file = get_str(p, m, "file", 1, where, &failed);
		a->url = get_str(p, m, "url", 1, where, &failed);
		a->sha256 = get_str(p, m, "sha256", 1, where, &failed);
		a->when = get_str(p, m, "when", 0, where, &failed);
		if (failed)
			return -1;
		if (strchr(a->file, '/') || !a->file[0])
			return bad(p, where, "file \"%s\" must be a plain file name", a->file);
		if (!valid_sha256(a->sha256))
			return bad(p, where, "sha256 of %s must be 64 lowercase hex digits", a->file);
		if (parse_when(p, r, a->when, where))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->artifacts[k].file, a->file))
				return bad(p, where, "artifact \"%s\" listed twice", a->file);
	}

	list = get_list(p, r->doc, "overlays", "overlays", &failed);
	r->noverlays = list ? json_array_size(list) : 0;
	r->overlays = xcalloc(r->noverlays + 1, sizeof *r->overlays);
	json_array_foreach(list, i, m) {
		struct roverlay *o = &r->overlays[i];

		snprintf(where, sizeof where, "overlays[%zu]", i);
		if (!json_is_object(m))
			return bad(p, where, "must be a mapping%s", "");
		o->name = get_str(p, m, "name", 1, where, &failed);
		o->template_text = get_str(p, m, "template", 1, where, &failed);
		o->when = get_str(p, m, "when", 0, where, &failed);
		if (failed || parse_when(p, r, o->when, where))
			return -1;
	}

	if (parse_selects(p, json_object_get(r->doc, "skip"), &r->skip, &r->nskip, "skip"))
		return -1;
	if (parse_phases(p, r))
		return -1;

	list = get_list(p, r->doc, "runtime-objects", "runtime-objects", &failed);
	r->nruntime = list ? json_array_size(list) : 0;
	r->runtime = xcalloc(r->nruntime + 1, sizeof *r->runtime);
	json_array_foreach(list, i, m) {
		snprintf(where, sizeof where, "runtime-objects[%zu]", i);
		if (parse_ref(p, m, &r->runtime[i].ref, where))
			return -1;
		r->runtime[i].with_crds = json_is_true(json_object_get(m, "with-crds"));
		r->runtime[i].phase = get_str(p, m, "phase", 1, where, &failed);
		if (failed)
			return -1;
		if (recipe_phase_index(r, r->runtime[i].phase) < 0)
			return bad(p, where, "phase \"%s\" is not a phase", r->runtime[i].phase);
	}
	if (failed)
		return -1;
	return parse_uninstall(p, r);
}

int recipe_parse(const char *text, size_t len, const char *name, struct recipe **out,
		 struct kerr *err)
{
	struct recipe *r = xcalloc(1, sizeof *r);
	struct pctx p = { .origin = name ? name : "(recipe)", .err = err };

	*out = NULL;
	r->origin_buf = xstrdup(p.origin);
	r->origin = r->origin_buf;
	if (yj_load_one(text, len, p.origin, &r->doc, err)) {
		kerr_prefix(err, "recipe %s", p.origin);
		recipe_free(r);
		return -1;
	}
	if (parse_body(&p, r)) {
		recipe_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void recipe_free(struct recipe *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->phases && i < r->nphases; i++) {
		free(r->phases[i].select);
		free(r->phases[i].checks);
	}
	free(r->phases);
	free(r->params);
	free(r->detect);
	free(r->artifacts);
	free(r->overlays);
	free(r->skip);
	free(r->runtime);
	free(r->uninstall);
	free(r->origin_buf);
	json_decref(r->doc);
	free(r);
}

const struct rparam *recipe_param(const struct recipe *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (r->params[i].name && !strcmp(r->params[i].name, name))
			return &r->params[i];
	return NULL;
}

int recipe_phase_index(const struct recipe *r, const char *name)
{
	for (size_t i = 0; i < r->nphases; i++)
		if (r->phases[i].name && !strcmp(r->phases[i].name, name))
			return (int)i;
	return -1;
}

const struct rphase *recipe_phase(const struct recipe *r, const char *name)
{
	int i = recipe_phase_index(r, name);

	return i < 0 ? NULL : &r->phases[i];
}

int recipe_when(const char *when, const json_t *params)
{
	int neg;
	json_t *v;

	if (!when)
		return 1;
	neg = when[0] == '!';
	v = json_object_get(params, neg ? when + 1 : when);
	return json_is_true(v) ? !neg : neg;
}

/* Parse a command-line value for a parameter. New reference or NULL. */
static json_t *param_from_text(const struct rparam *pa, const char *s)
{
	char *end;
	long long n;

	switch (pa->type) {
	case RPARAM_STRING:
		return json_string(s);
	case RPARAM_INT:
		errno = 0;
		n = strtoll(s, &end, 10);
		if (!*s || *end || errno)
			return NULL;
		return json_integer(n);
	case RPARAM_BOOL:
		if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
			return json_true();
		if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
			return json_false();
		return NULL;
	}
	return NULL;
}

static const char *type_name(enum rparam_type t)
{
	return t == RPARAM_INT ? "int" : t == RPARAM_BOOL ? "bool" : "string";
}

static void list_params(const struct recipe *r, struct kerr *err)
{
	char buf[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < r->nparams && len < sizeof buf; i++)
		len += snprintf(buf + len, sizeof buf - len, "%s%s (%s)", i ? ", " : "",
				r->params[i].name, type_name(r->params[i].type));
	if (r->nparams)
		kerr_hint(err, "parameters of %s %s: %s", r->component, r->version, buf);
	else
		kerr_hint(err, "%s %s takes no parameters", r->component, r->version);
}

int recipe_params_resolve(const struct recipe *r, const json_t *base, const char *const *sets,
			  size_t nsets, json_t **out, struct kerr *err)
{
	json_t *params = json_object();

	*out = NULL;
	for (size_t i = 0; i < r->nparams; i++) {
		const struct rparam *pa = &r->params[i];
		json_t *b = base ? json_object_get(base, pa->name) : NULL;

		/* Earlier values survive only while they still fit the parameter. */
		if (b && param_value_ok(pa, b))
			json_object_set(params, pa->name, b);
		else
			json_object_set(params, pa->name, pa->dflt);
	}
	for (size_t i = 0; i < nsets; i++) {
		const char *eq = strchr(sets[i], '=');
		char *key;
		const struct rparam *pa;
		json_t *v;

		if (!eq || eq == sets[i]) {
			kerr_set(err, KERR_USAGE, "--set %s: expected NAME=VALUE", sets[i]);
			json_decref(params);
			return -1;
		}
		key = xstrndup(sets[i], (size_t)(eq - sets[i]));
		pa = recipe_param(r, key);
		if (!pa) {
			kerr_set(err, KERR_USAGE, "--set %s: %s %s has no parameter \"%s\"", sets[i],
				 r->component, r->version, key);
			list_params(r, err);
			free(key);
			json_decref(params);
			return -1;
		}
		free(key);
		v = param_from_text(pa, eq + 1);
		if (!v) {
			kerr_set(err, KERR_USAGE, "--set %s: \"%s\" is not a valid %s", sets[i], eq + 1,
				 type_name(pa->type));
			json_decref(params);
			return -1;
		}
		if (pa->choices) {
			json_t *c;
			size_t k;
			int ok = 0;

			json_array_foreach(pa->choices, k, c)
				if (json_equal(c, v))
					ok = 1;
			if (!ok) {
				char *ch = json_dumps(pa->choices, JSON_COMPACT | JSON_ENCODE_ANY);

				kerr_set(err, KERR_USAGE, "--set %s: %s must be one of %s", sets[i],
					 pa->name, ch ? ch : "?");
				free(ch);
				json_decref(v);
				json_decref(params);
				return -1;
			}
		}
		json_object_set_new(params, pa->name, v);
	}
	*out = params;
	return 0;
}

const char *kref_group(const char *api_version, char *buf, size_t size)
{
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	size_t n;

	if (!slash) {
		buf[0] = '\0';
		return buf;
	}
	n = (size_t)(slash - api_version);
	if (n >= size)
		n = size - 1;
	memcpy(buf, api_version, n);
	buf[n] = '\0';
	return buf;
}
