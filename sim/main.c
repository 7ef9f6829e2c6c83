/* main.c - kurator-sim: options, clusters, kubeconfig, signals.
 *
 *   kurator-sim --clusters host,member1 [--nodes N] [--edge-nodes N]
 *       [--kubeconfig-out FILE] [--state-dir DIR] [--fault SPEC]... [--http]
 *       [--version 1.30.0] [--ready-delay-ms N] [--config FILE.yaml]
 *       [--address-base 127.0.0.2] [--port N] [--dump-on-exit FILE]
 *
 * The kubeconfig is written (atomically, 0600) only once every listener is
 * up, so a test can wait for the file. SIGTERM/SIGINT stop gracefully (state
 * saved to --state-dir, dump written to --dump-on-exit); SIGUSR1 writes the
 * dump without stopping.
 */
#include "sim/core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"

/* The controllers are linked in when sim/controllers.h's files are built. */
extern void sim_ctl_register_all(const struct sim_config *cfg) __attribute__((weak));

static struct sim_config cfg;
static char *norights_tokens[64];

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kurator-sim --clusters NAME[,NAME...] [options]\n"
		"  --nodes N              worker nodes per cluster (default 1)\n"
		"  --edge-nodes N         edge nodes per cluster (default 0)\n"
		"  --kubeconfig-out FILE  write a kubeconfig (contexts named after the clusters)\n"
		"  --state-dir DIR        keep certificates and objects across restarts\n"
		"  --fault SPEC           latency=50ms,errors=0.1:verb=GET,drop-watch=5s,gone,slow-stream=100ms\n"
		"  --http                 plain HTTP (no TLS, no authentication)\n"
		"  --version V            Kubernetes version to report (default 1.30.0)\n"
		"  --ready-delay-ms N     pods become Ready after N ms (default 500)\n"
		"  --config FILE.yaml     the same options as a YAML mapping\n"
		"  --address-base IP      first cluster's address (default 127.0.0.2)\n"
		"  --port N               first cluster's port (default 0: ephemeral)\n"
		"  --dump-on-exit FILE    write all objects as JSON on exit and on SIGUSR1\n");
}

static long parse_duration_ms(const char *s, int *ok)
{
	char *end;
	double v = strtod(s, &end);

	*ok = end != s;
	if (!strcmp(end, "ms") || !*end)
		return (long)v;
	if (!strcmp(end, "s"))
		return (long)(v * 1000);
	if (!strcmp(end, "m"))
		return (long)(v * 60000);
	*ok = 0;
	return 0;
}

