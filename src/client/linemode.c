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

struct client {
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
arm(struct client *cl, ev_tstamp secs)
{
	ev_timer_stop(cl->loop, &cl->timer);
	ev_timer_set(&cl->timer, secs, 0.);
	ev_timer_start(cl->loop, &cl->timer);
}

/* The end: stopping the watchers also drops any callback still pending. */
static void
done(struct client *cl)
{
	ev_io_stop(cl->loop, &cl->stdin_w);
	ev_io_stop(cl->loop, &cl->read_w);
	ev_io_stop(cl->loop, &cl->write_w);
	ev_timer_stop(cl->loop, &cl->timer);
	ev_break(cl->loop, EVBREAK_ALL);
}

/*
 * Lockstep: wait for the reply to what was just sent. --wait bounds the
 * silence as a whole: once a reply failed to come, the rest is sent
 * without waiting, and the end does not wait all over again.
 */
static void
await_reply(struct client *cl)
{
	if (cl->gave_up)
		return;
	cl->awaiting = 1;
	if (cl->quiet_since == 0)
		cl->quiet_since = ev_now(cl->loop);
	arm(cl, cl->quiet_since + cl->conf->wait - ev_now(cl->loop));
}

static void
flush_output(const struct client *cl)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die(1, errno, "%s", _("write error"));
	if (cl->log != NULL && (fflush(cl->log) == EOF || ferror(cl->log)))
		die(1, errno, _("cannot write to %s"), cl->conf->log_file);
}

/*
 * Send a datagram: 0 once sent (or lost, with a warning), -1 if the socket
 * is full. A refusal here is an old ICMP error, not this datagram's.
 */
static int
send_datagram(struct client *cl, const char *data, size_t len)
{
	int	tries;

	for (tries = 0; tries < 3; tries++) {
		if (send(cl->fd, data, len, 0) != -1)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return -1;
		if (errno != EINTR && errno != ECONNREFUSED)
			break;
	}
	prog_warn(_("cannot send to %s: %s"), cl->name, strerror(errno));
	return 0;
}

