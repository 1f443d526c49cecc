/*
 * peer.c: TCP peers, plaintext or TLS. Reads go into the shared buffer and
 * through the framer; what a peer is owed waits in its output queue,
 * written in batches before the loop sleeps (over TLS, a record of up to
 * 16 KiB a write: a room's lines of one iteration are encrypted
 * together), or, when a room hands its lines over in that write pass to
 * a peer that owes nothing, written at once. When a peer does not read
 * what it is sent, the service says what happens: echo stops reading it
 * until it drains, a room cuts it when its queue passes the limit, so
 * that no one waits for it. A peer over --line-rate keeps what it sent in
 * its socket: it is read again when its bucket allows.
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
#include "tls.h"
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
#define PEER_HANDSHAKE	0x80	/* TLS: not a member until it is done */
#define PEER_READ_WW	0x100	/* TLS: its read waits to write */
#define PEER_WRITE_WR	0x200	/* TLS: its write waits to read */
#define PEER_FRESH	0x400	/* plaintext: nothing read yet */
#define PEER_SOFT	0x800	/* over a quarter of --max-queue */
#define PEER_TLS	0x1000	/* its aux part holds its TLS session */

/* A peer is read and sent to only through these while one is set. */
#define PEER_NOT_READ	(PEER_CLOSING | PEER_EOF | PEER_THROTTLED | \
	PEER_RATED | PEER_WAITING)

/*
 * What few peers need at a time: a TLS session, an unfinished line, input
 * held back by --line-rate, and since when a long queue has been long.
 * Kept apart, so that the thousands of idle plaintext peers of a large
 * room do not pay for it; freed when it holds nothing, or with its peer.
 */
struct peer_aux {
	struct ssl_st	*ssl;		/* TLS: its session (PEER_TLS) */
	struct frame	 frame;		/* a line read in part */
	char		*held;		/* read but not yet taken (rate) */
	uint32_t	 held_len;
	float		 soft_since;	/* over a quarter of --max-queue since */
	uint32_t	 soft_slot;	/* its place in soft[] */
};

/*
 * Thousands of these sit idle: one watcher reads and writes (its events
 * change), rare state is in the aux part, and times are kept in 32 bits,
 * counted from the server's start. libev leaves a watcher's data pointer
 * to us: it links the pending list.
 */
struct peer {
	ev_io		 io;		/* data: the next pending peer */
	struct peer	*prev;		/* peers, oldest activity first */
	struct peer	*next;		/* ... or the graveyard, once closed */
	struct member	 member;	/* holds the address */
	struct outq	 outq;
	struct peer_aux	*aux;		/* NULL while it needs none */
	float		 tokens;	/* --line-rate: its bucket's tokens */
	uint32_t	 tokens_ms;	/* ... counted at this time */
	uint32_t	 last_read;	/* tenths of a second */
	uint32_t	 flags;
};

static void	peer_io_cb(struct ev_loop *, ev_io *, int);
static void	peer_rate_cb(struct ev_loop *, ev_timer *, int);
static void	peer_deliver(struct member *, const struct slice *,
		    unsigned int);
static void	peer_resume(struct member *);
static void	peer_close(struct peer *, const char *why);
static int	peer_key(const struct member *, unsigned char *);
static void	peer_tls_read(struct peer *);
static void	peer_flush(struct peer *);

static const struct member_ops peer_ops = {
	.deliver = peer_deliver,
	.batched = 1,
	.resume = peer_resume,
	.key = peer_key,
};

/* Open peers in two lists, oldest first. */
struct peer_list {
	struct peer	*head;
	struct peer	*tail;
};
static struct peer_list	 peers;		/* members, by activity */
static struct peer_list	 handshakes;	/* TLS, by arrival: not yet members */
static unsigned int	 npeers;
static struct peer	*pending;	/* with output to write */
static struct peer	*graveyard;	/* closed, to be freed */
static struct pool	 peer_pool;	/* every peer's memory */
static size_t		 heap_freed;	/* rings, chunks freed since the trim */

/* Peers over a quarter of --max-queue, judged once a second. */
static struct peer	**soft;
static size_t		  nsoft, soft_size;
/* The peer whose framer runs: its aux part stays. */
static struct peer	 *framing;

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

/* The list P is in. */
static struct peer_list *
peer_list(const struct peer *p)
{
	return (p->flags & PEER_HANDSHAKE) ? &handshakes : &peers;
}

