/* strbuf.h - growable byte buffers (git's strbuf invariants).
 *
 * Invariant: buf is never NULL after strbuf_init and buf[len] == '\0'.
 * The owner calls strbuf_release; strbuf_detach hands the malloc'd string
 * to the caller (who frees it) and leaves the strbuf empty.
 */
#ifndef KURATOR_STRBUF_H
#define KURATOR_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { .buf = strbuf_empty_, .len = 0, .alloc = 0 }
extern char strbuf_empty_[1];

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s percent-encoded for a URL query value (RFC 3986 unreserved kept). */
void strbuf_addurlenc(struct strbuf *sb, const char *s);
/* Read a whole file; returns 0 or -1 with errno set. */
int strbuf_read_file(struct strbuf *sb, const char *path);
void strbuf_trim(struct strbuf *sb);
/* Code points in a NUL-terminated UTF-8 string: the column width of the
 * names and values printed in text tables (none are double-width). */
size_t utf8_runes(const char *s);

#endif
