/* logbuf.h - a bounded scrollback of lines (logs pane, shell output).
 *
 * A ring of at most cap lines; adding past cap drops the oldest, and
 * `dropped` counts them so a view can keep its position. Lines are stored
 * without their newline, with \r removed and tabs expanded to spaces (so
 * display widths are stable). Index 0 is the oldest line kept.
 * Ownership: the logbuf owns its lines; logbuf_release frees them.
 */
#ifndef KURATOR_TUI_LOGBUF_H
#define KURATOR_TUI_LOGBUF_H

#include <stddef.h>
#include <time.h>

enum {
	LOGLINE_ERR = 1 << 0,     /* stderr / failure lines */
	LOGLINE_INFO = 1 << 1,    /* kurator's own notes (job started ...) */
};

struct logline {
	time_t ts;
	unsigned flags;
	char *text;
};

struct logbuf {
	struct logline *v;
	size_t cap, start, n;
	unsigned long dropped;    /* lines dropped from the front so far */
	unsigned long added;      /* lines ever added (views detect news) */
};

void logbuf_init(struct logbuf *lb, size_t cap);
void logbuf_release(struct logbuf *lb);
void logbuf_clear(struct logbuf *lb);
/* Add text, split at newlines (a trailing newline adds no empty line). */
void logbuf_add(struct logbuf *lb, time_t ts, unsigned flags, const char *text, size_t len);
size_t logbuf_count(const struct logbuf *lb);
const struct logline *logbuf_get(const struct logbuf *lb, size_t i);   /* NULL past the end */

/* Case-insensitive (ASCII) substring search in one line: the first match
 * at or after from, or NULL. */
const char *logbuf_strcasestr(const char *hay, const char *needle);
/* Index of the next line (dir +1) or previous (dir -1) containing needle,
 * starting after/before `from` and wrapping around; -1 when none. */
long logbuf_find(const struct logbuf *lb, const char *needle, long from, int dir);

#endif
