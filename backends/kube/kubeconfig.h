/* kubeconfig.h - load, merge, query and write kubeconfigs exactly like kubectl.
 *
 * Loading: an explicit path (--kubeconfig) is used alone; else every file
 * of $KUBECONFIG (':'-separated, missing files skipped, duplicates once) is
 * merged with kubectl's rules (first file wins for each named cluster, user
 * and context as a whole, and for current-context and each preference
 * field); else ~/.kube/config. Relative paths inside a file
 * (certificate-authority, client-certificate, client-key, tokenFile,
 * exec.command when it contains a '/') are resolved against the directory of
 * the file that names them.
 *
 * Ownership: struct kubeconfig is opaque; kubeconfig_free releases it.
 * kube_conn is a flat, self-contained copy (caller frees with
 * kube_conn_free); its secret fields are wiped on free.
 */
#ifndef KURATOR_KUBE_KUBECONFIG_H
#define KURATOR_KUBE_KUBECONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

struct kubeconfig;

struct kube_exec {             /* client.authentication.k8s.io exec plugin */
	char *api_version;     /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;         /* resolved as kubectl does */
	char **args;           /* NULL-terminated, may be NULL */
	char **env;            /* NULL-terminated "NAME=value", may be NULL */
	char *install_hint;
	int provide_cluster_info;
	char *interactive_mode; /* Never, IfAvailable, Always */
};

/* Everything needed to talk to one cluster as one user (a resolved context). */
struct kube_conn {
	char *context;         /* context name */
	char *cluster;         /* cluster name */
	char *user;            /* user (AuthInfo) name */
	char *server;          /* https://host:port[/prefix] */
	char *tls_server_name;
	char *proxy_url;
	int insecure;          /* insecure-skip-tls-verify: only if the kubeconfig says so */
	char *ca_pem;    size_t ca_len;    /* from certificate-authority(-data); NULL = system CAs */
	char *cert_pem;  size_t cert_len;  /* client-certificate(-data) */
	char *key_pem;   size_t key_len;   /* client-key(-data); secret */
	char *token;           /* secret */
	char *token_file;      /* re-read on each client creation, as kubectl does */
	char *username;
	char *password;        /* secret */
	struct kube_exec *exec;
	char *namespace;       /* context namespace or "default" */
	char *cluster_info_json; /* for exec provideClusterInfo: Cluster object JSON */
};

/* Load per the rules above. explicit_path may be NULL. A missing default
 * ~/.kube/config gives an empty config (like kubectl), not an error. */
int kubeconfig_load(const char *explicit_path, struct kubeconfig **out, struct kerr *err);
/* Load from one in-memory document (tests, kurator demo). */
int kubeconfig_load_data(const char *data, size_t len, const char *dir_for_relative,
			 struct kubeconfig **out, struct kerr *err);
/* As the `kubectl config` subcommands load: a missing explicit file is an
 * empty config (it would be created by a write), not an error. */
int kubeconfig_load_lenient(const char *explicit_path, struct kubeconfig **out,
			    struct kerr *err);
void kubeconfig_free(struct kubeconfig *kc);

const char *kubeconfig_current_context(const struct kubeconfig *kc);  /* may be NULL */
/* Change current-context in memory only (--context with view --minify). */
void kubeconfig_set_current(struct kubeconfig *kc, const char *context);
/* Context names in kubectl get-contexts order (sorted by name). *names is
 * a NULL-terminated array owned by kc, valid until kubeconfig_free. */
const char *const *kubeconfig_contexts(const struct kubeconfig *kc);
int kubeconfig_has_context(const struct kubeconfig *kc, const char *name);
/* Context fields (cluster, user, namespace) or NULL. */
const char *kubeconfig_context_field(const struct kubeconfig *kc, const char *context,
				     const char *field);

/* The merged config as `kubectl config view -o json` prints it: secrets as
 * "DATA+OMITTED"/"REDACTED" unless raw, and only the current context when
 * minify. New reference. */
json_t *kubeconfig_view(const struct kubeconfig *kc, int raw, int minify, struct kerr *err);

/* kubectl config view's --raw, --minify and --flatten (files named by
 * certificate-authority, client-certificate and client-key inlined as
 * data; implies raw). */
enum { KC_VIEW_RAW = 1, KC_VIEW_MINIFY = 2, KC_VIEW_FLATTEN = 4 };
json_t *kubeconfig_view_flags(const struct kubeconfig *kc, unsigned flags, struct kerr *err);
/* `kubectl config view -o FORMAT` text (format "json", or "yaml"/NULL):
 * kubectl's bytes, appended to out. flags: KC_VIEW_*. */
int kubeconfig_view_text(const struct kubeconfig *kc, const char *format, unsigned flags,
			 struct strbuf *out, struct kerr *err);
/* A value as kubectl's JSON printer writes it (4 spaces, Go's escaping, newline). */
void kubeconfig_dump_json(struct strbuf *out, const json_t *v);
/* `kubectl config get-contexts [NAME...]` table (or names only): rows for
 * the contexts that exist are appended to out; names that do not exist
 * make it return -1 afterwards with kubectl's message. names may be NULL. */
int kubeconfig_get_contexts_text(const struct kubeconfig *kc, const char *const *names,
				 int no_headers, int name_only, struct strbuf *out,
				 struct kerr *err);

/* Resolve a context (NULL: current-context) into a connection, reading the
 * files it names. Errors name the context and the file. */
int kubeconfig_conn(const struct kubeconfig *kc, const char *context,
		    struct kube_conn **out, struct kerr *err);
void kube_conn_free(struct kube_conn *conn);
struct kube_conn *kube_conn_dup(const struct kube_conn *conn);

/* Write or merge into the kubeconfig file at path (created 0600, rewritten
 * atomically, mode forced to 0600): clusters/users/contexts from fragment
 * (a Config object) are added; entries with the same name are replaced
 * only if replace is set, otherwise the call fails with KERR_CONFLICT
 * naming them; current-context is set only if set_current. */
int kubeconfig_merge_into(const char *path, const json_t *fragment, int replace,
			  int set_current, struct kerr *err);
/* Set current-context in the file kubectl would modify: the explicit file,
 * else the first existing file of the list, else the first file of the
 * list (created). That is client-go's rule, checked against kubectl 1.30:
 * not the file that set the old current-context. */
int kubeconfig_use_context(struct kubeconfig *kc, const char *context, struct kerr *err);

/* Exec credential plugin (used by the client): run the plugin (or return
 * the cached credential until expirationTimestamp), return token and/or
 * client cert/key. Thread-safe; cache is per (command,args,env) and
 * process-wide. Outputs are malloc'd; caller frees with free_secret. */
int kube_exec_credential(const struct kube_exec *exec, const char *cluster_info_json,
			 char **token, char **cert_pem, char **key_pem, struct kerr *err);
/* Forget a cached credential (after a 401), so the next call reruns it. */
void kube_exec_invalidate(const struct kube_exec *exec);
/* Whether plugins may prompt (interactiveMode IfAvailable/Always): the
 * full-screen UI owns the terminal and passes 0. Default: allowed when
 * stdin is a terminal. */
void kube_exec_set_interactive(int allowed);
/* The current setting (-1: the default), so a mode can restore it. */
int kube_exec_interactive(void);
/* Drop every cached credential (tests, kurator logout). */
void kube_exec_cache_clear(void);

#endif
