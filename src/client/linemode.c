/*
 * linemode.c: the line-mode client, the tutorial's client made scriptable.
 * One libev loop moves each line of standard input to the server and each
 * message that comes back to standard output. The connection is conn.c's,
 * under its CONN_ONCE policy: no reconnect, and a failure to connect ends
 * the program. What is line mode's own is the pace: lockstep where a
 * reply must come before the next line, and the wait at the end.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliconf.h"
#include "conn.h"
#include "defaults.h"
#include EV_HEADER
#include "frame.h"
#include "knownhosts.h"
#include "linemode.h"
#include "log.h"
#include "outq.h"
#include "sanitize.h"
#include "trust.h"
#include "xmalloc.h"

/* The longest line of input sent as one message; longer ones are split. */
#define INPUT_LINE_BYTES	(32 * 1024)
/* Standard input is not read while this much waits for the socket. */
#define OUTPUT_HIGH_BYTES	(64 * 1024)
/* UDP: once every request had its reply, how long to wait for more. */
#define UDP_GRACE_SECS		0.25

enum state {
	CONNECTING,
	RUNNING,		/* sending standard input */
	FINISHING,		/* input ended: the last output and replies */
};

struct linemode {
	struct ev_loop		*loop;
	const struct cliconf	*conf;
	struct conn		 conn;
	int			 udp;
	enum state		 state;

	ev_io			 stdin_w;
	ev_timer		 timer;		/* see timer_cb */
	ev_tstamp		 deadline;	/* of FINISHING */
	ev_tstamp		 quiet_since;	/* a reply due since, or 0 */
	int			 gave_up;	/* a reply never came: no lockstep */

	char			 in[INPUT_LINE_BYTES];	/* input not sent */
	size_t			 inoff, inlen;
	int			 in_eof;

	int			 blocked;	/* UDP: the socket was full */
	int			 awaiting;	/* lockstep: a reply is due */
	int			 settled;	/* UDP: no join is pending */
	int			 rejoined;	/* UDP: a join in this read */
	unsigned long		 requests, replies;	/* UDP datagrams */

	int			 tty;		/* stdout is a terminal */
	FILE			*log;
};

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
	ev_timer_stop(lm->loop, &lm->timer);
	conn_close(&lm->conn);
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

/* Send one line of input as a message; -1 if the UDP socket is full. */
static int
send_line(struct linemode *lm, const char *line, size_t len)
{
	/* A raw message of nothing is no message and draws no reply. */
	if (lm->conf->framing == FRAME_RAW && len == 0)
		return 0;
	switch (conn_send(&lm->conn, line, len)) {
	case CONN_FULL:
		lm->blocked = 1;
		return -1;
	case CONN_NOT_UP:
		return 0;
	case CONN_LOST:
		prog_warn(_("cannot send to %s: %s"), lm->conn.name,
		    strerror(errno));
		break;
	case CONN_SENT:
		break;
	}
	if (lm->udp)
		lm->requests++;
	/* Raw framing has no end of message but the reply: one at a time. */
	if (lm->conf->framing == FRAME_RAW || (lm->udp && !lm->settled))
		await_reply(lm);
	return 0;
}

static void
put_safe(FILE *f, const char *msg, size_t len)
{
	fwrite(safe, 1, sanitize(safe, msg, len, 1), f);
}

/* A message received: print it, byte-exact unless to a terminal. */
static void
on_message(void *arg, const char *msg, size_t len)
{
	struct linemode	*lm = arg;

	if (lm->udp)
		lm->settled = 1;
	if (lm->tty)
		put_safe(stdout, msg, len);
	else
		fwrite(msg, 1, len, stdout);
	putchar('\n');
	if (lm->log != NULL) {
		put_safe(lm->log, msg, len);
		putc('\n', lm->log);
	}
}

/*
 * UDP: a room answered with its token, and conn joined and sent the last
 * line again: that line's reply is due, and until a real reply comes the
 * lines go in lockstep (DESIGN.md, UDP).
 */
static void
on_joined(void *arg)
{
	struct linemode	*lm = arg;

	if (lm->conn.last_len > 0)
		lm->requests++;
	lm->settled = 0;
	lm->rejoined = 1;
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
	conn_shutdown(&lm->conn);
	lm->deadline = (lm->quiet_since != 0 ? lm->quiet_since :
	    ev_now(lm->loop)) + lm->conf->wait;
	finish_wait(lm);
}

/* The server closed (ERRNUM 0) or the connection broke: the end. */
static void
server_gone(struct linemode *lm, int errnum)
{
	flush_output(lm);
	/* Once the input ended, the server's close is the expected end. */
	if (lm->state == RUNNING && errnum != 0)
		prog_warn(_("connection to %s lost: %s"), lm->conn.name,
		    conn_why(&lm->conn, errnum));
	else if (lm->state == RUNNING)
		prog_warn(_("%s closed the connection"), lm->conn.name);
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
	    lm->conn.out.bytes < OUTPUT_HIGH_BYTES;
}

