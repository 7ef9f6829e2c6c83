/* cmd-describe.c - `describe KIND NAME`: a readable description of one
 * object - identity, labels, annotations, owner, conditions, the kind's
 * key facts (pods: node, IP, containers and their state), spec and
 * status as indented YAML - and the Events that name it, newest last.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kube/client.h"
#include "lib/jsonx.h"
#include "lib/xalloc.h"
#include "lib/yamljson.h"
#include "shell/cmd.h"
#include "shell/output.h"
#include "shell/session.h"

static void field(struct strbuf *sb, const char *key, const char *val)
{
	strbuf_addf(sb, "%-16s%s\n", key, val && *val ? val : "<none>");
}

static void map_field(struct strbuf *sb, const char *key, const json_t *map)
{
	const char *k;
	json_t *v;
	int first = 1;

	if (!json_object_size(map)) {
		field(sb, key, NULL);
		return;
	}
	json_object_foreach((json_t *)map, k, v) {
		strbuf_addf(sb, "%-16s%s=", first ? key : "", k);
		out_cell_text(sb, v);
		strbuf_addch(sb, '\n');
		first = 0;
	}
}

/* YAML of v indented by `indent` spaces. */
static void yaml_block(struct strbuf *sb, const json_t *v, int indent)
{
	struct strbuf y = STRBUF_INIT;
	json_t *sorted = jx_sorted_copy(v);
	const char *p;

	yj_dump(&y, sorted);
	json_decref(sorted);
	for (p = y.buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		strbuf_addf(sb, "%*s", indent, "");
		strbuf_add(sb, p, len);
		strbuf_addch(sb, '\n');
		p += len + (nl ? 1 : 0);
	}
	strbuf_release(&y);
}

static void conditions(struct strbuf *sb, const json_t *obj)
{
	json_t *conds = jx_get(obj, "status.conditions");
	size_t i;
	json_t *c;

	if (!json_array_size(conds))
		return;
	strbuf_addstr(sb, "Conditions:\n  Type                        Status  Reason / Message\n");
	json_array_foreach(conds, i, c)
		strbuf_addf(sb, "  %-27s %-7s %s%s%s\n", jx_str_or(c, "type", ""),
			    jx_str_or(c, "status", ""), jx_str_or(c, "reason", ""),
			    jx_str(c, "message") ? " " : "", jx_str_or(c, "message", ""));
}

static void pod_facts(struct strbuf *sb, const json_t *pod)
{
	json_t *ctrs = jx_get(pod, "spec.containers");
	json_t *sts = jx_get(pod, "status.containerStatuses");
	size_t i, j;
	json_t *c, *st;

	field(sb, "Node:", jx_str(pod, "spec.nodeName"));
	field(sb, "Start Time:", jx_str(pod, "status.startTime"));
	field(sb, "Status:", jx_str(pod, "status.phase"));
	field(sb, "IP:", jx_str(pod, "status.podIP"));
	strbuf_addstr(sb, "Containers:\n");
	json_array_foreach(ctrs, i, c) {
		json_t *mine = NULL;

		json_array_foreach(sts, j, st)
			if (jx_str(st, "name") && jx_str(c, "name") && !strcmp(jx_str(st, "name"), jx_str(c, "name")))
				mine = st;
		strbuf_addf(sb, "  %s:\n", jx_str(c, "name") ? jx_str(c, "name") : "?");
		strbuf_addf(sb, "    Image:          %s\n", jx_str_or(c, "image", "<none>"));
		if (mine) {
			const char *k;
			json_t *v;

			json_object_foreach(jx_get(mine, "state"), k, v) {
				strbuf_addf(sb, "    State:          %c%s", k[0] - 32 * (k[0] >= 'a' && k[0] <= 'z'),
					    k + 1);
				if (jx_str(v, "reason"))
					strbuf_addf(sb, " (%s)", jx_str(v, "reason"));
				strbuf_addch(sb, '\n');
			}
			strbuf_addf(sb, "    Ready:          %s\n", jx_bool(mine, "ready", 0) ? "True" : "False");
			strbuf_addf(sb, "    Restart Count:  %lld\n", (long long)jx_int(mine, "restartCount", 0));
		}
	}
}

static void events(struct strbuf *sb, struct kube_client *c, const json_t *obj)
{
	const struct kube_resource *r;
	json_t *list = NULL;
	char *fs;
	struct kube_list_opts lo = { 0 };
	const char *ns = jx_namespace(obj);
	size_t i;
	json_t *ev;
	struct out_table *t;
	static const char *const heads[] = { "  Type", "Reason", "Age", "From", "Message" };

	if (kube_resolve(c, "events", &r, NULL) < 0)
		return;
	fs = xasprintf("involvedObject.name=%s,involvedObject.kind=%s", jx_name(obj), jx_kind(obj));
	lo.field_selector = fs;
	if (kube_list(c, r, ns ? ns : "default", &lo, &list, NULL) < 0) {
		free(fs);
		strbuf_addstr(sb, "Events:       <unavailable>\n");
		return;
	}
	free(fs);
	if (!json_array_size(jx_get(list, "items"))) {
		json_decref(list);
		strbuf_addstr(sb, "Events:       <none>\n");
		return;
	}
	strbuf_addstr(sb, "Events:\n");
	t = out_table_new(5, heads);
	json_array_foreach(jx_get(list, "items"), i, ev) {
		char age[32], type[64];
		const char *when = jx_str(ev, "lastTimestamp");
		const char *row[5];

		if (!when)
			when = jx_str(ev, "eventTime");
		if (!when)
			when = jx_str(ev, "metadata.creationTimestamp");
		out_age_since(age, sizeof(age), when);
		snprintf(type, sizeof(type), "  %s", jx_str_or(ev, "type", ""));
		row[0] = type;
		row[1] = jx_str_or(ev, "reason", "");
		row[2] = age;
		row[3] = jx_str_or(ev, "source.component", jx_str_or(ev, "reportingComponent", ""));
		row[4] = jx_str_or(ev, "message", "");
		out_table_add(t, row);
	}
	out_table_render(t, sb, 0);
	out_table_free(t);
	json_decref(list);
}

