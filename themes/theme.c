/* theme.c - theme files: element names, colours, loading and resolution.
 * Pure data; the screen side is in theme-screen.c.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"
#include "themes/theme.h"

/* Element names and the attributes each has when a file says nothing:
 * these are also what NO_COLOR shows, so every element stays readable. */
static const struct {
	const char *name;
	unsigned mono;
} elems[THEME__COUNT] = {
	[THEME_NORMAL] = { "normal", 0 },
	[THEME_BORDER] = { "border", 0 },
	[THEME_BORDER_FOCUS] = { "border.focus", THEME_A_BOLD },
	[THEME_TITLE] = { "title", 0 },
	[THEME_TITLE_FOCUS] = { "title.focus", THEME_A_BOLD | THEME_A_REVERSE },
	[THEME_SELECTED] = { "selected", THEME_A_REVERSE },
	[THEME_SELECTED_IDLE] = { "selected.idle", THEME_A_UNDERLINE },
	[THEME_STATUS_OK] = { "status.ok", 0 },
	[THEME_STATUS_WARN] = { "status.warn", THEME_A_BOLD },
	[THEME_STATUS_ERR] = { "status.err", THEME_A_BOLD },
	[THEME_STATUS_UNKNOWN] = { "status.unknown", THEME_A_DIM },
	[THEME_DIM] = { "dim", THEME_A_DIM },
	[THEME_STATUSLINE] = { "statusline", THEME_A_REVERSE },
	[THEME_STATUSLINE_KEY] = { "statusline.key", THEME_A_REVERSE | THEME_A_BOLD },
	[THEME_STATUSLINE_ERR] = { "statusline.err", THEME_A_REVERSE | THEME_A_BOLD },
	[THEME_MATCH] = { "match", THEME_A_REVERSE | THEME_A_BOLD },
	[THEME_LOG_TIME] = { "log.time", THEME_A_DIM },
	[THEME_LOG_ERR] = { "log.err", THEME_A_BOLD },
	[THEME_SPARK_CPU] = { "spark.cpu", 0 },
	[THEME_SPARK_MEM] = { "spark.mem", 0 },
	[THEME_SPARK_PODS] = { "spark.pods", 0 },
	[THEME_PROMPT] = { "prompt", THEME_A_BOLD },
	[THEME_HELP_KEY] = { "help.key", THEME_A_BOLD },
	[THEME_FIELD] = { "field", THEME_A_UNDERLINE },
	[THEME_FIELD_ACTIVE] = { "field.active", THEME_A_REVERSE },
};

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const struct {
	const char *name;
	unsigned flag;
} attr_names[] = {
	{ "bold", THEME_A_BOLD },
	{ "dim", THEME_A_DIM },
	{ "reverse", THEME_A_REVERSE },
	{ "underline", THEME_A_UNDERLINE },
	{ "italic", THEME_A_ITALIC },
	{ "blink", THEME_A_BLINK },
};

const char *theme_elem_name(enum theme_elem e)
{
	if ((int)e < 0 || e >= THEME__COUNT)
		return NULL;
	return elems[e].name;
}

int theme_elem_by_name(const char *name)
{
	for (int i = 0; i < THEME__COUNT; i++)
		if (!strcmp(elems[i].name, name))
			return i;
	return -1;
}

int theme_parse_color(const char *s, short *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "default") || !strcmp(s, "none")) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	for (int i = 0; i < 16; i++) {
		if (!strcmp(s, color_names[i])) {
			*out = (short)i;
			return 0;
		}
	}
	/* "brightred" and "gray"/"grey" are common spellings; accept them. */
	if (!strncmp(s, "bright", 6) && s[6] && s[6] != '-') {
		for (int i = 0; i < 8; i++) {
			if (!strcmp(s + 6, color_names[i])) {
				*out = (short)(i + 8);
				return 0;
			}
		}
	}
	if (!strcmp(s, "gray") || !strcmp(s, "grey")) {
		*out = 8;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 255)
		return -1;
	*out = (short)v;
	return 0;
}

