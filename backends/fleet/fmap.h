/* fmap.h - string-keyed hash map (open addressing, linear probing).
 *
 * The fleet keeps one map per cluster per kind, keyed "namespace/name", so
 * every watch event is O(1) however many objects a cluster has. Keys are
 * copied; values are the caller's (fmap_release takes a free function).
 */
#ifndef KURATOR_FLEET_FMAP_H
#define KURATOR_FLEET_FMAP_H

#include <stddef.h>

struct fmap_slot {
	char *key;          /* NULL: empty; FMAP_TOMB: deleted */
	void *val;
	unsigned hash;
};

struct fmap {
	struct fmap_slot *slots;
	size_t cap;          /* power of two or 0 */
	size_t n;            /* live entries */
	size_t used;         /* live + tombstones */
};

extern char fmap_tomb_[1];
#define FMAP_TOMB fmap_tomb_

void fmap_init(struct fmap *m);
/* Frees keys; calls free_val (may be NULL) on each value. */
void fmap_release(struct fmap *m, void (*free_val)(void *));
void *fmap_get(const struct fmap *m, const char *key);
/* Insert or replace; returns the previous value (or NULL). */
void *fmap_put(struct fmap *m, const char *key, void *val);
/* Remove; returns the value (or NULL). */
void *fmap_del(struct fmap *m, const char *key);
size_t fmap_count(const struct fmap *m);
/* Iterate: start with *i = 0; returns 0 at the end. */
int fmap_next(const struct fmap *m, size_t *i, const char **key, void **val);

#endif
