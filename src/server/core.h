/*
 * core.h: what there is one of in tschatd and every part of the server
 * reads: the loop, the configuration, the stamp of the current second,
 * the counters, the service chosen at start and the shared read buffer.
 */
#ifndef TSCHAT_CORE_H
#define TSCHAT_CORE_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include "defaults.h"
#include "outq.h"
#include "srvconf.h"
#include "stamp.h"

struct owners;
struct service;

/* Counters for the SIGUSR1 line. */
struct stats {
	uint64_t	accepted;
	uint64_t	msgs_in;
	uint64_t	msgs_out;
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	uint64_t	writes;		/* send()s to TCP peers, TLS records */
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
	uint64_t	tls_done;	/* handshakes done */
	uint64_t	tls_failed;
	uint64_t	tls_timeout;	/* not done in TLS_HANDSHAKE_SECS */
	uint64_t	tls_on_plain;	/* ClientHellos on the plaintext port */
};

struct core {
	struct ev_loop		*loop;
	const struct srvconf	*conf;
	const struct service	*service;	/* echo or room, from the start */
	struct stamp		 stamp;
	struct stats		 stats;
	ev_tstamp		 started;
	int			 stopping;	/* no new peers, no new lines */
	/*
	 * The write pass: what the service hands over now is the last of
	 * this loop iteration, and may be written at once.
	 */
	int			 writing;
	struct owners		*owners;	/* --nick-owners, or NULL */

	/* One buffer every read goes into; peers keep only unfinished lines. */
	char			 rbuf[READ_BUF_BYTES];
};

extern struct core core;

/* The stamp of the current second. */
const char *core_stamp(size_t *lenp);

/* Make "[STAMP] " + TEXT + the framing's terminator into a shared slice. */
void	core_stamped(struct slice *s, const char *text, size_t len);

#endif