/* xterm's RGB values for the 16 ANSI colours. */
static const unsigned char ansi_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static void xterm_rgb(short c, int rgb[3])
{
	static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = ansi_rgb[c][i];
	} else if (c < 232) {
		int n = c - 16;

		rgb[0] = cube[n / 36];
		rgb[1] = cube[(n / 6) % 6];
		rgb[2] = cube[n % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

short theme_color_to16(short c)
{
	int rgb[3];
	long best = -1;
	short besti = 0;

	if (c < 16)
		return c;
	xterm_rgb(c, rgb);
	for (short i = 0; i < 16; i++) {
		long d = 0;

		for (int k = 0; k < 3; k++) {
			long x = rgb[k] - ansi_rgb[i][k];

			d += x * x;
		}
		if (best < 0 || d < best) {
			best = d;
			besti = i;
		}
	}
	return besti;
}

void theme_free(struct theme *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->description);
	free(t);
}

static int parse_attrs(const json_t *v, const char *what, unsigned *out, struct kerr *err)
{
	size_t i;
	json_t *a;

	*out = 0;
	if (json_is_string(v))
		v = json_pack("[s]", json_string_value(v));
	else if (json_is_array(v))
		json_incref((json_t *)v);
	else
		return kerr_set(err, KERR_INVALID, "%s: expected a list of attributes", what);
	json_array_foreach(v, i, a) {
		const char *s = json_string_value(a);
		size_t k;

		for (k = 0; s && k < ARRAY_SIZE(attr_names); k++)
			if (!strcmp(s, attr_names[k].name))
				break;
		if (!s || k == ARRAY_SIZE(attr_names)) {
			kerr_set(err, KERR_INVALID, "%s: unknown attribute '%s'", what, s ? s : "?");
			json_decref((json_t *)v);
			return kerr_hint(err, "use bold, dim, reverse, underline, italic, blink");
		}
		*out |= attr_names[k].flag;
	}
	json_decref((json_t *)v);
	return 0;
}

static int parse_color_field(const json_t *spec, const char *key, const char *what,
			     short *out, struct kerr *err)
{
	json_t *v = json_object_get(spec, key);
	char num[16];
	const char *s;

	if (!v)
		return 0;
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		s = num;
	} else {
		s = json_string_value(v);
	}
	if (!s || theme_parse_color(s, out) < 0) {
		kerr_set(err, KERR_INVALID, "%s.%s: bad colour '%s'", what, key,
			 s ? s : "(not a string)");
		return kerr_hint(err, "a name like cyan or bright-red, 'default', or 0-255");
	}
	return 0;
}

static int parse_style(const json_t *spec, const char *what, struct theme_style *st,
		       struct kerr *err)
{
	static const char *const keys[] = { "fg", "bg", "fg16", "bg16", "attrs", "mono" };
	const char *key;
	json_t *v;
	json_t *a;

	if (!json_is_object(spec))
		return kerr_set(err, KERR_INVALID, "%s: expected a mapping with fg, bg, attrs", what);
	json_object_foreach((json_t *)spec, key, v) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(key, keys[k]))
				break;
		if (k == ARRAY_SIZE(keys))
			return kerr_set(err, KERR_INVALID, "%s: unknown key '%s' (fg, bg, fg16, bg16, attrs, mono)",
					what, key);
	}
	if (parse_color_field(spec, "fg", what, &st->fg, err) < 0 ||
	    parse_color_field(spec, "bg", what, &st->bg, err) < 0 ||
	    parse_color_field(spec, "fg16", what, &st->fg16, err) < 0 ||
	    parse_color_field(spec, "bg16", what, &st->bg16, err) < 0)
		return -1;
	if ((a = json_object_get(spec, "attrs")) && parse_attrs(a, what, &st->attrs, err) < 0)
		return -1;
	if ((a = json_object_get(spec, "mono")) && parse_attrs(a, what, &st->mono, err) < 0)
		return -1;
	return 0;
}

int theme_load_data(const char *data, size_t len, const char *name,
		    struct theme **out, struct kerr *err)
{
	json_t *doc = NULL, *elist, *v;
	struct theme *t;
	const char *key;
	int given[THEME__COUNT] = { 0 };

