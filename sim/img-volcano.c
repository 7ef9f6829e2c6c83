/* img-volcano.c - what Volcano's images do to the cluster they run in.
 *
 * - vc-webhook-manager running ./gen-admission-secret.sh (the
 *   volcano-admission-init Job): writes the admission certificate Secret
 *   (--secret, in --namespace) with tls.crt, tls.key and ca.crt, then exits.
 * - vc-webhook-manager as the admission server: while Running, keeps the CA
 *   of its mounted certificate Secret in the caBundle of every webhook
 *   configuration that points at its Service (--webhook-service-name,
 *   --webhook-namespace).
 * - vc-scheduler: creates the root and default Queues once the Queue CRD
 *   is served.
 */
#include "sim/controllers.h"
#include "sim/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define MGR_ADMISSION "vc-webhook-manager"
#define MGR_SCHED "vc-scheduler"

static int image_has(const json_t *ctr, const char *what)
{
	const char *img = sim_ctl_str(ctr, "image");

	return img && strstr(img, what) != NULL;
}

/* The value of --flag (as "--flag=v" or "--flag v") in command + args. */
static const char *flag_value(const json_t *ctr, const char *flag, char *buf, size_t size)
{
	static const char *const lists[] = { "command", "args" };
	size_t fl = strlen(flag), i, j;
	json_t *a;
	int next = 0;

	for (j = 0; j < 2; j++) {
		json_array_foreach(json_object_get(ctr, lists[j]), i, a) {
			const char *s = json_string_value(a);
			if (!s)
				continue;
			if (next) {
				snprintf(buf, size, "%s", s);
				return buf;
			}
			if (!strncmp(s, flag, fl) && s[fl] == '=') {
				snprintf(buf, size, "%s", s + fl + 1);
				return buf;
			}
			if (!strcmp(s, flag))
				next = 1;
		}
	}
	return NULL;
}

static int runs_gen_secret(const json_t *ctr)
{
	char *s = json_dumps(json_object_get(ctr, "command"), JSON_COMPACT | JSON_ENCODE_ANY);
	char *t = json_dumps(json_object_get(ctr, "args"), JSON_COMPACT | JSON_ENCODE_ANY);
	int r = (s && strstr(s, "gen-admission-secret")) || (t && strstr(t, "gen-admission-secret"));

	free(s);
	free(t);
	return r;
}

/* ---- admission-init: the certificate Secret -------------------------------------------- */

static int match_init(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "vc-webhook-manager") && runs_gen_secret(ctr);
}

static void put_b64(json_t *data, const char *key, const char *pem)
{
	char *b = sim_ctl_b64(pem, strlen(pem));

	json_object_set_new(data, key, json_string(b));
	free(b);
}

static int init_complete(struct sim_ctl *c, const json_t *pod, const json_t *ctr)
{
	char svc[256], ns[256], secret[256], cn[600];
	char *ca = NULL, *ca_key = NULL, *crt = NULL, *key = NULL;
	struct kerr err = { 0 };
	json_t *sec, *data;
	int rc = -1;

	if (!flag_value(ctr, "--service", svc, sizeof svc) || !flag_value(ctr, "--secret", secret, sizeof secret))
		return -1;   /* the script exits with its usage */
	if (!flag_value(ctr, "--namespace", ns, sizeof ns))
		snprintf(ns, sizeof ns, "%s", sim_ctl_str(pod, "metadata.namespace") ?: "default");
	sec = sim_ctl_get(c, "", "secrets", ns, secret);
	if (sec) {
		json_decref(sec);
		return 0;
	}
	snprintf(cn, sizeof cn, "%s.%s.svc", svc, ns);
	if (sim_certs_make_ca("volcano-admission-ca", &ca, &ca_key, &err) ||
	    sim_certs_make_leaf(ca, ca_key, cn, NULL, "127.0.0.1", 1, &crt, &key, &err))
		goto out;
	data = json_object();
	put_b64(data, "tls.crt", crt);
	put_b64(data, "tls.key", key);
	put_b64(data, "ca.crt", ca);
	sec = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:o}", "apiVersion", "v1", "kind", "Secret", "metadata", "name",
			secret, "namespace", ns, "type", "Opaque", "data", data);
	rc = sim_ctl_create(c, "", "secrets", ns, sec, "kubectl-create") == 0 ? 0 : 1;
	json_decref(sec);
