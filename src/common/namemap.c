/*
 * namemap.c: names in an hmap. The hash is SipHash of the name with its
 * ASCII letters lowered, folded here byte by byte: tolower() and
 * strncasecmp() follow the locale, and in a Latin-1 one they would make
 * bytes of UTF-8 names equal.
 */
#include "common.h"

#include <stdint.h>

#include "namemap.h"

/*
 * Names are folded into a buffer this size a piece at a time; each
 * piece's hash begins the next piece, so a name of any length hashes
 * under the key as a whole. Nicks and room names fit in one piece.
 */
#define NAME_PIECE	248

struct each_arg {
	void	(*fn)(struct namemap_entry *, void *);
	void	 *arg;
};

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static struct namemap_entry *
entry_of(struct hmap_entry *e)
{
	return container_of(e, struct namemap_entry, hmap);
}

static uint64_t
hash_of(const struct namemap *m, const char *name, size_t len)
{
	const unsigned char	*p = (const unsigned char *)name;
	uint8_t			 buf[8 + NAME_PIECE];
	uint64_t		 h = len;
	size_t			 off = 0, n, i;

	do {
		n = MINIMUM(len - off, NAME_PIECE);
		for (i = 0; i < 8; i++)
			buf[i] = (uint8_t)(h >> (8 * i));
		for (i = 0; i < n; i++)
			buf[8 + i] = fold(p[off + i]);
		h = hmap_hash(&m->map, buf, 8 + n);
		off += n;
	} while (off < len);
	return h;
}

int
namemap_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	const unsigned char	*pa = (const unsigned char *)a;
	const unsigned char	*pb = (const unsigned char *)b;
	size_t			 i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++) {
		if (fold(pa[i]) != fold(pb[i]))
			return 0;
	}
	return 1;
}

void
namemap_init(struct namemap *m)
{
	hmap_init(&m->map);
}

void
namemap_free(struct namemap *m)
{
	hmap_free(&m->map);
}

size_t
namemap_count(const struct namemap *m)
{
	return m->map.count;
}

static struct namemap_entry *
find(const struct namemap *m, const char *name, size_t len, uint64_t h)
{
	struct hmap_entry	*e;

	for (e = hmap_first(&m->map, h); e != NULL; e = hmap_next(e, h)) {
		if (namemap_equal(entry_of(e)->name, entry_of(e)->len, name,
		    len))
			return entry_of(e);
	}
	return NULL;
}

struct namemap_entry *
namemap_find(const struct namemap *m, const char *name, size_t len)
{
	if (m->map.count == 0)
		return NULL;
	return find(m, name, len, hash_of(m, name, len));
}

struct namemap_entry *
namemap_insert(struct namemap *m, struct namemap_entry *e)
{
	struct namemap_entry	*old;
	uint64_t		 h = hash_of(m, e->name, e->len);

	if ((old = find(m, e->name, e->len, h)) != NULL)
		return old;
	hmap_insert(&m->map, &e->hmap, h);
	return NULL;
}

void
namemap_remove(struct namemap *m, struct namemap_entry *e)
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
namemap_each(struct namemap *m, void (*fn)(struct namemap_entry *, void *),
    void *arg)
{
	struct each_arg	ea = { fn, arg };

	hmap_each(&m->map, each_cb, &ea);
}
