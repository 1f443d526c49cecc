/*
 * backlog.c: room histories. Each room keeps its lines in a ring of slots
 * whose buffers are reused as the ring wraps; the rooms that hold lines
 * are listed by their last add, so that memory pressure takes the oldest
 * line of the least recently active room in O(1), and a room is found by
 * its name in a namemap.
 */
#include "common.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backlog.h"
#include "log.h"
#include "namemap.h"
#include "xmalloc.h"

/*
 * A slot's buffer is sized in steps of LINE_ROUND bytes. When the ring
 * wraps, the oldest slot's buffer takes the new line as it is, unless the
 * line needs more (the buffer is grown to fit) or the buffer is over
 * LINE_KEEP bytes and more than LINE_SHRINK times what the line needs
 * (it is shrunk to fit). So lines of the usual lengths allocate nothing
 * once the ring is full, and a long line gives its memory back when the
 * ring has come round to its slot again. A line dropped under memory
 * pressure frees its buffer: what is counted is what is held.
 */
#define LINE_ROUND	64
#define LINE_KEEP	512
#define LINE_SHRINK	4
/* A ring starts with this many slots and doubles up to LINES. */
#define RING_FIRST	8
/* What a malloc'd block costs beyond its size: glibc's header, aligned. */
#define MALLOC_OVERHEAD	16

struct slot {
	char	*buf;		/* NULL when the slot holds no line */
	size_t	 len;
	size_t	 cap;
};

struct backlog_room {
	struct namemap_entry	 entry;		/* named by name[] */
	/* Where it is in the activity list, while it holds lines. */
	struct backlog_room	*older;
	struct backlog_room	*newer;
	struct slot		*ring;		/* NULL while it holds none */
	unsigned int		 nslots;
	unsigned int		 first;		/* the oldest line's slot */
	unsigned int		 count;
	unsigned int		 pins;
	char			 name[];
};

struct backlog {
	unsigned int		 lines;
	size_t			 max_bytes;
	size_t			 bytes;
	struct namemap		 rooms;
	/* The rooms holding lines, the least recently added to first. */
	struct backlog_room	*oldest;
	struct backlog_room	*newest;
};

static size_t
buf_size(size_t len)
{
	return len == 0 ? LINE_ROUND :
	    (len + LINE_ROUND - 1) / LINE_ROUND * LINE_ROUND;
}

static size_t
line_cost(size_t cap)
{
	return cap + MALLOC_OVERHEAD;
}

/* What R costs with a ring of NSLOTS, while it holds lines. */
static size_t
room_cost(const struct backlog_room *r, unsigned int nslots)
{
	return sizeof *r + r->entry.len + MALLOC_OVERHEAD +
	    nslots * sizeof(struct slot) + MALLOC_OVERHEAD +
	    2 * sizeof(struct hmap_entry *);
}

static void
list_unlink(struct backlog *b, struct backlog_room *r)
{
	if (r->older != NULL)
		r->older->newer = r->newer;
	else
		b->oldest = r->newer;
	if (r->newer != NULL)
		r->newer->older = r->older;
	else
		b->newest = r->older;
	r->older = r->newer = NULL;
}

static void
list_append(struct backlog *b, struct backlog_room *r)
{
	r->older = b->newest;
	r->newer = NULL;
	if (b->newest != NULL)
		b->newest->newer = r;
	else
		b->oldest = r;
	b->newest = r;
}

static void
room_free(struct backlog *b, struct backlog_room *r)
{
	unsigned int	i;

	namemap_remove(&b->rooms, &r->entry);
	for (i = 0; i < r->nslots; i++)
		free(r->ring[i].buf);
	free(r->ring);
	free(r);
}

/* R holds no line any more: off the list, its ring freed, maybe itself. */
static void
room_empty(struct backlog *b, struct backlog_room *r)
{
	list_unlink(b, r);
	b->bytes -= room_cost(r, r->nslots);
	free(r->ring);
	r->ring = NULL;
	r->nslots = r->first = 0;
	if (r->pins == 0)
		room_free(b, r);
}

static void
drop_oldest(struct backlog *b, struct backlog_room *r)
{
	struct slot	*s;

	if (r->count == 0 || r->nslots == 0)
		return;
	s = &r->ring[r->first];

	b->bytes -= line_cost(s->cap);
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	r->first = (r->first + 1) % r->nslots;
	if (--r->count == 0)
		room_empty(b, r);
}

void
backlog_clear(struct backlog *b, struct backlog_room *r)
{
	while (r != NULL && r->count > 0)
		drop_oldest(b, r);
}

/* The ring R needs for one more line. */
static unsigned int
ring_wanted(const struct backlog *b, const struct backlog_room *r)
{
	if (r->nslots == 0)
		return MINIMUM(b->lines, RING_FIRST);
	if (r->count < r->nslots || r->nslots == b->lines)
		return r->nslots;
	return r->nslots > b->lines / 2 ? b->lines : r->nslots * 2;
}

