/*
 * frame.h: turning a peer's byte stream into messages. Line framing splits
 * on newlines, drops a CR before one and cuts lines over the limit; raw
 * framing makes each read one message. Memory per peer is bounded by the
 * line limit, and nothing is held while no line is unfinished.
 */
#ifndef TSCHAT_FRAME_H
#define TSCHAT_FRAME_H

#include <stddef.h>

enum frame_mode {
	FRAME_LINE,
	FRAME_RAW,
};

/* Flags passed with a message. */
#define FRAME_CUT	0x1	/* the line was longer than the limit */

/*
 * Called for each message; MSG is not terminated and is valid only during
 * the call. Return FRAME_GO to go on, FRAME_STOP to stop (the peer went
 * away), or FRAME_PAUSE to take no more for now (see frame_feed_some).
 */
#define FRAME_GO	0
#define FRAME_STOP	(-1)
#define FRAME_PAUSE	1

typedef int frame_cb(void *arg, const char *msg, size_t len, int flags);

struct frame {
	char		*buf;		/* the unfinished line, or NULL */
	unsigned int	 len;
	unsigned int	 discarding:1;	/* dropping the rest of a cut line */
};

/* Set MODE's name ("line" or "raw") into *MODE; -1 if unknown. */
int	frame_mode_parse(const char *name, enum frame_mode *mode);

/*
 * Feed LEN bytes of DATA. Complete messages go to CB; at most MAX_LINE
 * bytes (plus a CR) are kept in between. Return -1 if CB stopped it;
 * a pause counts as a stop.
 */
int	frame_feed(struct frame *, enum frame_mode, size_t max_line,
	    const char *data, size_t len, frame_cb *cb, void *arg);

/*
 * The same, but a callback may pause: then return FRAME_PAUSE with the
 * bytes of DATA taken in *USED; the caller keeps the rest to feed later.
 * Return 0 when all was taken, -1 if CB stopped it.
 */
int	frame_feed_some(struct frame *, enum frame_mode, size_t max_line,
	    const char *data, size_t len, frame_cb *cb, void *arg,
	    size_t *used);

/* The stream ended: an unfinished line counts as a line. */
int	frame_finish(struct frame *, enum frame_mode, size_t max_line,
	    frame_cb *cb, void *arg);

/* Whether a line is unfinished (something is held). */
int	frame_pending(const struct frame *);

void	frame_free(struct frame *);

#endif
