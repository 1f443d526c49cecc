/*
 * linemode.c: the line-mode client, the tutorial's client made scriptable.
 * One libev loop moves each line of standard input to the server and each
 * message that comes back to standard output; framing, sanitising and the
 * output queue are the library's.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliconf.h"
#include "command.h"
#include "defaults.h"
#include EV_HEADER
#include "frame.h"
#include "linemode.h"
#include "log.h"
#include "net.h"
#include "outq.h"
#include "sanitize.h"
#include "xmalloc.h"

/* The longest line of input sent as one message; longer ones are split. */
#define INPUT_LINE_BYTES	(32 * 1024)
/* Standard input is not read while this much waits for the socket. */
#define OUTPUT_HIGH_BYTES	(64 * 1024)
/* UDP: once every request had its reply, how long to wait for more. */
#define UDP_GRACE_SECS		0.25
#define WRITE_IOV		16

enum state {
	CONNECTING,
	RUNNING,		/* sending standard input */
	FINISHING,		/* input ended: the last output and replies */
};

struct linemode {
	struct ev_loop		*loop;
	const struct cliconf	*conf;
	char			*name;		/* "HOST:PORT", for messages */
	struct addrinfo		*res, *ai;	/* all, and the one tried */
	int			 err;		/* why the last one failed */
	int			 fd;
	int			 udp;
	enum state		 state;

	ev_io			 stdin_w;
	ev_io			 read_w;
	ev_io			 write_w;	/* connect, then output */
	ev_timer		 timer;		/* see timer_cb */
	ev_tstamp		 deadline;	/* of FINISHING */
	ev_tstamp		 quiet_since;	/* a reply due since, or 0 */
	int			 gave_up;	/* a reply never came: no lockstep */

	char			 in[INPUT_LINE_BYTES];	/* input not sent */
	size_t			 inoff, inlen;
	int			 in_eof;

	struct outq		 out;		/* TCP: bytes for the socket */
	int			 blocked;	/* UDP: the socket was full */
	int			 awaiting;	/* lockstep: a reply is due */
	int			 settled;	/* UDP: no join is pending */

	/* UDP: the last datagram sent, again after a join. */
	char			 last[INPUT_LINE_BYTES + 1];
	size_t			 last_len;
	int			 last_resent;
	unsigned long		 requests, replies;	/* UDP datagrams */

	struct frame		 frame;
	int			 tty;		/* stdout is a terminal */
	FILE			*log;
};

/* A read is handled before the next is made: one buffer will do. */
static char	rbuf[READ_BUF_BYTES];
static char	safe[SANITIZE_MAX(READ_BUF_BYTES)];

static void
arm(struct linemode *lm, ev_tstamp secs)
{
	ev_timer_stop(lm->loop, &lm->timer);
	ev_timer_set(&lm->timer, secs, 0.);
	ev_timer_start(lm->loop, &lm->timer);
}

/* The end: stopping the watchers also drops any callback still pending. */
static void
done(struct linemode *lm)
{
	ev_io_stop(lm->loop, &lm->stdin_w);
	ev_io_stop(lm->loop, &lm->read_w);
	ev_io_stop(lm->loop, &lm->write_w);
	ev_timer_stop(lm->loop, &lm->timer);
	ev_break(lm->loop, EVBREAK_ALL);
}

/*
 * Lockstep: wait for the reply to what was just sent. --wait bounds the
 * silence as a whole: once a reply failed to come, the rest is sent
 * without waiting, and the end does not wait all over again.
 */
static void
await_reply(struct linemode *lm)
{
	if (lm->gave_up)
		return;
	lm->awaiting = 1;
	if (lm->quiet_since == 0)
		lm->quiet_since = ev_now(lm->loop);
	arm(lm, lm->quiet_since + lm->conf->wait - ev_now(lm->loop));
}

static void
flush_output(const struct linemode *lm)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die(1, errno, "%s", _("write error"));
	if (lm->log != NULL && (fflush(lm->log) == EOF || ferror(lm->log)))
		die(1, errno, _("cannot write to %s"), lm->conf->log_file);
}

/*
 * Send a datagram: 0 once sent (or lost, with a warning), -1 if the socket
 * is full. A refusal here is an old ICMP error, not this datagram's.
 */
static int
send_datagram(struct linemode *lm, const char *data, size_t len)
{
	int	tries;

	for (tries = 0; tries < 3; tries++) {
		if (send(lm->fd, data, len, 0) != -1)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return -1;
		if (errno != EINTR && errno != ECONNREFUSED)
			break;
	}
	prog_warn(_("cannot send to %s: %s"), lm->name, strerror(errno));
	return 0;
}