	*out = NULL;
	if (yj_load_one(data, len, name, &doc, err) < 0)
		return kerr_prefix(err, "theme %s", name);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return kerr_set(err, KERR_INVALID, "theme %s: expected a mapping with name and elements",
				name);
	}
	t = xcalloc(1, sizeof(*t));
	key = json_string_value(json_object_get(doc, "name"));
	t->name = xstrdup(key ? key : name);
	t->description = xstrdup(json_string_value(json_object_get(doc, "description")));
	for (int i = 0; i < THEME__COUNT; i++) {
		t->st[i].fg = t->st[i].bg = THEME_COLOR_UNSET;
		t->st[i].fg16 = t->st[i].bg16 = THEME_COLOR_UNSET;
		t->st[i].attrs = t->st[i].mono = elems[i].mono;
	}
	elist = json_object_get(doc, "elements");
	if (elist && !json_is_object(elist)) {
		kerr_set(err, KERR_INVALID, "theme %s: 'elements' must be a mapping", name);
		goto fail;
	}
	json_object_foreach(elist, key, v) {
		int e = theme_elem_by_name(key);
		char what[96];

		if (e < 0) {
			kerr_set(err, KERR_INVALID, "theme %s: unknown element '%s'", name, key);
			kerr_hint(err, "elements are listed in themes/default.yaml");
			goto fail;
		}
		snprintf(what, sizeof(what), "theme %s: %s", name, key);
		/* An element a file styles gets exactly the attributes it
		 * lists; its mono attributes stay the built-in ones unless
		 * given. */
		t->st[e].attrs = 0;
		if (parse_style(v, what, &t->st[e], err) < 0)
			goto fail;
		given[e] = 1;
	}
	if (t->st[THEME_NORMAL].fg == THEME_COLOR_UNSET)
		t->st[THEME_NORMAL].fg = THEME_COLOR_DEFAULT;
	if (t->st[THEME_NORMAL].bg == THEME_COLOR_UNSET)
		t->st[THEME_NORMAL].bg = THEME_COLOR_DEFAULT;
	for (int i = 0; i < THEME__COUNT; i++) {
		struct theme_style *st = &t->st[i];

		if (!given[i])
			st->attrs = elems[i].mono;
		if (st->fg == THEME_COLOR_UNSET) {
			st->fg = t->st[THEME_NORMAL].fg;
			if (st->fg16 == THEME_COLOR_UNSET)
				st->fg16 = t->st[THEME_NORMAL].fg16;
		}
		if (st->bg == THEME_COLOR_UNSET) {
			st->bg = t->st[THEME_NORMAL].bg;
			if (st->bg16 == THEME_COLOR_UNSET)
				st->bg16 = t->st[THEME_NORMAL].bg16;
		}
	}
	json_decref(doc);
	*out = t;
	return 0;
fail:
	json_decref(doc);
	theme_free(t);
	return -1;
}

int theme_load_file(const char *path, struct theme **out, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (strbuf_read_file(&sb, path) < 0) {
		kerr_set(err, errno == ENOENT ? KERR_NOTFOUND : KERR_FAIL,
			 "theme file %s: %s", path, strerror(errno));
		strbuf_release(&sb);
		return -1;
	}
	rc = theme_load_data(sb.buf, sb.len, path, out, err);
	strbuf_release(&sb);
	return rc;
}

static int valid_theme_name(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return name[0] != '.';
}

static char *user_theme_dir(void)
{
	char *cfg = path_config_dir();
	char *dir = cfg ? path_join(cfg, "themes") : NULL;

	free(cfg);
	return dir;
}

