/*
 * peer.h: a TCP peer: its socket and watchers, its unfinished line, its
 * output queue and its life from accept to free.
 */
#ifndef TSCHAT_PEER_H
#define TSCHAT_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "ev-compat.h"
#include "frame.h"
#include "outq.h"

#define PEER_PENDING	0x01	/* on the server's pending-write list */
#define PEER_CLOSING	0x02	/* closed; waiting to be freed */
#define PEER_EOF	0x04	/* read side done: close once flushed */
#define PEER_THROTTLED	0x08	/* not read while its output drains */

struct peer {
	ev_io		 rio;
	ev_io		 wio;
	struct peer	*prev;		/* server.peers */
	struct peer	*next;
	struct peer	*next_pending;	/* server.pending or graveyard */
	struct frame	 frame;
	struct outq	 outq;
	struct addr	 addr;
	uint8_t		 flags;
};

/* Take a new connection on FD (non-blocking) from A. */
struct peer *peer_create(int fd, const struct addr *a);

/* Queue LEN bytes of DATA, a whole message, for the peer. */
void	peer_send(struct peer *, const char *data, size_t len);

/* Queue "[STAMP] TEXT" with the framing's terminator. */
void	peer_send_stamped(struct peer *, const char *text, size_t len);

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

/* The peer's address as text, in a static buffer. */
const char *peer_name(const struct peer *);

#endif
