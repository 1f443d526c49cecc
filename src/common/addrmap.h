/*
 * addrmap.h: a hash table from addresses to the structs that embed an
 * entry: UDP members, UDP rate buckets, connection counts per host. An
 * hmap underneath, so keys are hashed with a random key and no peer can
 * choose colliding addresses.
 */
#ifndef TSCHAT_ADDRMAP_H
#define TSCHAT_ADDRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "hmap.h"

struct addrmap_entry {
	struct hmap_entry	 hmap;
	struct addr		 addr;
};

struct addrmap {
	union {
		struct hmap	 map;
		struct {	/* the same fields: m->count, m->nslots */
			HMAP_FIELDS
		};
	};
	int			 with_port;	/* whether ports tell apart */
};

void	addrmap_init(struct addrmap *, int with_port);
void	addrmap_free(struct addrmap *);

struct addrmap_entry *addrmap_find(const struct addrmap *,
	    const struct addr *);
/* Insert E, whose addr is set and not yet in the map. */
void	addrmap_insert(struct addrmap *, struct addrmap_entry *e);
/* Remove E, which must be in the map. */
void	addrmap_remove(struct addrmap *, struct addrmap_entry *e);

/* Call FN for each entry; FN may remove the entry it is given. */
void	addrmap_each(struct addrmap *,
	    void (*fn)(struct addrmap_entry *, void *), void *arg);

#endif
