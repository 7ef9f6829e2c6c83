/* pool.c - kube_client per context, created lazily (see pool.h). */
#include <pthread.h>
#include <string.h>

#include "backends/kube/pool.h"
#include "lib/xalloc.h"

struct pool_entry {
	char *context;
	struct kube_client *client;
};

struct kube_clients {
	const struct kubeconfig *kc;
	struct kube_client_opts opts;
	char *user_agent;
	pthread_mutex_t lock;
	struct pool_entry *e;
	size_t n, a;
};

struct kube_clients *kube_clients_new(const struct kubeconfig *kc,
				      const struct kube_client_opts *opts)
{
	struct kube_clients *p = xcalloc(1, sizeof *p);

	p->kc = kc;
	if (opts)
		p->opts = *opts;
	p->user_agent = xstrdup(p->opts.user_agent);
	p->opts.user_agent = p->user_agent;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void kube_clients_free(struct kube_clients *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		kube_client_free(p->e[i].client);
		free(p->e[i].context);
	}
	free(p->e);
	free(p->user_agent);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int kube_clients_get(struct kube_clients *p, const char *context,
		     struct kube_client **out, struct kerr *err)
{
	struct kube_conn *conn = NULL;
	struct kube_client *c;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!context)
		context = kubeconfig_current_context(p->kc);
	if (!context || !*context)
		return kerr_set(err, KERR_USAGE, "no context given and the kubeconfig has no current-context");
	/* Creation happens under the lock: it is cheap (no network), and two
	 * threads asking for a new context must end up with one client. */
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].context, context)) {
			*out = p->e[i].client;
			goto out;
		}
	if (kubeconfig_conn(p->kc, context, &conn, err) < 0) {
		rc = -1;
		goto out;
	}
	c = kube_client_new(conn, &p->opts, err);
	kube_conn_free(conn);
	if (!c) {
		rc = kerr_prefix(err, "context %s", context);
		goto out;
	}
	if (p->n == p->a) {
		p->a = p->a ? p->a * 2 : 4;
		p->e = xrealloc(p->e, p->a * sizeof *p->e);
	}
	p->e[p->n].context = xstrdup(context);
	p->e[p->n].client = c;
	p->n++;
	*out = c;
out:
	pthread_mutex_unlock(&p->lock);
	return rc;
}