/* Give R a ring of N slots, its lines first in it, oldest first. */
static void
ring_resize(struct backlog_room *r, unsigned int n)
{
	struct slot	*ring;
	unsigned int	 i;

	ring = xcalloc(n, sizeof *ring);
	for (i = 0; i < r->count; i++)
		ring[i] = r->ring[(r->first + i) % r->nslots];
	free(r->ring);
	r->ring = ring;
	r->nslots = n;
	r->first = 0;
}

/* Make S's buffer right for a line of NEED bytes (see LINE_KEEP). */
static void
slot_fit(struct backlog *b, struct slot *s, size_t need)
{
	if (s->buf != NULL && need <= s->cap &&
	    (s->cap <= LINE_KEEP || s->cap <= LINE_SHRINK * need))
		return;
	if (s->buf != NULL) {
		b->bytes -= line_cost(s->cap);
		free(s->buf);
	}
	s->buf = xmalloc(need);
	s->cap = need;
	b->bytes += line_cost(need);
}

struct backlog *
backlog_create(unsigned int lines, size_t max_bytes)
{
	struct backlog	*b = xcalloc(1, sizeof *b);

	b->lines = lines;
	b->max_bytes = max_bytes;
	namemap_init(&b->rooms);
	return b;
}

static void
free_cb(struct namemap_entry *e, void *arg)
{
	room_free(arg, container_of(e, struct backlog_room, entry));
}

void
backlog_free(struct backlog *b)
{
	if (b == NULL)
		return;
	namemap_each(&b->rooms, free_cb, b);
	namemap_free(&b->rooms);
	free(b);
}

struct backlog_room *
backlog_pin(struct backlog *b, const char *name, size_t len)
{
	struct namemap_entry	*e;
	struct backlog_room	*r;

	if (b->lines == 0)
		return NULL;
	if ((e = namemap_find(&b->rooms, name, len)) != NULL)
		r = container_of(e, struct backlog_room, entry);
	else {
		r = xmalloc(sizeof *r + len);
		memset(r, 0, sizeof *r);
		if (len > 0)
			memcpy(r->name, name, len);
		r->entry.name = r->name;
		r->entry.len = len;
		namemap_insert(&b->rooms, &r->entry);
	}
	if (r->pins == UINT_MAX)
		fatalx("%s: too many pins", __func__);
	r->pins++;
	return r;
}

void
backlog_unpin(struct backlog *b, struct backlog_room *r)
{
	if (r == NULL)
		return;
	if (r->pins == 0)
		fatalx("%s: the history is not pinned", __func__);
	if (--r->pins == 0 && r->count == 0)
		room_free(b, r);
}

void
backlog_add(struct backlog *b, struct backlog_room *r, const char *line,
    size_t len)
{
	struct slot	*s;
	unsigned int	 n;
	size_t		 need;

	if (r == NULL)
		return;
	if (r->pins == 0)
		fatalx("%s: the history is not pinned", __func__);
	if (len > b->max_bytes || len > SIZE_MAX / 2)
		return;
	need = buf_size(len);
	n = ring_wanted(b, r);
	/* A ring that may not grow within the bound wraps at its size. */
	if (n > r->nslots && r->nslots > 0 &&
	    line_cost(need) + room_cost(r, n) > b->max_bytes)
		n = r->nslots;
	if (line_cost(need) + room_cost(r, n) > b->max_bytes)
		return;

	if (r->count == 0) {
		b->bytes += room_cost(r, n);
		list_append(b, r);
	} else {
		b->bytes += (size_t)(n - r->nslots) * sizeof(struct slot);
		list_unlink(b, r);
		list_append(b, r);
	}
	if (n != r->nslots)
		ring_resize(r, n);
	if (r->nslots == 0)
		return;
	if (r->count == r->nslots) {
		s = &r->ring[r->first];
		r->first = (r->first + 1) % r->nslots;
	} else
		s = &r->ring[(r->first + r->count++) % r->nslots];
	slot_fit(b, s, need);
	if (len > 0)
		memcpy(s->buf, line, len);
	s->len = len;

	while (b->bytes > b->max_bytes) {
		if (b->oldest == NULL)
			fatalx("%s: %zu bytes counted, no line held", __func__,
			    b->bytes);
		drop_oldest(b, b->oldest);
	}
}

void
backlog_each(const struct backlog_room *r,
    void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
	const struct slot	*s;
	unsigned int		 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->count; i++) {
		s = &r->ring[(r->first + i) % r->nslots];
		fn(s->buf, s->len, arg);
	}
}

unsigned int
backlog_lines(const struct backlog_room *r)
{
	return r == NULL ? 0 : r->count;
}

size_t
backlog_bytes(const struct backlog *b)
{
	return b->bytes;
}

size_t
backlog_rooms(const struct backlog *b)
{
	return namemap_count(&b->rooms);
}
