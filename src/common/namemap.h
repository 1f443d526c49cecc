/*
 * namemap.h: a hash table from names (nicks, room names like "#dev") to
 * the structs that embed an entry. A name is bytes, compared ignoring the
 * case of ASCII letters only: "#Dev" is "#dev", but "É" is not "é".
 */
#ifndef TSCHAT_NAMEMAP_H
#define TSCHAT_NAMEMAP_H

#include <stddef.h>

#include "hmap.h"

/*
 * NAME is not copied: its LEN bytes belong to the struct that embeds the
 * entry and must not change while it is in a map (to rename: remove, set,
 * insert).
 */
struct namemap_entry {
	struct hmap_entry	 hmap;
	const char		*name;
	size_t			 len;
};

struct namemap {
	struct hmap		 map;
};

void	namemap_init(struct namemap *);
/* Free the table, not the entries; it is empty and usable again. */
void	namemap_free(struct namemap *);
size_t	namemap_count(const struct namemap *);

/* The entry named NAME (LEN bytes), ASCII case ignored, or NULL. */
struct namemap_entry *namemap_find(const struct namemap *, const char *name,
	    size_t len);
/*
 * Insert E, whose name and len are set, unless its name is taken: then
 * return the entry that holds it and insert nothing. NULL when E went in.
 */
struct namemap_entry *namemap_insert(struct namemap *,
	    struct namemap_entry *e);
/* Remove E, which must be in the map. */
void	namemap_remove(struct namemap *, struct namemap_entry *e);

/* Call FN for each entry; FN may remove the entry it is given. */
void	namemap_each(struct namemap *,
	    void (*fn)(struct namemap_entry *, void *), void *arg);

/* Whether two names are one, as the map sees them. */
int	namemap_equal(const char *a, size_t alen, const char *b, size_t blen);

#endif
