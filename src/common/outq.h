/*
 * outq.h: output queues. Messages are written once into shared,
 * reference-counted chunks; a peer's queue holds slices of them, so a
 * message for a thousand peers is one copy, and a queue is written with
 * one writev.
 */
#ifndef TSCHAT_OUTQ_H
#define TSCHAT_OUTQ_H

#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

struct chunk;

/* Part of a chunk: a message, or messages written one after another. */
struct slice {
	struct chunk	*chunk;
	uint32_t	 off;
	uint32_t	 len;
};

/* A queue of slices in a ring allocated only while it is not empty. */
struct outq {
	struct slice	*ring;
	uint32_t	 head;		/* index of the first slice */
	uint32_t	 count;
	uint32_t	 size;		/* slots in ring */
	uint32_t	 head_done;	/* bytes of the first slice written */
	size_t		 bytes;		/* bytes not yet written */
};

/*
 * Reserve room for a message of at most MAX bytes and return where to
 * write it; then outq_msg_end() with the bytes used fills S. One message is
 * made at a time. S is valid until the next outq_msg_begin().
 */
char	*outq_msg_begin(size_t max);
void	 outq_msg_end(size_t used, struct slice *s);

/* The bytes of S. */
const char *slice_data(const struct slice *s);

/* Keep S's chunk alive until slice_release(S). */
void	 slice_hold(const struct slice *s);
void	 slice_release(struct slice *s);

/*
 * If B follows A in the same chunk, make A cover both and return 1; else
 * return 0 and change nothing.
 */
int	 slice_extend(struct slice *a, const struct slice *b);

/* Append S to Q (taking a reference). */
void	 outq_push(struct outq *q, const struct slice *s);

/* Append a copy of DATA (LEN bytes): a message made and pushed at once. */
void	 outq_append(struct outq *q, const void *data, size_t len);

/*
 * Fill up to MAX entries of IOV with the queue's first bytes, at most
 * LIMIT of them in all; return the number of entries.
 */
int	 outq_iov(const struct outq *q, struct iovec *iov, int max,
	    size_t limit);

/* Drop the first N bytes (written). */
void	 outq_consume(struct outq *q, size_t n);

/* Drop everything, the ring too. */
void	 outq_clear(struct outq *q);

/*
 * An emptied queue keeps its ring, so that a busy peer does not allocate
 * one for every write; free it, if the queue is empty, and return the
 * bytes freed.
 */
size_t	 outq_shrink(struct outq *q);

/*
 * Called once in a while (a second): if no chunk was begun since the last
 * call, free the chunks kept for reuse, so that a quiet server gives the
 * memory of its last burst back; return the bytes freed. The chunk being
 * written into stays.
 */
size_t	 outq_idle(void);

/* Release the chunks kept for reuse (at exit, for leak checkers). */
void	 outq_shutdown(void);

#endif
