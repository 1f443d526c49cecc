/*
 * conn.c: the full-screen client's connection. It never gives up: a
 * refused or lost connection is tried again after 0.5 s, doubling to 30 s,
 * and the screen says so meanwhile.
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
#include "utf8.h"
#include "xmalloc.h"

#define BACKOFF_FIRST_SECS	0.5
#define BACKOFF_MAX_SECS	30.0
#define CONN_IOV_MAX		16

static char	rbuf[READ_BUF_BYTES];

static void	conn_try(struct conn *);

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

/* Drop the socket; try again after the backoff. */
static void
conn_lost(struct conn *c, int why)
{
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	outq_clear(&c->out);
	frame_free(&c->frame);
	c->joined = 0;
	c->tail_len = 0;
	c->retry_at = ev_now(c->loop) + c->backoff;
	arm(c, c->backoff);
	c->backoff = MINIMUM(c->backoff * 2, BACKOFF_MAX_SECS);
	set_state(c, CONN_WAITING, why);
}

static void
conn_flush(struct conn *c)
{
	struct iovec	iov[CONN_IOV_MAX];
	ssize_t		n;
	int		cnt;

	while (c->out.bytes > 0) {
		cnt = outq_iov(&c->out, iov, CONN_IOV_MAX, SIZE_MAX);
		n = writev(c->fd, iov, cnt);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_lost(c, errno);
			return;
		}
		outq_consume(&c->out, n);
	}
	if (c->out.bytes > 0)
		ev_io_start(c->loop, &c->wio);
	else
		ev_io_stop(c->loop, &c->wio);
}

static void
send_raw(struct conn *c, const char *data, size_t len)
{
	if (c->conf->udp) {
		/* A lost datagram is lost: UDP promises no more. */
		(void)send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		return;
	}
	outq_append(&c->out, data, len);
	conn_flush(c);
}

int
conn_send(struct conn *c, const char *line, size_t len)
{
	char	*buf;
	int	 nl = c->conf->framing == FRAME_LINE;

	if (c->state != CONN_UP)
		return -1;
	buf = xmalloc(len + 1);
	memcpy(buf, line, len);
	if (nl)
		buf[len++] = '\n';
	if (c->conf->udp) {
		free(c->last);
		c->last = buf;
		c->last_len = len;
		/* The server forgot us (--udp-peer-ttl): join again, once. */
		c->joined = 0;
		send_raw(c, buf, len);
	} else {
		send_raw(c, buf, len);
		free(buf);
	}
	return 0;
}

/* A UDP room's "*** send /join TOKEN": answer it, send the last again. */
static int
udp_join(struct conn *c, const char *msg, size_t len)
{
	const char	*tok;
	size_t		 toklen;
	char		 join[64];
	int		 n;

	if (!c->conf->udp || command_join_notice(msg, len, &tok, &toklen) == -1)
		return 0;
	if (c->joined)
		return 0;
	n = snprintf(join, sizeof join, "/join %.*s%s", (int)toklen, tok,
	    c->conf->framing == FRAME_LINE ? "\n" : "");
	send_raw(c, join, (size_t)n);
	if (c->last != NULL)
		send_raw(c, c->last, c->last_len);
	c->joined = 1;
	return 1;
}

static int
message_cb(void *arg, const char *msg, size_t len, int flags)
{
	struct conn	*c = arg;

	if (udp_join(c, msg, len))
		return FRAME_GO;
	c->ev->message(c->arg, msg, len);
	return c->state == CONN_UP ? FRAME_GO : FRAME_STOP;
}

