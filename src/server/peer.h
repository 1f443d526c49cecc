/*
 * peer.h: a TCP peer: its socket and watchers, its unfinished line, its
 * output queue and its life from accept to free.
 */
#ifndef TSCHAT_PEER_H
#define TSCHAT_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include EV_HEADER
#include "frame.h"
#include "outq.h"
#include "ratelimit.h"
#include "room.h"

#define PEER_PENDING	0x01	/* on the server's pending-write list */
#define PEER_CLOSING	0x02	/* closed; waiting to be freed */
#define PEER_EOF	0x04	/* read side done: close once flushed */
#define PEER_THROTTLED	0x08	/* echo: not read while its output drains */
#define PEER_RATED	0x10	/* room: not read until --line-rate allows */
#define PEER_SLOW	0x20	/* over --max-queue: cut at the next flush */

struct peer {
	ev_io		 rio;
	ev_io		 wio;
	struct peer	*prev;		/* server.peers, oldest activity first */
	struct peer	*next;
	struct peer	*next_pending;	/* server.pending */
	struct member	 member;	/* in the room; holds the address */
	struct frame	 frame;
	struct outq	 outq;
	struct bucket	 bucket;	/* --line-rate */
	char		*held;		/* read but not yet taken (rate) */
	uint32_t	 held_len;
	float		 soft_since;	/* over a quarter of --max-queue since */
	ev_tstamp	 last_read;
	uint8_t		 flags;
};

/* Take a new connection on FD (non-blocking) from A. */
struct peer *peer_create(int fd, const struct addr *a);

/* Queue "[STAMP] TEXT" with the framing's terminator. */
void	peer_send_stamped(struct peer *, const char *text, size_t len);

/* Queue the room's line S, and check the queue's limits. */
void	peer_deliver(struct peer *, const struct slice *s);

/*
 * Write what is queued, at most a pass's share; start the write watcher
 * if some is left. Called by the server before the loop sleeps.
 */
void	peer_flush(struct peer *);

/* Stop reading and close the peer once everything queued is written. */
void	peer_finish(struct peer *);

/* Close now: stop watchers, close the socket, unlink; free later. */
void	peer_close(struct peer *, const char *why);

/* Free a closed peer. */
void	peer_free(struct peer *);

/* Once a second: cut peers over the soft queue limit for too long. */
void	peer_check_queue(struct peer *, ev_tstamp now);

/* The peer's address as text, in a static buffer. */
const char *peer_name(const struct peer *);

void	peer_init(void);
void	peer_shutdown(void);

#endif