static int parse_fault(const char *spec, struct sim_fault *f, struct kerr *err)
{
	char *dup = xstrdup(spec), *save = NULL, *item;
	int ok = 1;

	for (item = strtok_r(dup, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const char *val = eq ? eq + 1 : "";
		if (eq)
			*eq = '\0';
		if (!strcmp(item, "latency")) {
			f->latency_ms = parse_duration_ms(val, &ok);
		} else if (!strcmp(item, "errors")) {
			char *colon = strchr(val, ':');
			char *end;
			f->error_rate = strtod(val, &end);
			ok = end != val;
			if (colon && !strncmp(colon + 1, "verb=", 5))
				snprintf(f->error_verb, sizeof f->error_verb, "%s", colon + 6);
		} else if (!strcmp(item, "drop-watch")) {
			f->drop_watch_ms = parse_duration_ms(val, &ok);
		} else if (!strcmp(item, "gone")) {
			f->gone = !*val || !strcmp(val, "1") || !strcmp(val, "true");
		} else if (!strcmp(item, "slow-stream")) {
			f->slow_stream_ms = *val ? parse_duration_ms(val, &ok) : 200;
		} else {
			ok = 0;
		}
		if (!ok)
			kerr_set(err, KERR_USAGE, "bad --fault item \"%s\" (expected latency=50ms, errors=0.1[:verb=GET], "
				 "drop-watch=5s, gone, slow-stream=100ms)", item);
	}
	free(dup);
	return ok ? 0 : -1;
}

static char **split_names(const char *csv)
{
	json_t *a = sim_csv_array(csv), *v;
	char **out = xcalloc(json_array_size(a) + 1, sizeof *out);
	size_t i;

	json_array_foreach(a, i, v)
		out[i] = xstrdup(json_string_value(v));
	json_decref(a);
	return out;
}

static int set_option(const char *name, const char *val, struct kerr *err)
{
	char *end;

	if (!strcmp(name, "clusters")) {
		for (char **p = cfg.clusters; p && *p; p++)
			free(*p);
		free(cfg.clusters);
		cfg.clusters = split_names(val);
	} else if (!strcmp(name, "nodes")) {
		cfg.nodes = (int)strtol(val, &end, 10);
		if (*end || cfg.nodes < 0)
			return kerr_set(err, KERR_USAGE, "--nodes wants a number, not \"%s\"", val);
	} else if (!strcmp(name, "edge-nodes")) {
		cfg.edge_nodes = (int)strtol(val, &end, 10);
		if (*end || cfg.edge_nodes < 0)
			return kerr_set(err, KERR_USAGE, "--edge-nodes wants a number, not \"%s\"", val);
	} else if (!strcmp(name, "kubeconfig-out")) {
		free(cfg.kubeconfig_out);
		cfg.kubeconfig_out = xstrdup(val);
	} else if (!strcmp(name, "state-dir")) {
		free(cfg.state_dir);
		cfg.state_dir = xstrdup(val);
	} else if (!strcmp(name, "fault")) {
		return parse_fault(val, &cfg.fault, err);
	} else if (!strcmp(name, "http")) {
		cfg.http = !val || !*val || !strcmp(val, "true");
	} else if (!strcmp(name, "version")) {
		free(cfg.version);
		cfg.version = xstrdup(val);
	} else if (!strcmp(name, "ready-delay-ms")) {
		cfg.ready_delay_ms = strtol(val, &end, 10);
		if (*end)
			return kerr_set(err, KERR_USAGE, "--ready-delay-ms wants a number, not \"%s\"", val);
	} else if (!strcmp(name, "address-base")) {
		struct in_addr a;
		if (inet_pton(AF_INET, val, &a) != 1)
			return kerr_set(err, KERR_USAGE, "--address-base wants an IPv4 address, not \"%s\"", val);
		free(cfg.address_base);
		cfg.address_base = xstrdup(val);
	} else if (!strcmp(name, "port")) {
		cfg.port = (int)strtol(val, &end, 10);
		if (*end || cfg.port < 0 || cfg.port > 65535)
			return kerr_set(err, KERR_USAGE, "--port wants a port number, not \"%s\"", val);
	} else if (!strcmp(name, "dump-on-exit")) {
		free(cfg.dump_on_exit);
		cfg.dump_on_exit = xstrdup(val);
	} else {
		return kerr_set(err, KERR_USAGE, "unknown option \"%s\"", name);
	}
	return 0;
}

static int load_config_file(const char *path, struct kerr *err)
{
	json_t *doc = NULL, *map, *v;
	const char *k;
	int rc = 0;

#ifdef SIM_HAVE_YAMLJSON
	if (yj_load_file(path, &doc, err))
		return -1;
#else
	{
		json_error_t je;
		/* without the YAML loader, --config takes JSON (a subset of YAML) */
		json_t *one = json_load_file(path, 0, &je);
		if (!one)
			return kerr_set(err, KERR_USAGE, "%s:%d: %s (this build reads --config as JSON only)",
					path, je.line, je.text);
		doc = json_pack("[o]", one);
	}
#endif
	map = json_array_get(doc, 0);
	if (!json_is_object(map)) {
		json_decref(doc);
		return kerr_set(err, KERR_USAGE, "%s: expected a mapping of options", path);
	}
	json_object_foreach(map, k, v) {
		char buf[64];
		const char *s = buf;
		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
		else if (json_is_array(v) && !strcmp(k, "clusters")) {
			struct strbuf sb = STRBUF_INIT;
			json_t *e;
			size_t i;
			json_array_foreach(v, i, e) {
				if (i)
					strbuf_addch(&sb, ',');
				strbuf_addstr(&sb, json_string_value(e) ?: "");
			}
			rc = set_option(k, sb.buf, err);
			strbuf_release(&sb);
			if (rc)
				break;
			continue;
		} else {
			rc = kerr_set(err, KERR_USAGE, "%s: option %s has an unsupported value", path, k);
			break;
		}
		if ((rc = set_option(k, s, err)))
			break;
	}
	json_decref(doc);
	return rc;
}

/* ---- files ---------------------------------------------------------------------- */

static int write_file_atomic(const char *path, const char *data, size_t len, struct kerr *err)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w = -1;

	if (fd >= 0) {
		w = write(fd, data, len);
		if (fsync(fd) || close(fd))
			w = -1;
	}
	if (w != (ssize_t)len || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return kerr_set(err, KERR_FAIL, "cannot write %s: %s", path, strerror(e));
	}
	free(tmp);
	return 0;
}