/* Take P out of its list. */
static void
unlink_peer(struct peer *p)
{
	struct peer_list	*l = peer_list(p);

	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	p->prev = p->next = NULL;
}

/* Append P to its list: the most recent end. */
static void
append_peer(struct peer *p)
{
	struct peer_list	*l = peer_list(p);

	p->next = NULL;
	p->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
}

/* P sent something: it is the most recently active now. */
static void
peer_active(struct peer *p)
{
	p->last_read = since_start(ev_now(core.loop), 10);
	if (peers.tail != p) {
		unlink_peer(p);
		append_peer(p);
	}
}

/* What P's watcher waits for: EV_READ, EV_WRITE, both or nothing. */
static int
watching(const struct peer *p)
{
	return ev_is_active(&p->io) ? p->io.events & (EV_READ | EV_WRITE) :
	    0;
}

/*
 * Make P's watcher wait for EVENTS. A watcher's events change only while
 * it is stopped, and stopping it drops an event it has pending (one fed
 * for what a TLS session holds, say): what of that is still wanted is
 * fed again.
 */
static void
peer_watch(struct peer *p, int events)
{
	int	pend;

	if (watching(p) == events)
		return;
	pend = ev_clear_pending(core.loop, &p->io);
	ev_io_stop(core.loop, &p->io);
	if (events == 0)
		return;
	ev_io_modify(&p->io, events);
	ev_io_start(core.loop, &p->io);
	if (pend & events)
		ev_feed_event(core.loop, &p->io, pend & events);
}

static void
read_on(struct peer *p)
{
	peer_watch(p, watching(p) | EV_READ);
}

static void
read_off(struct peer *p)
{
	peer_watch(p, watching(p) & ~EV_READ);
}

static void
write_on(struct peer *p)
{
	peer_watch(p, watching(p) | EV_WRITE);
}

static void
write_off(struct peer *p)
{
	peer_watch(p, watching(p) & ~EV_WRITE);
}

/* Whether P's TLS session holds input already decrypted, unread. */
static int
tls_holds_input(const struct peer *p)
{
	return (p->flags & PEER_TLS) && p->aux != NULL &&
	    tls_pending(p->aux->ssl);
}

/* Read P again; over TLS, what its session holds is not in the socket. */
static void
peer_read_on(struct peer *p)
{
	read_on(p);
	if (tls_holds_input(p))
		ev_feed_event(core.loop, &p->io, EV_READ);
}

/* P's aux part, made when first needed. */
static struct peer_aux *
peer_aux(struct peer *p)
{
	if (p->aux == NULL)
		p->aux = xcalloc(1, sizeof *p->aux);
	return p->aux;
}

/*
 * Let P's aux part go once it holds nothing; not while its framer runs,
 * nor once P is closed (peers_reap() frees it: the framer may still be
 * on its way out).
 */
static void
peer_aux_done(struct peer *p)
{
	struct peer_aux	*x = p->aux;

	if (x == NULL || x->held != NULL || x->frame.buf != NULL ||
	    x->frame.discarding ||
	    (p->flags & (PEER_SOFT | PEER_TLS | PEER_CLOSING)) ||
	    p == framing)
		return;
	free(x);
	p->aux = NULL;
}

/*
 * P's framer: its aux part's, or, while P holds no unfinished line, F
 * (made empty): what F holds after a feed is kept by frame_keep().
 */
static struct frame *
frame_of(struct peer *p, struct frame *f)
{
	framing = p;
	if (p->aux != NULL)
		return &p->aux->frame;
	memset(f, 0, sizeof *f);
	return f;
}

static void
frame_keep(struct peer *p, struct frame *f)
{
	framing = NULL;
	if (p->flags & PEER_CLOSING)
		frame_free(f);
	else if (f->buf != NULL || f->discarding)
		peer_aux(p)->frame = *f;	/* its own is empty */
	else
		frame_free(f);
	peer_aux_done(p);
}

/* P's queue passed a quarter of --max-queue: judge it from now on. */
static void
soft_add(struct peer *p)
{
	struct peer_aux	*x = peer_aux(p);

	if (nsoft == soft_size) {
		soft_size = soft_size == 0 ? 16 : soft_size * 2;
		soft = xreallocarray(soft, soft_size, sizeof *soft);
	}
	x->soft_since = (float)(ev_now(core.loop) - core.started);
	x->soft_slot = (uint32_t)nsoft;
	soft[nsoft++] = p;
	p->flags |= PEER_SOFT;
}

