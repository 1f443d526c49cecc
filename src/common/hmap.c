/*
 * hmap.c: the intrusive hash table: chains in a power of two of slots,
 * doubled when the table holds as many entries as slots. Each entry keeps
 * its hash, so growing hashes nothing again and a lookup compares keys
 * only where the whole hash matches. The table never shrinks: its slots
 * cost a pointer each, for the most entries it ever held.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "hmap.h"
#include "log.h"
#include "xmalloc.h"

#define HMAP_MIN_SLOTS	64

void
hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof *m);
	/* Without random bytes the table still works, only guessably. */
	if (cookie_key_init(m->key) == -1)
		memset(m->key, 0x5a, sizeof m->key);
}

void
hmap_free(struct hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->count = 0;
}

uint64_t
hmap_hash(const struct hmap *m, const void *data, size_t len)
{
	return siphash24(m->key, data, len);
}

struct hmap_entry *
hmap_first(const struct hmap *m, uint64_t hash)
{
	struct hmap_entry	*e;

	if (m->count == 0)
		return NULL;
	for (e = m->slots[hash & (m->nslots - 1)]; e != NULL; e = e->next) {
		if (e->hash == hash)
			return e;
	}
	return NULL;
}

struct hmap_entry *
hmap_next(const struct hmap_entry *prev, uint64_t hash)
{
	struct hmap_entry	*e;

	for (e = prev->next; e != NULL; e = e->next) {
		if (e->hash == hash)
			return e;
	}
	return NULL;
}

static void
grow(struct hmap *m)
{
	struct hmap_entry	**slots, *e, *next;
	size_t			  n, i, s;

	n = m->nslots == 0 ? HMAP_MIN_SLOTS : m->nslots * 2;
	slots = xcalloc(n, sizeof *slots);
	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			s = e->hash & (n - 1);
			e->next = slots[s];
			slots[s] = e;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
}

void
hmap_insert(struct hmap *m, struct hmap_entry *e, uint64_t hash)
{
	size_t	s;

	if (m->count >= m->nslots)
		grow(m);
	e->hash = hash;
	s = hash & (m->nslots - 1);
	e->next = m->slots[s];
	m->slots[s] = e;
	m->count++;
}

void
hmap_remove(struct hmap *m, struct hmap_entry *e)
{
	struct hmap_entry	**pp;

	if (m->count == 0)
		fatalx("%s: the table is empty", __func__);
	for (pp = &m->slots[e->hash & (m->nslots - 1)]; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			e->next = NULL;
			m->count--;
			return;
		}
	}
	fatalx("%s: the entry is not in the table", __func__);
}

void
hmap_each(struct hmap *m, void (*fn)(struct hmap_entry *, void *), void *arg)
{
	struct hmap_entry	*e, *next;
	size_t			 i;

	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			fn(e, arg);
		}
	}
}
