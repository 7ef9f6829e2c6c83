/* test_core.c - kurator-sim's store and helpers without HTTP: selectors,
 * create/update/delete semantics, paging, garbage collection, finalizers,
 * watch replay and 410, protobuf decoding. Table-driven where it fits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/core.h"

static struct sim_cluster cluster = { .name = "unit" };

/* ---- selectors ------------------------------------------------------------- */

static void test_selectors(void **state)
{
	static const struct {
		const char *labels, *fields;
		int want;               /* 1 match, 0 no match, -1 error */
	} cases[] = {
		{ "app=web", NULL, 1 },
		{ "app==web", NULL, 1 },
		{ "app!=web", NULL, 0 },
		{ "app=db", NULL, 0 },
		{ "app in (db, web)", NULL, 1 },
		{ "app notin (web)", NULL, 0 },
		{ "tier", NULL, 1 },
		{ "!tier", NULL, 0 },
		{ "!missing", NULL, 1 },
		{ "missing", NULL, 0 },
		{ "app=web,tier=front", NULL, 1 },
		{ "app=web,tier=back", NULL, 0 },
		{ "app in (web", NULL, -1 },
		{ "app in web", NULL, -1 },
		{ "=x", NULL, -1 },
		{ NULL, "metadata.name=p1", 1 },
		{ NULL, "metadata.name==p2", 0 },
		{ NULL, "metadata.namespace=ns1,status.phase=Running", 1 },
		{ NULL, "status.phase!=Running", 0 },
		{ NULL, "spec.nodeName=node-1", 1 },
		{ NULL, "nonsense", -1 },
		{ "app=web", "metadata.name=p1", 1 },
	};
	json_t *obj = json_pack("{s:{s:s,s:s,s:{s:s,s:s}},s:{s:s},s:{s:s}}", "metadata", "name", "p1", "namespace",
				"ns1", "labels", "app", "web", "tier", "front", "status", "phase", "Running", "spec",
				"nodeName", "node-1");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct kerr err = { 0 };
		int got = sim_selector_match(cases[i].labels, cases[i].fields, obj, &err);
		if (got != cases[i].want)
			fail_msg("case %zu (%s | %s): want %d, got %d", i, cases[i].labels ? cases[i].labels : "",
				 cases[i].fields ? cases[i].fields : "", cases[i].want, got);
		if (got < 0)
			assert_int_equal(err.http, 400);
	}
	json_decref(obj);
}

/* ---- store ----------------------------------------------------------------- */

static struct sim_store *new_store(void)
{
	struct sim_store *st = sim_store_new(&cluster);

	sim_store_bootstrap(st);
	return st;
}

static json_t *cm(const char *name, const char *label)
{
	return json_pack("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap", "metadata",
			 "name", name, "labels", "app", label, "data", "k", "v");
}

static void test_create_get_update(void **state)
{
	struct sim_store *st = new_store();
	const struct sim_type *t = sim_store_type(st, "", "v1", "configmaps");
	struct sim_write_opts o = { .manager = "unit" };
	struct kerr err = { 0 };
	json_t *obj = cm("a", "x"), *out, *got, *stale;
	const char *rv;

	(void)state;
	assert_non_null(t);
	assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, &err), 0);
	assert_non_null(json_string_value(json_object_get(json_object_get(out, "metadata"), "uid")));
	assert_non_null(json_string_value(json_object_get(json_object_get(out, "metadata"), "creationTimestamp")));
	rv = json_string_value(json_object_get(json_object_get(out, "metadata"), "resourceVersion"));
	assert_non_null(rv);
	stale = json_deep_copy(out);
	json_decref(out);

	assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, &err), -1);
	assert_int_equal(err.http, 409);
	assert_string_equal(err.reason, "AlreadyExists");
	assert_string_equal(err.msg, "configmaps \"a\" already exists");

	assert_int_equal(sim_store_get(st, t, "default", "nope", &got, &err), -1);
	assert_int_equal(err.http, 404);
	assert_string_equal(err.msg, "configmaps \"nope\" not found");

	assert_int_equal(sim_store_create(st, t, "nowhere", obj, &o, &out, &err), -1);
	assert_string_equal(err.msg, "namespaces \"nowhere\" not found");

	/* update with the current resourceVersion works, then the old one conflicts */
	json_object_set_new(json_object_get(stale, "data"), "k", json_string("w"));
	assert_int_equal(sim_store_update(st, t, "default", "a", stale, &o, &out, &err), 0);
	json_decref(out);
	assert_int_equal(sim_store_update(st, t, "default", "a", stale, &o, &out, &err), -1);
	assert_int_equal(err.http, 409);
	assert_string_equal(err.reason, "Conflict");

	assert_int_equal(sim_store_get(st, t, "default", "a", &got, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(got, "data"), "k")), "w");
	json_decref(got);
	json_decref(stale);
	json_decref(obj);
	sim_store_free(st);
}

