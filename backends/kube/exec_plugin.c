/* exec_plugin.c - client.authentication.k8s.io exec credential plugins.
 *
 * Like client-go's exec authenticator: the plugin runs with the caller's
 * environment plus the kubeconfig's env and KUBERNETES_EXEC_INFO (an
 * ExecCredential whose spec says whether it may prompt and, when
 * provideClusterInfo is set, which cluster it is for); its stdout is an
 * ExecCredential whose status carries a token and/or a client certificate
 * and key, valid until expirationTimestamp (forever when absent, until a
 * 401 invalidates it). Results are cached process-wide.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/kube/kubeconfig.h"
#include "lib/monotime.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

extern char **environ;

#define PLUGIN_TIMEOUT_MS (120 * 1000)   /* a non-interactive plugin that hangs is a failure */
#define STDERR_SHOWN 1000                /* bytes of the plugin's stderr kept in an error */

struct cred {
	struct cred *next;
	char *key;
	size_t key_len;
	char *token, *cert, *keypem;
	int64_t expiry;                  /* unix seconds; 0: no expiry */
	int running;                     /* the plugin is running for this key */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cache_cond = PTHREAD_COND_INITIALIZER;
static struct cred *cache;
static int interactive_allowed = -1;     /* -1: when stdin is a terminal */

void kube_exec_set_interactive(int allowed)
{
	pthread_mutex_lock(&cache_lock);
	interactive_allowed = allowed;
	pthread_mutex_unlock(&cache_lock);
}

int kube_exec_interactive(void)
{
	int v;

	pthread_mutex_lock(&cache_lock);
	v = interactive_allowed;
	pthread_mutex_unlock(&cache_lock);
	return v;
}

/* The plugin identity: command, args and env (and the cluster it is told about). */
static void cache_key(const struct kube_exec *x, const char *cluster_info, struct strbuf *sb)
{
	size_t i;

	strbuf_addstr(sb, x->api_version ? x->api_version : "");
	strbuf_addch(sb, '\0');
	strbuf_addstr(sb, x->command ? x->command : "");
	strbuf_addch(sb, '\0');
	for (i = 0; x->args && x->args[i]; i++) {
		strbuf_addstr(sb, x->args[i]);
		strbuf_addch(sb, '\0');
	}
	strbuf_addch(sb, '\1');
	for (i = 0; x->env && x->env[i]; i++) {
		strbuf_addstr(sb, x->env[i]);
		strbuf_addch(sb, '\0');
	}
	strbuf_addch(sb, '\1');
	if (x->provide_cluster_info && cluster_info)
		strbuf_addstr(sb, cluster_info);
}

static struct cred **cache_find(const struct strbuf *key)
{
	struct cred **pp;

	for (pp = &cache; *pp; pp = &(*pp)->next)
		if ((*pp)->key_len == key->len && !memcmp((*pp)->key, key->buf, key->len))
			return pp;
	return NULL;
}

static void cred_free(struct cred *c)
{
	if (!c)
		return;
	if (c->key) {
		/* env may hold secrets; the key has inner NULs, so wipe by length */
		memset(c->key, 0, c->key_len);
		free(c->key);
	}
	free_secret(c->token);
	free(c->cert);
	free_secret(c->keypem);
	free(c);
}

static void wipe_release(struct strbuf *sb)
{
	if (sb->alloc)
		memset(sb->buf, 0, sb->alloc);
	strbuf_release(sb);
}

/* RFC 3339 to unix seconds; -1 when it is not one. */
static int64_t parse_time(const char *s)
{
	struct tm tm;
	const char *p;
	int64_t t;
	int off = 0;

	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int h, m;
		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
			return -1;
		off = (h * 60 + m) * 60 * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	t = (int64_t)timegm(&tm);
	return t - off;
}

static char **plugin_env(const struct kube_exec *x, const char *info)
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **envp;

