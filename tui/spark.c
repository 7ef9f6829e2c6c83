/* spark.c - sparkline rendering; see spark.h. */
#include <stdio.h>

#include "tui/spark.h"

void spark_render(struct strbuf *out, const double *v, size_t n, double max,
		  size_t width, int utf8)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[8] = { '_', '.', ':', '-', '=', '+', '*', '#' };
	size_t have = n < width ? n : width;

	if (max <= 0)
		for (size_t i = n - have; i < n; i++)
			if (v[i] > max)
				max = v[i];
	for (size_t i = have; i < width; i++)
		strbuf_addch(out, ' ');
	for (size_t i = n - have; i < n; i++) {
		int level;

		if (max <= 0 || v[i] <= 0)
			level = 0;
		else if (v[i] >= max)
			level = 7;
		else
			level = (int)(v[i] / max * 7.999);
		if (utf8)
			strbuf_addstr(out, blocks[level]);
		else
			strbuf_addch(out, ascii[level]);
	}
}

void spark_human(char *buf, size_t size, double v, const char *unit)
{
	if (v >= 100 || v == (long)v)
		snprintf(buf, size, "%.0f%s", v, unit);
	else if (v >= 10)
		snprintf(buf, size, "%.1f%s", v, unit);
	else
		snprintf(buf, size, "%.2f%s", v, unit);
}
