/* patch-merge.c - RFC 7386 JSON merge patch and RFC 6902 JSON patch (patch.h). */
#include "sim/patch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- RFC 7386 ------------------------------------------------------------ */

/* A copy of v with null members dropped from objects (what a merge patch
 * sets when the target has nothing to merge into). */
static json_t *strip_nulls(const json_t *v)
{
	const char *k;
	json_t *x, *c;

	if (!json_is_object(v))
		return json_deep_copy(v);
	c = json_object();
	json_object_foreach((json_t *)v, k, x) {
		if (!json_is_null(x))
			json_object_set_new(c, k, strip_nulls(x));
	}
	return c;
}

static void merge_into(json_t *target, const json_t *patch)
{
	const char *k;
	json_t *pv;

	json_object_foreach((json_t *)patch, k, pv) {
		json_t *tv = json_object_get(target, k);

		if (json_is_null(pv))
			json_object_del(target, k);
		else if (json_is_object(pv) && json_is_object(tv))
			merge_into(tv, pv);
		else
			json_object_set_new(target, k, strip_nulls(pv));
	}
}

int sim_merge_patch(json_t *target, const json_t *patch, struct kerr *err)
{
	if (!json_is_object(patch))
		return kerr_set(err, KERR_INVALID, "a merge patch must be a JSON object");
	if (!json_is_object(target))
		return kerr_set(err, KERR_INVALID, "the patched document is not a JSON object");
	merge_into(target, patch);
	return 0;
}

/* ---- RFC 6901 pointers --------------------------------------------------- */

/* Split a pointer into unescaped tokens. Returns a new array of strings, or
 * NULL for a malformed pointer. */
static json_t *pointer_tokens(const char *ptr)
{
	json_t *toks = json_array();
	const char *p = ptr;

	if (!*p)
		return toks;
	if (*p != '/') {
		json_decref(toks);
		return NULL;
	}
	while (*p == '/') {
		const char *end = strchr(p + 1, '/');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		char *tok = malloc(n + 1);
		size_t i, j = 0;

		for (i = 0; i < n; i++) {
			char c = p[1 + i];
			if (c == '~') {
				char e = i + 1 < n ? p[2 + i] : 0;
				if (e != '0' && e != '1') {
					free(tok);
					json_decref(toks);
					return NULL;
				}
				tok[j++] = e == '0' ? '~' : '/';
				i++;
			} else {
				tok[j++] = c;
			}
		}
		tok[j] = 0;
		json_array_append_new(toks, json_string(tok));
		free(tok);
		if (!end)
			break;
		p = end;
	}
	return toks;
}

/* Array index token: digits only, no leading zero (RFC 6901). -1 if not. */
static long array_index(const char *tok)
{
	char *end;
	long v;

	if (!*tok || (tok[0] == '0' && tok[1]) || tok[0] < '0' || tok[0] > '9')
		return -1;
	errno = 0;
	v = strtol(tok, &end, 10);
	if (*end || errno)
		return -1;
	return v;
}

/* Resolve all tokens but the last: the parent container of the target. */
static json_t *resolve(json_t *doc, const json_t *toks, size_t upto)
{
	json_t *cur = doc;
	size_t i;

	for (i = 0; i < upto && cur; i++) {
		const char *tok = json_string_value(json_array_get(toks, i));
		if (json_is_object(cur)) {
			cur = json_object_get(cur, tok);
		} else if (json_is_array(cur)) {
			long idx = array_index(tok);
			cur = idx < 0 ? NULL : json_array_get(cur, (size_t)idx);
		} else {
			cur = NULL;
		}
	}
	return cur;
}

static json_t *pointer_get(json_t *doc, const char *ptr)
{
	json_t *toks = pointer_tokens(ptr), *v;

	if (!toks)
		return NULL;
	v = resolve(doc, toks, json_array_size(toks));
	json_decref(toks);
	return v;
}

enum ptr_op { PTR_ADD, PTR_REMOVE, PTR_REPLACE };

/* add/remove/replace at ptr. value is stolen (may be NULL for remove).
 * *removed (if not NULL) receives the removed value (new reference). */