	while (environ[n])
		n++;
	while (x->env && x->env[m])
		m++;
	envp = xcalloc(n + m + 2, sizeof *envp);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int overridden = !strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21);
		for (j = 0; j < m && !overridden; j++)
			if (!strncmp(x->env[j], environ[i], nl) && x->env[j][nl] == '=')
				overridden = 1;
		if (!overridden)
			envp[k++] = xstrdup(environ[i]);
	}
	for (j = 0; j < m; j++)
		envp[k++] = xstrdup(x->env[j]);
	envp[k++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	return envp;
}

static void free_env(char **envp)
{
	size_t i;

	for (i = 0; envp[i]; i++)
		free_secret(envp[i]);
	free(envp);
}

static const char *hint_of(const struct kube_exec *x)
{
	return x->install_hint && *x->install_hint ? x->install_hint : NULL;
}

/* Run the plugin; stdout into out, stderr into errb (when not interactive). */
static int run(const struct kube_exec *x, const char *cluster_info, int interactive,
	       struct strbuf *out, struct strbuf *errb, struct kerr *err)
{
	posix_spawn_file_actions_t fa;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, rc, status = 0, open_fds;
	char **argv, **envp;
	size_t nargs = 0, i;
	pid_t pid;
	json_t *info = json_object(), *spec = json_object();
	char *info_s;
	int64_t deadline = monotime_ms() + PLUGIN_TIMEOUT_MS;

	json_object_set_new(info, "kind", json_string("ExecCredential"));
	json_object_set_new(info, "apiVersion", json_string(x->api_version));
	json_object_set_new(spec, "interactive", json_boolean(interactive));
	if (x->provide_cluster_info && cluster_info) {
		json_t *c = json_loads(cluster_info, 0, NULL);
		if (c)
			json_object_set_new(spec, "cluster", c);
	}
	json_object_set_new(info, "spec", spec);
	info_s = json_dumps(info, JSON_COMPACT);
	json_decref(info);

	while (x->args && x->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 2, sizeof *argv);
	argv[0] = x->command;
	for (i = 0; i < nargs; i++)
		argv[i + 1] = x->args[i];
	envp = plugin_env(x, info_s);
	free(info_s);

