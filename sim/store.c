/* store.c - per-cluster object storage with apiserver semantics (store.h).
 *
 * Layout: one table per storage type mapping "ns\x01name" to an immutable
 * JSON snapshot. \x01 sorts below every character allowed in names, so
 * sorting keys sorts by namespace then name and one namespace is one
 * contiguous range. The sorted key array is rebuilt only when keys are
 * added or removed (updates keep it), so paging a large list sorts once.
 *
 * Every write bumps the store's resourceVersion by one and appends one
 * event to a ring; watchers keep a cursor into the ring and sleep on one
 * condition variable.
 */
#include "sim/core.h"

#include "sim/patch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct tab {
	json_t *objs;
	json_t *ser;                /* key -> compact JSON of the current snapshot (lists) */
	const char **sorted;
	size_t nsorted;
	int valid;
};

struct sim_store {
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* new events, shutdown (CLOCK_MONOTONIC) */
	struct sim_cluster *cl;
	struct sim_type **types;
	struct tab **tabs;
	size_t ntypes, atypes;
	uint64_t rv;
	struct sim_event *ring;
	uint64_t first, next;       /* sequence numbers held in the ring */
	uint64_t floor_rv;          /* watches from below this are 410 */
	json_t *owners;             /* owner uid -> {depkey: true} */
	json_t *uids;               /* uid -> depkey */
	json_t *terminating;        /* namespace -> ms when deletion began */
	json_t *graveyard;          /* retired values, freed with the store */
	char **retired;             /* retired strings, freed with the store */
	size_t nretired;
	int stopping;
	int dirty;
	pthread_t janitor;
	int janitor_running;
	char *save_path;
};

struct sim_watch {
	struct sim_store *st;
	const struct sim_type *t;
	int storage_id;
	char *ns;
	struct sim_selector *sel;
	uint64_t next_seq;
	int cancelled;
};

struct admission {
	char *group, *kind;
	sim_admit_fn fn;
	void *ud;
};
static struct admission *admissions;
static size_t nadmissions;

static void commit_remove(struct sim_store *st, const struct sim_type *t, const char *key,
			  json_t *final_state, enum sim_propagation prop);
static int delete_locked(struct sim_store *st, const struct sim_type *t, const char *key,
			 const struct sim_delete_opts *o, json_t **out, int *deleted,
			 struct kerr *err);
static long long mono_ms(void);

int sim_patch_doc(enum sim_patch_type pt, json_t **doc, const json_t *patch, const char *api_version,
		  const char *kind, struct kerr *err)
{
	switch (pt) {
	case SIM_PATCH_MERGE:
		return sim_merge_patch(*doc, patch, err);
	case SIM_PATCH_JSON:
		return sim_json_patch(doc, patch, err);
	case SIM_PATCH_STRATEGIC:
		return sim_strategic_merge_patch(*doc, patch, api_version, kind, err);
	case SIM_PATCH_APPLY:
		break;
	}
	return sim_kerr_http(err, 415, "UnsupportedMediaType", "apply patches are not supported here");
}

/* ---- small helpers -------------------------------------------------------- */

void sim_store_lock(struct sim_store *st)
{
	pthread_mutex_lock(&st->mu);
}

void sim_store_unlock(struct sim_store *st)
{
	pthread_mutex_unlock(&st->mu);
}

void sim_now_rfc3339(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *meta_of(json_t *obj)
{
	json_t *m = json_object_get(obj, "metadata");

	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	return m;
}

static const char *mstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

static void make_key(char *buf, size_t size, const char *ns, const char *name)
{
	snprintf(buf, size, "%s\x01%s", ns ? ns : "", name ? name : "");
}

static struct tab *tab_of(struct sim_store *st, const struct sim_type *t)
{
	return st->tabs[t->storage_id];
}

static const struct sim_type *storage_type(struct sim_store *st, const struct sim_type *t)
{
	return st->types[t->storage_id];
}

static const char *kind_plural(const struct sim_type *t)
{
	return t->group[0] ? t->plural : t->plural;
}

/* "deployments.apps" in messages, "pods" for the core group. */
static void resource_name(const struct sim_type *t, char *buf, size_t size)
{
	if (t->group[0])
		snprintf(buf, size, "%s.%s", kind_plural(t), t->group);
	else
		snprintf(buf, size, "%s", t->plural);
}

/* "ConfigMap", "Deployment.apps": how the apiserver names a kind in Invalid messages. */
static const char *qkind(const struct sim_type *t, char *buf, size_t size)
{
	if (t->group[0])
		snprintf(buf, size, "%s.%s", t->kind, t->group);
	else
		snprintf(buf, size, "%s", t->kind);
	return buf;
}

static int not_found(struct sim_store *st, const struct sim_type *t, const char *name,
		     struct kerr *err)
{
	char rn[256];

	(void)st;
	resource_name(t, rn, sizeof rn);
	return sim_kerr_http(err, 404, "NotFound", "%s \"%s\" not found", rn, name);
}

static int conflict_modified(const struct sim_type *t, const char *name, struct kerr *err)
{
	char rn[256];

	resource_name(t, rn, sizeof rn);
	return sim_kerr_http(err, 409, "Conflict",
			     "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
			     "please apply your changes to the latest version and try again", rn, name);
}

json_t *sim_status_new(int code, const char *reason, const char *message, const json_t *details)
{
	json_t *s = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1",
			      "metadata", "status", code < 400 ? "Success" : "Failure",
			      "message", message ? message : "", "reason", reason ? reason : "",
			      "code", code);

	if (details)
		json_object_set(s, "details", (json_t *)details);
	if (!reason || !*reason)
		json_object_del(s, "reason");
	return s;
}

/* ---- types ---------------------------------------------------------------- */

static void set_str(struct sim_store *st, char **field, const char *value)
{
	if (*field && !strcmp(*field, value))
		return;
	if (*field)
		sim_store_retire_str(st, *field);
	*field = xstrdup(value);
}

static void set_json(struct sim_store *st, json_t **field, json_t *value)
{
	if (*field && json_equal(*field, value)) {
		json_decref(value);
		return;
	}
	if (*field)
		sim_store_retire(st, *field);
	*field = value;
}

const struct sim_type *sim_store_add_type(struct sim_store *st, const struct sim_type_def *def)
{
	struct sim_type *t = NULL;
	size_t i;
	int storage = -1;

	sim_store_lock(st);
	for (i = 0; i < st->ntypes; i++) {
		struct sim_type *x = st->types[i];
		if (strcmp(x->group, def->group) || strcmp(x->plural, def->plural))
			continue;
		if (!strcmp(x->version, def->version))
			t = x;
		if (storage < 0)
			storage = x->storage_id;
	}
	if (!t) {
		if (st->ntypes == st->atypes) {
			st->atypes = st->atypes ? st->atypes * 2 : 64;
			st->types = xrealloc(st->types, st->atypes * sizeof *st->types);
			st->tabs = xrealloc(st->tabs, st->atypes * sizeof *st->tabs);
		}
		t = xcalloc(1, sizeof *t);
		t->id = (int)st->ntypes;
		t->group = xstrdup(def->group);
		t->version = xstrdup(def->version);
		t->plural = xstrdup(def->plural);
		t->api_version = def->group[0] ? xasprintf("%s/%s", def->group, def->version)
					       : xstrdup(def->version);
		t->storage_id = storage >= 0 ? storage : t->id;
		st->tabs[st->ntypes] = NULL;
		if (t->storage_id == t->id) {
			st->tabs[st->ntypes] = xcalloc(1, sizeof(struct tab));
			st->tabs[st->ntypes]->objs = json_object();
			st->tabs[st->ntypes]->ser = json_object();
		}
		st->types[st->ntypes++] = t;
	}
	/* A type may be re-registered (a CRD applied again) while request
	 * threads read it without the lock: unchanged values stay, changed
	 * ones replace the old, which are retired rather than freed. */
	set_str(st, &t->kind, def->kind);
	set_str(st, &t->singular, def->singular && *def->singular ? def->singular : def->plural);
	{
		char *lk = xasprintf("%sList", def->kind);
		set_str(st, &t->list_kind, lk);
		free(lk);
	}
	t->namespaced = def->namespaced;
	t->has_status = def->has_status;
	t->has_scale = def->has_scale;
	set_json(st, &t->short_names, sim_csv_array(def->short_names));
	set_json(st, &t->categories, sim_csv_array(def->categories));
	set_json(st, &t->verbs, sim_csv_array(def->verbs ? def->verbs
					      : "create,delete,deletecollection,get,list,patch,update,watch"));
	t->served = 1;
	sim_store_unlock(st);
	return t;
}

void sim_store_set_served(struct sim_store *st, const struct sim_type *t, int served)
{
	sim_store_lock(st);
	st->types[t->id]->served = served;
	sim_store_unlock(st);
}

const struct sim_type *sim_store_type(struct sim_store *st, const char *group,
				      const char *version, const char *plural)
{
	const struct sim_type *found = NULL;
	size_t i;

	sim_store_lock(st);
	for (i = 0; i < st->ntypes; i++) {
		const struct sim_type *t = st->types[i];
		if (!t->served || strcmp(t->group, group ? group : "") || strcmp(t->plural, plural))
			continue;
		if (!version || !strcmp(t->version, version)) {
			found = t;
			break;
		}
	}
	sim_store_unlock(st);
	return found;
}