/* Send one line of input as a message; -1 if the UDP socket is full. */
static int
send_line(struct linemode *lm, const char *line, size_t len)
{
	int	nl = lm->conf->framing == FRAME_LINE;

	/* A raw message of nothing is no message and draws no reply. */
	if (!nl && len == 0)
		return 0;
	if (!lm->udp) {
		outq_append(&lm->out, line, len);
		if (nl)
			outq_append(&lm->out, "\n", 1);
	} else {
		len = MINIMUM(len, INPUT_LINE_BYTES);
		memcpy(lm->last, line, len);
		if (nl)
			lm->last[len++] = '\n';
		if (send_datagram(lm, lm->last, len) == -1) {
			lm->blocked = 1;
			return -1;
		}
		lm->last_len = len;
		lm->last_resent = 0;
		lm->requests++;
	}
	/* Raw framing has no end of message but the reply: one at a time. */
	if (lm->conf->framing == FRAME_RAW || (lm->udp && !lm->settled))
		await_reply(lm);
	return 0;
}

/*
 * A broadcast server answers a new UDP source only with "[STAMP] *** send
 * /join TOKEN" (DESIGN.md, UDP). Join, and send again the message that
 * drew it: the last one, as UDP goes in lockstep until a real reply came.
 * The notice must follow the stamp, so that relayed text cannot pose as
 * one; a message is sent again once only, so that a server that keeps
 * refusing makes no loop: its next notice is shown instead (return 0).
 */
static int
udp_join(struct linemode *lm, const char *msg, size_t len)
{
	const char	*tok;
	size_t		 toklen;
	char		 join[sizeof "/join \n" + COMMAND_TOKEN_MAX];

	if (lm->last_resent ||
	    command_join_notice(msg, len, &tok, &toklen) == -1)
		return 0;
	snprintf(join, sizeof join, "/join %.*s%s", (int)toklen, tok,
	    lm->conf->framing == FRAME_LINE ? "\n" : "");
	(void)send_datagram(lm, join, strlen(join));
	if (lm->last_len > 0) {
		(void)send_datagram(lm, lm->last, lm->last_len);
		lm->requests++;
	}
	lm->last_resent = 1;
	lm->settled = 0;
	if (lm->state == RUNNING)
		await_reply(lm);
	return 1;
}

static void
put_safe(FILE *f, const char *msg, size_t len)
{
	fwrite(safe, 1, sanitize(safe, msg, len, 1), f);
}

/* A message received: print it, byte-exact unless to a terminal. */
static int
print_msg(void *arg, const char *msg, size_t len, int flags UNUSED)
{
	struct linemode	*lm = arg;

	if (lm->udp) {
		if (udp_join(lm, msg, len))
			return 0;
		lm->settled = 1;
	}
	if (lm->tty)
		put_safe(stdout, msg, len);
	else
		fwrite(msg, 1, len, stdout);
	putchar('\n');
	if (lm->log != NULL) {
		put_safe(lm->log, msg, len);
		putc('\n', lm->log);
	}
	return 0;
}

/*
 * UDP has no close to wait for: it ends at the deadline, or UDP_GRACE_SECS
 * after the last reply once every request had one (in a room others'
 * messages count as replies too; the deadline still holds).
 */
static void
finish_wait(struct linemode *lm)
{
	ev_tstamp	left = lm->deadline - ev_now(lm->loop);

	arm(lm, lm->udp && lm->replies >= lm->requests ?
	    MINIMUM(UDP_GRACE_SECS, left) : left);
}

/*
 * Every line of input is queued or sent: replies are printed for at most
 * --wait seconds more. TCP half-closes once its queue is written.
 */
static void
finish(struct linemode *lm)
{
	lm->state = FINISHING;
	ev_io_stop(lm->loop, &lm->stdin_w);
	/* An error here (the peer reset) shows up on the next read. */
	if (!lm->udp && lm->out.bytes == 0)
		(void)shutdown(lm->fd, SHUT_WR);
	lm->deadline = (lm->quiet_since != 0 ? lm->quiet_since :
	    ev_now(lm->loop)) + lm->conf->wait;
	finish_wait(lm);
}

/* The server closed (ERRNUM 0) or the connection broke: the end. */
static void
server_gone(struct linemode *lm, int errnum)
{
	/* An unfinished last line counts as a line. */
	frame_finish(&lm->frame, lm->conf->framing, READ_BUF_BYTES, print_msg,
	    lm);
	flush_output(lm);
	/* Once the input ended, the server's close is the expected end. */
	if (lm->state == RUNNING && errnum != 0)
		prog_warn(_("connection to %s lost: %s"), lm->name,
		    strerror(errnum));
	else if (lm->state == RUNNING)
		prog_warn(_("%s closed the connection"), lm->name);
	done(lm);
}

