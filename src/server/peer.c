/*
 * peer.c: TCP peers. Reads go into the shared buffer and through the
 * framer; what a peer is owed waits in its output queue, written in
 * batches before the loop sleeps. When a peer does not read what it is
 * sent, the service says what happens: echo stops reading it until it
 * drains, a room cuts it when its queue passes the limit, so that no one
 * waits for it. A peer over --line-rate keeps what it sent in its socket:
 * it is read again when its bucket allows.
 *
 * Close is not free: a closed peer stays allocated until the write pass
 * ends, so nothing that walks peers trips over it.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admission.h"
#include "core.h"
#include "defaults.h"
#include "frame.h"
#include "log.h"
#include "outq.h"
#include "peer.h"
#include "pool.h"
#include "ratelimit.h"
#include "service.h"
#include "xmalloc.h"

#define PEER_IOV_MAX	64

/* Heap the peers gave back that makes trimming the heap worth it. */
#define PEER_TRIM_BYTES	(256 * 1024)

#define PEER_PENDING	0x01	/* on the pending-write list */
#define PEER_CLOSING	0x02	/* closed; waiting to be freed */
#define PEER_EOF	0x04	/* read side done: close once flushed */
#define PEER_THROTTLED	0x08	/* not read while its output drains */
#define PEER_RATED	0x10	/* not read until --line-rate allows */
#define PEER_SLOW	0x20	/* over --max-queue: judged at the next flush */
#define PEER_WAITING	0x40	/* not read while its /join waits */

/*
 * Thousands of these sit idle: the fields are packed and times are kept
 * in 32 bits, counted from the server's start. libev leaves a watcher's
 * data pointer to us: the write watcher's links the pending list.
 */
struct peer {
	ev_io		 rio;
	ev_io		 wio;		/* data: the next pending peer */
	struct peer	*prev;		/* peers, oldest activity first */
	struct peer	*next;		/* ... or the graveyard, once closed */
	struct member	 member;	/* holds the address */
	struct frame	 frame;
	struct outq	 outq;
	char		*held;		/* read but not yet taken (rate) */
	double		 tokens;	/* --line-rate: its bucket's tokens */
	uint32_t	 tokens_ms;	/* ... counted at this time */
	uint32_t	 held_len:24;
	uint32_t	 flags:8;
	float		 soft_since;	/* over a quarter of --max-queue since */
	uint32_t	 last_read;	/* tenths of a second */
};

/* A read, and so what a peer holds, fits in held_len. */
_Static_assert(READ_BUF_BYTES < (1 << 24), "held_len too small");

static void	peer_read_cb(struct ev_loop *, ev_io *, int);
static void	peer_write_cb(struct ev_loop *, ev_io *, int);
static void	peer_rate_cb(struct ev_loop *, ev_timer *, int);
static void	peer_deliver(struct member *, const struct slice *);
static void	peer_resume(struct member *);
static void	peer_close(struct peer *, const char *why);

static const struct member_ops peer_ops = {
	.deliver = peer_deliver,
	.batched = 1,
	.resume = peer_resume,
};

static struct peer	*peers;		/* open, by activity */
static struct peer	*peers_tail;
static unsigned int	 npeers;
static struct peer	*pending;	/* with output to write */
static struct peer	*graveyard;	/* closed, to be freed */
static struct pool	 peer_pool;	/* every peer's memory */
static size_t		 heap_freed;	/* rings freed since the last trim */

/* Peers waiting for --line-rate, and the timer that lets them go on. */
static struct peer	**rated;
static size_t		  nrated, rated_size;
static ev_timer		  rate_w;

/* The peer's address as text, in a static buffer. */
static const char *
peer_name(const struct peer *p)
{
	static char	buf[ADDR_STRLEN];

	return addr_format(&p->member.addr, buf);
}

void
peers_init(void)
{
	double	every = 0.1;

	if (core.conf->line_rate > 0 && 1.0 / core.conf->line_rate < every)
		every = 1.0 / core.conf->line_rate;
	ev_timer_init(&rate_w, peer_rate_cb, every, every);
	pool_init(&peer_pool, sizeof(struct peer), _Alignof(struct peer));
}

unsigned int
peers_count(void)
{
	return npeers;
}

/* T in UNITS a second since the server started, modulo 2^32. */
static uint32_t
since_start(ev_tstamp t, double units)
{
	return (uint32_t)(int64_t)((t - core.started) * units);
}