/*
 * After every event: send the lines that may go, then read standard input
 * only while more may go.
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
}

/*
 * A read from the server, its messages printed: a reply came. A join in
 * it asks for the reply to the line sent again.
 */
static void
on_received(void *arg)
{
	struct linemode	*lm = arg;

	lm->replies++;
	lm->quiet_since = 0;
	if (lm->awaiting) {
		lm->awaiting = 0;
		ev_timer_stop(lm->loop, &lm->timer);
	}
	if (lm->rejoined && lm->state == RUNNING)
		await_reply(lm);
	lm->rejoined = 0;
	flush_output(lm);
	if (lm->state == FINISHING)
		finish_wait(lm);
	pump(lm);
}

/* Room again: the TCP queue was written, or the UDP socket drained. */
static void
on_writable(void *arg)
{
	struct linemode	*lm = arg;

	lm->blocked = 0;
	pump(lm);
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
	if (lm->conf->nick != NULL) {
		xasprintf(&cmd, "/nick %s", lm->conf->nick);
		(void)send_line(lm, cmd, strlen(cmd));
		free(cmd);
	}
	pump(lm);
}

static void
on_state(void *arg, enum conn_state st, int why)
{
	struct linemode	*lm = arg;

	switch (st) {
	case CONN_UP:
		connected(lm);
		break;
	case CONN_FAILED:
		die(1, 0, _("cannot connect to %s: %s"), lm->conn.name,
		    conn_why(&lm->conn, why));
	case CONN_UNTRUSTED:
		/* on_verify() said why. */
		exit(1);
	case CONN_CLOSED:
		server_gone(lm, why);
		break;
	case CONN_CONNECTING:
	case CONN_WAITING:
		break;
	}
}

/* TLS: line mode never asks; an untrusted server is refused, and why. */
static int
on_verify(void *arg, const unsigned char pin[PIN_BYTES],
    const char *verify_error)
{
	struct linemode		*lm = arg;
	struct trust_case	 t;
	enum trust		 r;
	char			*msg, *kh;

	memset(&t, 0, sizeof t);
	t.hostport = lm->conn.name;
	memcpy(t.pin, pin, PIN_BYTES);
	t.verify_error = verify_error;
	t.known_hosts = kh = knownhosts_path();
	if ((r = trust_check(lm->conf, &t)) != TRUST_YES) {
		msg = trust_message(r, &t, 0);
		prog_warn("%s", msg);
		free(msg);
	}
	free(kh);
	return r == TRUST_YES;
}

static const struct conn_events conn_events = {
	.message = on_message,
	.state = on_state,
	.received = on_received,
	.joined = on_joined,
	.writable = on_writable,
	.verify = on_verify,
};

/*
 * The one timer: the wait for a lockstep reply, and the end of FINISHING.
 */
static void
timer_cb(struct ev_loop *loop UNUSED, ev_timer *w, int revents UNUSED)
{
	struct linemode	*lm = container_of(w, struct linemode, timer);

	switch (lm->state) {
	case RUNNING:
		/* No reply in time: send the rest without waiting. */
		lm->awaiting = 0;
		lm->gave_up = 1;
		pump(lm);
		break;
	case FINISHING:
		if (lm->conn.out.bytes > 0)
			prog_warn(_("%s took nothing more: %zu bytes not sent"),
			    lm->conn.name, lm->conn.out.bytes);
		done(lm);
		break;
	case CONNECTING:
		break;
	}
}

int
linemode_run(const struct cliconf *c)
{
	struct linemode	*lm;
	FILE		*log = NULL;
	const char	*why;

	if (c->log_file != NULL && (log = fopen(c->log_file, "a")) == NULL)
		die(1, errno, _("cannot open %s"), c->log_file);
	lm = xcalloc(1, sizeof *lm);
	lm->conf = c;
	lm->udp = c->udp;
	lm->log = log;
	lm->tty = isatty(STDOUT_FILENO);

	lm->loop = EV_DEFAULT;
	ev_io_init(&lm->stdin_w, stdin_cb, STDIN_FILENO, EV_READ);
	ev_init(&lm->timer, timer_cb);
	/* The connection may report at once: everything is ready for it. */
	if (conn_start(&lm->conn, lm->loop, c, CONN_ONCE, &conn_events, lm,
	    &why) == -1) {
		free(lm);
		die(1, 0, _("cannot resolve %s: %s"), c->host, why);
	}
	ev_run(lm->loop, 0);

	flush_output(lm);
	if (lm->log != NULL && fclose(lm->log) == EOF)
		die(1, errno, _("cannot write to %s"), c->log_file);
	conn_close(&lm->conn);
	ev_loop_destroy(lm->loop);
	outq_shutdown();
	free(lm);
	return 0;
}
