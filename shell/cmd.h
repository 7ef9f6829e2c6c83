/* cmd.h - kurator's command table: one const struct cmd_entry per command.
 *
 * Every command lives in its own shell/cmd-NAME.c and exports one
 * `const struct cmd_entry cmd_NAME_entry` (tmux's cmd-*.c). The one table,
 * shell/cmd-table.c, lists them; the shell, the TUI's shell pane and the
 * one-shot CLI all dispatch through cmd_run(). Help (-h/--help on every
 * command), usage errors and completion are generated from the entry's
 * declarative option and argument arrays by one shared parser (git's
 * parse-options), so a command never parses argv itself.
 *
 * Parsing follows kubectl (pflag): `--flag=value`, `--flag value`,
 * `-n ns`, `-nns`, `-n=ns`, combined short bools (`-fA`), `--` ends
 * options, options may come before or after positionals. A bool takes no
 * separate argument; `--wait=false` (true/false/1/0/t/f in any case)
 * negates it. A CMD_OPT_LIST option collects every occurrence (no comma
 * splitting). Unknown options, missing values, bad ints, bad choices and a
 * wrong number of positionals are usage errors: KERR_USAGE (exit code 2).
 *
 * Global options accepted by every command, anywhere on the line:
 * --kubeconfig FILE, --context NAME, -n/--namespace NS, -h/--help. They
 * apply to this one command; `use` changes the session's defaults.
 *
 * Subcommands are nested tables (`config view`, `demo stop`): an entry with
 * `subcmds` descends when its first positional is a subcommand's name or
 * alias (or, when the entry has no exec of its own, a unique prefix).
 *
 * Ownership: entries are static const data. struct cmd_args is made by
 * cmd_parse and freed by cmd_args_free; everything it points to is owned
 * by it (or by the session: kubeconfig, client) and valid during exec.
 *
 * Owner: shell/cmd.c (parser, lookup, help), shell/cmd-table.c (table).
 */
#ifndef KURATOR_SHELL_CMD_H
#define KURATOR_SHELL_CMD_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

struct session;
struct kubeconfig;
struct kube_client;

enum cmd_opt_type {
	CMD_OPT_BOOL,
	CMD_OPT_STRING,
	CMD_OPT_INT,          /* long; accepts negative values (--tail -1) */
	CMD_OPT_LIST,         /* repeatable string, every occurrence kept */
};

/* What the completer offers for an option value or a positional. */
enum cmd_comp {
	COMP_NONE,
	COMP_FILE,            /* paths (readline's filename completion) */
	COMP_CONTEXT,         /* kubeconfig contexts */
	COMP_NAMESPACE,       /* namespaces of the target cluster (live) */
	COMP_KIND,            /* resource types from discovery: pods, deploy ... */
	COMP_NAME,            /* names of the kind given as the previous positional
	                         (or "pods" when the spec says so, see kind) */
	COMP_CONTAINER,       /* containers of the pod given as a positional */
	COMP_COMPONENT,       /* component names (backends/components) */
	COMP_THEME,           /* theme names */
	COMP_COMMAND,         /* kurator's own commands (help CMD) */
	COMP_CHOICES,         /* the `choices` list */
};

struct cmd_opt {
	char short_name;            /* 'n', or 0 */
	const char *long_name;      /* "namespace"; required unless short_name */
	enum cmd_opt_type type;
	const char *arg;            /* value name in help: "NS", "FILE" */
	const char *help;           /* one line */
	enum cmd_comp comp;         /* completion of the value */
	const char *const *choices; /* NULL-terminated; validated when set */
	const char *dflt;           /* default, shown in help and returned by the
	                               getters when the option is absent
	                               ("true" for a bool that defaults on) */
};

struct cmd_pos {
	const char *name;           /* "KIND", "NAME", "FILE" */
	enum cmd_comp comp;
	const char *const *choices; /* for COMP_CHOICES */
	const char *kind;           /* COMP_NAME: a fixed kind ("pods") instead of
	                               the previous positional */
};

/* What the dispatcher prepares before exec. */
enum {
	CMD_F_KUBECONFIG   = 1 << 0, /* load the session's kubeconfig (a->kc) */
	CMD_F_CLUSTER      = 1 << 1, /* resolve the target client (a->client) from
	                                --context or the session's context;
	                                implies CMD_F_KUBECONFIG */
	CMD_F_READONLY     = 1 << 2, /* changes nothing anywhere (safe to retry) */
	CMD_F_ALL_CLUSTERS = 1 << 3, /* accepts --all-clusters: then a->client is
	                                NULL and a->all_clusters is set */
	CMD_F_MAIN         = 1 << 4, /* runs on the caller's thread, not as a
	                                job: quick, and it changes the session
	                                (use, demo, history, theme) */
	CMD_F_HIDDEN       = 1 << 5, /* not listed by `help` (still runs) */
};

struct cmd_args;

struct cmd_entry {
	const char *name;
	const char *alias;            /* may be NULL */
	const char *usage;            /* after the name: "KIND [NAME] [-n NS]" */
	const char *summary;          /* one line for `help` */
	const char *help;             /* long text, may be NULL */
	const struct cmd_opt *opts;   /* terminated by an all-zero entry; may be NULL */
	const struct cmd_pos *args;   /* terminated by name == NULL; the last one
	                                 repeats when max_args allows; may be NULL */
	int min_args, max_args;       /* positionals; max -1 = unlimited */
	const struct cmd_entry *const *subcmds; /* NULL-terminated, may be NULL */
	unsigned flags;               /* CMD_F_* */
	/* 0 ok, -1 with err filled. Output through session_out(). NULL for a
	 * pure group (then a subcommand is required). */
	int (*exec)(struct session *s, struct cmd_args *a, struct kerr *err);
};