static char *read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

static int state_file(const char *dir, const char *cluster, const char *file, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", dir, cluster, file);
	return 0;
}

/* Load a PEM/secret from the state dir, or make it and save it. */
static char *keep(const struct sim_cluster *cl, const char *file, char *value)
{
	char path[4096];

	if (!cfg.state_dir)
		return value;
	state_file(cfg.state_dir, cl->name, file, path, sizeof path);
	write_file_atomic(path, value, strlen(value), NULL);
	return value;
}

static char *restore(const struct sim_cluster *cl, const char *file)
{
	char path[4096];

	if (!cfg.state_dir)
		return NULL;
	state_file(cfg.state_dir, cl->name, file, path, sizeof path);
	return read_file(path);
}

static int setup_credentials(struct sim_cluster *cl, struct kerr *err)
{
	char tok[80];
	struct sim_identity none = { .user = "kurator-norights", .groups = "system:authenticated" };

	cl->ca_cert_pem = restore(cl, "ca.crt");
	cl->ca_key_pem = restore(cl, "ca.key");
	cl->server_cert_pem = restore(cl, "server.crt");
	cl->server_key_pem = restore(cl, "server.key");
	cl->admin_cert_pem = restore(cl, "admin.crt");
	cl->admin_key_pem = restore(cl, "admin.key");
	cl->admin_token = restore(cl, "admin.token");
	norights_tokens[cl->index] = restore(cl, "norights.token");
	if (!cl->ca_cert_pem || !cl->ca_key_pem || !cl->server_cert_pem || !cl->admin_cert_pem) {
		char cn[200];
		free(cl->ca_cert_pem);
		free(cl->ca_key_pem);
		free(cl->server_cert_pem);
		free(cl->server_key_pem);
		free(cl->admin_cert_pem);
		free(cl->admin_key_pem);
		snprintf(cn, sizeof cn, "kurator-sim-%s-ca", cl->name);
		if (sim_certs_make_ca(cn, &cl->ca_cert_pem, &cl->ca_key_pem, err) ||
		    sim_certs_make_leaf(cl->ca_cert_pem, cl->ca_key_pem, "kube-apiserver", NULL, cl->address, 1,
					&cl->server_cert_pem, &cl->server_key_pem, err) ||
		    sim_certs_make_leaf(cl->ca_cert_pem, cl->ca_key_pem, "kurator-admin", "system:masters", NULL, 0,
					&cl->admin_cert_pem, &cl->admin_key_pem, err))
			return -1;
		keep(cl, "ca.crt", cl->ca_cert_pem);
		keep(cl, "ca.key", cl->ca_key_pem);
		keep(cl, "server.crt", cl->server_cert_pem);
		keep(cl, "server.key", cl->server_key_pem);
		keep(cl, "admin.crt", cl->admin_cert_pem);
		keep(cl, "admin.key", cl->admin_key_pem);
	}
	if (!cl->admin_token) {
		sim_random_hex(tok, 24);
		cl->admin_token = keep(cl, "admin.token", xstrdup(tok));
	}
	if (!norights_tokens[cl->index]) {
		sim_random_hex(tok, 24);
		norights_tokens[cl->index] = keep(cl, "norights.token", xstrdup(tok));
	}
	sim_cluster_add_token(cl, norights_tokens[cl->index], &none);
	return 0;
}

static void address_for(int i, char *buf, size_t size)
{
	struct in_addr a;

	inet_pton(AF_INET, cfg.address_base, &a);
	a.s_addr = htonl(ntohl(a.s_addr) + (uint32_t)i);
	inet_ntop(AF_INET, &a, buf, (socklen_t)size);
}

static struct sim_cluster *cluster_new(int i, const char *name, struct kerr *err)
{
	struct sim_cluster *cl = xcalloc(1, sizeof *cl);
	char path[4096], *saved_port;

