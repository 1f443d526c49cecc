/*
 * pool.h: objects of one size in blocks of their own, for what a server
 * holds thousands of at once: no allocator header per object, and no
 * short-lived allocation of anyone else stranded between them.
 */
#ifndef TSCHAT_POOL_H
#define TSCHAT_POOL_H

#include <stddef.h>

/*
 * Under AddressSanitizer each object is a malloc of its own, so that a use
 * after free is still seen.
 */
#if defined(__SANITIZE_ADDRESS__)
#define POOL_MALLOC	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_MALLOC	1
#endif
#endif

struct pool_block;

struct pool {
	size_t			 size;		/* of a slot */
	size_t			 used;		/* slots handed out */
	struct pool_block	*blocks;	/* newest first */
	char			*fresh;		/* never handed out, in blocks */
	char			*end;		/* of the newest block */
	void			*free;		/* slots given back */
};

/* An empty pool of objects of SIZE bytes aligned on ALIGN (a power of 2). */
void	 pool_init(struct pool *, size_t size, size_t align);

/* A zeroed object; aborts when memory runs out. */
void	*pool_get(struct pool *);

/* Give P back to the pool it came from. */
void	 pool_put(struct pool *, void *p);

/* Release every block (at exit); every object goes with them. */
void	 pool_free(struct pool *);

#endif
