/*
 * peer.c: one TCP peer. Reads go into the server's shared buffer and through
 * the framer; what the peer is owed waits in its output queue, written in
 * batches by the server. In echo mode a peer that does not read what it is
 * sent is no longer read; in a room it is cut when its queue passes the
 * limit, so that no one waits for it. A peer over --line-rate keeps what
 * it sent in its socket: it is read again when its bucket allows.
 *
 * Close is not free: a closed peer stays allocated until the loop iteration
 * ends, so nothing that walks peers trips over it.
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
#include "room.h"
#include "server.h"
#include "xmalloc.h"

#define PEER_IOV_MAX	64

static void	peer_read_cb(struct ev_loop *, ev_io *, int);
static void	peer_write_cb(struct ev_loop *, ev_io *, int);
static void	peer_rate_cb(struct ev_loop *, ev_timer *, int);

/* Peers waiting for --line-rate, and the timer that lets them go on. */
static struct peer	**rated;
static size_t		  nrated, rated_size;
static ev_timer		  rate_w;

const char *
peer_name(const struct peer *p)
{
	static char	buf[ADDR_STRLEN];

	return addr_format(&p->member.addr, buf);
}

void
peer_init(void)
{
	double	every = 0.1;

	if (server.conf->line_rate > 0 && 1.0 / server.conf->line_rate < every)
		every = 1.0 / server.conf->line_rate;
	ev_timer_init(&rate_w, peer_rate_cb, every, every);
}

void
peer_shutdown(void)
{
	ev_timer_stop(server.loop, &rate_w);
	free(rated);
	rated = NULL;
	nrated = rated_size = 0;
}

struct peer *
peer_create(int fd, const struct addr *a)
{
	struct peer	*p;

	p = xcalloc(1, sizeof *p);
	p->member.addr = *a;
	p->member.kind = MEMBER_TCP;
	p->last_read = ev_now(server.loop);
	bucket_init(&p->bucket, server.conf->line_rate * RATE_BURST_FACTOR,
	    p->last_read);
	ev_io_init(&p->rio, peer_read_cb, fd, EV_READ);
	ev_io_init(&p->wio, peer_write_cb, fd, EV_WRITE);
	ev_io_start(server.loop, &p->rio);
	return p;
}

static size_t
quarter_queue(void)
{
	return server.conf->max_queue / SOFT_QUEUE_DIVISOR;
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
	/* The room's lines said before this come before it. */
	if (server.conf->broadcast)
		room_flush();
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

void
peer_deliver(struct peer *p, const struct slice *s)
{
	if (p->flags & PEER_CLOSING)
		return;
	outq_push(&p->outq, s);
	/* Over the limit: the next flush writes what it can, then judges. */
	if (p->outq.bytes > server.conf->max_queue)
		p->flags |= PEER_SLOW;
	server_want_write(p);
	if (!(p->flags & PEER_SLOW) && p->outq.bytes > quarter_queue() &&
	    p->soft_since == 0)
		p->soft_since = (float)(ev_now(server.loop) - server.started);
}

void
peer_check_queue(struct peer *p, ev_tstamp now)
{
	float	since;

	if (p->soft_since == 0 || (p->flags & PEER_CLOSING))
		return;
	since = (float)(now - server.started) - p->soft_since;
	if (since >= SOFT_QUEUE_SECS && p->outq.bytes > quarter_queue()) {
		server.stats.slow_cut++;
		log_info("%s: slow consumer: %zu bytes queued for %.0f s "
		    "(limit %zu)", peer_name(p), p->outq.bytes, since,
		    quarter_queue());
		peer_close(p, "slow consumer");
	}
}

/* Wait for the rate limit: stop reading until the bucket has a token. */
static void
peer_rate_wait(struct peer *p)
{
	p->flags |= PEER_RATED;
	ev_io_stop(server.loop, &p->rio);
	if (nrated == rated_size) {
		rated_size = rated_size == 0 ? 16 : rated_size * 2;
		rated = xreallocarray(rated, rated_size, sizeof *rated);
	}
	rated[nrated++] = p;
	server.stats.rate_waits++;
	if (!ev_is_active(&rate_w))
		ev_timer_again(server.loop, &rate_w);
}

static void
peer_rate_forget(struct peer *p)
{
	size_t	i;

	for (i = 0; i < nrated; i++) {
		if (rated[i] == p) {
			rated[i] = rated[--nrated];
			break;
		}
	}
	p->flags &= ~PEER_RATED;
}

/* A message from the peer: echoed back, or said in the room. */
static int
peer_message_cb(void *arg, const char *msg, size_t len, int flags)
{
	struct peer		*p = arg;
	const struct srvconf	*c = server.conf;
	static const char	 too_long[] = "*** line too long";

	server.stats.msgs_in++;
	if (flags & FRAME_CUT) {
		server.stats.lines_cut++;
		/* Counted for SIGUSR1; a line each would flood the log. */
		log_debug("%s: line over %zu bytes cut", peer_name(p),
		    c->max_line);
	}
	if (!c->broadcast) {
		peer_send_stamped(p, msg, len);
		if (flags & FRAME_CUT)
			peer_send_stamped(p, too_long, sizeof too_long - 1);
		return (p->flags & PEER_CLOSING) ? FRAME_STOP : FRAME_GO;
	}

	if (room_input(&p->member, msg, len, flags) == FRAME_STOP) {
		peer_finish(p);
		return FRAME_STOP;
	}
	if (p->flags & PEER_CLOSING)
		return FRAME_STOP;
	if (c->line_rate > 0) {
		(void)bucket_take(&p->bucket, c->line_rate,
		    c->line_rate * RATE_BURST_FACTOR, ev_now(server.loop));
		if (bucket_wait(&p->bucket, c->line_rate,
		    c->line_rate * RATE_BURST_FACTOR, ev_now(server.loop)) > 0)
			return FRAME_PAUSE;
	}
	return FRAME_GO;
}

/* Take DATA: messages until done or the rate limit; keep the rest. */
static void
peer_input(struct peer *p, const char *data, size_t len)
{
	const struct srvconf	*c = server.conf;
	size_t			 used;
	int			 rc;

	rc = frame_feed_some(&p->frame, c->framing, c->max_line, data, len,
	    peer_message_cb, p, &used);
	if (rc == -1 || (p->flags & (PEER_CLOSING | PEER_EOF)))
		return;
	if (rc == FRAME_PAUSE) {
		/* DATA may be p->held itself. */
		if (p->held == NULL)
			p->held = xmalloc(RATE_READ_BYTES);
		memmove(p->held, data + used, len - used);
		p->held_len = len - used;
	} else if (p->held != NULL) {
		free(p->held);
		p->held = NULL;
		p->held_len = 0;
	}
	if (rc == FRAME_PAUSE || (c->broadcast && c->line_rate > 0 &&
	    bucket_wait(&p->bucket, c->line_rate,
	    c->line_rate * RATE_BURST_FACTOR, ev_now(server.loop)) > 0))
		peer_rate_wait(p);
}

static void
peer_rate_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	const struct srvconf	*c = server.conf;
	struct peer		*p;
	size_t			 i = 0;

	while (i < nrated) {
		p = rated[i];
		if (bucket_wait(&p->bucket, c->line_rate,
		    c->line_rate * RATE_BURST_FACTOR, ev_now(loop)) > 0) {
			i++;
			continue;
		}
		/* Its slot now holds another peer: look at i again. */
		peer_rate_forget(p);
		/* Its lines are taken now: it is not idle. */
		server_peer_active(p);
		/* After "server shutting down" nobody says anything more. */
		if (p->held != NULL && !server_stopping())
			peer_input(p, p->held, p->held_len);
		if (!(p->flags & (PEER_CLOSING | PEER_EOF | PEER_RATED)))
			ev_io_start(loop, &p->rio);
	}
	if (nrated == 0)
		ev_timer_stop(loop, w);
}

