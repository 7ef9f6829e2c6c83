/* kubeconfig_conn.c - resolve a context into a self-contained kube_conn.
 *
 * Follows client-go's DirectClientConfig: the context names a cluster and
 * a user; relative paths are resolved against the file that defined the
 * entry; inline data wins over files; the same validation errors kubectl
 * reports (one auth method, cert needs key, exec needs interactiveMode on
 * v1, CA with insecure refused) are reported here, before any request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

static const char *sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

/* Read a file named by the kubeconfig into *out; errors name the field. */
static int read_named(const char *path, const char *what, const char *owner, char **out,
		      size_t *len, struct kerr *err)
{
	if (kc_read_file(path, out, len) < 0) {
		int e = errno;
		return kerr_set(err, e == ENOENT ? KERR_NOTFOUND : KERR_FAIL,
				"unable to read %s %s for %s: %s", what, path, owner,
				e == EFBIG ? "larger than 4 MiB" : strerror(e));
	}
	return 0;
}

static int decode_data(const char *b64, char **out, size_t *len)
{
	size_t at;

	return kc_b64_decode(b64, out, len, &at);
}

/* PEM data or file: data wins, as in client-go's dataFromSliceOrFile. */
static int pem_field(const struct kc_entry *e, const char *datakey, const char *filekey,
		     const char *what, char **out, size_t *len, struct kerr *err)
{
	const char *data = sget(e->obj, datakey), *file = sget(e->obj, filekey);

	*out = NULL;
	*len = 0;
	if (data) {
		if (decode_data(data, out, len) < 0)
			return kerr_set(err, KERR_INVALID, "%s of %s is not valid base64", datakey, e->name);
	} else if (file) {
		char *path = kc_resolve(e->dir, file);
		int rc = read_named(path, what, e->name, out, len, err);
		free(path);
		if (rc < 0)
			return -1;
	} else {
		return 0;
	}
	if (!memmem(*out, *len, "-----BEGIN ", 11)) {
		if (!strcmp(datakey, "client-key-data"))
			free_secret(*out);
		else
			free(*out);
		*out = NULL;
		*len = 0;
		return kerr_set(err, KERR_INVALID, "%s of %s (%s) holds no PEM block",
				data ? datakey : filekey, e->name, data ? "inline" : file);
	}
	return 0;
}

static char **str_array(const json_t *arr)
{
	char **v;
	size_t i, n;

	if (!json_is_array(arr))
		return NULL;
	n = json_array_size(arr);
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = xstrdup(json_string_value(json_array_get(arr, i)));
	return v;
}

static void kube_exec_free(struct kube_exec *x)
{
	if (!x)
		return;
	free(x->api_version);
	free(x->command);
	free_strv(x->args);
	if (x->env) {
		size_t i;
		for (i = 0; x->env[i]; i++)
			free_secret(x->env[i]);   /* plugins get secrets through env */
		free(x->env);
	}
	free(x->install_hint);
	free(x->interactive_mode);
	free(x);
}

static struct kube_exec *exec_dup(const struct kube_exec *x)
{
	struct kube_exec *d;
	size_t i, n;

	if (!x)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->api_version = xstrdup(x->api_version);
	d->command = xstrdup(x->command);
	if (x->args) {
		for (n = 0; x->args[n]; n++)
			;
		d->args = xcalloc(n + 1, sizeof *d->args);
		for (i = 0; i < n; i++)
			d->args[i] = xstrdup(x->args[i]);
	}
	if (x->env) {
		for (n = 0; x->env[n]; n++)
			;
		d->env = xcalloc(n + 1, sizeof *d->env);
		for (i = 0; i < n; i++)
			d->env[i] = xstrdup(x->env[i]);
	}
	d->install_hint = xstrdup(x->install_hint);
	d->provide_cluster_info = x->provide_cluster_info;
	d->interactive_mode = xstrdup(x->interactive_mode);
	return d;
}

static int build_exec(const struct kc_entry *u, const json_t *ex, struct kube_exec **out,
		      struct kerr *err)
{
	struct kube_exec *x;
	const char *cmd = sget(ex, "command"), *api = sget(ex, "apiVersion");
	const char *mode = sget(ex, "interactiveMode");
	json_t *env = json_object_get(ex, "env"), *it;
	size_t i;