const struct sim_type *sim_store_type_by_kind(struct sim_store *st, const char *api_version,
					      const char *kind)
{
	const struct sim_type *found = NULL;
	size_t i;

	if (!api_version || !kind)
		return NULL;
	sim_store_lock(st);
	for (i = 0; i < st->ntypes; i++) {
		const struct sim_type *t = st->types[i];
		if (t->served && !strcmp(t->api_version, api_version) && !strcmp(t->kind, kind)) {
			found = t;
			break;
		}
	}
	sim_store_unlock(st);
	return found;
}

const struct sim_type **sim_store_types(struct sim_store *st, size_t *n)
{
	const struct sim_type **out;
	size_t i, k = 0;

	sim_store_lock(st);
	out = xcalloc(st->ntypes + 1, sizeof *out);
	for (i = 0; i < st->ntypes; i++)
		if (st->types[i]->served)
			out[k++] = st->types[i];
	sim_store_unlock(st);
	*n = k;
	return out;
}

json_t *sim_obj_for_type(json_t *shared, const struct sim_type *t)
{
	const char *av = json_string_value(json_object_get(shared, "apiVersion"));
	json_t *c;

	if (av && !strcmp(av, t->api_version))
		return json_incref(shared);
	c = json_copy(shared);
	json_object_set_new(c, "apiVersion", json_string(t->api_version));
	return c;
}

/* ---- events and indexes --------------------------------------------------- */

void sim_event_release(struct sim_event *ev)
{
	if (!ev)
		return;
	json_decref(ev->obj);
	json_decref(ev->old);
	ev->obj = ev->old = NULL;
}

static void hist_push(struct sim_store *st, enum sim_event_type type, const struct sim_type *t,
		      json_t *obj, json_t *old)
{
	struct sim_event *e;

	if (st->next - st->first == SIM_WATCH_HISTORY) {
		e = &st->ring[st->first % SIM_WATCH_HISTORY];
		st->floor_rv = e->rv;
		sim_event_release(e);
		st->first++;
	}
	e = &st->ring[st->next % SIM_WATCH_HISTORY];
	e->type = type;
	e->t = t;
	e->obj = json_incref(obj);
	e->old = json_incref(old);
	e->rv = st->rv;
	st->next++;
	st->dirty = 1;
	pthread_cond_broadcast(&st->cv);
}

static void depkey(char *buf, size_t size, const struct sim_type *t, const char *key)
{
	snprintf(buf, size, "%d\x02%s", t->storage_id, key);
}

static void index_update(struct sim_store *st, const struct sim_type *t, const char *key,
			 const json_t *old, const json_t *nobj)
{
	char dk[600];
	const char *uid;
	json_t *refs, *r, *set;
	size_t i;

	depkey(dk, sizeof dk, t, key);
	if (old) {
		json_array_foreach(json_object_get(json_object_get(old, "metadata"), "ownerReferences"), i, r) {
			const char *ou = json_string_value(json_object_get(r, "uid"));
			if (ou && (set = json_object_get(st->owners, ou))) {
				json_object_del(set, dk);
				if (!json_object_size(set))
					json_object_del(st->owners, ou);
			}
		}
		if (!nobj && (uid = mstr(old, "uid")))
			json_object_del(st->uids, uid);
	}
	if (nobj) {
		if ((uid = mstr(nobj, "uid")))
			json_object_set_new(st->uids, uid, json_string(dk));
		refs = json_object_get(json_object_get(nobj, "metadata"), "ownerReferences");
		json_array_foreach(refs, i, r) {
			const char *ou = json_string_value(json_object_get(r, "uid"));
			if (!ou)
				continue;
			set = json_object_get(st->owners, ou);
			if (!set) {
				set = json_object();
				json_object_set_new(st->owners, ou, set);
			}
			json_object_set_new(set, dk, json_true());
		}
	}
}

/* Store newobj (stolen) under key, replacing old (borrowed snapshot or NULL). */
static void commit_put(struct sim_store *st, const struct sim_type *t, const char *key,
		       json_t *nobj, json_t *old)
{
	struct tab *tb = tab_of(st, t);
	char rvs[32];
	const struct sim_type *stt = storage_type(st, t);

	st->rv++;
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)st->rv);
	json_object_set_new(meta_of(nobj), "resourceVersion", json_string(rvs));
	json_incref(old);
	json_object_set(tb->objs, key, nobj);
	json_object_del(tb->ser, key);
	if (!old)
		tb->valid = 0;
	index_update(st, t, key, old, nobj);
	hist_push(st, old ? SIM_EV_MODIFIED : SIM_EV_ADDED, stt, nobj, old);
	json_decref(old);
	if (!strcmp(t->group, "apiextensions.k8s.io") && !strcmp(t->plural, "customresourcedefinitions"))
		sim_crd_sync(st, nobj, 0);
	json_decref(nobj);
}

/* Objects whose ownerReferences name uid (depkeys), as a new array. */
static json_t *dependents_of(struct sim_store *st, const char *uid)
{
	json_t *set = json_object_get(st->owners, uid), *a = json_array(), *v;
	const char *k;

	json_object_foreach(set, k, v)
		json_array_append_new(a, json_string(k));
	return a;
}

static int split_depkey(struct sim_store *st, const char *dk, const struct sim_type **t,
			const char **key)
{
	char *end;
	long id = strtol(dk, &end, 10);

	if (*end != '\x02' || id < 0 || (size_t)id >= st->ntypes)
		return -1;
	*t = st->types[id];
	*key = end + 1;
	return 0;
}

static void orphan_dependents(struct sim_store *st, const char *uid)
{
	json_t *deps = dependents_of(st, uid), *v;
	size_t i, j;

	json_array_foreach(deps, i, v) {
		const struct sim_type *dt;
		const char *key;
		json_t *live, *cp, *refs, *nrefs, *r;

		if (split_depkey(st, json_string_value(v), &dt, &key))
			continue;
		live = json_object_get(tab_of(st, dt)->objs, key);
		if (!live)
			continue;
		cp = json_deep_copy(live);
		refs = json_object_get(meta_of(cp), "ownerReferences");
		nrefs = json_array();
		json_array_foreach(refs, j, r)
			if (strcmp(json_string_value(json_object_get(r, "uid")) ?: "", uid))
				json_array_append(nrefs, r);
		if (json_array_size(nrefs))
			json_object_set_new(meta_of(cp), "ownerReferences", nrefs);
		else {
			json_decref(nrefs);
			json_object_del(meta_of(cp), "ownerReferences");
		}
		sim_managed_fields_update(cp, live, "kube-controller-manager", NULL);
		commit_put(st, dt, key, cp, live);
	}
	json_decref(deps);
}

/* Background garbage collection: a dependent goes once none of its owners exist. */
static void collect_dependents(struct sim_store *st, const char *uid)
{
	json_t *deps = dependents_of(st, uid), *v, *r;
	size_t i, j;

	json_array_foreach(deps, i, v) {
		const struct sim_type *dt;
		const char *key;
		json_t *live, *out = NULL;
		int alive = 0;
		struct sim_delete_opts o = { .propagation = SIM_PROPAGATE_BACKGROUND, .grace_period = -1 };

		if (split_depkey(st, json_string_value(v), &dt, &key))
			continue;
		live = json_object_get(tab_of(st, dt)->objs, key);
		if (!live)
			continue;
		json_array_foreach(json_object_get(json_object_get(live, "metadata"), "ownerReferences"), j, r) {
			const char *ou = json_string_value(json_object_get(r, "uid"));
			if (ou && strcmp(ou, uid) && json_object_get(st->uids, ou))
				alive = 1;
		}
		if (alive)
			continue;
		if (delete_locked(st, dt, key, &o, &out, NULL, NULL) == 0)
			json_decref(out);
	}
	json_decref(deps);
}

/* Remove the object at key. final_state: the object as it goes (borrowed;
 * a copy gets the new resourceVersion). */
static void commit_remove(struct sim_store *st, const struct sim_type *t, const char *key,
			  json_t *final_state, enum sim_propagation prop)
{
	struct tab *tb = tab_of(st, t);
	json_t *live = json_object_get(tb->objs, key), *fin;
	char rvs[32];
	char *uid;

	if (!live)
		return;
	json_incref(live);
	fin = json_copy(final_state ? final_state : live);
	json_object_set_new(fin, "metadata", json_copy(json_object_get(fin, "metadata")));
	st->rv++;
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)st->rv);
	json_object_set_new(meta_of(fin), "resourceVersion", json_string(rvs));
	json_object_del(tb->objs, key);
	json_object_del(tb->ser, key);
	tb->valid = 0;
	index_update(st, t, key, live, NULL);
	hist_push(st, SIM_EV_DELETED, storage_type(st, t), fin, live);
	if (!strcmp(t->group, "apiextensions.k8s.io") && !strcmp(t->plural, "customresourcedefinitions"))
		sim_crd_sync(st, fin, 1);
	uid = xstrdup(mstr(fin, "uid"));
	if (uid) {
		if (prop == SIM_PROPAGATE_ORPHAN)
			orphan_dependents(st, uid);
		else
			collect_dependents(st, uid);
	}
	free(uid);
	json_decref(fin);
	json_decref(live);
}