/* Take P out of the list of peers. */
static void
unlink_peer(struct peer *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		peers = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		peers_tail = p->prev;
	p->prev = p->next = NULL;
}

/* Append P to the list of peers: the most recently active end. */
static void
append_peer(struct peer *p)
{
	p->next = NULL;
	p->prev = peers_tail;
	if (peers_tail != NULL)
		peers_tail->next = p;
	else
		peers = p;
	peers_tail = p;
}

/* P sent something: it is the most recently active now. */
static void
peer_active(struct peer *p)
{
	p->last_read = since_start(ev_now(core.loop), 10);
	if (peers_tail != p) {
		unlink_peer(p);
		append_peer(p);
	}
}

/* Queue P for the next write pass. */
static void
want_write(struct peer *p)
{
	if (p->flags & (PEER_PENDING | PEER_CLOSING))
		return;
	/*
	 * While the write watcher runs, it will write this too; but a peer
	 * over --max-queue is judged at the next flush, writable or not.
	 */
	if (ev_is_active(&p->wio) && !(p->flags & PEER_SLOW))
		return;
	p->flags |= PEER_PENDING;
	p->wio.data = pending;
	pending = p;
}

void
peer_create(int fd, const struct addr *a)
{
	struct peer	*p;

	p = pool_get(&peer_pool);
	p->member.ops = &peer_ops;
	p->member.addr = *a;
	p->last_read = since_start(ev_now(core.loop), 10);
	p->tokens = core.conf->line_rate * RATE_BURST_FACTOR;
	p->tokens_ms = since_start(ev_now(core.loop), 1000);
	ev_io_init(&p->rio, peer_read_cb, fd, EV_READ);
	ev_io_init(&p->wio, peer_write_cb, fd, EV_WRITE);
	ev_io_start(core.loop, &p->rio);
	append_peer(p);
	npeers++;
	core.stats.accepted++;
	log_info("%s: connected (%u online)", peer_name(p), npeers);
	core.service->joined(&p->member);
}

static size_t
quarter_queue(void)
{
	return core.conf->max_queue / SOFT_QUEUE_DIVISOR;
}

static void
peer_deliver(struct member *m, const struct slice *s)
{
	struct peer	*p = container_of(m, struct peer, member);

	if (p->flags & PEER_CLOSING)
		return;
	outq_push(&p->outq, s);
	/* Over the limit: the next flush writes what it can, then judges. */
	if (p->outq.bytes > core.conf->max_queue)
		p->flags |= PEER_SLOW;
	want_write(p);
	if (!(p->flags & PEER_SLOW) && p->outq.bytes > quarter_queue() &&
	    p->soft_since == 0)
		p->soft_since = (float)(ev_now(core.loop) - core.started);
}