/* Send one line of input as a message; -1 if the UDP socket is full. */
static int
send_line(struct client *cl, const char *line, size_t len)
{
	int	nl = cl->conf->framing == FRAME_LINE;

	/* A raw message of nothing is no message and draws no reply. */
	if (!nl && len == 0)
		return 0;
	if (!cl->udp) {
		outq_append(&cl->out, line, len);
		if (nl)
			outq_append(&cl->out, "\n", 1);
	} else {
		len = MINIMUM(len, INPUT_LINE_BYTES);
		memcpy(cl->last, line, len);
		if (nl)
			cl->last[len++] = '\n';
		if (send_datagram(cl, cl->last, len) == -1) {
			cl->blocked = 1;
			return -1;
		}
		cl->last_len = len;
		cl->last_resent = 0;
		cl->requests++;
	}
	/* Raw framing has no end of message but the reply: one at a time. */
	if (cl->conf->framing == FRAME_RAW || (cl->udp && !cl->settled))
		await_reply(cl);
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
udp_join(struct client *cl, const char *msg, size_t len)
{
	const char	*tok;
	size_t		 toklen;
	char		 join[sizeof "/join \n" + COMMAND_TOKEN_MAX];

	if (cl->last_resent ||
	    command_join_notice(msg, len, &tok, &toklen) == -1)
		return 0;
	snprintf(join, sizeof join, "/join %.*s%s", (int)toklen, tok,
	    cl->conf->framing == FRAME_LINE ? "\n" : "");
	(void)send_datagram(cl, join, strlen(join));
	if (cl->last_len > 0) {
		(void)send_datagram(cl, cl->last, cl->last_len);
		cl->requests++;
	}
	cl->last_resent = 1;
	cl->settled = 0;
	if (cl->state == RUNNING)
		await_reply(cl);
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
	struct client	*cl = arg;

	if (cl->udp) {
		if (udp_join(cl, msg, len))
			return 0;
		cl->settled = 1;
	}
	if (cl->tty)
		put_safe(stdout, msg, len);
	else
		fwrite(msg, 1, len, stdout);
	putchar('\n');
	if (cl->log != NULL) {
		put_safe(cl->log, msg, len);
		putc('\n', cl->log);
	}
	return 0;
}

/*
 * UDP has no close to wait for: it ends at the deadline, or UDP_GRACE_SECS
 * after the last reply once every request had one (in a room others'
 * messages count as replies too; the deadline still holds).
 */
static void
finish_wait(struct client *cl)
{
	ev_tstamp	left = cl->deadline - ev_now(cl->loop);

	arm(cl, cl->udp && cl->replies >= cl->requests ?
	    MINIMUM(UDP_GRACE_SECS, left) : left);
}

/*
 * Every line of input is queued or sent: replies are printed for at most
 * --wait seconds more. TCP half-closes once its queue is written.
 */
static void
finish(struct client *cl)
{
	cl->state = FINISHING;
	ev_io_stop(cl->loop, &cl->stdin_w);
	/* An error here (the peer reset) shows up on the next read. */
	if (!cl->udp && cl->out.bytes == 0)
		(void)shutdown(cl->fd, SHUT_WR);
	cl->deadline = (cl->quiet_since != 0 ? cl->quiet_since :
	    ev_now(cl->loop)) + cl->conf->wait;
	finish_wait(cl);
}

/* The server closed (ERRNUM 0) or the connection broke: the end. */
static void
server_gone(struct client *cl, int errnum)
{
	/* An unfinished last line counts as a line. */
	frame_finish(&cl->frame, cl->conf->framing, READ_BUF_BYTES, print_msg,
	    cl);
	flush_output(cl);
	/* Once the input ended, the server's close is the expected end. */
	if (cl->state == RUNNING && errnum != 0)
		prog_warn(_("connection to %s lost: %s"), cl->name,
		    strerror(errnum));
	else if (cl->state == RUNNING)
		prog_warn(_("%s closed the connection"), cl->name);
	done(cl);
}

/* Find the next line of input: its length, and the bytes it takes up. */
static int
next_line(const struct client *cl, size_t *len, size_t *used)
{
	const char	*s = cl->in + cl->inoff, *nl;

	if ((nl = memchr(s, '\n', cl->inlen)) != NULL) {
		*len = nl - s;
		*used = *len + 1;
		if (*len > 0 && s[*len - 1] == '\r')
			(*len)--;
		return 1;
	}
	/* A line that fills the buffer, or is cut short by the end. */
	if (cl->inlen == sizeof cl->in || (cl->in_eof && cl->inlen > 0)) {
		*len = *used = cl->inlen;
		return 1;
	}
	return 0;
}

static int
may_send(const struct client *cl)
{
	return cl->state == RUNNING && !cl->awaiting && !cl->blocked &&
	    cl->out.bytes < OUTPUT_HIGH_BYTES;
}

/*
 * After every event: send the lines that may go, then start the watchers
 * that are wanted now and stop the others.
 */
static void
pump(struct client *cl)
{
	size_t	len, used;

	while (may_send(cl) && next_line(cl, &len, &used)) {
		if (send_line(cl, cl->in + cl->inoff, len) == -1)
			break;
		cl->inoff += used;
		cl->inlen -= used;
	}
	if (cl->state == RUNNING && cl->in_eof && cl->inlen == 0 &&
	    !cl->awaiting && !cl->blocked)
		finish(cl);
	if (cl->state == RUNNING && !cl->in_eof && may_send(cl))
		ev_io_start(cl->loop, &cl->stdin_w);
	else
		ev_io_stop(cl->loop, &cl->stdin_w);
	if (cl->out.bytes > 0 || cl->blocked)
		ev_io_start(cl->loop, &cl->write_w);
	else
		ev_io_stop(cl->loop, &cl->write_w);
}

static void
stdin_cb(struct ev_loop *loop UNUSED, ev_io *w, int revents UNUSED)
{
	struct client	*cl = container_of(w, struct client, stdin_w);
	ssize_t		 n;

	if (cl->inoff > 0) {
		memmove(cl->in, cl->in + cl->inoff, cl->inlen);
		cl->inoff = 0;
	}
	n = read(STDIN_FILENO, cl->in + cl->inlen, sizeof cl->in - cl->inlen);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		die(1, errno, "%s", _("cannot read standard input"));
	}
	if (n == 0)
		cl->in_eof = 1;
	cl->inlen += n;
	pump(cl);
}