/* ---- validation and defaults ---------------------------------------------- */

static int is_dns_label(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (!n || n > max || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int is_dns_subdomain(const char *s)
{
	char buf[256], *save = NULL, *p;

	if (strlen(s) > 253 || !*s)
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	if (buf[0] == '.' || buf[strlen(buf) - 1] == '.' || strstr(buf, ".."))
		return 0;
	for (p = strtok_r(buf, ".", &save); p; p = strtok_r(NULL, ".", &save))
		if (!is_dns_label(p, 253))
			return 0;
	return 1;
}

static int validate_name(const struct sim_type *t, const char *name, struct kerr *err)
{
	char qk[300];
	static const char sub_msg[] =
		"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
		"'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
		"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
	static const char label_msg[] =
		"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
		"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
		"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
	int strict_label = !t->group[0] && (!strcmp(t->kind, "Namespace") || !strcmp(t->kind, "Service"));
	int strict_sub = !t->group[0] && (!strcmp(t->kind, "Pod") || !strcmp(t->kind, "ConfigMap") ||
					  !strcmp(t->kind, "Secret") || !strcmp(t->kind, "ServiceAccount"));

	strict_sub = strict_sub || (!strcmp(t->group, "apps") && strcmp(t->kind, "ControllerRevision"));
	if (strict_label && !is_dns_label(name, 63))
		return sim_kerr_http(err, 422, "Invalid", "%s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": %s",
				     qkind(t, qk, sizeof qk), name, name, label_msg);
	if (strict_sub && !is_dns_subdomain(name))
		return sim_kerr_http(err, 422, "Invalid", "%s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": %s",
				     qkind(t, qk, sizeof qk), name, name, sub_msg);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/') || strchr(name, '%'))
		return sim_kerr_http(err, 422, "Invalid",
				     "%s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": may not contain '/' or '%%'",
				     qkind(t, qk, sizeof qk), name, name);
	return 0;
}

static void random_suffix(char *buf, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char rnd[16];
	size_t i;
	char hex[40];

	sim_random_hex(hex, sizeof rnd);
	for (i = 0; i < n && i < sizeof rnd; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		rnd[i] = (unsigned char)v;
		buf[i] = alphabet[rnd[i] % (sizeof alphabet - 1)];
	}
	buf[i] = '\0';
}

static int is_crd_type(const struct sim_type *t)
{
	return t->crd_name != NULL;
}

static int keeps_generation(const struct sim_type *t)
{
	return t->has_status || is_crd_type(t);
}

/* The part of an object that counts as its spec for generation bumps. */
static int spec_changed(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)a, k, v) {
		if (!strcmp(k, "metadata") || !strcmp(k, "status") || !strcmp(k, "apiVersion") ||
		    !strcmp(k, "kind"))
			continue;
		if (!json_equal(v, json_object_get(b, k)))
			return 1;
	}
	json_object_foreach((json_t *)b, k, v) {
		if (!strcmp(k, "metadata") || !strcmp(k, "status") || !strcmp(k, "apiVersion") ||
		    !strcmp(k, "kind"))
			continue;
		if (!json_object_get(a, k))
			return 1;
	}
	return 0;
}

/* Structural-schema pruning of custom resources: fields the CRD's schema
 * does not declare are dropped on every write, as the apiserver does
 * (levels with combinators, additionalProperties or
 * x-kubernetes-preserve-unknown-fields keep everything). */
static void prune(const json_t *schema, json_t *v, int root)
{
	const json_t *props = json_object_get(schema, "properties");
	json_t *x, *drop;
	const char *k;
	size_t i;

	if (!schema || json_is_true(json_object_get(schema, "x-kubernetes-preserve-unknown-fields")))
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			prune(json_object_get(schema, "items"), x, 0);
		return;
	}
	if (!json_is_object(v) || !props || json_object_get(schema, "additionalProperties") ||
	    json_object_get(schema, "allOf") || json_object_get(schema, "anyOf") || json_object_get(schema, "oneOf"))
		return;
	drop = json_array();
	json_object_foreach(v, k, x) {
		int meta = !strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "metadata");
		if (meta && (root || json_is_true(json_object_get(schema, "x-kubernetes-embedded-resource"))))
			continue;
		if (!json_object_get(props, k))
			json_array_append_new(drop, json_string(k));
		else
			prune(json_object_get(props, k), x, 0);
	}
	json_array_foreach(drop, i, x)
		json_object_del(v, json_string_value(x));
	json_decref(drop);
}

static int run_admission(struct sim_store *st, enum sim_op op, const struct sim_type *t,
			 json_t *obj, const json_t *old, struct kerr *err)
{
	size_t i;

	for (i = 0; i < nadmissions; i++) {
		struct admission *a = &admissions[i];
		if (strcmp(a->group, t->group) && !(a->group[0] == '\0' && !a->kind))
			continue;
		if (a->kind && strcmp(a->kind, t->kind))
			continue;
		if (a->fn(st->cl, op, t, obj, old, a->ud, err))
			return -1;
	}
	if (!strcmp(t->group, "apiextensions.k8s.io") && !strcmp(t->kind, "CustomResourceDefinition"))
		return sim_crd_admit(st, obj, err);
	return 0;
}

void sim_store_add_admission(const char *group, const char *kind, sim_admit_fn fn, void *ud)
{
	admissions = xrealloc(admissions, (nadmissions + 1) * sizeof *admissions);
	admissions[nadmissions].group = xstrdup(group ? group : "");
	admissions[nadmissions].kind = kind ? xstrdup(kind) : NULL;
	admissions[nadmissions].fn = fn;
	admissions[nadmissions].ud = ud;
	nadmissions++;
}

/* apiVersion/kind of a body must match the URL's type (or be absent). */
static int check_body_type(const struct sim_type *t, json_t *obj, struct kerr *err)
{
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));

	if (!json_is_object(obj))
		return sim_kerr_http(err, 400, "BadRequest", "the object provided is not a JSON object");
	if (kind && strcmp(kind, t->kind))
		return sim_kerr_http(err, 400, "BadRequest",
				     "the API version in the data (%s) does not match the expected API version (%s)",
				     av ? av : "", t->api_version);
	if (av && strcmp(av, t->api_version)) {
		/* Another served version of the same resource is fine (shared storage). */
		const char *slash = strrchr(av, '/');
		size_t glen = slash ? (size_t)(slash - av) : 0;
		if (glen != strlen(t->group) || strncmp(av, t->group, glen))
			return sim_kerr_http(err, 400, "BadRequest",
					     "the API version in the data (%s) does not match the expected API version (%s)",
					     av, t->api_version);
	}
	json_object_set_new(obj, "apiVersion", json_string(t->api_version));
	json_object_set_new(obj, "kind", json_string(t->kind));
	return 0;
}

static int ns_check(struct sim_store *st, const struct sim_type *t, const char *ns,
		    const char *name, struct kerr *err)
{
	char key[300];
	json_t *nsobj;
	const struct sim_type *nst;

	if (!t->namespaced)
		return 0;
	if (!ns || !*ns)
		return sim_kerr_http(err, 400, "BadRequest", "the server could not find the requested resource: a namespace is required");
	nst = sim_store_type(st, "", "v1", "namespaces");
	make_key(key, sizeof key, "", ns);
	nsobj = nst ? json_object_get(tab_of(st, nst)->objs, key) : NULL;
	if (!nsobj)
		return sim_kerr_http(err, 404, "NotFound", "namespaces \"%s\" not found", ns);
	if (json_object_get(json_object_get(nsobj, "metadata"), "deletionTimestamp"))
		return sim_kerr_http(err, 403, "Forbidden",
				     "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
				     t->plural, name, ns);
	return 0;
}

static void apply_create_defaults(const struct sim_type *t, json_t *obj)
{
	json_t *m = meta_of(obj);
	char ts[32], uid[40];

	sim_now_rfc3339(ts);
	sim_uuid(uid);
	json_object_set_new(m, "uid", json_string(uid));
	json_object_set_new(m, "creationTimestamp", json_string(ts));
	json_object_del(m, "deletionTimestamp");
	json_object_del(m, "deletionGracePeriodSeconds");
	json_object_del(m, "resourceVersion");
	json_object_del(m, "selfLink");
	if (keeps_generation(t))
		json_object_set_new(m, "generation", json_integer(1));
	else
		json_object_del(m, "generation");
	if (t->group[0] == '\0' && !strcmp(t->kind, "Namespace")) {
		if (!json_object_get(obj, "spec"))
			json_object_set_new(obj, "spec", json_pack("{s:[s]}", "finalizers", "kubernetes"));
		json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
		if (!json_object_get(m, "labels"))
			json_object_set_new(m, "labels", json_object());
		json_object_set_new(json_object_get(m, "labels"), "kubernetes.io/metadata.name",
				    json_string(mstr(obj, "name")));
	}
	if (t->group[0] == '\0' && !strcmp(t->kind, "Secret") && !json_string_value(json_object_get(obj, "type")))
		json_object_set_new(obj, "type", json_string("Opaque"));
	if (t->group[0] == '\0' && !strcmp(t->kind, "Pod")) {
		json_t *st = json_object_get(obj, "status");
		if (!json_is_object(st)) {
			st = json_object();
			json_object_set_new(obj, "status", st);
		}
		if (!json_object_get(st, "phase"))
			json_object_set_new(st, "phase", json_string("Pending"));
		json_t *spec = json_object_get(obj, "spec");
		if (json_is_object(spec)) {
			if (!json_object_get(spec, "restartPolicy"))
				json_object_set_new(spec, "restartPolicy", json_string("Always"));
			if (!json_object_get(spec, "serviceAccountName"))
				json_object_set_new(spec, "serviceAccountName", json_string("default"));
			if (!json_object_get(spec, "schedulerName"))
				json_object_set_new(spec, "schedulerName", json_string("default-scheduler"));
		}
	}
}