int theme_find(const char *name, struct theme **out, struct kerr *err)
{
	char *dir, *file, *path;
	size_t i;

	*out = NULL;
	if (!valid_theme_name(name))
		return kerr_set(err, KERR_USAGE, "bad theme name '%s' (letters, digits, - _ .)",
				name ? name : "");
	dir = user_theme_dir();
	if (dir) {
		file = xasprintf("%s.yaml", name);
		path = path_join(dir, file);
		free(file);
		if (access(path, F_OK) == 0) {
			int rc = theme_load_file(path, out, err);

			free(path);
			free(dir);
			return rc;
		}
		free(path);
	}
	for (i = 0; i < theme_builtin_count(); i++) {
		if (!strcmp(theme_builtin_name(i), name)) {
			size_t len;
			const char *data = theme_builtin_data(i, &len);

			free(dir);
			return theme_load_data(data, len, name, out, err);
		}
	}
	kerr_set(err, KERR_NOTFOUND, "no theme '%s'", name);
	kerr_hint(err, "built-in: default, light, high-contrast, mono; yours go in %s",
		  dir ? dir : "$XDG_CONFIG_HOME/kurator/themes");
	free(dir);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **theme_names(void)
{
	size_t n = 0, cap = theme_builtin_count() + 8, i, j;
	char **v = xcalloc(cap + 1, sizeof(*v));
	char *dir = user_theme_dir();
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;

	for (i = 0; i < theme_builtin_count(); i++)
		v[n++] = xstrdup(theme_builtin_name(i));
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *nm;

		if (l <= 5 || strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		nm = xstrndup(de->d_name, l - 5);
		if (!valid_theme_name(nm)) {
			free(nm);
			continue;
		}
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, (cap + 1) * sizeof(*v));
		}
		v[n++] = nm;
	}
	if (d)
		closedir(d);
	free(dir);
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = j = 0; i < n; i++) {
		if (j && !strcmp(v[j - 1], v[i]))
			free(v[i]);
		else
			v[j++] = v[i];
	}
	v[j] = NULL;
	return v;
}

int theme_no_color_env(void)
{
	const char *s = getenv("NO_COLOR");

	return s && *s;
}

void theme_resolve(const struct theme *t, enum theme_elem e, int colors, int no_color,
		   struct theme_resolved *out)
{
	const struct theme_style *st = &t->st[e];
	short fg = st->fg, bg = st->bg;

	memset(out, 0, sizeof(*out));
	if (no_color || colors < 8) {
		out->fg = out->bg = -1;
		out->attrs = st->mono;
		return;
	}
	out->use_color = 1;
	out->attrs = st->attrs;
	if (colors < 256) {
		if (fg >= 16)
			fg = st->fg16 != THEME_COLOR_UNSET ? st->fg16 : theme_color_to16(fg);
		if (bg >= 16)
			bg = st->bg16 != THEME_COLOR_UNSET ? st->bg16 : theme_color_to16(bg);
	}
	if (colors < 16) {
		if (fg >= 8) {
			fg -= 8;
			out->attrs |= THEME_A_BOLD;
		}
		if (bg >= 8)
			bg -= 8;
	}
	out->fg = fg;
	out->bg = bg;
}

static char *saved_path(void)
{
	char *cfg = path_config_dir();
	char *p = cfg ? path_join(cfg, "theme") : NULL;

	free(cfg);
	return p;
}

char *theme_saved_name(void)
{
	char *path = saved_path();
	struct strbuf sb = STRBUF_INIT;
	char *name = NULL;

	if (path && strbuf_read_file(&sb, path) == 0) {
		strbuf_trim(&sb);
		if (valid_theme_name(sb.buf))
			name = strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	free(path);
	return name;
}

int theme_save_name(const char *name, struct kerr *err)
{
	char *path = saved_path(), *dir, *line;
	int rc;

	if (!path)
		return kerr_set(err, KERR_FAIL, "no configuration directory (HOME unset?)");
	if (!valid_theme_name(name)) {
		free(path);
		return kerr_set(err, KERR_USAGE, "bad theme name '%s'", name);
	}
	dir = path_dirname(path);
	line = xasprintf("%s\n", name);
	rc = path_mkdirs(dir, 0700, err);
	if (rc == 0)
		rc = path_write_atomic(path, line, strlen(line), 0644, err);
	free(line);
	free(dir);
	free(path);
	return rc;
}
