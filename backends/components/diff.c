/* diff.c - field-level object diff (diff.h). */
#include "backends/components/diff.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"

static const char *const ignored[] = {
	"metadata.resourceVersion", "metadata.uid", "metadata.generation",
	"metadata.creationTimestamp", "metadata.managedFields", "metadata.selfLink",
	"status",
};

static int is_ignored(const char *path)
{
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (!strcmp(path, ignored[i]))
			return 1;
	return 0;
}

/* Compact value text, shortened for one line. */
static void value_text(struct strbuf *sb, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return;
	if (n > 80) {
		strbuf_add(sb, s, 77);
		strbuf_addstr(sb, "...");
	} else {
		strbuf_addstr(sb, s);
	}
	free(s);
}

static void emit(json_t *lines, char op, const char *path, const json_t *a, const json_t *b)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%c %s", op, path);
	if (op == '+') {
		strbuf_addstr(&sb, ": ");
		value_text(&sb, b);
	} else if (op == '~') {
		strbuf_addstr(&sb, ": ");
		value_text(&sb, a);
		strbuf_addstr(&sb, " -> ");
		value_text(&sb, b);
	}
	json_array_append_new(lines, json_string(sb.buf));
	strbuf_release(&sb);
}

static void key_path(struct strbuf *out, const char *base, const char *key)
{
	if (*base)
		strbuf_addf(out, "%s.", base);
	for (; *key; key++) {
		if (*key == '.')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *key);
	}
}

static size_t walk(const json_t *a, const json_t *b, const char *path, enum diff_mode mode,
		   json_t *lines)
{
	size_t n = 0;

	if (*path && is_ignored(path))
		return 0;
	if (json_is_object(a) && json_is_object(b)) {
		const char *key;
		json_t *v;

		json_object_foreach((json_t *)b, key, v) {
			struct strbuf p = STRBUF_INIT;
			json_t *av = json_object_get(a, key);

			key_path(&p, path, key);
			if (!av) {
				if (!is_ignored(p.buf)) {
					emit(lines, '+', p.buf, NULL, v);
					n++;
				}
			} else {
				n += walk(av, v, p.buf, mode, lines);
			}
			strbuf_release(&p);
		}
		if (mode == DIFF_FULL) {
			json_object_foreach((json_t *)a, key, v) {
				struct strbuf p = STRBUF_INIT;

				key_path(&p, path, key);
				if (!json_object_get(b, key) && !is_ignored(p.buf)) {
					emit(lines, '-', p.buf, v, NULL);
					n++;
				}
				strbuf_release(&p);
			}
		}
		return n;
	}
	if (json_is_array(a) && json_is_array(b)) {
		size_t na = json_array_size(a), nb = json_array_size(b);

		for (size_t i = 0; i < nb; i++) {
			struct strbuf p = STRBUF_INIT;

			strbuf_addf(&p, "%s[%zu]", path, i);
			if (i < na) {
				n += walk(json_array_get(a, i), json_array_get(b, i), p.buf, mode, lines);
			} else {
				emit(lines, '+', p.buf, NULL, json_array_get(b, i));
				n++;
			}
			strbuf_release(&p);
		}
		/* Extra live items: a removal in full mode; in subset mode a list
		 * is still atomic for us, so extra items are a difference too. */
		for (size_t i = nb; i < na; i++) {
			struct strbuf p = STRBUF_INIT;

			strbuf_addf(&p, "%s[%zu]", path, i);
			emit(lines, '-', p.buf, json_array_get(a, i), NULL);
			n++;
			strbuf_release(&p);
		}
		return n;
	}
	if (json_equal(a, b))
		return 0;
	/* Kubernetes prints integers as JSON numbers and quantities as strings;
	 * a real-vs-integer mismatch of the same value is not a change. */
	if (json_is_number(a) && json_is_number(b) && json_number_value(a) == json_number_value(b))
		return 0;
	emit(lines, '~', *path ? path : "(object)", a, b);
	return 1;
}

size_t diff_objects(const json_t *live, const json_t *want, enum diff_mode mode, json_t *lines)
{
	return walk(live, want, "", mode, lines);
}