static int validate_object(const struct sim_type *t, const json_t *obj, struct kerr *err)
{
	char qk[300];
	const char *name = mstr(obj, "name"), *k;
	json_t *v;
	size_t total = 0;

	/* The apiserver's limit, which client-side apply's last-applied annotation
	 * hits with large objects (why kube-prometheus says --server-side). */
	json_object_foreach(json_object_get(json_object_get(obj, "metadata"), "annotations"), k, v)
		total += strlen(k) + (json_is_string(v) ? json_string_length(v) : 0);
	if (total > 262144)
		return sim_kerr_http(err, 422, "Invalid",
				     "%s \"%s\" is invalid: metadata.annotations: Too long: must have at most 262144 bytes",
				     qkind(t, qk, sizeof qk), name ? name : "");
	if (t->group[0] == '\0' && !strcmp(t->kind, "Pod")) {
		json_t *c = json_object_get(json_object_get(obj, "spec"), "containers");
		if (!json_is_array(c) || !json_array_size(c))
			return sim_kerr_http(err, 422, "Invalid",
					     "Pod \"%s\" is invalid: spec.containers: Required value", name);
	}
	if (!strcmp(t->group, "apps") && (!strcmp(t->kind, "Deployment") || !strcmp(t->kind, "ReplicaSet") ||
					  !strcmp(t->kind, "StatefulSet") || !strcmp(t->kind, "DaemonSet"))) {
		json_t *sel = json_object_get(json_object_get(obj, "spec"), "selector");
		if (!json_is_object(sel))
			return sim_kerr_http(err, 422, "Invalid",
					     "%s \"%s\" is invalid: spec.selector: Required value",
					     qkind(t, qk, sizeof qk), name);
	}
	return 0;
}

/* Managed fields through sim/patch.h; manager defaults to "unknown". */
static void track_fields(json_t *nobj, const json_t *old, const struct sim_write_opts *o)
{
	sim_managed_fields_update(nobj, old, o && o->manager ? o->manager : "unknown",
				  o ? o->subresource : NULL);
}

/* ---- create ---------------------------------------------------------------- */

static int create_locked(struct sim_store *st, const struct sim_type *t, const char *ns,
			 json_t *obj, const struct sim_write_opts *o, int fields_done,
			 json_t **out, struct kerr *err)
{
	char qk[300];
	json_t *m;
	const char *name, *ons;
	char key[600], gen[300];

	if (check_body_type(t, obj, err))
		return -1;
	m = meta_of(obj);
	ons = json_string_value(json_object_get(m, "namespace"));
	if (t->namespaced) {
		if (ons && *ons && ns && *ns && strcmp(ons, ns))
			return sim_kerr_http(err, 400, "BadRequest",
					     "the namespace of the provided object does not match the namespace sent on the request");
		if (!ns || !*ns)
			ns = ons;
		if (ns)
			json_object_set_new(m, "namespace", json_string(ns));
	} else {
		json_object_del(m, "namespace");
		ns = "";
	}
	name = json_string_value(json_object_get(m, "name"));
	if (!name || !*name) {
		const char *gn = json_string_value(json_object_get(m, "generateName"));
		char sfx[8];
		if (!gn || !*gn)
			return sim_kerr_http(err, 422, "Invalid",
					     "%s \"\" is invalid: metadata.name: Required value: name or generateName is required",
					     qkind(t, qk, sizeof qk));
		for (int tries = 0; tries < 8; tries++) {
			random_suffix(sfx, 5);
			snprintf(gen, sizeof gen, "%s%s", gn, sfx);
			make_key(key, sizeof key, ns, gen);
			if (!json_object_get(tab_of(st, t)->objs, key))
				break;
		}
		json_object_set_new(m, "name", json_string(gen));
		name = json_string_value(json_object_get(m, "name"));
	}
	if (validate_name(t, name, err) || ns_check(st, t, ns, name, err))
		return -1;
	make_key(key, sizeof key, ns, name);
	if (json_object_get(tab_of(st, t)->objs, key)) {
		char rn[256];
		resource_name(t, rn, sizeof rn);
		return sim_kerr_http(err, 409, "AlreadyExists", "%s \"%s\" already exists", rn, name);
	}
	if (is_crd_type(t) && t->has_status && !(o && o->subresource && !strcmp(o->subresource, "status")))
		json_object_del(obj, "status");
	apply_create_defaults(t, obj);
	if (is_crd_type(t) && t->schema)
		prune(t->schema, obj, 1);
	if (validate_object(t, obj, err) || run_admission(st, SIM_OP_CREATE, t, obj, NULL, err))
		return -1;
	if (!fields_done)
		track_fields(obj, NULL, o);
	if (o && o->dry_run) {
		*out = json_deep_copy(obj);
		return 0;
	}
	json_incref(obj);
	commit_put(st, t, key, obj, NULL);
	*out = json_deep_copy(obj);
	return 0;
}

int sim_store_create(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const json_t *obj, const struct sim_write_opts *o, json_t **out,
		     struct kerr *err)
{
	json_t *cp = json_deep_copy(obj);
	int rc;

	*out = NULL;
	if (!cp)
		return sim_kerr_http(err, 400, "BadRequest", "empty object");
	sim_store_lock(st);
	rc = create_locked(st, t, ns, cp, o, 0, out, err);
	sim_store_unlock(st);
	json_decref(cp);
	return rc;
}

/* ---- read ------------------------------------------------------------------ */

static json_t *lookup(struct sim_store *st, const struct sim_type *t, const char *ns,
		      const char *name, char *key, size_t ksize)
{
	make_key(key, ksize, t->namespaced ? ns : "", name);
	return json_object_get(tab_of(st, t)->objs, key);
}

int sim_store_get(struct sim_store *st, const struct sim_type *t, const char *ns,
		  const char *name, json_t **out, struct kerr *err)
{
	char key[600];
	json_t *live;

	*out = NULL;
	sim_store_lock(st);
	live = lookup(st, t, ns, name, key, sizeof key);
	if (live) {
		*out = json_deep_copy(live);
		json_object_set_new(*out, "apiVersion", json_string(t->api_version));
	}
	sim_store_unlock(st);
	return live ? 0 : not_found(st, t, name, err);
}

uint64_t sim_store_rv(struct sim_store *st)
{
	uint64_t rv;

	sim_store_lock(st);
	rv = st->rv;
	sim_store_unlock(st);
	return rv;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void ensure_sorted(struct tab *tb)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	if (tb->valid)
		return;
	free(tb->sorted);
	tb->nsorted = json_object_size(tb->objs);
	tb->sorted = xmalloc((tb->nsorted + 1) * sizeof *tb->sorted);
	json_object_foreach(tb->objs, k, v)
		tb->sorted[i++] = k;
	qsort(tb->sorted, tb->nsorted, sizeof *tb->sorted, cmp_str);
	tb->valid = 1;
}

