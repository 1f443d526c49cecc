/*
 * conn.c: tschat's connection engine. Under CONN_RECONNECT it never gives
 * up: a refused or lost connection is tried again after 0.5 s, doubling to
 * 30 s, and its owner says so meanwhile. Under CONN_ONCE the first failure
 * is the last: its owner is told once, and nothing is tried again.
 *
 * Over TLS the connection is up once the handshake is done and the owner
 * trusts the server's key; a refused key is the end under either policy.
 * TLS has no half-close: conn_shutdown() leaves that to conn_close(),
 * which says close_notify.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "conn.h"
#include "defaults.h"
#include "net.h"
#include "tlsclient.h"
#include "utf8.h"
#include "xmalloc.h"

#define BACKOFF_FIRST_SECS	0.5
#define BACKOFF_MAX_SECS	30.0
#define CONN_IOV_MAX		16
/* A refused send() is an earlier datagram's ICMP error: try this again. */
#define SEND_TRIES		3

/* A read is handled before the next is made: one buffer will do. */
static char	rbuf[READ_BUF_BYTES];

static void	conn_try(struct conn *);
static void	conn_read_cb(struct ev_loop *, ev_io *, int);

static void
set_state(struct conn *c, enum conn_state st, int why)
{
	c->state = st;
	c->ev->state(c->arg, st, why);
}

static void
arm(struct conn *c, double secs)
{
	ev_timer_stop(c->loop, &c->timer);
	ev_timer_set(&c->timer, secs, 0.);
	ev_timer_start(c->loop, &c->timer);
}

/* Close the socket and forget what belonged to it. */
static void
drop_socket(struct conn *c)
{
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	ev_timer_stop(c->loop, &c->timer);
	if (c->ssl != NULL)
		tlsc_close(c->ssl, 0);
	c->ssl = NULL;
	c->tls_wait = 0;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	outq_clear(&c->out);
	frame_free(&c->frame);
	c->shut_wr = 0;
	c->joined = 0;
	c->heard = 0;
	c->tail_len = 0;
}

/*
 * There is no connection: ST (CONN_FAILED or CONN_CLOSED) for good under
 * CONN_ONCE, or CONN_WAITING for the next try. The owner hears it last,
 * as it may close the connection then.
 */
static void
conn_down(struct conn *c, enum conn_state st, int why)
{
	drop_socket(c);
	if (c->policy == CONN_ONCE) {
		set_state(c, st, why);
		return;
	}
	c->retry_at = ev_now(c->loop) + c->backoff;
	arm(c, c->backoff);
	c->backoff = MINIMUM(c->backoff * 2, BACKOFF_MAX_SECS);
	set_state(c, CONN_WAITING, why);
}

/* Send LEN bytes as a datagram: CONN_SENT, CONN_FULL, or CONN_LOST. */
static enum conn_sent
send_datagram(struct conn *c, const char *data, size_t len)
{
	int	tries;

	for (tries = 0; tries < SEND_TRIES; tries++) {
		if (send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL) != -1)
			return CONN_SENT;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return CONN_FULL;
		if (errno != EINTR && errno != ECONNREFUSED)
			break;
	}
	return CONN_LOST;
}

/*
 * A UDP room's "[STAMP] *** send /join TOKEN" (DESIGN.md, UDP): join, and
 * send again the line that drew it, the last one. Once only until the next
 * line, so that a server that keeps refusing makes no loop: its next
 * notice is a message like any other (return 0).
 */
static int
udp_join(struct conn *c, const char *msg, size_t len)
{
	const char	*tok;
	size_t		 toklen;
	char		 join[sizeof "/join \n" + COMMAND_TOKEN_MAX];
	int		 n;

	if (c->joined || command_join_notice(msg, len, &tok, &toklen) == -1)
		return 0;
	n = snprintf(join, sizeof join, "/join %.*s%s", (int)toklen, tok,
	    c->conf->framing == FRAME_LINE ? "\n" : "");
	(void)send_datagram(c, join, (size_t)n);
	if (c->last_len > 0)
		(void)send_datagram(c, c->last, c->last_len);
	c->joined = 1;
	if (c->ev->joined != NULL)
		c->ev->joined(c->arg);
	return 1;
}

