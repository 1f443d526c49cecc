/*
 * peer.h: TCP peers, plaintext or TLS: each one's socket and watchers, its unfinished line,
 * its output queue and its life from accept to free; and the set of them,
 * ordered by activity, written in one pass before the loop sleeps.
 */
#ifndef TSCHAT_PEER_H
#define TSCHAT_PEER_H

#include <stddef.h>

#include EV_HEADER
#include "addr.h"
#include "member.h"

struct peer;

void	peers_init(void);
void	peers_free(void);

/*
 * Take a new connection on FD (non-blocking) from A; TLS: over TLS, a
 * member once its handshake is done. Hand it over.
 */
void	peer_create(int fd, const struct addr *a, int tls);

/* Open peers. */
unsigned int peers_count(void);

/*
 * Write what every peer with output has queued, a pass's share each.
 * Return 0 if there was none.
 */
int	peers_write(void);
/* Free the peers closed since the last call. */
void	peers_reap(void);

/* Once a second: idle peers (--idle-timeout); slow consumers. */
void	peers_cron(ev_tstamp now);

/* Call FN for each open peer's member. */
void	peers_each(void (*fn)(struct member *m));

/* Stop reading everyone; close each once it has what it is owed. */
void	peers_finish(void);
/* Close everyone now (exit). */
void	peers_close(void);

#endif
