/* cmd.c - the shared command-line parser, table lookup and generated help.
 * See cmd.h for the rules (kubectl's pflag behaviour).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"
#include "shell/cmd.h"

struct cmd_val {
	const struct cmd_opt *opt;
	int given;
	int bval;
	long ival;
	char *sval;
	char **list;                /* NULL-terminated once anything was added */
	size_t nlist;
};

static const char *const no_list[] = { NULL };

const struct cmd_opt cmd_global_opts[] = {
	{ 0, "kubeconfig", CMD_OPT_STRING, "FILE",
	  "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)", COMP_FILE, NULL, NULL },
	{ 0, "context", CMD_OPT_STRING, "NAME",
	  "kubeconfig context (cluster) to talk to", COMP_CONTEXT, NULL, NULL },
	{ 'n', "namespace", CMD_OPT_STRING, "NS",
	  "namespace (default: the session's or the context's)", COMP_NAMESPACE, NULL, NULL },
	{ 'h', "help", CMD_OPT_BOOL, NULL, "show this help", COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_opt all_clusters_opt[] = {
	{ 0, "all-clusters", CMD_OPT_BOOL, NULL,
	  "every context of the kubeconfig, with a CLUSTER column", COMP_NONE, NULL, NULL },
	{ 0 }
};

/* ---- lookup --------------------------------------------------------------- */

const struct cmd_entry *cmd_lookup(const struct cmd_entry *const *table, const char *name,
				   int *ambiguous)
{
	const struct cmd_entry *found = NULL;
	size_t len = strlen(name);
	int n = 0;

	if (ambiguous)
		*ambiguous = 0;
	if (!table || !len)
		return NULL;
	for (size_t i = 0; table[i]; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	for (size_t i = 0; table[i]; i++)
		if (table[i]->alias && !strcmp(table[i]->alias, name))
			return table[i];
	for (size_t i = 0; table[i]; i++) {
		if (!strncmp(table[i]->name, name, len)) {
			found = table[i];
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n > 1 && ambiguous)
		*ambiguous = 1;
	return NULL;
}

/* ---- splitting a line -------------------------------------------------------- */

void cmd_argv_free(char **argv)
{
	free_strv(argv);
}

int cmd_split_line(const char *line, int *argc_out, char ***argv_out, struct kerr *err)
{
	struct strbuf word = STRBUF_INIT;
	char **argv = NULL;
	int argc = 0, in_word = 0;
	const char *p = line;

	*argc_out = 0;
	*argv_out = NULL;
	for (;;) {
		char c = *p;

		if (!c || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word) {
				argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
				argv[argc++] = strbuf_detach(&word, NULL);
				argv[argc] = NULL;
				in_word = 0;
			}
			if (!c)
				break;
			p++;
			continue;
		}
		if (c == '#' && !in_word)
			break;
		in_word = 1;
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				goto unterminated;
			strbuf_add(&word, p + 1, end - p - 1);
			p = end + 1;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				strbuf_addch(&word, *p++);
			}
			if (*p != '"')
				goto unterminated;
			p++;
		} else if (c == '\\') {
			if (p[1])
				strbuf_addch(&word, p[1]);
			p += p[1] ? 2 : 1;
		} else {
			strbuf_addch(&word, c);
			p++;
		}
	}
	strbuf_release(&word);
	if (!argv) {
		argv = xcalloc(1, sizeof(*argv));
	}
	*argc_out = argc;
	*argv_out = argv;
	return 0;

unterminated:
	strbuf_release(&word);
	cmd_argv_free(argv);
	kerr_set(err, KERR_USAGE, "unterminated quote in: %s", line);
	return kerr_hint(err, "close the quote");
}

/* ---- option tables ------------------------------------------------------------ */

static size_t opt_count(const struct cmd_opt *o)
{
	size_t n = 0;

	while (o && (o[n].long_name || o[n].short_name))
		n++;
	return n;
}

static struct cmd_val *find_val(const struct cmd_args *a, const char *long_name, char short_name)
{
	for (size_t i = 0; i < a->nvals_; i++) {
		const struct cmd_opt *o = a->vals_[i].opt;

		if (long_name && o->long_name && !strcmp(o->long_name, long_name))
			return &a->vals_[i];
		if (short_name && o->short_name == short_name)
			return &a->vals_[i];
		if (long_name && !o->long_name && o->short_name && !long_name[1] &&
		    long_name[0] == o->short_name)
			return &a->vals_[i];
	}
	return NULL;
}

static void add_opts(struct cmd_args *a, const struct cmd_opt *opts)
{
	size_t n = opt_count(opts);

	for (size_t i = 0; i < n; i++) {
		/* An entry's own option wins over a global one with the same name. */
		if (find_val(a, opts[i].long_name, opts[i].short_name))
			continue;
		a->vals_[a->nvals_++].opt = &opts[i];
	}
}

static void init_vals(struct cmd_args *a, const struct cmd_entry *e)
{
	size_t n = opt_count(e->opts) + opt_count(cmd_global_opts) + 1;

	a->vals_ = xcalloc(n, sizeof(*a->vals_));
	a->nvals_ = 0;
	add_opts(a, e->opts);
	if (e->flags & CMD_F_ALL_CLUSTERS)
		add_opts(a, all_clusters_opt);
	add_opts(a, cmd_global_opts);
}

static void free_vals(struct cmd_args *a)
{
	for (size_t i = 0; i < a->nvals_; i++) {
		free(a->vals_[i].sval);
		cmd_argv_free(a->vals_[i].list);
	}
	free(a->vals_);
	a->vals_ = NULL;
	a->nvals_ = 0;
}

/* strconv.ParseBool's spellings, as pflag accepts them. */
static int parse_bool(const char *s, int *out)
{
	static const char *const t[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const f[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(s, t[i])) {
			*out = 1;
			return 0;
		}
		if (!strcmp(s, f[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static void flag_name(struct strbuf *sb, const struct cmd_opt *o)
{
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	else
		strbuf_addf(sb, "-%c", o->short_name);
}

static int set_value(struct cmd_val *v, const char *value, struct kerr *err)
{
	const struct cmd_opt *o = v->opt;
	struct strbuf name = STRBUF_INIT;
	int rc = 0;

	flag_name(&name, o);
	if (o->choices && o->type != CMD_OPT_BOOL) {
		size_t i;

		for (i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], value))
				break;
		if (!o->choices[i]) {
			struct strbuf list = STRBUF_INIT;

			for (i = 0; o->choices[i]; i++)
				strbuf_addf(&list, "%s%s", i ? "|" : "", o->choices[i]);
			kerr_set(err, KERR_USAGE, "invalid value \"%s\" for %s", value, name.buf);
			kerr_hint(err, "%s %s", name.buf, list.buf);
			strbuf_release(&list);
			rc = -1;
			goto out;
		}
	}
	switch (o->type) {
	case CMD_OPT_BOOL:
		if (parse_bool(value, &v->bval) < 0) {
			rc = kerr_set(err, KERR_USAGE,
				      "invalid value \"%s\" for %s: not a boolean", value, name.buf);
			kerr_hint(err, "use %s=true or %s=false", name.buf, name.buf);
			goto out;
		}
		break;
	case CMD_OPT_INT: {
		char *end;
		long l;

		errno = 0;
		l = strtol(value, &end, 10);
		if (!*value || *end || errno) {
			rc = kerr_set(err, KERR_USAGE,
				      "invalid value \"%s\" for %s: not an integer", value, name.buf);
			goto out;
		}
		v->ival = l;
		break;
	}
	case CMD_OPT_STRING:
		free(v->sval);
		v->sval = xstrdup(value);
		break;
	case CMD_OPT_LIST:
		v->list = xrealloc(v->list, (v->nlist + 2) * sizeof(*v->list));
		v->list[v->nlist++] = xstrdup(value);
		v->list[v->nlist] = NULL;
		break;
	}
	v->given = 1;
out:
	strbuf_release(&name);
	return rc;
}

static void unknown_flag(const char *flag, const struct cmd_entry *e, const char *path,
			 struct kerr *err)
{
	kerr_set(err, KERR_USAGE, "unknown flag: %s", flag);
	kerr_hint(err, "%s -h", path ? path : e->name);
}

/* Parse options and positionals of argv[1..] for entry e. Positionals go
 * to *pos (caller frees the array, not the strings: they belong to argv). */
static int parse_words(struct cmd_args *a, int argc, char **argv, const char **pos,
		       int *npos, struct kerr *err)
{
	int dashdash = 0;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (dashdash || w[0] != '-' || !w[1]) {
			pos[(*npos)++] = w;
			continue;
		}
		if (!strcmp(w, "--")) {
			dashdash = 1;
			continue;
		}
		if (w[1] == '-') {
			const char *eq = strchr(w + 2, '=');
			char *name = eq ? xstrndup(w + 2, eq - w - 2) : xstrdup(w + 2);
			struct cmd_val *v = find_val(a, name, 0);
			int rc;

			if (!v || !v->opt->long_name) {
				unknown_flag(w, a->entry, a->path, err);
				free(name);
				return -1;
			}
			free(name);
			if (v->opt->type == CMD_OPT_BOOL) {
				rc = set_value(v, eq ? eq + 1 : "true", err);
			} else if (eq) {
				rc = set_value(v, eq + 1, err);
			} else if (i + 1 < argc) {
				rc = set_value(v, argv[++i], err);
			} else {
				kerr_set(err, KERR_USAGE, "flag needs an argument: %s", w);
				return kerr_hint(err, "%s -h", a->path);
			}
			if (rc < 0)
				return -1;
			continue;
		}
		/* short options, possibly combined: -fA, -nns, -n=ns, -f=false */
		for (const char *c = w + 1; *c; c++) {
			struct cmd_val *v = find_val(a, NULL, *c);
			char flag[3] = { '-', *c, 0 };

			if (!v) {
				char shown[64];

				snprintf(shown, sizeof(shown), "-%c in %s", *c, w);
				unknown_flag(c == w + 1 && !c[1] ? w : shown, a->entry, a->path, err);
				return -1;
			}
			if (v->opt->type == CMD_OPT_BOOL) {
				if (c[1] == '=') {
					if (set_value(v, c + 2, err) < 0)
						return -1;
					break;
				}
				if (set_value(v, "true", err) < 0)
					return -1;
				continue;
			}
			if (c[1]) {
				if (set_value(v, c[1] == '=' ? c + 2 : c + 1, err) < 0)
					return -1;
			} else if (i + 1 < argc) {
				if (set_value(v, argv[++i], err) < 0)
					return -1;
			} else {
				kerr_set(err, KERR_USAGE, "flag needs an argument: %s", flag);
				return kerr_hint(err, "%s -h", a->path);
			}
			break;
		}
	}
	return 0;
}

/* Index of the first positional word in argv[1..] for entry e, or -1. */
static int first_positional(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args tmp = { .entry = e };
	int idx = -1;

	init_vals(&tmp, e);
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		struct cmd_val *v = NULL;

		if (!strcmp(w, "--")) {
			idx = i + 1 < argc ? i + 1 : -1;
			break;
		}
		if (w[0] != '-' || !w[1]) {
			idx = i;
			break;
		}
		if (w[1] == '-') {
			if (strchr(w, '='))
				continue;
			v = find_val(&tmp, w + 2, 0);
		} else {
			/* the last short option of a group may take the next word */
			size_t len = strlen(w);

			v = find_val(&tmp, NULL, w[len - 1]);
			if (v && len > 2) {
				struct cmd_val *first = find_val(&tmp, NULL, w[1]);

				if (first && first->opt->type != CMD_OPT_BOOL)
					v = NULL;  /* -nns: value attached */
			}
		}
		if (v && v->opt->type != CMD_OPT_BOOL)
			i++;
	}
	free_vals(&tmp);
	return idx;
}

static int is_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

static void list_subcmds(struct strbuf *sb, const struct cmd_entry *e)
{
	for (size_t i = 0; e->subcmds[i]; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", e->subcmds[i]->name);
}

int cmd_parse(const struct cmd_entry *const *table, int argc, char **argv,
	      struct cmd_args **a_out, int *help_out, struct kerr *err)
{
	const struct cmd_entry *e;
	struct cmd_args *a;
	struct strbuf path = STRBUF_INIT;
	char **words;
	const char **pos;
	int nwords = argc, npos, ambiguous;

	*a_out = NULL;
	if (help_out)
		*help_out = 0;
	if (argc < 1 || !argv[0] || !*argv[0])
		return kerr_set(err, KERR_USAGE, "no command given");
	e = cmd_lookup(table, argv[0], &ambiguous);
	if (!e) {
		if (ambiguous)
			kerr_set(err, KERR_USAGE, "ambiguous command \"%s\"", argv[0]);
		else
			kerr_set(err, KERR_USAGE, "unknown command \"%s\"", argv[0]);
		return kerr_hint(err, "help");
	}
	strbuf_addstr(&path, e->name);
	/* a private copy of the word pointers: descending drops words */
	words = xcalloc(argc + 1, sizeof(*words));
	memcpy(words, argv, argc * sizeof(*words));
	while (e->subcmds) {
		int idx = first_positional(e, nwords, words);
		const struct cmd_entry *sub = NULL;

		if (idx > 0) {
			sub = cmd_lookup(e->subcmds, words[idx], &ambiguous);
			/* a prefix only when the group cannot take the word itself */
			if (sub && e->exec && strcmp(sub->name, words[idx]) &&
			    !(sub->alias && !strcmp(sub->alias, words[idx])))
				sub = NULL;
		}
		if (!sub) {
			if (e->exec || is_help(nwords, words))
				break;
			strbuf_reset(&path);
			if (idx > 0)
				kerr_set(err, KERR_USAGE, "unknown %s subcommand \"%s\"", e->name, words[idx]);
			else
				kerr_set(err, KERR_USAGE, "%s needs a subcommand", e->name);
			list_subcmds(&path, e);
			kerr_hint(err, "one of: %s", path.buf);
			strbuf_release(&path);
			free(words);
			return -1;
		}
		memmove(&words[idx], &words[idx + 1], (nwords - idx) * sizeof(*words));
		nwords--;
		e = sub;
		strbuf_addf(&path, " %s", e->name);
	}

	a = xcalloc(1, sizeof(*a));
	a->entry = e;
	a->path = strbuf_detach(&path, NULL);
	init_vals(a, e);
	if (is_help(nwords, words)) {
		if (help_out)
			*help_out = 1;
		a->argv = xcalloc(1, sizeof(*a->argv));
		free(words);
		*a_out = a;
		return 0;
	}
	pos = xcalloc(nwords + 1, sizeof(*pos));
	if (parse_words(a, nwords, words, pos, &npos, err) < 0)
		goto fail;
	if (npos < e->min_args || (e->max_args >= 0 && npos > e->max_args)) {
		struct strbuf u = STRBUF_INIT;

		if (npos < e->min_args)
			kerr_set(err, KERR_USAGE, "%s: %s", a->path,
				 e->min_args == 1 ? "an argument is missing" : "arguments are missing");
		else if (e->max_args == 0)
			kerr_set(err, KERR_USAGE, "%s takes no arguments (got \"%s\")", a->path, pos[0]);
		else
			kerr_set(err, KERR_USAGE, "%s: too many arguments (\"%s\")", a->path,
				 pos[e->max_args]);
		cmd_usage_line(&u, e, a->path);
		kerr_hint(err, "%s", u.buf);
		strbuf_release(&u);
		goto fail;
	}
	a->argc = npos;
	a->argv = xcalloc(npos + 1, sizeof(*a->argv));
	for (int i = 0; i < npos; i++)
		a->argv[i] = xstrdup(pos[i]);
	a->all_clusters = cmd_opt_bool(a, "all-clusters");
	free(pos);
	free(words);
	*a_out = a;
	return 0;
fail:
	free(pos);
	free(words);
	cmd_args_free(a);
	return -1;
}

void cmd_args_free(struct cmd_args *a)
{
	if (!a)
		return;
	free_vals(a);
	cmd_argv_free(a->argv);
	free(a->path);
	free(a->ctx_buf_);
	free(a->ns_buf_);
	free(a->kcpath_buf_);
	if (a->release_)
		a->release_(a);
	free(a);
}

/* ---- getters --------------------------------------------------------------------- */

int cmd_opt_given(const struct cmd_args *a, const char *name)
{
	struct cmd_val *v = find_val(a, name, 0);

	return v && v->given;
}

int cmd_opt_bool(const struct cmd_args *a, const char *name)
{
	struct cmd_val *v = find_val(a, name, 0);
	int b = 0;

	if (!v)
		return 0;
	if (v->given)
		return v->bval;
	if (v->opt->dflt)
		parse_bool(v->opt->dflt, &b);
	return b;
}

const char *cmd_opt_str(const struct cmd_args *a, const char *name)
{
	struct cmd_val *v = find_val(a, name, 0);

	if (!v)
		return NULL;
	if (v->given)
		return v->sval;
	return v->opt->dflt;
}

long cmd_opt_int(const struct cmd_args *a, const char *name)
{
	struct cmd_val *v = find_val(a, name, 0);

	if (!v)
		return 0;
	if (v->given)
		return v->ival;
	return v->opt->dflt ? strtol(v->opt->dflt, NULL, 10) : 0;
}

const char *const *cmd_opt_list(const struct cmd_args *a, const char *name, size_t *n)
{
	struct cmd_val *v = find_val(a, name, 0);

	if (n)
		*n = v ? v->nlist : 0;
	if (!v || !v->list)
		return no_list;
	return (const char *const *)v->list;
}

/* ---- help ------------------------------------------------------------------------------ */

void cmd_usage_line(struct strbuf *out, const struct cmd_entry *e, const char *path)
{
	strbuf_addf(out, "usage: kurator %s", path ? path : e->name);
	if (e->usage && *e->usage)
		strbuf_addf(out, " %s", e->usage);
	else if (e->subcmds)
		strbuf_addstr(out, " SUBCOMMAND");
}

static void opt_lines(struct strbuf *out, const struct cmd_opt *opts)
{
	size_t n = opt_count(opts);

	for (size_t i = 0; i < n; i++) {
		const struct cmd_opt *o = &opts[i];
		struct strbuf left = STRBUF_INIT;

		if (o->short_name && o->long_name)
			strbuf_addf(&left, "-%c, --%s", o->short_name, o->long_name);
		else if (o->long_name)
			strbuf_addf(&left, "    --%s", o->long_name);
		else
			strbuf_addf(&left, "-%c", o->short_name);
		if (o->type != CMD_OPT_BOOL)
			strbuf_addf(&left, " %s", o->arg ? o->arg : "VALUE");
		strbuf_addf(out, "  %-28s %s", left.buf, o->help ? o->help : "");
		if (o->choices) {
			strbuf_addstr(out, " (");
			for (size_t j = 0; o->choices[j]; j++)
				strbuf_addf(out, "%s%s", j ? "|" : "", o->choices[j]);
			strbuf_addch(out, ')');
		}
		if (o->dflt)
			strbuf_addf(out, " [default: %s]", o->dflt);
		if (o->type == CMD_OPT_LIST)
			strbuf_addstr(out, " (repeatable)");
		strbuf_addch(out, '\n');
		strbuf_release(&left);
	}
}

void cmd_help(struct strbuf *out, const struct cmd_entry *e, const char *path)
{
	cmd_usage_line(out, e, path);
	strbuf_addch(out, '\n');
	if (e->alias)
		strbuf_addf(out, "alias: %s\n", e->alias);
	strbuf_addch(out, '\n');
	if (e->summary)
		strbuf_addf(out, "%s\n", e->summary);
	if (e->help)
		strbuf_addf(out, "\n%s%s", e->help,
			    e->help[strlen(e->help) - 1] == '\n' ? "" : "\n");
	if (e->subcmds) {
		strbuf_addstr(out, "\nSubcommands:\n");
		for (size_t i = 0; e->subcmds[i]; i++)
			strbuf_addf(out, "  %-20s %s\n", e->subcmds[i]->name,
				    e->subcmds[i]->summary ? e->subcmds[i]->summary : "");
	}
	if (opt_count(e->opts) || (e->flags & CMD_F_ALL_CLUSTERS)) {
		strbuf_addstr(out, "\nOptions:\n");
		opt_lines(out, e->opts);
		if (e->flags & CMD_F_ALL_CLUSTERS)
			opt_lines(out, all_clusters_opt);
	}
	strbuf_addstr(out, "\nGlobal options:\n");
	opt_lines(out, cmd_global_opts);
}