/* First index whose key is > key (strict) or >= key. */
static size_t bound(struct tab *tb, const char *key, int strict)
{
	size_t lo = 0, hi = tb->nsorted;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(tb->sorted[mid], key);
		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static char *continue_encode(uint64_t rv, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	strbuf_addf(&sb, "%llu-", (unsigned long long)rv);
	for (p = (const unsigned char *)key; *p; p++)
		strbuf_addf(&sb, "%02x", *p);
	return strbuf_detach(&sb, NULL);
}

static int continue_decode(const char *tok, uint64_t *rv, char *key, size_t ksize)
{
	char *end;
	size_t n = 0;

	*rv = strtoull(tok, &end, 10);
	if (end == tok || *end != '-')
		return -1;
	for (end++; end[0] && end[1] && n + 1 < ksize; end += 2) {
		unsigned v;
		if (sscanf(end, "%2x", &v) != 1)
			return -1;
		key[n++] = (char)v;
	}
	if (*end)
		return -1;
	key[n] = '\0';
	return 0;
}

/* Walk the objects a list selects, in key order, calling visit for each
 * under the store lock. */
typedef void (*list_visit_fn)(void *ud, struct tab *tb, const char *key, json_t *obj);

static int list_scan(struct sim_store *st, const struct sim_type *t, const struct sim_list_opts *opts,
		     list_visit_fn visit, void *ud, uint64_t *rv, char **continue_out, long *remaining,
		     struct kerr *err)
{
	struct sim_selector *sel = NULL;
	struct tab *tb;
	size_t i, end;
	char key[600], prefix[300], last[600] = "";
	const char *ns = opts && opts->ns && *opts->ns && t->namespaced ? opts->ns : NULL;
	long count = 0, limit = opts ? opts->limit : 0;
	uint64_t list_rv;

	if (continue_out)
		*continue_out = NULL;
	if (remaining)
		*remaining = -1;
	if (opts && sim_selector_parse(opts->label_selector, opts->field_selector, &sel, err))
		return -1;
	if (!ns && sel && sim_selector_namespace(sel) && t->namespaced)
		ns = sim_selector_namespace(sel);
	sim_store_lock(st);
	tb = tab_of(st, t);
	ensure_sorted(tb);
	list_rv = st->rv;
	if (ns) {
		make_key(prefix, sizeof prefix, ns, "");
		i = bound(tb, prefix, 0);
	} else {
		prefix[0] = '\0';
		i = 0;
	}
	if (opts && opts->continue_token && *opts->continue_token) {
		if (continue_decode(opts->continue_token, &list_rv, key, sizeof key)) {
			sim_store_unlock(st);
			sim_selector_free(sel);
			return sim_kerr_http(err, 400, "BadRequest", "continue key is not valid: invalid continue token");
		}
		if (list_rv < st->floor_rv) {
			sim_store_unlock(st);
			sim_selector_free(sel);
			return sim_kerr_http(err, 410, "Expired",
					     "The provided continue parameter is too old to display a consistent list result. "
					     "You can start a new list without the continue parameter, or use the continue "
					     "token in this response to retrieve the remainder of the results. Continuing "
					     "with the provided token results in an inconsistent list - objects that were "
					     "created, modified, or deleted between the time the first chunk was returned "
					     "and now may show up in the list.");
		}
		if (bound(tb, key, 1) > i)
			i = bound(tb, key, 1);
	}
	end = tb->nsorted;
	if (ns) {
		/* end of the namespace range: keys starting with "ns\x01" */
		size_t lo = i, hi = tb->nsorted;
		size_t plen = strlen(prefix);
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strncmp(tb->sorted[mid], prefix, plen) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		end = lo;
	}
	for (; i < end; i++) {
		json_t *obj = json_object_get(tb->objs, tb->sorted[i]);
		if (!obj || !sim_selector_matches(sel, obj))
			continue;
		if (limit > 0 && count == limit) {
			/* the token names the last returned key */
			if (continue_out)
				*continue_out = continue_encode(list_rv, last);
			if (remaining && !sel)
				*remaining = (long)(end - i);
			break;
		}
		visit(ud, tb, tb->sorted[i], obj);
		snprintf(last, sizeof last, "%s", tb->sorted[i]);
		count++;
	}
	*rv = list_rv;
	sim_store_unlock(st);
	sim_selector_free(sel);
	return 0;
}

struct list_ctx {
	const struct sim_type *t;
	json_t *items;
};

static void visit_items(void *ud, struct tab *tb, const char *key, json_t *obj)
{
	struct list_ctx *c = ud;

	(void)tb;
	(void)key;
	json_array_append_new(c->items, sim_obj_for_type(obj, c->t));
}

int sim_store_list(struct sim_store *st, const struct sim_type *t,
		   const struct sim_list_opts *opts, json_t **items, uint64_t *rv,
		   char **continue_out, long *remaining, struct kerr *err)
{
	struct list_ctx c = { .t = t, .items = json_array() };

	*items = NULL;
	if (list_scan(st, t, opts, visit_items, &c, rv, continue_out, remaining, err)) {
		json_decref(c.items);
		return -1;
	}
	*items = c.items;
	return 0;
}

/* sim_store_list with the items already serialized. Snapshots are
 * immutable, so each one's compact JSON is kept until it is replaced: a
 * repeated list copies bytes instead of running the JSON encoder. Missing
 * ones are encoded outside the lock and cached if still current. */
struct raw_item {
	json_t *str;                /* cached or new serialization */
	json_t *obj;                /* pending: the snapshot to encode (ref) */
	char *key;                  /* pending: its key */
	int cacheable;              /* same apiVersion as stored */
};

struct raw_ctx {
	const struct sim_type *t;
	struct raw_item *v;
	size_t n, alloc;
};

static void visit_raw(void *ud, struct tab *tb, const char *key, json_t *obj)
{
	struct raw_ctx *c = ud;
	struct raw_item *it;
	json_t *conv = sim_obj_for_type(obj, c->t);

	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 256;
		c->v = xrealloc(c->v, c->alloc * sizeof *c->v);
	}
	it = &c->v[c->n++];
	memset(it, 0, sizeof *it);
	it->cacheable = conv == obj;
	if (it->cacheable && (it->str = json_object_get(tb->ser, key))) {
		json_incref(it->str);
		json_decref(conv);
		return;
	}
	it->obj = conv;
	if (it->cacheable)
		it->key = xstrdup(key);
}

int sim_store_list_raw(struct sim_store *st, const struct sim_type *t,
		       const struct sim_list_opts *opts, struct strbuf *out, size_t *count,
		       uint64_t *rv, char **continue_out, long *remaining, struct kerr *err)
{
	struct raw_ctx c = { .t = t };
	size_t i, pending = 0;

	if (list_scan(st, t, opts, visit_raw, &c, rv, continue_out, remaining, err))
		return -1;
	for (i = 0; i < c.n; i++) {
		if (c.v[i].str)
			continue;
		char *s = json_dumps(c.v[i].obj, JSON_COMPACT);
		c.v[i].str = json_string_nocheck(s ? s : "{}");
		free(s);
		pending += c.v[i].key != NULL;
	}
	if (pending) {
		struct tab *tb;
		sim_store_lock(st);
		tb = tab_of(st, t);
		for (i = 0; i < c.n; i++)
			if (c.v[i].key && json_object_get(tb->objs, c.v[i].key) == c.v[i].obj)
				json_object_set(tb->ser, c.v[i].key, c.v[i].str);
		sim_store_unlock(st);
	}
	for (i = 0; i < c.n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add(out, json_string_value(c.v[i].str), json_string_length(c.v[i].str));
		json_decref(c.v[i].str);
		json_decref(c.v[i].obj);
		free(c.v[i].key);
	}
	*count = c.n;
	free(c.v);
	return 0;
}

/* ---- update / patch / mutate ---------------------------------------------- */

static json_t *without_managed(const json_t *obj)
{
	json_t *c = json_copy((json_t *)obj);
	json_t *m = json_copy(json_object_get(c, "metadata"));

	json_object_del(m, "managedFields");
	json_object_del(m, "resourceVersion");
	json_object_set_new(c, "metadata", m);
	return c;
}

static json_t *managed_without_time(const json_t *obj)
{
	json_t *mf = json_object_get(json_object_get(obj, "metadata"), "managedFields"), *c, *e;
	size_t i;

	c = json_deep_copy(mf ? mf : json_null());
	json_array_foreach(c, i, e)
		json_object_del(e, "time");
	return c;
}

static int same_object(const json_t *a, const json_t *b)
{
	json_t *x = without_managed(a), *y = without_managed(b);
	int eq = json_equal(x, y);

	json_decref(x);
	json_decref(y);
	if (eq) {
		x = managed_without_time(a);
		y = managed_without_time(b);
		eq = json_equal(x, y);
		json_decref(x);
		json_decref(y);
	}
	return eq;
}

/* nobj: owned candidate; live: borrowed snapshot. */
static int update_locked(struct sim_store *st, const struct sim_type *t, const char *key,
			 json_t *nobj, json_t *live, const struct sim_write_opts *o,
			 int fields_done, json_t **out, struct kerr *err)
{
	json_t *m, *lm = json_object_get(live, "metadata");
	const char *name = mstr(live, "name"), *rvs, *sub = o ? o->subresource : NULL;
	static const char *keep[] = { "uid", "creationTimestamp", "deletionTimestamp",
				      "deletionGracePeriodSeconds", "namespace", "generation" };
	size_t i;
	int is_status = sub && !strcmp(sub, "status");

	if (check_body_type(t, nobj, err))
		return -1;
	m = meta_of(nobj);
	if (json_string_value(json_object_get(m, "name")) &&
	    strcmp(json_string_value(json_object_get(m, "name")), name))
		return sim_kerr_http(err, 400, "BadRequest",
				     "the name of the object (%s) does not match the name on the URL (%s)",
				     json_string_value(json_object_get(m, "name")), name);
	json_object_set_new(m, "name", json_string(name));
	rvs = json_string_value(json_object_get(m, "resourceVersion"));
	if (rvs && *rvs && strcmp(rvs, mstr(live, "resourceVersion")))
		return conflict_modified(t, name, err);
	for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		json_t *v = json_object_get(lm, keep[i]);
		if (v)
			json_object_set(m, keep[i], v);
		else
			json_object_del(m, keep[i]);
	}
	if (is_status) {
		/* Only status changes through /status. */
		json_t *c = json_deep_copy(live), *s = json_object_get(nobj, "status");
		if (s)
			json_object_set(c, "status", s);
		else
			json_object_del(c, "status");
		if (json_object_get(m, "managedFields"))
			json_object_set(meta_of(c), "managedFields", json_object_get(m, "managedFields"));
		json_object_del(nobj, "status");
		json_object_clear(nobj);
		json_object_update(nobj, c);
		json_decref(c);
	} else if (t->has_status) {
		json_t *s = json_object_get(live, "status");
		if (s)
			json_object_set(nobj, "status", s);
		else
			json_object_del(nobj, "status");
	}
	if (is_crd_type(t) && t->schema)
		prune(t->schema, nobj, 1);
	if (keeps_generation(t) && !is_status && spec_changed(nobj, live))
		json_object_set_new(meta_of(nobj), "generation",
				    json_integer(json_integer_value(json_object_get(lm, "generation")) + 1));
	if (validate_object(t, nobj, err) || run_admission(st, SIM_OP_UPDATE, t, nobj, live, err))
		return -1;
	if (!fields_done)
		track_fields(nobj, live, o);
	json_object_set(meta_of(nobj), "resourceVersion", json_object_get(lm, "resourceVersion"));
	if (same_object(nobj, live)) {
		*out = json_deep_copy(live);
		return 0;
	}
	if (o && o->dry_run) {
		*out = json_deep_copy(nobj);
		return 0;
	}
	if (json_object_get(meta_of(nobj), "deletionTimestamp") &&
	    !json_array_size(json_object_get(meta_of(nobj), "finalizers"))) {
		commit_remove(st, t, key, nobj, SIM_PROPAGATE_BACKGROUND);
		*out = json_deep_copy(nobj);
		return 0;
	}
	json_incref(nobj);
	commit_put(st, t, key, nobj, live);
	*out = json_deep_copy(nobj);
	return 0;
}