static void test_invalid_names(void **state)
{
	static const struct {
		const char *plural, *name;
		int ok;
	} cases[] = {
		{ "configmaps", "good-name.x", 1 },
		{ "configmaps", "Bad_Name", 0 },
		{ "configmaps", "-lead", 0 },
		{ "namespaces", "has.dot", 0 },
		{ "namespaces", "fine", 1 },
		{ "clusterroles", "system:controller:x", 1 },
		{ "clusterroles", "a/b", 0 },
	};
	struct sim_store *st = new_store();
	struct sim_write_opts o = { .manager = "unit" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct sim_type *t = sim_store_type(st, !strcmp(cases[i].plural, "clusterroles")
							  ? "rbac.authorization.k8s.io" : "", NULL, cases[i].plural);
		json_t *obj = json_pack("{s:{s:s}}", "metadata", "name", cases[i].name), *out = NULL;
		struct kerr err = { 0 };
		int rc = sim_store_create(st, t, t->namespaced ? "default" : NULL, obj, &o, &out, &err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s %s: rc %d (%s)", cases[i].plural, cases[i].name, rc, err.msg);
		if (rc)
			assert_int_equal(err.http, 422);
		json_decref(out);
		json_decref(obj);
	}
	sim_store_free(st);
}

static void test_list_paging(void **state)
{
	struct sim_store *st = new_store();
	const struct sim_type *t = sim_store_type(st, "", "v1", "configmaps");
	struct sim_write_opts o = { .manager = "unit" };
	struct sim_list_opts lo = { .ns = "default", .limit = 7 };
	json_t *items, *out;
	uint64_t rv;
	char *cont = NULL, name[32], prev[32] = "";
	long remaining, total = 0;
	int i, pages = 0;

	(void)state;
	for (i = 0; i < 30; i++) {
		json_t *obj;
		snprintf(name, sizeof name, "cm-%02d", i);
		obj = cm(name, i % 2 ? "odd" : "even");
		assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
		json_decref(out);
		json_decref(obj);
	}
	do {
		size_t k;
		json_t *v;
		lo.continue_token = cont;
		assert_int_equal(sim_store_list(st, t, &lo, &items, &rv, &cont, &remaining, NULL), 0);
		free((char *)lo.continue_token);
		json_array_foreach(items, k, v) {
			const char *n = json_string_value(json_object_get(json_object_get(v, "metadata"), "name"));
			assert_true(strcmp(prev, n) < 0);
			snprintf(prev, sizeof prev, "%s", n);
		}
		total += (long)json_array_size(items);
		if (cont)
			assert_int_equal(remaining, 30 - total);
		json_decref(items);
		pages++;
	} while (cont);
	assert_int_equal(total, 30);
	assert_int_equal(pages, 5);

	lo = (struct sim_list_opts){ .label_selector = "app=odd" };
	assert_int_equal(sim_store_list(st, t, &lo, &items, &rv, NULL, NULL, NULL), 0);
	assert_int_equal(json_array_size(items), 15);
	json_decref(items);

	/* serialized lists: cached encodings follow updates */
	for (i = 0; i < 3; i++) {
		struct strbuf sb = STRBUF_INIT;
		size_t n;
		json_t *obj, *parsed;
		lo = (struct sim_list_opts){ .ns = "default", .field_selector = "metadata.name=cm-05" };
		assert_int_equal(sim_store_list_raw(st, t, &lo, &sb, &n, &rv, NULL, NULL, NULL), 0);
		assert_int_equal(n, 1);
		parsed = json_loadb(sb.buf, sb.len, 0, NULL);
		assert_non_null(parsed);
		snprintf(name, sizeof name, "v%d", i);
		if (i)
			assert_string_equal(json_string_value(json_object_get(json_object_get(parsed, "data"), "k")), prev);
		json_decref(parsed);
		strbuf_release(&sb);
		assert_int_equal(sim_store_get(st, t, "default", "cm-05", &obj, NULL), 0);
		json_object_set_new(json_object_get(obj, "data"), "k", json_string(name));
		assert_int_equal(sim_store_update(st, t, "default", "cm-05", obj, &o, &out, NULL), 0);
		json_decref(out);
		json_decref(obj);
		snprintf(prev, sizeof prev, "%s", name);
	}
	sim_store_free(st);
}

static json_t *owned_cm(const char *name, const char *owner_uid)
{
	json_t *obj = cm(name, "dep");

	json_object_set_new(json_object_get(obj, "metadata"), "ownerReferences",
			    json_pack("[{s:s,s:s,s:s,s:s}]", "apiVersion", "v1", "kind", "ConfigMap", "name", "owner",
				      "uid", owner_uid));
	return obj;
}

static void test_gc_and_finalizers(void **state)
{
	static const struct {
		enum sim_propagation prop;
		int dependent_survives;
	} cases[] = {
		{ SIM_PROPAGATE_BACKGROUND, 0 },
		{ SIM_PROPAGATE_FOREGROUND, 0 },
		{ SIM_PROPAGATE_ORPHAN, 1 },
	};
	struct sim_store *st = new_store();
	const struct sim_type *t = sim_store_type(st, "", "v1", "configmaps");
	struct sim_write_opts o = { .manager = "unit" };
	json_t *obj, *out, *got;
	size_t i;
	int deleted;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sim_delete_opts d = { .propagation = cases[i].prop, .grace_period = -1 };
		char uid[64];
		obj = cm("owner", "x");
		assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
		snprintf(uid, sizeof uid, "%s", json_string_value(json_object_get(json_object_get(out, "metadata"), "uid")));
		json_decref(out);
		json_decref(obj);
		obj = owned_cm("dep", uid);
		assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
		json_decref(out);
		json_decref(obj);
		assert_int_equal(sim_store_delete(st, t, "default", "owner", &d, &out, &deleted, NULL), 0);
		json_decref(out);
		assert_int_equal(deleted, 1);
		if (cases[i].dependent_survives) {
			assert_int_equal(sim_store_get(st, t, "default", "dep", &got, NULL), 0);
			assert_null(json_object_get(json_object_get(got, "metadata"), "ownerReferences"));
			json_decref(got);
			assert_int_equal(sim_store_delete(st, t, "default", "dep", NULL, &out, NULL, NULL), 0);
			json_decref(out);
		} else {
			assert_int_equal(sim_store_get(st, t, "default", "dep", &got, NULL), -1);
		}
	}

	/* a finalizer holds the object; removing it completes the deletion */
	obj = cm("held", "x");
	json_object_set_new(json_object_get(obj, "metadata"), "finalizers", json_pack("[s]", "example.com/hold"));
	assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);
	assert_int_equal(sim_store_delete(st, t, "default", "held", NULL, &out, &deleted, NULL), 0);
	assert_int_equal(deleted, 0);
	assert_non_null(json_object_get(json_object_get(out, "metadata"), "deletionTimestamp"));
	json_object_del(json_object_get(out, "metadata"), "finalizers");
	assert_int_equal(sim_store_update(st, t, "default", "held", out, &o, &got, NULL), 0);
	json_decref(got);
	json_decref(out);
	assert_int_equal(sim_store_get(st, t, "default", "held", &got, NULL), -1);
	sim_store_free(st);
}

