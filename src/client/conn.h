/*
 * conn.h: tschat's one connection engine, for both of its modes: connect
 * (each address of the name in turn; over TLS, the handshake and the
 * owner's word on the server's key), frame what comes back into
 * messages, queue and send lines, answer a UDP room's /join token; and
 * when the server goes away, either reconnect with backoff (the
 * full-screen client) or say so once (line mode), as its policy says.
 */
#ifndef TSCHAT_CONN_H
#define TSCHAT_CONN_H

#include <netdb.h>

#include "cliconf.h"
#include EV_HEADER
#include "frame.h"
#include "outq.h"
#include "pin.h"

/* What to do when the server cannot be reached or goes away. */
enum conn_policy {
	CONN_RECONNECT,		/* try again after 0.5 s, doubling to 30 s */
	CONN_ONCE,		/* say so (CONN_FAILED, CONN_CLOSED) and stop */
};

enum conn_state {
	CONN_CONNECTING,	/* TCP: a connect is under way */
	CONN_UP,
	CONN_WAITING,		/* CONN_RECONNECT: to connect again */
	CONN_FAILED,		/* CONN_ONCE: no address of the name took us */
	CONN_CLOSED,		/* CONN_ONCE: the server closed, or it broke */
	CONN_UNTRUSTED,		/* TLS: the owner refused the server's key;
				   nothing more is tried */
};

/* What became of a line given to conn_send. */
enum conn_sent {
	CONN_SENT,		/* sent, or queued to be */
	CONN_LOST,		/* UDP: the system refused the datagram (errno) */
	CONN_FULL,		/* UDP: the socket is full; nothing was sent */
	CONN_NOT_UP,		/* no connection: nothing was sent */
};

struct conn_events {
	/* A message came (not terminated; valid during the call). */
	void	(*message)(void *arg, const char *msg, size_t len);
	/*
	 * The state changed; WHY says why it went down (errno, or 0 when
	 * the server closed). WHY of CONN_FAILED is the last address's.
	 */
	void	(*state)(void *arg, enum conn_state, int why);

	/* The rest may be NULL. */
	/* A read came (bytes, or a datagram); its messages came first. */
	void	(*received)(void *arg);
	/* UDP: a room's token was answered, the last line sent again. */
	void	(*joined)(void *arg);
	/* Room for more: the TCP queue was written, or after CONN_FULL. */
	void	(*writable)(void *arg);
	/*
	 * TLS (not NULL then): the handshake is done; trust the server whose
	 * key has PIN, and whose certificate did not verify because of
	 * VERIFY_ERROR (NULL: it verified, for the host's name)? Return 1
	 * (CONN_UP), 0 (CONN_UNTRUSTED), or -1: conn_trust() answers later.
	 */
	int	(*verify)(void *arg, const unsigned char pin[PIN_BYTES],
		    const char *verify_error);
};

struct conn {
	struct ev_loop		*loop;
	const struct cliconf	*conf;
	enum conn_policy	 policy;
	const struct conn_events *ev;
	void			*arg;
	char			*name;		/* "host:port", for messages */
	struct addrinfo		*res, *ai;	/* all, and the one in use */
	int			 fd;
	enum conn_state		 state;
	int			 err;		/* why the last address failed */
	int			 heard;		/* a read since the connect */
	double			 backoff;
	ev_tstamp		 retry_at;
	ev_io			 rio;
	ev_io			 wio;		/* the connect, then output */
	ev_timer		 timer;		/* connect timeout, or retry */
	struct frame		 frame;
	struct outq		 out;		/* TCP: bytes for the socket */
	int			 shut_wr;	/* TCP: half-close once written */
	char			*last;		/* UDP: the last datagram, */
	size_t			 last_len;	/* for a join or an address */
	size_t			 last_size;
	char			*spare;		/* UDP: the next one, made */
	size_t			 spare_size;
	int			 joined;	/* UDP: a /join was answered since
						   the last line sent */
	unsigned char		 tail[4];	/* raw TCP: a character begun */
	size_t			 tail_len;
	struct ssl_st		*ssl;		/* TLS: the session */
	const char		*tls_why;	/* why TLS failed (EPROTO) */
	int			 tls_wait;	/* TLS_* below */
};

/* conn.tls_wait: what the session waits for. */
#define CONN_TLS_HANDSHAKE	0x01
#define CONN_TLS_ASKING		0x02	/* the owner's conn_trust() */
#define CONN_TLS_READ_WW	0x04	/* a read waits to write */
#define CONN_TLS_WRITE_WR	0x08	/* a write waits to read */

/*
 * Resolve the server's name and start connecting under POLICY. Return -1
 * with *ERR set if the name does not resolve: the caller says so. Events
 * may come before this returns (a UDP socket is up at once).
 */
int	conn_start(struct conn *, struct ev_loop *, const struct cliconf *,
	    enum conn_policy, const struct conn_events *, void *arg,
	    const char **err);

/*
 * Send LINE (LEN bytes, no newline: line framing adds one). A UDP line is
 * kept as the last, for a room's join; CONN_FULL and CONN_NOT_UP keep
 * nothing, and after CONN_FULL events->writable says when to try again.
 */
enum conn_sent conn_send(struct conn *, const char *line, size_t len);

/* TCP: half-close once everything queued is written. UDP: nothing. */
void	conn_shutdown(struct conn *);

/* The answer the owner's verify() put off: YES, the connection is up. */
void	conn_trust(struct conn *, int yes);

/* What WHY, given with a state, means: errno's text or TLS's reason. */
const char *conn_why(const struct conn *, int why);

/* Seconds until the next attempt while CONN_WAITING. */
double	conn_retry_in(const struct conn *);

/* Stop; write what can be written at once, and close. Again is harmless. */
void	conn_close(struct conn *);

#endif