void
peer_finish(struct peer *p)
{
	if (p->flags & (PEER_CLOSING | PEER_EOF))
		return;
	p->flags |= PEER_EOF;
	ev_io_stop(server.loop, &p->rio);
	/* The room's last lines are for P too. */
	if (server.conf->broadcast)
		room_flush();
	if (p->outq.bytes == 0)
		peer_close(p, NULL);
	else
		server_want_write(p);
}

static void
peer_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer		*p = container_of(w, struct peer, rio);
	const struct srvconf	*c = server.conf;
	size_t			 size = sizeof server.rbuf, slen;
	ssize_t			 n;

	/* A rate-limited peer is read a little at a time. */
	if (c->broadcast && c->line_rate > 0)
		size = RATE_READ_BYTES;
	else if (!c->broadcast) {
		/*
		 * Echo: a line of one byte comes back as a stamp and a byte,
		 * so one read may queue (stamp + 1) times its size; read so
		 * little that this stays near the quarter of --max-queue at
		 * which reading pauses.
		 */
		(void)server_stamp(&slen);
		size = MINIMUM(size, MAXIMUM(quarter_queue() / (slen + 1),
		    ECHO_READ_MIN_BYTES));
	}
	n = read(w->fd, server.rbuf, size);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		peer_close(p, strerror(errno));
		return;
	}
	server_peer_active(p);
	if (n == 0) {
		/* Half-close: an unfinished line still counts. */
		if (frame_finish(&p->frame, c->framing, c->max_line,
		    peer_message_cb, p) == 0)
			peer_finish(p);
		return;
	}
	server.stats.bytes_in += n;
	peer_input(p, server.rbuf, n);
	if (!c->broadcast && p->outq.bytes > quarter_queue() &&
	    !(p->flags & (PEER_THROTTLED | PEER_CLOSING | PEER_EOF))) {
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
	/* In a room a peer that does not keep up is cut; echo pauses it. */
	if (server.conf->broadcast && p->outq.bytes > server.conf->max_queue) {
		server.stats.slow_cut++;
		log_info("%s: slow consumer: %zu bytes queued (limit %zu)",
		    peer_name(p), p->outq.bytes, server.conf->max_queue);
		peer_close(p, "slow consumer");
		return;
	}
	p->flags &= ~PEER_SLOW;
	if (p->outq.bytes <= quarter_queue())
		p->soft_since = 0;

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
	if (p->flags & PEER_RATED)
		peer_rate_forget(p);
	if (why != NULL)
		log_info("%s: closed: %s", peer_name(p), why);
	else
		log_info("%s: closed", peer_name(p));
	close(p->rio.fd);
	outq_clear(&p->outq);
	frame_free(&p->frame);
	free(p->held);
	p->held = NULL;
	server_peer_closed(p);
	room_leave(&p->member, NULL, 0);
}

void
peer_free(struct peer *p)
{
	free(p);
}
