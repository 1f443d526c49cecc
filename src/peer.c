/*
 * peer.c: one TCP peer. Reads go into the server's shared buffer and through
 * the framer; what the peer is owed waits in its output queue, written in
 * batches by the server. Close is not free: a closed peer stays allocated
 * until the loop iteration ends, so nothing that walks peers trips over it.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "log.h"
#include "peer.h"
#include "server.h"
#include "xmalloc.h"

#define PEER_IOV_MAX	64

static void	peer_read_cb(struct ev_loop *, ev_io *, int);
static void	peer_write_cb(struct ev_loop *, ev_io *, int);

const char *
peer_name(const struct peer *p)
{
	static char	buf[ADDR_STRLEN];

	return addr_format(&p->addr, buf);
}

struct peer *
peer_create(int fd, const struct addr *a)
{
	struct peer	*p;

	p = xcalloc(1, sizeof *p);
	p->addr = *a;
	ev_io_init(&p->rio, peer_read_cb, fd, EV_READ);
	ev_io_init(&p->wio, peer_write_cb, fd, EV_WRITE);
	ev_io_start(server.loop, &p->rio);
	return p;
}

/* Whether the peer's queue is over the level where reading pauses. */
static int
peer_over_backpressure(const struct peer *p)
{
	return p->outq.bytes > server.conf->max_queue / BACKPRESSURE_DIVISOR;
}

void
peer_send(struct peer *p, const char *data, size_t len)
{
	if (p->flags & PEER_CLOSING)
		return;
	outq_append(&p->outq, data, len);
	server.stats.msgs_out++;
	server_want_write(p);
}

void
peer_send_stamped(struct peer *p, const char *text, size_t len)
{
	const char	*stamp;
	size_t		 slen, total;
	struct slice	 s;
	char		*out;
	int		 line = server.conf->framing == FRAME_LINE;

	if (p->flags & PEER_CLOSING)
		return;
	stamp = server_stamp(&slen);
	total = slen + len + (line ? 1 : 0);
	out = outq_msg_begin(total);
	memcpy(out, stamp, slen);
	memcpy(out + slen, text, len);
	if (line)
		out[slen + len] = '\n';
	outq_msg_end(total, &s);
	outq_push(&p->outq, &s);
	server.stats.msgs_out++;
	server_want_write(p);
}

/* A message from the peer: in echo mode it goes back, stamped. */
static int
peer_message_cb(void *arg, const char *msg, size_t len, int flags)
{
	struct peer	*p = arg;
	static const char too_long[] = "*** line too long";

	server.stats.msgs_in++;
	peer_send_stamped(p, msg, len);
	if (flags & FRAME_CUT) {
		server.stats.lines_cut++;
		log_info("%s: line over %zu bytes cut", peer_name(p),
		    server.conf->max_line);
		peer_send_stamped(p, too_long, sizeof too_long - 1);
	}
	return (p->flags & PEER_CLOSING) ? -1 : 0;
}

void
peer_finish(struct peer *p)
{
	if (p->flags & PEER_CLOSING)
		return;
	p->flags |= PEER_EOF;
	ev_io_stop(server.loop, &p->rio);
	if (p->outq.bytes == 0)
		peer_close(p, NULL);
	else
		server_want_write(p);
}

static void
peer_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer	*p = container_of(w, struct peer, rio);
	const struct srvconf *c = server.conf;
	ssize_t		 n;

	n = read(w->fd, server.rbuf, sizeof server.rbuf);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		peer_close(p, strerror(errno));
		return;
	}
	if (n == 0) {
		/* Half-close: an unfinished line still counts. */
		if (frame_finish(&p->frame, c->framing, c->max_line,
		    peer_message_cb, p) == 0)
			peer_finish(p);
		return;
	}
	server.stats.bytes_in += n;
	if (frame_feed(&p->frame, c->framing, c->max_line, server.rbuf, n,
	    peer_message_cb, p) == -1)
		return;
	if (peer_over_backpressure(p) && !(p->flags & PEER_THROTTLED)) {
		/* It sends faster than it reads: wait for it to drain. */
		p->flags |= PEER_THROTTLED;
		server.stats.backpressure++;
		ev_io_stop(loop, &p->rio);
		log_debug("%s: output queue at %zu bytes, reading paused",
		    peer_name(p), p->outq.bytes);
	}
}

void
peer_flush(struct peer *p)
{
	struct iovec	iov[PEER_IOV_MAX];
	struct msghdr	msg;
	size_t		budget = WRITE_PER_PASS_BYTES;
	ssize_t		n;
	int		iovcnt;

	while (p->outq.bytes > 0 && budget > 0) {
		iovcnt = outq_iov(&p->outq, iov, PEER_IOV_MAX, budget);
		memset(&msg, 0, sizeof msg);
		msg.msg_iov = iov;
		msg.msg_iovlen = iovcnt;
		n = sendmsg(p->wio.fd, &msg, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			peer_close(p, strerror(errno));
			return;
		}
		outq_consume(&p->outq, n);
		server.stats.bytes_out += n;
		budget -= MINIMUM(budget, (size_t)n);
	}

	if (p->outq.bytes > 0) {
		ev_io_start(server.loop, &p->wio);
		return;
	}
	ev_io_stop(server.loop, &p->wio);
	if (p->flags & PEER_EOF) {
		peer_close(p, NULL);
		return;
	}
	if (p->flags & PEER_THROTTLED) {
		p->flags &= ~PEER_THROTTLED;
		ev_io_start(server.loop, &p->rio);
	}
}

static void
peer_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	peer_flush(container_of(w, struct peer, wio));
}

void
peer_close(struct peer *p, const char *why)
{
	if (p->flags & PEER_CLOSING)
		return;
	p->flags |= PEER_CLOSING;
	ev_io_stop(server.loop, &p->rio);
	ev_io_stop(server.loop, &p->wio);
	if (why != NULL)
		log_info("%s: closed: %s", peer_name(p), why);
	else
		log_info("%s: closed", peer_name(p));
	close(p->rio.fd);
	outq_clear(&p->outq);
	frame_free(&p->frame);
	server_peer_closed(p);
}

void
peer_free(struct peer *p)
{
	free(p);
}
