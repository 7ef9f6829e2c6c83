/* fuzz-kubeconfig.c - libFuzzer target for the kubeconfig loader: any
 * document either loads or fails with a message; a loaded one must give a
 * view (raw, redacted, minified), the get-contexts table and a connection
 * attempt per context without crashing. Nothing is written and no exec
 * plugin is run (kubeconfig_conn only describes them). Relative paths are
 * resolved against a directory that does not exist; absolute ones are read
 * (bounded to 4 MiB). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "backends/kube/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig *kc = NULL;
	struct kerr e = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *const *names;
	size_t i;
	int raw, minify;

	if (kubeconfig_load_data((const char *)data, size, "/nonexistent-kurator-fuzz", &kc, &e) < 0) {
		if (!e.msg[0] || !memchr(e.msg, '\0', sizeof e.msg))
			__builtin_trap();
		return 0;
	}
	for (raw = 0; raw < 2; raw++)
		for (minify = 0; minify < 2; minify++) {
			json_t *v = kubeconfig_view(kc, raw, minify, &e);
			if (!v && !minify)
				__builtin_trap();   /* only --minify may refuse */
			json_decref(v);
		}
	kubeconfig_view_text(kc, "json", 0, &sb, &e);
	kubeconfig_view_text(kc, "yaml", KC_VIEW_RAW, &sb, &e);
	kubeconfig_get_contexts_text(kc, NULL, 0, 0, &sb, &e);
	strbuf_release(&sb);
	names = kubeconfig_contexts(kc);
	for (i = 0; names[i]; i++) {
		struct kube_conn *c = NULL;
		if (kubeconfig_conn(kc, names[i], &c, &e) == 0) {
			struct kube_conn *d = kube_conn_dup(c);
			kube_conn_free(d);
		}
		kube_conn_free(c);
	}
	kubeconfig_free(kc);
	return 0;
}