/* Cut P if it stayed over the soft queue limit for too long. */
static void
check_queue(struct peer *p, ev_tstamp now)
{
	float	since;

	if (p->soft_since == 0 || (p->flags & PEER_CLOSING))
		return;
	since = (float)(now - core.started) - p->soft_since;
	if (since >= SOFT_QUEUE_SECS && p->outq.bytes > quarter_queue()) {
		core.stats.slow_cut++;
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
	ev_io_stop(core.loop, &p->rio);
	if (nrated == rated_size) {
		rated_size = rated_size == 0 ? 16 : rated_size * 2;
		rated = xreallocarray(rated, rated_size, sizeof *rated);
	}
	rated[nrated++] = p;
	core.stats.rate_waits++;
	if (!ev_is_active(&rate_w))
		ev_timer_again(core.loop, &rate_w);
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

/*
 * P's --line-rate bucket as ratelimit.c's, at NOW_MS: return the time of
 * NOW_MS counted from when its tokens were counted.
 */
static double
peer_bucket(const struct peer *p, struct bucket *b, uint32_t now_ms)
{
	bucket_init(b, p->tokens, 0.0);
	return (int32_t)(now_ms - p->tokens_ms) / 1000.0;
}

/* Take a token from P's bucket, if there is one. */
static void
peer_rate_take(struct peer *p)
{
	unsigned int	rate = core.conf->line_rate;
	struct bucket	b;
	uint32_t	now = since_start(ev_now(core.loop), 1000);

	(void)bucket_take(&b, rate, rate * RATE_BURST_FACTOR,
	    peer_bucket(p, &b, now));
	p->tokens = b.tokens;
	if (b.last > 0)		/* time went on */
		p->tokens_ms = now;
}

/* Whether P must wait before it may send another line. */
static int
peer_over_rate(struct peer *p)
{
	unsigned int	rate = core.conf->line_rate;
	struct bucket	b;
	double		t;

	if (!core.service->rated || rate == 0)
		return 0;
	t = peer_bucket(p, &b, since_start(ev_now(core.loop), 1000));
	return bucket_wait(&b, rate, rate * RATE_BURST_FACTOR, t) > 0;
}

/*
 * A bucket a day old is full: count it from now, so that its age never
 * wraps around (at 24 days).
 */
static void
peer_rate_age(struct peer *p, uint32_t now_ms)
{
	if ((int32_t)(now_ms - p->tokens_ms) > 86400 * 1000) {
		p->tokens = core.conf->line_rate * RATE_BURST_FACTOR;
		p->tokens_ms = now_ms;
	}
}

/* Stop reading P and close it once everything queued is written. */
static void
peer_finish(struct peer *p)
{
	if (p->flags & (PEER_CLOSING | PEER_EOF))
		return;
	p->flags |= PEER_EOF;
	ev_io_stop(core.loop, &p->rio);
	/*
	 * The write pass closes it when its queue is empty: what the
	 * service gathers for it in this loop iteration is still its own.
	 */
	want_write(p);
}

/* A message from the peer, for the service. */
static int
peer_message_cb(void *arg, const char *msg, size_t len, int flags)
{
	struct peer		*p = arg;
	const struct srvconf	*c = core.conf;

	core.stats.msgs_in++;
	if (flags & FRAME_CUT) {
		core.stats.lines_cut++;
		/* Counted for SIGUSR1; a line each would flood the log. */
		log_debug("%s: line over %zu bytes cut", peer_name(p),
		    c->max_line);
	}
	if (core.service->message(&p->member, msg, len, flags) ==
	    FRAME_STOP) {
		peer_finish(p);
		return FRAME_STOP;
	}
	if (p->flags & PEER_CLOSING)
		return FRAME_STOP;
	if (core.service->rated && c->line_rate > 0) {
		peer_rate_take(p);
		if (peer_over_rate(p))
			return FRAME_PAUSE;
	}
	/* What it sent after this waits with it (its /join). */
	if (p->member.waiting)
		return FRAME_PAUSE;
	return FRAME_GO;
}

/* Take DATA: messages until done or the rate limit; keep the rest. */
static void
peer_input(struct peer *p, const char *data, size_t len)
{
	const struct srvconf	*c = core.conf;
	size_t			 used;
	int			 rc;

	rc = frame_feed_some(&p->frame, c->framing, c->max_line, data, len,
	    peer_message_cb, p, &used);
	if (rc == -1 || (p->flags & (PEER_CLOSING | PEER_EOF)))
		return;
	if (rc == FRAME_PAUSE) {
		/* DATA may be p->held itself. */
		/* A read of a peer not rate-limited is larger than that. */
		if (p->held == NULL)
			p->held = xmalloc(MAXIMUM(len - used, 1));
		memmove(p->held, data + used, len - used);
		p->held_len = len - used;
	} else if (p->held != NULL) {
		free(p->held);
		p->held = NULL;
		p->held_len = 0;
	}
	if (p->member.waiting) {
		/* Not read until peer_resume(). */
		p->flags |= PEER_WAITING;
		ev_io_stop(core.loop, &p->rio);
	} else if (rc == FRAME_PAUSE || peer_over_rate(p))
		peer_rate_wait(p);
}

/* The service lets a waiting peer go on: what it held, then reading. */
static void
peer_resume(struct member *m)
{
	struct peer	*p = container_of(m, struct peer, member);

	if (!(p->flags & PEER_WAITING) || m->waiting)
		return;
	p->flags &= ~PEER_WAITING;
	if (p->flags & (PEER_CLOSING | PEER_EOF | PEER_RATED))
		return;		/* the rate timer goes on with it */
	if (peer_over_rate(p)) {
		peer_rate_wait(p);
		return;
	}
	if (p->held != NULL && !core.stopping)
		peer_input(p, p->held, p->held_len);
	if (!(p->flags & (PEER_CLOSING | PEER_EOF | PEER_RATED |
	    PEER_WAITING | PEER_THROTTLED)))
		ev_io_start(core.loop, &p->rio);
}

static void
peer_rate_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p;
	size_t		 i = 0;

	while (i < nrated) {
		p = rated[i];
		if (peer_over_rate(p)) {
			i++;
			continue;
		}
		/* Its slot now holds another peer: look at i again. */
		peer_rate_forget(p);
		/* Its lines are taken now: it is not idle. */
		peer_active(p);
		/* After "server shutting down" nobody says anything more. */
		if (p->held != NULL && !core.stopping &&
		    !(p->flags & PEER_WAITING))
			peer_input(p, p->held, p->held_len);
		if (!(p->flags & (PEER_CLOSING | PEER_EOF | PEER_RATED |
		    PEER_WAITING)))
			ev_io_start(loop, &p->rio);
	}
	if (nrated == 0)
		ev_timer_stop(loop, w);
}

/* How much to read at once. */
static size_t
read_size(void)
{
	size_t	slen;

	/* A rate-limited peer is read a little at a time. */
	if (core.service->rated && core.conf->line_rate > 0)
		return RATE_READ_BYTES;
	if (core.service->cut_slow)
		return sizeof core.rbuf;
	/*
	 * Paused when it does not read: a line of one byte comes back as a
	 * stamp and a byte, so one read may queue (stamp + 1) times its
	 * size; read so little that this stays near the quarter of
	 * --max-queue at which reading pauses.
	 */
	(void)core_stamp(&slen);
	return MINIMUM(sizeof core.rbuf, MAXIMUM(quarter_queue() / (slen + 1),
	    ECHO_READ_MIN_BYTES));
}

static void
peer_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer		*p = container_of(w, struct peer, rio);
	const struct srvconf	*c = core.conf;
	ssize_t			 n;

	n = read(w->fd, core.rbuf, read_size());
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		peer_close(p, strerror(errno));
		return;
	}
	peer_active(p);
	if (n == 0) {
		/* Half-close: an unfinished line still counts. */
		if (frame_finish(&p->frame, c->framing, c->max_line,
		    peer_message_cb, p) == -1)
			return;
		if (p->member.waiting) {
			/*
			 * That line was a /join that waits: the end waits
			 * for it; reading again after peer_resume() finds
			 * the end again.
			 */
			p->flags |= PEER_WAITING;
			ev_io_stop(loop, &p->rio);
			return;
		}
		peer_finish(p);
		return;
	}
	core.stats.bytes_in += n;
	peer_input(p, core.rbuf, n);
	if (!core.service->cut_slow && p->outq.bytes > quarter_queue() &&
	    !(p->flags & (PEER_THROTTLED | PEER_CLOSING | PEER_EOF))) {
		/* It sends faster than it reads: wait for it to drain. */
		p->flags |= PEER_THROTTLED;
		core.stats.backpressure++;
		ev_io_stop(loop, &p->rio);
		log_debug("%s: output queue at %zu bytes, reading paused",
		    peer_name(p), p->outq.bytes);
	}
}

