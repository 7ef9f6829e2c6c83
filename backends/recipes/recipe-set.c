/* recipe-set.c - every recipe known to this run: embedded or from a directory. */
#include "backends/recipes/recipe.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"

struct recipe_set {
	struct recipe **r;
	size_t n, alloc;
	const char **components;     /* cache for recipe_set_components */
	const char **versions;       /* cache for recipe_set_versions */
};

struct recipe_set *recipe_set_new(void)
{
	return xcalloc(1, sizeof(struct recipe_set));
}

void recipe_set_free(struct recipe_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		recipe_free(s->r[i]);
	free(s->r);
	free(s->components);
	free(s->versions);
	free(s);
}

int recipe_set_add(struct recipe_set *s, struct recipe *r, struct kerr *err)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->r[i]->component, r->component) &&
		    !strcmp(s->r[i]->version, r->version)) {
			kerr_set(err, KERR_CONFLICT, "recipe %s: %s %s is already defined by %s",
				 r->origin, r->component, r->version, s->r[i]->origin);
			recipe_free(r);
			return -1;
		}
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 8;
		s->r = xrealloc(s->r, s->alloc * sizeof *s->r);
	}
	s->r[s->n++] = r;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int load_dir(struct recipe_set *s, const char *dir, struct kerr *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (!d) {
		kerr_set(err, KERR_NOTFOUND, "recipes directory %s: %m", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    !(ends_with(de->d_name, ".yaml") || ends_with(de->d_name, ".yml")))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			names = xrealloc(names, alloc * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = STRBUF_INIT;
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct recipe *r;

		if (rc == 0) {
			if (strbuf_read_file(&sb, path)) {
				kerr_set(err, KERR_NOTFOUND, "recipe %s: %m", path);
				rc = -1;
			} else if (recipe_parse(sb.buf, sb.len, path, &r, err) ||
				   recipe_set_add(s, r, err)) {
				rc = -1;
			}
		}
		strbuf_release(&sb);
		free(path);
		free(names[i]);
	}
	free(names);
	if (rc == 0 && s->n == 0)
		return kerr_set(err, KERR_NOTFOUND, "recipes directory %s holds no *.yaml recipe",
				dir);
	return rc;
}

int recipe_set_load(const char *dir, struct recipe_set **out, struct kerr *err)
{
	struct recipe_set *s = recipe_set_new();

	*out = NULL;
	if (!dir || !*dir)
		dir = getenv("KURATOR_RECIPES");
	if (dir && *dir) {
		if (load_dir(s, dir, err)) {
			recipe_set_free(s);
			return -1;
		}
	} else {
		for (size_t i = 0; i < recipe_embedded_count; i++) {
			const struct recipe_embedded *e = &recipe_embedded_files[i];
			char *origin = xasprintf("(built-in) %s", e->name);
			struct recipe *r;
			int rc = recipe_parse(e->data, e->len, origin, &r, err);

			free(origin);
			if (rc || recipe_set_add(s, r, err)) {
				recipe_set_free(s);
				return -1;
			}
		}
	}
	*out = s;
	return 0;
}

/* Split into runs of digits and non-digits; digits compare by value. */
int recipe_version_cmp(const char *a, const char *b)
{
	if (*a == 'v' && isdigit((unsigned char)a[1]))
		a++;
	if (*b == 'v' && isdigit((unsigned char)b[1]))
		b++;
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;
			size_t la, lb;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = strncmp(a, b, la);
			if (c)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

const char *const *recipe_set_components(const struct recipe_set *cs)
{
	struct recipe_set *s = (struct recipe_set *)cs;
	size_t n = 0;

	free(s->components);
	s->components = xcalloc(s->n + 1, sizeof *s->components);
	for (size_t i = 0; i < s->n; i++) {
		size_t k;

		for (k = 0; k < n; k++)
			if (!strcmp(s->components[k], s->r[i]->component))
				break;
		if (k == n)
			s->components[n++] = s->r[i]->component;
	}
	if (n)
		qsort(s->components, n, sizeof *s->components, cmp_names);
	return s->components;
}

static int cmp_versions_desc(const void *a, const void *b)
{
	return -recipe_version_cmp(*(const char *const *)a, *(const char *const *)b);
}

const char *const *recipe_set_versions(const struct recipe_set *cs, const char *component)
{
	struct recipe_set *s = (struct recipe_set *)cs;
	size_t n = 0;

	free(s->versions);
	s->versions = xcalloc(s->n + 1, sizeof *s->versions);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->r[i]->component, component))
			s->versions[n++] = s->r[i]->version;
	if (n)
		qsort(s->versions, n, sizeof *s->versions, cmp_versions_desc);
	return s->versions;
}

static void join_list(char *buf, size_t size, const char *const *items)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; items[i] && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "", items[i]);
}

int recipe_set_find(const struct recipe_set *s, const char *component, const char *version,
		    const struct recipe **out, struct kerr *err)
{
	const struct recipe *best = NULL;
	char known[512];

	*out = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct recipe *r = s->r[i];

		if (strcmp(r->component, component))
			continue;
		if (version) {
			if (!strcmp(r->version, version) ||
			    (version[0] == 'v' && !strcmp(r->version, version + 1))) {
				*out = r;
				return 0;
			}
			continue;
		}
		if (!best || (r->is_default && !best->is_default) ||
		    (r->is_default == best->is_default &&
		     recipe_version_cmp(r->version, best->version) > 0))
			best = r;
	}
	if (best) {
		*out = best;
		return 0;
	}
	if (!recipe_set_versions(s, component)[0]) {
		join_list(known, sizeof known, recipe_set_components(s));
		kerr_set(err, KERR_NOTFOUND, "unknown component \"%s\"", component);
		return kerr_hint(err, "known components: %s", known);
	}
	join_list(known, sizeof known, recipe_set_versions(s, component));
	kerr_set(err, KERR_NOTFOUND, "no recipe for %s version %s", component, version);
	return kerr_hint(err, "known versions of %s: %s", component, known);
}