out:
	free(ca);
	free_secret(ca_key);
	free(crt);
	free_secret(key);
	return rc;
}

static const char *const init_lines[] = {
	"creating certs in tmpdir /tmp/tmp.kLmQx2",
	"Generating RSA private key, 2048 bit long modulus (2 primes)",
	"Signature ok",
	"subject=CN = volcano-admission-service.volcano-system.svc",
	"Getting CA Private Key",
	"secret/volcano-admission-secret created",
	NULL,
};

const struct sim_img sim_img_volcano_admission_init = {
	.family = "volcano-admission-init",
	.match = match_init,
	.complete = init_complete,
	.log_lines = init_lines,
};

/* ---- admission server: caBundle ---------------------------------------------------------- */

static int match_admission(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "vc-webhook-manager") && !runs_gen_secret(ctr);
}

/* The Secret mounted at the directory of path (NULL when none). */
static const char *secret_for_path(const json_t *pod, const json_t *ctr, const char *path)
{
	json_t *vm, *v;
	size_t i, j;

	json_array_foreach(json_object_get(ctr, "volumeMounts"), i, vm) {
		const char *mp = sim_ctl_str(vm, "mountPath");
		size_t ml = mp ? strlen(mp) : 0;

		if (!mp || strncmp(path, mp, ml) || (path[ml] != '/' && path[ml]))
			continue;
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), j, v) {
			if (!strcmp(sim_ctl_str(v, "name") ?: "", sim_ctl_str(vm, "name") ?: ""))
				return sim_ctl_str(v, "secret.secretName");
		}
	}
	return NULL;
}

struct bundle {
	const char *svc, *ns, *ca_b64;
	int matched;
};

static int set_bundle(json_t *obj, void *ud, struct kerr *err)
{
	struct bundle *b = ud;
	json_t *wh;
	size_t i;
	int changed = 0;

	(void)err;
	json_array_foreach(json_object_get(obj, "webhooks"), i, wh) {
		json_t *cc = json_object_get(wh, "clientConfig");
		if (strcmp(sim_ctl_str(cc, "service.name") ?: "", b->svc) ||
		    strcmp(sim_ctl_str(cc, "service.namespace") ?: "", b->ns))
			continue;
		if (!strcmp(sim_ctl_str(cc, "caBundle") ?: "", b->ca_b64))
			continue;
		json_object_set_new(cc, "caBundle", json_string(b->ca_b64));
		changed = 1;
	}
	return changed ? 0 : 1;
}

static int points_at(const json_t *cfg, const struct bundle *b)
{
	json_t *wh;
	size_t i;

	json_array_foreach(json_object_get(cfg, "webhooks"), i, wh) {
		if (!strcmp(sim_ctl_str(wh, "clientConfig.service.name") ?: "", b->svc) &&
		    !strcmp(sim_ctl_str(wh, "clientConfig.service.namespace") ?: "", b->ns))
			return 1;
	}
	return 0;
}

static int admission_running(struct sim_ctl *c, const json_t *pod, const json_t *ctr)
{
	static const char *const plurals[] = { "validatingwebhookconfigurations", "mutatingwebhookconfigurations" };
	char svc[256], ns[256], cafile[512];
	const char *secret;
	json_t *sec, *cfgs, *cfg;
	struct bundle b;
	size_t i, j;

	if (!flag_value(ctr, "--webhook-service-name", svc, sizeof svc))
		return 0;   /* no webhooks to register */
	if (!flag_value(ctr, "--webhook-namespace", ns, sizeof ns))
		snprintf(ns, sizeof ns, "%s", sim_ctl_str(pod, "metadata.namespace") ?: "default");
	if (!flag_value(ctr, "--ca-cert-file", cafile, sizeof cafile))
		return 0;
	secret = secret_for_path(pod, ctr, cafile);
	if (!secret)
		return 0;
	sec = sim_ctl_get(c, "", "secrets", sim_ctl_str(pod, "metadata.namespace"), secret);
	/* "ca.crt" has a dot: not a dotted-path lookup. */
	b.ca_b64 = json_string_value(json_object_get(json_object_get(sec, "data"), "ca.crt"));
	if (!b.ca_b64) {
		json_decref(sec);
		return 1;
	}
	b.svc = svc;
	b.ns = ns;
	b.matched = 0;
	for (j = 0; j < 2; j++) {
		cfgs = sim_ctl_list(c, "admissionregistration.k8s.io", plurals[j], NULL);
		json_array_foreach(cfgs, i, cfg) {
			if (!points_at(cfg, &b))
				continue;
			sim_ctl_mutate(c, "admissionregistration.k8s.io", plurals[j], NULL,
				       sim_ctl_str(cfg, "metadata.name"), set_bundle, &b, MGR_ADMISSION);
		}
		json_decref(cfgs);
	}
	json_decref(sec);
	/* Webhook configurations may be applied after the Deployment (or
	 * re-applied without caBundle): keep them patched while running. */
	return 1;
}