/* P's queue is short again, or P is closed. */
static void
soft_remove(struct peer *p)
{
	uint32_t	slot;

	if (!(p->flags & PEER_SOFT))
		return;
	slot = p->aux->soft_slot;
	soft[slot] = soft[--nsoft];
	soft[slot]->aux->soft_slot = slot;
	p->flags &= ~PEER_SOFT;
	peer_aux_done(p);
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
	if ((watching(p) & EV_WRITE) && !(p->flags & PEER_SLOW))
		return;
	p->flags |= PEER_PENDING;
	p->io.data = pending;
	pending = p;
}

void
peer_create(int fd, const struct addr *a, int tls)
{
	struct peer	*p;
	struct ssl_st	*ssl = NULL;

	if (tls && (ssl = tls_accept(fd)) == NULL) {
		admission_release(a);
		close(fd);
		return;
	}
	p = pool_get(&peer_pool);
	p->flags = ssl != NULL ? PEER_HANDSHAKE | PEER_TLS : PEER_FRESH;
	if (ssl != NULL)
		peer_aux(p)->ssl = ssl;
	p->member.ops = &peer_ops;
	p->member.addr = *a;
	p->last_read = since_start(ev_now(core.loop), 10);
	p->tokens = (float)(core.conf->line_rate * RATE_BURST_FACTOR);
	p->tokens_ms = since_start(ev_now(core.loop), 1000);
	ev_io_init(&p->io, peer_io_cb, fd, EV_READ);
	ev_io_start(core.loop, &p->io);
	append_peer(p);
	npeers++;
	core.stats.accepted++;
	if (ssl != NULL) {
		/* A member once its handshake is done. */
		log_info("%s: connected over tls (%u online)", peer_name(p),
		    npeers);
		return;
	}
	log_info("%s: connected (%u online)", peer_name(p), npeers);
	core.service->joined(&p->member);
}

static int
peer_key(const struct member *m, unsigned char *pin)
{
	const struct peer	*p;

	p = (const struct peer *)(const void *)((const char *)m -
	    offsetof(struct peer, member));
	return (p->flags & PEER_TLS) ? tls_peer_pin(p->aux->ssl, pin) : -1;
}

static size_t
quarter_queue(void)
{
	return core.conf->max_queue / SOFT_QUEUE_DIVISOR;
}

/* IOV (IOVCNT entries) to FD in one write: send() for one, mostly. */
static ssize_t
send_iov(int fd, const struct iovec *iov, int iovcnt)
{
	struct msghdr	msg;

	if (iovcnt == 1)
		return send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)iovcnt;
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/*
 * In the write pass, the N slices S for a plaintext peer that owes nothing
 * and waits for nothing are written at once, in one write: a room's lines
 * reach each listener in one pass over them, each peer touched once.
 * Return the bytes written, or -1 if it was not tried.
 */
static ssize_t
peer_write_through(struct peer *p, const struct slice *s, unsigned int n)
{
	struct iovec	iov[ROOM_GATHER_SLICES];
	ssize_t		w;
	unsigned int	i;

	if (!core.writing || (p->flags & PEER_TLS) || p->outq.bytes > 0 ||
	    (p->flags & (PEER_PENDING | PEER_HANDSHAKE)) ||
	    (watching(p) & EV_WRITE))
		return -1;
	n = MINIMUM(n, ROOM_GATHER_SLICES);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(uintptr_t)slice_data(&s[i]);
		iov[i].iov_len = s[i].len;
	}
	if ((w = send_iov(p->io.fd, iov, (int)n)) == -1)
		/* Full, or an error the watcher's write will meet again. */
		return errno == EINTR ? -1 : 0;
	core.stats.bytes_out += (uint64_t)w;
	core.stats.writes++;
	return w;
}

