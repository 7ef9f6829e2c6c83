/* pool.h - one kube_client per kubeconfig context, created on first use.
 *
 * Modules that talk to several clusters (fleet, components, shell) share
 * one pool so each context gets one client and its connections and
 * discovery cache are reused. Thread-safe.
 *
 * Ownership: the pool borrows the kubeconfig (it must outlive the pool)
 * and owns the clients it creates; pointers returned by kube_clients_get
 * stay valid until kube_clients_free.
 */
#ifndef KURATOR_KUBE_POOL_H
#define KURATOR_KUBE_POOL_H

#include "backends/kube/client.h"
#include "backends/kube/kubeconfig.h"
#include "lib/err.h"

struct kube_clients;

/* opts (may be NULL) is copied and used for every client. */
struct kube_clients *kube_clients_new(const struct kubeconfig *kc,
				      const struct kube_client_opts *opts);
void kube_clients_free(struct kube_clients *p);   /* NULL-safe */

/* The client for context (NULL: the kubeconfig's current context),
 * created on first use. Errors name the context. */
int kube_clients_get(struct kube_clients *p, const char *context,
		     struct kube_client **out, struct kerr *err);

#endif
