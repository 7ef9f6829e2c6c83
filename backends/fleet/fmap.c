/* fmap.c - string hash map; see fmap.h. FNV-1a hashing. */
#include <string.h>

#include "backends/fleet/fmap.h"
#include "lib/xalloc.h"

char fmap_tomb_[1];

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void fmap_init(struct fmap *m)
{
	memset(m, 0, sizeof(*m));
}

void fmap_release(struct fmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		struct fmap_slot *s = &m->slots[i];

		if (s->key && s->key != FMAP_TOMB) {
			free(s->key);
			if (free_val)
				free_val(s->val);
		}
	}
	free(m->slots);
	fmap_init(m);
}

static struct fmap_slot *find(const struct fmap *m, const char *key, unsigned h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct fmap_slot *s = &m->slots[i];

		if (!s->key)
			return NULL;
		if (s->key != FMAP_TOMB && s->hash == h && !strcmp(s->key, key))
			return s;
	}
}

static void grow(struct fmap *m)
{
	struct fmap old = *m;
	size_t cap = m->cap ? m->cap : 16;

	/* Rehash at 70 % (tombstones included); double only if live entries need it. */
	while (m->n * 2 >= cap)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->n = m->used = 0;
	for (size_t i = 0; i < old.cap; i++) {
		struct fmap_slot *s = &old.slots[i];

		if (s->key && s->key != FMAP_TOMB) {
			size_t j = s->hash & (cap - 1);

			while (m->slots[j].key)
				j = (j + 1) & (cap - 1);
			m->slots[j] = *s;
			m->n++;
			m->used++;
		}
	}
	free(old.slots);
}

void *fmap_get(const struct fmap *m, const char *key)
{
	struct fmap_slot *s = find(m, key, hash_str(key));

	return s ? s->val : NULL;
}

void *fmap_put(struct fmap *m, const char *key, void *val)
{
	unsigned h = hash_str(key);
	struct fmap_slot *s = find(m, key, h);
	void *prev;
	size_t i;

	if (s) {
		prev = s->val;
		s->val = val;
		return prev;
	}
	if ((m->used + 1) * 10 >= m->cap * 7)
		grow(m);
	for (i = h & (m->cap - 1); m->slots[i].key && m->slots[i].key != FMAP_TOMB;
	     i = (i + 1) & (m->cap - 1))
		;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = xstrdup(key);
	m->slots[i].val = val;
	m->slots[i].hash = h;
	m->n++;
	return NULL;
}

void *fmap_del(struct fmap *m, const char *key)
{
	struct fmap_slot *s = find(m, key, hash_str(key));
	void *val;

	if (!s)
		return NULL;
	val = s->val;
	free(s->key);
	s->key = FMAP_TOMB;
	s->val = NULL;
	m->n--;
	return val;
}

size_t fmap_count(const struct fmap *m)
{
	return m->n;
}

int fmap_next(const struct fmap *m, size_t *i, const char **key, void **val)
{
	for (; *i < m->cap; (*i)++) {
		struct fmap_slot *s = &m->slots[*i];

		if (s->key && s->key != FMAP_TOMB) {
			*key = s->key;
			*val = s->val;
			(*i)++;
			return 1;
		}
	}
	return 0;
}