static const char *const admission_lines[] = {
	"Version: v1.13.0",
	"Registered '/jobs/mutate' as webhook.",
	"Registered '/jobs/validate' as webhook.",
	"Registered '/podgroups/validate' as webhook.",
	"Registered '/queues/mutate' as webhook.",
	"Registered '/queues/validate' as webhook.",
	"Registered configuration for webhook <volcano-admission-service-jobs-mutate>",
	"Volcano Webhook manager started.",
	"admitting queues -- CREATE",
	"admitting jobs -- CREATE",
	NULL,
};

const struct sim_img sim_img_volcano_admission = {
	.family = "volcano-admission",
	.match = match_admission,
	.running = admission_running,
	.log_lines = admission_lines,
};

/* ---- scheduler: default queues --------------------------------------------------------- */

static int match_scheduler(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "vc-scheduler");
}

static int ensure_queue(struct sim_ctl *c, const char *name, json_t *spec /* stolen */)
{
	json_t *q = sim_ctl_get(c, "scheduling.volcano.sh", "queues", NULL, name);
	int rc = 0;

	if (!q) {
		q = json_pack("{s:s,s:s,s:{s:s},s:o}", "apiVersion", "scheduling.volcano.sh/v1beta1", "kind", "Queue",
			      "metadata", "name", name, "spec", spec);
		spec = NULL;
		rc = sim_ctl_create(c, "scheduling.volcano.sh", "queues", NULL, q, MGR_SCHED);
		if (rc == 0)
			sim_ctl_set_status(c, "scheduling.volcano.sh", "queues", NULL, name,
					   json_pack("{s:s,s:{}}", "state", "Open", "reservation"), MGR_SCHED);
	}
	json_decref(spec);
	json_decref(q);
	return rc;
}

static int scheduler_running(struct sim_ctl *c, const json_t *pod, const json_t *ctr)
{
	(void)pod;
	(void)ctr;
	if (!sim_ctl_type(c, "scheduling.volcano.sh", "queues"))
		return 1;   /* CRD not applied yet */
	if (ensure_queue(c, "root", json_pack("{s:i,s:b}", "weight", 1, "reclaimable", 0)) ||
	    ensure_queue(c, "default", json_pack("{s:i,s:b,s:s}", "weight", 1, "reclaimable", 1, "parent", "root")))
		return 1;
	return 0;
}

static const char *const scheduler_lines[] = {
	"Version: v1.13.0",
	"Starting volcano-scheduler",
	"attempting to acquire leader lease volcano-system/vc-scheduler...",
	"successfully acquired lease volcano-system/vc-scheduler",
	"Start scheduling ...",
	"Open Session 5f0c8b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f with <2> Job and <2> Queues",
	"Close Session 5f0c8b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f",
	"End scheduling ...",
	NULL,
};

const struct sim_img sim_img_volcano_scheduler = {
	.family = "volcano-scheduler",
	.match = match_scheduler,
	.running = scheduler_running,
	.log_lines = scheduler_lines,
};

/* ---- controllers: only log lines ------------------------------------------------------------ */

static int match_controllers(const json_t *pod, const json_t *ctr)
{
	(void)pod;
	return image_has(ctr, "vc-controller-manager");
}

static const char *const controller_lines[] = {
	"Version: v1.13.0",
	"Starting volcano-controller-manager",
	"successfully acquired lease volcano-system/vc-controller-manager",
	"Starting queue controller.",
	"Starting job controller.",
	"Starting podgroup controller.",
	"Begin execute SyncQueue action for queue default, current status Open",
	"End execute SyncQueue action for queue default, current status Open",
	NULL,
};

const struct sim_img sim_img_volcano_controllers = {
	.family = "volcano-controllers",
	.match = match_controllers,
	.log_lines = controller_lines,
};