	cl->index = i;
	cl->name = xstrdup(name);
	cl->cfg = &cfg;
	address_for(i, cl->address, sizeof cl->address);
	cl->port = cfg.port ? cfg.port + i : 0;
	if (cfg.state_dir) {
		snprintf(path, sizeof path, "%s/%s", cfg.state_dir, name);
		if (mkdir(cfg.state_dir, 0700) && errno != EEXIST) {
			kerr_set(err, KERR_FAIL, "cannot create %s: %s", cfg.state_dir, strerror(errno));
			return cl;
		}
		if (mkdir(path, 0700) && errno != EEXIST) {
			kerr_set(err, KERR_FAIL, "cannot create %s: %s", path, strerror(errno));
			return cl;
		}
		/* Reuse the previous port so an old kubeconfig keeps working. */
		if (!cl->port && (saved_port = restore(cl, "port"))) {
			cl->port = atoi(saved_port);
			free(saved_port);
		}
	}
	return cl;
}

static int cluster_start(struct sim_cluster *cl, struct kerr *err)
{
	char path[4096], *save = NULL;
	int want_port = cl->port;

	if (setup_credentials(cl, err))
		return -1;
	cl->store = sim_store_new(cl);
	if (cfg.state_dir) {
		state_file(cfg.state_dir, cl->name, "state.json", path, sizeof path);
		save = path;
		if (access(path, R_OK) == 0) {
			if (sim_store_load(cl->store, path, err))
				return -1;
		} else {
			sim_store_bootstrap(cl->store);
		}
	} else {
		sim_store_bootstrap(cl->store);
	}
	if (sim_server_run_start_hooks(cl, err))
		return kerr_prefix(err, "cluster %s", cl->name);
	if (sim_server_start_cluster(cl, err)) {
		if (!want_port || cfg.port)
			return -1;
		cl->port = 0;   /* the saved port is taken: take another */
		if (sim_server_start_cluster(cl, err))
			return -1;
	}
	if (cfg.state_dir) {
		char p[16];
		snprintf(p, sizeof p, "%d", cl->port);
		keep(cl, "port", p);
	}
	return sim_store_start(cl->store, save);
}

static int write_kubeconfig(struct sim_cluster **cls, size_t n, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;

	strbuf_addstr(&sb, "apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "- name: %s\n  cluster:\n    server: %s\n", cls[i]->name, cls[i]->server_url);
		if (!cfg.http) {
			char *ca = b64(cls[i]->ca_cert_pem);
			strbuf_addf(&sb, "    certificate-authority-data: %s\n", ca);
			free(ca);
		}
	}
	strbuf_addstr(&sb, "contexts:\n");
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "- name: %s\n  context:\n    cluster: %s\n    user: %s-admin\n", cls[i]->name,
			    cls[i]->name, cls[i]->name);
	strbuf_addf(&sb, "current-context: %s\nusers:\n", n ? cls[0]->name : "");
	for (i = 0; i < n; i++) {
		char *crt = b64(cls[i]->admin_cert_pem), *key = b64(cls[i]->admin_key_pem);
		strbuf_addf(&sb, "- name: %s-admin\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n",
			    cls[i]->name, crt, key);
		strbuf_addf(&sb, "- name: %s-token\n  user:\n    token: %s\n", cls[i]->name, cls[i]->admin_token);
		strbuf_addf(&sb, "- name: %s-norights\n  user:\n    token: %s\n", cls[i]->name,
			    norights_tokens[cls[i]->index]);
		free(crt);
		free_secret(key);
	}
	rc = write_file_atomic(cfg.kubeconfig_out, sb.buf, sb.len, err);
	memset(sb.buf, 0, sb.len);
	strbuf_release(&sb);
	return rc;
}

json_t *sim_state_dump_all(int strip_managed)
{
	struct sim_cluster **cls;
	size_t n = sim_clusters(&cls), i;
	json_t *all = json_object();

	for (i = 0; i < n; i++)
		if (cls[i]->store)
			json_object_set_new(all, cls[i]->name, sim_store_dump(cls[i]->store, strip_managed));
	return all;
}