static void
connected(struct client *cl)
{
	char	*cmd;

	cl->state = RUNNING;
	ev_io_start(cl->loop, &cl->read_w);
	if (cl->conf->nick != NULL) {
		xasprintf(&cmd, "/nick %s", cl->conf->nick);
		(void)send_line(cl, cmd, strlen(cmd));
		free(cmd);
	}
	pump(cl);
}

/*
 * Open a socket to the next address that takes one; ERRNUM, if not 0, is
 * why the one in use failed.
 */
static void
connect_next(struct client *cl, int errnum)
{
	int	type = cl->udp ? SOCK_DGRAM : SOCK_STREAM;

	if (errnum != 0) {
		ev_io_stop(cl->loop, &cl->read_w);
		ev_io_stop(cl->loop, &cl->write_w);
		close(cl->fd);
		cl->err = errnum;
		cl->ai = cl->ai->ai_next;
	}
	for (; cl->ai != NULL; cl->ai = cl->ai->ai_next) {
		if ((cl->fd = net_connect(type, cl->ai->ai_addr,
		    cl->ai->ai_addrlen)) != -1)
			break;
		cl->err = errno;
	}
	if (cl->ai == NULL)
		die(1, cl->err, _("cannot connect to %s"), cl->name);
	ev_io_set(&cl->read_w, cl->fd, EV_READ);
	ev_io_set(&cl->write_w, cl->fd, EV_WRITE);
	if (!cl->udp) {
		/* Writable once the connect is done, or has failed. */
		ev_io_start(cl->loop, &cl->write_w);
		arm(cl, CONNECT_TIMEOUT_SECS);
	} else if (cl->state == CONNECTING)
		connected(cl);
	else
		ev_io_start(cl->loop, &cl->read_w);
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct client	*cl = container_of(w, struct client, read_w);
	ssize_t		 n;

	if ((n = recv(cl->fd, rbuf, sizeof rbuf, 0)) == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (!cl->udp) {
			server_gone(cl, errno);
			return;
		}
		/*
		 * ICMP refused a datagram. Before any reply that means the
		 * wrong address ("localhost" as ::1 for a server on 0.0.0.0):
		 * go on to the next, sending the one datagram in flight again.
		 * After one the server may be restarting: wait for it.
		 */
		if (errno == ECONNREFUSED && cl->replies == 0) {
			connect_next(cl, ECONNREFUSED);
			cl->blocked = 0;
			if (cl->last_len > 0)
				(void)send_datagram(cl, cl->last, cl->last_len);
			pump(cl);
		}
		return;
	}
	if (n == 0 && !cl->udp) {
		server_gone(cl, 0);
		return;
	}
	cl->replies++;
	cl->quiet_since = 0;
	if (cl->awaiting) {
		cl->awaiting = 0;
		ev_timer_stop(loop, &cl->timer);
	}
	/* A datagram's end also ends its line. */
	frame_feed(&cl->frame, cl->conf->framing, READ_BUF_BYTES, rbuf, n,
	    print_msg, cl);
	if (cl->udp)
		frame_finish(&cl->frame, cl->conf->framing, READ_BUF_BYTES,
		    print_msg, cl);
	flush_output(cl);
	if (cl->state == FINISHING)
		finish_wait(cl);
	pump(cl);
}