static void test_watch(void **state)
{
	struct sim_store *st = new_store();
	const struct sim_type *t = sim_store_type(st, "", "v1", "configmaps");
	struct sim_write_opts o = { .manager = "unit" };
	struct sim_watch_opts wo = { .t = t, .ns = "default", .label_selector = "app=x" };
	struct sim_watch *w;
	struct sim_event ev;
	struct kerr err = { 0 };
	json_t *obj, *out;
	uint64_t start = sim_store_rv(st);
	int i;

	(void)state;
	obj = cm("w", "x");
	assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);
	obj = cm("other", "y");
	assert_int_equal(sim_store_create(st, t, "default", obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);
	/* relabelling "w" out of the selection is a DELETED for this watcher */
	assert_int_equal(sim_store_get(st, t, "default", "w", &obj, NULL), 0);
	json_object_set_new(json_object_get(json_object_get(obj, "metadata"), "labels"), "app", json_string("z"));
	assert_int_equal(sim_store_update(st, t, "default", "w", obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);

	wo.since_rv = start;
	w = sim_watch_open(st, &wo, &err);
	assert_non_null(w);
	assert_int_equal(sim_watch_next(w, 100, &ev, &err), 1);
	assert_int_equal(ev.type, SIM_EV_ADDED);
	sim_event_release(&ev);
	assert_int_equal(sim_watch_next(w, 100, &ev, &err), 1);
	assert_int_equal(ev.type, SIM_EV_DELETED);
	sim_event_release(&ev);
	assert_int_equal(sim_watch_next(w, 50, &ev, &err), 0);
	sim_watch_close(w);

	/* push the start out of the history: 410 Expired */
	for (i = 0; i < SIM_WATCH_HISTORY + 10; i++) {
		assert_int_equal(sim_store_get(st, t, "default", "other", &obj, NULL), 0);
		json_object_set_new(json_object_get(obj, "data"), "k", json_integer(i));
		json_object_del(json_object_get(obj, "metadata"), "resourceVersion");
		assert_int_equal(sim_store_update(st, t, "default", "other", obj, &o, &out, NULL), 0);
		json_decref(out);
		json_decref(obj);
	}
	w = sim_watch_open(st, &wo, &err);
	assert_null(w);
	assert_int_equal(err.http, 410);
	assert_int_equal(err.kind, KERR_GONE);
	assert_non_null(strstr(err.msg, "too old resource version"));
	sim_store_free(st);
}

static void test_namespace_and_crd(void **state)
{
	struct sim_store *st = new_store();
	const struct sim_type *ns = sim_store_type(st, "", "v1", "namespaces");
	const struct sim_type *crdt = sim_store_type(st, "apiextensions.k8s.io", "v1", "customresourcedefinitions");
	const struct sim_type *q;
	struct sim_write_opts o = { .manager = "unit" };
	json_t *obj, *out;
	struct kerr err = { 0 };
	int deleted;

	(void)state;
	obj = json_pack("{s:{s:s},s:{s:s,s:s,s:{s:s,s:s,s:[s]},s:[{s:s,s:b,s:b}]}}", "metadata", "name",
			"queues.example.io", "spec", "group", "example.io", "scope", "Cluster", "names", "plural",
			"queues", "kind", "Queue", "shortNames", "q", "versions", "name", "v1", "served", 1, "storage", 1);
	assert_int_equal(sim_store_create(st, crdt, NULL, obj, &o, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(json_object_get(out, "status"), "conditions"), 1), "type")),
			    "Established");
	json_decref(out);
	json_decref(obj);
	q = sim_store_type(st, "example.io", "v1", "queues");
	assert_non_null(q);
	assert_string_equal(json_string_value(json_array_get(q->short_names, 0)), "q");
	obj = json_pack("{s:{s:s}}", "metadata", "name", "root");
	assert_int_equal(sim_store_create(st, q, NULL, obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);
	assert_int_equal(sim_store_delete(st, crdt, NULL, "queues.example.io", NULL, &out, &deleted, NULL), 0);
	json_decref(out);
	assert_null(sim_store_type(st, "example.io", "v1", "queues"));

	/* a namespace goes Terminating; new content is refused */
	obj = json_pack("{s:{s:s}}", "metadata", "name", "doomed");
	assert_int_equal(sim_store_create(st, ns, NULL, obj, &o, &out, NULL), 0);
	json_decref(out);
	json_decref(obj);
	assert_int_equal(sim_store_delete(st, ns, NULL, "doomed", NULL, &out, &deleted, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "status"), "phase")), "Terminating");
	json_decref(out);
	obj = cm("late", "x");
	assert_int_equal(sim_store_create(st, sim_store_type(st, "", "v1", "configmaps"), "doomed", obj, &o, &out, &err), -1);
	assert_int_equal(err.http, 403);
	json_decref(obj);
	sim_store_free(st);
}