/*
 * Write what is queued, at most a pass's share; start the write watcher
 * if some is left.
 */
static void
peer_flush(struct peer *p)
{
	struct iovec	iov[PEER_IOV_MAX];
	struct msghdr	msg;
	size_t		budget = WRITE_PER_PASS_BYTES;
	ssize_t		n;
	int		iovcnt;

	while (p->outq.bytes > 0 && budget > 0) {
		iovcnt = outq_iov(&p->outq, iov, PEER_IOV_MAX, budget);
		/* Mostly one slice (a room's lines of an iteration): send(). */
		if (iovcnt == 1)
			n = send(p->wio.fd, iov[0].iov_base, iov[0].iov_len,
			    MSG_NOSIGNAL);
		else {
			memset(&msg, 0, sizeof msg);
			msg.msg_iov = iov;
			msg.msg_iovlen = iovcnt;
			n = sendmsg(p->wio.fd, &msg, MSG_NOSIGNAL);
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			peer_close(p, strerror(errno));
			return;
		}
		outq_consume(&p->outq, n);
		core.stats.bytes_out += n;
		budget -= MINIMUM(budget, (size_t)n);
	}
	if (core.service->cut_slow && p->outq.bytes > core.conf->max_queue) {
		core.stats.slow_cut++;
		log_info("%s: slow consumer: %zu bytes queued (limit %zu)",
		    peer_name(p), p->outq.bytes, core.conf->max_queue);
		peer_close(p, "slow consumer");
		return;
	}
	p->flags &= ~PEER_SLOW;
	if (p->outq.bytes <= quarter_queue())
		p->soft_since = 0;

	if (p->outq.bytes > 0) {
		ev_io_start(core.loop, &p->wio);
		return;
	}
	ev_io_stop(core.loop, &p->wio);
	if (p->flags & PEER_EOF) {
		peer_close(p, NULL);
		return;
	}
	if (p->flags & PEER_THROTTLED) {
		p->flags &= ~PEER_THROTTLED;
		if (!(p->flags & PEER_WAITING))
			ev_io_start(core.loop, &p->rio);
	}
}

