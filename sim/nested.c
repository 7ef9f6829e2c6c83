/* nested.c - API servers started at runtime (sim_cluster_start_nested*):
 * what a Deployment running kube-apiserver or karmada-apiserver becomes.
 */
#include "sim/core.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct sim_cluster *sim_cluster_start_nested_tls(const char *name, const char *address, int port,
						 const struct sim_nested_tls *tls, struct kerr *err)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct sim_cluster **cls, *cl;
	size_t n;
	char tok[80];

	pthread_mutex_lock(&mu);
	n = sim_clusters(&cls);
	if (sim_cluster_by_name(name)) {
		pthread_mutex_unlock(&mu);
		kerr_set(err, KERR_CONFLICT, "a cluster named %s already runs", name);
		return NULL;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->index = (int)n;
	cl->name = xstrdup(name);
	cl->cfg = sim_server_config();
	cl->port = port;
	cl->nested = 1;
	snprintf(cl->address, sizeof cl->address, "%s", address);
	if (tls && tls->ca_cert_pem && tls->ca_key_pem) {
		cl->ca_cert_pem = xstrdup(tls->ca_cert_pem);
		cl->ca_key_pem = xstrdup(tls->ca_key_pem);
	} else if (sim_certs_make_ca(name, &cl->ca_cert_pem, &cl->ca_key_pem, err)) {
		goto fail;
	}
	if (tls && tls->server_cert_pem && tls->server_key_pem) {
		cl->server_cert_pem = xstrdup(tls->server_cert_pem);
		cl->server_key_pem = xstrdup(tls->server_key_pem);
	} else if (sim_certs_make_leaf(cl->ca_cert_pem, cl->ca_key_pem, "kube-apiserver", NULL, cl->address, 1,
				       &cl->server_cert_pem, &cl->server_key_pem, err)) {
		goto fail;
	}
	if (sim_certs_make_leaf(cl->ca_cert_pem, cl->ca_key_pem, "kurator-admin", "system:masters", NULL, 0,
				&cl->admin_cert_pem, &cl->admin_key_pem, err))
		goto fail;
	if (tls && tls->client_ca_pem) {
		/* accept client certificates of that CA (the listener trusts ca_cert_pem) */
		free(cl->ca_cert_pem);
		cl->ca_cert_pem = xstrdup(tls->client_ca_pem);
	}
	sim_random_hex(tok, 24);
	cl->admin_token = xstrdup(tok);
	cl->store = sim_store_new(cl);
	sim_store_bootstrap(cl->store);
	if (sim_server_run_start_hooks(cl, err) || sim_server_start_cluster(cl, err) ||
	    sim_store_start(cl->store, NULL))
		goto fail_started;
	if (sim_server_register_cluster(cl)) {
		kerr_set(err, KERR_FAIL, "too many API servers in one kurator-sim");
		goto fail_started;
	}
	pthread_mutex_unlock(&mu);
	return cl;
fail_started:
	sim_server_run_stop_hooks(cl);
	sim_server_stop_cluster(cl);
	sim_store_free(cl->store);
fail:
	pthread_mutex_unlock(&mu);
	free(cl->name);
	free(cl->server_url);
	free(cl->ca_cert_pem);
	free_secret(cl->ca_key_pem);
	free(cl->server_cert_pem);
	free_secret(cl->server_key_pem);
	free(cl->admin_cert_pem);
	free_secret(cl->admin_key_pem);
	free_secret(cl->admin_token);
	free(cl);
	return NULL;
}

struct sim_cluster *sim_cluster_start_nested(const char *name, const char *address, int port,
					     const char *ca_cert_pem, const char *ca_key_pem,
					     struct kerr *err)
{
	struct sim_nested_tls tls = { .ca_cert_pem = ca_cert_pem, .ca_key_pem = ca_key_pem };

	return sim_cluster_start_nested_tls(name, address, port, &tls, err);
}

void sim_cluster_stop_nested(struct sim_cluster *cl)
{
	struct sim_store *st;

	if (!cl || !cl->store)
		return;
	st = cl->store;
	sim_store_shutdown(st);
	sim_server_run_stop_hooks(cl);
	sim_server_stop_cluster(cl);
	cl->store = NULL;
	sim_store_free(st);
}