/* Find the next line of input: its length, and the bytes it takes up. */
static int
next_line(const struct linemode *lm, size_t *len, size_t *used)
{
	const char	*s = lm->in + lm->inoff, *nl;

	if ((nl = memchr(s, '\n', lm->inlen)) != NULL) {
		*len = nl - s;
		*used = *len + 1;
		if (*len > 0 && s[*len - 1] == '\r')
			(*len)--;
		return 1;
	}
	/* A line that fills the buffer, or is cut short by the end. */
	if (lm->inlen == sizeof lm->in || (lm->in_eof && lm->inlen > 0)) {
		*len = *used = lm->inlen;
		return 1;
	}
	return 0;
}

static int
may_send(const struct linemode *lm)
{
	return lm->state == RUNNING && !lm->awaiting && !lm->blocked &&
	    lm->out.bytes < OUTPUT_HIGH_BYTES;
}

/*
 * After every event: send the lines that may go, then start the watchers
 * that are wanted now and stop the others.
 */
static void
pump(struct linemode *lm)
{
	size_t	len, used;

	while (may_send(lm) && next_line(lm, &len, &used)) {
		if (send_line(lm, lm->in + lm->inoff, len) == -1)
			break;
		lm->inoff += used;
		lm->inlen -= used;
	}
	if (lm->state == RUNNING && lm->in_eof && lm->inlen == 0 &&
	    !lm->awaiting && !lm->blocked)
		finish(lm);
	if (lm->state == RUNNING && !lm->in_eof && may_send(lm))
		ev_io_start(lm->loop, &lm->stdin_w);
	else
		ev_io_stop(lm->loop, &lm->stdin_w);
	if (lm->out.bytes > 0 || lm->blocked)
		ev_io_start(lm->loop, &lm->write_w);
	else
		ev_io_stop(lm->loop, &lm->write_w);
}

static void
stdin_cb(struct ev_loop *loop UNUSED, ev_io *w, int revents UNUSED)
{
	struct linemode	*lm = container_of(w, struct linemode, stdin_w);
	ssize_t		 n;

	if (lm->inoff > 0) {
		memmove(lm->in, lm->in + lm->inoff, lm->inlen);
		lm->inoff = 0;
	}
	n = read(STDIN_FILENO, lm->in + lm->inlen, sizeof lm->in - lm->inlen);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		die(1, errno, "%s", _("cannot read standard input"));
	}
	if (n == 0)
		lm->in_eof = 1;
	lm->inlen += n;
	pump(lm);
}

static void
connected(struct linemode *lm)
{
	char	*cmd;

	lm->state = RUNNING;
	ev_io_start(lm->loop, &lm->read_w);
	if (lm->conf->nick != NULL) {
		xasprintf(&cmd, "/nick %s", lm->conf->nick);
		(void)send_line(lm, cmd, strlen(cmd));
		free(cmd);
	}
	pump(lm);
}

/*
 * Open a socket to the next address that takes one; ERRNUM, if not 0, is
 * why the one in use failed.
 */
static void
connect_next(struct linemode *lm, int errnum)
{
	int	type = lm->udp ? SOCK_DGRAM : SOCK_STREAM;

	if (errnum != 0) {
		ev_io_stop(lm->loop, &lm->read_w);
		ev_io_stop(lm->loop, &lm->write_w);
		close(lm->fd);
		lm->err = errnum;
		lm->ai = lm->ai->ai_next;
	}
	for (; lm->ai != NULL; lm->ai = lm->ai->ai_next) {
		if ((lm->fd = net_connect(type, lm->ai->ai_addr,
		    lm->ai->ai_addrlen)) != -1)
			break;
		lm->err = errno;
	}
	if (lm->ai == NULL)
		die(1, lm->err, _("cannot connect to %s"), lm->name);
	ev_io_set(&lm->read_w, lm->fd, EV_READ);
	ev_io_set(&lm->write_w, lm->fd, EV_WRITE);
	if (!lm->udp) {
		/* Writable once the connect is done, or has failed. */
		ev_io_start(lm->loop, &lm->write_w);
		arm(lm, CONNECT_TIMEOUT_SECS);
	} else if (lm->state == CONNECTING)
		connected(lm);
	else
		ev_io_start(lm->loop, &lm->read_w);
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct linemode	*lm = container_of(w, struct linemode, read_w);
	ssize_t		 n;

	if ((n = recv(lm->fd, rbuf, sizeof rbuf, 0)) == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (!lm->udp) {
			server_gone(lm, errno);
			return;
		}
		/*
		 * ICMP refused a datagram. Before any reply that means the
		 * wrong address ("localhost" as ::1 for a server on 0.0.0.0):
		 * go on to the next, sending the one datagram in flight again.
		 * After one the server may be restarting: wait for it.
		 */
		if (errno == ECONNREFUSED && lm->replies == 0) {
			connect_next(lm, ECONNREFUSED);
			lm->blocked = 0;
			if (lm->last_len > 0)
				(void)send_datagram(lm, lm->last, lm->last_len);
			pump(lm);
		}
		return;
	}
	if (n == 0 && !lm->udp) {
		server_gone(lm, 0);
		return;
	}
	lm->replies++;
	lm->quiet_since = 0;
	if (lm->awaiting) {
		lm->awaiting = 0;
		ev_timer_stop(loop, &lm->timer);
	}
	/* A datagram's end also ends its line. */
	frame_feed(&lm->frame, lm->conf->framing, READ_BUF_BYTES, rbuf, n,
	    print_msg, lm);
	if (lm->udp)
		frame_finish(&lm->frame, lm->conf->framing, READ_BUF_BYTES,
		    print_msg, lm);
	flush_output(lm);
	if (lm->state == FINISHING)
		finish_wait(lm);
	pump(lm);
}