static void
peer_deliver(struct member *m, const struct slice *s, unsigned int n)
{
	struct peer	*p = container_of(m, struct peer, member);
	struct slice	 rest;
	ssize_t		 w;
	size_t		 done;
	unsigned int	 i;

	if (p->flags & PEER_CLOSING)
		return;
	w = peer_write_through(p, s, n);
	/* What was not written, in order, from where the write stopped. */
	done = w > 0 ? (size_t)w : 0;
	for (i = 0; i < n; i++) {
		rest = s[i];
		if (done >= rest.len) {
			done -= rest.len;
			continue;
		}
		rest.off += (uint32_t)done;
		rest.len -= (uint32_t)done;
		done = 0;
		outq_push(&p->outq, &rest);
	}
	if (p->outq.bytes == 0)
		return;
	/* Over the limit: the next flush writes what it can, then judges. */
	if (p->outq.bytes > core.conf->max_queue)
		p->flags |= PEER_SLOW;
	/* Its socket is full: the watcher writes the rest when it drains. */
	if (w >= 0 && !(p->flags & PEER_SLOW))
		write_on(p);
	else
		want_write(p);
	if (!(p->flags & (PEER_SLOW | PEER_SOFT)) &&
	    p->outq.bytes > quarter_queue())
		soft_add(p);
}