static int pointer_apply(json_t **doc, const char *ptr, enum ptr_op op, json_t *value,
			 json_t **removed, struct kerr *err)
{
	json_t *toks = pointer_tokens(ptr), *parent;
	const char *last;
	size_t n;
	int rc = -1;

	if (!toks) {
		json_decref(value);
		return kerr_set(err, KERR_INVALID, "invalid JSON pointer %s", ptr);
	}
	n = json_array_size(toks);
	if (n == 0) {
		/* The whole document. */
		if (op == PTR_REMOVE) {
			json_decref(toks);
			return kerr_set(err, KERR_INVALID, "cannot remove the whole document");
		}
		if (removed)
			*removed = json_incref(*doc);
		json_decref(*doc);
		*doc = value;
		json_decref(toks);
		return 0;
	}
	parent = resolve(*doc, toks, n - 1);
	last = json_string_value(json_array_get(toks, n - 1));
	if (json_is_object(parent)) {
		json_t *cur = json_object_get(parent, last);
		if (op != PTR_ADD && !cur) {
			kerr_set(err, KERR_INVALID, "doc is missing key: %s", ptr);
			goto out;
		}
		if (removed && cur)
			*removed = json_incref(cur);
		if (op == PTR_REMOVE)
			json_object_del(parent, last);
		else
			json_object_set(parent, last, value);
		rc = 0;
	} else if (json_is_array(parent)) {
		size_t sz = json_array_size(parent);
		long idx = strcmp(last, "-") == 0 && op == PTR_ADD ? (long)sz : array_index(last);

		if (idx < 0 || (op == PTR_ADD ? (size_t)idx > sz : (size_t)idx >= sz)) {
			kerr_set(err, KERR_INVALID, "index out of range in %s (array of %zu)", ptr, sz);
			goto out;
		}
		if (removed && op != PTR_ADD)
			*removed = json_incref(json_array_get(parent, (size_t)idx));
		if (op == PTR_ADD)
			json_array_insert(parent, (size_t)idx, value);
		else if (op == PTR_REPLACE)
			json_array_set(parent, (size_t)idx, value);
		else
			json_array_remove(parent, (size_t)idx);
		rc = 0;
	} else {
		kerr_set(err, KERR_INVALID, "doc is missing path: %s", ptr);
	}
out:
	json_decref(value);
	json_decref(toks);
	return rc;
}

static const char *op_str(const json_t *op, const char *key)
{
	return json_string_value(json_object_get(op, key));
}

static int one_op(json_t **doc, const json_t *op, size_t i, struct kerr *err)
{
	const char *name = op_str(op, "op"), *path = op_str(op, "path"), *from;
	json_t *value = json_object_get(op, "value"), *moved = NULL, *cur;

	if (!json_is_object(op) || !name)
		return kerr_set(err, KERR_INVALID, "JSON patch operation %zu has no \"op\"", i);
	if (!path)
		return kerr_set(err, KERR_INVALID, "JSON patch operation %zu (%s) has no \"path\"", i, name);
	if (!strcmp(name, "add") || !strcmp(name, "replace")) {
		if (!value)
			return kerr_set(err, KERR_INVALID, "JSON patch %s at %s has no \"value\"", name, path);
		return pointer_apply(doc, path, !strcmp(name, "add") ? PTR_ADD : PTR_REPLACE,
				     json_deep_copy(value), NULL, err);
	}
	if (!strcmp(name, "remove"))
		return pointer_apply(doc, path, PTR_REMOVE, NULL, NULL, err);
	if (!strcmp(name, "test")) {
		if (!value)
			return kerr_set(err, KERR_INVALID, "JSON patch test at %s has no \"value\"", path);
		cur = pointer_get(*doc, path);
		if (!cur || !json_equal(cur, value))
			return kerr_set(err, KERR_INVALID, "testing value %s failed: test failed", path);
		return 0;
	}
	if (strcmp(name, "move") && strcmp(name, "copy"))
		return kerr_set(err, KERR_INVALID, "unexpected JSON patch operation \"%s\"", name);
	from = op_str(op, "from");
	if (!from)
		return kerr_set(err, KERR_INVALID, "JSON patch %s to %s has no \"from\"", name, path);
	if (!strcmp(name, "copy")) {
		cur = pointer_get(*doc, from);
		if (!cur)
			return kerr_set(err, KERR_INVALID, "doc is missing from path: %s", from);
		return pointer_apply(doc, path, PTR_ADD, json_deep_copy(cur), NULL, err);
	}
	/* move: a location cannot be moved into one of its children. */
	if (strcmp(from, path)) {
		size_t fl = strlen(from);
		if (!strncmp(path, from, fl) && path[fl] == '/')
			return kerr_set(err, KERR_INVALID, "cannot move %s into its own child %s", from, path);
	}
	if (pointer_apply(doc, from, PTR_REMOVE, NULL, &moved, err))
		return -1;
	return pointer_apply(doc, path, PTR_ADD, moved, NULL, err);
}

int sim_json_patch(json_t **target, const json_t *ops, struct kerr *err)
{
	size_t i;
	json_t *op;

	if (!json_is_array(ops))
		return kerr_set(err, KERR_INVALID, "a JSON patch must be an array of operations");
	json_array_foreach((json_t *)ops, i, op) {
		if (one_op(target, op, i, err))
			return -1;
	}
	return 0;
}