	*out = NULL;
	if (!cmd)
		return kerr_set(err, KERR_INVALID, "command must be specified for %s to use exec authentication plugin", u->name);
	if (!api)
		return kerr_set(err, KERR_INVALID, "apiVersion must be specified for %s to use exec authentication plugin", u->name);
	if (strcmp(api, "client.authentication.k8s.io/v1") &&
	    strcmp(api, "client.authentication.k8s.io/v1beta1")) {
		kerr_set(err, KERR_INVALID, "exec plugin of %s: apiVersion %s is not supported", u->name, api);
		return kerr_hint(err, "use client.authentication.k8s.io/v1 or v1beta1");
	}
	json_array_foreach(env, i, it)
		if (!sget(it, "name"))
			return kerr_set(err, KERR_INVALID, "env variable name must be specified for %s to use exec authentication plugin", u->name);
	if (!mode)
		return kerr_set(err, KERR_INVALID, "interactiveMode must be specified for %s to use exec authentication plugin", u->name);
	if (strcmp(mode, "Never") && strcmp(mode, "IfAvailable") && strcmp(mode, "Always"))
		return kerr_set(err, KERR_INVALID, "invalid interactiveMode for %s: \"%s\"", u->name, mode);

	x = xcalloc(1, sizeof *x);
	x->api_version = xstrdup(api);
	/* a command with a '/' is a path, relative to the kubeconfig that names it */
	x->command = strchr(cmd, '/') ? kc_resolve(u->dir, cmd) : xstrdup(cmd);
	x->args = str_array(json_object_get(ex, "args"));
	if (json_is_array(env)) {
		x->env = xcalloc(json_array_size(env) + 1, sizeof *x->env);
		json_array_foreach(env, i, it)
			x->env[i] = xasprintf("%s=%s", json_string_value(json_object_get(it, "name")),
					      json_string_value(json_object_get(it, "value")));
	}
	x->install_hint = xstrdup(sget(ex, "installHint"));
	x->provide_cluster_info = json_is_true(json_object_get(ex, "provideClusterInfo"));
	x->interactive_mode = xstrdup(mode);
	*out = x;
	return 0;
}

