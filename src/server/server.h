/*
 * server.h: the server as a whole: its one event loop, listeners, the list
 * of peers, batched writes, signals and counters.
 */
#ifndef TSCHAT_SERVER_H
#define TSCHAT_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include EV_HEADER
#include "addr.h"
#include "srvconf.h"
#include "stamp.h"

struct peer;

/* Counters for the SIGUSR1 line. */
struct stats {
	uint64_t	accepted;
	uint64_t	msgs_in;
	uint64_t	msgs_out;
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	uint64_t	lines_cut;
	uint64_t	udp_in;
	uint64_t	udp_out;
	uint64_t	udp_dropped_port;
	uint64_t	udp_dropped_bound;
	uint64_t	udp_dropped_send;
	uint64_t	accept_failed;
	uint64_t	backpressure;
	uint64_t	slow_cut;
	uint64_t	rate_waits;
	uint64_t	idle_cut;
	uint64_t	refused_full;
	uint64_t	refused_per_ip;
	uint64_t	refused_allow;
	uint64_t	udp_dropped_rate;
	uint64_t	udp_dropped_allow;
	uint64_t	udp_cookies;
	uint64_t	udp_joined;
	uint64_t	udp_expired;
};

struct server {
	struct ev_loop		*loop;
	const struct srvconf	*conf;
	struct stamp		 stamp;
	struct stats		 stats;

	struct peer		*peers;		/* open TCP peers, by activity */
	struct peer		*peers_tail;
	unsigned int		 npeers;
	unsigned int		 max_clients;	/* --max-clients, or fewer */
	ev_tstamp		 started;
	struct peer		*pending;	/* peers with output to write */
	struct peer		*graveyard;	/* closed, to be freed */

	int			 stopping;
	ev_prepare		 flush_w;
	ev_signal		 sigint_w;
	ev_signal		 sigterm_w;
	ev_signal		 sigusr1_w;
	ev_timer		 stop_w;
	ev_timer		 cron_w;

	/* One buffer every read goes into; peers keep only unfinished lines. */
	char			 rbuf[READ_BUF_BYTES];
};

extern struct server server;

/* Set up from C and listen; exits with a message if it cannot. */
void	 server_init(struct ev_loop *, const struct srvconf *c);
/* Run until a signal stops the server; then free everything. */
void	 server_run(void);

/* The stamp of the current second. */
const char *server_stamp(size_t *lenp);

/* Queue a peer for the next batched write. */
void	 server_want_write(struct peer *);

/* The peer sent something: it is the most recently active now. */
void	 server_peer_active(struct peer *);

/* Whether A may connect or send (--allow). */
int	 server_allowed(const struct addr *a);

/* A peer was closed: unlink it; it is freed after this loop iteration. */
void	 server_peer_closed(struct peer *);

/* Whether the server is shutting down (no new peers, no new messages). */
int	 server_stopping(void);

#endif