	if (pipe2(po, O_CLOEXEC) < 0 || (!interactive && pipe2(pe, O_CLOEXEC) < 0)) {
		rc = kerr_set(err, KERR_FAIL, "exec plugin %s: pipe: %s", x->command, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	if (!interactive)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	if (!interactive)
		posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	rc = posix_spawnp(&pid, x->command, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	po[1] = -1;
	if (pe[1] >= 0) {
		close(pe[1]);
		pe[1] = -1;
	}
	if (rc) {
		if (rc == ENOENT)
			kerr_set(err, KERR_AUTH, "exec plugin: executable %s not found", x->command);
		else
			kerr_set(err, KERR_AUTH, "exec plugin: cannot run %s: %s", x->command, strerror(rc));
		if (hint_of(x))
			kerr_hint(err, "%s", hint_of(x));
		else
			kerr_hint(err, "install the credential plugin the kubeconfig names, or put it on PATH");
		rc = -1;
		goto out;
	}

	open_fds = 1 + (pe[0] >= 0);
	while (open_fds) {
		struct pollfd pf[2];
		int nf = 0, timeout = -1;
		char buf[4096];

		if (po[0] >= 0)
			pf[nf++] = (struct pollfd){ .fd = po[0], .events = POLLIN };
		if (pe[0] >= 0)
			pf[nf++] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
		if (!interactive) {
			int64_t left = deadline - monotime_ms();
			if (left <= 0) {
				kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
				kerr_set(err, KERR_TIMEOUT, "exec plugin %s did not finish within %d seconds",
					 x->command, PLUGIN_TIMEOUT_MS / 1000);
				rc = -1;
				goto out;
			}
			timeout = (int)left;
		}
		if (poll(pf, (nfds_t)nf, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < (size_t)nf; i++) {
			ssize_t r;
			if (!pf[i].revents)
				continue;
			r = read(pf[i].fd, buf, sizeof buf);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				if (pf[i].fd == po[0]) {
					close(po[0]);
					po[0] = -1;
				} else {
					close(pe[0]);
					pe[0] = -1;
				}
				open_fds--;
				continue;
			}
			if (pf[i].fd == po[0])
				strbuf_add(out, buf, (size_t)r);
			else if (errb->len < 64 * 1024)
				strbuf_add(errb, buf, (size_t)r);
			memset(buf, 0, (size_t)r);
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		strbuf_trim(errb);
		if (WIFEXITED(status))
			kerr_set(err, KERR_AUTH, "exec plugin %s failed with exit code %d%s%s", x->command,
				 WEXITSTATUS(status), errb->len ? ": " : "",
				 errb->len > STDERR_SHOWN ? errb->buf + errb->len - STDERR_SHOWN : errb->buf);
		else
			kerr_set(err, KERR_AUTH, "exec plugin %s was killed by signal %d", x->command,
				 WTERMSIG(status));
		if (hint_of(x))
			kerr_hint(err, "%s", hint_of(x));
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	free(argv);
	free_env(envp);
	return rc;
}

static int decode(const struct kube_exec *x, const struct strbuf *out, struct cred *c,
		  struct kerr *err)
{
	json_t *doc, *st;
	json_error_t je;
	const char *api, *tok, *cert, *key, *exp;

	doc = json_loadb(out->buf, out->len, 0, &je);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		/* never quote stdout: it may hold the credential */
		return kerr_set(err, KERR_AUTH, "exec plugin %s printed no ExecCredential JSON (line %d: %s)",
				x->command, je.line, doc ? "not an object" : je.text);
	}
	api = json_string_value(json_object_get(doc, "apiVersion"));
	if (!api || strcmp(api, x->api_version)) {
		kerr_set(err, KERR_AUTH, "exec plugin %s is configured to use API version %s, plugin returned version %s",
			 x->command, x->api_version, api ? api : "(none)");
		json_decref(doc);
		return -1;
	}
	st = json_object_get(doc, "status");
	if (!json_is_object(st)) {
		json_decref(doc);
		return kerr_set(err, KERR_AUTH, "exec plugin %s didn't return a status field", x->command);
	}
	tok = json_string_value(json_object_get(st, "token"));
	cert = json_string_value(json_object_get(st, "clientCertificateData"));
	key = json_string_value(json_object_get(st, "clientKeyData"));
	exp = json_string_value(json_object_get(st, "expirationTimestamp"));
	if (tok && !*tok)
		tok = NULL;
	if (cert && !*cert)
		cert = NULL;
	if (key && !*key)
		key = NULL;
	if (!tok && !cert && !key) {
		json_decref(doc);
		return kerr_set(err, KERR_AUTH, "exec plugin %s didn't return a token or cert/key pair", x->command);
	}
	if (!cert != !key) {
		json_decref(doc);
		return kerr_set(err, KERR_AUTH, "exec plugin %s returned only certificate or key, not both", x->command);
	}
	c->expiry = 0;
	if (exp && *exp) {
		int64_t t = parse_time(exp);
		if (t < 0) {
			json_decref(doc);
			return kerr_set(err, KERR_AUTH, "exec plugin %s returned an invalid expirationTimestamp \"%s\"",
					x->command, exp);
		}
		c->expiry = t;
	}
	c->token = xstrdup(tok);
	c->cert = xstrdup(cert);
	c->keypem = xstrdup(key);
	/* wipe the parsed secrets before jansson frees them */
	if (tok)
		memset((char *)tok, 0, strlen(tok));
	if (key)
		memset((char *)key, 0, strlen(key));
	json_decref(doc);
	return 0;
}

static int fresh(const struct cred *c)
{
	return !c->expiry || (int64_t)time(NULL) < c->expiry;
}

static void unlink_cred(struct cred *c)
{
	struct cred **pp;

	for (pp = &cache; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

int kube_exec_credential(const struct kube_exec *exec, const char *cluster_info_json,
			 char **token, char **cert_pem, char **key_pem, struct kerr *err)
{
	struct strbuf key = STRBUF_INIT, out = STRBUF_INIT, errb = STRBUF_INIT;
	struct cred **pp, *c, got = { 0 };
	int rc = -1, interactive = 0, allowed;
	const char *mode;

	*token = *cert_pem = *key_pem = NULL;
	if (!exec || !exec->command || !*exec->command)
		return kerr_set(err, KERR_INVALID, "exec plugin without a command");
	cache_key(exec, cluster_info_json, &key);
	pthread_mutex_lock(&cache_lock);
	/* Callers wanting the same credential wait for the run in progress
	 * instead of all prompting or all minting one; different plugins
	 * (other clusters) run side by side. */
	for (;;) {
		pp = cache_find(&key);
		if (!pp)
			break;
		c = *pp;
		if (c->running) {
			pthread_cond_wait(&cache_cond, &cache_lock);
			continue;
		}
		if (fresh(c))
			goto hit;
		*pp = c->next;
		cred_free(c);
		break;
	}
	allowed = interactive_allowed < 0 ? 1 : interactive_allowed;
	mode = exec->interactive_mode ? exec->interactive_mode : "IfAvailable";
	if (strcmp(mode, "Never")) {
		interactive = allowed && isatty(0);
		if (!interactive && !strcmp(mode, "Always")) {
			kerr_set(err, KERR_AUTH, "exec plugin %s needs an interactive terminal (interactiveMode Always), but standard input is not one",
				 exec->command);
			goto out;
		}
	}
	c = xcalloc(1, sizeof *c);
	c->key = xmalloc(key.len + 1);
	memcpy(c->key, key.buf, key.len + 1);
	c->key_len = key.len;
	c->running = 1;
	c->next = cache;
	cache = c;
	pthread_mutex_unlock(&cache_lock);

	rc = run(exec, cluster_info_json, interactive, &out, &errb, err);
	if (!rc)
		rc = decode(exec, &out, &got, err);

	pthread_mutex_lock(&cache_lock);
	/* invalidate and clear leave running entries alone: c is still listed */
	c->running = 0;
	pthread_cond_broadcast(&cache_cond);
	if (rc < 0) {
		unlink_cred(c);
		cred_free(c);
		goto out;
	}
	c->token = got.token;
	c->cert = got.cert;
	c->keypem = got.keypem;
	c->expiry = got.expiry;
hit:
	*token = xstrdup(c->token);
	*cert_pem = xstrdup(c->cert);
	*key_pem = xstrdup(c->keypem);
	rc = 0;
out:
	pthread_mutex_unlock(&cache_lock);
	wipe_release(&key);
	wipe_release(&out);
	wipe_release(&errb);
	return rc;
}

void kube_exec_invalidate(const struct kube_exec *exec)
{
	struct strbuf key = STRBUF_INIT;
	struct cred **pp, *c;

	if (!exec)
		return;
	/* the cluster part of the key is unknown here: drop every entry of this plugin */
	cache_key(exec, NULL, &key);
	pthread_mutex_lock(&cache_lock);
	pp = &cache;
	while (*pp) {
		c = *pp;
		if (!c->running && c->key_len >= key.len && !memcmp(c->key, key.buf, key.len)) {
			*pp = c->next;
			cred_free(c);
		} else {
			pp = &c->next;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	wipe_release(&key);
}

void kube_exec_cache_clear(void)
{
	struct cred **pp, *c;

	pthread_mutex_lock(&cache_lock);
	pp = &cache;
	while ((c = *pp)) {
		if (c->running) {   /* its caller still holds it */
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		cred_free(c);
	}
	pthread_mutex_unlock(&cache_lock);
}