static void
conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = container_of(w, struct conn, rio);
	enum frame_mode	 mode = c->conf->framing;
	size_t		 have = c->tail_len, keep = 0;
	ssize_t		 n;

	/* Raw TCP: the start of a character the last read ended in. */
	memcpy(rbuf, c->tail, have);
	n = recv(c->fd, rbuf + have, sizeof rbuf - have, 0);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		conn_lost(c, errno);
		return;
	}
	c->tail_len = 0;
	if (n == 0 && !c->conf->udp) {
		if (have > 0 && frame_feed(&c->frame, mode, READ_BUF_BYTES,
		    rbuf, have, message_cb, c) == -1)
			return;
		(void)frame_finish(&c->frame, mode, READ_BUF_BYTES, message_cb,
		    c);
		if (c->state == CONN_UP)
			conn_lost(c, 0);
		return;
	}
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
	if (c->conf->udp)
		(void)frame_finish(&c->frame, mode, READ_BUF_BYTES, message_cb,
		    c);
}

static void
conn_up(struct conn *c)
{
	char	*cmd;

	ev_timer_stop(c->loop, &c->timer);
	c->backoff = BACKOFF_FIRST_SECS;
	ev_io_start(c->loop, &c->rio);
	set_state(c, CONN_UP, 0);
	if (c->conf->nick != NULL) {
		xasprintf(&cmd, "/nick %s", c->conf->nick);
		(void)conn_send(c, cmd, strlen(cmd));
		free(cmd);
	}
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = container_of(w, struct conn, wio);
	socklen_t	 len = sizeof c->err;
	int		 err = 0;

	if (c->state == CONN_UP) {
		conn_flush(c);
		return;
	}
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
	conn_up(c);
}

/* Connect to the next address; after the last, wait and start over. */
static void
conn_try(struct conn *c)
{
	int	type = c->conf->udp ? SOCK_DGRAM : SOCK_STREAM;

	for (; c->ai != NULL; c->ai = c->ai->ai_next) {
		if ((c->fd = net_connect(type, c->ai->ai_addr,
		    c->ai->ai_addrlen)) != -1)
			break;
		c->err = errno;
	}
	if (c->ai == NULL) {
		c->ai = c->res;
		conn_lost(c, c->err);
		return;
	}
	ev_io_set(&c->rio, c->fd, EV_READ);
	ev_io_set(&c->wio, c->fd, EV_WRITE);
	if (c->conf->udp) {
		conn_up(c);
		return;
	}
	set_state(c, CONN_CONNECTING, 0);
	ev_io_start(c->loop, &c->wio);
	arm(c, CONNECT_TIMEOUT_SECS);
}

static void
conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn	*c = container_of(w, struct conn, timer);

	if (c->state == CONN_CONNECTING) {
		/* This address does not answer: the next one. */
		ev_io_stop(loop, &c->wio);
		close(c->fd);
		c->fd = -1;
		c->err = ETIMEDOUT;
		c->ai = c->ai->ai_next;
	}
	conn_try(c);
}

int
conn_start(struct conn *c, struct ev_loop *loop, const struct cliconf *conf,
    const struct conn_events *ev, void *arg, const char **err)
{
	memset(c, 0, sizeof *c);
	c->loop = loop;
	c->conf = conf;
	c->ev = ev;
	c->arg = arg;
	c->fd = -1;
	c->backoff = BACKOFF_FIRST_SECS;
	xasprintf(&c->name, strchr(conf->host, ':') != NULL ? "[%s]:%u" :
	    "%s:%u", conf->host, conf->port);
	if (net_resolve(conf->host, conf->port, conf->udp ? SOCK_DGRAM :
	    SOCK_STREAM, 0, &c->res, err) == -1) {
		free(c->name);
		c->name = NULL;
		return -1;
	}
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
		if (c->out.bytes > 0) {
			/* One last try, without waiting. */
			(void)net_set_nonblock(c->fd);
			conn_flush(c);
		}
		close(c->fd);
		c->fd = -1;
	}
	outq_clear(&c->out);
	frame_free(&c->frame);
	free(c->last);
	c->last = NULL;
	if (c->res != NULL)
		freeaddrinfo(c->res);
	c->res = NULL;
	free(c->name);
	c->name = NULL;
}