int sim_store_update(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, const json_t *obj, const struct sim_write_opts *o,
		     json_t **out, struct kerr *err)
{
	char key[600];
	json_t *live, *cp;
	int rc;

	*out = NULL;
	if (!json_is_object(obj))
		return sim_kerr_http(err, 400, "BadRequest", "the object provided is not a JSON object");
	sim_store_lock(st);
	live = lookup(st, t, ns, name, key, sizeof key);
	if (!live) {
		sim_store_unlock(st);
		return not_found(st, t, name, err);
	}
	cp = json_deep_copy(obj);
	rc = update_locked(st, t, key, cp, live, o, 0, out, err);
	sim_store_unlock(st);
	json_decref(cp);
	return rc;
}

int sim_store_patch(struct sim_store *st, const struct sim_type *t, const char *ns,
		    const char *name, enum sim_patch_type pt, const json_t *patch,
		    const struct sim_write_opts *o, json_t **out, int *created,
		    struct kerr *err)
{
	char key[600];
	json_t *live, *cp = NULL;
	int rc = -1, fields_done = 0;
	const char *manager = o && o->manager ? o->manager : "unknown";

	*out = NULL;
	if (created)
		*created = 0;
	if (pt == SIM_PATCH_STRATEGIC && is_crd_type(t))
		return sim_kerr_http(err, 415, "UnsupportedMediaType",
				     "the body of the request was in an unknown format - accepted media types include: "
				     "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
	sim_store_lock(st);
	live = lookup(st, t, ns, name, key, sizeof key);
	if (!live) {
		if (pt != SIM_PATCH_APPLY) {
			sim_store_unlock(st);
			return not_found(st, t, name, err);
		}
		if (sim_ssa_apply(NULL, patch, manager, o && o->force, &cp, err))
			goto done;
		json_object_set_new(meta_of(cp), "name", json_string(name));
		rc = create_locked(st, t, ns, cp, o, 1, out, err);
		if (rc == 0 && created)
			*created = 1;
		goto done;
	}
	switch (pt) {
	case SIM_PATCH_MERGE:
		cp = json_deep_copy(live);
		if (sim_merge_patch(cp, patch, err))
			goto bad;
		break;
	case SIM_PATCH_JSON:
		cp = json_deep_copy(live);
		if (sim_json_patch(&cp, patch, err))
			goto bad;
		break;
	case SIM_PATCH_STRATEGIC:
		cp = json_deep_copy(live);
		if (sim_strategic_merge_patch(cp, patch, t->api_version, t->kind, err))
			goto bad;
		break;
	case SIM_PATCH_APPLY:
		if (sim_ssa_apply(live, patch, manager, o && o->force, &cp, err))
			goto done;
		fields_done = 1;
		break;
	}
	rc = update_locked(st, t, key, cp, live, o, fields_done, out, err);
	goto done;
bad:
	if (err && !err->http)
		sim_kerr_http(err, err->kind == KERR_CONFLICT ? 409 : 422,
			      err->kind == KERR_CONFLICT ? "Conflict" : "Invalid", "%s", err->msg);
done:
	sim_store_unlock(st);
	json_decref(cp);
	return rc;
}

int sim_store_mutate(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, sim_mutate_fn fn, void *ud,
		     const struct sim_write_opts *o, json_t **out, struct kerr *err)
{
	char key[600];
	json_t *live, *cp;
	int rc;

	*out = NULL;
	sim_store_lock(st);
	live = lookup(st, t, ns, name, key, sizeof key);
	if (!live) {
		sim_store_unlock(st);
		return not_found(st, t, name, err);
	}
	cp = json_deep_copy(live);
	rc = fn(cp, ud, err);
	if (rc == 1) {
		*out = json_deep_copy(live);
		rc = 0;
	} else if (rc == 0) {
		json_object_del(meta_of(cp), "resourceVersion");
		rc = update_locked(st, t, key, cp, live, o, 0, out, err);
	}
	sim_store_unlock(st);
	json_decref(cp);
	return rc;
}

/* ---- delete ---------------------------------------------------------------- */

static void mark_deleting(json_t *obj, long grace)
{
	char ts[32];
	json_t *m = meta_of(obj);

	if (json_object_get(m, "deletionTimestamp"))
		return;
	sim_now_rfc3339(ts);
	json_object_set_new(m, "deletionTimestamp", json_string(ts));
	json_object_set_new(m, "deletionGracePeriodSeconds", json_integer(grace > 0 ? grace : 0));
}

static int has_finalizer(const json_t *obj, const char *f)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(obj, "metadata"), "finalizers"), i, v)
		if (!strcmp(json_string_value(v) ?: "", f))
			return 1;
	return 0;
}

static void remove_finalizer(json_t *obj, const char *f)
{
	json_t *fins = json_object_get(meta_of(obj), "finalizers");
	size_t i;

	for (i = json_array_size(fins); i-- > 0;)
		if (!strcmp(json_string_value(json_array_get(fins, i)) ?: "", f))
			json_array_remove(fins, i);
	if (fins && !json_array_size(fins))
		json_object_del(meta_of(obj), "finalizers");
}

static int delete_locked(struct sim_store *st, const struct sim_type *t, const char *key,
			 const struct sim_delete_opts *o, json_t **out, int *deleted,
			 struct kerr *err)
{
	json_t *live = json_object_get(tab_of(st, t)->objs, key), *cp;
	enum sim_propagation prop = o ? o->propagation : SIM_PROPAGATE_DEFAULT;
	const char *name;

	if (deleted)
		*deleted = 0;
	if (!live)
		return not_found(st, t, strchr(key, '\x01') + 1, err);
	name = mstr(live, "name");
	if (o && o->precondition_uid && *o->precondition_uid &&
	    strcmp(o->precondition_uid, mstr(live, "uid") ?: ""))
		return sim_kerr_http(err, 409, "Conflict",
				     "Precondition failed: UID in precondition: %s, UID in object meta: %s",
				     o->precondition_uid, mstr(live, "uid") ?: "");
	if (o && o->precondition_rv && *o->precondition_rv &&
	    strcmp(o->precondition_rv, mstr(live, "resourceVersion") ?: ""))
		return sim_kerr_http(err, 409, "Conflict",
				     "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s",
				     o->precondition_rv, mstr(live, "resourceVersion") ?: "");
	if (o && o->dry_run) {
		*out = json_deep_copy(live);
		return 0;
	}
	if (prop == SIM_PROPAGATE_DEFAULT)
		prop = SIM_PROPAGATE_BACKGROUND;
	cp = json_deep_copy(live);
	if (!t->group[0] && !strcmp(t->kind, "Namespace")) {
		if (!json_object_get(meta_of(cp), "deletionTimestamp")) {
			mark_deleting(cp, 0);
			json_object_set_new(cp, "status", json_pack("{s:s}", "phase", "Terminating"));
			json_object_set_new(st->terminating, name, json_integer(mono_ms()));
			json_incref(cp);
			commit_put(st, t, key, cp, live);
		}
		*out = cp;
		return 0;
	}
	if (prop == SIM_PROPAGATE_FOREGROUND && mstr(live, "uid")) {
		char *uid = xstrdup(mstr(live, "uid"));
		json_t *now;

		if (!has_finalizer(cp, "foregroundDeletion")) {
			json_t *f = json_object_get(meta_of(cp), "finalizers");
			if (!json_is_array(f)) {
				f = json_array();
				json_object_set_new(meta_of(cp), "finalizers", f);
			}
			json_array_append_new(f, json_string("foregroundDeletion"));
		}
		mark_deleting(cp, o ? o->grace_period : 0);
		json_incref(cp);
		commit_put(st, t, key, cp, live);
		collect_dependents(st, uid);
		free(uid);
		now = json_object_get(tab_of(st, t)->objs, key);
		json_decref(cp);
		if (!now) {
			*out = NULL;
			return not_found(st, t, name, err);
		}
		cp = json_deep_copy(now);
		remove_finalizer(cp, "foregroundDeletion");
		if (!json_array_size(json_object_get(meta_of(cp), "finalizers"))) {
			commit_remove(st, t, key, cp, prop);
			if (deleted)
				*deleted = 1;
		} else {
			json_incref(cp);
			commit_put(st, t, key, cp, now);
		}
		*out = cp;
		return 0;
	}
	if (json_array_size(json_object_get(meta_of(cp), "finalizers"))) {
		if (!json_object_get(meta_of(cp), "deletionTimestamp")) {
			mark_deleting(cp, o ? o->grace_period : 0);
			json_incref(cp);
			commit_put(st, t, key, cp, live);
		}
		*out = cp;
		return 0;
	}
	commit_remove(st, t, key, cp, prop);
	if (deleted)
		*deleted = 1;
	*out = cp;
	return 0;
}

