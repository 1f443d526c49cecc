/*
 * outq.c: shared output chunks and per-peer queues of slices of them.
 * Messages are packed one after another into the current chunk; a chunk is
 * freed (or kept for reuse) when the last slice of it has been written.
 * With a few chunks in the pool, sending costs no allocation at all.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "log.h"
#include "outq.h"
#include "xmalloc.h"

struct chunk {
	uint32_t	 refs;
	uint32_t	 len;		/* bytes used */
	uint32_t	 cap;
	struct chunk	*next;		/* in the pool */
	char		 data[];
};

static struct chunk	*writer;	/* the chunk messages go into */
static size_t		 writer_reserved;
static struct chunk	*pool;
static unsigned int	 pool_count;
static unsigned int	 begun;		/* chunks begun since outq_idle() */

static struct chunk *
chunk_new(size_t cap)
{
	struct chunk	*c;

	begun++;
	if (cap <= OUTQ_CHUNK_BYTES && pool != NULL) {
		c = pool;
		pool = c->next;
		pool_count--;
	} else {
		if (cap < OUTQ_CHUNK_BYTES)
			cap = OUTQ_CHUNK_BYTES;
		if (cap > UINT32_MAX - sizeof *c)
			fatalx("chunk_new: %zu bytes", cap);
		c = xmalloc(sizeof *c + cap);
		c->cap = cap;
	}
	c->refs = 1;
	c->len = 0;
	c->next = NULL;
	return c;
}

static void
chunk_unref(struct chunk *c)
{
	if (c->refs == 0)
		fatalx("chunk_unref: no reference");
	if (--c->refs > 0)
		return;
	if (c->cap == OUTQ_CHUNK_BYTES && pool_count < OUTQ_POOL_CHUNKS) {
		c->next = pool;
		pool = c;
		pool_count++;
	} else
		free(c);
}

char *
outq_msg_begin(size_t max)
{
	if (writer == NULL || writer->cap - writer->len < max) {
		if (writer != NULL)
			chunk_unref(writer);
		writer = chunk_new(max);
	}
	writer_reserved = max;
	return writer->data + writer->len;
}

void
outq_msg_end(size_t used, struct slice *s)
{
	if (used > writer_reserved)
		fatalx("outq_msg_end: %zu bytes used of %zu", used,
		    writer_reserved);
	s->chunk = writer;
	s->off = writer->len;
	s->len = used;
	writer->len += used;
	writer_reserved = 0;
}

const char *
slice_data(const struct slice *s)
{
	return s->chunk->data + s->off;
}

void
slice_hold(const struct slice *s)
{
	s->chunk->refs++;
}

void
slice_release(struct slice *s)
{
	if (s->chunk != NULL)
		chunk_unref(s->chunk);
	s->chunk = NULL;
	s->off = s->len = 0;
}

int
slice_extend(struct slice *a, const struct slice *b)
{
	if (a->chunk != b->chunk || a->off + a->len != b->off ||
	    b->len > UINT32_MAX - a->len)
		return 0;
	a->len += b->len;
	return 1;
}

void
outq_push(struct outq *q, const struct slice *s)
{
	struct slice	*tail;
	uint32_t	 i, n;

	if (s->len == 0)
		return;
	if (q->count > 0) {
		tail = &q->ring[(q->head + q->count - 1) % q->size];
		/* Messages made one after another stay one slice. */
		if (slice_extend(tail, s)) {
			q->bytes += s->len;
			return;
		}
	}
	if (q->count == q->size) {
		n = q->size == 0 ? 4 : q->size * 2;
		q->ring = xreallocarray(q->ring, n, sizeof *q->ring);
		/* Unwrap: move the slices before head to after the old end. */
		for (i = 0; i < q->head; i++)
			q->ring[q->size + i] = q->ring[i];
		q->size = n;
	}
	q->ring[(q->head + q->count) % q->size] = *s;
	q->count++;
	q->bytes += s->len;
	s->chunk->refs++;
}

void
outq_append(struct outq *q, const void *data, size_t len)
{
	struct slice	s;

	if (len == 0)
		return;
	memcpy(outq_msg_begin(len), data, len);
	outq_msg_end(len, &s);
	outq_push(q, &s);
}

int
outq_iov(const struct outq *q, struct iovec *iov, int max, size_t limit)
{
	const struct slice	*s;
	uint32_t		 i, skip;
	size_t			 n;
	int			 k = 0;

	for (i = 0; i < q->count && k < max && limit > 0; i++) {
		s = &q->ring[(q->head + i) % q->size];
		skip = i == 0 ? q->head_done : 0;
		n = MINIMUM(s->len - skip, limit);
		iov[k].iov_base = s->chunk->data + s->off + skip;
		iov[k].iov_len = n;
		limit -= n;
		k++;
	}
	return k;
}

/* Drop the first slice. */
static void
outq_pop(struct outq *q)
{
	struct slice	*s = &q->ring[q->head];

	chunk_unref(s->chunk);
	q->head = (q->head + 1) % q->size;
	q->count--;
	q->head_done = 0;
	/* Emptied, the ring stays for the next push: outq_shrink(). */
	if (q->count == 0)
		q->head = 0;
}

size_t
outq_shrink(struct outq *q)
{
	size_t	freed;

	if (q->count > 0 || q->ring == NULL)
		return 0;
	freed = q->size * sizeof *q->ring;
	free(q->ring);
	q->ring = NULL;
	q->head = q->size = 0;
	return freed;
}

void
outq_consume(struct outq *q, size_t n)
{
	struct slice	*s;
	size_t		 left;

	if (n > q->bytes)
		fatalx("outq_consume: %zu of %zu bytes", n, q->bytes);
	q->bytes -= n;
	while (n > 0) {
		if (q->count == 0)
			fatalx("outq_consume: %zu bytes past the slices", n);
		s = &q->ring[q->head];
		left = s->len - q->head_done;
		if (n < left) {
			q->head_done += n;
			return;
		}
		n -= left;
		outq_pop(q);
	}
}

void
outq_clear(struct outq *q)
{
	while (q->count > 0)
		outq_pop(q);
	q->bytes = 0;
	(void)outq_shrink(q);
}

size_t
outq_idle(void)
{
	struct chunk	*c;
	size_t		 freed = 0;

	if (begun > 0) {
		begun = 0;
		return 0;
	}
	while ((c = pool) != NULL) {
		pool = c->next;
		freed += sizeof *c + c->cap;
		free(c);
	}
	pool_count = 0;
	return freed;
}

void
outq_shutdown(void)
{
	struct chunk	*c;

	if (writer != NULL) {
		chunk_unref(writer);
		writer = NULL;
	}
	while ((c = pool) != NULL) {
		pool = c->next;
		free(c);
	}
	pool_count = 0;
}