/* ---- nested API servers ------------------------------------------------------ */

static void test_nested(void **state)
{
	static struct sim_config cfg = { .nodes = 1 };
	struct kerr err = { 0 };
	struct sim_cluster *cl, *dup;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	json_t *ns;
	int fd;

	(void)state;
	sim_server_set_config(&cfg);
	cl = sim_cluster_start_nested("nested-unit", "127.0.0.9", 0, NULL, NULL, &err);
	if (!cl)
		fail_msg("start_nested: %s", err.msg);
	assert_true(cl->nested);
	assert_true(cl->port > 0);
	assert_ptr_equal(sim_cluster_by_name("nested-unit"), cl);
	dup = sim_cluster_start_nested("nested-unit", "127.0.0.9", 0, NULL, NULL, &err);
	assert_null(dup);
	assert_int_equal(err.kind, KERR_CONFLICT);
	assert_int_equal(sim_store_get(cl->store, sim_store_type(cl->store, "", "v1", "namespaces"), NULL,
				       "kube-system", &ns, NULL), 0);
	json_decref(ns);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)cl->port);
	inet_pton(AF_INET, "127.0.0.9", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	sim_cluster_stop_nested(cl);
	assert_null(cl->store);
}

/* ---- protobuf ------------------------------------------------------------- */