static int
message_cb(void *arg, const char *msg, size_t len, int flags UNUSED)
{
	struct conn	*c = arg;

	if (c->conf->udp && udp_join(c, msg, len))
		return FRAME_GO;
	c->ev->message(c->arg, msg, len);
	return c->state == CONN_UP ? FRAME_GO : FRAME_STOP;
}

/*
 * The server closed (WHY 0) or the connection broke. What it sent last
 * counts, unfinished as it may be, and so does a character begun.
 */
static void
conn_lost(struct conn *c, int why)
{
	enum frame_mode	mode = c->conf->framing;

	if (c->tail_len > 0)
		(void)frame_feed(&c->frame, mode, READ_BUF_BYTES,
		    (const char *)c->tail, c->tail_len, message_cb, c);
	(void)frame_finish(&c->frame, mode, READ_BUF_BYTES, message_cb, c);
	conn_down(c, CONN_CLOSED, why);
}

/*
 * TLS: write a record of the queue's head: 0 (written, or it waits), or
 * -1 with errno.
 */
static int
write_tls(struct conn *c)
{
	static char	 record[TLS_RECORD_BYTES];
	struct iovec	 iov[CONN_IOV_MAX];
	const void	*buf;
	size_t		 len, n = 0;
	int		 cnt, i;

	while (c->out.bytes > 0) {
		cnt = outq_iov(&c->out, iov, CONN_IOV_MAX, TLS_RECORD_BYTES);
		buf = iov[0].iov_base;
		len = iov[0].iov_len;
		if (cnt > 1) {
			for (i = 0, len = 0; i < cnt; i++) {
				memcpy(record + len, iov[i].iov_base,
				    iov[i].iov_len);
				len += iov[i].iov_len;
			}
			buf = record;
		}
		switch (tlsc_write(c->ssl, buf, len, &n, &c->tls_why)) {
		case TLSC_OK:
			outq_consume(&c->out, n);
			continue;
		case TLSC_WANT_WRITE:
			return 0;
		case TLSC_WANT_READ:
			c->tls_wait |= CONN_TLS_WRITE_WR;
			return 0;
		case TLSC_CLOSED:
			errno = EPIPE;
			return -1;
		case TLSC_ERROR:
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

/* Write what the socket takes now: 0, or -1 with errno. */
static int
write_out(struct conn *c)
{
	struct iovec	iov[CONN_IOV_MAX];
	ssize_t		n;
	int		cnt;

	if (c->ssl != NULL)
		return write_tls(c);
	while (c->out.bytes > 0) {
		cnt = outq_iov(&c->out, iov, CONN_IOV_MAX, SIZE_MAX);
		n = writev(c->fd, iov, cnt);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		outq_consume(&c->out, n);
	}
	return 0;
}

/* TCP: write the queue; -1 if the connection went down meanwhile. */
static int
conn_flush(struct conn *c)
{
	if (write_out(c) == -1) {
		conn_lost(c, errno);
		return -1;
	}
	if (c->out.bytes > 0) {
		/* Writability does not help a write that waits to read. */
		if (c->tls_wait & CONN_TLS_WRITE_WR)
			ev_io_stop(c->loop, &c->wio);
		else
			ev_io_start(c->loop, &c->wio);
		return 0;
	}
	if (!(c->tls_wait & CONN_TLS_READ_WW))
		ev_io_stop(c->loop, &c->wio);
	/* An error here (the peer reset) shows up on the next read. */
	if (c->shut_wr && c->ssl == NULL)
		(void)shutdown(c->fd, SHUT_WR);
	return 0;
}

enum conn_sent
conn_send(struct conn *c, const char *line, size_t len)
{
	enum conn_sent	 sent;
	size_t		 n = len + (c->conf->framing == FRAME_LINE), size;
	char		*buf;

	if (c->state != CONN_UP)
		return CONN_NOT_UP;
	if (!c->conf->udp) {
		outq_append(&c->out, line, len);
		if (n > len)
			outq_append(&c->out, "\n", 1);
		if (!(c->tls_wait & CONN_TLS_WRITE_WR))
			ev_io_start(c->loop, &c->wio);
		return CONN_SENT;
	}
	/* Made in the spare buffer: the last line stays if this one cannot go. */
	if (n > c->spare_size) {
		c->spare = xreallocarray(c->spare, n, 1);
		c->spare_size = n;
	}
	memcpy(c->spare, line, len);
	if (n > len)
		c->spare[len] = '\n';
	if ((sent = send_datagram(c, c->spare, n)) == CONN_FULL) {
		ev_io_start(c->loop, &c->wio);
		return sent;
	}
	/* Sent or lost, it is the last line now, for a join to send again. */
	buf = c->last;
	size = c->last_size;
	c->last = c->spare;
	c->last_size = c->spare_size;
	c->last_len = n;
	c->spare = buf;
	c->spare_size = size;
	/* The server may have forgotten us (--udp-peer-ttl): join again. */
	c->joined = 0;
	return sent;
}

void
conn_shutdown(struct conn *c)
{
	/* TLS has no half-close: conn_close() says close_notify. */
	if (c->conf->udp || c->fd == -1 || c->conf->tls)
		return;
	c->shut_wr = 1;
	if (c->out.bytes == 0)
		(void)shutdown(c->fd, SHUT_WR);
}

/*
 * Open a socket to the next address that takes one, from c->ai on: 0, or
 * -1 when none is left (c->err says why the last one failed).
 */
static int
next_address(struct conn *c)
{
	int	type = c->conf->udp ? SOCK_DGRAM : SOCK_STREAM;

	for (; c->ai != NULL; c->ai = c->ai->ai_next) {
		if ((c->fd = net_connect(type, c->ai->ai_addr,
		    c->ai->ai_addrlen)) != -1) {
			ev_io_set(&c->rio, c->fd, EV_READ);
			ev_io_set(&c->wio, c->fd, EV_WRITE);
			return 0;
		}
		c->err = errno;
	}
	c->ai = c->res;
	return -1;
}

/*
 * UDP: a datagram was refused before any reply came. Before a reply that
 * means the wrong address ("localhost" as ::1 for a server on 0.0.0.0):
 * go on to the next, sending the last datagram there.
 */
static void
udp_next(struct conn *c)
{
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	close(c->fd);
	c->fd = -1;
	c->err = ECONNREFUSED;
	c->ai = c->ai->ai_next;
	if (next_address(c) == -1) {
		conn_down(c, CONN_FAILED, c->err);
		return;
	}
	ev_io_start(c->loop, &c->rio);
	if (c->last_len > 0)
		(void)send_datagram(c, c->last, c->last_len);
	/* A new socket: whatever the old one could not take may go. */
	if (c->ev->writable != NULL)
		c->ev->writable(c->arg);
}

/* recv() over TLS: bytes, 0 at the end, or -1 with errno (EAGAIN: wait). */
static ssize_t
recv_tls(struct conn *c, char *buf, size_t len)
{
	size_t	n = 0;

	switch (tlsc_read(c->ssl, buf, len, &n, &c->tls_why)) {
	case TLSC_OK:
		return (ssize_t)n;
	case TLSC_CLOSED:
		return 0;
	case TLSC_WANT_WRITE:
		c->tls_wait |= CONN_TLS_READ_WW;
		ev_io_start(c->loop, &c->wio);
		/* FALLTHROUGH */
	case TLSC_WANT_READ:
		errno = EAGAIN;
		return -1;
	case TLSC_ERROR:
		break;
	}
	errno = EPROTO;
	return -1;
}

static void
conn_up(struct conn *c)
{
	ev_timer_stop(c->loop, &c->timer);
	c->backoff = BACKOFF_FIRST_SECS;
	ev_io_start(c->loop, &c->rio);
	/* What TLS read with the handshake is not in the socket. */
	if (c->ssl != NULL && tlsc_pending(c->ssl))
		ev_feed_event(c->loop, &c->rio, EV_READ);
	set_state(c, CONN_UP, 0);
}

/* The owner does not trust the server's key: the end, whatever the policy. */
static void
conn_untrusted(struct conn *c)
{
	drop_socket(c);
	set_state(c, CONN_UNTRUSTED, 0);
}

/* A handshake step; once done, the owner's word on the key. */
static void
conn_handshake(struct conn *c)
{
	unsigned char	pin[PIN_BYTES];

	switch (tlsc_handshake(c->ssl, &c->tls_why)) {
	case TLSC_OK:
		break;
	case TLSC_WANT_READ:
		ev_io_stop(c->loop, &c->wio);
		ev_io_start(c->loop, &c->rio);
		return;
	case TLSC_WANT_WRITE:
		ev_io_start(c->loop, &c->wio);
		return;
	case TLSC_CLOSED:
	case TLSC_ERROR:
		/* This address does not speak TLS to us: the next one. */
		drop_socket(c);
		c->err = EPROTO;
		c->ai = c->ai->ai_next;
		conn_try(c);
		return;
	}
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	ev_timer_stop(c->loop, &c->timer);
	c->tls_wait = CONN_TLS_ASKING;
	if (tlsc_server_pin(c->ssl, pin) == -1) {
		c->tls_why = "the server sent no certificate";
		conn_untrusted(c);
		return;
	}
	switch (c->ev->verify(c->arg, pin, tlsc_verify_error(c->ssl))) {
	case 1:
		conn_trust(c, 1);
		break;
	case 0:
		conn_trust(c, 0);
		break;
	default:
		break;
	}
}

void
conn_trust(struct conn *c, int yes)
{
	if (!(c->tls_wait & CONN_TLS_ASKING))
		return;
	c->tls_wait = 0;
	if (yes)
		conn_up(c);
	else
		conn_untrusted(c);
}

const char *
conn_why(const struct conn *c, int why)
{
	if (why == EPROTO && c->tls_why != NULL)
		return c->tls_why;
	return strerror(why);
}

static void
conn_read_cb(struct ev_loop *loop UNUSED, ev_io *w, int revents UNUSED)
{
	struct conn	*c = container_of(w, struct conn, rio);
	enum frame_mode	 mode = c->conf->framing;
	size_t		 have = c->tail_len, keep = 0;
	ssize_t		 n;

	if (c->tls_wait & CONN_TLS_HANDSHAKE) {
		conn_handshake(c);
		return;
	}
	if (c->tls_wait & CONN_TLS_WRITE_WR) {
		c->tls_wait &= ~CONN_TLS_WRITE_WR;
		if (conn_flush(c) == -1)
			return;
	}
	c->tls_wait &= ~CONN_TLS_READ_WW;
	/* Raw TCP: the start of a character the last read ended in. */
	memcpy(rbuf, c->tail, have);
	if (c->ssl != NULL)
		n = recv_tls(c, rbuf + have, sizeof rbuf - have);
	else
		n = recv(c->fd, rbuf + have, sizeof rbuf - have, 0);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (c->conf->udp && errno == ECONNREFUSED && !c->heard)
			udp_next(c);
		else if (!c->conf->udp || c->policy == CONN_RECONNECT)
			conn_lost(c, errno);
		/* Else UDP has nothing to lose: the server may be back. */
		return;
	}
	if (n == 0 && !c->conf->udp) {
		conn_lost(c, 0);
		return;
	}
	c->heard = 1;
	c->tail_len = 0;
	n += (ssize_t)have;
	if (mode == FRAME_RAW && !c->conf->udp) {
		/* A character split between reads waits for its end. */
		keep = utf8_incomplete_tail((unsigned char *)rbuf, n);
		memcpy(c->tail, rbuf + n - keep, keep);
		c->tail_len = keep;
	}
	if (frame_feed(&c->frame, mode, READ_BUF_BYTES, rbuf, n - keep,
	    message_cb, c) == -1)
		return;
	/* A datagram's end also ends its line. */
	if (c->conf->udp && frame_finish(&c->frame, mode, READ_BUF_BYTES,
	    message_cb, c) == -1)
		return;
	if (c->ev->received != NULL)
		c->ev->received(c->arg);
	/* One record a callback: the rest at the loop's next turn. */
	if (c->ssl != NULL && c->state == CONN_UP && tlsc_pending(c->ssl))
		ev_feed_event(c->loop, &c->rio, EV_READ);
}

/* The connect is done: over TLS the handshake comes first. */
static void
conn_connected(struct conn *c)
{
	if (!c->conf->tls) {
		conn_up(c);
		return;
	}
	if ((c->ssl = tlsc_new(c->fd, c->conf->host)) == NULL) {
		c->tls_why = "cannot make a TLS session";
		conn_down(c, CONN_FAILED, EPROTO);
		return;
	}
	c->tls_wait = CONN_TLS_HANDSHAKE;
	/* The connect timeout covers the handshake too. */
	conn_handshake(c);
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct conn	*c = container_of(w, struct conn, wio);
	socklen_t	 len = sizeof c->err;
	int		 err = 0;

	if (c->state == CONN_CONNECTING) {
		/* The connect finished: did it work? */
		ev_io_stop(loop, w);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			close(c->fd);
			c->fd = -1;
			c->err = err;
			c->ai = c->ai->ai_next;
			conn_try(c);
			return;
		}
		conn_connected(c);
		return;
	}
	if (c->tls_wait & CONN_TLS_HANDSHAKE) {
		conn_handshake(c);
		return;
	}
	if (c->tls_wait & CONN_TLS_READ_WW) {
		conn_read_cb(loop, &c->rio, EV_READ);
		if (c->state != CONN_UP)
			return;
	}
	if (c->conf->udp)
		ev_io_stop(loop, w);
	else if (conn_flush(c) == -1)
		return;
	if (c->ev->writable != NULL)
		c->ev->writable(c->arg);
}

/* Connect to the next address; after the last, the connection is down. */
static void
conn_try(struct conn *c)
{
	if (next_address(c) == -1) {
		conn_down(c, CONN_FAILED, c->err);
		return;
	}
	if (c->conf->udp) {
		conn_up(c);
		return;
	}
	set_state(c, CONN_CONNECTING, 0);
	ev_io_start(c->loop, &c->wio);
	arm(c, CONNECT_TIMEOUT_SECS);
}

static void
conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents UNUSED)
{
	struct conn	*c = container_of(w, struct conn, timer);

	if (c->state == CONN_CONNECTING) {
		/* This address does not answer (or finish a handshake). */
		drop_socket(c);
		c->err = ETIMEDOUT;
		c->ai = c->ai->ai_next;
	}
	conn_try(c);
}