static void
peer_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	peer_flush(container_of(w, struct peer, wio));
}

int
peers_write(void)
{
	struct peer	*p, *list;

	if ((list = pending) == NULL)
		return 0;
	pending = NULL;
	while ((p = list) != NULL) {
		list = p->wio.data;
		p->wio.data = NULL;
		p->flags &= ~PEER_PENDING;
		if (!(p->flags & PEER_CLOSING))
			peer_flush(p);
	}
	return 1;
}

/* Close now: stop watchers, close the socket, unlink; free later. */
static void
peer_close(struct peer *p, const char *why)
{
	if (p->flags & PEER_CLOSING)
		return;
	p->flags |= PEER_CLOSING;
	ev_io_stop(core.loop, &p->rio);
	ev_io_stop(core.loop, &p->wio);
	if (p->flags & PEER_RATED)
		peer_rate_forget(p);
	if (why != NULL)
		log_info("%s: closed: %s", peer_name(p), why);
	else
		log_info("%s: closed", peer_name(p));
	close(p->rio.fd);
	heap_freed += p->outq.size * sizeof(struct slice);
	outq_clear(&p->outq);
	frame_free(&p->frame);
	free(p->held);
	p->held = NULL;
	unlink_peer(p);
	npeers--;
	admission_release(&p->member.addr);
	/* p->next is free now: it links the graveyard. */
	p->next = graveyard;
	graveyard = p;
	core.service->left(&p->member, NULL, 0);
	if (core.stopping && npeers == 0)
		ev_break(core.loop, EVBREAK_ALL);
}

void
peers_reap(void)
{
	struct peer	*p;

	while ((p = graveyard) != NULL) {
		graveyard = p->next;
		pool_put(&peer_pool, p);
	}
}

/*
 * When peers fell behind, in a connect storm say, their output rings were
 * allocated and freed among other allocations that live on; the heap keeps
 * those holes resident. Give them back to the system once enough is free.
 */
static void
peers_trim(void)
{
	if (heap_freed < PEER_TRIM_BYTES)
		return;
	heap_freed = 0;
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

void
peers_cron(ev_tstamp now)
{
	static const char	 idle[] = "idle timeout";
	const struct srvconf	*c = core.conf;
	struct peer		*p, *next;
	uint32_t		 now_ms;

	/* Oldest activity first: stop at the first peer still active. */
	for (p = peers; c->idle_timeout > 0 && p != NULL; p = next) {
		next = p->next;
		if ((int32_t)(since_start(now, 10) - p->last_read) <
		    (int64_t)c->idle_timeout * 10)
			break;
		/* Not read because of us (rate, backpressure): not idle. */
		if (p->flags & (PEER_EOF | PEER_CLOSING | PEER_RATED |
		    PEER_THROTTLED | PEER_WAITING))
			continue;
		core.stats.idle_cut++;
		log_info("%s: idle for %u s", peer_name(p), c->idle_timeout);
		core.service->notice(&p->member, idle, sizeof idle - 1);
		peer_finish(p);
	}
	now_ms = since_start(now, 1000);
	for (p = peers; p != NULL; p = next) {
		next = p->next;
		/* A ring emptied since the last tick is let go. */
		heap_freed += outq_shrink(&p->outq);
		if (core.service->cut_slow)
			check_queue(p, now);
		if (core.service->rated && !(p->flags & PEER_CLOSING))
			peer_rate_age(p, now_ms);
	}
	peers_trim();
}

void
peers_each(void (*fn)(struct member *))
{
	struct peer	*p, *next;

	for (p = peers; p != NULL; p = next) {
		next = p->next;
		fn(&p->member);
	}
}

void
peers_finish(void)
{
	struct peer	*p, *next;

	for (p = peers; p != NULL; p = next) {
		next = p->next;
		peer_finish(p);
	}
}

void
peers_close(void)
{
	while (peers != NULL)
		peer_close(peers, NULL);
	peers_reap();
}

void
peers_free(void)
{
	ev_timer_stop(core.loop, &rate_w);
	free(rated);
	rated = NULL;
	nrated = rated_size = 0;
	pool_free(&peer_pool);
}
