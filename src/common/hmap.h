/*
 * hmap.h: an intrusive hash table: the structs it holds embed an entry
 * that keeps their hash, and the table knows nothing of their keys. Hashes
 * are made with the table's own random key (SipHash), so that no peer can
 * choose keys that collide. addrmap and namemap are built on it.
 */
#ifndef TSCHAT_HMAP_H
#define TSCHAT_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_entry {
	struct hmap_entry	*next;
	uint64_t		 hash;
};

/*
 * The table's fields: SLOTS chains in NSLOTS (0, or a power of two), COUNT
 * entries, the hash KEY. A macro so that a table built on hmap may also
 * show them as its own (addrmap does: its users read count and nslots).
 */
#define HMAP_FIELDS							\
	struct hmap_entry	**slots;				\
	size_t			  nslots;				\
	size_t			  count;				\
	uint8_t			  key[16];

struct hmap {
	HMAP_FIELDS
};

/* An empty table with a fresh key; it allocates on its first insert. */
void	hmap_init(struct hmap *);
/* Free the slots, not the entries; the table is empty and usable again. */
void	hmap_free(struct hmap *);

/* The hash of LEN bytes of DATA under the table's key. */
uint64_t hmap_hash(const struct hmap *, const void *data, size_t len);

/*
 * The first entry whose hash is HASH, then the next after E; NULL at the
 * end. The caller compares keys:
 *	for (e = hmap_first(m, h); e != NULL; e = hmap_next(e, h))
 */
struct hmap_entry *hmap_first(const struct hmap *, uint64_t hash);
struct hmap_entry *hmap_next(const struct hmap_entry *e, uint64_t hash);

/* Insert E, not in any table, with HASH. */
void	hmap_insert(struct hmap *, struct hmap_entry *e, uint64_t hash);
/* Remove E, which must be in the table. */
void	hmap_remove(struct hmap *, struct hmap_entry *e);

/*
 * Call FN for each entry, in no order. FN may remove the entry it is
 * given (and free it), but no other, and may insert none.
 */
void	hmap_each(struct hmap *, void (*fn)(struct hmap_entry *, void *),
	    void *arg);

#endif