/* The socket is writable: connected, or room for output. */
static void
write_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct client	*cl = container_of(w, struct client, write_w);
	struct iovec	 iov[WRITE_IOV];
	struct msghdr	 msg;
	socklen_t	 len = sizeof cl->err;
	ssize_t		 n;

	if (cl->state == CONNECTING) {
		ev_io_stop(loop, w);
		ev_timer_stop(loop, &cl->timer);
		if (getsockopt(cl->fd, SOL_SOCKET, SO_ERROR, &cl->err,
		    &len) == -1)
			cl->err = errno;
		if (cl->err != 0)
			connect_next(cl, cl->err);
		else
			connected(cl);
		return;
	}
	if (cl->udp) {
		cl->blocked = 0;
		pump(cl);
		return;
	}
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = iov;
	msg.msg_iovlen = outq_iov(&cl->out, iov, WRITE_IOV, SIZE_MAX);
	if ((n = sendmsg(cl->fd, &msg, MSG_NOSIGNAL)) == -1) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			server_gone(cl, errno);
		return;
	}
	outq_consume(&cl->out, n);
	if (cl->state == FINISHING && cl->out.bytes == 0)
		(void)shutdown(cl->fd, SHUT_WR);
	pump(cl);
}

/*
 * The one timer: the connect timeout, the wait for a lockstep reply, and
 * the end of FINISHING.
 */
static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents UNUSED)
{
	struct client	*cl = container_of(w, struct client, timer);

	switch (cl->state) {
	case CONNECTING:
		connect_next(cl, ETIMEDOUT);
		break;
	case RUNNING:
		/* No reply in time: send the rest without waiting. */
		cl->awaiting = 0;
		cl->gave_up = 1;
		pump(cl);
		break;
	default:
		if (cl->out.bytes > 0)
			prog_warn(_("%s took nothing more: %zu bytes not sent"),
			    cl->name, cl->out.bytes);
		done(cl);
		break;
	}
}

int
linemode_run(const struct cliconf *c)
{
	struct client	*cl;
	struct addrinfo	*res;
	FILE		*log = NULL;
	const char	*why;

	/* What can fail at start fails before anything is allocated. */
	if (c->log_file != NULL && (log = fopen(c->log_file, "a")) == NULL)
		die(1, errno, _("cannot open %s"), c->log_file);
	if (net_resolve(c->host, c->port, c->udp ? SOCK_DGRAM : SOCK_STREAM,
	    0, &res, &why) == -1)
		die(1, 0, _("cannot resolve %s: %s"), c->host, why);
	cl = xcalloc(1, sizeof *cl);
	cl->conf = c;
	cl->udp = c->udp;
	cl->res = res;
	cl->log = log;
	xasprintf(&cl->name, strchr(c->host, ':') != NULL ? "[%s]:%u" :
	    "%s:%u", c->host, c->port);
	cl->tty = isatty(STDOUT_FILENO);

	cl->loop = EV_DEFAULT;
	ev_io_init(&cl->stdin_w, stdin_cb, STDIN_FILENO, EV_READ);
	ev_io_init(&cl->read_w, read_cb, -1, EV_READ);
	ev_io_init(&cl->write_w, write_cb, -1, EV_WRITE);
	ev_init(&cl->timer, timer_cb);
	cl->ai = cl->res;
	connect_next(cl, 0);
	ev_run(cl->loop, 0);

	flush_output(cl);
	if (cl->log != NULL && fclose(cl->log) == EOF)
		die(1, errno, _("cannot write to %s"), c->log_file);
	ev_loop_destroy(cl->loop);
	close(cl->fd);
	frame_free(&cl->frame);
	outq_clear(&cl->out);
	outq_shutdown();
	freeaddrinfo(cl->res);
	free(cl->name);
	free(cl);
	return 0;
}
