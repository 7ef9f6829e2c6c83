/* xalloc.h - allocation that never returns NULL.
 *
 * Running out of memory is not a user error we can report with context;
 * like git's xmalloc we print one line and exit. Everything else returns
 * errors through struct kerr.
 */
#ifndef KURATOR_XALLOC_H
#define KURATOR_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);           /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Zero a secret before freeing it (tokens, keys, passwords). NULL-safe. */
void free_secret(char *s);

/* Free a NULL-terminated vector of heap strings and the vector. NULL-safe. */
void free_strv(char **v);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