static int exec_describe(struct session *s, struct cmd_args *a, struct kerr *err)
{
	const struct kube_resource *r;
	const char *kind = a->argv[0], *name = a->argc > 1 ? a->argv[1] : NULL;
	char *kind_buf = NULL;
	struct strbuf sb = STRBUF_INIT;
	json_t *obj = NULL, *rest;
	const char *slash = strchr(kind, '/');

	if (slash && !name) {   /* describe pod/web-1 */
		kind_buf = xstrndup(kind, slash - kind);
		name = slash + 1;
		kind = kind_buf;
	}
	if (!name) {
		free(kind_buf);
		kerr_set(err, KERR_USAGE, "describe needs KIND NAME");
		return kerr_hint(err, "describe pods web-1, or describe pod/web-1");
	}
	if (kube_resolve(a->client, kind, &r, err) < 0 ||
	    kube_get(a->client, r, r->namespaced ? a->ns : NULL, name, &obj, err) < 0) {
		free(kind_buf);
		return -1;
	}
	free(kind_buf);
	field(&sb, "Name:", jx_name(obj));
	if (r->namespaced)
		field(&sb, "Namespace:", jx_namespace(obj));
	field(&sb, "Kind:", r->kind);
	field(&sb, "API Version:", jx_api_version(obj));
	map_field(&sb, "Labels:", jx_get(obj, "metadata.labels"));
	map_field(&sb, "Annotations:", jx_get(obj, "metadata.annotations"));
	field(&sb, "Created:", jx_str(obj, "metadata.creationTimestamp"));
	if (jx_str(obj, "metadata.deletionTimestamp"))
		field(&sb, "Deleting:", jx_str(obj, "metadata.deletionTimestamp"));
	if (json_array_size(jx_get(obj, "metadata.ownerReferences"))) {
		json_t *o = json_array_get(jx_get(obj, "metadata.ownerReferences"), 0);
		char *owner = xasprintf("%s/%s", jx_str_or(o, "kind", "?"), jx_str_or(o, "name", "?"));

		field(&sb, "Controlled By:", owner);
		free(owner);
	}
	if (!strcmp(r->kind, "Pod") && !*r->group)
		pod_facts(&sb, obj);
	conditions(&sb, obj);
	/* what is left: spec, data, status minus conditions */
	rest = json_deep_copy(obj);
	json_object_del(rest, "metadata");
	json_object_del(rest, "apiVersion");
	json_object_del(rest, "kind");
	jx_del(rest, "status.conditions");
	if (json_object_size(jx_get(rest, "status")) == 0)
		json_object_del(rest, "status");
	if (!strcmp(r->kind, "Secret") && !*r->group) {
		/* values are secrets: only their sizes */
		const char *k;
		json_t *v;

		json_object_foreach(jx_get(rest, "data"), k, v) {
			/* decoded size of the base64 value: 3 bytes per 4 chars, minus padding */
			const char *b64 = json_string_value(v) ? json_string_value(v) : "";
			size_t len = strlen(b64), bytes = len / 4 * 3;

			if (len >= 1 && b64[len - 1] == '=')
				bytes--;
			if (len >= 2 && b64[len - 2] == '=')
				bytes--;
			json_object_set_new(jx_get(rest, "data"), k, json_sprintf("<%zu bytes>", bytes));
		}
		json_object_del(rest, "stringData");
	}
	{
		const char *k;
		json_t *v;

		json_object_foreach(rest, k, v) {
			char key[64];

			snprintf(key, sizeof(key), "%c%s:", k[0] - 32 * (k[0] >= 'a' && k[0] <= 'z'), k + 1);
			if (json_is_object(v) || json_is_array(v)) {
				strbuf_addf(&sb, "%s\n", key);
				yaml_block(&sb, v, 2);
			} else {
				struct strbuf val = STRBUF_INIT;

				out_cell_text(&val, v);
				field(&sb, key, val.buf);
				strbuf_release(&val);
			}
		}
	}
	json_decref(rest);
	events(&sb, a->client, obj);
	json_decref(obj);
	session_write(s, sb.buf, sb.len, 0);
	strbuf_release(&sb);
	return 0;
}

static const struct cmd_pos describe_pos[] = {
	{ .name = "KIND", .comp = COMP_KIND },
	{ .name = "NAME", .comp = COMP_NAME },
	{ 0 },
};

const struct cmd_entry cmd_describe_entry = {
	.name = "describe",
	.usage = "KIND NAME | KIND/NAME [-n NS]",
	.summary = "describe one object, with its events",
	.args = describe_pos,
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_F_CLUSTER | CMD_F_READONLY,
	.exec = exec_describe,
};
