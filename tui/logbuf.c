/* logbuf.c - bounded scrollback ring; see logbuf.h. */
#include <ctype.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "tui/logbuf.h"

void logbuf_init(struct logbuf *lb, size_t cap)
{
	memset(lb, 0, sizeof(*lb));
	lb->cap = cap ? cap : 1;
	lb->v = xcalloc(lb->cap, sizeof(*lb->v));
}

void logbuf_clear(struct logbuf *lb)
{
	for (size_t i = 0; i < lb->n; i++)
		free(lb->v[(lb->start + i) % lb->cap].text);
	lb->dropped += lb->n;
	lb->start = lb->n = 0;
}

void logbuf_release(struct logbuf *lb)
{
	if (!lb->v)
		return;
	logbuf_clear(lb);
	free(lb->v);
	lb->v = NULL;
}

static void push_line(struct logbuf *lb, time_t ts, unsigned flags, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct logline *l;
	size_t col = 0;

	strbuf_grow(&sb, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			continue;
		if (c == '\t') {
			do {
				strbuf_addch(&sb, ' ');
			} while (++col % 8);
			continue;
		}
		/* Other control bytes would move the cursor: show them as '?'. */
		strbuf_addch(&sb, c < 0x20 || c == 0x7f ? '?' : c);
		if ((c & 0xc0) != 0x80)
			col++;
	}
	if (lb->n == lb->cap) {
		l = &lb->v[lb->start];
		free(l->text);
		lb->start = (lb->start + 1) % lb->cap;
		lb->n--;
		lb->dropped++;
	}
	l = &lb->v[(lb->start + lb->n) % lb->cap];
	l->ts = ts;
	l->flags = flags;
	l->text = strbuf_detach(&sb, NULL);
	lb->n++;
	lb->added++;
}

void logbuf_add(struct logbuf *lb, time_t ts, unsigned flags, const char *text, size_t len)
{
	size_t b = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			push_line(lb, ts, flags, text + b, i - b);
			b = i + 1;
		}
	}
	if (b < len || len == 0)
		push_line(lb, ts, flags, text + b, len - b);
}

size_t logbuf_count(const struct logbuf *lb)
{
	return lb->n;
}

const struct logline *logbuf_get(const struct logbuf *lb, size_t i)
{
	if (i >= lb->n)
		return NULL;
	return &lb->v[(lb->start + i) % lb->cap];
}

const char *logbuf_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return NULL;
	for (; *hay; hay++) {
		size_t k;

		for (k = 0; k < n && hay[k]; k++)
			if (tolower((unsigned char)hay[k]) != tolower((unsigned char)needle[k]))
				break;
		if (k == n)
			return hay;
	}
	return NULL;
}

long logbuf_find(const struct logbuf *lb, const char *needle, long from, int dir)
{
	long n = (long)lb->n;

	if (!needle || !*needle || n == 0)
		return -1;
	if (from < -1 || from > n)
		from = dir > 0 ? -1 : n;
	for (long k = 1; k <= n; k++) {
		long i = ((from + dir * k) % n + n) % n;

		if (logbuf_strcasestr(logbuf_get(lb, (size_t)i)->text, needle))
			return i;
	}
	return -1;
}