int sim_store_delete(struct sim_store *st, const struct sim_type *t, const char *ns,
		     const char *name, const struct sim_delete_opts *o, json_t **out,
		     int *deleted, struct kerr *err)
{
	char key[600];
	int rc;

	*out = NULL;
	sim_store_lock(st);
	make_key(key, sizeof key, t->namespaced ? ns : "", name);
	rc = delete_locked(st, t, key, o, out, deleted, err);
	if (rc == 0 && *out) {
		/* delete_locked's answer may share nodes with the stored snapshot
		 * or the watch event: the caller gets its own copy */
		json_t *own = json_deep_copy(*out);
		json_decref(*out);
		*out = own;
	}
	sim_store_unlock(st);
	if (rc == 0 && *out)
		json_object_set_new(*out, "apiVersion", json_string(t->api_version));
	return rc;
}

int sim_store_delete_collection(struct sim_store *st, const struct sim_type *t,
				const struct sim_list_opts *lo, const struct sim_delete_opts *o,
				json_t **out, struct kerr *err)
{
	json_t *items, *v, *res = json_array();
	uint64_t rv;
	size_t i;
	struct sim_list_opts all = lo ? *lo : (struct sim_list_opts){ 0 };

	all.limit = 0;
	all.continue_token = NULL;
	*out = NULL;
	sim_store_lock(st);
	if (sim_store_list(st, t, &all, &items, &rv, NULL, NULL, err)) {
		sim_store_unlock(st);
		json_decref(res);
		return -1;
	}
	json_array_foreach(items, i, v) {
		char key[600];
		json_t *gone = NULL;
		make_key(key, sizeof key, t->namespaced ? mstr(v, "namespace") : "", mstr(v, "name"));
		if (delete_locked(st, t, key, o, &gone, NULL, NULL) == 0 && gone) {
			json_array_append_new(res, json_deep_copy(gone));
			json_decref(gone);
		}
	}
	sim_store_unlock(st);
	json_decref(items);
	*out = res;
	return 0;
}

void sim_store_drop_type_objects(struct sim_store *st, const struct sim_type *t)
{
	struct tab *tb = tab_of(st, t);
	json_t *keys = json_array(), *v;
	const char *k;
	size_t i;

	json_object_foreach(tb->objs, k, v)
		json_array_append_new(keys, json_string(k));
	json_array_foreach(keys, i, v)
		commit_remove(st, t, json_string_value(v), NULL, SIM_PROPAGATE_BACKGROUND);
	json_decref(keys);
}

/* ---- watch ----------------------------------------------------------------- */

struct sim_watch *sim_watch_open(struct sim_store *st, const struct sim_watch_opts *o,
				 struct kerr *err)
{
	struct sim_watch *w;
	struct sim_selector *sel;

	if (sim_selector_parse(o->label_selector, o->field_selector, &sel, err))
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->st = st;
	w->t = o->t;
	w->storage_id = o->t ? o->t->storage_id : -1;
	w->ns = o->ns && *o->ns ? xstrdup(o->ns) : NULL;
	w->sel = sel;
	sim_store_lock(st);
	if (!o->since_rv) {
		w->next_seq = st->next;
	} else if (o->since_rv < st->floor_rv) {
		sim_kerr_http(err, 410, "Expired", "too old resource version: %llu (%llu)",
			      (unsigned long long)o->since_rv, (unsigned long long)st->floor_rv + 1);
		if (err)
			err->kind = KERR_GONE;
		sim_store_unlock(st);
		sim_watch_close(w);
		return NULL;
	} else {
		uint64_t lo = st->first, hi = st->next;
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (st->ring[mid % SIM_WATCH_HISTORY].rv <= o->since_rv)
				lo = mid + 1;
			else
				hi = mid;
		}
		w->next_seq = lo;
	}
	sim_store_unlock(st);
	return w;
}

static int ns_matches(const struct sim_watch *w, const json_t *obj)
{
	const char *ns;

	if (!w->ns)
		return 1;
	ns = mstr(obj, "namespace");
	return ns && !strcmp(ns, w->ns);
}

int sim_watch_next(struct sim_watch *w, int timeout_ms, struct sim_event *ev, struct kerr *err)
{
	struct sim_store *st = w->st;
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	memset(ev, 0, sizeof *ev);
	sim_store_lock(st);
	for (;;) {
		if (w->cancelled || st->stopping)
			break;
		if (w->next_seq < st->first) {
			sim_kerr_http(err, 410, "Expired", "too old resource version: the watch fell behind");
			if (err)
				err->kind = KERR_GONE;
			rc = -1;
			break;
		}
		while (w->next_seq < st->next) {
			struct sim_event *e = &st->ring[w->next_seq % SIM_WATCH_HISTORY];
			int now_m, old_m;

			w->next_seq++;
			if (w->storage_id >= 0 && e->t->storage_id != w->storage_id)
				continue;
			if (!ns_matches(w, e->obj))
				continue;
			now_m = sim_selector_matches(w->sel, e->obj);
			old_m = e->old ? sim_selector_matches(w->sel, e->old) : 0;
			ev->rv = e->rv;
			ev->t = w->t ? w->t : e->t;
			if (e->type == SIM_EV_MODIFIED && now_m && !old_m)
				ev->type = SIM_EV_ADDED;
			else if (e->type == SIM_EV_MODIFIED && !now_m && old_m)
				ev->type = SIM_EV_DELETED;
			else if (now_m)
				ev->type = e->type;
			else
				continue;
			ev->obj = sim_obj_for_type(e->obj, ev->t);
			ev->old = json_incref(e->old);
			rc = 1;
			goto out;
		}
		if (timeout_ms <= 0)
			break;
		if (pthread_cond_timedwait(&st->cv, &st->mu, &deadline) == ETIMEDOUT)
			break;
	}
out:
	sim_store_unlock(st);
	return rc;
}

uint64_t sim_watch_rv(struct sim_watch *w)
{
	uint64_t rv;

	sim_store_lock(w->st);
	if (w->next_seq >= w->st->next)
		rv = w->st->rv;
	else if (w->next_seq > w->st->first)
		rv = w->st->ring[(w->next_seq - 1) % SIM_WATCH_HISTORY].rv;
	else
		rv = w->st->floor_rv;
	sim_store_unlock(w->st);
	return rv;
}

int sim_watch_closed(const struct sim_watch *w)
{
	return w->cancelled || w->st->stopping;
}

void sim_watch_cancel(struct sim_watch *w)
{
	sim_store_lock(w->st);
	w->cancelled = 1;
	pthread_cond_broadcast(&w->st->cv);
	sim_store_unlock(w->st);
}

void sim_watch_close(struct sim_watch *w)
{
	if (!w)
		return;
	sim_selector_free(w->sel);
	free(w->ns);
	free(w);
}

/* ---- namespaces (janitor) -------------------------------------------------- */

/* Delete the contents of a terminating namespace; remove it when empty. */
static void finish_namespace(struct sim_store *st, const char *ns)
{
	size_t i, remaining = 0;
	char prefix[300], key[300];
	const struct sim_type *nst = sim_store_type(st, "", "v1", "namespaces");
	json_t *live;

	make_key(prefix, sizeof prefix, ns, "");
	for (i = 0; i < st->ntypes; i++) {
		struct tab *tb = st->tabs[i];
		const struct sim_type *t = st->types[i];
		json_t *keys, *v;
		const char *k;
		size_t j, plen = strlen(prefix);

		if (!tb || !t->namespaced)
			continue;
		keys = json_array();
		json_object_foreach(tb->objs, k, v)
			if (!strncmp(k, prefix, plen))
				json_array_append_new(keys, json_string(k));
		json_array_foreach(keys, j, v) {
			json_t *out = NULL;
			struct sim_delete_opts o = { .propagation = SIM_PROPAGATE_BACKGROUND };
			int deleted = 0;
			if (delete_locked(st, t, json_string_value(v), &o, &out, &deleted, NULL) == 0 &&
			    !deleted)
				remaining++;
			json_decref(out);
		}
		json_decref(keys);
	}
	if (remaining || !nst)
		return;
	make_key(key, sizeof key, "", ns);
	live = json_object_get(tab_of(st, nst)->objs, key);
	if (live)
		commit_remove(st, nst, key, NULL, SIM_PROPAGATE_BACKGROUND);
	json_object_del(st->terminating, ns);
}