/* Cut P if it stayed over the soft queue limit for too long. */
static void
check_queue(struct peer *p, ev_tstamp now)
{
	float	since;

	if (!(p->flags & PEER_SOFT) || (p->flags & PEER_CLOSING))
		return;
	since = (float)(now - core.started) - p->aux->soft_since;
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
	read_off(p);
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
	bucket_init(b, (double)p->tokens, 0.0);
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
	p->tokens = (float)b.tokens;
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
 * Before P's read is taken: a bucket a day old is full; count it from
 * now, so that its age never wraps around (at 24 days). Its tokens were
 * counted at a read, so a peer that read nothing for a day (its last
 * read tells, in tenths of a second: good for 13 years) has a bucket at
 * least that old; one that reads has it looked at here each time.
 */
static void
peer_rate_age(struct peer *p)
{
	ev_tstamp	now = ev_now(core.loop);
	uint32_t	now_ms = since_start(now, 1000);

	if (since_start(now, 10) - p->last_read >= 86400 * 10 ||
	    now_ms - p->tokens_ms >= 86400 * 1000) {
		p->tokens = (float)(core.conf->line_rate * RATE_BURST_FACTOR);
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
	read_off(p);
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

/* Whether P holds input that --line-rate held back. */
static int
peer_held(const struct peer *p)
{
	return p->aux != NULL && p->aux->held != NULL;
}

/* Take DATA: messages until done or the rate limit; keep the rest. */
static void
peer_input(struct peer *p, const char *data, size_t len)
{
	const struct srvconf	*c = core.conf;
	struct frame		 local, *f;
	size_t			 used;
	int			 rc;

	f = frame_of(p, &local);
	rc = frame_feed_some(f, c->framing, c->max_line, data, len,
	    peer_message_cb, p, &used);
	if (f == &local)
		frame_keep(p, &local);
	else
		framing = NULL;
	if (rc == -1 || (p->flags & (PEER_CLOSING | PEER_EOF)))
		return;
	if (rc == FRAME_PAUSE) {
		struct peer_aux	*x = peer_aux(p);

		/* DATA may be x->held itself. */
		/* A read of a peer not rate-limited is larger than that. */
		if (x->held == NULL)
			x->held = xmalloc(MAXIMUM(len - used, 1));
		memmove(x->held, data + used, len - used);
		x->held_len = (uint32_t)(len - used);
	} else if (p->aux != NULL && p->aux->held != NULL) {
		free(p->aux->held);
		p->aux->held = NULL;
		p->aux->held_len = 0;
		peer_aux_done(p);
	}
	if (p->member.waiting) {
		/* Not read until peer_resume(). */
		p->flags |= PEER_WAITING;
		read_off(p);
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
	if (peer_held(p) && !core.stopping)
		peer_input(p, p->aux->held, p->aux->held_len);
	if (!(p->flags & PEER_NOT_READ))
		peer_read_on(p);
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
		if (peer_held(p) && !core.stopping &&
		    !(p->flags & PEER_WAITING))
			peer_input(p, p->aux->held, p->aux->held_len);
		if (!(p->flags & (PEER_CLOSING | PEER_EOF | PEER_RATED |
		    PEER_WAITING)))
			peer_read_on(p);
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

/*
 * The first bytes of a TLS ClientHello: a handshake record of TLS 1.x.
 * No line of text starts with a control character and 0x03.
 */
static int
client_hello(const char *b, size_t n)
{
	return n >= 3 && b[0] == 0x16 && b[1] == 0x03 &&
	    (unsigned char)b[2] <= 0x04;
}

/* P's read brought N bytes into the shared buffer; 0: the end. */
static void
peer_took(struct peer *p, size_t n)
{
	const struct srvconf	*c = core.conf;
	int			 rc;

	peer_rate_age(p);
	peer_active(p);
	if (n == 0) {
		/* Half-close: an unfinished line still counts. */
		if (p->aux != NULL) {
			framing = p;
			rc = frame_finish(&p->aux->frame, c->framing,
			    c->max_line, peer_message_cb, p);
			framing = NULL;
			peer_aux_done(p);
			if (rc == -1)
				return;
		}
		if (p->member.waiting) {
			/*
			 * That line was a /join that waits: the end waits
			 * for it; reading again after peer_resume() finds
			 * the end again.
			 */
			p->flags |= PEER_WAITING;
			read_off(p);
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
		read_off(p);
		log_debug("%s: output queue at %zu bytes, reading paused",
		    peer_name(p), p->outq.bytes);
	}
}

/* P is readable, or its TLS session holds what was read. */
static void
peer_readable(struct peer *p)
{
	ssize_t		 n;

	if ((p->flags & PEER_TLS)) {
		peer_tls_read(p);
		return;
	}
	n = read(p->io.fd, core.rbuf, read_size());
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		peer_close(p, strerror(errno));
		return;
	}
	if (p->flags & PEER_FRESH) {
		p->flags &= ~PEER_FRESH;
		/* Never stamped back as text: closed, and counted. */
		if (client_hello(core.rbuf, (size_t)n)) {
			core.stats.tls_on_plain++;
			peer_close(p, "tls on the plaintext port");
			return;
		}
	}
	peer_took(p, (size_t)n);
}

/* A handshake step; once done, P is a member. */
static void
peer_handshake(struct peer *p)
{
	const char	*why = "";
	char		 desc[128], pin[PIN_STRLEN];
	unsigned char	 key[PIN_BYTES];

	switch (tls_handshake(p->aux->ssl, &why)) {
	case TLS_OK:
		break;
	case TLS_WANT_READ:
		write_off(p);
		return;
	case TLS_WANT_WRITE:
		write_on(p);
		return;
	case TLS_CLOSED:
	case TLS_ERROR:
		core.stats.tls_failed++;
		snprintf(desc, sizeof desc, "tls handshake failed: %s", why);
		peer_close(p, desc);
		return;
	}
	write_off(p);
	unlink_peer(p);
	p->flags &= ~PEER_HANDSHAKE;
	append_peer(p);
	p->last_read = since_start(ev_now(core.loop), 10);
	core.stats.tls_done++;
	tls_describe(p->aux->ssl, desc, sizeof desc);
	if (tls_peer_pin(p->aux->ssl, key) == 0) {
		pin_format(key, pin);
		log_info("%s: tls: %s, client key %s", peer_name(p), desc, pin);
	} else
		log_info("%s: tls: %s", peer_name(p), desc);
	core.service->joined(&p->member);
	if (!(p->flags & PEER_NOT_READ) && tls_holds_input(p))
		ev_feed_event(core.loop, &p->io, EV_READ);
}

/* Readable (or what the session holds): the handshake, a write, a read. */
static void
peer_tls_read(struct peer *p)
{
	const char	*why = "";
	size_t		 n = 0;

	if (p->flags & PEER_HANDSHAKE) {
		peer_handshake(p);
		return;
	}
	if (p->flags & PEER_WRITE_WR) {
		p->flags &= ~PEER_WRITE_WR;
		peer_flush(p);
		if (p->flags & PEER_CLOSING)
			return;
		if (p->flags & PEER_NOT_READ) {
			read_off(p);
			return;
		}
	}
	p->flags &= ~PEER_READ_WW;
	switch (tls_read(p->aux->ssl, core.rbuf, read_size(), &n, &why)) {
	case TLS_OK:
		break;
	case TLS_WANT_READ:
		return;
	case TLS_WANT_WRITE:
		p->flags |= PEER_READ_WW;
		write_on(p);
		return;
	case TLS_CLOSED:
		n = 0;
		break;
	case TLS_ERROR:
		peer_close(p, why);
		return;
	}
	peer_took(p, n);
	/* One read a peer an iteration: the rest of it at the next. */
	if (!(p->flags & PEER_NOT_READ) && tls_holds_input(p))
		ev_feed_event(core.loop, &p->io, EV_READ);
}

/*
 * One record of what P is owed, over TLS: the head of its queue, in one
 * piece (copied when it is in several). After a write that had to wait,
 * the same bytes come first again: the queue only grows meanwhile.
 * Return the bytes written, 0 if the session waits, -1 if P was closed.
 */
static ssize_t
peer_tls_send(struct peer *p, const struct iovec *iov, int iovcnt)
{
	static char	 record[TLS_RECORD_BYTES];
	const char	*why = "";
	const void	*buf = iov[0].iov_base;
	size_t		 len = iov[0].iov_len, n = 0;
	int		 i;

	if (iovcnt > 1) {
		for (i = 0, len = 0; i < iovcnt; i++) {
			memcpy(record + len, iov[i].iov_base, iov[i].iov_len);
			len += iov[i].iov_len;
		}
		buf = record;
	}
	switch (tls_write(p->aux->ssl, buf, len, &n, &why)) {
	case TLS_OK:
		return (ssize_t)n;
	case TLS_WANT_WRITE:
		return 0;
	case TLS_WANT_READ:
		/* Readable first (peer_tls_read() writes then). */
		p->flags |= PEER_WRITE_WR;
		read_on(p);
		return 0;
	case TLS_CLOSED:
		why = "closed";
		break;
	case TLS_ERROR:
		break;
	}
	peer_close(p, why);
	return -1;
}

/*
 * Write what is queued, at most a pass's share; start the write watcher
 * if some is left.
 */
static void
peer_flush(struct peer *p)
{
	struct iovec	iov[PEER_IOV_MAX];
	size_t		budget = WRITE_PER_PASS_BYTES;
	ssize_t		n;
	int		iovcnt;

	while (p->outq.bytes > 0 && budget > 0 &&
	    !(p->flags & (PEER_HANDSHAKE | PEER_WRITE_WR))) {
		if ((p->flags & PEER_TLS)) {
			/* A whole record each time, whatever the budget. */
			iovcnt = outq_iov(&p->outq, iov, PEER_IOV_MAX,
			    TLS_RECORD_BYTES);
			if ((n = peer_tls_send(p, iov, iovcnt)) == -1)
				return;
			if (n == 0)
				break;
			outq_consume(&p->outq, n);
			core.stats.bytes_out += n;
			core.stats.writes++;
			budget -= MINIMUM(budget, (size_t)n);
			continue;
		}
		iovcnt = outq_iov(&p->outq, iov, PEER_IOV_MAX, budget);
		if ((n = send_iov(p->io.fd, iov, iovcnt)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			peer_close(p, strerror(errno));
			return;
		}
		outq_consume(&p->outq, n);
		core.stats.bytes_out += n;
		core.stats.writes++;
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
		soft_remove(p);
	else if (core.service->cut_slow) {
		check_queue(p, ev_now(core.loop));
		if (p->flags & PEER_CLOSING)
			return;
	}

	if (p->outq.bytes > 0) {
		/* A write that waits to read is not helped by writability. */
		if (p->flags & PEER_WRITE_WR)
			write_off(p);
		else
			write_on(p);
		return;
	}
	/*
	 * The ring goes: a room's lines are mostly written through
	 * (peer_write_through()), so a ring is for a backlog, and an idle
	 * peer of a large room keeps none.
	 */
	heap_freed += outq_shrink(&p->outq);
	/* A TLS read that waits to write keeps the watcher. */
	if (!(p->flags & (PEER_READ_WW | PEER_HANDSHAKE)))
		write_off(p);
	if (p->flags & PEER_EOF) {
		peer_close(p, NULL);
		return;
	}
	if (p->flags & PEER_THROTTLED) {
		p->flags &= ~PEER_THROTTLED;
		if (!(p->flags & PEER_WAITING))
			peer_read_on(p);
	}
}

/* P is writable. */
static void
peer_writable(struct peer *p)
{
	if (p->flags & PEER_HANDSHAKE) {
		peer_handshake(p);
		return;
	}
	if (p->flags & PEER_READ_WW) {
		peer_tls_read(p);
		if (p->flags & PEER_CLOSING)
			return;
	}
	peer_flush(p);
}

/*
 * What is owed goes first; then a read, if the peer is still read (the
 * write may have closed it, or its read may wait now).
 */
static void
peer_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer	*p = container_of(w, struct peer, io);

	if (revents & EV_WRITE) {
		peer_writable(p);
		if (p->flags & PEER_CLOSING)
			return;
	}
	if ((revents & EV_READ) && (watching(p) & EV_READ))
		peer_readable(p);
}

int
peers_write(void)
{
	struct peer	*p, *list;

	if ((list = pending) == NULL)
		return 0;
	pending = NULL;
	while ((p = list) != NULL) {
		list = p->io.data;
		p->io.data = NULL;
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
	ev_io_stop(core.loop, &p->io);
	if (p->flags & PEER_RATED)
		peer_rate_forget(p);
	if (why != NULL)
		log_info("%s: closed: %s", peer_name(p), why);
	else
		log_info("%s: closed", peer_name(p));
	if (p->flags & PEER_TLS) {
		/* Everything it was owed went: say so (close_notify). */
		tls_close(p->aux->ssl, why == NULL);
		p->aux->ssl = NULL;
		p->flags &= ~PEER_TLS;
	}
	close(p->io.fd);
	heap_freed += p->outq.size * sizeof(struct slice);
	outq_clear(&p->outq);
	soft_remove(p);
	if (p->aux != NULL) {
		/* The aux part itself goes in peers_reap(). */
		frame_free(&p->aux->frame);
		free(p->aux->held);
		p->aux->held = NULL;
	}
	unlink_peer(p);
	npeers--;
	admission_release(&p->member.addr);
	/* p->next is free now: it links the graveyard. */
	p->next = graveyard;
	graveyard = p;
	/* A TLS peer is a member once its handshake is done. */
	if (!(p->flags & PEER_HANDSHAKE))
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
		free(p->aux);
		pool_put(&peer_pool, p);
	}
}

/*
 * When peers fell behind, in a connect storm say, their output rings were
 * allocated and freed among other allocations that live on; the heap keeps
 * those holes resident. Give them back to the system once enough is free,
 * or once the output chunks kept for reuse were freed: nothing was said
 * for a second, and what a burst left can go.
 */
static void
peers_trim(void)
{
	size_t	chunks = outq_idle();

	heap_freed += chunks;
	if (chunks == 0 && heap_freed < PEER_TRIM_BYTES)
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
	size_t			 i;

	/* Handshakes in the order they began: cut those over the limit. */
	while ((p = handshakes.head) != NULL && (int32_t)(since_start(now, 10) -
	    p->last_read) >= TLS_HANDSHAKE_SECS * 10) {
		core.stats.tls_timeout++;
		peer_close(p, "tls handshake timed out");
	}
	/* Oldest activity first: stop at the first peer still active. */
	for (p = peers.head; c->idle_timeout > 0 && p != NULL; p = next) {
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
	/*
	 * Long queues, the newest last: a peer cut leaves its slot to the
	 * last one, so look at that slot again.
	 */
	for (i = 0; core.service->cut_slow && i < nsoft; ) {
		p = soft[i];
		check_queue(p, now);
		if (i < nsoft && soft[i] == p)
			i++;
	}
	peers_trim();
}

void
peers_each(void (*fn)(struct member *))
{
	struct peer	*p, *next;

	for (p = peers.head; p != NULL; p = next) {
		next = p->next;
		fn(&p->member);
	}
}

void
peers_finish(void)
{
	struct peer	*p, *next;

	/* No handshake is waited for. */
	while (handshakes.head != NULL)
		peer_close(handshakes.head, "shutting down");
	for (p = peers.head; p != NULL; p = next) {
		next = p->next;
		peer_finish(p);
	}
}

void
peers_close(void)
{
	while (handshakes.head != NULL)
		peer_close(handshakes.head, NULL);
	while (peers.head != NULL)
		peer_close(peers.head, NULL);
	peers_reap();
}

void
peers_free(void)
{
	ev_timer_stop(core.loop, &rate_w);
	free(soft);
	soft = NULL;
	nsoft = soft_size = 0;
	free(rated);
	rated = NULL;
	nrated = rated_size = 0;
	pool_free(&peer_pool);
}
