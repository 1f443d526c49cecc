/*
 * backlog.h: the history of every room: each room's last lines, byte for
 * byte as they were sent, for whoever joins it; all rooms' together held
 * under one bound, past which the least recently active rooms lose their
 * oldest lines first. Pure: no loop, no sockets.
 */
#ifndef TSCHAT_BACKLOG_H
#define TSCHAT_BACKLOG_H

#include <stddef.h>

struct backlog;
struct backlog_room;

/*
 * LINES kept per room (0: history is off, every call below does nothing
 * and backlog_pin() returns NULL); MAX_BYTES for all rooms together, as
 * backlog_bytes() counts them.
 */
struct backlog	*backlog_create(unsigned int lines, size_t max_bytes);
/* Free every history, pinned or not. */
void		 backlog_free(struct backlog *);

/*
 * The history of the room NAME (LEN bytes, ASCII case ignored), empty if
 * there is none, pinned until backlog_unpin(): a live room holds its
 * history so. Pins count: one history may be pinned twice.
 */
struct backlog_room *backlog_pin(struct backlog *, const char *name,
		    size_t len);
/*
 * Let go of R. Unpinned and empty, it is freed; unpinned with lines, it
 * is kept for whoever makes the room again, until memory pressure has
 * taken all its lines: any backlog_add() may free it, so keep no pointer
 * to a history you have let go.
 */
void		 backlog_unpin(struct backlog *, struct backlog_room *r);

/*
 * Keep LINE (LEN bytes, terminator and all) as the newest of R, which is
 * pinned; past LINES its oldest goes. Then, while all histories hold more
 * than MAX_BYTES, the oldest line of the least recently added-to room
 * goes (R's own last). A line that could not fit alone is not kept and
 * changes nothing.
 */
void		 backlog_add(struct backlog *, struct backlog_room *r,
		    const char *line, size_t len);

/* Forget every line of R, which is pinned. */
void		 backlog_clear(struct backlog *, struct backlog_room *r);

/* Call FN for each line of R, oldest first. FN must not change R. */
void		 backlog_each(const struct backlog_room *r,
		    void (*fn)(const char *line, size_t len, void *arg),
		    void *arg);

/* The lines R holds. */
unsigned int	 backlog_lines(const struct backlog_room *r);
/*
 * What all histories hold, as counted against MAX_BYTES: for each line
 * its buffer and the allocator's overhead; for each room with lines its
 * record, name, ring of slots and share of the table of names.
 */
size_t		 backlog_bytes(const struct backlog *);
/* The histories kept: pinned ones, and unpinned ones with lines. */
size_t		 backlog_rooms(const struct backlog *);

#endif