static void write_dump(void)
{
	json_t *all;
	char *s;

	if (!cfg.dump_on_exit)
		return;
	all = sim_state_dump_all(1);
	s = json_dumps(all, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (s) {
		struct kerr err = { 0 };
		if (write_file_atomic(cfg.dump_on_exit, s, strlen(s), &err))
			fprintf(stderr, "kurator-sim: %s\n", err.msg);
		free(s);
	}
	json_decref(all);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "clusters", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "edge-nodes", required_argument, NULL, 'e' },
		{ "kubeconfig-out", required_argument, NULL, 'k' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "fault", required_argument, NULL, 'f' },
		{ "http", no_argument, NULL, 'H' },
		{ "version", required_argument, NULL, 'V' },
		{ "ready-delay-ms", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'C' },
		{ "address-base", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "dump-on-exit", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kerr err = { 0 };
	struct sim_cluster **cls;
	sigset_t set;
	size_t i, n;
	int c, sig, rc = 0;

	cfg.nodes = 1;
	cfg.ready_delay_ms = 500;
	cfg.address_base = xstrdup("127.0.0.2");
	cfg.version = xstrdup("1.30.0");
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *name = NULL;
		for (i = 0; opts[i].name; i++)
			if (opts[i].val == c)
				name = opts[i].name;
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (!name) {
			usage(stderr);
			return 2;
		}
		if ((c == 'C' ? load_config_file(optarg, &err) : set_option(name, optarg ? optarg : "", &err))) {
			fprintf(stderr, "kurator-sim: %s\n", err.msg);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kurator-sim: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	if (!cfg.clusters || !cfg.clusters[0]) {
		free(cfg.clusters);
		cfg.clusters = split_names("host");
	}
	for (n = 0; cfg.clusters[n]; n++)
		;
	if (n > 64) {
		fprintf(stderr, "kurator-sim: at most 64 clusters\n");
		return 2;
	}

	/* Signals go to the main thread only (sigwait below). */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	sim_server_set_config(&cfg);
	sim_auth_register();
	if (sim_ctl_register_all)
		sim_ctl_register_all(&cfg);
	for (i = 0; i < n; i++) {
		struct sim_cluster *cl = cluster_new((int)i, cfg.clusters[i], &err);
		sim_server_register_cluster(cl);   /* n <= 64: always room */
		if (err.kind || cluster_start(cl, &err)) {
			fprintf(stderr, "kurator-sim: cluster %s: %s\n", cl->name, err.msg);
			rc = 1;
			goto stop;
		}
	}
	n = sim_clusters(&cls);
	if (cfg.kubeconfig_out && write_kubeconfig(cls, n, &err)) {
		fprintf(stderr, "kurator-sim: %s\n", err.msg);
		rc = 1;
		goto stop;
	}
	for (i = 0; i < n; i++)
		printf("kurator-sim: cluster %s at %s\n", cls[i]->name, cls[i]->server_url);
	printf("kurator-sim: controllers %s\n", sim_ctl_register_all ? "yes" : "no");
	fflush(stdout);

	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGUSR1) {
			write_dump();
			continue;
		}
		break;
	}
stop:
	sim_server_begin_stop();
	n = sim_clusters(&cls);
	for (i = 0; i < n; i++)
		if (cls[i]->store)
			sim_store_shutdown(cls[i]->store);
	for (i = 0; i < n; i++) {
		if (cls[i]->store)
			sim_server_run_stop_hooks(cls[i]);
		sim_server_stop_cluster(cls[i]);
	}
	write_dump();
	for (i = 0; i < n; i++) {
		struct sim_cluster *cl = cls[i];
		if (cfg.state_dir && cl->store) {
			char path[4096];
			state_file(cfg.state_dir, cl->name, "state.json", path, sizeof path);
			if (sim_store_save(cl->store, path, &err))
				fprintf(stderr, "kurator-sim: %s\n", err.msg);
		}
		sim_store_free(cl->store);
		free(cl->name);
		free(cl->server_url);
		free(cl->ca_cert_pem);
		free_secret(cl->ca_key_pem);
		free(cl->server_cert_pem);
		free_secret(cl->server_key_pem);
		free(cl->admin_cert_pem);
		free_secret(cl->admin_key_pem);
		free_secret(cl->admin_token);
		if (cl->index < (int)ARRAY_SIZE(norights_tokens))
			free_secret(norights_tokens[cl->index]);
		free(cl);
	}
	return rc;
}