/* The parsed command line one exec receives. */
struct cmd_args {
	const struct cmd_entry *entry;  /* the leaf entry that runs */
	char *path;                     /* "config view": names from the top */
	int argc;                       /* positionals (after the subcommand names) */
	char **argv;                    /* NULL-terminated */
	/* prepared by the dispatcher (per entry flags) */
	const char *kubeconfig_path;    /* --kubeconfig or the session's, may be NULL */
	const char *context;            /* target: --context, else the session's
	                                   current, else the kubeconfig's; may be
	                                   NULL without CMD_F_KUBECONFIG */
	const char *ns;                 /* -n, else the session's, else the
	                                   context's, else "default" */
	int ns_explicit;                /* -n was given on this line */
	struct kubeconfig *kc;          /* session's, borrowed (CMD_F_KUBECONFIG) */
	struct kube_client *client;     /* from the session's pool (CMD_F_CLUSTER) */
	int all_clusters;               /* --all-clusters given */
	/* private to cmd.c */
	struct cmd_val *vals_;
	size_t nvals_;
	char *ctx_buf_, *ns_buf_, *kcpath_buf_;
	void *priv_;                    /* a kubeconfig/pool of its own (--kubeconfig) */
	void (*release_)(struct cmd_args *a);
};

/* Option getters, by long name (or the one-letter short name as a string
 * when the option has no long name). Asking for an option the entry does
 * not declare returns the zero value. */
int cmd_opt_given(const struct cmd_args *a, const char *name);
int cmd_opt_bool(const struct cmd_args *a, const char *name);          /* value or dflt */
const char *cmd_opt_str(const struct cmd_args *a, const char *name);   /* value, dflt or NULL */
long cmd_opt_int(const struct cmd_args *a, const char *name);          /* value, dflt or 0 */
/* Every occurrence, NULL-terminated (never NULL); *n (may be NULL) = count. */
const char *const *cmd_opt_list(const struct cmd_args *a, const char *name, size_t *n);

/* ---- the table ---------------------------------------------------------- */

/* Every top-level command, in `help` order, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

/* Exact name, then alias, then a unique prefix of a name. NULL if none or
 * ambiguous (*ambiguous set to 1 then; may be NULL). */
const struct cmd_entry *cmd_lookup(const struct cmd_entry *const *table, const char *name,
				   int *ambiguous);

/* ---- parsing and running ----------------------------------------------- */

/* Split a line into words like a POSIX shell does for simple commands:
 * blanks separate, '...' and "..." quote (with \ escapes inside "..."),
 * \ escapes outside, # starts a comment at a word start. *argv_out is
 * NULL-terminated; free with cmd_argv_free. Unterminated quote: KERR_USAGE. */
int cmd_split_line(const char *line, int *argc_out, char ***argv_out, struct kerr *err);
void cmd_argv_free(char **argv);

/* Resolve the command (descending into subcommands) and parse argv[0..]
 * (argv[0] is the command name). -h/--help yields *help_out = 1 and the
 * generated help in *a_out's entry (cmd_help prints it). Does not prepare
 * kubeconfig/client: cmd_prepare does. */
int cmd_parse(const struct cmd_entry *const *table, int argc, char **argv,
	      struct cmd_args **a_out, int *help_out, struct kerr *err);
/* Fill kubeconfig_path/context/ns/kc/client per the entry's flags. */
int cmd_prepare(struct session *s, struct cmd_args *a, struct kerr *err);
void cmd_args_free(struct cmd_args *a);  /* NULL-safe */

/* Parse, prepare and exec (or print help). Returns 0 / -1 with err. The
 * caller decides where it runs (session.c runs it as a job unless
 * CMD_F_MAIN) and prints the error. */
int cmd_run(struct session *s, int argc, char **argv, struct kerr *err);

/* The generated help: usage line, summary, long help, options (with the
 * global ones), subcommands. path: "config view". */
void cmd_help(struct strbuf *out, const struct cmd_entry *e, const char *path);
/* "usage: kurator get KIND [NAME] ..." for usage errors' hint. */
void cmd_usage_line(struct strbuf *out, const struct cmd_entry *e, const char *path);

/* The global options every command accepts (for help and completion). */
extern const struct cmd_opt cmd_global_opts[];

/* ---- entries (one per cmd-*.c) ------------------------------------------- */

extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_clusters_entry;
extern const struct cmd_entry cmd_use_entry;
extern const struct cmd_entry cmd_get_entry;
extern const struct cmd_entry cmd_describe_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_config_entry;      /* shell/cmd-config.c */
extern const struct cmd_entry cmd_install_entry;     /* shell/cmd-install.c */
extern const struct cmd_entry cmd_uninstall_entry;   /* shell/cmd-uninstall.c */
extern const struct cmd_entry cmd_upgrade_entry;     /* shell/cmd-upgrade.c */
extern const struct cmd_entry cmd_status_entry;      /* shell/cmd-status.c */
extern const struct cmd_entry cmd_plan_entry;        /* shell/cmd-plan.c */
extern const struct cmd_entry cmd_theme_entry;       /* shell/cmd-theme.c */
extern const struct cmd_entry cmd_shell_entry;       /* `kurator shell` (main.c) */

#endif