static void pb_bytes(struct strbuf *sb, unsigned field, const void *p, size_t n)
{
	strbuf_addch(sb, (int)(field << 3 | 2));
	strbuf_addch(sb, (int)n);       /* tests keep every length < 128 */
	strbuf_add(sb, p, n);
}

static void test_proto_configmap(void **state)
{
	struct strbuf entry = STRBUF_INIT, meta = STRBUF_INIT, cmsg = STRBUF_INIT, tm = STRBUF_INIT, env = STRBUF_INIT;
	struct kerr err = { 0 };
	json_t *out;

	(void)state;
	pb_bytes(&meta, 1, "cfg", 3);
	pb_bytes(&entry, 1, "key", 3);
	pb_bytes(&entry, 2, "value", 5);
	pb_bytes(&cmsg, 1, meta.buf, meta.len);
	pb_bytes(&cmsg, 2, entry.buf, entry.len);
	pb_bytes(&tm, 1, "v1", 2);
	pb_bytes(&tm, 2, "ConfigMap", 9);
	strbuf_add(&env, "k8s\0", 4);
	pb_bytes(&env, 1, tm.buf, tm.len);
	pb_bytes(&env, 2, cmsg.buf, cmsg.len);
	assert_int_equal(sim_proto_decode(env.buf, env.len, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "metadata"), "name")), "cfg");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "data"), "key")), "value");
	assert_string_equal(json_string_value(json_object_get(out, "kind")), "ConfigMap");
	json_decref(out);
	/* truncated: an error, never a crash */
	assert_int_equal(sim_proto_decode(env.buf, env.len - 3, &out, &err), -1);
	assert_int_equal(sim_proto_decode("k8s", 3, &out, &err), -1);
	strbuf_release(&entry);
	strbuf_release(&meta);
	strbuf_release(&cmsg);
	strbuf_release(&tm);
	strbuf_release(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_create_get_update),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_list_paging),
		cmocka_unit_test(test_gc_and_finalizers),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_namespace_and_crd),
		cmocka_unit_test(test_proto_configmap),
		cmocka_unit_test(test_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
