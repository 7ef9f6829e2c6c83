/* fuzz-yaml.c - libFuzzer target for the YAML loader and printer: any
 * input either loads or fails with a "NAME:LINE:COL: ..." message; what
 * loads must print as YAML that loads back equal, print as JSON that
 * jansson reads back equal, and survive a sorted copy. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/jsonx.h"
#include "lib/yamljson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct kerr *e)
{
	if (!memchr(e->msg, '\0', sizeof(e->msg)) || strncmp(e->msg, "fuzz", 4) != 0 ||
	    (e->kind != KERR_INVALID && e->kind != KERR_FAIL))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kerr e = { 0 };
	struct strbuf sb = STRBUF_INIT;
	json_t *docs, *back, *sorted;
	json_error_t jerr;

	if (yj_load_stream((const char *)data, size, "fuzz", &docs, &e)) {
		check_error(&e);
		return 0;
	}
	if (!json_is_array(docs))
		__builtin_trap();
	yj_dump_stream(&sb, docs);
	if (yj_load_stream(sb.buf, sb.len, "fuzz-dump", &back, &e))
		__builtin_trap();    /* we printed something we cannot read */
	if (!jx_equal(back, docs))
		__builtin_trap();    /* printing changed a value */
	json_decref(back);

	strbuf_reset(&sb);
	jx_dump_pretty(&sb, docs);
	back = json_loadb(sb.buf, sb.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	/* jansson refuses NUL inside object keys; everything else must load */
	if (back && !jx_equal(back, docs))
		__builtin_trap();
	if (!back && !memmem(sb.buf, sb.len, "\\u0000", 6))
		__builtin_trap();
	json_decref(back);

	sorted = jx_sorted_copy(docs);
	if (!jx_equal(sorted, docs))
		__builtin_trap();
	json_decref(sorted);
	strbuf_release(&sb);
	json_decref(docs);
	return 0;
}
