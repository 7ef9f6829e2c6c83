/* spark.h - sparklines: a series of samples as one line of block glyphs. */
#ifndef KURATOR_TUI_SPARK_H
#define KURATOR_TUI_SPARK_H

#include <stddef.h>

#include "lib/strbuf.h"

/* Append the last `width` of the n samples v (oldest first) scaled to
 * [0, max] (max <= 0: the samples' own maximum) as glyphs: "▁▂▃▄▅▆▇█"
 * when utf8, "_.:-=+*#" otherwise. Missing samples on the left are
 * spaces, so the result is always exactly width cells. */
void spark_render(struct strbuf *out, const double *v, size_t n, double max,
		  size_t width, int utf8);

/* "1.5" "12" "340m" style short number for a value (cores, MiB ...). */
void spark_human(char *buf, size_t size, double v, const char *unit);

#endif