int
conn_start(struct conn *c, struct ev_loop *loop, const struct cliconf *conf,
    enum conn_policy policy, const struct conn_events *ev, void *arg,
    const char **err)
{
	memset(c, 0, sizeof *c);
	c->loop = loop;
	c->conf = conf;
	c->policy = policy;
	c->ev = ev;
	c->arg = arg;
	c->fd = -1;
	c->backoff = BACKOFF_FIRST_SECS;
	if (net_resolve(conf->host, conf->port, conf->udp ? SOCK_DGRAM :
	    SOCK_STREAM, 0, &c->res, err) == -1)
		return -1;
	xasprintf(&c->name, strchr(conf->host, ':') != NULL ? "[%s]:%u" :
	    "%s:%u", conf->host, conf->port);
	c->ai = c->res;
	ev_init(&c->rio, conn_read_cb);
	ev_init(&c->wio, conn_write_cb);
	ev_init(&c->timer, conn_timer_cb);
	conn_try(c);
	return 0;
}

double
conn_retry_in(const struct conn *c)
{
	double	left = c->retry_at - ev_now(c->loop);

	return left > 0 ? left : 0;
}

void
conn_close(struct conn *c)
{
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	ev_timer_stop(c->loop, &c->timer);
	if (c->fd != -1) {
		/* One last try, without waiting. */
		if (c->tls_wait == 0)
			(void)write_out(c);
		if (c->ssl != NULL)
			tlsc_close(c->ssl, c->tls_wait == 0);
		c->ssl = NULL;
		close(c->fd);
		c->fd = -1;
	}
	outq_clear(&c->out);
	frame_free(&c->frame);
	free(c->last);
	free(c->spare);
	c->last = c->spare = NULL;
	c->last_len = c->last_size = c->spare_size = 0;
	if (c->res != NULL)
		freeaddrinfo(c->res);
	c->res = NULL;
	free(c->name);
	c->name = NULL;
}
