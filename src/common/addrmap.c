/*
 * addrmap.c: chained hashing with SipHash over the address bytes, doubling
 * when the load passes one entry a slot.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "addrmap.h"
#include "cookie.h"
#include "xmalloc.h"

#define ADDRMAP_MIN_SLOTS	64

static size_t
slot_of(const struct addrmap *m, const struct addr *a, size_t nslots)
{
	uint8_t	buf[1 + 2 + 16];

	memset(buf, 0, sizeof buf);
	buf[0] = a->family;
	if (m->with_port) {
		buf[1] = a->port >> 8;
		buf[2] = a->port & 0xff;
	}
	memcpy(buf + 3, a->bytes, a->family == AF_INET ? 4 : 16);
	return siphash24(m->key, buf, sizeof buf) & (nslots - 1);
}

void
addrmap_init(struct addrmap *m, int with_port)
{
	memset(m, 0, sizeof *m);
	m->with_port = with_port;
	if (cookie_key_init(m->key) == -1)
		memset(m->key, 0x5a, sizeof m->key);
}

void
addrmap_free(struct addrmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->count = 0;
}

struct addrmap_entry *
addrmap_find(const struct addrmap *m, const struct addr *a)
{
	struct addrmap_entry	*e;

	if (m->count == 0)
		return NULL;
	for (e = m->slots[slot_of(m, a, m->nslots)]; e != NULL; e = e->next) {
		if (addr_equal(&e->addr, a, m->with_port))
			return e;
	}
	return NULL;
}

static void
grow(struct addrmap *m)
{
	struct addrmap_entry	**slots, *e, *next;
	size_t			  n, i, s;

	n = m->nslots == 0 ? ADDRMAP_MIN_SLOTS : m->nslots * 2;
	slots = xcalloc(n, sizeof *slots);
	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			s = slot_of(m, &e->addr, n);
			e->next = slots[s];
			slots[s] = e;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
}

void
addrmap_insert(struct addrmap *m, struct addrmap_entry *e)
{
	size_t	s;

	if (m->count >= m->nslots)
		grow(m);
	s = slot_of(m, &e->addr, m->nslots);
	e->next = m->slots[s];
	m->slots[s] = e;
	m->count++;
}

void
addrmap_remove(struct addrmap *m, struct addrmap_entry *e)
{
	struct addrmap_entry	**pp;

	for (pp = &m->slots[slot_of(m, &e->addr, m->nslots)]; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			m->count--;
			return;
		}
	}
}

void
addrmap_each(struct addrmap *m, void (*fn)(struct addrmap_entry *, void *),
    void *arg)
{
	struct addrmap_entry	*e, *next;
	size_t			 i;

	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			fn(e, arg);
		}
	}
}
