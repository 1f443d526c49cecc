/*
 * addrmap.c: addresses in an hmap: the hash is SipHash of the family, the
 * port when ports tell apart, and the address's own bytes only.
 */
#include "common.h"

#include <string.h>

#include "addrmap.h"

struct each_arg {
	void	(*fn)(struct addrmap_entry *, void *);
	void	 *arg;
};

static struct addrmap_entry *
entry_of(struct hmap_entry *e)
{
	return container_of(e, struct addrmap_entry, hmap);
}

static uint64_t
hash_of(const struct addrmap *m, const struct addr *a)
{
	uint8_t	buf[1 + 2 + 16];

	memset(buf, 0, sizeof buf);
	buf[0] = a->family;
	if (m->with_port) {
		buf[1] = a->port >> 8;
		buf[2] = a->port & 0xff;
	}
	memcpy(buf + 3, a->bytes, a->family == AF_INET ? 4 : 16);
	return hmap_hash(&m->map, buf, sizeof buf);
}

void
addrmap_init(struct addrmap *m, int with_port)
{
	hmap_init(&m->map);
	m->with_port = with_port;
}

void
addrmap_free(struct addrmap *m)
{
	hmap_free(&m->map);
}

struct addrmap_entry *
addrmap_find(const struct addrmap *m, const struct addr *a)
{
	struct hmap_entry	*e;
	uint64_t		 h;

	if (m->map.count == 0)
		return NULL;
	h = hash_of(m, a);
	for (e = hmap_first(&m->map, h); e != NULL; e = hmap_next(e, h)) {
		if (addr_equal(&entry_of(e)->addr, a, m->with_port))
			return entry_of(e);
	}
	return NULL;
}

void
addrmap_insert(struct addrmap *m, struct addrmap_entry *e)
{
	hmap_insert(&m->map, &e->hmap, hash_of(m, &e->addr));
}

void
addrmap_remove(struct addrmap *m, struct addrmap_entry *e)
{
	hmap_remove(&m->map, &e->hmap);
}

static void
each_cb(struct hmap_entry *e, void *arg)
{
	struct each_arg	*ea = arg;

	ea->fn(entry_of(e), ea->arg);
}

void
addrmap_each(struct addrmap *m, void (*fn)(struct addrmap_entry *, void *),
    void *arg)
{
	struct each_arg	ea = { fn, arg };

	hmap_each(&m->map, each_cb, &ea);
}