/* The ExecCredential spec.cluster object (client.authentication.k8s.io). */
static char *cluster_info(const struct kc_entry *c, const struct kube_conn *k)
{
	json_t *o = json_object(), *exts, *it;
	char *s;
	size_t i;

	json_object_set_new(o, "server", json_string(k->server));
	if (k->tls_server_name)
		json_object_set_new(o, "tls-server-name", json_string(k->tls_server_name));
	if (k->insecure)
		json_object_set_new(o, "insecure-skip-tls-verify", json_true());
	if (k->ca_pem) {
		char *b = kc_b64_encode(k->ca_pem, k->ca_len);
		json_object_set_new(o, "certificate-authority-data", json_string(b));
		free(b);
	}
	if (k->proxy_url)
		json_object_set_new(o, "proxy-url", json_string(k->proxy_url));
	if (json_is_true(json_object_get(c->obj, "disable-compression")))
		json_object_set_new(o, "disable-compression", json_true());
	exts = json_object_get(c->obj, "extensions");
	json_array_foreach(exts, i, it)
		if (!strcmp(json_string_value(json_object_get(it, "name")), "client.authentication.k8s.io/exec"))
			json_object_set(o, "config", json_object_get(it, "extension"));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int auth_methods(const struct kc_entry *u, struct kerr *err)
{
	const json_t *o = u->obj;
	int token = sget(o, "token") != NULL;
	int basic = sget(o, "username") || sget(o, "password");
	int cert = sget(o, "client-certificate") || sget(o, "client-certificate-data");

	if (cert) {
		if (sget(o, "client-certificate") && sget(o, "client-certificate-data"))
			return kerr_set(err, KERR_INVALID, "client-cert-data and client-cert are both specified for %s. client-cert-data will override.", u->name);
		if (sget(o, "client-key") && sget(o, "client-key-data"))
			return kerr_set(err, KERR_INVALID, "client-key-data and client-key are both specified for %s; client-key-data will override", u->name);
		if (!sget(o, "client-key") && !sget(o, "client-key-data"))
			return kerr_set(err, KERR_INVALID, "client-key-data or client-key must be specified for %s to use the clientCert authentication method.", u->name);
	}
	if (json_object_get(o, "exec") && json_object_get(o, "auth-provider"))
		return kerr_set(err, KERR_INVALID, "authProvider cannot be provided in combination with an exec plugin for %s", u->name);
	if (token && basic)
		return kerr_set(err, KERR_INVALID, "more than one authentication method found for %s; found [token basicAuth], only one is allowed", u->name);
	return 0;
}

static int fill_user(const struct kc_entry *u, struct kube_conn *k, struct kerr *err)
{
	const json_t *o = u->obj;
	json_t *ex = json_object_get(o, "exec");
	const char *tf = sget(o, "tokenFile");

	if (auth_methods(u, err) < 0)
		return -1;
	if (pem_field(u, "client-certificate-data", "client-certificate", "client-certificate",
		      &k->cert_pem, &k->cert_len, err) < 0 ||
	    pem_field(u, "client-key-data", "client-key", "client-key",
		      &k->key_pem, &k->key_len, err) < 0)
		return -1;
	if (tf) {
		/* kubectl reads the file once up front and fails if it cannot;
		 * the file's token then takes precedence over `token` */
		char *path = kc_resolve(u->dir, tf), *tok = NULL;
		size_t len;
		if (read_named(path, "tokenFile", u->name, &tok, &len, err) < 0) {
			free(path);
			return -1;
		}
		free_secret(tok);
		k->token_file = path;
	} else if (sget(o, "token")) {
		k->token = xstrdup(sget(o, "token"));
	}
	k->username = xstrdup(sget(o, "username"));
	k->password = xstrdup(sget(o, "password"));
	if (ex && build_exec(u, ex, &k->exec, err) < 0)
		return -1;
	/* client-go skips the exec plugin when a token, basic auth or a client
	 * certificate is configured: those are what the user meant */
	if (k->exec && (k->token || k->token_file || k->username || k->password || k->cert_pem)) {
		kube_exec_free(k->exec);
		k->exec = NULL;
	}
	if (json_object_get(o, "auth-provider") && !k->token && !k->token_file && !k->exec &&
	    !k->cert_pem && !k->username) {
		const char *name = json_string_value(json_object_get(json_object_get(o, "auth-provider"), "name"));
		kerr_set(err, KERR_INVALID, "user %s uses auth-provider %s, which kurator does not support",
			 u->name, name ? name : "");
		return kerr_hint(err, "use an exec credential plugin (client.authentication.k8s.io) instead");
	}
	return 0;
}

/* client-go accepts http, https and socks5 proxies only. */
static int check_proxy(const char *url, const struct kc_entry *cl, struct kerr *err)
{
	static const char *const schemes[] = { "http://", "https://", "socks5://" };
	const char *colon = strstr(url, "://");
	size_t i;

	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (!strncmp(url, schemes[i], strlen(schemes[i])) && url[strlen(schemes[i])])
			return 0;
	if (!colon || colon == url)
		return kerr_set(err, KERR_INVALID, "invalid 'proxy-url' \"%s\" for cluster \"%s\": could not parse: %s",
				url, cl->name, url);
	return kerr_set(err, KERR_INVALID,
			"invalid 'proxy-url' \"%s\" for cluster \"%s\": unsupported scheme \"%.*s\", must be http, https, or socks5",
			url, cl->name, (int)(colon - url), url);
}

int kubeconfig_conn(const struct kubeconfig *kc, const char *context,
		    struct kube_conn **out, struct kerr *err)
{
	struct kc_entry *ctx, *cl, *us;
	struct kube_conn *k;
	const char *cname, *uname, *ns;

	*out = NULL;
	if (!context || !*context)
		context = kc->current;
	if (!context || !*context) {
		kerr_set(err, KERR_USAGE, "no context given and the kubeconfig has no current-context");
		return kerr_hint(err, "pass --context NAME or run kurator config use-context NAME");
	}
	ctx = kc_map_find(&kc->contexts, context);
	if (!ctx) {
		kerr_set(err, KERR_NOTFOUND, "context \"%s\" does not exist in the kubeconfig", context);
		return kerr_hint(err, "kurator config get-contexts");
	}
	cname = sget(ctx->obj, "cluster");
	uname = sget(ctx->obj, "user");
	cl = cname ? kc_map_find(&kc->clusters, cname) : NULL;
	if (!cl) {
		if (!cname)
			return kerr_set(err, KERR_INVALID, "context %s (%s) names no cluster", context, ctx->file);
		return kerr_set(err, KERR_NOTFOUND, "context %s (%s): cluster \"%s\" does not exist",
				context, ctx->file, cname);
	}
	/* kubectl treats a user that is not defined as no credentials, not an error */
	us = uname ? kc_map_find(&kc->users, uname) : NULL;
	if (!sget(cl->obj, "server"))
		return kerr_set(err, KERR_INVALID, "cluster %s of context %s (%s) has no server",
				cl->name, context, cl->file);

	k = xcalloc(1, sizeof *k);
	k->context = xstrdup(context);
	k->cluster = xstrdup(cl->name);
	k->user = xstrdup(uname ? uname : "");
	k->server = xstrdup(sget(cl->obj, "server"));
	k->tls_server_name = xstrdup(sget(cl->obj, "tls-server-name"));
	k->proxy_url = xstrdup(sget(cl->obj, "proxy-url"));
	k->insecure = json_is_true(json_object_get(cl->obj, "insecure-skip-tls-verify"));
	if (k->proxy_url && check_proxy(k->proxy_url, cl, err) < 0)
		goto fail;
	if (pem_field(cl, "certificate-authority-data", "certificate-authority", "certificate-authority",
		      &k->ca_pem, &k->ca_len, err) < 0)
		goto fail;
	if (k->insecure && k->ca_pem) {
		kerr_set(err, KERR_INVALID, "cluster %s (%s): specifying a root certificates file with the insecure flag is not allowed",
			 cl->name, cl->file);
		kerr_hint(err, "remove insecure-skip-tls-verify or the certificate-authority");
		goto fail;
	}
	if (us && fill_user(us, k, err) < 0) {
		kerr_prefix(err, "context %s (%s)", context, us->file);
		goto fail;
	}
	ns = sget(ctx->obj, "namespace");
	k->namespace = xstrdup(ns ? ns : "default");
	if (k->exec && k->exec->provide_cluster_info)
		k->cluster_info_json = cluster_info(cl, k);
	*out = k;
	return 0;
fail:
	kube_conn_free(k);
	return -1;
}

void kube_conn_free(struct kube_conn *k)
{
	if (!k)
		return;
	free(k->context);
	free(k->cluster);
	free(k->user);
	free(k->server);
	free(k->tls_server_name);
	free(k->proxy_url);
	free(k->ca_pem);
	free(k->cert_pem);
	if (k->key_pem) {
		memset(k->key_pem, 0, k->key_len);
		free(k->key_pem);
	}
	free_secret(k->token);
	free(k->token_file);
	free(k->username);
	free_secret(k->password);
	kube_exec_free(k->exec);
	free(k->namespace);
	free(k->cluster_info_json);
	free(k);
}

static char *memdup0(const char *p, size_t len)
{
	char *d;

	if (!p)
		return NULL;
	d = xmalloc(len + 1);
	memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

struct kube_conn *kube_conn_dup(const struct kube_conn *k)
{
	struct kube_conn *d;

	if (!k)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->context = xstrdup(k->context);
	d->cluster = xstrdup(k->cluster);
	d->user = xstrdup(k->user);
	d->server = xstrdup(k->server);
	d->tls_server_name = xstrdup(k->tls_server_name);
	d->proxy_url = xstrdup(k->proxy_url);
	d->insecure = k->insecure;
	d->ca_pem = memdup0(k->ca_pem, k->ca_len);
	d->ca_len = k->ca_len;
	d->cert_pem = memdup0(k->cert_pem, k->cert_len);
	d->cert_len = k->cert_len;
	d->key_pem = memdup0(k->key_pem, k->key_len);
	d->key_len = k->key_len;
	d->token = xstrdup(k->token);
	d->token_file = xstrdup(k->token_file);
	d->username = xstrdup(k->username);
	d->password = xstrdup(k->password);
	d->exec = exec_dup(k->exec);
	d->namespace = xstrdup(k->namespace);
	d->cluster_info_json = xstrdup(k->cluster_info_json);
	return d;
}
