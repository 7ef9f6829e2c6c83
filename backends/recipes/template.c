/* template.c - ${param} expansion for overlays (see template.h). */
#include "backends/recipes/template.h"

#include <string.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

static void add_value_text(struct strbuf *sb, const json_t *v)
{
	if (json_is_string(v))
		strbuf_addstr(sb, json_string_value(v));
	else if (json_is_integer(v))
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		strbuf_addstr(sb, json_is_true(v) ? "true" : "false");
	else if (json_is_real(v))
		strbuf_addf(sb, "%g", json_real_value(v));
}

int tpl_expand_string(const char *s, const json_t *params, json_t **out, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = s;

	*out = NULL;
	/* The whole string is one placeholder: keep the parameter's type. */
	if (s[0] == '$' && s[1] == '{') {
		const char *end = strchr(s + 2, '}');

		if (end && end[1] == '\0') {
			char *name = xstrndup(s + 2, (size_t)(end - s - 2));
			json_t *v = json_object_get(params, name);

			if (!v) {
				kerr_set(err, KERR_INVALID, "unknown parameter ${%s}", name);
				free(name);
				return -1;
			}
			free(name);
			*out = json_deep_copy(v);
			return 0;
		}
	}
	while (*p) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			strbuf_addstr(&sb, "${");
			p += 3;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			char *name;
			json_t *v;

			if (!end) {
				kerr_set(err, KERR_INVALID, "unclosed \"${\" in \"%s\"", s);
				strbuf_release(&sb);
				return -1;
			}
			name = xstrndup(p + 2, (size_t)(end - p - 2));
			v = json_object_get(params, name);
			if (!v) {
				kerr_set(err, KERR_INVALID, "unknown parameter ${%s} in \"%s\"", name, s);
				free(name);
				strbuf_release(&sb);
				return -1;
			}
			free(name);
			add_value_text(&sb, v);
			p = end + 1;
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	*out = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

int tpl_expand(const json_t *v, const json_t *params, json_t **out, struct kerr *err)
{
	*out = NULL;
	if (json_is_string(v))
		return tpl_expand_string(json_string_value(v), params, out, err);
	if (json_is_array(v)) {
		json_t *arr = json_array(), *e, *x;
		size_t i;

		json_array_foreach(v, i, e) {
			if (tpl_expand(e, params, &x, err)) {
				json_decref(arr);
				return -1;
			}
			json_array_append_new(arr, x);
		}
		*out = arr;
		return 0;
	}
	if (json_is_object(v)) {
		json_t *obj = json_object(), *e, *x, *k;
		const char *key;

		json_object_foreach((json_t *)v, key, e) {
			if (tpl_expand_string(key, params, &k, err)) {
				json_decref(obj);
				return -1;
			}
			if (!json_is_string(k)) {
				/* A key that was exactly ${int}: write it as text. */
				struct strbuf sb = STRBUF_INIT;

				add_value_text(&sb, k);
				json_decref(k);
				k = json_string(sb.buf);
				strbuf_release(&sb);
			}
			if (tpl_expand(e, params, &x, err)) {
				json_decref(k);
				json_decref(obj);
				return -1;
			}
			json_object_set_new(obj, json_string_value(k), x);
			json_decref(k);
		}
		*out = obj;
		return 0;
	}
	*out = json_deep_copy(v);
	return 0;
}

int tpl_render(const char *text, const char *name, const json_t *params, json_t **docs_out,
	       struct kerr *err)
{
	json_t *docs, *out;

	*docs_out = NULL;
	if (yj_load_stream(text, strlen(text), name, &docs, err))
		return kerr_prefix(err, "overlay %s", name);
	if (tpl_expand(docs, params, &out, err)) {
		json_decref(docs);
		return kerr_prefix(err, "overlay %s", name);
	}
	json_decref(docs);
	*docs_out = out;
	return 0;
}
