/*
 * pool.c: fixed-size slots carved from blocks mapped on their own, handed
 * out from a free list of slots given back, else from the part of the
 * newest block never used: pages no object has reached yet cost nothing.
 * Blocks are kept until pool_free(), so a slot never moves to the heap's
 * holes and the heap's holes never sit between slots.
 *
 * Under AddressSanitizer each object is a malloc of its own, so that a
 * use after pool_put() is still caught.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "xmalloc.h"

#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS	MAP_ANON
#endif

#define POOL_BLOCK_BYTES	(256 * 1024)

struct pool_block {
	struct pool_block	*next;
	char			*base;		/* where the block starts */
};

/* A slot given back: its first bytes link the free list. */
struct pool_slot {
	struct pool_slot	*next;
};

void
pool_init(struct pool *pl, size_t size, size_t align)
{
	if (align == 0 || (align & (align - 1)) != 0 || align > 4096 ||
	    size == 0 || size > POOL_BLOCK_BYTES / 4)
		fatalx("pool_init: size %zu, align %zu", size, align);
	memset(pl, 0, sizeof *pl);
	if (align < _Alignof(struct pool_slot))
		align = _Alignof(struct pool_slot);
	if (size < sizeof(struct pool_slot))
		size = sizeof(struct pool_slot);
	pl->size = (size + align - 1) & ~(align - 1);
}

#ifdef POOL_MALLOC

void *
pool_get(struct pool *pl)
{
	void	*p;

	/* The size is a multiple of the alignment: its lowest bit will do. */
	if ((p = aligned_alloc(pl->size & -pl->size, pl->size)) == NULL)
		fatal("pool: allocating %zu bytes", pl->size);
	memset(p, 0, pl->size);
	pl->used++;
	return p;
}

void
pool_put(struct pool *pl, void *p)
{
	if (p == NULL)
		return;
	pl->used--;
	free(p);
}

void
pool_free(struct pool *pl)
{
	pl->used = 0;
}

#else

/*
 * Map a block and make its slots the fresh ones. Slots start at the
 * block's first byte (page-aligned); its header is at its end.
 */
static void
pool_grow(struct pool *pl)
{
	struct pool_block	*b;
	char			*m;

	m = mmap(NULL, POOL_BLOCK_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		fatal("pool: mapping %d bytes", POOL_BLOCK_BYTES);
	b = (struct pool_block *)(void *)(m + POOL_BLOCK_BYTES - sizeof *b);
	b->next = pl->blocks;
	b->base = m;
	pl->blocks = b;
	pl->fresh = m;
	pl->end = (char *)b;
}

void *
pool_get(struct pool *pl)
{
	struct pool_slot	*s;
	void			*p;

	if ((s = pl->free) != NULL) {
		pl->free = s->next;
		p = s;
		memset(p, 0, pl->size);
	} else {
		if (pl->fresh == NULL || (size_t)(pl->end - pl->fresh) <
		    pl->size)
			pool_grow(pl);
		/* Never used: still zero from the mapping. */
		p = pl->fresh;
		pl->fresh += pl->size;
	}
	pl->used++;
	return p;
}

void
pool_put(struct pool *pl, void *p)
{
	struct pool_slot	*s = p;

	if (p == NULL)
		return;
	if (pl->used == 0)
		fatalx("pool_put: nothing handed out");
	pl->used--;
	s->next = pl->free;
	pl->free = s;
}

void
pool_free(struct pool *pl)
{
	struct pool_block	*b;

	while ((b = pl->blocks) != NULL) {
		pl->blocks = b->next;
		if (munmap(b->base, POOL_BLOCK_BYTES) == -1)
			fatal("pool: unmapping");
	}
	pl->used = 0;
	pl->fresh = pl->end = NULL;
	pl->free = NULL;
}

#endif