/* The socket is writable: connected, or room for output. */
static void
write_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct linemode	*lm = container_of(w, struct linemode, write_w);
	struct iovec	 iov[WRITE_IOV];
	struct msghdr	 msg;
	socklen_t	 len = sizeof lm->err;
	ssize_t		 n;

	if (lm->state == CONNECTING) {
		ev_io_stop(loop, w);
		ev_timer_stop(loop, &lm->timer);
		if (getsockopt(lm->fd, SOL_SOCKET, SO_ERROR, &lm->err,
		    &len) == -1)
			lm->err = errno;
		if (lm->err != 0)
			connect_next(lm, lm->err);
		else
			connected(lm);
		return;
	}
	if (lm->udp) {
		lm->blocked = 0;
		pump(lm);
		return;
	}
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = iov;
	msg.msg_iovlen = outq_iov(&lm->out, iov, WRITE_IOV, SIZE_MAX);
	if ((n = sendmsg(lm->fd, &msg, MSG_NOSIGNAL)) == -1) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			server_gone(lm, errno);
		return;
	}
	outq_consume(&lm->out, n);
	if (lm->state == FINISHING && lm->out.bytes == 0)
		(void)shutdown(lm->fd, SHUT_WR);
	pump(lm);
}

/*
 * The one timer: the connect timeout, the wait for a lockstep reply, and
 * the end of FINISHING.
 */
static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents UNUSED)
{
	struct linemode	*lm = container_of(w, struct linemode, timer);

	switch (lm->state) {
	case CONNECTING:
		connect_next(lm, ETIMEDOUT);
		break;
	case RUNNING:
		/* No reply in time: send the rest without waiting. */
		lm->awaiting = 0;
		lm->gave_up = 1;
		pump(lm);
		break;
	default:
		if (lm->out.bytes > 0)
			prog_warn(_("%s took nothing more: %zu bytes not sent"),
			    lm->name, lm->out.bytes);
		done(lm);
		break;
	}
}

int
linemode_run(const struct cliconf *c)
{
	struct linemode	*lm;
	struct addrinfo	*res;
	FILE		*log = NULL;
	const char	*why;

	/* What can fail at start fails before anything is allocated. */
	if (c->log_file != NULL && (log = fopen(c->log_file, "a")) == NULL)
		die(1, errno, _("cannot open %s"), c->log_file);
	if (net_resolve(c->host, c->port, c->udp ? SOCK_DGRAM : SOCK_STREAM,
	    0, &res, &why) == -1)
		die(1, 0, _("cannot resolve %s: %s"), c->host, why);
	lm = xcalloc(1, sizeof *lm);
	lm->conf = c;
	lm->udp = c->udp;
	lm->res = res;
	lm->log = log;
	xasprintf(&lm->name, strchr(c->host, ':') != NULL ? "[%s]:%u" :
	    "%s:%u", c->host, c->port);
	lm->tty = isatty(STDOUT_FILENO);

	lm->loop = EV_DEFAULT;
	ev_io_init(&lm->stdin_w, stdin_cb, STDIN_FILENO, EV_READ);
	ev_io_init(&lm->read_w, read_cb, -1, EV_READ);
	ev_io_init(&lm->write_w, write_cb, -1, EV_WRITE);
	ev_init(&lm->timer, timer_cb);
	lm->ai = lm->res;
	connect_next(lm, 0);
	ev_run(lm->loop, 0);

	flush_output(lm);
	if (lm->log != NULL && fclose(lm->log) == EOF)
		die(1, errno, _("cannot write to %s"), c->log_file);
	ev_loop_destroy(lm->loop);
	close(lm->fd);
	frame_free(&lm->frame);
	outq_clear(&lm->out);
	outq_shutdown();
	freeaddrinfo(lm->res);
	free(lm->name);
	free(lm);
	return 0;
}