#define NS_TERMINATE_MS 300

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *janitor_main(void *arg)
{
	struct sim_store *st = arg;
	struct timespec last_save, now;

	clock_gettime(CLOCK_MONOTONIC, &last_save);
	sim_store_lock(st);
	while (!st->stopping) {
		struct timespec dl;
		json_t *names = json_array(), *v;
		const char *k;
		size_t i;

		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += 100 * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&st->cv, &st->mu, &dl);
		/* A namespace stays Terminating for a moment, as on a real cluster,
		 * so clients can observe the phase. */
		json_object_foreach(st->terminating, k, v)
			if (mono_ms() - json_integer_value(v) >= NS_TERMINATE_MS)
				json_array_append_new(names, json_string(k));
		json_array_foreach(names, i, v)
			finish_namespace(st, json_string_value(v));
		json_decref(names);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (st->save_path && st->dirty && now.tv_sec - last_save.tv_sec >= 2) {
			/* the dump takes the lock only to copy; the file is written without it */
			sim_store_unlock(st);
			sim_store_save(st, st->save_path, NULL);
			sim_store_lock(st);
			last_save = now;
		}
	}
	sim_store_unlock(st);
	return NULL;
}

/* ---- lifecycle ------------------------------------------------------------- */

struct sim_store *sim_store_new(struct sim_cluster *cl)
{
	struct sim_store *st = xcalloc(1, sizeof *st);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	const struct sim_type_def *extra;
	size_t i, n;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&st->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->cv, &ca);
	pthread_condattr_destroy(&ca);
	st->cl = cl;
	st->ring = xcalloc(SIM_WATCH_HISTORY, sizeof *st->ring);
	st->owners = json_object();
	st->uids = json_object();
	st->terminating = json_object();
	st->graveyard = json_array();
	st->rv = 1;
	st->floor_rv = 1;
	for (i = 0; i < sim_builtin_types_count; i++)
		sim_store_add_type(st, &sim_builtin_types[i]);
	n = sim_server_extra_types(&extra);
	for (i = 0; i < n; i++)
		sim_store_add_type(st, &extra[i]);
	return st;
}

/* Default namespaces of a fresh cluster. */
void sim_store_bootstrap(struct sim_store *st)
{
	static const char *names[] = { "default", "kube-system", "kube-public", "kube-node-lease" };
	const struct sim_type *nst = sim_store_type(st, "", "v1", "namespaces");
	struct sim_write_opts o = { .manager = "kube-apiserver" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_t *ns = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
				       "metadata", "name", names[i]), *out = NULL;
		if (sim_store_create(st, nst, NULL, ns, &o, &out, NULL) == 0)
			json_decref(out);
		json_decref(ns);
	}
}

int sim_store_start(struct sim_store *st, const char *save_path)
{
	st->save_path = save_path ? xstrdup(save_path) : NULL;
	if (pthread_create(&st->janitor, NULL, janitor_main, st))
		return -1;
	st->janitor_running = 1;
	return 0;
}

void sim_store_retire(struct sim_store *st, json_t *v)
{
	if (!v)
		return;
	sim_store_lock(st);
	json_array_append_new(st->graveyard, v);
	sim_store_unlock(st);
}

void sim_store_retire_str(struct sim_store *st, char *s)
{
	if (!s)
		return;
	sim_store_lock(st);
	st->retired = xrealloc(st->retired, (st->nretired + 1) * sizeof *st->retired);
	st->retired[st->nretired++] = s;
	sim_store_unlock(st);
}

void sim_store_shutdown(struct sim_store *st)
{
	sim_store_lock(st);
	st->stopping = 1;
	pthread_cond_broadcast(&st->cv);
	sim_store_unlock(st);
}

void sim_store_free(struct sim_store *st)
{
	size_t i;

	if (!st)
		return;
	sim_store_shutdown(st);
	if (st->janitor_running)
		pthread_join(st->janitor, NULL);
	for (i = st->first; i < st->next; i++)
		sim_event_release(&st->ring[i % SIM_WATCH_HISTORY]);
	free(st->ring);
	for (i = 0; i < st->ntypes; i++) {
		struct sim_type *t = st->types[i];
		if (st->tabs[i]) {
			json_decref(st->tabs[i]->objs);
			json_decref(st->tabs[i]->ser);
			free(st->tabs[i]->sorted);
			free(st->tabs[i]);
		}
		free(t->group);
		free(t->version);
		free(t->kind);
		free(t->plural);
		free(t->singular);
		free(t->list_kind);
		free(t->api_version);
		free(t->crd_name);
		json_decref(t->short_names);
		json_decref(t->categories);
		json_decref(t->verbs);
		json_decref(t->printer_columns);
		json_decref(t->schema);
		free(t);
	}
	free(st->types);
	free(st->tabs);
	json_decref(st->owners);
	json_decref(st->uids);
	json_decref(st->terminating);
	json_decref(st->graveyard);
	for (i = 0; i < st->nretired; i++)
		free(st->retired[i]);
	free(st->retired);
	free(st->save_path);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	free(st);
}

struct sim_cluster *sim_store_cluster(struct sim_store *st)
{
	return st->cl;
}

/* ---- dump and persistence ------------------------------------------------- */

static int cmp_dump(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c;

	if ((c = strcmp(json_string_value(json_object_get(x, "apiVersion")) ?: "",
			json_string_value(json_object_get(y, "apiVersion")) ?: "")))
		return c;
	if ((c = strcmp(json_string_value(json_object_get(x, "kind")) ?: "",
			json_string_value(json_object_get(y, "kind")) ?: "")))
		return c;
	if ((c = strcmp(mstr(x, "namespace") ?: "", mstr(y, "namespace") ?: "")))
		return c;
	return strcmp(mstr(x, "name") ?: "", mstr(y, "name") ?: "");
}

json_t *sim_store_dump(struct sim_store *st, int strip_managed)
{
	json_t **objs = NULL, *arr = json_array(), *v;
	size_t n = 0, a = 0, i;
	const char *k;

	sim_store_lock(st);
	for (i = 0; i < st->ntypes; i++) {
		if (!st->tabs[i])
			continue;
		json_object_foreach(st->tabs[i]->objs, k, v) {
			if (n == a) {
				a = a ? a * 2 : 256;
				objs = xrealloc(objs, a * sizeof *objs);
			}
			/* Snapshots are immutable: share them, or copy the two levels
			 * that change when managedFields go. */
			if (strip_managed) {
				objs[n] = json_copy(v);
				json_object_set_new(objs[n], "metadata", json_copy(json_object_get(v, "metadata")));
				json_object_del(json_object_get(objs[n], "metadata"), "managedFields");
			} else {
				objs[n] = json_incref(v);
			}
			n++;
		}
	}
	sim_store_unlock(st);
	if (n)
		qsort(objs, n, sizeof *objs, cmp_dump);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, objs[i]);
	free(objs);
	return arr;
}

int sim_store_save(struct sim_store *st, const char *path, struct kerr *err)
{
	json_t *doc;
	char *tmp;
	int rc, fd;

	doc = json_object();
	sim_store_lock(st);
	json_object_set_new(doc, "objects", sim_store_dump(st, 0));
	json_object_set_new(doc, "resourceVersion", json_integer((json_int_t)st->rv));
	st->dirty = 0;
	sim_store_unlock(st);
	/* Secrets are in there: the file is 0600 from the start. */
	tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	rc = fd < 0 ? -1 : json_dumpfd(doc, fd, JSON_COMPACT);
	if (fd >= 0 && (fsync(fd) || close(fd)))
		rc = -1;
	json_decref(doc);
	if (rc || rename(tmp, path)) {
		unlink(tmp);
		free(tmp);
		return kerr_set(err, KERR_FAIL, "cannot write state %s: %s", path, strerror(errno));
	}
	free(tmp);
	return 0;
}

static void restore_one(struct sim_store *st, json_t *obj)
{
	const struct sim_type *t = sim_store_type_by_kind(st, json_string_value(json_object_get(obj, "apiVersion")),
							  json_string_value(json_object_get(obj, "kind")));
	char key[600];

	if (!t)
		return;
	make_key(key, sizeof key, t->namespaced ? mstr(obj, "namespace") : "", mstr(obj, "name"));
	json_object_set(tab_of(st, t)->objs, key, obj);
	json_object_del(tab_of(st, t)->ser, key);
	tab_of(st, t)->valid = 0;
	index_update(st, t, key, NULL, obj);
	if (!t->group[0] && !strcmp(t->kind, "Namespace") && mstr(obj, "deletionTimestamp"))
		json_object_set_new(st->terminating, mstr(obj, "name"), json_integer(0));
	if (!strcmp(t->group, "apiextensions.k8s.io") && !strcmp(t->kind, "CustomResourceDefinition"))
		sim_crd_sync(st, obj, 0);
}

int sim_store_load(struct sim_store *st, const char *path, struct kerr *err)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je), *objs, *v;
	size_t i;
	int pass;

	if (!doc)
		return kerr_set(err, KERR_INVALID, "cannot load state %s:%d: %s", path, je.line, je.text);
	objs = json_object_get(doc, "objects");
	sim_store_lock(st);
	for (pass = 0; pass < 2; pass++) {
		json_array_foreach(objs, i, v) {
			int is_crd = !strcmp(json_string_value(json_object_get(v, "kind")) ?: "",
					     "CustomResourceDefinition");
			if (is_crd == (pass == 0))
				restore_one(st, v);
		}
	}
	st->rv = (uint64_t)json_integer_value(json_object_get(doc, "resourceVersion"));
	st->floor_rv = st->rv;
	sim_store_unlock(st);
	json_decref(doc);
	return 0;
}
